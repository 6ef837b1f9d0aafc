"""The figures of the fee report, as frames (no markup): the alternatives side by side per
municipality and per post, differences, shares against the population, the years ahead, the
blank cells' readings, the comparison of two proposal years and the 2016 history. Each takes
what it needs (fees, scenarios, tables) as arguments; :mod:`kuanalysis.reports.feesections` shows
them.
"""

from __future__ import annotations

import pandas as pd

from .. import paths
from ..checks.findings import Finding
from ..checks.rules import RULES, STATUSES
from ..data.table import Table
from ..fees.keys import population_frame
from ..fees.matrix import kommun_codes, total_row
from ..fees.model import Scenario
from ..fees.proposals import printed_scenario, proposal_year, require_readings
from ..fees.scenariofile import format_percent
from ..fees.scenarios import (
    allocate_scenario,
    changed_totals,
)
from . import fmt

#: The posts of a proposal nearest the 2016 tables' social välfärd and administration.
HISTORY_POSTS = ("Grundfinansiering Social välfärd", "Medlemsavgift Kommunal utveckling")

#: What a kommunblad shows for a post that a scenario does not invoice.
NOT_INVOICED = "faktureras ej"


def invoiced_totals(fees: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and municipality: the invoiced kronor (sum of invoiced posts)."""
    billed = fees[fees["fakturerad"]]
    return (
        billed.groupby(["scenario", "kommun_kod", "kommun"], sort=False)["belopp_kr"]
        .sum()
        .rename("fakturerat_kr")
        .reset_index()
    )


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


def difference_to_base(comparison: pd.DataFrame, base: str | None = None) -> pd.DataFrame:
    """Each scenario minus the base scenario (kr; default: the first column), the base column
    dropped."""
    base = comparison.columns[0] if base is None else base
    if base not in comparison.columns:
        raise ValueError(f"jämförelsen saknar scenariot {base!r}")
    return comparison.drop(columns=base).sub(comparison[base], axis=0)


def nonzero(frame: pd.DataFrame, rows: bool = True) -> pd.DataFrame:
    """The columns (and, with ``rows``, the rows) of ``frame`` that hold a value other than 0."""
    keep = frame.loc[:, (frame != 0).any()]
    return keep.loc[(keep != 0).any(axis=1)] if rows else keep


def share_vs_population(
    fees: pd.DataFrame, population, date: str = "befolkning_2024_12_31"
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
    kr_ = billed.pivot_table(
        index="kommun_kod", columns="scenario", values="kr", aggfunc="sum", sort=False
    )[list(dict.fromkeys(fees["scenario"]))]
    shares = kr_.div(kr_.sum()) * 100
    names = fees.drop_duplicates("kommun_kod").set_index("kommun_kod")["kommun"]
    out = pd.DataFrame(
        {
            "kommun": names.reindex(shares.index),
            "befolkning_andel": pop.reindex(shares.index) / pop.sum() * 100,
        }
    )
    out = out.join(shares)
    out.index.name, out.columns.name = "kommun_kod", None
    return out


def history_table(
    social: Table, administration: Table, matrix: Table, year: int | None = None
) -> pd.DataFrame:
    """Social välfärd and administration per municipality 2016 and 2018, beside the
    proposal's year (tkr).

    2016/2018: the printed PKS 2016 tables (tkr; administration in 2016 price level). The
    proposal: its printed cells for the posts of :data:`HISTORY_POSTS` (the nearest posts;
    blank where the proposal has no such post), converted from kr to tkr. Rows matched by
    kommun code (the two 2016 tables print the municipalities in different orders); the
    ``Summa`` row is the printed totals, not recomputed. A blank stays NaN.

    Returns
    -------
    pandas.DataFrame
        Index printed name in the matrix's order, then ``Summa``; six float columns, the
        proposal's named ``Grundfinansiering social välfärd <år>`` and ``Medlemsavgift <år>``.
    """

    def by_code(table: Table) -> pd.DataFrame:
        codes = kommun_codes(table)
        frame = table.values.loc[list(codes)].rename(index=codes)
        frame.loc["Summa"] = table.values.loc[total_row(table)]
        return frame

    year = proposal_year(matrix) if year is None else year
    soc, adm = by_code(social), by_code(administration)
    names = {code: label for label, code in kommun_codes(matrix).items()}
    mat = by_code(matrix) / 1000
    order = list(names) + ["Summa"]
    social_post, member_post = (
        mat[p] if p in mat.columns else pd.Series(float("nan"), index=mat.index)
        for p in HISTORY_POSTS
    )
    out = pd.DataFrame(
        {
            "Social välfärd 2016": soc.iloc[:, 0],
            "Social välfärd 2018": soc.iloc[:, 1],
            f"Grundfinansiering social välfärd {year}": social_post,
            "Administration 2016": adm.iloc[:, 0],
            "Administration 2018": adm.iloc[:, 1],
            f"Medlemsavgift {year}": member_post,
        }
    ).reindex(order)
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
    rows = [
        (RULES[r].sentence, f"{s}: {STATUSES[s].meaning}", n)
        for (r, s), n in sorted(counts.items(), key=lambda kv: order.index(kv[0][0]))
    ]
    return pd.DataFrame(rows, columns=["Kontroll", "Status", "Antal"])


def findings_frame(findings: list[Finding], table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every finding about ``table`` as a line, and marks that colour each line's status.

    Lines in the registry's order of rules, then in the table's order of rows and columns
    (a finding without a column first in its row).

    Returns
    -------
    (frame, marks)
        ``frame``: ``Rad``, ``Kolumn``, ``Tryckt``, ``Beräknat``, ``Skillnad`` (NaN where
        there is nothing to compare), ``Status``, ``Förklaras av`` (the cell whose error
        explains this finding too, ``rad / kolumn``, or ""). ``marks``: same shape, the
        status in the ``Status`` column, "" elsewhere.
    """
    order = list(RULES)
    rows = {r: i for i, r in enumerate(table.values.index)}
    cols = {c: i for i, c in enumerate(table.values.columns)}
    mine = sorted(
        (f for f in findings if f.table == table.id),
        key=lambda f: (order.index(f.rule), rows.get(f.row, len(rows)), cols.get(f.column, -1)),
    )
    columns = ["Rad", "Kolumn", "Tryckt", "Beräknat", "Skillnad", "Status", "Förklaras av"]
    frame = pd.DataFrame(
        [
            (f.row, f.column, f.reported, f.expected, f.difference, f.status, f.explained_by)
            for f in mine
        ],
        columns=columns,
    )
    for c in ("Tryckt", "Beräknat", "Skillnad"):
        frame[c] = frame[c].astype(float)
    marks = pd.DataFrame("", index=frame.index, columns=columns)
    marks["Status"] = frame["Status"]
    return frame, marks


def key_panels(
    summary: pd.DataFrame, deviations: pd.DataFrame, groups: list[list[str]]
) -> dict[str, pd.Series]:
    """The key chart's panels: a title per key group -> its deviation from population.

    ``summary`` and ``deviations`` as from :func:`~kuanalysis.fees.keys.key_vs_population`
    with the same ``groups``; a title reads ``Nyckel 1\\n6 poster, mot 2023-12-31``.
    """
    out = {}
    for (key, row), group in zip(summary.iterrows(), groups):
        n = len(group)
        out[f"{key}\n{n} {'post' if n == 1 else 'poster'}, mot {row['Närmast folkmängden']}"] = (
            deviations[key]
        )
    return out


def scenario_descriptions(
    scenarios: list[Scenario], printed: Scenario | None = None
) -> pd.DataFrame:
    """One line per scenario: ``Alternativ`` (its name) and ``Vad det visar`` (its
    description); with ``printed`` (the proposal as printed) also ``Belopp som skiljer sig
    från förslagets tabell``: each post whose first-year amount is not the printed total."""
    frame = pd.DataFrame(
        {
            "Alternativ": [s.name for s in scenarios],
            "Vad det visar": [s.description for s in scenarios],
        }
    )
    if printed is not None:
        frame["Belopp som skiljer sig från förslagets tabell"] = [
            "; ".join(
                f"{post} {fmt.kr(row.scenario_kr)} (tryckt {fmt.kr(row.tryckt_kr)})"
                for post, row in changed_totals(s, printed).iterrows()
            )
            or "inga"
            for s in scenarios
        ]
    return frame


def runs_out(year, horizon_end: int) -> str:
    """The first year the balance is below zero, or ``inte före <year after the horizon>``."""
    return f"inte före {horizon_end + 1}" if year is None else str(year)


def kommun_fees(fees: pd.DataFrame, kommun_kod: str) -> pd.DataFrame:
    """One municipality's fee per post and scenario, as a kommunblad shows it.

    Returns
    -------
    pandas.DataFrame
        Index post, one column per scenario: kronor (int) for an invoiced post, the text
        :data:`NOT_INVOICED` for a post the scenario does not invoice; last row
        ``Fakturerat totalt`` (the invoiced posts' sum).
    """
    mine = fees[fees["kommun_kod"] == kommun_kod]
    if mine.empty:
        raise ValueError(f"kommunkoden {kommun_kod!r} finns inte i avgifterna")
    order = list(dict.fromkeys(mine["scenario"]))
    cells = mine.assign(
        visa=[int(k) if f else NOT_INVOICED for k, f in zip(mine["belopp_kr"], mine["fakturerad"])]
    )
    frame = cells.pivot(index="post", columns="scenario", values="visa")
    frame = frame.loc[list(dict.fromkeys(mine["post"])), order].astype(object)
    frame.loc["Fakturerat totalt"] = [
        int(mine.loc[(mine["scenario"] == s) & mine["fakturerad"], "belopp_kr"].sum())
        for s in order
    ]
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


def yearly_invoiced(fees_years: pd.DataFrame) -> pd.DataFrame:
    """Invoiced kr per scenario (rows, in order) and year (columns); NaN for a year a
    scenario does not cover."""
    billed = fees_years[fees_years["fakturerad"]]
    frame = billed.pivot_table(
        index="scenario", columns="år", values="belopp_kr", aggfunc="sum", sort=False
    )
    frame = frame.reindex(list(dict.fromkeys(fees_years["scenario"])))
    frame.index.name, frame.columns.name = "Alternativ", None
    return frame


def kommun_years(fees_years: pd.DataFrame, kommun_kod: str) -> pd.DataFrame:
    """One municipality's invoiced kr per scenario (rows) and year (columns)."""
    return yearly_invoiced(fees_years[fees_years["kommun_kod"] == kommun_kod])


def assumptions(scenario: Scenario, start_kr: int | None = None) -> str:
    """What a scenario assumes about the years ahead, in plain Swedish: what it starts
    from, its years, the uprating, which posts are taken from the balance account and the
    account's own movements. ``start_kr``: an opening balance the report uses instead."""
    years = scenario.horizon
    parts = [f"Utgår från {scenario.base or 'förslaget som det är tryckt'}."]
    if years:
        parts.append(
            f"Räknar åren {years[0]}–{years[-1]}." if len(years) > 1 else f"Räknar bara {years[0]}."
        )
    own = {
        p: s.uprating_bp
        for p, s in scenario.posts.items()
        if s.uprating_bp is not None and s.uprating_bp != scenario.uprating_bp
    }
    if len(years) > 1:
        if scenario.uprating_bp:
            parts.append(
                f"Alla belopp räknas upp med {_pct(scenario.uprating_bp)} per år"
                + (", utom där annat anges." if own else ".")
            )
        else:
            parts.append(
                "Beloppen är desamma varje år (ingen uppräkning)"
                + (", utom där annat anges." if own else ".")
            )
        parts += [f"{p} räknas upp med {_pct(bp)} per år." for p, bp in own.items()]
    taken = [p for p, s in scenario.posts.items() if s.from_balance]
    parts.append(
        f"Tas från balanskontot: {', '.join(taken)}."
        if taken
        else "Ingen post tas från balanskontot."
    )
    b = scenario.balance
    opening = b.opening if start_kr is None else start_kr
    note = " (rapportens parameter)" if start_kr is not None else ""
    parts.append(
        f"Balanskontot är {fmt.mnkr(opening, source_unit='kr')} vid årets början"
        f"{' ' + str(years[0]) if years else ''}{note}."
    )
    for what, moves in (("Uttag", b.withdrawals), ("Insättning", b.deposits)):
        for y, kr_ in sorted(moves.items()):
            if kr_ and (not years or y in years):
                parts.append(f"{what} {y}: {fmt.mnkr(kr_, source_unit='kr')}.")
    parts.append("Ingen ränta.")
    return " ".join(parts)


def _pct(bp: int) -> str:
    return format_percent(bp).lstrip("+")


#: A blank cell's reading (:class:`~kuanalysis.fees.model.BlankReading`) in words.
BLANK_READING_WORDS = {
    "beräknat": "beräknat belopp: kommunen betalar sin del",
    "utanför": "utanför posten: kommunen deltar inte",
    None: "inte angiven",
}


def blank_readings(scenarios: list[Scenario]) -> pd.DataFrame:
    """How each scenario reads the proposal's blank cells that the column total gives an
    amount (rule ``fee_blank_cell``): one line per scenario and cell.

    Returns
    -------
    pandas.DataFrame
        ``Alternativ``, ``Cell`` (``rad / kolumn``), ``Beräknat belopp`` (kr), ``Läsning``
        (in words), ``Angiven i`` (file and line); empty when there is no such cell.
    """
    words = BLANK_READING_WORDS
    rows = [
        (s.name, f"{b.row} / {b.post}", b.implied_kr, words[b.reading], b.stated_in)
        for s in scenarios
        for b in s.blanks
    ]
    return pd.DataFrame(
        rows, columns=["Alternativ", "Cell", "Beräknat belopp", "Läsning", "Angiven i"]
    )


def year_comparison(a: pd.DataFrame, b: pd.DataFrame, by: str = "kommun") -> pd.DataFrame:
    """Two proposal years side by side, per municipality (invoiced kr) or per post (total kr).

    Parameters
    ----------
    a, b : pandas.DataFrame
        The first-year fees of each year's proposal as printed (``kuanalysis fees``
        columns, one scenario each); ``a`` the earlier year.
    by : {"kommun", "post"}

    Returns
    -------
    pandas.DataFrame
        Index municipality or post (``a``'s order, then those only in ``b``), then ``Summa``;
        columns ``<år a>``, ``<år b>``, ``Skillnad`` (kr, NaN where a year lacks it), then
        ``Andel <år a>``, ``Andel <år b>``, ``Skillnad, procentenheter`` (share of all
        municipalities' invoiced fees, or of the proposal's total, in per cent).
    """
    if by not in ("kommun", "post"):
        raise ValueError(f"by måste vara 'kommun' eller 'post', fick {by!r}")
    ya, yb = int(a["år"].iloc[0]), int(b["år"].iloc[0])

    def amounts(f: pd.DataFrame) -> pd.Series:
        if by == "kommun":
            f = f[f["fakturerad"]]
        return f.groupby(by, sort=False)["belopp_kr"].sum()

    sa, sb = amounts(a), amounts(b)
    index = list(dict.fromkeys([*sa.index, *sb.index]))
    frame = pd.DataFrame({str(ya): sa.reindex(index), str(yb): sb.reindex(index)})
    frame["Skillnad"] = frame[str(yb)] - frame[str(ya)]
    share_a, share_b = sa / sa.sum() * 100, sb / sb.sum() * 100
    frame[f"Andel {ya}"] = share_a.reindex(index)
    frame[f"Andel {yb}"] = share_b.reindex(index)
    frame["Skillnad, procentenheter"] = frame[f"Andel {yb}"] - frame[f"Andel {ya}"]
    frame.loc["Summa"] = [sa.sum(), sb.sum(), sb.sum() - sa.sum(), 100.0, 100.0, 0.0]
    frame.index.name = "Kommun" if by == "kommun" else "Post"
    return frame


def printed_fees(table: Table, population) -> pd.DataFrame:
    """The first-year fees of a proposal as printed (blank cells read as its sidecar states).

    Raises
    ------
    DataError
        A blank cell the column total gives an amount, without a stated reading.
    """
    printed = printed_scenario(table)
    require_readings(printed, paths.relative(table.source_file) if table.source_file else table.id)
    fees_ = allocate_scenario(printed, table, population)
    return fees_[fees_["år"] == fees_["år"].min()]
