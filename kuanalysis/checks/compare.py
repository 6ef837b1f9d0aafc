"""Turning one comparison into findings: the status logic of the rule registry applied."""

from __future__ import annotations

import math

from ..data.table import Table
from ..tolerance import Tolerance, status_of
from .findings import Finding
from .tally import count


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def equal(
    rule: str,
    table: Table,
    row: str,
    column: str,
    reported,
    expected: float,
    tol: Tolerance,
    *,
    cells=(),
    params=None,
    source: str | None = None,
) -> list[Finding]:
    """``reported`` must equal ``expected``.

    Exact -> nothing; within ``tol`` -> ``avrundning``; beyond -> ``avvikelse``. A blank
    ``reported`` is ``saknas`` with the implied value, unless that is within rounding of zero
    (a blank where nothing is implied is just blank).
    """
    count(table.id)
    src = source or table.source(row)
    if _missing(reported):
        if tol.explains(expected):
            return []
        return [
            Finding(
                rule,
                table.document,
                table.id,
                row,
                column,
                None,
                float(expected),
                None,
                "saknas",
                src,
                tuple(cells),
                dict(params or {}),
            )
        ]
    diff = float(reported) - float(expected)
    status = status_of(diff, tol)
    if status is None:
        return []
    return [
        Finding(
            rule,
            table.document,
            table.id,
            row,
            column,
            float(reported),
            float(expected),
            diff,
            status,
            src,
            tuple(cells),
            dict(params or {}),
        )
    ]


def at_most(
    rule: str,
    table: Table,
    row: str,
    column: str,
    reported: float,
    bound: float,
    tol: Tolerance,
    *,
    magnitude: bool = False,
    cells=(),
    params=None,
    source: str | None = None,
) -> list[Finding]:
    """``reported`` must not exceed ``bound`` by more than rounding; else ``avvikelse``.

    With ``magnitude`` the absolute values are compared (a "varav" of a negative figure).
    """
    count(table.id)
    excess = (
        abs(float(reported)) - abs(float(bound)) if magnitude else float(reported) - float(bound)
    )
    if excess <= 0 or tol.explains(excess):
        return []
    return [
        Finding(
            rule,
            table.document,
            table.id,
            row,
            column,
            float(reported),
            float(bound),
            excess,
            "avvikelse",
            source or table.source(row),
            tuple(cells),
            dict(params or {}),
        )
    ]


def reading(
    rule: str,
    table: Table,
    row: str,
    column: str,
    reported=None,
    *,
    cells=(),
    params=None,
    source: str | None = None,
) -> Finding:
    """A reading the reader must know about (status ``oklar``)."""
    return Finding(
        rule,
        table.document,
        table.id,
        row,
        column,
        None if _missing(reported) else float(reported),
        None,
        None,
        "oklar",
        source or table.source(row),
        tuple(cells),
        dict(params or {}),
    )
