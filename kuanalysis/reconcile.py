"""Reconciliation: the arithmetic each printed table must obey, as findings.

Each check is a statement of what must hold for one table kind (declared in the sidecar's
``kind``), so a new period is checked with no code change. A check takes a
:class:`~kuanalysis.table.Table` and an explicit ``tolerance`` and returns a list of
:class:`~kuanalysis.findings.Finding`; exact agreement gives no finding.

Tolerance, when not given, comes from the precision the figures were printed with: a figure
printed with ``d`` decimals is off by at most half a unit in its last place, so a sum of ``n``
printed terms may be off by the sum of their half-units (``n * 0.5`` for whole tkr, ``n * 0.05``
for mnkr with one decimal). Comparisons between tables use the coarser figure's half-unit.

Statuses: ``avvikelse`` (break beyond rounding), ``avrundning`` (nonzero, within rounding),
``saknas`` (blank cell whose value the identities imply), ``oklar`` (the sidecar lists an
ambiguity for the row).

Cross-period continuity and cross-table pairings are data, not code:
``data/raw/kontinuitet/*.yaml`` and ``data/raw/*/korskontroller*.yaml``.
"""
from __future__ import annotations

import math
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from . import paths
from .findings import FINDING_COLUMNS, Finding, to_frame
from .table import Table

#: Scale of each money unit in kronor (conversions between tables and text claims).
UNIT_FACTORS = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6}

#: Differences below this are exact agreement (float noise of sums of decimals).
EXACT = 1e-9


# -- precision and status ------------------------------------------------------------------

def half_unit(text: str) -> float:
    """Half a unit in the last printed place of a figure: the most its rounding can hide.

    Parameters
    ----------
    text : str
        The printed cell text (``"60 896"``, ``"28,9"``, ``"1,8 mnkr"``, ``"34 %"``).

    Returns
    -------
    float
        0.5 for a whole number, 0.05 for one decimal, 0.005 for two, ...
    """
    number = re.sub(r"[^\d,.]", "", str(text))
    for sep in (",", "."):  # "." only appears in test tables built from floats
        if sep in number:
            return 0.5 * 10.0 ** -len(number.rsplit(sep, 1)[1])
    return 0.5


def status_of(difference: float, tolerance: float) -> str | None:
    """``None`` for exact agreement, ``avrundning`` within ``tolerance``, else ``avvikelse``."""
    if abs(difference) <= EXACT:
        return None
    return "avrundning" if abs(difference) <= tolerance + EXACT else "avvikelse"


def _convert(value: float, unit_from: str, unit_to: str) -> float:
    if unit_from == unit_to:
        return value
    if unit_from not in UNIT_FACTORS or unit_to not in UNIT_FACTORS:
        raise ValueError(f"kan inte räkna om {unit_from!r} till {unit_to!r}")
    return value * UNIT_FACTORS[unit_from] / UNIT_FACTORS[unit_to]


@dataclass(frozen=True)
class Cell:
    """One printed (or blank) cell of a table, with what a check needs to know about it."""

    table: Table
    row: str
    column: str

    @property
    def value(self) -> float:
        return float(self.table.values.at[self.row, self.column])

    @property
    def blank(self) -> bool:
        return bool(np.isnan(self.value))

    @property
    def half(self) -> float:
        return half_unit(self.table.text.at[self.row, self.column])

    @property
    def unit(self) -> str:
        return self.table.row_unit(self.row)


def _compare(table: Table, row: str, column: str, check: str, reported: float,
             expected: float, tolerance: float, source: str | None = None) -> list[Finding]:
    """A finding when ``reported`` differs from ``expected``; blank reported -> ``saknas``."""
    src = source or table.source(row)
    if reported is None or (isinstance(reported, float) and np.isnan(reported)):
        if abs(expected) <= tolerance + EXACT:  # a blank where nothing is implied is just blank
            return []
        return [Finding(table.document, table.id, row, column, check, None, float(expected),
                        None, "saknas", src)]
    diff = float(reported) - float(expected)
    status = status_of(diff, tolerance)
    if status is None:
        return []
    return [Finding(table.document, table.id, row, column, check, float(reported),
                    float(expected), diff, status, src)]


def _tol(tolerance: float | None, halves) -> float:
    return float(tolerance) if tolerance is not None else float(sum(halves))


