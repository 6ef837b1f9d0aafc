"""The fee matrix as a table: its posts, its municipalities, its total row and column.

A fee matrix (kind ``fee_matrix``) has one row per municipality (role ``kommun``, with a
``kommun_kod``) and a total row, one column per post and a Summa column (role ``total``).
"""

from __future__ import annotations

from ..data.table import Table
from ..errors import DataError


def total_column(table: Table) -> str:
    for c in table.meta.get("columns", []):
        if c.get("role") == "total" or c.get("key") == "summa":
            return c["label"]
    raise DataError(f"{table.id}: avgiftstabellen saknar summakolumn")


def total_row(table: Table) -> str:
    rows = table.rows_with_role("total")
    if len(rows) != 1:
        raise DataError(f"{table.id}: väntade exakt en summarad, fann {len(rows)}")
    return rows[0]


def post_labels(table: Table) -> list[str]:
    """The printed labels of the posts (every value column except the Summa column)."""
    total = total_column(table)
    return [c for c in table.values.columns if c != total]


def kommun_codes(table: Table) -> dict[str, str]:
    """Row label -> kommun code (text, "0604") for the municipality rows of a table."""
    out = {}
    for r in table.meta.get("rows", []):
        if r.get("role") == "kommun":
            out[r["label"]] = str(r["kommun_kod"])
    return out
