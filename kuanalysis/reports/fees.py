"""The fee report (``avgifter-<år>``, one per proposal year): the proposal checked, its keys,
the alternatives over the years ahead, the balance account, a comparison with another
proposal year and the history, as tables, sentences and charts.

:class:`FeeReport` loads what both fee notebooks need (one year's printed proposal, the
population, the 2016 history, the scenarios starting from that proposal and the fees they
give); the kommunblad (:mod:`kuanalysis.reports.kommunblad`) uses it too. The year is data:
the proposal's sidecar ``period``. Functions that return a frame are the figures; functions
that return :class:`~kuanalysis.reports.html.Markup` or a chart are what a notebook cell
shows. Every text passes through :mod:`kuanalysis.reports.html`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import checks, paths
from ..checks.fee_matrix import with_implied_blanks
from ..checks.findings import Finding
from ..checks.rules import RULES, STATUSES
from ..data import load_table
from ..data.load import TABLE_SUFFIXES
from ..data.table import Table
from ..errors import DataError, ParameterError
from ..fees.balance import balance_overview
from ..fees.keys import key_groups, key_vs_population, population_frame
from ..fees.matrix import kommun_codes, post_labels, total_row
from ..fees.model import Scenario
from ..fees.proposals import printed_scenario, proposal_files, proposal_year, require_readings
from ..fees.scenariofile import format_percent
from ..fees.scenarios import (
    FEE_COLUMNS,
    ScenarioLoader,
    allocate_scenario,
    base_name,
    changed_totals,
    load_scenarios,
)
from . import charts, fmt, html
from .findings import errors_html

#: The printed 2016 tables the history compares with, by table id (in the ``historik`` folder).
HISTORY_TABLES = ("pks-2016-social-valfard", "pks-2016-administration")

#: The posts of a proposal nearest the 2016 tables' social välfärd and administration.
HISTORY_POSTS = ("Grundfinansiering Social välfärd", "Medlemsavgift Kommunal utveckling")

#: What a kommunblad shows for a post that a scenario does not invoice.
NOT_INVOICED = "faktureras ej"

_DATE_KEY = re.compile(r"^befolkning_(\d{4})_(\d{2})_(\d{2})$")


# -- the data of both fee notebooks --------------------------------------------------------

#: The last report :meth:`FeeReport.load` loaded, with what it was loaded from.
_LOADED: dict = {}


def _stamp(*folders: Path) -> tuple:
    """Name, size and modification time of every file under ``folders``."""
    out = []
    for folder in folders:
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    st = p.stat()
                    out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


class FeeReport:
    """One year's printed proposal, the population, the history and the scenarios of that
    year, with their fees.

    Attributes
    ----------
    matrix : Table
        The printed fee matrix (kind ``fee_matrix``).
    year : int or None
        The year it proposes fees for (its sidecar's ``period``).
    population : Table
        Population per municipality (columns ``befolkning_YYYY_12_31``).
    history : dict
        The 2016 tables of :data:`HISTORY_TABLES` by id.
    scenarios : list of Scenario
        The base first (``forslag-<år>``, or the proposal as printed when there is no such
        file), the others by name.
    date_key : str
        The population date the shares are compared with.
    start_kr : int or None
        An opening balance for every scenario instead of their own (None: their own).
    other : Table or None
        Another year's printed proposal to compare with (the previous year's, else the
        next's), None when there is only one.
    fees : pandas.DataFrame
        Every scenario's fees in the first year (the ``kuanalysis fees`` columns).
    fees_years : pandas.DataFrame
        The same for every year each scenario covers.
    """

    def __init__(
        self,
        matrix: Table,
        population,
        history: dict[str, Table],
        scenarios: list[Scenario],
        date_key: str | None = None,
        start_kr: int | None = None,
        other: Table | None = None,
    ):
        self.matrix = matrix
        self.year = proposal_year(matrix) or next(
            (s.proposal_year for s in scenarios if s.proposal_year), None
        )
        self.population = population
        self.history = history
        self.scenarios = scenarios
        self.date_key = date_key or latest_date(population)
        self.start_kr = start_kr
        self.other = other
        self.fees_years = allocate_all(scenarios, matrix, population)
        first = self.fees_years.groupby("scenario", sort=False)["år"].transform("min")
        self.fees = self.fees_years[self.fees_years["år"] == first].reset_index(drop=True)

    @property
    def base(self) -> str:
        """The scenario the others are compared with: the first (``forslag-<år>``)."""
        return self.scenarios[0].name

    @classmethod
    def load(
        cls,
        scenarier: str = "scenarios",
        forslag: str = "",
        befolkning: str = "data/raw/referens/kommuner-befolkning.csv",
        historik: str = "data/raw/002-pks-2016",
        befolkningsdatum: str = "",
        balanskonto_kr: int = -1,
    ) -> FeeReport:
        """Load the fee data named by the notebooks' parameters (paths relative to the project).

        ``forslag`` "" = the newest proposal in ``data/raw``; ``befolkningsdatum`` "" = the
        newest population date; ``balanskonto_kr`` -1 = each scenario's own opening balance.

        The renderer runs the variants of a notebook (the thirteen kommunblad) one after
        another in one kernel: the report loaded for the previous one is reused while the
        parameters are the same and no file under ``data/raw`` or the scenario folder has
        changed (name, size and modification time).

        Raises
        ------
        ParameterError
            A path that does not exist, a population date of the wrong form or not in the
            population table, a proposal without a year, or a history folder without the
            tables of :data:`HISTORY_TABLES`.
        ScenarioError, DataError
            Faults in the scenario files; a blank cell of the proposal whose reading nobody
            states.
        """
        root = paths.project_root()
        key = (
            str(root),
            scenarier,
            forslag,
            befolkning,
            historik,
            befolkningsdatum,
            balanskonto_kr,
            _stamp(root / "data" / "raw", root / scenarier),
        )
        if _LOADED.get("key") != key:
            _LOADED.clear()
            _LOADED.update(
                key=key,
                report=cls._load(
                    scenarier, forslag, befolkning, historik, befolkningsdatum, balanskonto_kr
                ),
            )
        return _LOADED["report"]

    @classmethod
    def _load(
        cls, scenarier, forslag, befolkning, historik, befolkningsdatum, balanskonto_kr
    ) -> FeeReport:
        root = paths.project_root()
        for name, value in (
            ("scenarier", scenarier),
            ("forslag", forslag),
            ("befolkning", befolkning),
            ("historik", historik),
        ):
            if value:
                paths.project_input(value, f"parametern {name}")  # inside the project only
        faults = [
            f"parametern {name}: {value} finns inte i projektet"
            for name, value in (
                ("scenarier", scenarier),
                ("forslag", forslag),
                ("befolkning", befolkning),
                ("historik", historik),
            )
            if value and not (root / value).exists()
        ]
        if befolkningsdatum and not _DATE_KEY.match(str(befolkningsdatum)):
            faults.append(
                "parametern befolkningsdatum ska se ut som befolkning_ÅÅÅÅ_12_31 "
                f"(eller vara tom), fick {befolkningsdatum!r}"
            )
        if faults:
            raise ParameterError(faults)
        files = proposal_files()
        if not forslag and not files:
            raise ParameterError(
                "data/raw har inget avgiftsförslag (kind: fee_matrix); ange parametern forslag"
            )
        matrix = load_table(root / forslag if forslag else files[max(files)])
        year = proposal_year(matrix)
        if year is None:
            raise ParameterError(
                f"parametern forslag: {forslag} säger inte vilket år den "
                "gäller (fältet period i beskrivningsfilen)"
            )
        population = load_table(root / befolkning)
        if befolkningsdatum and befolkningsdatum not in population_frame(population).columns:
            dates = ", ".join(population_frame(population).columns)
            raise ParameterError(
                f"parametern befolkningsdatum: {befolkningsdatum} finns inte i "
                f"{befolkning}; välj en av {dates}"
            )
        history = {t: load_table(_table_file(root / historik, t)) for t in HISTORY_TABLES}
        loader = ScenarioLoader(population)
        loader.use(matrix)
        scenarios = load_scenarios(root / scenarier, loader, year)
        if not scenarios or scenarios[0].name != base_name(year):
            printed = loader.printed(year)
            require_readings(
                printed, paths.relative(root / forslag) if forslag else paths.relative(files[year])
            )
            scenarios = [printed, *scenarios]
        others = sorted((y for y in files if y != year), key=lambda y: (y > year, abs(y - year)))
        other = load_table(files[others[0]]) if others else None
        return cls(
            matrix,
            population,
            history,
            scenarios,
            befolkningsdatum or None,
            None if balanskonto_kr == -1 else balanskonto_kr,
            other,
        )

    @property
    def date(self) -> str:
        """The population date as ``ÅÅÅÅ-MM-DD``."""
        return population_date(self.date_key)

    @cached_property
    def findings(self) -> checks.Findings:
        """The findings of every rule on the printed proposal (:func:`kuanalysis.checks.run`);
        the population tells which posts follow a population date."""
        others = (
            {self.population.id: self.population} if isinstance(self.population, Table) else None
        )
        return checks.run({self.matrix.id: self.matrix}, others=others)

    @cached_property
    def keyed_matrix(self) -> Table:
        """The proposal with each blank its column total gives an amount filled with that
        amount, as the share check reads it (A23): a blank does not split its post from the
        posts that share its key."""
        return with_implied_blanks(self.matrix)

    @property
    def inputs(self) -> list:
        """Everything the report read, for its provenance."""
        return [self.matrix, self.population, self.history, self.scenarios, self.other]


def _table_file(folder, table_id: str):
    for suffix in TABLE_SUFFIXES:
        if (folder / f"{table_id}{suffix}").exists():
            return folder / f"{table_id}{suffix}"
    raise ParameterError(
        f"parametern historik: mappen {paths.relative(folder)} saknar tabellen {table_id}"
    )


def variants(parameters: Mapping) -> list[dict]:
    """Which fee reports to render: one per proposal year in ``data/raw`` (or the one
    ``forslag`` names), newest first.

    Returns
    -------
    list of dict
        ``{"parameters": {"forslag": "data/raw/.../x.csv"}, "output": "avgifter-<år>.html",
        "title": ..., "sort": "<år>-12-31"}``.

    Raises
    ------
    ParameterError
        No proposal; ``excelfil`` given while several years are rendered; ``balanskonto_kr``
        or ``excelfil`` refused by :func:`check_parameters`.
    InputError
        Whatever :meth:`FeeReport.load` refuses (:func:`check_inputs`). All is checked here,
        before anything runs.
    """
    check_parameters(
        balanskonto_kr=parameters.get("balanskonto_kr", -1),
        excelfil=parameters.get("excelfil", ""),
    )
    chosen = proposals_chosen(parameters)
    if parameters.get("excelfil") and len(chosen) > 1:
        raise ParameterError(
            "parametern excelfil gäller en rapport: ange också forslag (ett års avgiftstabell)"
        )
    check_inputs(parameters, chosen)
    return [
        {
            "parameters": {"forslag": rel},
            "output": f"avgifter-{year}.html",
            "title": title(year),
            "sort": f"{year}-12-31",
        }
        for year, rel in chosen
    ]


def check_inputs(parameters: Mapping, chosen: list[tuple[int, str]]) -> None:
    """Load each chosen year's report as its notebook will, while the run is planned: a bad
    scenario file, path or population date stops the run before anything is written (exit 2).
    The load is cached (:meth:`FeeReport.load`), so the notebooks and the kommunblad reuse it.
    """
    given = {
        k: parameters[k]
        for k in ("scenarier", "befolkning", "historik", "befolkningsdatum", "balanskonto_kr")
        if k in parameters
    }
    for _, rel in chosen:
        FeeReport.load(**given, forslag=rel)


def proposals_chosen(parameters: Mapping) -> list[tuple[int, str]]:
    """(year, table path relative to the project) of the proposals to render, newest first:
    the one ``forslag`` names, or every one in ``data/raw``."""
    wanted = str(parameters.get("forslag", "") or "").strip()
    root = paths.project_root()
    if wanted:
        paths.project_input(wanted, "parametern forslag")
        if not (root / wanted).exists():
            raise ParameterError(f"parametern forslag: {wanted} finns inte i projektet")
        year = proposal_year(load_table(root / wanted))
        if year is None:
            raise ParameterError(
                f"parametern forslag: {wanted} säger inte vilket år den "
                "gäller (fältet period i beskrivningsfilen)"
            )
        return [(year, wanted)]
    files = proposal_files()
    if not files:
        raise ParameterError("data/raw har inget avgiftsförslag (en tabell med kind: fee_matrix)")
    return [(y, paths.relative(files[y])) for y in sorted(files, reverse=True)]


def title(year) -> str:
    """The report's title: ``Avgifterna <år>: förslaget, nycklarna och alternativen``."""
    return f"Avgifterna {year}: förslaget, nycklarna och alternativen"


def workbook_name(r: FeeReport, excelfil: str = "") -> str:
    """The workbook's file name: ``excelfil``, or ``avgifter-<år>.xlsx``."""
    return excelfil or f"avgifter-{r.year}.xlsx"


def check_parameters(*, balanskonto_kr, excelfil: str) -> None:
    """The avgifter parameters that :meth:`FeeReport.load` does not read.

    Raises
    ------
    ParameterError
        ``balanskonto_kr`` not a whole number ≥ 0 (or -1: the scenarios' own); ``excelfil``
        neither empty nor a plain file name ending in ``.xlsx``.
    """
    faults = []
    whole = isinstance(balanskonto_kr, int) and not isinstance(balanskonto_kr, bool)
    if not whole or balanskonto_kr < -1:
        faults.append(
            f"parametern balanskonto_kr ska vara hela kronor, minst 0 (eller -1: "
            f"som scenarierna anger), fick {balanskonto_kr!r}"
        )
    if not (
        isinstance(excelfil, str)
        and (excelfil == "" or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.xlsx", excelfil))
    ):
        faults.append(
            "parametern excelfil ska vara ett filnamn (bokstäver a–z, siffror, . _ -) "
            f"som slutar på .xlsx, eller tom, fick {excelfil!r}"
        )
    if faults:
        raise ParameterError(faults)


def population_date(date_key: str) -> str:
    """``befolkning_ÅÅÅÅ_MM_DD`` -> ``ÅÅÅÅ-MM-DD``."""
    m = _DATE_KEY.match(date_key)
    if not m:
        raise ValueError(f"väntade befolkning_ÅÅÅÅ_MM_DD, fick {date_key!r}")
    return "-".join(m.groups())


def latest_date(population) -> str:
    """The newest population key of ``population`` (``befolkning_ÅÅÅÅ_12_31``)."""
    return max(population_frame(population).columns)


def allocate_all(scenarios: list[Scenario], matrix: Table, population) -> pd.DataFrame:
    """Every scenario's fees, one after the other (the ``kuanalysis fees`` columns)."""
    if not scenarios:
        return pd.DataFrame(columns=FEE_COLUMNS)
    return pd.concat(
        [allocate_scenario(s, matrix, population) for s in scenarios], ignore_index=True
    )


# -- figures -------------------------------------------------------------------------------


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


# -- what the avgifter notebook shows, section by section ----------------------------------


def _signed_kr(x) -> str:
    return fmt.kr(x, sign=True)


def _percent2(x) -> str:
    return fmt.percent(x, 2)


def _start(r: FeeReport, balanskonto_kr: int | None) -> int | None:
    """The opening balance a section uses: the argument, else the report's (-1/None: own)."""
    if balanskonto_kr is None or balanskonto_kr == -1:
        return r.start_kr
    return balanskonto_kr


def balance_start(r: FeeReport, balanskonto_kr: int | None = None) -> str:
    """The base scenario's opening balance as text: ``20,5 mnkr``."""
    start = _start(r, balanskonto_kr)
    return fmt.mnkr(r.scenarios[0].balance.opening if start is None else start, source_unit="kr")


def fields(r: FeeReport) -> dict[str, str]:
    """The Markdown fields of the avgifter notebook: ``titel``, ``ar`` (the proposal's year),
    ``bas`` (the base scenario's name)."""
    return {"titel": title(r.year), "ar": str(r.year), "bas": r.base}


def key_figures(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Four boxes: invoiced by the proposal in its year, posts not invoiced, when the balance
    runs out, how many alternatives."""
    comparison = scenario_comparison(r.fees)
    _, summary = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    not_summed = sum(f.rule == "fee_not_summed" for f in r.findings)
    return html.boxes(
        [
            (
                f"Fakturerat {r.year} enligt förslaget",
                fmt.mnkr(comparison.at["Summa", r.base], source_unit="kr"),
            ),
            (
                "Poster i tabellen som inte faktureras",
                f"{not_summed} av {len(post_labels(r.matrix))}",
            ),
            (
                "Balanskontot tar slut enligt förslaget",
                runs_out(summary.at[r.base, "tar_slut"], int(summary.at[r.base, "sista_år"])),
            ),
            ("Alternativ som jämförs", str(len(r.scenarios) - 1)),
        ]
    )


def totals_note(r: FeeReport) -> html.Markup:
    """A sentence when the base scenario invoices another total than the proposal's
    Summa column prints (empty when they agree)."""
    from ..fees.matrix import total_column

    printed = float(r.matrix.values.at[total_row(r.matrix), total_column(r.matrix)])
    invoiced = int(scenario_comparison(r.fees).at["Summa", r.base])
    if abs(invoiced - printed) < 0.5:
        return html.Markup("")
    return html.paragraph(
        [
            f"Förslagets tabell summerar till {fmt.kr(printed)} i kolumnen Summa, men "
            f"{r.base} fakturerar {fmt.kr(invoiced)} ({fmt.kr(invoiced - printed, sign=True)}): "
            "se avstämningen och hur tomma celler läses nedan."
        ],
        box=True,
    )


def findings_summary(r: FeeReport) -> html.Markup:
    """The proposal's findings counted by rule and status."""
    return html.table(
        findings_overview(r.findings),
        id="avstamning-oversikt",
        index=False,
        caption="Avstämningen av förslaget: vad som hittades, antal iakttagelser",
    )


def findings_list(r: FeeReport) -> html.Markup:
    """Every finding in the proposal's table, its status marked, with the cell that explains
    it where one does; then, in a box, the checks that could not run (nothing when all ran)."""
    frame, marks = findings_frame(r.findings, r.matrix)
    return html.join(
        [
            html.table(
                frame,
                id="avstamning",
                index=False,
                marks=marks,
                formats={"Tryckt": fmt.kr, "Beräknat": fmt.kr, "Skillnad": _signed_kr},
                caption="Varje iakttagelse i förslagets tabell, kronor (tomt = inget att "
                "jämföra med; Förklaras av = cellen vars fel förklarar den)",
            ),
            errors_html(r.findings),
        ]
    )


def blanks_table(r: FeeReport) -> html.Markup:
    """How each alternative reads the blank cells the column total gives an amount (empty
    markup when the proposal has none)."""
    frame = blank_readings(r.scenarios)
    if frame.empty:
        return html.Markup("")
    return html.table(
        frame,
        id="tomma-celler",
        index=False,
        formats={"Beräknat belopp": fmt.kr},
        caption="Tomma celler som postens summarad ger ett belopp, och hur varje "
        "alternativ läser dem",
    )


def key_groups_table(r: FeeReport) -> html.Markup:
    """The key groups: posts with the same key, and the population date each is nearest."""
    summary, _ = key_vs_population(r.keyed_matrix, r.population)
    return html.table(
        summary,
        id="nyckelgrupper",
        formats={"Största avvikelse": lambda x: fmt.points(x, 2)},
        caption="Nyckelgrupper: poster med samma fördelning, och folkmängden de ligger närmast",
    )


def key_chart(r: FeeReport):
    """Each key group's share minus the population share, one panel per group."""
    groups = key_groups(r.keyed_matrix)
    summary, deviations = key_vs_population(r.keyed_matrix, r.population, groups)
    names = {code: label for label, code in kommun_codes(r.matrix).items()}
    return charts.panels_barh(
        [names[k] for k in deviations.index],
        key_panels(summary, deviations, groups),
        unit="",
        decimals=2,
        title="Nyckelns andel minus andelen av folkmängden, procentenheter",
    )


def scenario_list(r: FeeReport) -> html.Markup:
    """The alternatives, each with its description and the amounts that differ from the
    printed proposal."""
    printed = printed_scenario(r.matrix, r.year)
    return html.table(
        scenario_descriptions(r.scenarios, printed),
        id="alternativ",
        index=False,
        caption="Alternativen som jämförs",
    )


def assumptions_table(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Every alternative's assumptions about the years ahead, in plain Swedish."""
    start = _start(r, balanskonto_kr)
    frame = pd.DataFrame(
        {
            "Alternativ": [s.name for s in r.scenarios],
            "Antaganden": [assumptions(s, start) for s in r.scenarios],
        }
    )
    return html.table(
        frame, id="antaganden", index=False, caption="Vad varje alternativ antar om åren framåt"
    )


def years_table(r: FeeReport) -> html.Markup:
    """Invoiced kronor per alternative and year (all municipalities)."""
    frame = yearly_invoiced(r.fees_years)
    frame.columns = [str(c) for c in frame.columns]
    return html.table(
        frame,
        id="per-ar",
        formats={c: fmt.kr for c in frame.columns},
        caption="Fakturerat per år i varje alternativ, alla kommuner, kronor "
        "(– = året ingår inte i alternativet)",
    )


def _comparison_caption(r: FeeReport, by: str) -> tuple[str, str]:
    if by == "kommun":
        return "per-kommun", f"Fakturerat per kommun {r.year} i varje alternativ, kronor"
    return "per-post", (
        f"Fakturerat per post {r.year} i varje alternativ, kronor (0 kr = faktureras inte)"
    )


def comparison_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Invoiced kronor per municipality (``by="kommun"``) or post, one column per alternative."""
    frame = scenario_comparison(r.fees, by)
    id_, caption = _comparison_caption(r, by)
    return html.table(frame, id=id_, formats={c: fmt.kr for c in frame.columns}, caption=caption)


def difference_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Each alternative minus the proposal: every municipality, or the posts that differ."""
    diff = difference_to_base(scenario_comparison(r.fees, by), r.base)
    if by == "kommun":
        id_, caption = (
            "per-kommun-skillnad",
            "Skillnad mot förslaget per kommun, kronor (plus = kommunen betalar mer)",
        )
    else:
        diff = nonzero(diff)
        id_, caption = (
            "per-post-skillnad",
            "Poster där ett alternativ skiljer sig från förslaget: skillnad, kronor",
        )
    return html.table(diff, id=id_, formats={c: _signed_kr for c in diff.columns}, caption=caption)


def difference_chart(r: FeeReport):
    """The alternatives that differ from the proposal, per municipality (tkr); None if none."""
    shown = nonzero(
        difference_to_base(scenario_comparison(r.fees), r.base).drop(index="Summa"), rows=False
    )
    if shown.empty:
        return None
    return charts.barh(
        shown.index,
        {c: shown[c] / 1000 for c in shown.columns},
        unit="tkr",
        title=f"Skillnad mot förslaget {r.year} per kommun och alternativ (tkr)",
    )


def shares_table(r: FeeReport) -> html.Markup:
    """Each municipality's share of what is invoiced, per alternative, beside its population."""
    shares = share_vs_population(r.fees, r.population, r.date_key).set_index("kommun")
    shares.index.name = "Kommun"
    shares = shares.rename(columns={"befolkning_andel": f"Folkmängd {r.date}"})
    return html.table(
        shares,
        id="andelar",
        formats={c: _percent2 for c in shares.columns},
        caption=f"Kommunens andel av det fakturerade i varje alternativ och av "
        f"folkmängden {r.date}, procent",
    )


def balance_table(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Per alternative: what is taken from the balance in the first year, the balance at each
    year's end, and the first year below zero."""
    closing, summary = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    frame = closing.T
    frame.columns = [f"Vid slutet av {y}" for y in frame.columns]
    frame.insert(0, "Tas från balanskontot första året", summary["från_balanskonto_kr"])
    frame["Första året under noll"] = [
        runs_out(y, int(e)) for y, e in zip(summary["tar_slut"], summary["sista_år"])
    ]
    frame.index.name = "Alternativ"
    return html.table(
        frame,
        id="balanskonto",
        caption="Balanskontot i varje alternativ, kronor",
        formats={c: fmt.kr for c in frame.columns[:-1]},
    )


def balance_chart(r: FeeReport, balanskonto_kr: int | None = None):
    """The balance at each year's end, alternatives with the same path drawn as one line."""
    closing, _ = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    shown = group_identical_columns(closing)
    return charts.lines(
        shown.index,
        {c: shown[c] / 1e6 for c in shown.columns},
        unit="mnkr",
        decimals=0,
        title=f"Balanskontot vid årets slut {closing.index.min()}–{closing.index.max()} (mnkr)",
    )


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


def years_compared(r: FeeReport, by: str = "kommun") -> html.Markup:
    """This year's proposal beside another year's, both as printed (empty when there is no
    other year)."""
    if r.other is None:
        return html.Markup("")
    try:
        this, other = printed_fees(r.matrix, r.population), printed_fees(r.other, r.population)
    except DataError as exc:  # the other year's blank cells are not read yet: say so
        return html.paragraph(
            [
                f"Förslaget för {proposal_year(r.other)} kan inte jämföras "
                f"ännu: {' '.join(exc.errors)}"
            ],
            box=True,
        )
    a, b = (other, this) if proposal_year(r.other) < r.year else (this, other)
    frame = year_comparison(a, b, by)
    kr_cols = list(frame.columns[:3])
    formats: dict = {c: fmt.kr for c in kr_cols[:2]}
    formats["Skillnad"] = _signed_kr
    formats.update({c: _percent2 for c in frame.columns[3:5]})
    formats["Skillnad, procentenheter"] = lambda x: fmt.points(x, 2, sign=True)
    what = "fakturerat per kommun" if by == "kommun" else "postens summa"
    return html.table(
        frame,
        id=f"ar-mot-ar-{by}",
        formats=formats,
        caption=f"Förslagen {kr_cols[0]} och {kr_cols[1]} som tryckta: {what}, "
        f"kronor, och andel av summan, procent",
    )


def history(r: FeeReport) -> html.Markup:
    """Social välfärd and administration 2016 and 2018 beside the nearest posts of the
    proposal (tkr)."""
    social, administration = (r.history[t] for t in HISTORY_TABLES)
    return html.table(
        history_table(social, administration, r.matrix, r.year),
        id="historik",
        caption=f"Finansiering per kommun 2016, 2018 och {r.year}, tkr (Summa som tryckt)",
    )


def workbook_link(r: FeeReport, name: str) -> html.Markup:
    """The link to the workbook beside the report, with its number of sheets."""
    sheets = 1 + r.fees_years["år"].nunique() + r.fees["scenario"].nunique()
    return html.element("p", html.link(name, f"Ladda ner {name}"), f" ({sheets} blad).")


def workbook(r: FeeReport) -> bytes:
    """The report's workbook (:func:`kuanalysis.reports.xlsx.workbook`)."""
    from .xlsx import workbook as make

    return make(r.fees_years, r.scenarios)
