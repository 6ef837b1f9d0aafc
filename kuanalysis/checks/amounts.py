"""Rules of amount tables (kind ``amount_table``) and amounts per municipality
(kind ``amount_by_kommun``).

What must hold: a total row = the sum of the ``part`` rows (or its ``parts``); a parent = the
sum of its subparts when it lists them as ``parts``, otherwise the subparts ("varav") must
not exceed it. Per municipality: the total row = the sum of the other non-memo rows, column
by column.
"""

from __future__ import annotations

from ..data.table import Table
from .findings import Finding
from .sums import not_above, sum_of_rows


def check_amount_table(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check an amount table; ``tolerance`` (the row's unit) overrides the printed precision."""
    findings: list[Finding] = []
    for col in table.values.columns:
        for total in table.rows_with_role("total"):
            parts = table.row_meta(total).get("parts") or table.rows_with_role("part")
            findings += sum_of_rows("amount_total", table, total, col, parts, tolerance)
        children: dict[str, list[str]] = {}
        for r in table.rows_with_role("subpart"):
            children.setdefault(table.row_meta(r)["parent"], []).append(r)
        for parent, subs in children.items():
            if table.row_meta(parent).get("parts"):
                findings += sum_of_rows(
                    "amount_subparts_sum",
                    table,
                    parent,
                    col,
                    table.row_meta(parent)["parts"],
                    tolerance,
                )
            else:
                findings += not_above(
                    "amount_subparts_not_above", table, parent, col, subs, tolerance
                )
    return findings


def check_column_totals(table: Table, tolerance: float | None = None) -> list[Finding]:
    """The total row is the sum of the other non-memo rows, column by column."""
    findings: list[Finding] = []
    for total in table.rows_with_role("total"):
        parts = table.row_meta(total).get("parts") or [
            r["label"] for r in table.meta["rows"] if r.get("role") not in ("total", "memo")
        ]
        for col in table.values.columns:
            findings += sum_of_rows("column_total", table, total, col, parts, tolerance)
    return findings
