"""Findings as a reader sees them: numbered, marked in the printed table, one sentence each.

Every text comes from the rule registry (:mod:`kuanalysis.checks.rules`); which sentence a
finding gets is decided by its rule id and status, never by its text.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks.findings import Finding
from ..checks.rules import PRIORITY, RULES, STATUSES
from ..checks.runner import report_order
from ..data.table import Table
from . import fmt, html


def number_findings(
    findings: list[Finding], tables_first: list[str] | None = None
) -> list[tuple[int, Finding]]:
    """Number findings 1, 2, ... in report order (:func:`~kuanalysis.checks.runner.report_order`)."""
    return list(enumerate(report_order(findings, tables_first or []), 1))


def figure(x) -> str:
    """A figure with as many decimals as it has (at most 3), Swedish style; – for a blank."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return fmt.BLANK
    return fmt.number(x, decimals(x))


def decimals(x: float) -> int:
    """How many decimals a figure needs to be shown as it is (at most 3)."""
    for d in range(4):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return 3


def explain(finding: Finding, unit: str = "") -> str:
    """One plain-Swedish sentence that says what is wrong with a flagged cell.

    Parameters
    ----------
    finding : Finding
    unit : str
        The unit of the figures (tkr, mnkr, %); shown after each figure.
    """
    f = finding
    rule = RULES[f.rule]
    u = f"\u00a0{unit}" if unit else ""
    if f.rule == "ambiguity":
        placed = f.params.get("placed", "")
        return (
            f"Raden ”{f.row}”: textutdraget ur källan kan läsas på mer än ett sätt; "
            f"avskriften har valt {placed or rule.basis_text(f.params)}, "
            f"och de andra kontrollerna bygger på det valet."
        )
    if rule.logic == "reading" and rule.says is not None:
        return rule.says(f.params)
    if rule.logic == "reading":
        return f"Kolumnen ”{f.column}”: {rule.sentence}"
    rows = f.rows
    if f.rule == "claim":
        where = f"Texten ”{f.row}”"
    elif len(rows) > 1:
        where = f"Raderna {', '.join(f'”{r}”' for r in rows)} tillsammans, kolumnen ”{f.column}”,"
    elif f.rule != "share_parts_100" and f.column:
        where = f"Raden ”{f.row}”, kolumnen ”{f.column}”,"
    else:
        where = f"Raden ”{f.row}”"
    basis = rule.basis_text(f.params)
    if f.status == "saknas":
        return f"{where} är tom i källan, men {basis} ger {figure(f.expected)}{u}."
    size = (
        "skillnaden ryms i avrundningen av de tryckta talen"
        if f.status == "avrundning"
        else "skillnaden är större än avrundning kan förklara"
    )
    if f.rule == "share_parts_100":
        return (
            f"Raden ”{f.row}”: delarna summerar till {figure(f.reported)}{u} i stället för "
            f"100 %; {size}."
        )
    assert f.difference is not None  # a comparison's finding other than saknas has one
    diff = fmt.number(f.difference, decimals(f.difference), sign=True)
    return (
        f"{where} anger {figure(f.reported)}{u}, men {basis} ger {figure(f.expected)}{u} "
        f"(skillnad {diff}{u}); {size}."
    )


def unit_of(finding: Finding, tables: dict[str, Table]) -> str:
    """The unit a finding's figures are in: the row's unit in its table, else the table's."""
    t = tables.get(finding.table)
    if t is None:
        return ""
    try:
        return t.row_unit(finding.rows[0] if finding.rows else "")
    except KeyError:
        return t.unit


def findings_sentence(findings: list[Finding]) -> str:
    """How many findings of each status, in one sentence."""
    if not findings:
        return "Avstämningen av tabellerna gav inga anmärkningar."
    counts = {s: sum(f.status == s for f in findings) for s in STATUSES}
    parts = [
        f"{n} {STATUSES[s].one if n == 1 else STATUSES[s].many}" for s, n in counts.items() if n
    ]
    text = ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1]
    return f"Avstämningen av tabellerna gav {text}; se avsnittet Avstämning."


