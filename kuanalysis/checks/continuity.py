"""Continuity between periods: the closing balance of period A is the opening balance of B.

A mapping (``data/raw/kontinuitet/*.yaml``) names the two tables and groups the areas: a
rename is one to one, a split one to many, ``new`` areas of B have no predecessor (opening
balance 0) and ``ended`` areas of A are not carried on. Every area row of A and B must be
mapped once; the total rows are compared too.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..data.table import Table
from ..errors import SpecError
from .cells import Cell
from .compare import equal
from .findings import Finding
from .fund import closing_values
from .tolerance import halves
from .tolerance import tolerance as tolerance_of


def check_continuity(spec: dict, tables: dict[str, Table],
                     tolerance: float | None = None) -> list[Finding]:
    """Closing balance of period A = opening balance of period B, per mapping group.

    Parameters
    ----------
    spec : dict
        ``from: {table, column}``, ``to: {table, column}`` (column keys, default
        kvarvarande -> ib), ``groups: [{from: [labels], to: [labels]}]``, ``new``, ``ended``.
    tables : dict
        All tables by id.
    tolerance : float, optional
        An explicit tolerance; default: what the printed precision explains.

    Returns
    -------
    list of Finding
        Rule ``continuity``; row = the B labels joined with " + ".

    Raises
    ------
    SpecError
        When the mapping names a table or area that does not exist, or leaves one out.
    """
    for side in ("from", "to"):
        if spec.get(side, {}).get("table") not in tables:
            raise SpecError(f"kontinuitetsmappningen: tabellen {spec.get(side, {}).get('table')!r} "
                            f"({side}) finns inte")
    a = tables[spec["from"]["table"]]
    b = tables[spec["to"]["table"]]
    a_key = spec["from"].get("column", "kvarvarande")
    a_col = a.column(a_key)
    b_col = b.column(spec["to"].get("column", "ib"))
    closing = closing_values(a, a_key)
    groups = [(g["from"], g["to"]) for g in spec.get("groups") or []]
    groups += [([], [lab]) for lab in spec.get("new") or []]
    mapped_a = [x for f, _ in groups for x in f] + list(spec.get("ended") or [])
    mapped_b = [x for _, t in groups for x in t]
    errors = []
    for t, mapped in ((a, mapped_a), (b, mapped_b)):
        areas = t.rows_with_role("area")
        errors += [f"{t.id}: området {r!r} saknas i mappningen" for r in areas if r not in mapped]
        errors += [f"{t.id}: {r!r} är inget område i tabellen" for r in mapped if r not in areas]
        errors += [f"{t.id}: {r!r} står mer än en gång" for r, n in Counter(mapped).items() if n > 1]
    if errors:
        raise SpecError("kontinuitetsmappningen stämmer inte: " + "; ".join(errors))

    findings: list[Finding] = []
    at, bt = a.rows_with_role("total"), b.rows_with_role("total")
    if at and bt:
        groups.append((at, bt))
    for a_rows, b_rows in groups:
        a_vals = [closing[r] for r in a_rows if not np.isnan(closing[r])]
        a_cells = [Cell(a, r, a_col) for r in a_rows]
        b_cells = [Cell(b, r, b_col) for r in b_rows]
        b_printed = [c for c in b_cells if not c.blank]
        if not a_vals and not b_printed:
            continue
        source = "; ".join([b.source(b_rows[0])] + [a.source(r) for r in a_rows])
        reported = sum(c.value for c in b_printed) if b_printed else None
        tol = tolerance_of(halves("continuity", b_printed), halves("continuity", a_cells),
                           tolerance)
        findings += equal("continuity", b, " + ".join(b_rows), b_col, reported, sum(a_vals),
                          tol, cells=[*(c.ref for c in b_cells), *(c.ref for c in a_cells)],
                          params={"rows": list(b_rows)}, source=source)
    return findings
