"""The data of the fee notebooks (``avgifter`` and ``kommunblad``): :class:`FeeReport`
loads one year's printed proposal, the population, the 2016 history and the scenarios that
start from that proposal, with the fees they give; and the notebooks' render parameters and
variants (one report per proposal year found in ``data/raw``). The year is data: the
proposal's sidecar ``period``. Figures and sections are in :mod:`kuanalysis.reports.feetables`
and :mod:`kuanalysis.reports.feesections`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import checks, paths
from ..data import load_table
from ..data.load import TABLE_SUFFIXES
from ..data.periods import proposal_files
from ..data.table import Table
from ..errors import ParameterError
from ..fees.keys import population_frame
from ..fees.matrix import with_implied_blanks
from ..fees.model import Scenario
from ..fees.proposals import proposal_year, require_readings
from ..fees.scenarios import (
    FEE_COLUMNS,
    ScenarioLoader,
    allocate_scenario,
    base_name,
    load_scenarios,
)

#: The printed 2016 tables the history compares with, by table id (in the ``historik`` folder).
HISTORY_TABLES = ("pks-2016-social-valfard", "pks-2016-administration")

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
    year : int
        The year it proposes fees for (its sidecar's ``period``, else its scenarios' year).
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
        year = proposal_year(matrix) or next(
            (s.proposal_year for s in scenarios if s.proposal_year), None
        )
        if year is None:
            raise ParameterError(
                f"{matrix.id}: förslaget säger inte vilket år det gäller (fältet period i "
                "beskrivningsfilen)"
            )
        self.year: int = year
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
