"""Continuity between periods: the closing balance of period A is the opening balance of B.

A mapping (``data/raw/kontinuitet/<år>-<år>.yaml``) describes how one year's areas became the
next year's and applies to every pair of fund statements across that year boundary (a close
of 2023 to a close of 2024, or to a tertial of 2024; :func:`mapping_for`); a file that names
both tables (``from: {table: ...}``) applies to that pair only. It groups the areas: a rename
is one to one, a split one to many, ``new`` areas of B have no predecessor (opening balance
0) and ``ended`` areas of A are not carried on; an area with the same label in both periods
continues without being named. An area that cannot be followed is a finding (``oklar``,
naming the file to write), and every other area is still compared; the total rows too.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .. import paths, yamlfile
from ..data.cells import Cell, CellRef
from ..data.periods import Period, preceding
from ..data.specs import Spec, read_spec
from ..data.table import Table
from ..errors import SpecError
from ..tolerance import tolerance as tolerance_of
from .compare import equal, reading
from .findings import Finding
from .fund_statement import closing_values
from .rules import halves

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
        unknown field; ``from``/``to`` not ``{table: ..., column: ...}`` or naming another
        table (``table`` may be left out: a year boundary's mapping); ``groups`` not a list
        of ``{from: [...], to: [...]}``; ``new`` or ``ended`` not a list of row labels.
    """
    path = Path(path)
    root = yamlfile.compose(path, SpecError)
    faults = _Faults(paths.relative(path))
    names = (
        {str(k.value) for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
        if isinstance(root, yaml.MappingNode)
        else set()
    )
    if not names & set(MAPPING_FIELDS):  # another kind of file (a sidecar, say): one message
        raise SpecError(
            f"{faults.shown}:1: är ingen kontinuitetsmappning (väntade fälten "
            f"{', '.join(MAPPING_FIELDS)})"
        )
    fields = {}
    for key, value in root.value:
        name = str(key.value)[:40] if isinstance(key, yaml.ScalarNode) else "?"
        if name not in MAPPING_FIELDS:
            faults.add(key, name, f"okänt fält (väntade {', '.join(MAPPING_FIELDS)})")
        else:
            fields[name] = value
    for side, table in (("from", from_table), ("to", to_table)):
        if fields.get(side) is not None:  # absent: the year boundary's mapping
            faults.side(fields[side], side, table)
    faults.groups(fields.get("groups"))
    for name in ("new", "ended"):
        node = fields.get(name)
        if node is not None and node.tag != _NULL:
            faults.labels(node, name)
    if faults.errors:
        raise SpecError(faults.errors)
    return read_spec(path)


class _Faults:
    """The faults of a mapping file's nodes, each naming file, line and field."""

    def __init__(self, shown: str):
        self.shown = shown
        self.errors: list[str] = []

    def add(self, node, where: str, text: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.errors.append(f"{self.shown}:{line}: {where}: {text}")

    def labels(self, node, where: str) -> None:
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(x, yaml.ScalarNode) and x.tag == _STR for x in node.value
        ):
            self.add(node, where, "ska vara en lista med radnamn, t.ex. [Barnahus, Fritid]")

    def side(self, node, side: str, table: str) -> None:
        """``from``/``to``: ``{table, column}``, the table (if named) the one it must map."""
        parts = _parts(node)
        if parts is None or not set(parts) <= {"table", "column"}:
            self.add(
                node, side, f"väntade {{table: {table}, column: KOLUMN}} (table kan utelämnas)"
            )
        elif "table" in parts and parts["table"].value != table:
            self.add(
                parts["table"],
                f"{side}.table",
                f"mappningen gäller {str(parts['table'].value)[:40]!r}, men perioden "
                f"{'före' if side == 'from' else 'som visas'} är {table}",
            )

    def groups(self, node) -> None:
        """``groups``: a list of ``{from: [...], to: [...]}``."""
        if node is None or node.tag == _NULL:
            return
        if not isinstance(node, yaml.SequenceNode):
            self.add(node, "groups", "ska vara en lista av {from: [...], to: [...]}")
            return
        for i, g in enumerate(node.value):
            parts = _parts(g)
            if parts is None or set(parts) != {"from", "to"}:
                self.add(g, f"groups[{i}]", "väntade {from: [...], to: [...]}")
                continue
            for side in ("from", "to"):
                self.labels(parts[side], f"groups[{i}].{side}")


def _parts(node) -> dict | None:
    """A mapping node's fields by name (None when the node is no mapping)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _labels(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise SpecError(f"kontinuitetsmappningen: {where} ska vara en lista med radnamn")
    return list(value)


@dataclass(frozen=True)
class Unmapped:
    """An area continuity cannot follow: ``problem`` is ``unmapped`` (in one period only and
    not in the mapping), ``unknown`` (the mapping names an area the table does not have) or
    ``twice`` (the mapping names it more than once)."""

    area: str
    table: str
    problem: str


def mapped(
    spec: dict, a: Table, b: Table
) -> tuple[list[tuple[list[str], list[str]]], list[Unmapped]]:
    """Every group of areas from A to B: the mapping's own, then implicit ones, in B's order;
    and the areas that cannot be followed.

    The mapping lists only what is not obvious: ``groups`` (renames and splits), ``new``
    areas of B (opening balance 0) and ``ended`` areas of A. Every other area continues
    implicitly when its label is the same in both periods. A group that names an unknown
    area, or an area named twice, is left out; an area in no group is
    :class:`Unmapped` too.
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
    named_a = Counter([x for f, _ in groups for x in f] + ended)
    named_b = Counter(x for _, t in groups for x in t)
    problems = [
        Unmapped(r, t.id, "unknown" if r not in areas else "twice")
        for t, named, areas in ((a, named_a, a_areas), (b, named_b, b_areas))
        for r, n in named.items()
        if r not in areas or n > 1
    ]
    bad = {(p.table, p.area) for p in problems}
    groups = [
        (f, t)
        for f, t in groups
        if not any((a.id, x) in bad for x in f) and not any((b.id, x) in bad for x in t)
    ]
    groups += [
        ([r], [r]) for r in b_areas if r in a_areas and r not in named_a and r not in named_b
    ]
    in_a = {x for f, _ in groups for x in f} | set(ended)
    in_b = {x for _, t in groups for x in t}
    problems += [
        Unmapped(r, t.id, "unmapped")
        for t, areas, mapped_ in ((a, a_areas, in_a), (b, b_areas, in_b))
        for r in areas
        if r not in mapped_ and (t.id, r) not in bad
    ]
    order = {r: i for i, r in enumerate(b_areas)}
    groups.sort(key=lambda g: min(order[r] for r in g[1]) if g[1] else len(order))
    return groups, problems


def groups_of(spec: dict, a: Table, b: Table) -> list[tuple[list[str], list[str]]]:
    """The groups of :func:`mapped`, when every area of A and B is in exactly one.

    Raises
    ------
    SpecError
        When the mapping names an area that does not exist, names one twice, or an area of
        either period is left without a group.
    """
    groups, problems = mapped(spec, a, b)
    if problems:
        raise SpecError(
            "kontinuitetsmappningen stämmer inte: "
            + "; ".join(f"{p.table}: {p.area!r}: {_PROBLEMS[p.problem]}" for p in problems)
        )
    return groups


_PROBLEMS = {
    "unmapped": "finns inte i den andra perioden och saknas i mappningen",
    "unknown": "är inget område i tabellen",
    "twice": "står mer än en gång",
}


def mapping_file(previous_end_year: int | str, end_year: int | str) -> str:
    """Where the mapping across a year boundary is written: ``data/raw/kontinuitet/2024-2025.yaml``."""
    return f"data/raw/kontinuitet/{previous_end_year}-{end_year}.yaml"


def mapping_for(previous: Period, period: Period, files: list[Spec]) -> Spec:
    """The mapping from ``previous`` to ``period``: a file that names both tables, else the
    file of their year boundary that names no tables (``kontinuitet/2023-2024.yaml`` maps
    every pair of fund statements across it: a close of 2023 to a close or tertial of
    2024), else none (every area continues under its own label; ``source`` None).

    The spec returned names both tables and, as ``file``, the file that maps them (or
    that should).
    """
    name = mapping_file(previous.end.year, period.end.year)
    pair = (previous.table, period.table)

    def tables(s: Spec) -> tuple:
        return tuple((s.data.get(k) or {}).get("table") for k in ("from", "to"))

    chosen = next((s for s in files if tables(s) == pair), None)
    if chosen is None:
        chosen = next(
            (
                s
                for s in files
                if s.path and Path(s.path).name == Path(name).name and tables(s) == (None, None)
            ),
            None,
        )
    if chosen is None:
        return Spec({"from": {"table": pair[0]}, "to": {"table": pair[1]}, "file": name}, None)
    return for_pair(chosen, previous, period)


def for_pair(spec: Spec, previous: Period, period: Period) -> Spec:
    """A mapping file's spec naming the pair it is applied to, and itself as ``file``."""
    data = dict(spec.data)
    for side, table in (("from", previous.table), ("to", period.table)):
        data[side] = {**(data.get(side) or {}), "table": table}
    data["file"] = spec.path
    return Spec(data, spec.source)


def missing_period(table: Table, period: Period) -> Finding:
    """The one finding of a period whose preceding close is not in data/raw: its opening
    balance cannot be reconciled (marked on the total's ingående balans)."""
    totals = table.rows_with_role("total")
    row = totals[0] if totals else ""
    return reading(
        "continuity_missing_period",
        table,
        row,
        table.column("ib") or "",
        params={"previous": f"Bokslut {period.start.year - 1}", "year": period.start.year},
        source=table.source(row),
    )


def links(every: list[Period], files: list[Spec], wanted=None) -> tuple[list[Spec], list[Period]]:
    """For each period (of ``wanted`` table ids, default all): the mapping from the period
    before it (:func:`mapping_for`), or, when no close ends the day before it starts, the
    period itself among those without a predecessor."""
    specs, alone = [], []
    for p in every:
        if wanted is not None and p.table not in wanted:
            continue
        q = preceding(p, every)
        if q is None:
            alone.append(p)
        else:
            specs.append(mapping_for(q, p, files))
    return specs, alone


def unused_mappings(files: list[Spec], used: list[Spec]) -> list[Spec]:
    """Mapping files that name tables no pair of consecutive periods has (a typo, a period
    removed): the check they describe cannot run."""
    paths_used = {s.path for s in used}
    return [
        s
        for s in files
        if s.path not in paths_used
        and any((s.data.get(k) or {}).get("table") for k in ("from", "to"))
    ]


def _year(t: Table) -> str:
    """The year a table's period ends in ("2024" for 2024-01-01/2024-12-31)."""
    return str(t.meta.get("period", "")).split("/")[-1][:4]


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
        compared too. An area that cannot be followed (:func:`mapped`) is a finding of rule
        ``continuity_mapping`` (oklar) on B, naming the mapping file to write; every other
        area is still compared.

    Raises
    ------
    SpecError
        When the mapping names a table that does not exist, or a column either lacks.
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
    groups, problems = mapped(spec, a, b)
    file = spec.get("file") or mapping_file(_year(a), _year(b))
    findings = [_unmapped(p, a, b, a_col, b_col, file) for p in problems]
    at, bt = a.rows_with_role("total"), b.rows_with_role("total")
    if at and bt:
        groups.append((at, bt))
    closing = closing_values(a, a_key)
    for a_rows, b_rows in groups:
        findings += _group(a, b, a_rows, b_rows, a_col, b_col, closing, tolerance)
    return findings


def _unmapped(p: Unmapped, a: Table, b: Table, a_col: str, b_col: str, file: str) -> Finding:
    """An area the mapping does not follow, as a reading on the later period's table."""
    return reading(
        "continuity_mapping",
        b,
        p.area,
        b_col,
        cells=[CellRef(p.table, p.area, a_col if p.table == a.id else b_col)],
        params={"area": p.area, "in": p.table, "problem": p.problem, "file": file},
        source=(a if p.table == a.id else b).source(p.area),
    )


def _group(a, b, a_rows, b_rows, a_col, b_col, closing, tolerance) -> list[Finding]:
    """B's printed opening balances of a group of areas against A's closing balances."""
    a_vals = [closing[r] for r in a_rows if not np.isnan(closing[r])]
    a_cells = [Cell(a, r, a_col) for r in a_rows]
    b_cells = [Cell(b, r, b_col) for r in b_rows]
    b_printed = [c for c in b_cells if not c.blank]
    if not a_vals and not b_printed:
        return []
    return equal(
        "continuity",
        b,
        " + ".join(b_rows),
        b_col,
        sum(c.value for c in b_printed) if b_printed else None,
        sum(a_vals),
        tolerance_of(halves("continuity", b_printed), halves("continuity", a_cells), tolerance),
        cells=[*(c.ref for c in b_cells), *(c.ref for c in a_cells)],
        params={"rows": list(b_rows)},
        source="; ".join([b.source(b_rows[0])] + [a.source(r) for r in a_rows]),
    )
