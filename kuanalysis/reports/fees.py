"""The fee report (``avgifter-2025``): the proposal checked, its keys, the alternatives, the
balance account and the history, as tables, sentences and charts.

:class:`FeeReport` loads what both fee notebooks need (the printed proposal, the population,
the 2016 history, the scenarios and the fees they give); the kommunblad
(:mod:`kuanalysis.reports.kommunblad`) uses it too. Functions that return a frame are the
figures; functions that return :class:`~kuanalysis.reports.html.Markup` or a chart are
what a notebook cell shows. Every text passes through :mod:`kuanalysis.reports.html`.
"""
from __future__ import annotations

import re
from functools import cached_property

import pandas as pd

from .. import checks, paths
from ..checks.findings import Finding
from ..checks.rules import RULES, STATUSES
from ..data import load_table
from ..data.load import TABLE_SUFFIXES
from ..data.table import Table
from ..errors import ParameterError, ScenarioError
from ..fees.balance import balance_overview
from ..fees.keys import key_groups, key_vs_population, population_frame
from ..fees.matrix import kommun_codes, post_labels, total_row
from ..fees.scenarios import BASE_SCENARIO, FEE_COLUMNS, Scenario, allocate_scenario, load_scenarios
from . import charts, fmt, html
from .findings import errors_html

#: The printed 2016 tables the history compares with, by table id (in the ``historik`` folder).
HISTORY_TABLES = ("pks-2016-social-valfard", "pks-2016-administration")

#: What a kommunblad shows for a post that a scenario does not invoice.
NOT_INVOICED = "faktureras ej"

_DATE_KEY = re.compile(r"^befolkning_(\d{4})_(\d{2})_(\d{2})$")


# -- the data of both fee notebooks --------------------------------------------------------

class FeeReport:
    """The printed proposal, the population, the history and the scenarios, with their fees.

    Attributes
    ----------
    matrix : Table
        The printed fee matrix (kind ``fee_matrix``).
    population : Table
        Population per municipality (columns ``befolkning_YYYY_12_31``).
    history : dict
        The 2016 tables of :data:`HISTORY_TABLES` by id.
    scenarios : list of Scenario
        The proposal first, the others by name.
    date_key : str
        The population date the shares are compared with (``befolkning_2024_12_31``).
    fees : pandas.DataFrame
        Every scenario's fees (the ``kuanalysis fees`` columns), scenarios in order.
    """

    def __init__(self, matrix: Table, population: Table, history: dict[str, Table],
                 scenarios: list[Scenario], date_key: str = "befolkning_2024_12_31"):
        self.matrix = matrix
        self.population = population
        self.history = history
        self.scenarios = scenarios
        self.date_key = date_key
        self.fees = allocate_all(scenarios, matrix, population)

    @classmethod
    def load(cls, scenarier: str = "scenarios",
             forslag: str = "data/raw/000-pks-2024/finansiering-2025.csv",
             befolkning: str = "data/raw/referens/kommuner-befolkning.csv",
             historik: str = "data/raw/002-pks-2016",
             befolkningsdatum: str = "befolkning_2024_12_31") -> "FeeReport":
        """Load the fee data named by the notebooks' parameters (paths relative to the project).

        Raises
        ------
        ParameterError
            A path that does not exist, a population date of the wrong form or not in the
            population table, or a history folder without the tables of :data:`HISTORY_TABLES`.
        ScenarioError
            Faults in the scenario files, or no proposal (``forslag-2025.yaml``) among them.
        """
        root = paths.project_root()
        faults = [f"parametern {name}: {value} finns inte i projektet"
                  for name, value in (("scenarier", scenarier), ("forslag", forslag),
                                      ("befolkning", befolkning), ("historik", historik))
                  if not (root / value).exists()]
        if not _DATE_KEY.match(str(befolkningsdatum)):
            faults.append("parametern befolkningsdatum ska se ut som befolkning_2024_12_31, "
                          f"fick {befolkningsdatum!r}")
        if faults:
            raise ParameterError(faults)
        matrix = load_table(root / forslag)
        population = load_table(root / befolkning)
        if befolkningsdatum not in population_frame(population).columns:
            dates = ", ".join(population_frame(population).columns)
            raise ParameterError(f"parametern befolkningsdatum: {befolkningsdatum} finns inte i "
                                 f"{befolkning}; välj en av {dates}")
        history = {t: load_table(_table_file(root / historik, t)) for t in HISTORY_TABLES}
        scenarios = load_scenarios(root / scenarier, matrix, population)
        if scenarios[0].name != BASE_SCENARIO:
            raise ScenarioError([f"{scenarier}: förslaget {BASE_SCENARIO}.yaml saknas; "
                                 "alternativen jämförs med det"])
        return cls(matrix, population, history, scenarios, befolkningsdatum)

    @property
    def date(self) -> str:
        """The population date as ``2024-12-31``."""
        return population_date(self.date_key)

    @cached_property
    def findings(self) -> checks.Findings:
        """The findings of every rule on the printed proposal (:func:`kuanalysis.checks.run`);
        the population tells which posts follow a population date."""
        others = {self.population.id: self.population} if isinstance(self.population, Table) else None
        return checks.run({self.matrix.id: self.matrix}, others=others)

    @property
    def inputs(self) -> list:
        """Everything the report read, for its provenance."""
        return [self.matrix, self.population, self.history, self.scenarios]


