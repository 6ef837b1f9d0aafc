"""Rules of a printed fee matrix (kind ``fee_matrix``): which posts the Summa column adds up,
blank cells, row and column sums, and posts that share a key.

Every printed figure is rounded to whole kronor; the tolerance of a comparison is what that
rounding explains (:mod:`kuanalysis.tolerance`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import pandas as pd

from ..data.cells import Cell
from ..data.table import Table
from ..fees.keys import (
    KeyFit,
    common_keys,
    compare_with_population,
    fit_key,
    implied_keys,
    key_groups,
    population_frame,
)
from ..fees.matrix import (
    implied_blanks,
    kommun_codes,
    post_labels,
    summa_composition,
    total_column,
    total_row,
    with_implied_blanks,
)
from ..tolerance import UNIT_ERRORS
from ..tolerance import tolerance as tolerance_of
from .compare import equal, reading
from .findings import Finding
from .rules import RULES, halves


def _finding_halves(table: Table, f: Finding) -> list[float]:
    """The half units of the figures a finding refers to, at its rule's precision."""
    return halves(f.rule, [Cell(table, x.row, x.column) for x in f.cells])


def explain_sums(
    table: Table, row_breaks: list[Finding], col_breaks: list[Finding], included: list[str]
) -> list[Finding]:
    """Point a row break and a column break at the one cell that explains both.

    A cell off by ``e`` breaks its row's Summa and its column's total at once: by ``-e``
    where it is a term of the sum, by ``+e`` where it is the printed sum itself. When a row
    break and a column break imply the same ``e`` for the cell where they cross (within what
    rounding explains), that cell is named: the finding located at it (the row's Summa, the
    total row's cell) explains the other, or a ``fee_cell`` finding is added for a cell
    inside the table. Every finding it explains gets ``params["explained_by"]`` = [row, column].

    Returns
    -------
    list of Finding
        The row and column findings (with the pointers) and any ``fee_cell`` findings.
    """
    trow, tcol = total_row(table), total_column(table)
    explained: dict[int, list[str]] = {}
    cell_findings: list[Finding] = []
    for rf in row_breaks:
        for cf in col_breaks:
            if rf.status != "avvikelse" or cf.status != "avvikelse":
                continue
            # an avvikelse always has a difference (checks.compare)
            assert rf.difference is not None and cf.difference is not None
            r, c = rf.row, cf.column
            if c != tcol and c not in included:
                continue  # the cell is not part of the row's sum
            e_row = rf.difference * (1 if c == tcol else -1)
            e_col = cf.difference * (1 if r == trow else -1)
            # each implied error is known up to the rounding of the figures of its own sum
            tol = tolerance_of(
                _finding_halves(table, rf),
                _finding_halves(table, cf),
            )
            if tol.explains(e_row - e_col):
                cell = [r, c]
                if c == tcol:  # the row's printed Summa: the row finding names it
                    explained[id(cf)] = cell
                elif r == trow:  # the total row's cell: the column finding names it
                    explained[id(rf)] = cell
                else:
                    explained[id(rf)] = explained[id(cf)] = cell
                    value = float(table.values.at[r, c])
                    cell_findings += [
                        Finding(
                            "fee_cell",
                            table.document,
                            table.id,
                            r,
                            c,
                            value,
                            value - e_row,
                            e_row,
                            "avvikelse",
                            table.source(r),
                            (Cell(table, r, c).ref,),
                            {"explains": [[rf.row, rf.column], [cf.row, cf.column]]},
                        )
                    ]
    out = []
    for f in row_breaks + col_breaks:
        if id(f) in explained:
            f = dataclasses.replace(f, params={**f.params, "explained_by": explained[id(f)]})
        out.append(f)
    return out + cell_findings


