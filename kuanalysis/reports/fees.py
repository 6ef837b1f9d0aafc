"""Tables and figures of the fee report (``avgifter-2025``) and the kommunblad."""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..checks.findings import Finding
from ..checks.rules import RULES, STATUSES
from ..data.table import Table
from ..fees.keys import population_frame
from ..fees.matrix import total_row, kommun_codes
from ..fees.scenarios import BASE_SCENARIO, default_matrix


def ascii_slug(text: str) -> str:
    """A file-name-safe ASCII form: ``"Jönköping"`` -> ``"jonkoping"``, ``"Värnamo"`` -> ``"varnamo"``."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")

def kommunblad_variants(parameters: Mapping, matrix: Table | None = None) -> list[dict]:
    """One ``kommunblad`` per municipality of the fee matrix, in kommun code order.

    Parameters
    ----------
    parameters : Mapping
        The notebook's parameter values. ``kommuner`` (optional): ``"alla"`` (default) or
        kommun codes separated by commas (``"0604,0680"``) to render only those.
    matrix : Table, optional
        The fee matrix naming the municipalities (default: the printed proposal).

    Returns
    -------
    list of dict
        ``{"parameters": {"kommun_kod": "0604"}, "output": "kommunblad/0604-aneby.html",
        "title": "Kommunblad Aneby: avgifter 2025"}``.
    """
    matrix = default_matrix() if matrix is None else matrix
    by_code = {code: label for label, code in kommun_codes(matrix).items()}
    wanted = str(parameters.get("kommuner", "alla")).strip()
    if wanted in ("", "alla"):
        codes = sorted(by_code)
    else:
        codes = [c.strip() for c in wanted.split(",") if c.strip()]
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise ValueError(f"okända kommunkoder {', '.join(unknown)}; "
                             f"väntade några av {', '.join(sorted(by_code))}")
    return [{"parameters": {"kommun_kod": c},
             "output": f"kommunblad/{c}-{ascii_slug(by_code[c])}.html",
             "title": f"Kommunblad {by_code[c]}: avgifter 2025"} for c in codes]

def invoiced_totals(fees: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and municipality: the invoiced kronor (sum of invoiced posts)."""
    billed = fees[fees["fakturerad"]]
    return (billed.groupby(["scenario", "kommun_kod", "kommun"], sort=False)["belopp_kr"]
            .sum().rename("fakturerat_kr").reset_index())

def scenario_comparison(fees: pd.DataFrame, by: str = "kommun") -> pd.DataFrame:
    """Invoiced kronor per municipality (or per post), one column per scenario, with a Summa row.

    Parameters
    ----------
    fees : pandas.DataFrame
        Lines as from :func:`allocate_scenario` (several scenarios concatenated).
    by : {"kommun", "post"}
        Rows: municipalities (printed names) or posts. A post that a scenario does not
        invoice counts 0 kr there: the municipalities are not billed for it.

    Returns
    -------
    pandas.DataFrame
        int kronor; columns in the scenarios' order of appearance; last row ``Summa``.
    """
    if by not in ("kommun", "post"):
        raise ValueError(f"by måste vara 'kommun' eller 'post', fick {by!r}")
    billed = fees.assign(kr=fees["belopp_kr"].where(fees["fakturerad"], 0))
    frame = billed.pivot_table(index=by, columns="scenario", values="kr", aggfunc="sum", sort=False)
    frame = frame[list(dict.fromkeys(fees["scenario"]))].astype("int64")
    frame.loc["Summa"] = frame.sum()
    frame.index.name, frame.columns.name = ("Kommun" if by == "kommun" else "Post"), None
    return frame

def difference_to_base(comparison: pd.DataFrame, base: str = BASE_SCENARIO) -> pd.DataFrame:
    """Each scenario minus the base scenario (kr), the base column dropped."""
    if base not in comparison.columns:
        raise ValueError(f"jämförelsen saknar scenariot {base!r}")
    return comparison.drop(columns=base).sub(comparison[base], axis=0)

def share_vs_population(fees: pd.DataFrame, population, date: str = "befolkning_2024_12_31"
                        ) -> pd.DataFrame:
    """Each municipality's share of the invoiced total, per scenario, beside its population share.

    Returns
    -------
    pandas.DataFrame
        Index kommun code; columns ``kommun``, ``befolkning_andel`` (%), one column per
        scenario (% of that scenario's invoiced total), all in per cent (0-100).
    """
    pop = population_frame(population)[date]
    billed = fees.assign(kr=fees["belopp_kr"].where(fees["fakturerad"], 0))
    kr_ = billed.pivot_table(index="kommun_kod", columns="scenario", values="kr", aggfunc="sum",
                             sort=False)[list(dict.fromkeys(fees["scenario"]))]
    shares = kr_.div(kr_.sum()) * 100
    names = fees.drop_duplicates("kommun_kod").set_index("kommun_kod")["kommun"]
    out = pd.DataFrame({"kommun": names.reindex(shares.index),
                        "befolkning_andel": pop.reindex(shares.index) / pop.sum() * 100})
    out = out.join(shares)
    out.index.name, out.columns.name = "kommun_kod", None
    return out