# -- fund statement ------------------------------------------------------------------------

#: Blank means zero here: nothing was paid out or transferred.
_ZERO_IF_BLANK = ("utbetalt", "overforda")

#: Row identities of a fund statement: (result key, [(term key, sign)], check name).
FUND_IDENTITIES = [
    ("disponibla", [("ib", 1), ("erhallna", 1)], "disponibla = ingående balans + erhållna"),
    ("kvarvarande", [("disponibla", 1), ("utfall", -1), ("utbetalt", -1), ("overforda", -1)],
     "kvarvarande = disponibla - utfall - utbetalt - överförda"),
]


def _row_identities(table: Table, row: str, tolerance: float | None,
                    known: dict[str, float] | None = None,
                    report_blanks: bool = True) -> tuple[list[Finding], dict[str, float]]:
    """Check the row identities of one fund-statement row.

    A blank cell that an identity determines (the only unknown) is a ``saknas`` finding with
    the implied value, and the implied value is used by the next identity. ``known`` supplies
    values for blank cells that another check has implied (blank cells of the total row).
    """
    keys = table.keys()
    known = dict(known or {})
    findings: list[Finding] = []
    vals = table.values.loc[row]
    if vals.isna().all():
        return findings, known

    def get(key):
        label = keys.get(key)
        if label is None:
            return 0.0, 0.0, True  # the table has no such column: the term is absent
        v = vals[label]
        if not np.isnan(v):
            return float(v), half_unit(table.text.at[row, label]), True
        if key in known:
            return known[key], 0.0, True
        if key in _ZERO_IF_BLANK:
            return 0.0, 0.0, True
        return None, 0.0, False

    for result, terms, check in FUND_IDENTITIES:
        if keys.get(result) is None:
            continue
        got = {k: get(k) for k, _ in terms}
        res_value, _, res_known = get(result)
        unknown_terms = [k for k, _ in terms if keys.get(k) is not None and not got[k][2]]
        printed_terms = [k for k, _ in terms if got[k][2]]
        halves = [got[k][1] for k, _ in terms]
        if not unknown_terms and res_known:
            total = sum(s * got[k][0] for k, s in terms)
            if np.isnan(vals[keys[result]]):
                continue  # result came from `known`: already reported where it was implied
            findings += _compare(table, row, keys[result], check, res_value, total,
                                 _tol(tolerance, halves))
        elif not unknown_terms and not res_known:
            implied = sum(s * got[k][0] for k, s in terms)
            if report_blanks:
                findings += _compare(table, row, keys[result], check, None, implied,
                                     _tol(tolerance, halves))
            known[result] = implied
        elif len(unknown_terms) == 1 and res_known:
            k = unknown_terms[0]
            sign = dict(terms)[k]
            implied = sign * (res_value - sum(s * got[t][0] for t, s in terms if t != k))
            if report_blanks:
                findings += _compare(table, row, keys[k], check, None, implied,
                                     _tol(tolerance, halves))
            known[k] = implied
        elif not res_known and printed_terms:
            # Several blanks: the blank terms count as nothing received/spent; the result is
            # what the printed terms imply.
            implied = sum(s * got[k][0] for k, s in terms if got[k][2])
            names = ", ".join(table.keys()[k] for k in unknown_terms)
            if report_blanks:
                findings += _compare(table, row, keys[result], f"{check} (tomma: {names} = 0)",
                                     None, implied, _tol(tolerance, halves))
            known[result] = implied
    return findings, known


def netting_treatment(table: Table) -> dict[str, str]:
    """Whether each column's printed total includes the netting rows.

    Parameters
    ----------
    table : Table
        A fund statement.

    Returns
    -------
    dict
        Column label -> ``"inkl"`` (total = areas + netting), ``"exkl"`` (total = areas),
        or ``""`` (the netting rows print nothing in the column, or there is no total).
        A column whose total is blank takes the treatment most other columns have.
    """
    totals = table.rows_with_role("total")
    netting = table.rows_with_role("netting")
    areas = table.rows_with_role("area")
    out: dict[str, str] = {}
    for col in table.values.columns:
        net = table.values.loc[netting, col].sum(min_count=1) if netting else np.nan
        if not totals or np.isnan(net) or net == 0:
            out[col] = ""
            continue
        reported = table.values.at[totals[0], col]
        if np.isnan(reported):
            out[col] = "?"
            continue
        a = table.values.loc[areas, col].sum()
        out[col] = "inkl" if abs(reported - (a + net)) <= abs(reported - a) else "exkl"
    majority = Counter(v for v in out.values() if v in ("inkl", "exkl")).most_common(1)
    for col, v in out.items():
        if v == "?":
            out[col] = majority[0][0] if majority else "inkl"
    return out