def explain_by_shares(
    table: Table, findings: list[Finding], shares: list[Finding], included: list[str]
) -> list[Finding]:
    """Point a column break at the amount off its key that explains it.

    An amount ``e`` too high whose row's Summa was raised to match breaks only the column
    totals: its post's by ``-e`` and, when the post is summed, the grand total by ``-e``. A
    ``fee_column_total`` avvikelse with no ``explained_by`` whose difference is minus a
    ``fee_share`` finding's (within the rounding of the column's figures and of the amount)
    gets ``params["explained_by"]`` = [row, post] of that amount.
    """
    tcol = total_column(table)
    out = []
    for f in findings:
        if f.rule == "fee_column_total" and f.status == "avvikelse" and not f.explained_by:
            assert f.difference is not None  # an avvikelse always has a difference
            for s in shares:
                if s.difference is None:
                    continue  # a reading (fee_share_unclear, fee_own_key): no amount to explain
                if f.column != s.column and not (f.column == tcol and s.column in included):
                    continue
                tol = tolerance_of(
                    _finding_halves(table, f),
                    halves(s.rule, [Cell(table, s.row, s.column)]),
                )
                if tol.explains(f.difference + s.difference):
                    f = dataclasses.replace(
                        f, params={**f.params, "explained_by": [s.row, s.column]}
                    )
                    break
        out.append(f)
    return out


#: A post follows a population date when its key is within this many percentage points of
#: the population shares on that date for every municipality. Not a rounding tolerance but a
#: line between two kinds of keys (docs/antaganden.md, A22): the keys that follow the
#: population are within 0,04-0,09 of it, Miljösamverkan 16; any line from about 0,1 to 16
#: gives the same reading, and 1 is a factor of ten from both.
FOLLOWS_POPULATION_PP = 1.0


def check_shares(
    table: Table, population: Table | None = None, groups: list[list[str]] | None = None
) -> list[Finding]:
    """Each municipality's amount against the key of the posts its post shares a key with.

    Rules: ``fee_share`` (avvikelse): in a group of three or more posts with one key (see
    :func:`~kuanalysis.fees.keys.key_groups`), an amount that is off the key of every other
    post of its group, while those agree with each other there, by more than rounding
    explains; expected = the other posts' pooled key times the post's fitted scale. In a
    group of two posts that differ at one municipality, the population key the pair follows
    settles which amount is off when exactly one of the two is (:func:`_off_population`);
    expected = the other post's key times the post's fitted scale.
    ``fee_share_unclear`` (oklar): two posts share a key but differ at one municipality: one
    of the two amounts is off, the table (and the population) cannot say which.
    ``fee_own_key`` (oklar, once per post): a post that follows no other post's key and no
    population date. A post alone in its group that follows a population date is not checked
    cell by cell: with no other post its key's misfit against the population cannot be told
    from a wrong cell.

    A blank that the column total gives an amount counts with that amount
    (:func:`with_implied_blanks`). Expected amounts are rounded to the printed precision of
    the post (whole kronor).
    """
    table = with_implied_blanks(table)
    codes = kommun_codes(table)
    cells = table.values.loc[list(codes), post_labels(table)]
    findings: list[Finding] = []
    for group in key_groups(table) if groups is None else groups:
        if len(group) == 1:
            findings += _own_key(table, group[0], population)
            continue
        fits = {(p, q): _fit(cells, p, q) for p in group for q in group if p != q}
        for p in group:
            others = [q for q in group if q != p]
            suspects = set.intersection(*(set(fits[(p, q)].outliers) for q in others))
            for kommun in sorted(suspects, key=list(codes).index):
                if len(others) == 1:
                    findings += _pair(table, cells, fits, group, p, others[0], kommun, population)
                elif not any(
                    kommun in fits[(a, b)].outliers for a in others for b in others if a != b
                ):  # when the others disagree there too, it is not this amount's fault
                    findings.append(_off_the_others(table, cells, fits, group, p, others, kommun))
    return findings


