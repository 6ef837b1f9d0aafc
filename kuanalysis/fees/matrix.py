"""The fee matrix as a table: its posts, its municipalities, its total row and column, the
amounts its blank cells imply, and which posts its Summa column adds up.

A fee matrix (kind ``fee_matrix``) has one row per municipality (role ``kommun``, with a
``kommun_kod``) and a total row, one column per post and a Summa column (role ``total``).
How the matrix reads is the fee model's (the proposal as printed) and the checks' alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.cells import Cell
from ..data.table import Table
from ..errors import DataError
from ..tolerance import UNIT_ERRORS, halves, tolerance


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


def implied_blanks(table: Table, tolerance_kr: float | None = None) -> dict[tuple[str, str], float]:
    """Blank cells inside a post that others pay, with the value the column total implies.

    Implied value = column total − sum of the other municipalities. A blank whose implied
    value is within rounding of zero means "outside the post" and is not returned.

    Returns
    -------
    dict
        ``(row label, column label) -> implied kronor``.
    """
    kommuner = list(kommun_codes(table))
    trow = total_row(table)
    out = {}
    for col in table.values.columns:
        cells = [Cell(table, r, col) for r in kommuner]
        blanks = [c for c in cells if c.blank]
        total = Cell(table, trow, col)
        if len(blanks) != 1 or total.blank:
            continue  # two blanks in one column cannot be told apart; nothing to imply
        others = [c for c in cells if not c.blank]
        implied = total.value - sum(c.value for c in others)
        tol = tolerance([], halves("printed", [total, *others]), tolerance_kr)
        if not tol.explains(implied):
            out[(blanks[0].row, col)] = float(implied)
    return out


def with_implied_blanks(table: Table, blanks: dict[tuple[str, str], float] | None = None) -> Table:
    """The table with each blank that :func:`implied_blanks` returns filled with its implied
    amount: a missing cell must not hide its post from its key group or move its post's
    shares (a blank read as "outside the post" stays blank)."""
    blanks = implied_blanks(table) if blanks is None else blanks
    if not blanks:
        return table
    values = table.values.copy()
    for (row, col), implied in blanks.items():
        values.at[row, col] = implied
    return dataclasses.replace(table, values=values)


@dataclass
class SummaComposition:
    """Which posts the printed Summa column adds up.

    Attributes
    ----------
    included, excluded : list of str
        Post labels summed / shown but not summed.
    residuals : pandas.Series
        Per row: printed Summa − sum of the included posts.
    alternatives : list of tuple
        The next best choices: ``(excluded posts, sum of squared residuals, largest |residual|)``.
    equal_readings : list of tuple
        Other choices of excluded posts that reproduce the Summa column as well as the best
        one, row by row, up to what the rounding of the swapped posts' cells explains.
    """

    included: list[str]
    excluded: list[str]
    residuals: pd.Series
    alternatives: list[tuple[tuple[str, ...], float, float]] = field(default_factory=list)
    equal_readings: list[tuple[str, ...]] = field(default_factory=list)


def summa_composition(table: Table, n_alternatives: int = 3) -> SummaComposition:
    """Find the set of posts whose sum best reproduces the Summa column, for all rows at once.

    Every subset of the posts is tried (2**16 for 16 posts, one matrix product). The best is
    the one with the smallest sum of squared residuals over all rows: one rule for the whole
    table, not one per row, so a coincidence in a single row cannot pick the posts.

    Parameters
    ----------
    table : Table
        A ``fee_matrix`` table.
    n_alternatives : int
        How many runner-up subsets to keep for the reader.

    Returns
    -------
    SummaComposition
    """
    posts = post_labels(table)
    values = table.values[posts].copy()
    for (row, col), implied in implied_blanks(table).items():
        values.at[row, col] = implied  # a missing cell counts with its implied value
    data = values.fillna(0.0).to_numpy()  # blank = outside the post: pays nothing
    summa = table.values[total_column(table)].to_numpy()
    n = len(posts)  # every subset, in the order of itertools.product((0, 1), repeat=n)
    masks = ((np.arange(2**n)[:, None] >> np.arange(n)[::-1]) & 1).astype(float)
    residuals = summa[None, :] - masks @ data.T
    sse = np.nansum(residuals**2, axis=1)
    order = np.argsort(sse, kind="stable")
    best = masks[order[0]].astype(bool)

    def excluded(mask) -> tuple[str, ...]:
        return tuple(p for p, m in zip(posts, mask.astype(bool)) if not m)

    alternatives = [
        (excluded(masks[i]), float(sse[i]), float(np.nanmax(np.abs(residuals[i]))))
        for i in order[1 : 1 + n_alternatives]
    ]
    # Another reading fits as well when, in every row, its residual differs from the best's
    # by no more than the swapped posts' cells can differ by rounding (each allocated cell is
    # within one krona of its exact share; rule fee_summa_reading has the same precision).
    unit = UNIT_ERRORS["allocated"]
    equal = []
    for i in order[1 : 1 + n_alternatives]:
        dropped = int(np.sum((masks[i] == 0) & (masks[order[0]] == 1)))
        added = int(np.sum((masks[i] == 1) & (masks[order[0]] == 0)))
        tol = tolerance([unit] * dropped, [unit] * added)
        diff = np.nan_to_num(residuals[i] - residuals[order[0]])
        if all(tol.explains(d) for d in diff):
            equal.append(excluded(masks[i]))
    return SummaComposition(
        included=[p for p, m in zip(posts, best) if m],
        excluded=[p for p, m in zip(posts, best) if not m],
        residuals=pd.Series(residuals[order[0]], index=table.values.index),
        alternatives=alternatives,
        equal_readings=equal,
    )
