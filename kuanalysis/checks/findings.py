"""A finding of the reconciliation, as data: a rule, the cells, the figures, the status.

A :class:`Finding` names its rule id (:data:`~kuanalysis.checks.rules.RULES`), where it is
(table, row, column as printed), the cells it refers to, what was printed, what it should be
and the difference. Its texts (the ``check`` column, explanations) come from the registry.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..data.cells import CellRef
from .rules import LOGIC_STATUSES, RULES, STATUSES

#: Columns of ``kuanalysis check``'s CSV: a contract, keep stable (extend at the end).
FINDING_COLUMNS = [
    "document",
    "table",
    "row",
    "column",
    "check",
    "reported",
    "expected",
    "difference",
    "status",
    "source",
    "rule",
    "explained_by",
]


@dataclass(frozen=True)
class Finding:
    """One finding.

    Attributes
    ----------
    rule : str
        Rule id (a key of :data:`~kuanalysis.checks.rules.RULES`).
    document, table, row, column : str
        Where: the source document, the table id, and the row and column as printed. A
        finding about several rows joins their labels with " + " (``rows`` in ``params``).
    reported, expected, difference : float or None
        What was printed (None = blank), what the rule gives, reported - expected.
    status : str
        ``avvikelse``, ``avrundning``, ``saknas`` or ``oklar``.
    source : str
        ``file:line`` of the printed figure(s), "; "-separated.
    cells : tuple of CellRef
        The cells the finding is about: the reported cell(s) first, then those the expected
        figure was computed from.
    params : dict
        What the rule's texts need (blank columns, netting treatment, compared cells, ...).
    """

    rule: str
    document: str
    table: str
    row: str
    column: str
    reported: float | None
    expected: float | None
    difference: float | None
    status: str
    source: str
    cells: tuple[CellRef, ...] = ()
    params: dict = field(default_factory=dict, hash=False)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"okänd status {self.status!r}; väntade en av {tuple(STATUSES)}")
        if self.rule not in RULES:
            raise ValueError(f"okänd regel {self.rule!r}")
        logic = RULES[self.rule].logic
        if self.status not in LOGIC_STATUSES[logic]:
            raise ValueError(
                f"regeln {self.rule} ({logic}) kan inte ge status {self.status!r}; "
                f"väntade en av {sorted(LOGIC_STATUSES[logic])}"
            )

    @property
    def check(self) -> str:
        """The ``check`` text of the CSV, from the rule registry."""
        return RULES[self.rule].check_text(self.params)

    @property
    def explained_by(self) -> str:
        """The cell whose error explains this finding too (``row / column``), or ""."""
        cell = self.params.get("explained_by")
        return f"{cell[0]} / {cell[1]}" if cell else ""

    @property
    def rows(self) -> list[str]:
        """The row labels the finding is located at (several for a group of rows)."""
        return list(self.params.get("rows") or ([self.row] if self.row else []))

    def line(self) -> int:
        """The line in the raw file of the first printed figure (0 when unknown)."""
        m = re.match(r".*?:(\d+)", self.source)
        return int(m.group(1)) if m else 0


@dataclass(frozen=True)
class CheckError:
    """A check that could not run: no findings from it, and never a zero.

    ``bad_input`` is True when the input (a table, a mapping file) is at fault, False for a
    fault in the code; ``kuanalysis check`` exits 2 or 1 accordingly.
    """

    document: str
    table: str
    check: str
    message: str
    bad_input: bool = False


class Findings(list):
    """Findings, with ``errors`` (checks that could not run), ``notes`` (information) and
    ``checked`` (how many checks were made, by table id)."""

    def __init__(self, items=(), errors=None, notes=None, checked=None) -> None:
        super().__init__(items)
        self.errors: list[CheckError] = list(errors or [])
        self.notes: list[str] = list(notes or [])
        self.checked: dict[str, int] = dict(checked or {})


def canonical_order(findings: list[Finding]) -> list[Finding]:
    """Document, table, line in the raw file, row, column, check: the CSV's order."""
    return sorted(findings, key=lambda f: (f.document, f.table, f.line(), f.row, f.column, f.check))


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a frame with the CSV's columns."""
    records = [{c: getattr(f, c) for c in FINDING_COLUMNS} for f in findings]
    return pd.DataFrame(records, columns=FINDING_COLUMNS)


def _plain(x) -> str:
    """A number as a plain decimal with a dot (no exponent); blank for None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return np.format_float_positional(round(float(x), 9), trim="-")


def write_csv(findings: list[Finding], out: str | os.PathLike) -> Path:
    """Write findings as the ``kuanalysis check`` CSV (temp file, then rename)."""
    out = Path(out)
    frame = to_frame(list(findings))
    for col in ("reported", "expected", "difference"):
        frame[col] = [_plain(v) for v in frame[col]]
    with paths.atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return out


def status_counts(findings: list[Finding], titles: dict[str, str] | None = None) -> pd.DataFrame:
    """Findings per document and status (rows: document title, columns: Swedish headings)."""
    titles = titles or {}
    frame = to_frame(findings)
    ids = list(STATUSES)
    counts = (
        pd.crosstab(frame["document"], frame["status"]) if len(frame) else pd.DataFrame(columns=ids)
    )
    counts = counts.reindex(columns=ids, fill_value=0)
    # every known document is listed, a clean one with zeros (the control shows it is checked)
    counts = counts.reindex(sorted(set(counts.index) | set(titles)), fill_value=0)
    counts.index = [titles.get(d, d) for d in counts.index]
    counts.index.name = "Dokument"
    return counts.rename(columns={s: STATUSES[s].heading for s in ids}).astype(int)


def summary(findings: Findings, documents: Mapping[str, Iterable[str]] | None = None) -> str:
    """A Swedish summary: for every document, the checks made and the findings by status
    (a document with none says so), then the notes (``Info:``).

    Parameters
    ----------
    findings : Findings
    documents : mapping, optional
        Document -> the ids of its tables: every document listed, zero included (without
        it, the documents with findings).
    """
    docs = {d: list(ids) for d, ids in (documents or {}).items()}
    for f in findings:
        docs.setdefault(f.document, [])
    by_doc: dict[str, Counter] = {d: Counter() for d in docs}
    for f in findings:
        by_doc[f.document][f.status] += 1
    checked = getattr(findings, "checked", {})
    lines = []
    for doc in sorted(docs):
        n = sum(checked.get(t, 0) for t in docs[doc])
        counts = by_doc[doc]
        found = sum(counts.values())
        shown = (
            f"{found} fynd (" + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) + ")"
            if found
            else "inga fynd"
        )
        lines.append(
            f"{doc or '(mellan tabeller)'}: {n} {'kontroll' if n == 1 else 'kontroller'}, {shown}"
        )
    if not docs:
        lines.append("Inga tabeller.")
    lines += [f"Info: {n}" for n in getattr(findings, "notes", [])]
    return "\n".join(lines)


def error_lines(findings: Findings) -> list[str]:
    """The checks that could not run, one ``Fel:`` line each."""
    return [
        f"Fel: kontrollen {e.check} av {e.table} kunde inte köras: {e.message}"
        for e in getattr(findings, "errors", [])
    ]
