"""Figures and sentences for the fund reports (``bokslut-2023``, ``tertial-2024``).

A fund statement (kind ``fund_statement``) tells, per area, what money there was, what was
budgeted and spent, what was paid out and what remains. The reports read it like a Swedish
förvaltningsberättelse: key figures, pace of spending against the share of the year passed,
a full-year forecast with its method stated, remaining funds by source, then the statement
as printed with every finding marked and explained in one plain-Swedish sentence.

Blank stays blank: a figure computed from a blank cell is blank (NaN), never 0. The one
documented exception is a blank "varav statliga": the part of the remaining funds that is
state money, left blank in print when there is none (see :func:`funds_by_source`).
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import fmt, paths, reconcile
from .findings import STATUSES, Finding
from .table import Table

#: Strongest status wins when several findings hit one cell.
_PRIORITY = {"avvikelse": 0, "saknas": 1, "oklar": 2, "avrundning": 3}

#: How each status is named to a reader, with the symbol the report CSS adds.
STATUS_TEXT = {"avvikelse": "avvikelse ✖", "avrundning": "avrundning ≈", "saknas": "tom cell ○",
               "oklar": "oklar läsning ?"}

#: Kinds whose findings belong in a fund report (the fee matrix has its own report).
REPORT_KINDS = ("fund_statement", "amount_table", "share_table", "budget_followup")

FORECAST_METHOD = ("Prognosen är en linjär framskrivning: utfallet hittills delat med den andel "
                   "av året som har gått ({manader}/12). Den antar att förbrukningen fortsätter i "
                   "samma takt resten av året; utbetalningar av statliga medel och större inköp "
                   "kommer ofta ojämnt, så prognosen är en tumregel, inte en budget.")


# -- parameters ----------------------------------------------------------------------------

def resolve(path: str) -> Path:
    """A parameter path: relative to the project root, or absolute as given."""
    return paths.project_root() / path


def validate_parameters(*, data_dir: str, fondtabell: str, manader: int, period: str,
                        foregaende: str = "", kontinuitet: str = "") -> None:
    """Check a fund report's parameters; every fault is listed in one Swedish message.

    Parameters
    ----------
    data_dir : str
        Folder with the period's source tables (relative to the project root).
    fondtabell : str
        Table id (file stem) of the period's fund statement in ``data_dir``.
    manader : int
        Months of the year that have passed (8 at tertial 2, 12 at year end).
    period : str
        The period's last day, ``YYYY-MM-DD``.
    foregaende : str
        Previous period's fund statement file, or "" for none.
    kontinuitet : str
        Mapping file previous -> this period, or "" for none; needs ``foregaende``.

    Raises
    ------
    ValueError
        Listing every fault.
    """
    errors = []
    if isinstance(manader, bool) or not isinstance(manader, int) or not 1 <= manader <= 12:
        errors.append(f"manader ska vara ett heltal 1–12, fick {manader!r}")
    try:
        dt.date.fromisoformat(str(period))
    except ValueError:
        errors.append(f"period ska vara ett datum som 2024-08-31, fick {period!r}")
    folder = resolve(data_dir)
    if not folder.is_dir():
        errors.append(f"mappen data_dir={data_dir!r} finns inte")
    elif not any(folder.glob(f"{fondtabell}.*")):
        errors.append(f"fondtabellen {fondtabell!r} finns inte i {data_dir}")
    for name, value in (("foregaende", foregaende), ("kontinuitet", kontinuitet)):
        if value and not resolve(value).is_file():
            errors.append(f"filen {name}={value!r} finns inte")
    if kontinuitet and not foregaende:
        errors.append("kontinuitet kräver att foregaende anges")
    if errors:
        raise ValueError("Fel i parametrarna: " + "; ".join(errors))


def period_findings(tables: dict[str, Table], previous: Table | None = None,
                    continuity: dict | None = None, pairings: list[dict] | None = None,
                    ) -> reconcile.Findings:
    """All findings of one period: its tables, its cross-checks and continuity from before.

    Parameters
    ----------
    tables : dict
        The period's tables by id (``io.load_folder``).
    previous : Table, optional
        The previous period's fund statement, for the continuity check.
    continuity : dict, optional
        A mapping spec (``data/raw/kontinuitet/*.yaml``) from ``previous`` to this period.
    pairings : list of dict, optional
        Cross-check specs (``korskontroller*.yaml`` of the period folder).

    Returns
    -------
    reconcile.Findings
        Findings of the tables of kinds in :data:`REPORT_KINDS`, claims that refer to one of
        them, continuity and cross-checks; ``errors`` lists checks that could not run.
    """
    everything = dict(tables)
    if previous is not None:
        everything.setdefault(previous.id, previous)
    out = reconcile.run_all(dict(tables))
    kept = {tid for tid, t in tables.items() if t.kind in REPORT_KINDS}
    items = [f for f in out if f.table in kept
             or (tables.get(f.table) is not None and tables[f.table].kind == "claims"
                 and any(f"{tid}:" in f.check for tid in kept))]
    result = reconcile.Findings(items, out.errors, out.notes)
    extra = [("kontinuitet", continuity, lambda s: reconcile.check_continuity(s, everything))]
    extra += [("korskontroll", p, lambda s: reconcile.check_pairings(s, everything))
              for p in pairings or []]
    for name, spec, fn in extra:
        if not spec:
            continue
        try:
            result.extend(fn(spec))
        except Exception as e:  # collected like run_all does: never a silent zero
            result.errors.append(reconcile.CheckError("", "", name, f"{type(e).__name__}: {e}"))
    return result


# -- figures per area ----------------------------------------------------------------------

def elapsed_share(manader: int) -> float:
    """The share of the year passed after ``manader`` months (8 -> 0,667)."""
    if isinstance(manader, bool) or not isinstance(manader, int) or not 1 <= manader <= 12:
        raise ValueError(f"antal månader ska vara 1–12, fick {manader!r}")
    return manader / 12


def _get(table: Table, row: str, key: str) -> float:
    label = table.column(key)
    return float(table.values.at[row, label]) if label is not None else np.nan


def _ratio(a: float, b: float) -> float:
    """a / b, blank when either is blank or b is 0 (no budget means no rate)."""
    if np.isnan(a) or np.isnan(b) or b == 0:
        return np.nan
    return a / b


def area_figures(table: Table, manader: int) -> pd.DataFrame:
    """Budget, outcome, pace and forecast per area, then the printed total row.

    Parameters
    ----------
    table : Table
        A fund statement; ``budget`` is the full-year budget, ``utfall`` the outcome so far.
    manader : int
        Months passed.

    Returns
    -------
    pandas.DataFrame
        Index: area labels as printed, then ``Totalt`` (the printed total row); columns
        ``Budget helår``, ``Utfall``, ``Förbrukningsgrad`` (utfall / budget, a share),
        ``Prognos helår`` (utfall / (manader / 12)), ``Budget − prognos`` (positive = the
        forecast stays under budget). Blank budget or outcome gives blank results.
    """
    share = elapsed_share(manader)
    rows = table.rows_with_role("area")
    totals = table.rows_with_role("total")
    records = []
    for row in rows + totals[:1]:
        budget, utfall = _get(table, row, "budget"), _get(table, row, "utfall")
        forecast = utfall / share
        records.append({"Område": "Totalt" if row in totals else row,
                        "Budget helår": budget, "Utfall": utfall,
                        "Förbrukningsgrad": _ratio(utfall, budget),
                        "Prognos helår": forecast, "Budget − prognos": budget - forecast})
    return pd.DataFrame.from_records(records, index="Område")


def ahead_of_pace(figures: pd.DataFrame, manader: int) -> list[str]:
    """Areas (not the total) whose spending rate is above the share of the year passed."""
    share = elapsed_share(manader)
    rate = figures["Förbrukningsgrad"].drop("Totalt", errors="ignore")
    return [a for a, r in rate.items() if not np.isnan(r) and r > share]


def funds_by_source(table: Table) -> pd.DataFrame:
    """Remaining funds per area split into state money and the rest.

    Parameters
    ----------
    table : Table
        A fund statement with ``kvarvarande`` and ``varav_statliga``.

    Returns
    -------
    pandas.DataFrame
        Index: area labels, then ``Totalt``; columns ``Kvarvarande medel``, ``Varav
        statliga``, ``Kommunala och övriga`` (= kvarvarande − statliga). A blank "varav
        statliga" is printed where an area holds no state money, so the rest is then the
        whole of kvarvarande; "Varav statliga" itself stays blank. A blank kvarvarande
        leaves the split blank.
    """
    rows = table.rows_with_role("area")
    totals = table.rows_with_role("total")
    records = []
    for row in rows + totals[:1]:
        whole, state = _get(table, row, "kvarvarande"), _get(table, row, "varav_statliga")
        rest = whole - (0.0 if np.isnan(state) else state)
        records.append({"Område": "Totalt" if row in totals else row,
                        "Kvarvarande medel": whole, "Varav statliga": state,
                        "Kommunala och övriga": rest})
    return pd.DataFrame.from_records(records, index="Område")


def total_figures(table: Table, manader: int) -> dict[str, float]:
    """Key figures from the printed total row (blank stays NaN).

    Returns
    -------
    dict
        ``disponibla``, ``budget``, ``utfall``, ``utbetalt``, ``overforda``,
        ``kvarvarande``, ``varav_statliga``, ``forbrukningsgrad``, ``andel_av_aret``,
        ``prognos``.
    """
    totals = table.rows_with_role("total")
    if not totals:
        raise ValueError(f"{table.id}: tabellen har ingen summarad")
    row = totals[0]
    keys = ("disponibla", "budget", "utfall", "utbetalt", "overforda", "kvarvarande",
            "varav_statliga")
    out = {k: _get(table, row, k) for k in keys}
    out["forbrukningsgrad"] = _ratio(out["utfall"], out["budget"])
    out["andel_av_aret"] = elapsed_share(manader)
    out["prognos"] = out["utfall"] / out["andel_av_aret"]
    return out


def period_end(table: Table) -> str:
    """The last day of the table's period (``2024-08-31``), from the sidecar's ``period``."""
    return str(table.meta.get("period", "")).split("/")[-1]


def key_sentences(table: Table, manader: int, findings: list[Finding]) -> list[str]:
    """The key figures in plain Swedish, a few sentences, from the printed total row.

    Parameters
    ----------
    table : Table
        The fund statement.
    manader : int
        Months passed (12 = year end).
    findings : list of Finding
        The period's findings (counted in the last sentence).

    Returns
    -------
    list of str
    """
    k = total_figures(table, manader)
    u = table.unit
    end = period_end(table)
    out = []
    if manader == 12:
        out.append(f"Under året till och med {end} förbrukade Kommunal utveckling "
                   f"{fmt.amount(k['utfall'], u, source_unit=u)} av en budget på "
                   f"{fmt.amount(k['budget'], u, source_unit=u)}, en förbrukningsgrad på "
                   f"{fmt.percent(k['forbrukningsgrad'], ratio=True)}.")
    else:
        out.append(f"Till och med {end}, när {manader} av årets 12 månader "
                   f"({fmt.percent(k['andel_av_aret'], ratio=True)} av året) har gått, hade "
                   f"Kommunal utveckling förbrukat {fmt.amount(k['utfall'], u, source_unit=u)} "
                   f"av årets budget på {fmt.amount(k['budget'], u, source_unit=u)}, en "
                   f"förbrukningsgrad på {fmt.percent(k['forbrukningsgrad'], ratio=True)}.")
        diff = k["budget"] - k["prognos"]
        if not np.isnan(diff):
            side = "under" if diff >= 0 else "över"
            out.append(f"Fortsätter förbrukningen i samma takt blir den cirka "
                       f"{fmt.amount(k['prognos'], u, source_unit=u)} för helåret, "
                       f"{fmt.amount(abs(diff), u, source_unit=u)} {side} budget (linjär "
                       f"framskrivning, se avsnittet Prognos).")
    part = (f", varav {fmt.amount(k['varav_statliga'], u, source_unit=u)} statliga medel "
            f"({fmt.percent(_ratio(k['varav_statliga'], k['kvarvarande']), ratio=True)})"
            if not np.isnan(k["varav_statliga"]) else "")
    out.append(f"Kvarvarande medel vid periodens slut var "
               f"{fmt.amount(k['kvarvarande'], u, source_unit=u)}{part}.")
    if not np.isnan(k["utbetalt"]):
        out.append(f"Till länets kommuner har {fmt.amount(k['utbetalt'], u, source_unit=u)} "
                   f"betalats ut.")
    out.append(findings_sentence(findings))
    return out


def findings_sentence(findings: list[Finding]) -> str:
    """How many findings of each status, in one sentence."""
    if not findings:
        return "Avstämningen av tabellerna gav inga anmärkningar."
    counts = {s: sum(f.status == s for f in findings) for s in STATUSES}
    words = {"avvikelse": ("avvikelse", "avvikelser"),
             "avrundning": ("avrundningsskillnad", "avrundningsskillnader"),
             "saknas": ("tom cell med beräkningsbart värde", "tomma celler med beräkningsbara värden"),
             "oklar": ("oklar läsning", "oklara läsningar")}
    parts = [f"{n} {words[s][0] if n == 1 else words[s][1]}" for s, n in counts.items() if n]
    text = ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1]
    return f"Avstämningen av tabellerna gav {text}; se avsnittet Avstämning."


def key_figures_html(table: Table, manader: int) -> str:
    """Key figures as boxes (``div.nyckeltal``), Swedish formatted."""
    k = total_figures(table, manader)
    u = table.unit
    boxes = [("Disponibla medel", fmt.amount(k["disponibla"], u, source_unit=u)),
             ("Budget förbrukning helår", fmt.amount(k["budget"], u, source_unit=u)),
             (f"Utfall till {period_end(table)}", fmt.amount(k["utfall"], u, source_unit=u)),
             ("Förbrukningsgrad", fmt.percent(k["forbrukningsgrad"], ratio=True)),
             ("Andel av året", f"{manader}/12 = {fmt.percent(k['andel_av_aret'], ratio=True)}"),
             ("Kvarvarande medel", fmt.amount(k["kvarvarande"], u, source_unit=u)),
             ("Varav statliga", fmt.amount(k["varav_statliga"], u, source_unit=u))]
    if manader < 12:
        boxes.insert(4, ("Prognos helår (linjär)", fmt.amount(k["prognos"], u, source_unit=u)))
    esc = html.escape
    return ('<div class="nyckeltal">'
            + "".join(f"<div>{esc(a)}<b>{esc(b)}</b></div>" for a, b in boxes) + "</div>")


def paragraphs_html(sentences: list[str], css_class: str = "") -> str:
    """Sentences as one escaped HTML paragraph (in a ``div.ruta`` box if asked)."""
    p = "<p>" + " ".join(html.escape(s) for s in sentences) + "</p>"
    return f'<div class="{html.escape(css_class)}">{p}</div>' if css_class else p


def list_html(items: list[str], ordered: bool = False) -> str:
    """Escaped HTML list (``<ol>`` when ordered)."""
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + f"</{tag}>"


# -- the statement as printed, marked ------------------------------------------------------

def _rows_of(finding: Finding) -> list[str]:
    """Row labels a finding names (continuity joins several with " + ")."""
    return [r for r in finding.row.split(" + ")] if finding.row else []


def statement_view(table: Table, numbered: list[tuple[int, Finding]]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table as printed plus a ``Fynd`` column, and the CSS classes marking each cell.

    Parameters
    ----------
    table : Table
    numbered : list of (int, Finding)
        Findings with the numbers the report's list gives them; those of other tables are
        ignored.

    Returns
    -------
    (values, marks)
        ``values``: ``Fynd`` first (the finding numbers of
        the row, "" when none), then the printed figures (NaN = blank). ``marks``: same shape, the status of the strongest finding
        on each cell, "" where none. A finding about a whole row, or about a column the
        table does not print (e.g. "[delarnas summa]"), marks the row's ``Fynd`` cell.
    """
    values = table.values.copy()
    values.insert(0, "Fynd", "")  # first, so row marks stay in view when a wide table scrolls
    marks = pd.DataFrame("", index=values.index, columns=values.columns)

    def put(row, col, status):
        old = marks.at[row, col]
        if not old or _PRIORITY[status] < _PRIORITY[old]:
            marks.at[row, col] = status

    for nr, f in numbered:
        if f.table != table.id:
            continue
        for row in _rows_of(f):
            if row not in values.index:
                continue
            values.at[row, "Fynd"] = ", ".join(filter(None, [values.at[row, "Fynd"], str(nr)]))
            put(row, f.column if f.column in table.values.columns else "Fynd", f.status)
    return values, marks


def number_findings(findings: list[Finding], tables_first: list[str] | None = None
                    ) -> list[tuple[int, Finding]]:
    """Number findings 1, 2, ... with the tables in ``tables_first`` first, then the rest."""
    order = {t: i for i, t in enumerate(tables_first or [])}
    ranked = sorted(findings, key=lambda f: order.get(f.table, len(order)))  # stable
    return list(enumerate(ranked, 1))


# -- one plain sentence per finding --------------------------------------------------------

def _num(x: float) -> str:
    """A figure with as many decimals as it has (at most 3), Swedish style."""
    for d in range(4):
        if abs(round(x, d) - x) < 1e-9:
            return fmt.number(x, d)
    return fmt.number(x, 3)


def _rule(check: str) -> str:
    """What a check computes, said plainly (the expected value's origin)."""
    if check.startswith("kolumnsumma"):
        extra = {"inkl": " inklusive härav-raden", "exkl": " utan härav-raden"}
        which = next((v for k, v in extra.items() if f"({k}." in check), "")
        return f"summan av raderna ovan{which}"
    if check.startswith("disponibla ="):
        blank = re.search(r"\(tomma: (.*) = 0\)", check)
        return ("radens ingående balans plus erhållna medel"
                + (f" (med tom {blank[1]} räknad som inget)" if blank else ""))
    if check.startswith("kvarvarande ="):
        return "radens disponibla medel minus utfall, utbetalt och överförda medel"
    if check == "kontinuitet":
        return "kvarvarande medel vid föregående periods slut"
    m = re.match(r"(korskontroll|påstående) mot (.*) \((\S+)\)$", check)
    if m:
        cells = m[2].replace(" / ", ", ")
        return f"tabellen {cells} (omräknat till {m[3]})"
    if check.startswith("varav statliga"):
        return "radens kvarvarande medel, som statliga medel inte kan överstiga"
    if check == "delarna = 100 %":
        return "100 %, som delarna ska bli tillsammans"
    if check == "summa = 100 %":
        return "100 %"
    if check.startswith(("andel = summan", "summa = summan", "radsumma")):
        return "summan av delarna"
    if check.startswith(("delposterna", "varav-poster")):
        return "den överordnade raden, som delposterna inte kan överstiga"
    return f"kontrollen ”{check}”"


def explain(finding: Finding, unit: str = "") -> str:
    """One plain-Swedish sentence that says what is wrong with a flagged cell.

    Parameters
    ----------
    finding : Finding
    unit : str
        The unit of the figures (tkr, mnkr, %); shown after each figure.

    Returns
    -------
    str
    """
    f = finding
    u = f"\u00a0{unit}" if unit else ""
    if f.status == "oklar":
        placed = f.check.split(":", 1)[1].strip() if ":" in f.check else ""
        return (f"Raden ”{f.row}”: textutdraget ur källan kan läsas på mer än ett sätt; "
                f"avskriften har valt {placed or 'den läsning som går ihop med summorna'}, "
                f"och de andra kontrollerna bygger på det valet.")
    if f.check.startswith("påstående"):
        where = f"Texten ”{f.row}”"
    elif " + " in f.row:
        rows = ", ".join(f"”{r}”" for r in _rows_of(f))
        where = f"Raderna {rows} tillsammans, kolumnen ”{f.column}”,"
    elif f.column and f.column != "[delarnas summa]":
        where = f"Raden ”{f.row}”, kolumnen ”{f.column}”,"
    else:
        where = f"Raden ”{f.row}”"
    rule = _rule(f.check)
    if f.status == "saknas":
        return f"{where} är tom i källan, men {rule} ger {_num(f.expected)}{u}."
    size = ("skillnaden ryms i avrundningen av de tryckta talen" if f.status == "avrundning"
            else "skillnaden är större än avrundning kan förklara")
    if f.check == "delarna = 100 %":
        return (f"Raden ”{f.row}”: delarna summerar till {_num(f.reported)}{u} i stället för "
                f"100 %; {size}.")
    diff = fmt.number(f.difference, _decimals(f.difference), sign=True)
    return (f"{where} anger {_num(f.reported)}{u}, men {rule} ger {_num(f.expected)}{u} "
            f"(skillnad {diff}{u}); {size}.")


def _decimals(x: float) -> int:
    for d in range(4):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return 3


def unit_of(finding: Finding, tables: dict[str, Table]) -> str:
    """The unit a finding's figures are in: the row's unit in its table, else the table's."""
    t = tables.get(finding.table)
    if t is None:
        return ""
    row = _rows_of(finding)[0] if finding.row else ""
    try:
        return t.row_unit(row)
    except KeyError:
        return t.unit


def findings_table(numbered: list[tuple[int, Finding]], tables: dict[str, Table]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings list as shown to readers, and marks for its status column.

    Returns
    -------
    (frame, marks)
        ``frame`` indexed by ``Nr`` with ``Status``, ``Tabell``, ``Rad``, ``Kolumn``,
        ``Tryckt``, ``Beräknat``, ``Skillnad``, ``Enhet``, ``Källa`` (file and line);
        ``marks`` colours the status cell.
    """
    cols = ["Status", "Tabell", "Rad", "Kolumn", "Tryckt", "Beräknat", "Skillnad", "Enhet",
            "Källa"]
    records = []
    for nr, f in numbered:
        records.append({"Nr": nr, "Status": STATUS_TEXT[f.status].split(" ")[0],
                        "Tabell": f.table, "Rad": f.row, "Kolumn": f.column,
                        "Tryckt": np.nan if f.reported is None else f.reported,
                        "Beräknat": np.nan if f.expected is None else f.expected,
                        "Skillnad": np.nan if f.difference is None else f.difference,
                        "Enhet": unit_of(f, tables),
                        # file name and line are enough here; the full path is in the CSV
                        "Källa": "; ".join(Path(x).name for x in f.source.split("; "))})
    frame = pd.DataFrame.from_records(records, columns=["Nr"] + cols).set_index("Nr")
    marks = pd.DataFrame("", index=frame.index, columns=frame.columns)
    marks["Status"] = [f.status for _, f in numbered]
    return frame, marks


# -- from one period to the next -----------------------------------------------------------

def bridge(previous: Table, current: Table, spec: dict) -> pd.DataFrame:
    """From the previous period's closing balance to this period's opening balance.

    Only printed figures are used; a blank cell is left out of a sum, not counted as 0.

    Parameters
    ----------
    previous, current : Table
        Fund statements of the two periods.
    spec : dict
        The continuity mapping (``data/raw/kontinuitet/*.yaml``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Post``, ``Belopp``, ``Typ`` (``start``, ``steg``, ``slut``). The first row
        is the previous total (printed kvarvarande), the last the current total (printed
        ingående balans); between them a step per mapping group whose printed figures
        differ, plus a step where a printed total differs from its rows. Start + steps = slut.
    """
    a_col = previous.column(spec["from"].get("column", "kvarvarande"))
    b_col = current.column(spec["to"].get("column", "ib"))

    def printed(t, col, rows):
        return float(t.values.loc[rows, col].sum(min_count=1)) if rows else np.nan

    def total(t, col, areas):
        rows = t.rows_with_role("total")
        v = float(t.values.at[rows[0], col]) if rows else np.nan
        return (printed(t, col, areas) if np.isnan(v) else v), v

    a_areas, b_areas = previous.rows_with_role("area"), current.rows_with_role("area")
    a_total, a_printed_total = total(previous, a_col, a_areas)
    b_total, _ = total(current, b_col, b_areas)
    a_end, b_start = period_end(previous), str(current.meta.get("period", "")).split("/")[0]
    records = [{"Post": f"Kvarvarande medel {a_end}", "Belopp": a_total, "Typ": "start"}]

    def step(label, value):
        if not np.isnan(value) and abs(value) > reconcile.EXACT:
            records.append({"Post": label, "Belopp": value, "Typ": "steg"})

    a_sum = np.nansum([previous.values.at[r, a_col] for r in a_areas])
    if not np.isnan(a_printed_total):
        step(f"Summaraden {a_end} skiljer sig från raderna", a_sum - a_printed_total)
    for g in spec.get("groups") or []:
        frm, to = g["from"], g["to"]
        label = to[0] if len(to) == 1 else f"{frm[0]} (delat på {len(to)} områden)"
        step(label, np.nansum([current.values.at[r, b_col] for r in to])
             - np.nansum([previous.values.at[r, a_col] for r in frm]))
    for lab in spec.get("new") or []:
        step(f"{lab} (nytt område)", np.nansum([current.values.at[lab, b_col]]))
    for lab in spec.get("ended") or []:
        step(f"{lab} (avslutat område)", -np.nansum([previous.values.at[lab, a_col]]))
    b_sum = np.nansum([current.values.at[r, b_col] for r in b_areas])
    step(f"Summaraden {b_start} skiljer sig från raderna", b_total - b_sum)
    records.append({"Post": f"Ingående balans {b_start}", "Belopp": b_total, "Typ": "slut"})
    return pd.DataFrame.from_records(records, columns=["Post", "Belopp", "Typ"])


# -- sources -------------------------------------------------------------------------------

def sources(tables: list[Table]) -> list[str]:
    """One line per source table: document title, table heading, raw file (for ``Källor``)."""
    return [f"{t.meta.get('document_title', t.document)}: ”{t.heading}” "
            f"({t.document}), avskriven i {t.source_file}" for t in tables]


# -- loading one period (keeps the notebooks free of logic) ---------------------------------

def check_period(table: Table, period: str, manader: int) -> None:
    """The parameters must describe the fund table's period: same end date, same months.

    Raises
    ------
    ValueError
        When the sidecar's period ends on another day than ``period``, or when ``manader``
        is not the month of that day (a tertial-2 table run with ``manader = 4``).
    """
    end = period_end(table)
    errors = []
    if end != period:
        errors.append(f"tabellen {table.id} gäller perioden till {end or '(okänt)'}, "
                      f"men parametern period är {period}")
    try:
        month = dt.date.fromisoformat(end).month
        if month != manader:
            errors.append(f"perioden slutar i månad {month}, men manader är {manader}")
    except ValueError:
        errors.append(f"tabellen {table.id} har ingen läsbar period i sidofilen")
    if errors:
        raise ValueError("Parametrarna passar inte tabellen: " + "; ".join(errors))


def read_spec(path: str | Path) -> dict:
    """Read a mapping or cross-check YAML file and note it as an input of the report."""
    import yaml

    from . import provenance

    path = resolve(str(path))
    provenance.note_input(path)
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


class Period:
    """One period's data for a fund report, loaded and reconciled.

    Attributes
    ----------
    tables : dict
        The tables of ``data_dir`` by id.
    fund : Table
        The fund statement.
    previous : Table or None
        The previous period's fund statement.
    continuity : dict or None
        The mapping from the previous period.
    findings : reconcile.Findings
        See :func:`period_findings`.
    numbered : list of (int, Finding)
        The findings numbered for the report, the fund statement's first.
    """

    def __init__(self, data_dir: str, fondtabell: str, foregaende: str = "",
                 kontinuitet: str = ""):
        from . import io

        folder = resolve(data_dir)
        self.tables = io.load_folder(folder)
        self.fund = self.tables[fondtabell]
        self.previous = io.load_table(resolve(foregaende)) if foregaende else None
        self.continuity = read_spec(kontinuitet) if kontinuitet else None
        pairings = [read_spec(p) for p in sorted(folder.glob("korskontroller*.yaml"))]
        self.findings = period_findings(self.tables, self.previous, self.continuity, pairings)
        self.numbered = number_findings(self.findings, [fondtabell])

    @property
    def all_tables(self) -> dict[str, Table]:
        out = dict(self.tables)
        if self.previous is not None:
            out.setdefault(self.previous.id, self.previous)
        return out


def pace_sentences(figures: pd.DataFrame, manader: int) -> list[str]:
    """Which areas spend faster than the year passes, in plain Swedish."""
    share = elapsed_share(manader)
    fast = ahead_of_pace(figures, manader)
    rate = figures["Förbrukningsgrad"]
    out = [f"Efter {manader} av årets 12 månader har {fmt.percent(share, ratio=True)} av året "
           f"gått. Ett område som har förbrukat en större andel av sin helårsbudget än så "
           f"förbrukar snabbare än budgeterat."]
    if fast:
        out.append("Det gäller " + ", ".join(
            f"{a} ({fmt.percent(rate[a], ratio=True)})" for a in fast) + ".")
    else:
        out.append("Inget område förbrukar snabbare än året går.")
    nobudget = [a for a, r in rate.drop("Totalt", errors="ignore").items() if np.isnan(r)]
    if nobudget:
        out.append("Utan budget i tabellen, och därför utan förbrukningsgrad: "
                   + ", ".join(nobudget) + ".")
    return out


def table_html(table: Table, numbered: list[tuple[int, Finding]], id: str) -> str:
    """A source table as printed, its flagged cells marked, with a ``Fynd`` column."""
    values, marks = statement_view(table, numbered)
    formats = {c: (lambda v, u=table.unit: fmt.percent(v) if u == "%" else figure_text(v))
               for c in table.values.columns}
    caption = f"{table.heading} ({table.unit}), som tryckt"
    # the scroll frame keeps a wide table inside the page on screen
    return ('<div class="tabellram">'
            + fmt.table(values, id=id, caption=caption, formats=formats, marks=marks) + "</div>")


def figure_text(v) -> str:
    """A figure as printed (up to 3 decimals), or – for a blank."""
    return fmt.BLANK if v is None or (isinstance(v, float) and math.isnan(v)) else _num(v)


def optional_table_html(tables: dict[str, Table], table_id: str,
                        numbered: list[tuple[int, Finding]], id: str, missing: str) -> str:
    """:func:`table_html` for ``table_id``, or the sentence ``missing`` when it is ""."""
    if not table_id:
        return paragraphs_html([missing])
    if table_id not in tables:
        raise ValueError(f"tabellen {table_id!r} finns inte i periodens mapp "
                         f"(finns: {', '.join(tables)})")
    return table_html(tables[table_id], numbered, id)


def payouts(table: Table) -> pd.DataFrame:
    """Paid out to the municipalities per area (areas that print a figure), and the total."""
    col = table.column("utbetalt")
    if col is None:
        return pd.DataFrame(columns=["Utbetalt"])
    rows = [r for r in table.rows_with_role("area") if not np.isnan(table.values.at[r, col])]
    frame = pd.DataFrame({"Utbetalt": [table.values.at[r, col] for r in rows]},
                         index=pd.Index(rows, name="Område"))
    for t in table.rows_with_role("total")[:1]:
        frame.loc["Totalt"] = table.values.at[t, col]
    return frame


def errors_html(findings) -> str:
    """Checks that could not run, as a warning paragraph ("" when all ran)."""
    errors = getattr(findings, "errors", [])
    if not errors:
        return ""
    return paragraphs_html(["Följande kontroller kunde inte köras, och deras fynd saknas ovan: "
                            + "; ".join(f"{e.check} ({e.table}): {e.message}" for e in errors)],
                           "ruta")