def check_fund_statement(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a fund statement (kind ``fund_statement``).

    What must hold: per area row and for the total row, disponibla = ib + erhallna and
    kvarvarande = disponibla - utfall - utbetalt - overforda (blank utbetalt/overforda = 0;
    another blank that an identity determines is ``saknas`` with the implied value);
    varav_statliga <= kvarvarande; each column's total = the sum of the area rows, plus the
    netting rows when the printed total includes them (see :func:`netting_treatment`; the
    check name says which). The netting rows obey the identities where they print figures.

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        Absolute tolerance in the table's unit for every comparison. Default: the sum of the
        half-units of the printed terms (``n * 0.5`` for whole numbers).

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    keys = table.keys()
    areas = table.rows_with_role("area")
    netting = table.rows_with_role("netting")
    totals = table.rows_with_role("total")
    for row in areas:
        f, known = _row_identities(table, row, tolerance)
        findings += f
        findings += _statliga(table, row, known, tolerance)
    for row in netting:  # redistribution only: check what is printed, imply nothing
        f, _ = _row_identities(table, row, tolerance, report_blanks=False)
        findings += f

    implied_total: dict[str, float] = {}
    if totals:
        total = totals[0]
        treatment = netting_treatment(table)
        label_to_key = {v: k for k, v in keys.items()}
        for col in table.values.columns:
            parts = areas + (netting if treatment[col] == "inkl" else [])
            cells = [Cell(table, r, col) for r in parts]
            printed = [c for c in cells if not c.blank]
            if not printed:
                continue
            expected = sum(c.value for c in printed)
            name = {"inkl": "kolumnsumma (inkl. nettoraden)",
                    "exkl": "kolumnsumma (exkl. nettoraden)"}.get(treatment[col], "kolumnsumma")
            reported = table.values.at[total, col]
            findings += _compare(table, total, col, name,
                                 None if np.isnan(reported) else reported, expected,
                                 _tol(tolerance, [c.half for c in printed]))
            if np.isnan(reported) and col in label_to_key:
                implied_total[label_to_key[col]] = expected
        f, known = _row_identities(table, total, tolerance, known=implied_total)
        findings += f
        findings += _statliga(table, total, known, tolerance)
    return findings


def _statliga(table, row, known, tolerance) -> list[Finding]:
    keys = table.keys()
    if "varav_statliga" not in keys or "kvarvarande" not in keys:
        return []
    part = table.values.at[row, keys["varav_statliga"]]
    whole = table.values.at[row, keys["kvarvarande"]]
    whole = known.get("kvarvarande", whole) if np.isnan(whole) else whole
    if np.isnan(part) or np.isnan(whole):
        return []
    tol = _tol(tolerance, [half_unit(table.text.at[row, keys["varav_statliga"]])])
    if part <= whole + tol:
        return []
    return [Finding(table.document, table.id, row, keys["varav_statliga"],
                    "varav statliga <= kvarvarande", float(part), float(whole),
                    float(part - whole), "avvikelse", table.source(row))]


# -- share table ---------------------------------------------------------------------------

def check_share_table(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a share table (kind ``share_table``, percentages).

    What must hold: each row's parts (kommunerna + staten + ovriga) = 100; a subtotal's
    andel_av_utfall = the sum of its ``parts`` rows; the total's andel_av_utfall = 100 and =
    the sum of its ``parts`` (default: the rows not inside a subtotal).

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        Absolute tolerance in percentage points. Default: half a printed unit per term.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    keys = table.keys()
    part_cols = [keys[k] for k in ("kommunerna", "staten", "ovriga") if k in keys]
    share = keys.get("andel_av_utfall")
    for row in table.values.index:
        cells = [Cell(table, row, c) for c in part_cols]
        printed = [c for c in cells if not c.blank]
        if printed:
            findings += _compare(table, row, "[delarnas summa]", "delarna = 100 %",
                                 sum(c.value for c in printed), 100.0,
                                 _tol(tolerance, [c.half for c in printed]))
    if share is None:
        return findings
    inside = {p for r in table.rows_with_role("subtotal") for p in table.row_meta(r)["parts"]}
    for row in table.rows_with_role("subtotal", "total"):
        meta = table.row_meta(row)
        parts = meta.get("parts") or [r for r in table.values.index
                                      if r not in inside and r != row
                                      and table.row_meta(r).get("role") != "total"]
        findings += _sum_of_rows(table, row, share, parts, tolerance, "andel = summan av delarna")
        if meta.get("role") == "total" and not np.isnan(table.values.at[row, share]):
            findings += _compare(table, row, share, "summa = 100 %",
                                 table.values.at[row, share], 100.0,
                                 _tol(tolerance, [Cell(table, row, share).half]))
    return findings


def _sum_of_rows(table: Table, row: str, column: str, parts: list[str],
                 tolerance: float | None, check: str) -> list[Finding]:
    """``row`` = the sum of ``parts`` in ``column``, parts converted to ``row``'s unit."""
    cells = [c for c in (Cell(table, p, column) for p in parts) if not c.blank]
    if not cells:
        return []
    unit = table.row_unit(row)
    expected = sum(_convert(c.value, c.unit, unit) for c in cells)
    halves = [_convert(c.half, c.unit, unit) for c in cells]
    reported = table.values.at[row, column]
    return _compare(table, row, column, check, None if np.isnan(reported) else reported,
                    expected, _tol(tolerance, halves))


# -- amount table, amounts by municipality -------------------------------------------------

def check_amount_table(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check an amount table (kind ``amount_table``).

    What must hold: the total row (if any) = the sum of the ``part`` rows (or its ``parts``);
    a parent = the sum of its subparts when it lists them as ``parts``, otherwise the subparts
    ("varav") must not exceed it. Rows in other units (``unit``) are converted.

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        Absolute tolerance in the compared row's unit. Default: half a printed unit per term.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    for col in table.values.columns:
        for total in table.rows_with_role("total"):
            parts = table.row_meta(total).get("parts") or table.rows_with_role("part")
            findings += _sum_of_rows(table, total, col, parts, tolerance, "summa = summan av delarna")
        children: dict[str, list[str]] = {}
        for r in table.rows_with_role("subpart"):
            children.setdefault(table.row_meta(r)["parent"], []).append(r)
        for parent, subs in children.items():
            if table.row_meta(parent).get("parts"):
                findings += _sum_of_rows(table, parent, col, table.row_meta(parent)["parts"],
                                         tolerance, "summa = summan av delposterna")
            else:
                findings += _not_above(table, parent, col, subs, tolerance,
                                       "delposterna <= överordnad rad")
    return findings


def _not_above(table, parent, col, subs, tolerance, check) -> list[Finding]:
    """The subrows together do not exceed the parent (in absolute value, same unit)."""
    cells = [c for c in (Cell(table, s, col) for s in subs) if not c.blank]
    whole = table.values.at[parent, col]
    if not cells or np.isnan(whole):
        return []
    unit = table.row_unit(parent)
    part = sum(_convert(c.value, c.unit, unit) for c in cells)
    tol = _tol(tolerance, [_convert(c.half, c.unit, unit) for c in cells])
    if abs(part) <= abs(whole) + tol:
        return []
    return [Finding(table.document, table.id, subs[0] if len(subs) == 1 else " + ".join(subs),
                    col, check, float(part), float(whole), float(part - whole), "avvikelse",
                    table.source(subs[0]))]


def check_column_totals(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check that the total row is the sum of the other non-memo rows, column by column.

    Used for ``amount_by_kommun`` (kommun rows vs Summa).

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        Absolute tolerance in the table's unit. Default: half a printed unit per term.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    for total in table.rows_with_role("total"):
        parts = table.row_meta(total).get("parts") or [
            r["label"] for r in table.meta["rows"] if r.get("role") not in ("total", "memo")]
        for col in table.values.columns:
            findings += _sum_of_rows(table, total, col, parts, tolerance, "kolumnsumma")
    return findings


# -- budget follow-up ----------------------------------------------------------------------

def check_budget_followup(table: Table, tolerance: float | None = None) -> list[Finding]:
    """Check a budget follow-up (kind ``budget_followup``).

    What must hold: per row avvikelse = budget - utfall (sidecar ``avvikelse:
    budget_minus_utfall``) or utfall - budget (``utfall_minus_budget``); the total = the sum of
    its ``parts`` or of the item rows, in every column (so Resultat = Intäkter + Kostnader,
    signed); subitems ("varav") do not exceed their parent in absolute value, except in the
    avvikelse column, where a part may deviate more than the whole.

    Parameters
    ----------
    table : Table
    tolerance : float, optional
        Absolute tolerance in the table's unit. Default: half a printed unit per term.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    keys = table.keys()
    rule = table.meta.get("avvikelse")
    if rule not in ("budget_minus_utfall", "utfall_minus_budget"):
        raise ValueError(f"{table.id}: okänd avvikelseregel {rule!r}")
    sign = 1 if rule == "utfall_minus_budget" else -1
    name = ("avvikelse = utfall - budget" if sign == 1 else "avvikelse = budget - utfall")
    if all(k in keys for k in ("utfall", "budget", "avvikelse")):
        for row in table.values.index:
            u, b = Cell(table, row, keys["utfall"]), Cell(table, row, keys["budget"])
            if u.blank or b.blank:
                continue
            a = table.values.at[row, keys["avvikelse"]]
            findings += _compare(table, row, keys["avvikelse"], name,
                                 None if np.isnan(a) else a, sign * (u.value - b.value),
                                 _tol(tolerance, [u.half, b.half]))
    for total in table.rows_with_role("total"):
        parts = table.row_meta(total).get("parts") or table.rows_with_role("item")
        for col in table.values.columns:
            findings += _sum_of_rows(table, total, col, parts, tolerance, "summa = summan av posterna")
    children: dict[str, list[str]] = {}
    for r in table.rows_with_role("subitem"):
        children.setdefault(table.row_meta(r)["parent"], []).append(r)
    for parent, subs in children.items():
        for col in table.values.columns:
            if col != keys.get("avvikelse"):
                findings += _not_above(table, parent, col, subs, tolerance,
                                       "varav-poster <= överordnad post")
    return findings


# -- ambiguities ---------------------------------------------------------------------------

def check_ambiguities(table: Table) -> list[Finding]:
    """One ``oklar`` finding per row the sidecar lists under ``ambiguities``.

    The reading chosen (``placed``) is in the check text; the other checks still run on the
    chosen reading. An ambiguity may name several rows separated by ", " when no single row
    has that label.

    Parameters
    ----------
    table : Table

    Returns
    -------
    list of Finding
    """
    findings = []
    labels = list(table.values.index)
    for amb in table.meta.get("ambiguities") or []:
        rows = [amb["row"]] if amb["row"] in labels else [
            r.strip() for r in str(amb["row"]).split(",")]
        for row in rows:
            if row not in labels:
                raise ValueError(f"{table.id}: ambiguities nämner raden {row!r}, som inte finns")
            column = amb.get("column", "")
            findings.append(Finding(table.document, table.id, row, column,
                                    f"oklar läsning: {amb.get('placed', '')}".strip(),
                                    None, None, None, "oklar", table.source(row)))
    return findings


# -- claims in the text and cross-table pairings -------------------------------------------

def _resolve(tables: dict[str, Table], ref: dict) -> Cell:
    """The cell a ``{table, row, column}`` reference names (column: printed label or key)."""
    t = tables.get(ref["table"])
    if t is None:
        raise ValueError(f"tabellen {ref['table']!r} finns inte")
    if ref["row"] not in t.values.index:
        raise ValueError(f"{t.id}: ingen rad {ref['row']!r}")
    col = ref["column"] if ref["column"] in t.values.columns else t.column(ref["column"])
    if col is None or col not in t.values.columns:
        raise ValueError(f"{t.id}: ingen kolumn {ref['column']!r}")
    return Cell(t, ref["row"], col)


def _describe(cells: list[Cell]) -> str:
    return " + ".join(f"{c.table.id}: {c.row} / {c.column}" for c in cells)


def check_claims(table: Table, tables: dict[str, Table],
                 tolerance: float | None = None) -> list[Finding]:
    """Check amounts stated in the text (kind ``claims``) against table cells.

    A claim row with ``targets: [{table, row, column}]`` must equal the sum of the target
    cells, converted to the claim's unit, at the precision the text states ("70 mnkr":
    +-0,5 mnkr; "20,5 mnkr": +-0,05). Claims without targets are not checked.

    Parameters
    ----------
    table : Table
        The claims table.
    tables : dict
        All tables by id, to find the targets.
    tolerance : float, optional
        Absolute tolerance in the claim's unit. Default: the claim's half-unit.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    col = table.column("belopp")
    for row in table.rows_with_role("claim"):
        targets = table.row_meta(row).get("targets") or []
        claim = Cell(table, row, col)
        if not targets or claim.blank:
            continue
        cells = [_resolve(tables, ref) for ref in targets]
        printed = [c for c in cells if not c.blank]
        if not printed:
            continue
        expected = sum(_convert(c.value, c.unit, claim.unit) for c in printed)
        findings += _compare(table, row, col, f"påstående mot {_describe(cells)} ({claim.unit})",
                             claim.value, expected, _tol(tolerance, [claim.half]))
    return findings


def check_pairings(spec: dict, tables: dict[str, Table], source: str = "",
                   tolerance: float | None = None) -> list[Finding]:
    """Check figures that two tables both print (a ``korskontroller`` file).

    Parameters
    ----------
    spec : dict
        ``{checks: [{table, row, column, against: [{table, row, column}, ...]}]}``: the cell
        must equal the sum of the ``against`` cells, converted to its unit.
    tables : dict
        All tables by id.
    source : str
        The spec file, for messages.
    tolerance : float, optional
        Absolute tolerance in the cell's unit. Default: the coarser figure's half-unit.

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []
    for item in spec.get("checks") or []:
        cell = _resolve(tables, item)
        others = [_resolve(tables, ref) for ref in item["against"]]
        printed = [c for c in others if not c.blank]
        if cell.blank or not printed:
            continue
        expected = sum(_convert(c.value, c.unit, cell.unit) for c in printed)
        coarse = max([cell.half] + [_convert(c.half, c.unit, cell.unit) for c in printed])
        findings += _compare(cell.table, cell.row, cell.column,
                             f"korskontroll mot {_describe(others)} ({cell.unit})",
                             cell.value, expected, _tol(tolerance, [coarse]))
    return findings


# -- continuity between periods ------------------------------------------------------------

def closing_values(table: Table, key: str = "kvarvarande") -> dict[str, float]:
    """Closing balance per row as printed, or as implied by the row identities when blank."""
    label = table.column(key)
    out = {}
    for row in table.values.index:
        v = table.values.at[row, label]
        if np.isnan(v):
            _, known = _row_identities(table, row, None, report_blanks=False)
            v = known.get(key, np.nan)
        out[row] = v
    return out


def check_continuity(spec: dict, tables: dict[str, Table],
                     tolerance: float | None = None) -> list[Finding]:
    """Closing balance of period A = opening balance of period B, per mapping group.

    Parameters
    ----------
    spec : dict
        A mapping file (``data/raw/kontinuitet/*.yaml``): ``from: {table, column}``,
        ``to: {table, column}`` (column keys, default kvarvarande -> ib), ``groups: [{from:
        [labels], to: [labels]}]`` (a rename is one to one, a split one to many), ``new:
        [labels]`` (areas of B with no predecessor: opening balance 0), ``ended: [labels]``
        (areas of A not carried on). Every area row of A and B must be mapped once; the
        total rows are compared too.
    tables : dict
        All tables by id.
    tolerance : float, optional
        Absolute tolerance. Default: half a unit per printed figure, less one (n terms vs 1).

    Returns
    -------
    list of Finding
        ``check`` = "kontinuitet"; row = the B labels joined with " + ".
    """
    a = tables[spec["from"]["table"]]
    b = tables[spec["to"]["table"]]
    a_col = a.column(spec["from"].get("column", "kvarvarande"))
    b_col = b.column(spec["to"].get("column", "ib"))
    closing = closing_values(a, spec["from"].get("column", "kvarvarande"))
    groups = [(g["from"], g["to"]) for g in spec.get("groups") or []]
    groups += [([], [lab]) for lab in spec.get("new") or []]
    mapped_a = [x for f, _ in groups for x in f] + list(spec.get("ended") or [])
    mapped_b = [x for _, t in groups for x in t]
    errors = []
    for t, mapped, name in ((a, mapped_a, "from"), (b, mapped_b, "to")):
        areas = t.rows_with_role("area")
        errors += [f"{t.id}: området {r!r} saknas i mappningen" for r in areas if r not in mapped]
        errors += [f"{t.id}: {r!r} är inget område i tabellen" for r in mapped if r not in areas]
        errors += [f"{t.id}: {r!r} står mer än en gång" for r, n in Counter(mapped).items() if n > 1]
    if errors:
        raise ValueError("kontinuitetsmappningen stämmer inte: " + "; ".join(errors))

    findings: list[Finding] = []
    at, bt = a.rows_with_role("total"), b.rows_with_role("total")
    if at and bt:
        groups.append((at, bt))
    for a_rows, b_rows in groups:
        a_vals = [closing[r] for r in a_rows if not np.isnan(closing[r])]
        b_cells = [Cell(b, r, b_col) for r in b_rows]
        b_printed = [c for c in b_cells if not c.blank]
        a_halves = [half_unit(a.text.at[r, a_col]) for r in a_rows
                    if not np.isnan(a.values.at[r, a_col])]
        if not a_vals and not b_printed:
            continue
        expected = sum(a_vals)
        halves = a_halves + [c.half for c in b_printed]
        tol = _tol(tolerance, halves) - (max(halves) if tolerance is None and halves else 0.0)
        source = "; ".join([b.source(b_rows[0])] + [a.source(r) for r in a_rows])
        reported = sum(c.value for c in b_printed) if b_printed else None
        findings += _compare(b, " + ".join(b_rows), b_col, "kontinuitet", reported, expected,
                             tol, source=source)
    return findings


# -- running everything --------------------------------------------------------------------

@dataclass(frozen=True)
class CheckError:
    """A check that could not run: no findings from it, and never a zero."""

    document: str
    table: str
    check: str
    message: str


class Findings(list):
    """The findings of :func:`run_all`, with ``errors`` (checks that could not run) and
    ``notes`` (information lines, e.g. how totals treat the netting rows)."""

    def __init__(self, items=(), errors=None, notes=None):
        super().__init__(items)
        self.errors: list[CheckError] = list(errors or [])
        self.notes: list[str] = list(notes or [])


def _fee_check(table: Table) -> list[Finding]:
    from .fees import check_fee_matrix  # the fee module owns the fee matrix rules
    return check_fee_matrix(table, None)


#: Checks per table kind; a new kind or period needs an entry here only for a new kind.
CHECKS = {
    "fund_statement": check_fund_statement,
    "share_table": check_share_table,
    "amount_table": check_amount_table,
    "amount_by_kommun": check_column_totals,
    "budget_followup": check_budget_followup,
    "fee_matrix": _fee_check,
}


def _spec_files(raw: Path) -> tuple[list[Path], list[Path]]:
    continuity = sorted((raw / "kontinuitet").glob("*.yaml")) if (raw / "kontinuitet").is_dir() else []
    pairings = sorted(raw.glob("*/korskontroller*.yaml"))
    return continuity, pairings


def run_all(raw: str | os.PathLike | dict | None = None) -> Findings:
    """Run every check on every table, plus continuity and cross-table pairings.

    Parameters
    ----------
    raw : path-like or dict, optional
        The raw data folder (default ``data/raw``), or already loaded tables by id (then
        no continuity or pairing files are read).

    Returns
    -------
    Findings
        A list of :class:`Finding`, sorted by document, table and source line, with
        ``errors``: one :class:`CheckError` per check that raised (its findings are absent,
        the other checks still ran), and ``notes``.

    Raises
    ------
    kuanalysis.io.DataError
        If a raw table cannot be read.
    """
    if isinstance(raw, dict):
        tables, folder = raw, None
    else:
        from .io import load_all
        folder = Path(raw) if raw is not None else paths.raw_dir()
        tables = load_all(folder)
    out = Findings()

    def run(doc, tid, name, fn):
        try:
            out.extend(fn())
        except Exception as e:  # collected, never a zero, never stops the other checks
            out.errors.append(CheckError(doc, tid, name, f"{type(e).__name__}: {e}"))

    for tid, t in tables.items():
        if t.kind in CHECKS:
            run(t.document, tid, t.kind, lambda t=t: CHECKS[t.kind](t))
        if t.kind == "claims":
            run(t.document, tid, "claims", lambda t=t: check_claims(t, tables))
        run(t.document, tid, "ambiguities", lambda t=t: check_ambiguities(t))
        if t.kind == "fund_statement":
            net = {c: v for c, v in netting_treatment(t).items() if v}
            if net:
                inkl = [c for c, v in net.items() if v == "inkl"]
                exkl = [c for c, v in net.items() if v == "exkl"]
                out.notes.append(f"{tid}: summaraden räknar med nettoraden i "
                                 f"{len(inkl)} kolumner, utan den i {len(exkl)}"
                                 + (f" ({', '.join(exkl)})" if exkl else ""))
    if folder is not None:
        continuity, pairings = _spec_files(folder)
        for f in continuity + pairings:
            rel = paths.relative(f)
            try:
                spec = yaml.safe_load(f.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as e:
                out.errors.append(CheckError("", rel, "läsa", f"{type(e).__name__}: {e}"))
                continue
            if f in continuity:
                doc = tables.get(spec.get("to", {}).get("table"))
                run(doc.document if doc else "", rel, "kontinuitet",
                    lambda spec=spec: check_continuity(spec, tables))
            else:
                run("", rel, "korskontroll", lambda spec=spec: check_pairings(spec, tables))
    # Stable order: document, table, line in the raw file.
    def line(f):
        m = re.match(r".*?:(\d+)", f.source)
        return int(m.group(1)) if m else 0
    out.sort(key=lambda f: (f.document, f.table, line(f), f.row, f.column, f.check))
    return out


def _plain(x) -> str:
    """A number as a plain decimal with a dot (no exponent); blank for None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return np.format_float_positional(round(float(x), 9), trim="-")


def write_findings(findings: list[Finding], out: str | os.PathLike) -> Path:
    """Write findings as the ``kuanalysis check`` CSV (temp file, then rename).

    Parameters
    ----------
    findings : list of Finding
    out : path-like

    Returns
    -------
    Path
        The file written.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = to_frame(list(findings)).reindex(columns=FINDING_COLUMNS)
    for col in ("reported", "expected", "difference"):
        frame[col] = [_plain(v) for v in frame[col]]
    with paths.atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return out


def summary(findings: Findings) -> str:
    """A Swedish summary: counts per status for each document, then notes and errors."""
    lines = []
    by_doc: dict[str, Counter] = {}
    for f in findings:
        by_doc.setdefault(f.document, Counter())[f.status] += 1
    for doc, counts in sorted(by_doc.items()):
        parts = ", ".join(f"{counts[s]} {s}" for s in ("avvikelse", "avrundning", "saknas", "oklar")
                          if counts[s])
        lines.append(f"{doc}: {parts}")
    if not findings:
        lines.append("Inga avvikelser.")
    lines += [f"Info: {n}" for n in getattr(findings, "notes", [])]
    for e in getattr(findings, "errors", []):
        lines.append(f"Fel: kontrollen {e.check} av {e.table} kunde inte köras: {e.message}")
    return "\n".join(lines)


def cli_check(out: str | os.PathLike | None = None) -> int:
    """``kuanalysis check [--out FILE]``: run every check, write the findings CSV.

    Parameters
    ----------
    out : path-like, optional
        Default ``reports/avstamning.csv``.

    Returns
    -------
    int
        0 when every input was read (whatever the findings); 2 when a raw table or a
        mapping/pairing file cannot be read or does not fit the tables; 1 when a check
        failed for another reason (a fault in the code: its findings are missing).
    """
    from .io import DataError

    target = Path(out) if out is not None else paths.reports_dir() / "avstamning.csv"
    try:
        findings = run_all()
    except DataError as e:
        print(f"Fel i rådata ({len(e.errors)} st), ingen avstämning gjord:", file=sys.stderr)
        print(str(e), file=sys.stderr)
        return 2
    write_findings(findings, target)
    print(f"Skrev {len(findings)} fynd till {paths.relative(target)}")
    print(summary(findings))
    if findings.errors:
        bad_input = any(e.message.startswith(("ValueError", "KeyError", "DataError"))
                        for e in findings.errors)
        return 2 if bad_input else 1
    return 0
