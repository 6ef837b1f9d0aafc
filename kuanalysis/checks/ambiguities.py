"""Readings: one ``oklar`` finding per row the sidecar lists under ``ambiguities``.

The reading chosen (``placed``) is stated; the other rules still run on the chosen reading.
An ambiguity may name several rows separated by ", " when no single row has that label.
"""

from __future__ import annotations

from ..data.table import Table
from ..errors import DataError
from .compare import reading
from .findings import Finding


def check_ambiguities(table: Table) -> list[Finding]:
    """One ``oklar`` finding per row an ambiguity names."""
    findings = []
    labels = list(table.values.index)
    for amb in table.meta.get("ambiguities") or []:
        rows = (
            [amb["row"]]
            if amb["row"] in labels
            else [r.strip() for r in str(amb["row"]).split(",")]
        )
        for row in rows:
            if row not in labels:
                raise DataError(f"{table.id}: ambiguities nämner raden {row!r}, som inte finns")
            findings.append(
                reading(
                    "ambiguity",
                    table,
                    row,
                    amb.get("column", ""),
                    params={"placed": amb.get("placed", "")},
                )
            )
    return findings
