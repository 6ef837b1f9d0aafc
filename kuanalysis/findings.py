"""A finding of the reconciliation: where, what was printed, what it should be, by how much."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import pandas as pd

#: Columns of ``kuanalysis check``'s CSV: a contract, keep stable.
FINDING_COLUMNS = [
    "document", "table", "row", "column", "check",
    "reported", "expected", "difference", "status", "source",
]

#: a break beyond rounding | within the printed rounding | blank cell with an implied value |
#: the source row is ambiguous
STATUSES = ("avvikelse", "avrundning", "saknas", "oklar")


@dataclass(frozen=True)
class Finding:
    document: str
    table: str
    row: str
    column: str
    check: str
    reported: float | None
    expected: float | None
    difference: float | None
    status: str
    source: str

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"okänd status {self.status!r}; väntade en av {STATUSES}")


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    if not findings:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return pd.DataFrame([asdict(f) for f in findings], columns=[f.name for f in fields(Finding)])


#: Swedish column headings for the statuses, in reading order.
STATUS_HEADINGS = {"avvikelse": "Avvikelser", "avrundning": "Avrundning", "saknas": "Tomma celler",
                   "oklar": "Oklar läsning"}


def status_counts(findings: list[Finding], titles: dict[str, str] | None = None) -> pd.DataFrame:
    """Findings per document and status (rows: document title, columns: Swedish headings)."""
    titles = titles or {}
    frame = to_frame(findings)
    counts = (pd.crosstab(frame["document"], frame["status"]) if len(frame)
              else pd.DataFrame(columns=list(STATUSES)))
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    # every known document is listed, a clean one with zeros (the control shows it is checked)
    counts = counts.reindex(sorted(set(counts.index) | set(titles)), fill_value=0)
    counts.index = [titles.get(d, d) for d in counts.index]
    counts.index.name = "Dokument"
    return counts.rename(columns=STATUS_HEADINGS).astype(int)