def _fit(cells: pd.DataFrame, p: str, q: str) -> KeyFit:
    """:func:`fit_key` of two posts of one key group, which fit each other by the group's
    definition (:func:`key_groups`)."""
    fit = fit_key(cells[p], cells[q])
    if fit is None:
        raise RuntimeError(f"posterna {p} och {q} står i en nyckelgrupp men delar ingen nyckel")
    return fit


def _own_key(table: Table, post: str, population: Table | None) -> list[Finding]:
    """A post alone in its key group: a reading unless it follows a population date."""
    close = _closest_population(table, post, population)
    if close is not None and close[1] <= FOLLOWS_POPULATION_PP:
        return []
    trow = total_row(table)
    return [
        reading(
            "fee_own_key",
            table,
            trow,
            post,
            table.values.at[trow, post],
            cells=[Cell(table, trow, post).ref],
            params={"date": close[0] if close else "", "pp": close[1] if close else None},
        )
    ]


def _pair(table, cells, fits, group, p, q, kommun, population) -> list[Finding]:
    """Two posts with one key that differ at ``kommun``: the population may tell which amount
    is off (reported at that post only); else one reading, once per pair and municipality."""
    off = _off_population(table, cells, (p, q), kommun, population)
    if off is not None:
        if off[0] != p:
            return []
        expected = fits[(p, q)].scale * cells.at[kommun, q]
        return [_share_finding(table, kommun, p, expected, group, [q], off[1])]
    if not (p < q or fits[(q, p)] is None):
        return []
    return [
        reading(
            "fee_share_unclear",
            table,
            kommun,
            p,
            cells.at[kommun, p],
            cells=[Cell(table, kommun, p).ref, Cell(table, kommun, q).ref],
            params={"posts": [p, q]},
        )
    ]


def _off_the_others(table, cells, fits, group, p, others, kommun) -> Finding:
    """An amount off the pooled key of the other posts of its group, which agree there."""
    pooled = cells[others].sum(axis=1) / cells[others].sum().sum()
    kept = [
        k
        for k in cells.index
        if k not in fits[(p, others[0])].outliers and not pd.isna(cells.at[k, p])
    ]
    scale = cells.loc[kept, p].sum() / pooled[kept].sum()
    return _share_finding(table, kommun, p, float(scale * pooled[kommun]), group, others)


def _share_finding(
    table: Table, kommun: str, post: str, expected: float, group, others, date: str = ""
) -> Finding:
    """A ``fee_share`` avvikelse at (kommun, post); expected rounded as the post is printed."""
    unit = 2 * Cell(table, total_row(table), post).half
    expected = math.floor(expected / unit + 0.5) * unit
    reported = float(table.values.at[kommun, post])
    params: dict = {"group": list(group)}
    if date:
        params["date"] = date
    return Finding(
        "fee_share",
        table.document,
        table.id,
        kommun,
        post,
        reported,
        float(expected),
        reported - expected,
        "avvikelse",
        table.source(kommun),
        (Cell(table, kommun, post).ref, *(Cell(table, kommun, q).ref for q in others)),
        params,
    )


