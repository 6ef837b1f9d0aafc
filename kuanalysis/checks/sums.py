"""Two rules shared by several table kinds: a row is the sum of other rows; a "varav" part
does not exceed its whole. Rows in another unit (a row's ``unit``) are converted."""

from __future__ import annotations

from ..data.cells import Cell
from ..data.table import Table
from ..tolerance import tolerance as tolerance_of
from .compare import at_most, equal
from .findings import Finding
from .rules import halves


def sum_of_rows(
    rule: str, table: Table, row: str, column: str, parts: list[str], tol: float | None
) -> list[Finding]:
    """``row`` = the sum of ``parts`` in ``column``, parts converted to ``row``'s unit."""
    printed = [c for c in (Cell(table, p, column) for p in parts) if not c.blank]
    if not printed:
        return []
    unit = table.row_unit(row)
    reported = Cell(table, row, column)
    return equal(
        rule,
        table,
        row,
        column,
        None if reported.blank else reported.value,
        sum(c.value_in(unit) for c in printed),
        tolerance_of(halves(rule, [reported], unit), halves(rule, printed, unit), tol),
        cells=[reported.ref, *(c.ref for c in printed)],
    )


def not_above(
    rule: str, table: Table, parent: str, column: str, subs: list[str], tol: float | None
) -> list[Finding]:
    """The ``subs`` rows together do not exceed ``parent`` (in absolute value, its unit)."""
    printed = [c for c in (Cell(table, s, column) for s in subs) if not c.blank]
    whole = Cell(table, parent, column)
    if not printed or whole.blank:
        return []
    unit = table.row_unit(parent)
    part = sum(c.value_in(unit) for c in printed)
    row = subs[0] if len(subs) == 1 else " + ".join(subs)
    return at_most(
        rule,
        table,
        row,
        column,
        part,
        whole.value,
        tolerance_of(halves(rule, printed, unit), halves(rule, [whole], unit), tol),
        magnitude=True,
        cells=[*(c.ref for c in printed), whole.ref],
        params={"rows": list(subs)},
        source=table.source(subs[0]),
    )
