"""Rules of a budget follow-up (kind ``budget_followup``).

What must hold: per row avvikelse = budget - utfall (sidecar ``avvikelse:
budget_minus_utfall``) or utfall - budget (``utfall_minus_budget``); the total = the sum of
its ``parts`` or of the item rows, in every column (so Resultat = Intäkter + Kostnader,
signed); subitems ("varav") do not exceed their parent in absolute value, except in the
avvikelse column, where a part may deviate more than the whole.
"""

from __future__ import annotations

from ..data.cells import Cell
from ..data.table import Table
from ..errors import DataError
from ..tolerance import tolerance as tolerance_of
from .compare import equal
from .findings import Finding
from .rules import halves
from .sums import not_above, sum_of_rows


def check_budget_followup(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a budget follow-up; ``tolerance`` (the table's unit) overrides the precision."""
    findings: list[Finding] = []
    keys = table.keys()
    rule = table.meta.get("avvikelse")
    if rule not in ("budget_minus_utfall", "utfall_minus_budget"):
        raise DataError(f"{table.id}: okänd avvikelseregel {rule!r}")
    sign = 1 if rule == "utfall_minus_budget" else -1
    if all(k in keys for k in ("utfall", "budget", "avvikelse")):
        for row in table.values.index:
            u, b = Cell(table, row, keys["utfall"]), Cell(table, row, keys["budget"])
            if u.blank or b.blank:
                continue
            a = Cell(table, row, keys["avvikelse"])
            findings += equal(
                "budget_avvikelse",
                table,
                row,
                a.column,
                None if a.blank else a.value,
                sign * (u.value - b.value),
                tolerance_of(
                    halves("budget_avvikelse", [a]), halves("budget_avvikelse", [u, b]), tolerance
                ),
                cells=[a.ref, u.ref, b.ref],
                params={"sign": sign},
            )
    for total in table.rows_with_role("total"):
        parts = table.row_meta(total).get("parts") or table.rows_with_role("item")
        for col in table.values.columns:
            findings += sum_of_rows("budget_total", table, total, col, parts, tolerance)
    children: dict[str, list[str]] = {}
    for r in table.rows_with_role("subitem"):
        children.setdefault(table.row_meta(r)["parent"], []).append(r)
    for parent, subs in children.items():
        for col in table.values.columns:
            if col != keys.get("avvikelse"):
                findings += not_above(
                    "budget_subitems_not_above", table, parent, col, subs, tolerance
                )
    return findings