def statement_view(
    table: Table, numbered: list[tuple[int, Finding]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table as printed plus a ``Fynd`` column, and the CSS classes marking each cell.

    Returns
    -------
    (values, marks)
        ``values``: ``Fynd`` first (the finding numbers of the row, "" when none), then the
        printed figures (NaN = blank). ``marks``: same shape, the status of the strongest
        finding on each cell, "" where none. A finding about a whole row, or about a column
        the table does not print, marks the row's ``Fynd`` cell.
    """
    values = table.values.copy()
    values.insert(0, "Fynd", "")  # first, so row marks stay in view when a wide table scrolls
    marks = pd.DataFrame("", index=values.index, columns=values.columns)

    def put(row, col, status):
        old = marks.at[row, col]
        if not old or PRIORITY[status] < PRIORITY[old]:
            marks.at[row, col] = status

    for nr, f in numbered:
        if f.table != table.id:
            continue
        for row in f.rows:
            if row not in values.index:
                continue
            values.at[row, "Fynd"] = ", ".join(filter(None, [values.at[row, "Fynd"], str(nr)]))
            put(row, f.column if f.column in table.values.columns else "Fynd", f.status)
    return values, marks


def findings_table(
    numbered: list[tuple[int, Finding]], tables: dict[str, Table]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings list as shown to readers, and marks for its status column.

    Returns
    -------
    (frame, marks)
        ``frame`` indexed by ``Nr`` with ``Status``, ``Tabell``, ``Rad``, ``Kolumn``,
        ``Tryckt``, ``Beräknat``, ``Skillnad``, ``Enhet``, ``Källa`` (file and line);
        ``marks`` colours the status cell.
    """
    cols = ["Status", "Tabell", "Rad", "Kolumn", "Tryckt", "Beräknat", "Skillnad", "Enhet", "Källa"]
    records = []
    for nr, f in numbered:
        records.append(
            {
                "Nr": nr,
                "Status": STATUSES[f.status].label,
                "Tabell": f.table,
                "Rad": f.row,
                "Kolumn": f.column,
                "Tryckt": np.nan if f.reported is None else f.reported,
                "Beräknat": np.nan if f.expected is None else f.expected,
                "Skillnad": np.nan if f.difference is None else f.difference,
                "Enhet": unit_of(f, tables),
                # file name and line are enough here; the full path is in the CSV
                "Källa": "; ".join(Path(x).name for x in f.source.split("; ")),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=["Nr"] + cols).set_index("Nr")
    marks = pd.DataFrame("", index=frame.index, columns=frame.columns)
    marks["Status"] = [f.status for _, f in numbered]
    return frame, marks


def findings_html(
    numbered: list[tuple[int, Finding]], tables: dict[str, Table], id: str = "fynd"
) -> html.Markup:
    """The numbered explanations and the findings list, as one piece of markup."""
    frame, marks = findings_table(numbered, tables)
    return html.join(
        [
            html.items([explain(f, unit_of(f, tables)) for _, f in numbered], ordered=True),
            html.table(
                frame,
                id=id,
                caption=f"Fynd ({len(frame)} st)",
                marks=marks,
                formats={"Tryckt": figure, "Beräknat": figure, "Skillnad": figure},
            ),
        ]
    )


def errors_html(findings) -> html.Markup:
    """Checks that could not run, as a warning box (empty markup when all ran)."""
    errors = getattr(findings, "errors", [])
    if not errors:
        return html.Markup("")
    return html.paragraph(
        [
            "Följande kontroller kunde inte köras, och deras fynd saknas ovan: "
            + "; ".join(f"{e.check} ({e.table}): {e.message}" for e in errors)
        ],
        box=True,
    )


#: Each status as a reader's index counts it: (one, many), strongest first.
SHORT_COUNTS = {
    "avvikelse": ("avvikelse", "avvikelser"),
    "saknas": ("tom cell", "tomma celler"),
    "oklar": ("oklar läsning", "oklara läsningar"),
    "avrundning": ("avrundningsskillnad", "avrundningsskillnader"),
}


def count_line(findings) -> str:
    """What the findings are, counted in one line: ``8 avvikelser, 2 tomma celler``.

    Statuses in :data:`SHORT_COUNTS` order, those with none left out; no finding gives
    ``inga fynd: tabellerna går ihop``.
    """
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    parts = [
        f"{fmt.number(counts[s])} {one if counts[s] == 1 else many}"
        for s, (one, many) in SHORT_COUNTS.items()
        if counts.get(s)
    ]
    parts += [f"{fmt.number(n)} {s}" for s, n in sorted(counts.items()) if s not in SHORT_COUNTS]
    return ", ".join(parts) or "inga fynd: tabellerna går ihop"