def _table_file(folder, table_id: str):
    for suffix in TABLE_SUFFIXES:
        if (folder / f"{table_id}{suffix}").exists():
            return folder / f"{table_id}{suffix}"
    raise ParameterError(f"parametern historik: mappen {paths.relative(folder)} saknar "
                         f"tabellen {table_id}")


def check_parameters(*, balanskonto_kr, excelfil: str) -> None:
    """The avgifter-2025 parameters that :meth:`FeeReport.load` does not read.

    Raises
    ------
    ParameterError
        ``balanskonto_kr`` not a whole number ≥ 0; ``excelfil`` not a plain file name ending
        in ``.xlsx``.
    """
    faults = []
    whole = isinstance(balanskonto_kr, int) and not isinstance(balanskonto_kr, bool)
    if not whole or balanskonto_kr < 0:
        faults.append(f"parametern balanskonto_kr ska vara hela kronor, minst 0, fick "
                      f"{balanskonto_kr!r}")
    if not (isinstance(excelfil, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.xlsx",
                                                      excelfil)):
        faults.append("parametern excelfil ska vara ett filnamn (bokstäver a–z, siffror, . _ -) "
                      f"som slutar på .xlsx, fick {excelfil!r}")
    if faults:
        raise ParameterError(faults)


def population_date(date_key: str) -> str:
    """``befolkning_2024_12_31`` -> ``2024-12-31``."""
    m = _DATE_KEY.match(date_key)
    if not m:
        raise ValueError(f"väntade befolkning_ÅÅÅÅ_MM_DD, fick {date_key!r}")
    return "-".join(m.groups())


def allocate_all(scenarios: list[Scenario], matrix: Table, population) -> pd.DataFrame:
    """Every scenario's fees, one after the other (the ``kuanalysis fees`` columns)."""
    if not scenarios:
        return pd.DataFrame(columns=FEE_COLUMNS)
    return pd.concat([allocate_scenario(s, matrix, population) for s in scenarios],
                     ignore_index=True)


# -- figures -------------------------------------------------------------------------------

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


def nonzero(frame: pd.DataFrame, rows: bool = True) -> pd.DataFrame:
    """The columns (and, with ``rows``, the rows) of ``frame`` that hold a value other than 0."""
    keep = frame.loc[:, (frame != 0).any()]
    return keep.loc[(keep != 0).any(axis=1)] if rows else keep


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