def history_table(social: Table, administration: Table, matrix: Table) -> pd.DataFrame:
    """Social välfärd and administration per municipality 2016 and 2018, beside 2025 (tkr).

    2016/2018: the printed PKS 2016 tables (tkr; administration in 2016 price level).
    2025: the proposal's printed cells for ``Grundfinansiering Social välfärd`` and
    ``Medlemsavgift Kommunal utveckling`` (the nearest posts), converted from kr to tkr.
    Rows matched by kommun code (the two 2016 tables print the municipalities in different
    orders); the ``Summa`` row is the printed totals, not recomputed. A blank stays NaN.

    Returns
    -------
    pandas.DataFrame
        Index printed name in the matrix's order, then ``Summa``; six float columns.
    """
    def by_code(table: Table) -> pd.DataFrame:
        codes = kommun_codes(table)
        frame = table.values.loc[list(codes)].rename(index=codes)
        frame.loc["Summa"] = table.values.loc[total_row(table)]
        return frame

    soc, adm = by_code(social), by_code(administration)
    names = {code: label for label, code in kommun_codes(matrix).items()}
    mat = by_code(matrix) / 1000
    order = list(names) + ["Summa"]
    out = pd.DataFrame({
        "Social välfärd 2016": soc.iloc[:, 0], "Social välfärd 2018": soc.iloc[:, 1],
        "Grundfinansiering social välfärd 2025": mat["Grundfinansiering Social välfärd"],
        "Administration 2016": adm.iloc[:, 0], "Administration 2018": adm.iloc[:, 1],
        "Medlemsavgift 2025": mat["Medlemsavgift Kommunal utveckling"],
    }).reindex(order)
    out.index = [names.get(c, c) for c in out.index]
    out.index.name = "Kommun"
    return out

def findings_overview(findings: list[Finding]) -> pd.DataFrame:
    """Findings counted by rule and status, each with its plain-Swedish sentence.

    Returns
    -------
    pandas.DataFrame
        Columns ``Kontroll`` (the rule's sentence), ``Status`` (its meaning), ``Antal``, one
        row per (rule, status) pair found, in the registry's order of rules.
    """
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        counts[(f.rule, f.status)] = counts.get((f.rule, f.status), 0) + 1
    order = list(RULES)
    rows = [(RULES[r].sentence, f"{s}: {STATUSES[s].meaning}", n)
            for (r, s), n in sorted(counts.items(), key=lambda kv: order.index(kv[0][0]))]
    return pd.DataFrame(rows, columns=["Kontroll", "Status", "Antal"])


def kommun_fees(fees: pd.DataFrame, kommun_kod: str) -> pd.DataFrame:
    """One municipality's fee per post and scenario, as a kommunblad shows it.

    Returns
    -------
    pandas.DataFrame
        Index post, one column per scenario: kronor (int) for an invoiced post, the text
        ``"faktureras ej"`` for a post the scenario does not invoice; last row
        ``Fakturerat totalt`` (the invoiced posts' sum).
    """
    mine = fees[fees["kommun_kod"] == kommun_kod]
    if mine.empty:
        raise ValueError(f"kommunkoden {kommun_kod!r} finns inte i avgifterna")
    order = list(dict.fromkeys(mine["scenario"]))
    cells = mine.assign(visa=[int(k) if f else "faktureras ej"
                              for k, f in zip(mine["belopp_kr"], mine["fakturerad"])])
    frame = cells.pivot(index="post", columns="scenario", values="visa")
    frame = frame.loc[list(dict.fromkeys(mine["post"])), order].astype(object)
    frame.loc["Fakturerat totalt"] = [
        int(mine.loc[(mine["scenario"] == s) & mine["fakturerad"], "belopp_kr"].sum())
        for s in order]
    frame.index.name, frame.columns.name = "Post", None
    return frame

def group_identical_columns(frame: pd.DataFrame, sep: str = ", ") -> pd.DataFrame:
    """Merge columns with identical values into one, named by all of them (``"a, c"``).

    For charts: three scenarios with the same balance path are one line, not three lines
    drawn on top of each other. Column order: each group where its first member was.
    """
    groups: list[list[str]] = []
    for col in frame.columns:
        for g in groups:
            if frame[g[0]].equals(frame[col]):
                g.append(col)
                break
        else:
            groups.append([col])
    return pd.DataFrame({sep.join(map(str, g)): frame[g[0]] for g in groups}, index=frame.index)
