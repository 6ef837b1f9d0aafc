"""Rules between tables: amounts stated in the text (kind ``claims``) against table cells, and
figures that two tables both print (a ``korskontroller`` file).

A claim row with ``targets: [{table, row, column}]`` must equal the sum of the target cells,
converted to the claim's unit, at the precision the text states ("70 mnkr": rounded to whole
mnkr). A cross-check ``{table, row, column, against: [...]}`` must equal the sum of its
``against`` cells, converted to its unit. Claims without targets are not checked.
"""

from __future__ import annotations

from ..data.table import Table
from .cells import Cell, resolve
from .compare import equal
from .findings import Finding
from .tolerance import halves
from .tolerance import tolerance as tolerance_of


def _against(cells: list[Cell]) -> list[tuple[str, str, str]]:
    return [(c.table.id, c.row, c.column) for c in cells]


def _compare(rule: str, cell: Cell, others: list[Cell], tol: float | None) -> list[Finding]:
    printed = [c for c in others if not c.blank]
    if cell.blank or not printed:
        return []
    unit = cell.unit
    return equal(
        rule,
        cell.table,
        cell.row,
        cell.column,
        cell.value,
        sum(c.value_in(unit) for c in printed),
        tolerance_of(halves(rule, [cell]), halves(rule, printed, unit), tol),
        cells=[cell.ref, *(c.ref for c in printed)],
        params={"against": _against(others), "unit": unit},
    )


def check_claims(
    table: Table, tables: dict[str, Table], tolerance: float | None = None
) -> list[Finding]:
    """Check amounts stated in the text against the cells they name (``targets``)."""
    findings: list[Finding] = []
    col = table.column("belopp")
    for row in table.rows_with_role("claim"):
        targets = table.row_meta(row).get("targets") or []
        if targets:
            findings += _compare(
                "claim", Cell(table, row, col), [resolve(tables, ref) for ref in targets], tolerance
            )
    return findings


def check_pairings(
    spec: dict, tables: dict[str, Table], tolerance: float | None = None
) -> list[Finding]:
    """Check figures that two tables both print (``{checks: [{table, row, column, against}]}``)."""
    findings: list[Finding] = []
    for item in spec.get("checks") or []:
        findings += _compare(
            "cross_check",
            resolve(tables, item),
            [resolve(tables, ref) for ref in item["against"]],
            tolerance,
        )
    return findings


def claim_refers_to(finding: Finding, table_ids) -> bool:
    """Whether a claim or cross-check finding compares with a cell of one of ``table_ids``."""
    return any(c.table in table_ids for c in finding.cells[1:])
