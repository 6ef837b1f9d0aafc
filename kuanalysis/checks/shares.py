"""Rules of a share table (kind ``share_table``, percentages).

What must hold: each row's parts (kommunerna + staten + ovriga) = 100; a subtotal's
andel_av_utfall = the sum of its ``parts`` rows; the total's andel_av_utfall = 100 and = the
sum of its ``parts`` (default: the rows not inside a subtotal).
"""

from __future__ import annotations

from ..data.cells import Cell
from ..data.table import Table
from ..tolerance import tolerance as tolerance_of
from .compare import equal
from .findings import Finding
from .rules import halves
from .sums import sum_of_rows

#: The pseudo column a finding about a row's parts is located at.
PARTS_COLUMN = "[delarnas summa]"


def check_share_table(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a share table; ``tolerance`` (percentage points) overrides the printed precision."""
    findings: list[Finding] = []
    keys = table.keys()
    part_cols = [keys[k] for k in ("kommunerna", "staten", "ovriga") if k in keys]
    share = keys.get("andel_av_utfall")
    for row in table.values.index:
        printed = [c for c in (Cell(table, row, col) for col in part_cols) if not c.blank]
        if printed:
            findings += equal(
                "share_parts_100",
                table,
                row,
                PARTS_COLUMN,
                sum(c.value for c in printed),
                100.0,
                tolerance_of(halves("share_parts_100", printed), [], tolerance),
                cells=[c.ref for c in printed],
            )
    if share is None:
        return findings
    inside = {p for r in table.rows_with_role("subtotal") for p in table.row_meta(r)["parts"]}
    for row in table.rows_with_role("subtotal", "total"):
        meta = table.row_meta(row)
        parts = meta.get("parts") or [
            r
            for r in table.values.index
            if r not in inside and r != row and table.row_meta(r).get("role") != "total"
        ]
        findings += sum_of_rows("share_sum_of_parts", table, row, share, parts, tolerance)
        cell = Cell(table, row, share)
        if meta.get("role") == "total" and not cell.blank:
            findings += equal(
                "share_total_100",
                table,
                row,
                share,
                cell.value,
                100.0,
                tolerance_of(halves("share_total_100", [cell]), [], tolerance),
                cells=[cell.ref],
            )
    return findings
