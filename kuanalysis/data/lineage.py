"""Which earlier table a table was imported like, and which of its rows each row was.

``kuanalysis import`` writes ``like: <table>`` in a new table's sidecar, and ``like: <label>``
on a row whose printed label differs from the row it was paired with. Following ``like``
back, table by table, gives every ancestor of a table and, for each, its rows by the
ancestor's labels: what lets a check written for one period run on the next ones.

Only sidecars are read (``{table id: sidecar}``); a chain stops at a table that is gone, or
that it has met before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Ancestor:
    """An earlier table a table follows, and the table's rows by that table's labels.

    Attributes
    ----------
    table : str
        The earlier table's id (the table itself is its own first ancestor).
    rows : dict
        The earlier table's row label -> this table's row label, for the rows that continue.
    """

    table: str
    rows: dict[str, str]


def ancestors(table: str, metas: Mapping[str, dict]) -> list[Ancestor]:
    """``table`` itself, then every table it follows through ``like``, nearest first."""
    meta = metas[table]
    rows = {r["label"]: r["label"] for r in _rows(meta)}
    out = [Ancestor(table, dict(rows))]
    seen = {table}
    while isinstance(meta.get("like"), str) and meta["like"] in metas and meta["like"] not in seen:
        rows = {
            r.get("like", r["label"]): rows[r["label"]] for r in _rows(meta) if r["label"] in rows
        }
        table = meta["like"]
        seen.add(table)
        meta = metas[table]
        out.append(Ancestor(table, dict(rows)))
    return out


def descendants(metas: Mapping[str, dict]) -> dict[str, list[tuple[str, Ancestor]]]:
    """Ancestor id -> every table that follows it (itself included): (table id, the
    :class:`Ancestor` entry giving that table's rows by the ancestor's labels)."""
    out: dict[str, list[tuple[str, Ancestor]]] = {}
    for tid in sorted(metas):
        for a in ancestors(tid, metas):
            out.setdefault(a.table, []).append((tid, a))
    return out


def _rows(meta: dict) -> list[dict]:
    rows = meta.get("rows")
    return (
        [r for r in rows if isinstance(r, dict) and "label" in r] if isinstance(rows, list) else []
    )