def _off_population(
    table: Table, cells: pd.DataFrame, pair: tuple[str, str], kommun: str, population
) -> tuple[str, str] | None:
    """Which of two posts with one key has its amount at ``kommun`` off the population key.

    Only when the pair's pooled key follows a population date (within
    :data:`FOLLOWS_POPULATION_PP`). Each post's amounts are compared with the population
    shares at that date, the scale fitted on the other municipalities. A key made from
    another count of the population than the reference differs from it by a relative amount
    per municipality; the misfit of a post is the largest such relative difference over all
    its municipalities. An amount is off when it is further from the population key than the
    rounding of the amounts (the precision of ``fee_share``) and the *other* post's misfit
    explain: the other post, right at ``kommun``, shows how far the key itself may be from
    the population there.

    Returns
    -------
    (post, date) or None
        The post whose amount is off and the date, when exactly one of the two is off.
    """
    if population is None:
        return None
    close = compare_with_population(common_keys(table, [list(pair)]).loc[[pair[0]]], population)
    date, pp = str(close.at[pair[0], "närmast"]), float(close.at[pair[0], "avvikelse_pe"])
    if pp > FOLLOWS_POPULATION_PP:
        return None
    codes = kommun_codes(table)
    pop = population_frame(population)[f"befolkning_{date[:4]}_12_31"]
    unit = UNIT_ERRORS[RULES["fee_share"].precision]
    misfit, expected, dev = {}, {}, {}
    for x in pair:
        amounts = cells[x].dropna()
        share = pd.Series(pop.loc[[codes[r] for r in amounts.index]].to_numpy(), amounts.index)
        others = amounts.index != kommun
        exp = share * (amounts[others].sum() / share[others].sum())
        misfit[x] = float((amounts / exp - 1).abs().max())
        expected[x], dev[x] = float(exp[kommun]), float(amounts[kommun] - exp[kommun])
    off = [
        x
        for x, y in (pair, pair[::-1])
        if not tolerance_of([unit], [unit, misfit[y] * expected[x]]).explains(dev[x])
    ]
    return (off[0], date) if len(off) == 1 else None


def _closest_population(table: Table, post: str, population) -> tuple[str, float] | None:
    """(date, largest deviation in percentage points) of the population a post is closest to."""
    if population is None:
        return None
    close = compare_with_population(implied_keys(table).loc[[post]], population)
    return str(close.at[post, "närmast"]), float(close.at[post, "avvikelse_pe"])


def check_fee_matrix(
    table: Table, tolerance_kr: float | None = None, population: Table | None = None
) -> list[Finding]:
    """Check a printed fee matrix; every failure is collected.

    Rules (see :data:`~kuanalysis.checks.rules.RULES`):

    - ``fee_not_summed``: a post shown in the table but not part of the Summa column
      (``oklar``: the reader must know what the Summa leaves out), see
      :func:`summa_composition`.
    - ``fee_blank_cell``: a blank inside a post where the column total implies an amount
      (``saknas``, expected = the implied amount). A blank whose implied amount is zero
      within rounding is a municipality outside the post, not a finding.
    - ``fee_row_total``: each row's Summa against the sum of the included posts.
    - ``fee_column_total``: each column's total row against the sum of the municipalities.
    - ``fee_same_key``: two posts with the same printed total and the same key (see
      :func:`~kuanalysis.fees.keys.key_groups`) must give each municipality the same kronor.
    - ``fee_summa_reading``, ``fee_cell``: an equally good reading of the Summa column; one
      cell that explains a row and a column break (:func:`explain_sums`).
    - ``fee_share``, ``fee_share_unclear``, ``fee_own_key``: amounts against their key
      (:func:`check_shares`; ``population`` tells which posts follow a population date).

    Parameters
    ----------
    table : Table
        A ``fee_matrix`` table (rows ``kommun`` + one ``total``; a ``total`` column).
    tolerance_kr : float, optional
        An explicit tolerance in kr (the largest difference counted as rounding) instead of
        what the rounding of the figures explains.

    Returns
    -------
    list of Finding
    """
    composition = summa_composition(table)
    findings = _summa_readings(table, composition)
    blanks = implied_blanks(table, tolerance_kr)
    findings += _blank_cells(table, blanks)
    row_breaks, col_breaks = _sum_breaks(table, composition.included, blanks, tolerance_kr)
    findings += explain_sums(table, row_breaks, col_breaks, composition.included)
    # an amount off its key that already breaks its sums is named once, by fee_cell
    groups = key_groups(with_implied_blanks(table, blanks))
    named = {(f.row, f.column) for f in findings if f.rule == "fee_cell"}
    shares = [f for f in check_shares(table, population, groups) if (f.row, f.column) not in named]
    findings = explain_by_shares(table, findings, shares, composition.included) + shares
    return findings + _same_key(table, groups, tolerance_kr)


