"""Rules between tables: amounts stated in the text (kind ``claims``) against table cells, and
figures that two tables both print (a ``korskontroller`` file).

A claim row with ``targets: [{table, row, column}]`` must equal the sum of the target cells,
converted to the claim's unit, at the precision the text states ("70 mnkr": rounded to whole
mnkr). A cross-check ``{table, row, column, against: [...]}`` must equal the sum of its
``against`` cells, converted to its unit. Claims without targets are not checked.

A cross-check follows the period (:func:`derived_pairings`): the tables imported like the
ones a ``korskontroller`` file names (:mod:`kuanalysis.data.lineage`) get the same check, on
their rows that continue the named rows. Where the new period lacks a row or a table, the
check is a finding that says it could not be made (rule ``cross_check_unavailable``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..data.cells import Cell, resolve
from ..data.lineage import Ancestor, descendants
from ..data.specs import Spec
from ..data.table import Table
from ..errors import DataError
from ..tolerance import tolerance as tolerance_of
from .compare import equal, reading
from .findings import Finding
from .rules import halves


def _against(cells: list[Cell]) -> list[tuple[str, str, str]]:
    return [(c.table.id, c.row, c.column) for c in cells]


def _compare(rule: str, cell: Cell, others: list[Cell], tol: float | None) -> list[Finding]:
    printed = [c for c in others if not c.blank]
    if cell.blank or not printed:
        return []
    unit = cell.unit
    return equal(
        rule,
        cell.table,
        cell.row,
        cell.column,
        cell.value,
        sum(c.value_in(unit) for c in printed),
        tolerance_of(halves(rule, [cell]), halves(rule, printed, unit), tol),
        cells=[cell.ref, *(c.ref for c in printed)],
        params={"against": _against(others), "unit": unit},
    )


def check_claims(
    table: Table, tables: dict[str, Table], tolerance: float | None = None
) -> list[Finding]:
    """Check amounts stated in the text against the cells they name (``targets``)."""
    findings: list[Finding] = []
    col = table.column("belopp")
    for row in table.rows_with_role("claim"):
        targets = table.row_meta(row).get("targets") or []
        if targets:
            if col is None:
                raise DataError(f"{table.id}: påståendena saknar kolumnen med key belopp")
            findings += _compare(
                "claim", Cell(table, row, col), [resolve(tables, ref) for ref in targets], tolerance
            )
    return findings


def check_pairings(
    spec: dict, tables: dict[str, Table], tolerance: float | None = None
) -> list[Finding]:
    """Check figures that two tables both print (``{checks: [{table, row, column, against}]}``);
    a derived spec's ``unavailable`` checks are findings that say why they could not be made."""
    findings: list[Finding] = []
    for item in spec.get("checks") or []:
        findings += _compare(
            "cross_check",
            resolve(tables, item),
            [resolve(tables, ref) for ref in item["against"]],
            tolerance,
        )
    for item in spec.get("unavailable") or []:
        t = tables[item["table"]]
        column = t.column(item["column"]) or item["column"]
        findings.append(
            reading(
                "cross_check_unavailable",
                t,
                item["row"],
                column,
                params={k: item[k] for k in ("row", "against", "like", "missing")},
                source=t.source(item["row"]) if item["row"] in t.source_rows else t.source_file,
            )
        )
    return findings


def derived_pairings(specs: list[Spec], metas: Mapping[str, dict]) -> list[Spec]:
    """The cross-checks of each file, for every later period whose tables follow the tables
    the file names (one spec per file and period, provenance the file's).

    Parameters
    ----------
    specs : list of Spec
        The ``korskontroller`` files.
    metas : mapping
        Every table's sidecar by table id (the tables of data/raw).
    """
    family = descendants(metas)
    out = []
    for spec in specs:
        by_period: dict[str, dict] = {}
        for item in spec.data.get("checks") or []:
            for tid, anc in family.get(item.get("table"), []):
                if tid == item.get("table"):
                    continue  # the file's own check
                period = str(metas[tid].get("period", ""))
                data = by_period.setdefault(period, {"checks": [], "unavailable": []})
                new, missing = _follow(item, tid, anc, period, family, metas)
                if missing:
                    data["unavailable"].append(
                        {
                            "table": tid,
                            "row": new["row"] or item["row"],
                            "column": new["column"],
                            "like": item["table"],
                            "against": " + ".join(
                                f"{r['table']}: {r['row']}" for r in item.get("against") or []
                            ),
                            "missing": "; ".join(missing),
                        }
                    )
                else:
                    data["checks"].append(new)
        out += [Spec(data, spec.source) for _, data in sorted(by_period.items())]
    return out


def _key(column: str, meta: dict) -> str:
    """A column reference as a key (a reference may give the printed label or the key)."""
    for c in meta.get("columns") or []:
        if isinstance(c, dict) and column in (c.get("key"), c.get("label")):
            return c.get("key", column)
    return column


def _follow(
    item: dict,
    tid: str,
    anc: Ancestor,
    period: str,
    family: dict[str, list[tuple[str, Ancestor]]],
    metas: Mapping[str, dict],
) -> tuple[dict, list[str]]:
    """One check carried to table ``tid`` of ``period``: the check, and why it cannot be made
    (a row or a table the period lacks)."""
    missing = []
    row = anc.rows.get(item["row"])
    if row is None:
        missing.append(f"raden ”{item['row']}” finns inte i {tid}")
    against: list[dict] = []
    new = {
        "table": tid,
        "row": row,
        "column": _key(item["column"], metas[item["table"]]),
        "against": against,
    }
    for ref in item.get("against") or []:
        same = [
            (e, a)
            for e, a in family.get(ref["table"], [])
            if str(metas[e].get("period", "")) == period
        ]
        if len(same) != 1:
            missing.append(
                f"ingen tabell i perioden följer {ref['table']}"
                if not same
                else f"flera tabeller i perioden följer {ref['table']} ("
                + ", ".join(e for e, _ in same)
                + ")"
            )
            continue
        e, a = same[0]
        if ref["row"] not in a.rows:
            missing.append(f"raden ”{ref['row']}” ({ref['table']}) finns inte i {e}")
            continue
        against.append(
            {
                "table": e,
                "row": a.rows[ref["row"]],
                "column": _key(ref["column"], metas[ref["table"]]),
            }
        )
    return new, missing


def claim_refers_to(finding: Finding, table_ids) -> bool:
    """Whether a claim or cross-check finding compares with a cell of one of ``table_ids``."""
    return any(c.table in table_ids for c in finding.cells[1:])
