"""Mutation test: every printed figure of the shipped fund statements and fee matrix, changed
by more than rounding, must be reported by a finding that names the changed cell.

For each figure in turn the table is copied with that one figure raised by ``STEP`` units
(50 tkr, 100 kr: far beyond what the rounding of any sum can explain), every rule runs as
``kuanalysis check`` runs them (the tables of ``data/raw``, continuity and cross-checks), and
the findings are compared with those of the unchanged data: an ``avvikelse`` must appear
(or change its figures) whose cells include the changed one. One kind of figure is reported
as ``saknas`` instead: a term whose row leaves another term blank (the 2024 Förstärkt
samverkan row prints no utfall, so its identity implies utfall from the other figures, and a
changed Överförda medel makes the blank utfall imply a non-zero amount).

A few printed figures take part in no identity of the source at all; they are listed in
:data:`UNCONSTRAINED` with the reason, and the test asserts that exactly these go unnoticed.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kuanalysis import paths
from kuanalysis.checks.runner import check_folder, run
from kuanalysis.data.cells import CellRef
from kuanalysis.data.numbers import half_unit

#: Tables perturbed, and the change in their unit.
TABLES = {"bokslut-2023": 50.0, "delar-2024-t2-4-1": 50.0, "finansiering-2025": 100.0}

#: Printed figures no identity constrains, and why.
UNCONSTRAINED = {
    # memo rows: the accumulated surplus is printed beside the statement, outside its sums
    ("bokslut-2023", "Ackumelerat överskott 2023-12-31", "[utan rubrik]"),
    ("delar-2024-t2-4-1", "Akkumulerat överskott 2024-08-31", "Varav kvarvarande statliga medel"),
    # 2024's total leaves the netting row out of budget and utfall, and the netting row
    # has no kvarvarande: these two figures enter no sum and no identity of the table
    (
        "delar-2024-t2-4-1",
        "Härav Ledning/stab finansierat från områdena ovan",
        "Budget förbrukning 2024",
    ),
    (
        "delar-2024-t2-4-1",
        "Härav Ledning/stab finansierat från områdena ovan",
        "Utfall förbrukning nettokostnad 2024-08-31",
    ),
}


def _key(f):
    return (f.rule, f.table, f.row, f.column, f.reported, f.expected, f.status)


@pytest.fixture(scope="module")
def world():
    tables, specs, found = check_folder(paths.raw_dir())
    continuity = [s for s in specs if "kontinuitet" in s.path]
    pairings = [s for s in specs if s not in continuity]
    return tables, continuity, pairings, {_key(f) for f in found}


def _perturbed(table, row, col, step):
    values, text = table.values.copy(), table.text.copy()
    old = text.at[row, col]
    decimals = len(old.split(",")[1].split()[0]) if "," in old else 0
    values.at[row, col] = values.at[row, col] + step
    text.at[row, col] = f"{values.at[row, col]:.{decimals}f}".replace(".", ",")
    assert half_unit(text.at[row, col]) == half_unit(old)  # same printed precision
    return dataclasses.replace(table, values=values, text=text)


#: Printed (non-blank) figures per table, counted in the source tables: the fee matrix has
#: 13 municipalities and Summa by 16 posts and the row total, one cell printed blank.
PRINTED = {"bokslut-2023": 73, "delar-2024-t2-4-1": 88, "finansiering-2025": 14 * 17 - 1}


@pytest.mark.parametrize("tid", list(TABLES))  # one test per table: they run in parallel
def test_every_changed_figure_is_reported(world, tid):
    tables, continuity, pairings, before = world
    step = TABLES[tid]
    missed, checked = set(), 0
    table = tables[tid]
    others = {k: v for k, v in tables.items() if k != tid}
    for row in table.values.index:
        for col in table.values.columns:
            if np.isnan(table.values.at[row, col]):
                continue
            checked += 1
            found = run(
                {tid: _perturbed(table, row, col, step)},
                others=others,
                continuity=continuity,
                pairings=pairings,
            )
            cell = CellRef(tid, row, col)
            if not any(
                f.status in ("avvikelse", "saknas") and cell in f.cells and _key(f) not in before
                for f in found
            ):
                missed.add((tid, row, col))
    assert checked == PRINTED[tid]
    assert missed == {u for u in UNCONSTRAINED if u[0] == tid}