def _summa_readings(table: Table, composition) -> list[Finding]:
    """The posts the Summa column leaves out, and other readings of it that fit as well."""
    trow, total_col = total_row(table), total_column(table)
    values = table.values
    findings = [
        reading(
            "fee_not_summed",
            table,
            trow,
            post,
            values.at[trow, post],
            cells=[Cell(table, trow, post).ref],
        )
        for post in composition.excluded
    ]
    for other in composition.equal_readings:
        chosen = [p for p in composition.excluded if p not in other]
        instead = [p for p in other if p not in composition.excluded]
        findings.append(
            reading(
                "fee_summa_reading",
                table,
                trow,
                total_col,
                values.at[trow, total_col],
                cells=[Cell(table, trow, p).ref for p in chosen + instead],
                params={"chosen": chosen, "instead": instead},
            )
        )
    return findings


def _blank_cells(table: Table, blanks: dict[tuple[str, str], float]) -> list[Finding]:
    """The blanks whose column total implies an amount (``implied_blanks`` keeps only those
    whose value rounding cannot explain away)."""
    trow = total_row(table)
    findings: list[Finding] = []
    for (row, col), implied in blanks.items():
        findings += equal(
            "fee_blank_cell",
            table,
            row,
            col,
            None,
            implied,
            tolerance_of([], [], 0.0),
            cells=[Cell(table, row, col).ref, Cell(table, trow, col).ref],
        )
    return findings


def _sum_breaks(
    table: Table, included: list[str], blanks: dict, tolerance_kr: float | None
) -> tuple[list[Finding], list[Finding]]:
    """Each municipality's Summa against its included posts, each column's total against the
    municipalities (a blank with an implied amount counts with it)."""
    values = table.values
    trow, total_col = total_row(table), total_column(table)

    def filled(row, col) -> float:
        v = table.figure(row, col)
        return blanks.get((row, col), v) if pd.isna(v) else v

    def total_of(rule, row, col, parts: list[Cell]):
        reported = Cell(table, row, col)
        if reported.blank:
            return []
        expected = sum(
            filled(c.row, c.column) for c in parts if not c.blank or (c.row, c.column) in blanks
        )
        return equal(
            rule,
            table,
            row,
            col,
            reported.value,
            float(expected),
            tolerance_of(halves(rule, [reported]), halves(rule, parts), tolerance_kr),
            cells=[reported.ref, *(c.ref for c in parts)],
        )

    row_breaks: list[Finding] = []
    for row in values.index:
        row_breaks += total_of(
            "fee_row_total", row, total_col, [Cell(table, row, p) for p in included]
        )
    col_breaks: list[Finding] = []
    for col in values.columns:
        col_breaks += total_of(
            "fee_column_total", trow, col, [Cell(table, r, col) for r in kommun_codes(table)]
        )
    return row_breaks, col_breaks


def _same_key(table: Table, groups, tolerance_kr: float | None) -> list[Finding]:
    """Two posts with the same printed total and key give each municipality the same kronor."""
    values = table.values
    trow = total_row(table)
    findings: list[Finding] = []
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            if values.at[trow, a] != values.at[trow, b]:
                continue
            for row in kommun_codes(table):
                ca, cb = Cell(table, row, a), Cell(table, row, b)
                if not ca.blank and not cb.blank and ca.value != cb.value:
                    # reported = the later post, expected = the earlier one with the same key
                    findings += equal(
                        "fee_same_key",
                        table,
                        row,
                        b,
                        cb.value,
                        ca.value,
                        tolerance_of(
                            halves("fee_same_key", [cb]), halves("fee_same_key", [ca]), tolerance_kr
                        ),
                        cells=[cb.ref, ca.ref],
                    )
    return findings
