"""What ``data/raw`` holds by date, read from the sidecars alone: every fund statement is one
period (a year-end close or a tertial), the preceding period is found by the dates; every fee
matrix is the proposal for the year of its ``period``. A table about to be imported is passed
as ``extra`` so the same checks judge the project as it would be (one fund statement per
period, one proposal per year).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import paths, yamlfile
from ..errors import DataError


@dataclass(frozen=True)
class Period:
    """One period: its fund statement and the dates it covers.

    Attributes
    ----------
    table : str
        The fund statement's id (file stem).
    folder : Path
        The folder of the period's tables.
    start, end : datetime.date
        First and last day the figures cover.
    """

    table: str
    folder: Path
    start: dt.date
    end: dt.date

    @property
    def months(self) -> int:
        """Months of the year that have passed at the period's end (12 at a close)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def is_close(self) -> bool:
        return self.months == 12

    @property
    def tertial(self) -> int | None:
        """1 or 2 for a tertial report (4 or 8 months), None otherwise."""
        return {4: 1, 8: 2}.get(self.months)

    @property
    def slug(self) -> str:
        """The report's file name stem: ``bokslut-2023``, ``delarsrapport-2024-t2``."""
        if self.is_close:
            return f"bokslut-{self.end.year}"
        part = f"t{self.tertial}" if self.tertial else f"{self.end:%m%d}"
        return f"delarsrapport-{self.end.year}-{part}"

    @property
    def short(self) -> str:
        """A short name for table headings and chart axes: ``2023``, ``2024 T2``."""
        if self.is_close:
            return str(self.end.year)
        return f"{self.end.year} T{self.tertial}" if self.tertial else self.end.isoformat()

    @property
    def name(self) -> str:
        """The period as readers name it: ``Bokslut 2023``, ``Delårsrapport 2024, tertial 2``."""
        if self.is_close:
            return f"Bokslut {self.end.year}"
        if self.tertial:
            return f"Delårsrapport {self.end.year}, tertial {self.tertial}"
        return f"Delårsrapport per {self.end.isoformat()}"


def _dates(text, where: str) -> tuple[dt.date, dt.date]:
    try:
        start, end = (dt.date.fromisoformat(x) for x in str(text).split("/"))
    except ValueError:
        raise DataError(
            f'{where}: period ska vara "ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD", fann {str(text)[:40]!r}'
        ) from None
    if end < start or start.year != end.year or start.month != 1 or start.day != 1:
        raise DataError(
            f"{where}: en fondredovisning ska gälla från den 1 januari till ett "
            f"datum samma år, fann {text}"
        )
    return start, end


#: A sidecar and what it says: (path of the sidecar, its fields).
Entry = tuple[Path, dict]


def sidecars(raw: str | os.PathLike | None = None, kind: str | None = None) -> list[Entry]:
    """Every table's sidecar under ``raw`` (default ``data/raw``), one folder level deep, with
    its fields; only those of ``kind`` if given. A YAML file without a table beside it (a
    mapping, a cross-check file) is no sidecar."""
    raw = Path(raw) if raw is not None else paths.raw_dir()
    out = []
    for side in sorted(raw.glob("*/*.yaml")):
        if not any(side.with_suffix(s).exists() for s in (".csv", ".xlsx")):
            continue
        meta = yamlfile.load(side, DataError)
        if isinstance(meta, dict) and (kind is None or meta.get("kind") == kind):
            out.append((side, meta))
    return out


def periods(raw: str | os.PathLike | None = None, extra: Iterable[Entry] = ()) -> list[Period]:
    """Every fund statement under ``raw`` (default ``data/raw``), and in ``extra``, oldest first.

    Only the sidecars are read (``kind: fund_statement`` and ``period``).

    Raises
    ------
    DataError
        When a fund statement's sidecar has no readable period, or two cover the same one.
    """
    found: list[Period] = []
    entries = sidecars(raw, "fund_statement") + [
        e for e in extra if e[1].get("kind") == "fund_statement"
    ]
    for side, meta in entries:
        start, end = _dates(meta.get("period"), paths.relative(side))
        found.append(Period(side.stem, side.parent, start, end))
    found.sort(key=lambda p: (p.end, p.table))
    for a, b in zip(found, found[1:]):
        if a.end == b.end:
            raise DataError(
                f"två fondredovisningar gäller samma period till {a.end}: {a.table} och {b.table}"
            )
    return found


def proposal_files(
    raw: str | os.PathLike | None = None, extra: Iterable[Entry] = ()
) -> dict[int, Path]:
    """Year -> the fee matrix proposing that year's fees, for every fee matrix under ``raw``
    (and in ``extra``).

    Only the sidecars are read. Raises :class:`~kuanalysis.errors.DataError` when a fee
    matrix's sidecar has no readable ``period``, or two propose the same year.
    """
    found: dict[int, Path] = {}
    entries = sidecars(raw, "fee_matrix") + [e for e in extra if e[1].get("kind") == "fee_matrix"]
    for side, meta in entries:
        table = next(
            (side.with_suffix(s) for s in (".csv", ".xlsx") if side.with_suffix(s).exists()),
            side.with_suffix(".csv"),
        )
        m = re.match(r"^(\d{4})-\d{2}-\d{2}/(\d{4})-\d{2}-\d{2}$", str(meta.get("period", "")))
        if not m or m[1] != m[2]:
            raise DataError(
                f"{paths.relative(side)}: ett avgiftsförslag behöver fältet period "
                f"för året det gäller, t.ex. period: 2025-01-01/2025-12-31"
            )
        year = int(m[1])
        if year in found:
            raise DataError(
                f"två avgiftsförslag gäller {year}: {paths.relative(found[year])} "
                f"och {paths.relative(table)}"
            )
        found[year] = table
    return dict(sorted(found.items()))


def find(table: str, raw: str | os.PathLike | None = None) -> Period:
    """The period whose fund statement is ``table``.

    Raises
    ------
    DataError
        When no fund statement has that name (the message lists those that exist).
    """
    every = periods(raw)
    for p in every:
        if p.table == table:
            return p
    raise DataError(
        f"fondredovisningen {table!r} finns inte i data/raw "
        f"(finns: {', '.join(p.table for p in every) or 'ingen'})"
    )


def preceding(period: Period, every: list[Period]) -> Period | None:
    """The period that ends the day before ``period`` starts (its opening balance's source)."""
    for p in every:
        if p.end == period.start - dt.timedelta(days=1):
            return p
    return None
