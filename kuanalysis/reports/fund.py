"""Figures, sentences and charts of the fund report: one report per period (close or tertial).

A fund statement (kind ``fund_statement``) tells, per area, what money there was, what was
budgeted and spent, what was paid out and what remains. The report reads it like a Swedish
förvaltningsberättelse: key figures, pace of spending against the share of the year passed,
a full-year forecast with its method stated (tertials only), remaining funds by source, the
period's other tables, the bridge from the previous period, then the statement as printed
with every finding marked and explained. :class:`FundReport` loads and reconciles one
period; :func:`variants` gives the renderer one report per period in ``data/raw``.

Blank stays blank: a figure computed from a blank cell is blank (NaN), never 0. The one
documented exception is a blank "varav statliga": the part of the remaining funds that is
state money, left blank in print when there is none (see :func:`funds_by_source`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..checks import runner
from ..checks.continuity import for_pair, mapped, mapping_for, read_mapping
from ..checks.findings import Finding, Findings
from ..data import load_folder
from ..data import periods as period_data
from ..data.periods import Period
from ..data.specs import Spec, read_spec, spec_files
from ..data.table import Table
from ..errors import DataError, ParameterError
from ..tolerance import EXACT
from . import charts, fmt, html
from .finding_text import (
    count_line,
    explain,
    figure,
    findings_html,
    findings_sentence,
    number_findings,
    statement_view,
)

#: Kinds whose findings belong in a fund report (the fee matrix has its own report).
REPORT_KINDS = ("fund_statement", "amount_table", "share_table", "budget_followup")
#: The period's other tables shown as printed, in this order of kinds.
OTHER_KINDS = ("amount_table", "share_table", "budget_followup")

FORECAST_METHOD = (
    "Prognosen är en linjär framskrivning: utfallet hittills delat med den andel "
    "av året som har gått ({manader}/12). Den antar att förbrukningen fortsätter i "
    "samma takt resten av året; utbetalningar av statliga medel och större inköp "
    "kommer ofta ojämnt, så prognosen är en tumregel, inte en budget."
)


# -- one period, loaded and reconciled -----------------------------------------------------


class FundReport:
    """One period's data for a fund report, loaded and reconciled.

    Attributes
    ----------
    period : Period
    tables : dict
        The tables of the period's folder by id.
    fund : Table
        The fund statement.
    previous : Table or None
        The preceding period's fund statement.
    continuity : Spec or None
        The mapping from the preceding period.
    pairings : list of Spec
        The cross-check files of the period's folder.
    findings : Findings
        The findings of the period's tables of kinds :data:`REPORT_KINDS`, the claims about
        them, continuity from the preceding period and the cross-checks.
    numbered : list of (int, Finding)
        The findings numbered for the report, the fund statement's first.
    """

    def __init__(
        self,
        period: Period,
        tables: dict[str, Table],
        previous: Table | None,
        continuity: Spec | None,
        pairings: list[Spec],
    ):
        self.period = period
        self.tables = tables
        self.fund = tables[period.table]
        self.previous = previous
        self.continuity = continuity
        self.pairings = pairings
        found = runner.run(
            tables,
            continuity=[continuity] if continuity else [],
            pairings=pairings,
            others={previous.id: previous} if previous is not None else None,
            alone=[period] if previous is None else [],
        )
        kept = [tid for tid, t in tables.items() if t.kind in REPORT_KINDS]
        self.findings: Findings = runner.select(found, kept)
        self.numbered = number_findings(self.findings, [period.table])

    @classmethod
    def load(
        cls, fondtabell: str = "", foregaende: str = "", kontinuitet: str = "", raw=None
    ) -> FundReport:
        """Load one period by its fund statement's name ("" = the newest period).

        Parameters
        ----------
        fondtabell : str
            The fund statement's table id; "" takes the newest period in ``data/raw``.
        foregaende : str
            The preceding period's fund statement (table id); "" = the period that ends the
            day before this one starts, if there is one.
        kontinuitet : str
            A mapping file from the preceding period, relative to the project; "" = the
            mapping of the two periods' year boundary (:func:`~kuanalysis.checks.continuity.
            mapping_for`), else the areas are followed by their labels.
        raw : path-like, optional
            The raw data folder (default ``data/raw``).
        """
        raw = Path(raw) if raw is not None else paths.raw_dir()
        every = period_data.periods(raw)
        if not every:
            raise DataError("data/raw har ingen fondredovisning (kind: fund_statement)")
        period = period_data.find(fondtabell, raw) if fondtabell else every[-1]
        before = (
            period_data.find(foregaende, raw)
            if foregaende
            else period_data.preceding(period, every)
        )
        tables = load_folder(period.folder)
        previous = None
        if before is not None:
            previous = (
                tables[before.table]
                if before.folder == period.folder
                else load_folder(before.folder)[before.table]
            )
        mapping_files, pairing_files = ([read_spec(f) for f in files] for files in spec_files(raw))
        continuity = None
        if kontinuitet:
            if before is None:
                raise ParameterError("kontinuitet kräver en föregående period")
            given = paths.project_input(kontinuitet, "parametern kontinuitet")
            continuity = for_pair(read_mapping(given, before.table, period.table), before, period)
        elif before is not None:
            continuity = mapping_for(before, period, mapping_files)
        metas = {side.stem: meta for side, meta in period_data.sidecars(raw)}
        pairings = [
            s for s in runner.pairings_for(pairing_files, metas) if _tables_named(s) <= set(tables)
        ]
        return cls(period, tables, previous, continuity, pairings)

    @property
    def months(self) -> int:
        return self.period.months

    @property
    def end(self) -> str:
        return self.period.end.isoformat()

    @property
    def unit(self) -> str:
        return self.fund.unit

    @property
    def title(self) -> str:
        return title(self.period)

    @property
    def all_tables(self) -> dict[str, Table]:
        out = dict(self.tables)
        if self.previous is not None:
            out.setdefault(self.previous.id, self.previous)
        return out

    @property
    def inputs(self) -> list:
        """Everything the report read, for its provenance."""
        return [self.tables, self.previous, self.continuity, self.pairings]

    def other_tables(self) -> list[Table]:
        """The period's tables shown as printed besides the fund statement."""
        return [t for kind in OTHER_KINDS for t in self.tables.values() if t.kind == kind]


def _tables_named(spec: Spec) -> set[str | None]:
    """The tables a cross-check spec compares (every check's table and its ``against``; None
    for one that names no table)."""
    items = list(spec.data.get("checks") or []) + list(spec.data.get("unavailable") or [])
    return {i.get("table") for i in items} | {
        ref.get("table") for i in items for ref in i.get("against") or [] if isinstance(ref, dict)
    }


def title(period: Period) -> str:
    """The report's title: ``Bokslut 2023: Kommunal utvecklings medel per område``."""
    return f"{period.name}: Kommunal utvecklings medel per område"


def variants(parameters: Mapping, raw=None) -> list[dict]:
    """One report per period in ``data/raw`` (or the one ``fondtabell`` names), newest first.

    Returns
    -------
    list of dict
        ``{"parameters": {...}, "output": "bokslut-2023.html", "title": ..., "sort": "2023-12-31"}``.

    Raises
    ------
    InputError
        An unknown table; a preceding period or mapping given by hand that does not fit.
    """
    wanted = str(parameters.get("fondtabell", "")).strip()
    every = period_data.periods(raw)
    chosen = [period_data.find(wanted, raw)] if wanted else every
    by_hand = [k for k in ("foregaende", "kontinuitet") if parameters.get(k)]
    if by_hand and not wanted:
        raise ParameterError(
            f"parametern {by_hand[0]} gäller en period: ange också fondtabell (periodens tabell)"
        )
    if by_hand:
        # the preceding period and mapping given by hand: checked before anything runs
        FundReport.load(
            wanted, parameters.get("foregaende", ""), parameters.get("kontinuitet", ""), raw
        )
    out = []
    for p in reversed(chosen):
        params = {"fondtabell": p.table}
        if wanted:
            params.update(
                {k: parameters[k] for k in ("foregaende", "kontinuitet") if k in parameters}
            )
        out.append(
            {
                "parameters": params,
                "output": f"{p.slug}.html",
                "title": title(p),
                "sort": p.end.isoformat(),
            }
        )
    return out


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
        records.append(
            {
                "Område": "Totalt" if row in totals else row,
                "Budget helår": budget,
                "Utfall": utfall,
                "Förbrukningsgrad": _ratio(utfall, budget),
                "Prognos helår": forecast,
                "Budget − prognos": budget - forecast,
            }
        )
    return pd.DataFrame.from_records(records, index="Område")


def ahead_of_pace(figures: pd.DataFrame, manader: int) -> list[str]:
    """Areas (not the total) whose spending rate is above the share of the year passed."""
    share = elapsed_share(manader)
    rate = figures["Förbrukningsgrad"].drop("Totalt", errors="ignore")
    return [a for a, r in rate.items() if not np.isnan(r) and r > share]


def funds_by_source(table: Table) -> pd.DataFrame:
    """Remaining funds per area split into state money and the rest.

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
        records.append(
            {
                "Område": "Totalt" if row in totals else row,
                "Kvarvarande medel": whole,
                "Varav statliga": state,
                "Kommunala och övriga": rest,
            }
        )
    return pd.DataFrame.from_records(records, index="Område")


def total_figures(table: Table, manader: int) -> dict[str, float]:
    """Key figures from the printed total row (blank stays NaN)."""
    totals = table.rows_with_role("total")
    if not totals:
        raise DataError(f"{table.id}: tabellen har ingen summarad")
    row = totals[0]
    keys = (
        "disponibla",
        "budget",
        "utfall",
        "utbetalt",
        "overforda",
        "kvarvarande",
        "varav_statliga",
    )
    out = {k: _get(table, row, k) for k in keys}
    out["forbrukningsgrad"] = _ratio(out["utfall"], out["budget"])
    out["andel_av_aret"] = elapsed_share(manader)
    out["prognos"] = out["utfall"] / out["andel_av_aret"]
    return out


def key_sentences(table: Table, manader: int, end: str, findings: list[Finding]) -> list[str]:
    """The key figures in plain Swedish, a few sentences, from the printed total row."""
    k = total_figures(table, manader)
    u = table.unit

    def a(x):
        return fmt.amount(x, u, source_unit=u)

    out = []
    if manader == 12:
        out.append(
            f"Under året till och med {end} förbrukade Kommunal utveckling "
            f"{a(k['utfall'])} av en budget på {a(k['budget'])}, en förbrukningsgrad på "
            f"{fmt.percent(k['forbrukningsgrad'], ratio=True)}."
        )
    else:
        out.append(
            f"Till och med {end}, när {manader} av årets 12 månader "
            f"({fmt.percent(k['andel_av_aret'], ratio=True)} av året) har gått, hade "
            f"Kommunal utveckling förbrukat {a(k['utfall'])} av årets budget på "
            f"{a(k['budget'])}, en förbrukningsgrad på "
            f"{fmt.percent(k['forbrukningsgrad'], ratio=True)}."
        )
        diff = k["budget"] - k["prognos"]
        if not np.isnan(diff):
            side = "under" if diff >= 0 else "över"
            out.append(
                f"Fortsätter förbrukningen i samma takt blir den cirka {a(k['prognos'])} "
                f"för helåret, {a(abs(diff))} {side} budget (linjär framskrivning, se "
                f"avsnittet Prognos)."
            )
    part = (
        f", varav {a(k['varav_statliga'])} statliga medel "
        f"({fmt.percent(_ratio(k['varav_statliga'], k['kvarvarande']), ratio=True)})"
        if not np.isnan(k["varav_statliga"])
        else ""
    )
    out.append(f"Kvarvarande medel vid periodens slut var {a(k['kvarvarande'])}{part}.")
    if not np.isnan(k["utbetalt"]):
        out.append(f"Till länets kommuner har {a(k['utbetalt'])} betalats ut.")
    out.append(findings_sentence(findings))
    return out


def key_figures(r: FundReport) -> html.Markup:
    """Key figures as boxes, then the key sentences in a box."""
    k = total_figures(r.fund, r.months)
    u = r.unit

    def a(x):
        return fmt.amount(x, u, source_unit=u)

    boxes = [
        ("Disponibla medel", a(k["disponibla"])),
        ("Budget förbrukning helår", a(k["budget"])),
        (f"Utfall till {r.end}", a(k["utfall"])),
        ("Förbrukningsgrad", fmt.percent(k["forbrukningsgrad"], ratio=True)),
        ("Andel av året", f"{r.months}/12 = {fmt.percent(k['andel_av_aret'], ratio=True)}"),
        ("Kvarvarande medel", a(k["kvarvarande"])),
        ("Varav statliga", a(k["varav_statliga"])),
    ]
    if r.months < 12:
        boxes.insert(4, ("Prognos helår (linjär)", a(k["prognos"])))
    return html.join(
        [
            html.boxes(boxes),
            html.paragraph(key_sentences(r.fund, r.months, r.end, r.findings), box=True),
        ]
    )


def budget_table(r: FundReport) -> html.Markup:
    fig = area_figures(r.fund, r.months)
    return html.table(
        fig[["Budget helår", "Utfall", "Förbrukningsgrad"]],
        id="budget-utfall",
        caption=f"Budget och utfall per område till {r.end} ({r.unit})",
        formats={"Förbrukningsgrad": lambda v: fmt.percent(v, ratio=True)},
    )


def budget_chart(r: FundReport):
    parts = area_figures(r.fund, r.months).drop("Totalt")
    return charts.barh(
        parts.index,
        {"Budget helår": parts["Budget helår"], f"Utfall till {r.end}": parts["Utfall"]},
        unit=r.unit,
        title=f"Budget helår och utfall till {r.end} per område ({r.unit})",
    )


def pace_sentences(figures: pd.DataFrame, manader: int) -> list[str]:
    """Which areas spend faster than the year passes, in plain Swedish."""
    share = elapsed_share(manader)
    fast = ahead_of_pace(figures, manader)
    rate = figures["Förbrukningsgrad"]
    out = [
        f"Efter {manader} av årets 12 månader har {fmt.percent(share, ratio=True)} av året "
        f"gått. Ett område som har förbrukat en större andel av sin helårsbudget än så "
        f"förbrukar snabbare än budgeterat."
    ]
    if fast:
        out.append(
            "Det gäller "
            + ", ".join(f"{a} ({fmt.percent(rate[a], ratio=True)})" for a in fast)
            + "."
        )
    else:
        out.append("Inget område förbrukar snabbare än året går.")
    nobudget = [a for a, r in rate.drop("Totalt", errors="ignore").items() if np.isnan(r)]
    if nobudget:
        out.append(
            "Utan budget i tabellen, och därför utan förbrukningsgrad: " + ", ".join(nobudget) + "."
        )
    return out


def pace(r: FundReport) -> html.Markup:
    return html.paragraph(pace_sentences(area_figures(r.fund, r.months), r.months))


def pace_chart(r: FundReport):
    parts = area_figures(r.fund, r.months).drop("Totalt")
    return charts.pace(
        parts.index,
        parts["Förbrukningsgrad"],
        elapsed_share(r.months),
        elapsed_label=f"{r.months}/12 av året",
        title=f"Förbrukningsgrad per område till {r.end} mot andel av året (%)",
    )


def forecast(r: FundReport) -> html.Markup:
    """The forecast method and table (empty at a close: the year is over)."""
    if r.months == 12:
        return html.Markup("")
    fig = area_figures(r.fund, r.months)
    return html.join(
        [
            html.paragraph([FORECAST_METHOD.format(manader=r.months)], box=True),
            html.table(
                fig[["Budget helår", "Utfall", "Prognos helår", "Budget − prognos"]],
                id="prognos",
                caption=f"Prognos för helåret per område ({r.unit}); "
                "positiv skillnad = prognosen under budget",
            ),
        ]
    )


def remaining_table(r: FundReport) -> html.Markup:
    return html.table(
        funds_by_source(r.fund),
        id="kvarvarande",
        caption=f"Kvarvarande medel {r.end} per område ({r.unit})",
    )


def remaining_chart(r: FundReport):
    kv = funds_by_source(r.fund).drop("Totalt")
    return charts.stacked_barh(
        kv.index,
        {
            "Statliga medel": kv["Varav statliga"],
            "Kommunala och övriga medel": kv["Kommunala och övriga"],
        },
        unit=r.unit,
        title=f"Kvarvarande medel {r.end} per område och källa ({r.unit})",
    )


def payouts(table: Table) -> pd.DataFrame:
    """Paid out to the municipalities per area (areas that print a figure), and the total."""
    col = table.column("utbetalt")
    if col is None:
        return pd.DataFrame(columns=["Utbetalt"])
    rows = [r for r in table.rows_with_role("area") if not np.isnan(table.values.at[r, col])]
    frame = pd.DataFrame(
        {"Utbetalt": [table.values.at[r, col] for r in rows]}, index=pd.Index(rows, name="Område")
    )
    for t in table.rows_with_role("total")[:1]:
        frame.loc["Totalt"] = table.values.at[t, col]
    return frame


def payouts_table(r: FundReport) -> html.Markup:
    return html.table(
        payouts(r.fund),
        id="utbetalt",
        caption=f"Utbetalt till länets kommuner till {r.end}, områden med utbetalningar ({r.unit})",
    )


def exported(table: Table) -> bool:
    """Whether the table's figures came from an export (``kuanalysis import``), not a print."""
    return isinstance(table.meta.get("export"), dict)


def where_exported(table: Table) -> str:
    """The export a table came from: ``export.xlsx, blad ”4.1”`` (or the file alone)."""
    export = table.meta["export"]
    sheet = f", blad ”{export['sheet']}”" if export.get("sheet") else ""
    return f"{export.get('file', '')}{sheet}"


def origin(r: FundReport) -> str:
    """Where the report's figures come from, in one sentence for its introduction."""
    shown = [r.fund] + r.other_tables()
    from_exports = [t for t in shown if exported(t)]
    if not from_exports:
        return (
            "Siffrorna är inskrivna exakt som de är tryckta i källan; fel i källan redovisas "
            "i avsnittet Avstämning."
        )
    files = list(dict.fromkeys(t.meta["export"].get("file", "") for t in from_exports))
    sheets = [t.meta["export"]["sheet"] for t in from_exports if t.meta["export"].get("sheet")]
    where = " och ".join(files) + (
        f" ({'bladen' if len(sheets) > 1 else 'bladet'} "
        + ", ".join(f"”{x}”" for x in sheets)
        + ")"
        if sheets
        else ""
    )
    printed = (
        " Övriga tabeller är inskrivna som de är tryckta i källan."
        if len(from_exports) < len(shown)
        else ""
    )
    return (
        f"Siffrorna är hämtade ur exporten {where}, som de står där; fel i dem redovisas i "
        f"avsnittet Avstämning.{printed}"
    )


def table_html(table: Table, numbered: list[tuple[int, Finding]], id: str) -> html.Markup:
    """A source table as printed, its flagged cells marked, with a ``Fynd`` column."""
    values, marks = statement_view(table, numbered)
    formats = {
        c: (lambda v, u=table.unit: fmt.percent(v) if u == "%" else figure(v))
        for c in table.values.columns
    }
    caption = (
        f"{table.heading} ({table.unit}), {'som i exporten' if exported(table) else 'som tryckt'}"
    )
    return html.scroll(html.table(values, id=id, caption=caption, formats=formats, marks=marks))


def other_tables(r: FundReport) -> html.Markup:
    """The period's other tables as printed, findings marked (empty when there are none)."""
    return html.join([table_html(t, r.numbered, id=f"tabell-{t.id}") for t in r.other_tables()])


# -- from one period to the next -----------------------------------------------------------


def bridge(previous: Table, current: Table, spec: dict) -> pd.DataFrame:
    """From the previous period's closing balance to this period's opening balance.

    Only printed figures are used; a blank cell is left out of a sum, not counted as 0.

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
    a_end = str(previous.meta.get("period", "")).split("/")[-1]
    b_start = str(current.meta.get("period", "")).split("/")[0]
    records = [{"Post": f"Kvarvarande medel {a_end}", "Belopp": a_total, "Typ": "start"}]

    def step(label, value):
        if not np.isnan(value) and abs(value) > EXACT:
            records.append({"Post": label, "Belopp": value, "Typ": "steg"})

    a_sum = np.nansum([previous.values.at[r, a_col] for r in a_areas])
    if not np.isnan(a_printed_total):
        step(f"Summaraden {a_end} skiljer sig från raderna", a_sum - a_printed_total)
    groups, unmapped = mapped(spec, previous, current)
    for u in unmapped:  # an area the mapping does not follow: its whole balance is a step
        if u.problem == "unmapped" and u.table == current.id:
            step(f"{u.area} (ursprung okänt)", np.nansum([current.values.at[u.area, b_col]]))
        elif u.problem == "unmapped":
            step(f"{u.area} (okänt vad det blev)", -np.nansum([previous.values.at[u.area, a_col]]))
    for frm, to in groups:
        if not frm:
            label = f"{to[0]} (nytt område)"
        else:
            label = to[0] if len(to) == 1 else f"{frm[0]} (delat på {len(to)} områden)"
        step(
            label,
            np.nansum([current.values.at[r, b_col] for r in to])
            - np.nansum([previous.values.at[r, a_col] for r in frm]),
        )
    for lab in spec.get("ended") or []:
        step(f"{lab} (avslutat område)", -np.nansum([previous.values.at[lab, a_col]]))
    b_sum = np.nansum([current.values.at[r, b_col] for r in b_areas])
    step(f"Summaraden {b_start} skiljer sig från raderna", b_total - b_sum)
    records.append({"Post": f"Ingående balans {b_start}", "Belopp": b_total, "Typ": "slut"})
    return pd.DataFrame.from_records(records, columns=["Post", "Belopp", "Typ"])


def bridge_table(r: FundReport) -> html.Markup:
    """The bridge as a table; without a preceding period, the sentence that says so."""
    if r.previous is None or r.continuity is None:
        missing = [f for f in r.findings if f.rule == "continuity_missing_period"]
        return html.paragraph([explain(f) for f in missing], box=True)
    br = bridge(r.previous, r.fund, r.continuity.data)
    return html.table(
        br.set_index("Post")[["Belopp"]],
        id="brygga",
        caption=f"Från kvarvarande medel till ingående balans ({r.unit})",
    )


def bridge_chart(r: FundReport):
    if r.previous is None or r.continuity is None:
        return None
    br = bridge(r.previous, r.fund, r.continuity.data)
    return charts.waterfall(
        br["Post"],
        br["Belopp"],
        br["Typ"],
        unit=r.unit,
        title=f"Från kvarvarande medel föregående period till ingående balans ({r.unit})",
    )


# -- reconciliation and sources ------------------------------------------------------------


def reconciliation(r: FundReport) -> html.Markup:
    """The statement as printed with its flagged cells, the explanations and the list."""
    from .finding_text import errors_html

    return html.join(
        [
            table_html(r.fund, r.numbered, id="avstamning-tabell"),
            findings_html(r.numbered, r.all_tables),
            errors_html(r.findings),
        ]
    )


def sources(r: FundReport) -> html.Markup:
    """One line per source table, and the mapping between the periods."""
    tables = [r.fund] + [t for t in r.tables.values() if t is not r.fund]
    tables += [r.previous] if r.previous is not None else []
    lines = [
        (
            f"{t.meta['document_title']}: ”{t.heading}” ({t.document})"
            if t.meta.get("document_title")
            else f"{t.document}: ”{t.heading}”"  # no title: the document once, not twice
        )
        + (
            f", importerad från {where_exported(t)} till {t.source_file}"
            if exported(t)
            else f", avskriven i {t.source_file}"
        )
        for t in tables
    ]
    if r.continuity is not None and r.continuity.source is not None:
        lines.append(f"Mappning mellan perioderna: {r.continuity.path}")
    elif r.continuity is not None:
        lines.append("Områdena följs mellan perioderna under samma namn (ingen mappningsfil).")
    return html.items(lines)


def summary(r: FundReport) -> str:
    """What the period's reconciliation found, in one line for the reader's index."""
    return count_line(r.findings)
