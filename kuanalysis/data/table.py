"""The in-memory form of one source table: figures, printed text, sidecar and provenance.

:func:`kuanalysis.data.load_table` builds these from ``data/raw``; checks and models read them.
Tests build small ones by hand with :func:`Table.from_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Table:
    """One source table.

    Attributes
    ----------
    meta : dict
        The sidecar (see ``data/raw/README.md``): table, document, heading, unit, kind,
        columns (label/key/role), rows (label/role/...), notes, ambiguities.
    values : pandas.DataFrame
        Index = row labels as printed, columns = column labels as printed; float, NaN = blank.
        Text columns (role ``text``) are not included.
    text : pandas.DataFrame
        The printed cell text, same shape as ``values`` plus text columns; "" = blank.
    source_file : str
        The raw file, relative to the project root (``data/raw/...``).
    source_rows : dict
        Row label -> line number in the raw file (header is line 1).
    sources : tuple of Source
        The raw file and its sidecar with their SHA-256 (a report's provenance lists them).
    """

    meta: dict
    values: pd.DataFrame
    text: pd.DataFrame
    source_file: str = ""
    source_rows: dict = field(default_factory=dict)
    sources: tuple = ()

    # -- identity -----------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.meta["table"]

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def unit(self) -> str:
        return self.meta.get("unit", "")

    @property
    def document(self) -> str:
        return self.meta.get("document", "")

    @property
    def heading(self) -> str:
        return self.meta.get("heading", self.id)

    # -- rows and columns ---------------------------------------------------------------
    def row_meta(self, label: str) -> dict:
        for r in self.meta.get("rows", []):
            if r["label"] == label:
                return r
        raise KeyError(f"{self.id}: ingen rad {label!r}")

    def col_meta(self, label: str) -> dict:
        for c in self.meta.get("columns", []):
            if c["label"] == label:
                return c
        raise KeyError(f"{self.id}: ingen kolumn {label!r}")

    def rows_with_role(self, *roles: str) -> list[str]:
        return [r["label"] for r in self.meta.get("rows", []) if r.get("role") in roles]

    def column(self, key: str) -> str | None:
        """The printed label of the column with this key, or None if the table has none."""
        for c in self.meta.get("columns", []):
            if c.get("key") == key:
                return c["label"]
        return None

    def keys(self) -> dict[str, str]:
        """Column key -> printed label."""
        return {c["key"]: c["label"] for c in self.meta.get("columns", []) if "key" in c}

    def row_unit(self, label: str) -> str:
        return self.row_meta(label).get("unit", self.unit)

    def source(self, row: str) -> str:
        """Provenance of a row as shown in findings: ``file:line``."""
        line = self.source_rows.get(row)
        return f"{self.source_file}:{line}" if line else self.source_file

    # -- cells, looked up often by the checks --------------------------------------------
    def figure(self, row: str, column: str) -> float:
        """``values.at[row, column]`` (NaN when blank), from a lookup built at the first call.

        A table's frames are not changed in place once it is built: a changed table is a
        copy (``dataclasses.replace``), which builds a lookup of its own. With a repeated
        label, what ``.at`` gives.
        """
        return self._lookup("values")[row, column]

    def printed(self, row: str, column: str) -> str:
        """``text.at[row, column]``, the cell as printed, looked up as :meth:`figure` is."""
        return self._lookup("text")[row, column]

    def _lookup(self, name: str):
        """(row, column) -> cell of the frame ``name``: a dict (pandas' ``.at`` costs tens of
        microseconds a call, the checks make thousands), or ``.at`` itself when a label
        repeats."""
        lookups = self.__dict__.setdefault("_lookups", {})
        if name not in lookups:
            frame = getattr(self, name)
            if frame.index.is_unique and frame.columns.is_unique:
                lookups[name] = {
                    (r, c): v for c, col in frame.items() for r, v in zip(frame.index, col.tolist())
                }
            else:
                lookups[name] = frame.at
        return lookups[name]

    # -- construction for tests ---------------------------------------------------------
    @classmethod
    def from_rows(cls, meta: dict, rows: dict[str, list], source_file: str = "test.csv") -> Table:
        """Build a table from ``{row label: [cell per column]}`` and a sidecar (for tests).

        ``meta['columns']`` gives the column order. A cell is None (blank), a number, or the
        printed text (``"8,0"``, whose precision the checks then read from it).
        """
        from .numbers import parse_number

        labels = [c["label"] for c in meta["columns"] if c.get("role", "value") != "text"]

        def value(v):
            if v is None:
                return np.nan
            return (
                parse_number(v, file=source_file, row=None, column=None)
                if isinstance(v, str)
                else float(v)
            )

        def printed(v):
            return "" if v is None else v if isinstance(v, str) else f"{float(v):g}"

        values = pd.DataFrame.from_dict(
            {k: [value(v) for v in vals] for k, vals in rows.items()},
            orient="index",
            columns=labels,
        )
        values.index.name = meta.get("label_column", "[rad]")
        text = pd.DataFrame.from_dict(
            {k: [printed(v) for v in vals] for k, vals in rows.items()},
            orient="index",
            columns=labels,
        )
        text.index.name = values.index.name
        meta = dict(meta)
        meta.setdefault("rows", [{"label": k, "role": "area"} for k in rows])
        src = {k: i + 2 for i, k in enumerate(rows)}
        return cls(meta=meta, values=values, text=text, source_file=source_file, source_rows=src)