def findings_frame(findings: list[Finding], table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every finding about ``table`` as a line, and marks that colour each line's status.

    Lines in the registry's order of rules, then in the table's order of rows and columns
    (a finding without a column first in its row).

    Returns
    -------
    (frame, marks)
        ``frame``: ``Rad``, ``Kolumn``, ``Tryckt``, ``Beräknat``, ``Skillnad`` (NaN where
        there is nothing to compare), ``Status``. ``marks``: same shape, the status in the
        ``Status`` column, "" elsewhere.
    """
    order = list(RULES)
    rows = {r: i for i, r in enumerate(table.values.index)}
    cols = {c: i for i, c in enumerate(table.values.columns)}
    mine = sorted((f for f in findings if f.table == table.id),
                  key=lambda f: (order.index(f.rule), rows.get(f.row, len(rows)),
                                 cols.get(f.column, -1)))
    columns = ["Rad", "Kolumn", "Tryckt", "Beräknat", "Skillnad", "Status"]
    frame = pd.DataFrame([(f.row, f.column, f.reported, f.expected, f.difference, f.status)
                          for f in mine], columns=columns)
    for c in ("Tryckt", "Beräknat", "Skillnad"):
        frame[c] = frame[c].astype(float)
    marks = pd.DataFrame("", index=frame.index, columns=columns)
    marks["Status"] = frame["Status"]
    return frame, marks


def key_panels(summary: pd.DataFrame, deviations: pd.DataFrame, groups: list[list[str]]
               ) -> dict[str, pd.Series]:
    """The key chart's panels: a title per key group -> its deviation from population.

    ``summary`` and ``deviations`` as from :func:`~kuanalysis.fees.keys.key_vs_population`
    with the same ``groups``; a title reads ``Nyckel 1\\n6 poster, mot 2023-12-31``.
    """
    out = {}
    for (key, row), group in zip(summary.iterrows(), groups):
        n = len(group)
        out[f"{key}\n{n} {'post' if n == 1 else 'poster'}, mot {row['Närmast folkmängden']}"] = (
            deviations[key])
    return out


def scenario_descriptions(scenarios: list[Scenario]) -> pd.DataFrame:
    """One line per scenario: ``Alternativ`` (its name) and ``Vad det visar`` (its description)."""
    return pd.DataFrame({"Alternativ": [s.name for s in scenarios],
                         "Vad det visar": [s.description for s in scenarios]})


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
    cells = mine.assign(visa=[int(k) if f else NOT_INVOICED
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


# -- what the avgifter-2025 notebook shows, section by section -----------------------------

def _signed_kr(x) -> str:
    return fmt.kr(x, sign=True)


def _percent2(x) -> str:
    return fmt.percent(x, 2)


def balance_start(balanskonto_kr: int) -> str:
    """The balance account's opening figure as text: ``20,5 mnkr``."""
    return fmt.mnkr(balanskonto_kr, source_unit="kr")


def key_figures(r: FeeReport, balanskonto_kr: int) -> html.Markup:
    """Four boxes: invoiced by the proposal, posts not invoiced, when the balance runs out,
    how many alternatives."""
    comparison = scenario_comparison(r.fees)
    closing, summary = balance_overview(r.scenarios, start_kr=balanskonto_kr)
    not_summed = sum(f.rule == "fee_not_summed" for f in r.findings)
    return html.boxes([
        ("Fakturerat enligt förslaget",
         fmt.mnkr(comparison.at["Summa", BASE_SCENARIO], source_unit="kr")),
        ("Poster i tabellen som inte faktureras",
         f"{not_summed} av {len(post_labels(r.matrix))}"),
        ("Balanskontot tar slut enligt förslaget",
         runs_out(summary.at[BASE_SCENARIO, "tar_slut"], int(closing.index.max()))),
        ("Alternativ som jämförs", str(len(r.scenarios) - 1)),
    ])


def findings_summary(r: FeeReport) -> html.Markup:
    """The proposal's findings counted by rule and status."""
    return html.table(findings_overview(r.findings), id="avstamning-oversikt", index=False,
                      caption="Avstämningen av förslaget: vad som hittades, antal iakttagelser")


def findings_list(r: FeeReport) -> html.Markup:
    """Every finding in the proposal's table, its status marked; then, in a box, the checks
    that could not run (nothing when all ran)."""
    frame, marks = findings_frame(r.findings, r.matrix)
    return html.join([
        html.table(frame, id="avstamning", index=False, marks=marks,
                   formats={"Tryckt": fmt.kr, "Beräknat": fmt.kr, "Skillnad": _signed_kr},
                   caption="Varje iakttagelse i förslagets tabell, kronor "
                           "(tomt = inget att jämföra med)"),
        errors_html(r.findings)])


def key_groups_table(r: FeeReport) -> html.Markup:
    """The key groups: posts with the same key, and the population date each is nearest."""
    summary, _ = key_vs_population(r.matrix, r.population)
    return html.table(summary, id="nyckelgrupper",
                      formats={"Största avvikelse": lambda x: fmt.points(x, 2)},
                      caption="Nyckelgrupper: poster med samma fördelning, och folkmängden de "
                              "ligger närmast")


def key_chart(r: FeeReport):
    """Each key group's share minus the population share, one panel per group."""
    groups = key_groups(r.matrix)
    summary, deviations = key_vs_population(r.matrix, r.population, groups)
    names = {code: label for label, code in kommun_codes(r.matrix).items()}
    return charts.panels_barh([names[k] for k in deviations.index],
                              key_panels(summary, deviations, groups), unit="", decimals=2,
                              title="Nyckelns andel minus andelen av folkmängden, procentenheter")


def scenario_list(r: FeeReport) -> html.Markup:
    return html.table(scenario_descriptions(r.scenarios), id="alternativ", index=False,
                      caption="Alternativen som jämförs")


_COMPARISON = {
    "kommun": ("per-kommun", "Fakturerat per kommun 2025 i varje alternativ, kronor"),
    "post": ("per-post", "Fakturerat per post 2025 i varje alternativ, kronor "
                         "(0 kr = faktureras inte)"),
}


def comparison_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Invoiced kronor per municipality (``by="kommun"``) or post, one column per alternative."""
    frame = scenario_comparison(r.fees, by)
    id_, caption = _COMPARISON[by]
    return html.table(frame, id=id_, formats={c: fmt.kr for c in frame.columns}, caption=caption)


def difference_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Each alternative minus the proposal: every municipality, or the posts that differ."""
    diff = difference_to_base(scenario_comparison(r.fees, by))
    if by == "kommun":
        id_, caption = ("per-kommun-skillnad",
                        "Skillnad mot förslaget per kommun, kronor (plus = kommunen betalar mer)")
    else:
        diff = nonzero(diff)
        id_, caption = ("per-post-skillnad",
                        "Poster där ett alternativ skiljer sig från förslaget: skillnad, kronor")
    return html.table(diff, id=id_, formats={c: _signed_kr for c in diff.columns},
                      caption=caption)


def difference_chart(r: FeeReport):
    """The alternatives that differ from the proposal, per municipality (tkr); None if none."""
    shown = nonzero(difference_to_base(scenario_comparison(r.fees)).drop(index="Summa"),
                    rows=False)
    if shown.empty:
        return None
    return charts.barh(shown.index, {c: shown[c] / 1000 for c in shown.columns}, unit="tkr",
                       title="Skillnad mot förslaget 2025 per kommun och alternativ (tkr)")


def shares_table(r: FeeReport) -> html.Markup:
    """Each municipality's share of what is invoiced, per alternative, beside its population."""
    shares = share_vs_population(r.fees, r.population, r.date_key).set_index("kommun")
    shares.index.name = "Kommun"
    shares = shares.rename(columns={"befolkning_andel": f"Folkmängd {r.date}"})
    return html.table(shares, id="andelar", formats={c: _percent2 for c in shares.columns},
                      caption=f"Kommunens andel av det fakturerade i varje alternativ och av "
                              f"folkmängden {r.date}, procent")


def balance_table(r: FeeReport, balanskonto_kr: int) -> html.Markup:
    """Per alternative: what is taken from the balance each year, and when it runs out."""
    closing, summary = balance_overview(r.scenarios, start_kr=balanskonto_kr)
    end = int(closing.index.max())
    frame = summary.rename(columns={"från_balanskonto_kr": "Tas från balanskontot varje år",
                                    "tar_slut": "Första året under noll"})
    frame.index.name = "Alternativ"
    return html.table(frame, id="balanskonto", caption="Balanskontot i varje alternativ",
                      formats={"Tas från balanskontot varje år": fmt.kr,
                               "Första året under noll": lambda y: runs_out(y, end)})


def balance_chart(r: FeeReport, balanskonto_kr: int):
    """The balance at each year's end, alternatives with the same path drawn as one line."""
    closing, _ = balance_overview(r.scenarios, start_kr=balanskonto_kr)
    shown = group_identical_columns(closing)
    return charts.lines(shown.index, {c: shown[c] / 1e6 for c in shown.columns}, unit="mnkr",
                        decimals=0, title=f"Balanskontot vid årets slut {closing.index.min()}–"
                                          f"{closing.index.max()} (mnkr)")


def history(r: FeeReport) -> html.Markup:
    """Social välfärd and administration 2016 and 2018 beside the nearest posts of 2025 (tkr)."""
    social, administration = (r.history[t] for t in HISTORY_TABLES)
    return html.table(history_table(social, administration, r.matrix), id="historik",
                      caption="Finansiering per kommun 2016, 2018 och 2025, tkr "
                              "(Summa som tryckt)")


def workbook_link(r: FeeReport, name: str) -> html.Markup:
    """The link to the workbook beside the report, with its number of sheets."""
    sheets = r.fees["scenario"].nunique() + 1
    return html.element("p", html.link(name, f"Ladda ner {name}"), f" ({sheets} blad).")
