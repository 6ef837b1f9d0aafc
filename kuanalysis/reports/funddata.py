"""The fund report's data: one period loaded and reconciled (:class:`FundReport`), and the
renderer's variants, one report per period in ``data/raw`` (:func:`variants`). Its figures as
frames are :mod:`.fundtables`, its sections :mod:`.fundsections`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .. import paths
from ..checks import runner
from ..checks.continuity import for_pair, mapping_for, read_mapping
from ..checks.findings import Findings
from ..data import load_folder
from ..data import periods as period_data
from ..data.periods import Period
from ..data.specs import Spec, read_spec, spec_files
from ..data.table import Table
from ..errors import DataError, ParameterError
from .finding_text import number_findings

#: Kinds whose findings belong in a fund report (the fee matrix has its own report).
REPORT_KINDS = ("fund_statement", "amount_table", "share_table", "budget_followup")
#: The period's other tables shown as printed, in this order of kinds.
OTHER_KINDS = ("amount_table", "share_table", "budget_followup")


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
