"""Continuity between periods: the closing balance of period A is the opening balance of B.

A mapping (``data/raw/kontinuitet/*.yaml``) names the two tables and groups the areas: a
rename is one to one, a split one to many, ``new`` areas of B have no predecessor (opening
balance 0) and ``ended`` areas of A are not carried on. Every area row of A and B must be
mapped once; the total rows are compared too.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from .. import paths, yamlfile
from ..data.specs import Spec, read_spec
from ..data.table import Table
from ..errors import SpecError
from .cells import Cell
from .compare import equal
from .findings import Finding
from .fund import closing_values
from .tolerance import halves
from .tolerance import tolerance as tolerance_of

#: The fields of a mapping file, in the order a message lists them.
MAPPING_FIELDS = ("from", "to", "groups", "new", "ended")
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


def read_mapping(path: str | os.PathLike, from_table: str, to_table: str) -> Spec:
    """Read a continuity mapping file given by hand, checking its shape first.

    Parameters
    ----------
    path : path-like
    from_table, to_table : str
        The tables it must map: the preceding period's and this period's fund statement.

    Raises
    ------
    SpecError
        Every fault, one message each naming file, line and field: not a mapping; an
        unknown field; ``from``/``to`` missing, not ``{table: ..., column: ...}`` or naming
        another table; ``groups`` not a list of ``{from: [...], to: [...]}``; ``new`` or
        ``ended`` not a list of row labels.
    """
    path = Path(path)
    root = yamlfile.compose(path, SpecError)
    shown = paths.relative(path)
    errors: list[str] = []

    def err(node, where: str, text: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        errors.append(f"{shown}:{line}: {where}: {text}")

    def labels(node, where: str) -> None:
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(x, yaml.ScalarNode) and x.tag == _STR for x in node.value
        ):
            err(node, where, "ska vara en lista med radnamn, t.ex. [Barnahus, Fritid]")

    names = (
        {str(k.value) for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
        if isinstance(root, yaml.MappingNode)
        else set()
    )
    if not names & {"from", "to"}:  # another kind of file (a sidecar, say): one message
        raise SpecError(
            f"{shown}:1: är ingen kontinuitetsmappning (den saknar from och to; väntade "
            f"fälten {', '.join(MAPPING_FIELDS)})"
        )
    fields = {}
    for key, value in root.value:
        name = str(key.value)[:40] if isinstance(key, yaml.ScalarNode) else "?"
        if name not in MAPPING_FIELDS:
            err(key, name, f"okänt fält (väntade {', '.join(MAPPING_FIELDS)})")
        else:
            fields[name] = value
    for side, table in (("from", from_table), ("to", to_table)):
        node = fields.get(side)
        form = f"{{table: {table}, column: KOLUMN}}"
        if node is None:
            err(root, side, f"saknas (väntade {form})")
            continue
        parts = (
            {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            if isinstance(node, yaml.MappingNode)
            else None
        )
        if parts is None or not set(parts) <= {"table", "column"} or "table" not in parts:
            err(node, side, f"väntade {form}")
        elif parts["table"].value != table:
            err(
                parts["table"],
                f"{side}.table",
                f"mappningen gäller {str(parts['table'].value)[:40]!r}, men perioden "
                f"{'före' if side == 'from' else 'som visas'} är {table}",
            )
    groups = fields.get("groups")
    if groups is not None and groups.tag != _NULL:
        if not isinstance(groups, yaml.SequenceNode):
            err(groups, "groups", "ska vara en lista av {from: [...], to: [...]}")
        else:
            for i, g in enumerate(groups.value):
                parts = (
                    {str(k.value): v for k, v in g.value if isinstance(k, yaml.ScalarNode)}
                    if isinstance(g, yaml.MappingNode)
                    else None
                )
                if parts is None or set(parts) != {"from", "to"}:
                    err(g, f"groups[{i}]", "väntade {from: [...], to: [...]}")
                    continue
                for side in ("from", "to"):
                    labels(parts[side], f"groups[{i}].{side}")
    for name in ("new", "ended"):
        node = fields.get(name)
        if node is not None and node.tag != _NULL:
            labels(node, name)
    if errors:
        raise SpecError(errors)
    return read_spec(path)


def _labels(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise SpecError(f"kontinuitetsmappningen: {where} ska vara en lista med radnamn")
    return list(value)


def groups_of(spec: dict, a: Table, b: Table) -> list[tuple[list[str], list[str]]]:
    """Every group of areas from A to B: the mapping's own, then implicit ones, in B's order.

    The mapping lists only what is not obvious: ``groups`` (renames and splits), ``new``
    areas of B (opening balance 0) and ``ended`` areas of A. Every other area continues
    implicitly when its label is the same in both periods. Every area of A and of B must
    end up in exactly one group (or be ended).

    Raises
    ------
    SpecError
        When the mapping names an area that does not exist, names one twice, or an area of
        either period is left without a group.
    """
    groups = []
    for i, g in enumerate(spec.get("groups") or []):
        if not isinstance(g, dict):
            raise SpecError(
                f"kontinuitetsmappningen: groups[{i}] ska vara {{from: [...], to: [...]}}"
            )
        groups.append(
            (_labels(g.get("from"), f"groups[{i}].from"), _labels(g.get("to"), f"groups[{i}].to"))
        )
    groups += [([], [lab]) for lab in _labels(spec.get("new"), "new")]
    ended = _labels(spec.get("ended"), "ended")
    a_areas, b_areas = a.rows_with_role("area"), b.rows_with_role("area")
    mapped_a = [x for f, _ in groups for x in f] + ended
    mapped_b = [x for _, t in groups for x in t]
    groups += [
        ([r], [r]) for r in b_areas if r in a_areas and r not in mapped_a and r not in mapped_b
    ]
    mapped_a = [x for f, _ in groups for x in f] + ended
    mapped_b = [x for _, t in groups for x in t]
    errors = []
    for t, mapped in ((a, mapped_a), (b, mapped_b)):
        areas = t.rows_with_role("area")
        errors += [
            f"{t.id}: området {r!r} finns inte i den andra perioden och saknas i mappningen"
            for r in areas
            if r not in mapped
        ]
        errors += [f"{t.id}: {r!r} är inget område i tabellen" for r in mapped if r not in areas]
        errors += [
            f"{t.id}: {r!r} står mer än en gång" for r, n in Counter(mapped).items() if n > 1
        ]
    if errors:
        raise SpecError("kontinuitetsmappningen stämmer inte: " + "; ".join(errors))
    order = {r: i for i, r in enumerate(b_areas)}
    return sorted(groups, key=lambda g: min(order[r] for r in g[1]) if g[1] else len(order))


def check_continuity(
    spec: dict, tables: dict[str, Table], tolerance: float | None = None
) -> list[Finding]:
    """Closing balance of period A = opening balance of period B, per group of areas.

    Parameters
    ----------
    spec : dict
        ``from: {table, column}``, ``to: {table, column}`` (column keys, default
        kvarvarande -> ib) and optionally ``groups``, ``new``, ``ended`` (see
        :func:`groups_of`); without them every area continues under its own label.
    tables : dict
        All tables by id.
    tolerance : float, optional
        An explicit tolerance; default: what the printed precision explains.

    Returns
    -------
    list of Finding
        Rule ``continuity``; row = the B labels joined with " + ". The total rows are
        compared too.

    Raises
    ------
    SpecError
        When the mapping names a table or area that does not exist, or leaves one out.
    """
    for side in ("from", "to"):
        ref = spec.get(side)
        if not isinstance(ref, dict) or ref.get("table") not in tables:
            name = ref.get("table") if isinstance(ref, dict) else None
            raise SpecError(f"kontinuitetsmappningen: tabellen {name!r} ({side}) finns inte")
    a = tables[spec["from"]["table"]]
    b = tables[spec["to"]["table"]]
    a_key = spec["from"].get("column", "kvarvarande")
    a_col = a.column(a_key)
    b_col = b.column(spec["to"].get("column", "ib"))
    if a_col is None or b_col is None:
        raise SpecError(
            f"kontinuitetsmappningen: {a.id} eller {b.id} saknar kolumnen som ska jämföras"
        )
    closing = closing_values(a, a_key)
    groups = groups_of(spec, a, b)

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
        tol = tolerance_of(
            halves("continuity", b_printed), halves("continuity", a_cells), tolerance
        )
        findings += equal(
            "continuity",
            b,
            " + ".join(b_rows),
            b_col,
            reported,
            sum(a_vals),
            tol,
            cells=[*(c.ref for c in b_cells), *(c.ref for c in a_cells)],
            params={"rows": list(b_rows)},
            source=source,
        )
    return findings
