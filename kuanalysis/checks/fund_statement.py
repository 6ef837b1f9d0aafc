"""Rules of a fund statement (kind ``fund_statement``): row identities, totals, state money.

What must hold, per area row and for the total row: disponibla = ib + erhallna and
kvarvarande = disponibla - utfall - utbetalt - overforda (a blank utbetalt or overforda means
nothing was paid out or transferred; another blank that an identity determines is ``saknas``
with the implied value, and the implied value feeds the next identity);
varav_statliga <= kvarvarande; each column's total = the sum of the area rows, plus the
netting rows when the printed total includes them (:func:`netting_treatment`).

A netting row ("Härav ledning/stab finansierat från områdena ovan") only moves money between
rows: it has no opening balance (a blank ib is 0) and its printed figures obey the same
identities; nothing is implied for its blank cells.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import numpy as np

from ..data.cells import Cell, CellRef
from ..data.numbers import half_unit
from ..data.table import Table
from ..tolerance import Tolerance
from ..tolerance import tolerance as tolerance_of
from .compare import at_most, equal
from .findings import Finding
from .rules import halves
from .tally import not_counting

#: Blank means zero here: nothing was paid out or transferred.
ZERO_IF_BLANK = ("utbetalt", "overforda")
#: In a netting row a blank opening balance is zero too: it only redistributes.
ZERO_IF_BLANK_NETTING = ZERO_IF_BLANK + ("ib",)

#: Row identities: (rule id, result key, [(term key, sign)]).
IDENTITIES = [
    ("fund_disponibla", "disponibla", [("ib", 1), ("erhallna", 1)]),
    (
        "fund_kvarvarande",
        "kvarvarande",
        [("disponibla", 1), ("utfall", -1), ("utbetalt", -1), ("overforda", -1)],
    ),
]


def row_identities(
    table: Table,
    row: str,
    tol: float | None = None,
    known: dict[str, float] | None = None,
    report_blanks: bool = True,
    zero_if_blank=ZERO_IF_BLANK,
) -> tuple[list[Finding], dict[str, float]]:
    """Check the row identities of one row.

    A blank cell that an identity determines (its only unknown) is a ``saknas`` finding with
    the implied value, and the implied value is used by the next identity. ``known``
    supplies values for blank cells another rule has implied (blank cells of the total row).

    Returns
    -------
    (list of Finding, dict)
        The findings and every value known for the row's blank cells, by column key.
    """
    keys = table.keys()
    known = dict(known or {})
    findings: list[Finding] = []
    vals = table.values.loc[row]
    if vals.isna().all():
        return findings, known

    def get(key):
        """(value, cell or None, known?) of one term."""
        label = keys.get(key)
        if label is None:
            return 0.0, None, True  # the table has no such column: the term is absent
        cell = Cell(table, row, label)
        if not cell.blank:
            return cell.value, cell, True
        if key in known:
            return known[key], None, True
        if key in zero_if_blank:
            return 0.0, None, True
        return None, None, False

    for rule, result, terms in IDENTITIES:
        if keys.get(result) is None:
            continue
        step = _identity(table, row, rule, result, terms, get, tol)
        if step is None:
            continue
        if step.reported is not None or report_blanks:
            findings += equal(
                rule,
                table,
                row,
                keys[step.key],
                step.reported,
                step.expected,
                step.tolerance,
                cells=step.cells,
                params=step.params,
            )
        if step.implies:
            known[step.key] = step.expected
    return findings, known


class _Step(NamedTuple):
    """What one identity says of a row: the figure it judges (by column key), the printed
    value (None = blank) and the expected one, and whether the blank is now known."""

    key: str
    reported: float | None
    expected: float
    tolerance: Tolerance
    cells: list[CellRef]
    params: dict
    implies: bool


def _identity(table: Table, row: str, rule: str, result: str, terms, get, tol) -> _Step | None:
    """One identity ``result = sum(sign * term)`` of a row: the printed result against its
    terms; or, with one figure blank, the value the others imply for it (None when nothing
    can be said, or the result was implied by another rule)."""
    keys = table.keys()
    got = {k: get(k) for k, _ in terms}
    res_value, res_cell, res_known = get(result)
    unknown = [k for k, _ in terms if keys.get(k) is not None and not got[k][2]]
    printed = [got[k][1] for k, _ in terms if got[k][1] is not None]
    cells = [Cell(table, row, keys[k]).ref for k, _ in terms if keys.get(k) is not None]
    result_ref = Cell(table, row, keys[result]).ref
    exp_halves = halves(rule, printed)
    if not unknown and res_known:
        if res_cell is None:
            return None  # the result came from `known`: reported where it was implied
        total = sum(s * got[k][0] for k, s in terms)
        tolerance = tolerance_of(halves(rule, [res_cell]), exp_halves, tol)
        return _Step(result, res_value, total, tolerance, [result_ref, *cells], {}, False)
    if not unknown:
        implied = sum(s * got[k][0] for k, s in terms)
        tolerance = tolerance_of([], exp_halves, tol)
        return _Step(result, None, implied, tolerance, [result_ref, *cells], {}, True)
    if len(unknown) == 1 and res_known:
        k = unknown[0]
        implied = dict(terms)[k] * (res_value - sum(s * got[t][0] for t, s in terms if t != k))
        from_cells = ([res_cell] if res_cell is not None else []) + printed
        tolerance = tolerance_of([], halves(rule, from_cells), tol)
        where = [Cell(table, row, keys[k]).ref, result_ref, *cells]
        return _Step(k, None, implied, tolerance, where, {}, True)
    if not res_known and printed:
        # Several blanks: the blank terms count as nothing received or spent; the result is
        # what the printed terms imply.
        implied = sum(s * got[k][0] for k, s in terms if got[k][2])
        tolerance = tolerance_of([], exp_halves, tol)
        params = {"blank_columns": [keys[k] for k in unknown]}
        return _Step(result, None, implied, tolerance, [result_ref, *cells], params, True)
    return None


def netting_treatment(table: Table) -> dict[str, str]:
    """Whether each column's printed total includes the netting rows.

    Returns
    -------
    dict
        Column label -> ``"inkl"`` (total = areas + netting), ``"exkl"`` (total = areas),
        or ``""`` (the netting rows print nothing in the column, or there is no total).
        A column whose total is blank takes the treatment most other columns have.
    """
    totals = table.rows_with_role("total")
    netting = table.rows_with_role("netting")
    areas = table.rows_with_role("area")
    out: dict[str, str] = {}
    for col in table.values.columns:
        net = table.values.loc[netting, col].sum(min_count=1) if netting else np.nan
        if not totals or np.isnan(net) or net == 0:
            out[col] = ""
            continue
        reported = table.values.at[totals[0], col]
        if np.isnan(reported):
            out[col] = "?"
            continue
        a = table.values.loc[areas, col].sum()
        out[col] = "inkl" if abs(reported - (a + net)) <= abs(reported - a) else "exkl"
    majority = Counter(v for v in out.values() if v in ("inkl", "exkl")).most_common(1)
    for col, v in out.items():
        if v == "?":
            out[col] = majority[0][0] if majority else "inkl"
    return out


def treatment_note(table: Table) -> str | None:
    """One line saying how the total row treats the netting rows (None without them)."""
    net = {c: v for c, v in netting_treatment(table).items() if v}
    if not net:
        return None
    inkl = [c for c, v in net.items() if v == "inkl"]
    exkl = [c for c, v in net.items() if v == "exkl"]
    return (
        f"{table.id}: summaraden räknar med nettoraden i {len(inkl)} kolumner, utan den i "
        f"{len(exkl)}" + (f" ({', '.join(exkl)})" if exkl else "")
    )


def _statliga(table: Table, row: str, known: dict, tol) -> list[Finding]:
    keys = table.keys()
    if "varav_statliga" not in keys or "kvarvarande" not in keys:
        return []
    part = Cell(table, row, keys["varav_statliga"])
    whole = Cell(table, row, keys["kvarvarande"])
    whole_value = known.get("kvarvarande", np.nan) if whole.blank else whole.value
    if part.blank or np.isnan(whole_value):
        return []
    return at_most(
        "fund_statliga",
        table,
        row,
        part.column,
        part.value,
        whole_value,
        tolerance_of(halves("fund_statliga", [part]), halves("fund_statliga", [whole]), tol),
        cells=[part.ref, whole.ref],
    )


def check_fund_statement(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a fund statement (see the module docstring for what must hold).

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        An explicit tolerance in the table's unit for every comparison. Default: what the
        printed precision of the figures explains (:mod:`kuanalysis.tolerance`).

    Returns
    -------
    list of Finding
    """
    tol = tolerance
    findings: list[Finding] = []
    keys = table.keys()
    areas = table.rows_with_role("area")
    netting = table.rows_with_role("netting")
    totals = table.rows_with_role("total")
    for row in areas:
        f, known = row_identities(table, row, tol)
        findings += f
        findings += _statliga(table, row, known, tol)
    for row in netting:  # redistribution only: check what is printed, imply nothing
        f, _ = row_identities(
            table, row, tol, report_blanks=False, zero_if_blank=ZERO_IF_BLANK_NETTING
        )
        findings += f

    implied_total: dict[str, float] = {}
    if totals:
        total = totals[0]
        treatment = netting_treatment(table)
        label_to_key = {v: k for k, v in keys.items()}
        for col in table.values.columns:
            parts = areas + (netting if treatment[col] == "inkl" else [])
            printed = [c for c in (Cell(table, r, col) for r in parts) if not c.blank]
            if not printed:
                continue
            expected = sum(c.value for c in printed)
            reported = Cell(table, total, col)
            findings += equal(
                "fund_column_total",
                table,
                total,
                col,
                None if reported.blank else reported.value,
                expected,
                tolerance_of(
                    halves("fund_column_total", [reported]),
                    halves("fund_column_total", printed),
                    tol,
                ),
                cells=[reported.ref, *(c.ref for c in printed)],
                params={"treatment": treatment[col]},
            )
            if reported.blank and col in label_to_key:
                implied_total[label_to_key[col]] = expected
        f, known = row_identities(table, total, tol, known=implied_total)
        findings += f
        findings += _statliga(table, total, known, tol)
    return findings


def closing_values(table: Table, key: str = "kvarvarande") -> dict[str, float]:
    """Closing balance per row as printed, or as implied by the row identities when blank."""
    label = table.column(key)
    out = {}
    for row in table.values.index:
        v = table.values.at[row, label]
        if np.isnan(v):
            with not_counting():  # the row's own checks are the table rules'
                _, known = row_identities(table, row, None, report_blanks=False)
            v = known.get(key, np.nan)
        out[row] = v
    return out


def closing_half(table: Table, row: str, key: str = "kvarvarande") -> float | None:
    """The half-unit of a printed closing balance (None when the cell is blank)."""
    label = table.column(key)
    if np.isnan(table.values.at[row, label]):
        return None
    return half_unit(table.text.at[row, label])
