"""A cell of a table as the checks see it: its value, whether it is blank, its precision."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SpecError
from .numbers import half_unit
from .table import Table

#: Scale of each money unit in kronor (conversions between tables and text claims).
UNIT_FACTORS = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6}


def convert(value: float, unit_from: str, unit_to: str) -> float:
    """``value`` in ``unit_from`` expressed in ``unit_to`` (kr, tkr, mnkr; % only to %)."""
    if unit_from == unit_to:
        return value
    if unit_from not in UNIT_FACTORS or unit_to not in UNIT_FACTORS:
        raise SpecError(f"kan inte räkna om {unit_from!r} till {unit_to!r}")
    return value * UNIT_FACTORS[unit_from] / UNIT_FACTORS[unit_to]


@dataclass(frozen=True)
class CellRef:
    """Where a figure is: a table id, a row label and a column label as printed."""

    table: str
    row: str
    column: str


@dataclass(frozen=True)
class Cell:
    """One printed (or blank) cell of a loaded table."""

    table: Table
    row: str
    column: str

    @property
    def ref(self) -> CellRef:
        return CellRef(self.table.id, self.row, self.column)

    @property
    def value(self) -> float:
        return float(self.table.figure(self.row, self.column))

    @property
    def blank(self) -> bool:
        return bool(np.isnan(self.value))

    @property
    def half(self) -> float:
        """Half a unit in the last printed place (the most rounding can hide)."""
        return half_unit(self.table.printed(self.row, self.column))

    @property
    def unit(self) -> str:
        return self.table.row_unit(self.row)

    def half_in(self, unit: str) -> float:
        return convert(self.half, self.unit, unit)

    def value_in(self, unit: str) -> float:
        return convert(self.value, self.unit, unit)


def resolve(tables: dict[str, Table], ref: dict) -> Cell:
    """The cell a ``{table, row, column}`` reference names (column: printed label or key)."""
    t = tables.get(ref["table"])
    if t is None:
        raise SpecError(f"tabellen {ref['table']!r} finns inte")
    if ref["row"] not in t.values.index:
        raise SpecError(f"{t.id}: ingen rad {ref['row']!r}")
    col = ref["column"] if ref["column"] in t.values.columns else t.column(ref["column"])
    if col is None or col not in t.values.columns:
        raise SpecError(f"{t.id}: ingen kolumn {ref['column']!r}")
    return Cell(t, ref["row"], col)
