"""One runner for every rule: the table rules by kind, then the rules between tables.

:func:`run` is what ``kuanalysis check`` and every report use. A rule that raises is
collected as a :class:`~kuanalysis.checks.findings.CheckError` (its findings are absent, the
other rules still run); an error never turns into a zero.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import paths
from ..data.load import load_all
from ..data.periods import Period, periods
from ..data.specs import Spec, read_spec, spec_files
from ..data.table import Table
from ..errors import InputError
from .ambiguities import check_ambiguities
from .amounts import check_amount_table, check_column_totals
from .budget import check_budget_followup
from .continuity import check_continuity, links, missing_period, unused_mappings
from .crosstable import check_claims, check_pairings, derived_pairings
from .fee_matrix import check_fee_matrix
from .findings import CheckError, Finding, Findings, canonical_order
from .fund_statement import check_fund_statement, treatment_note
from .shares import check_share_table
from .tally import counting

#: The rules of each table kind (a new period needs no entry; a new kind does).
CHECKS: dict[str, Callable[[Table], list[Finding]]] = {
    "fund_statement": check_fund_statement,
    "share_table": check_share_table,
    "amount_table": check_amount_table,
    "amount_by_kommun": check_column_totals,
    "budget_followup": check_budget_followup,
    "fee_matrix": check_fee_matrix,
}

#: Rules between tables: in a report they follow the table's own findings.
BETWEEN_TABLES = ("continuity", "cross_check")


def run(
    tables: dict[str, Table],
    *,
    continuity: Iterable[Spec] = (),
    pairings: Iterable[Spec] = (),
    others: dict[str, Table] | None = None,
    alone: Iterable[Period] = (),
) -> Findings:
    """Run every rule on every table, then the continuity mappings and cross-checks.

    Parameters
    ----------
    tables : dict
        The tables to check, by id.
    continuity, pairings : iterable of Spec
        Continuity mappings (each naming both tables) and cross-check files.
    others : dict, optional
        More tables that claims and specs may refer to (a previous period) but that are not
        themselves checked.
    alone : iterable of Period
        Periods whose preceding close is missing: one finding each says their opening
        balance cannot be reconciled.

    Returns
    -------
    Findings
        The table rules' findings in canonical order, then those of the specs in the order
        given; ``errors`` (rules that could not run), ``notes`` and ``checked`` (checks made
        per table).
    """
    every = {**(others or {}), **tables}
    out = Findings()

    def attempt(document: str, where: str, name: str, fn) -> list[Finding]:
        try:
            return list(fn())
        except Exception as e:  # collected, never a zero, never stops the other rules
            out.errors.append(
                CheckError(
                    document,
                    where,
                    name,
                    f"{type(e).__name__}: {e}",
                    bad_input=isinstance(e, InputError),
                )
            )
            return []

    with counting() as checked:
        out.extend(canonical_order(_own(tables, every, attempt, out.notes)))
        for p in alone:
            t = every[p.table]
            out.extend(
                attempt(t.document, t.id, "kontinuitet", lambda t=t, p=p: [missing_period(t, p)])
            )
        for spec in continuity:
            a_id = (spec.data.get("from") or {}).get("table")
            b_id = (spec.data.get("to") or {}).get("table")
            target = every.get(b_id) if b_id is not None else None
            out.extend(
                attempt(
                    target.document if target else "",
                    spec.path or f"{a_id} → {b_id}",
                    "kontinuitet",
                    lambda spec=spec: check_continuity(spec.data, every),
                )
            )
        for spec in pairings:
            out.extend(
                attempt(
                    "",
                    spec.path,
                    "korskontroll",
                    lambda spec=spec: check_pairings(spec.data, every),
                )
            )
    out.checked = dict(checked)
    return out


def _own(
    tables: dict[str, Table], every: dict[str, Table], attempt, notes: list[str]
) -> list[Finding]:
    """The rules of each table's kind, its claims and its readings."""
    population = next((t for t in every.values() if t.kind == "population"), None)
    own: list[Finding] = []
    for tid, t in tables.items():
        if t.kind in CHECKS:
            # which posts of a fee matrix follow a population date needs the population
            extra = {"population": population} if t.kind == "fee_matrix" else {}
            own += attempt(t.document, tid, t.kind, lambda t=t, e=extra: CHECKS[t.kind](t, **e))
        if t.kind == "claims":
            own += attempt(t.document, tid, "claims", lambda t=t: check_claims(t, every))
        own += attempt(t.document, tid, "ambiguities", lambda t=t: check_ambiguities(t))
        if t.kind == "fund_statement":
            note = treatment_note(t)
            if note:
                notes.append(note)
    return own


def select(findings: Findings, table_ids: Iterable[str]) -> Findings:
    """The findings about the given tables, and the claims that compare with one of them."""
    ids = set(table_ids)
    kept = [
        f
        for f in findings
        if f.table in ids or (f.rule == "claim" and any(c.table in ids for c in f.cells[1:]))
    ]
    checked = getattr(findings, "checked", {})
    return Findings(
        kept, findings.errors, findings.notes, {t: n for t, n in checked.items() if t in ids}
    )


def report_order(findings: list[Finding], first: Iterable[str] = ()) -> list[Finding]:
    """The order a report lists findings in: the tables in ``first`` first, each table's own
    rules before those between tables, otherwise as given."""
    order = {t: i for i, t in enumerate(first)}
    return sorted(
        findings, key=lambda f: (order.get(f.table, len(order)), f.rule in BETWEEN_TABLES)
    )


def pairings_for(files: list[Spec], metas: dict[str, dict]) -> list[Spec]:
    """The cross-check files, then their checks carried to the later periods whose tables
    follow the tables they name (:func:`~kuanalysis.checks.crosstable.derived_pairings`)."""
    return list(files) + derived_pairings(files, metas)


def check_folder(
    raw: str | os.PathLike | None = None,
) -> tuple[dict[str, Table], list[Spec], Findings]:
    """Load every table and specification file under ``raw`` (default ``data/raw``) and run
    every rule; the findings in canonical order (the CSV's).

    Every period is linked to the close before it (by the mapping of their year boundary,
    else by labels) or gets a finding that it has none; the cross-checks follow the period.

    Returns
    -------
    (tables, specs, findings)
        What was read (for provenance) and what was found. A specification file that cannot
        be read, or a mapping that names tables no two consecutive periods have, is a
        :class:`CheckError` with ``bad_input``; the other rules still run.

    Raises
    ------
    kuanalysis.errors.DataError
        If a raw table cannot be read (nothing is checked then).
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    tables = load_all(raw)
    read: dict[str, list[Spec]] = {"continuity": [], "pairings": []}
    errors = []
    for name, files in zip(read, spec_files(raw)):
        for f in files:
            try:
                read[name].append(read_spec(f))
            except InputError as e:
                errors.append(CheckError("", paths.relative(f), "läsa", str(e), bad_input=True))
    linked, alone = links(periods(raw), read["continuity"], set(tables))
    errors += [
        CheckError(
            "",
            s.path,
            "kontinuitet",
            f"mappningen gäller {(s.data.get('from') or {}).get('table')} → "
            f"{(s.data.get('to') or {}).get('table')}, men de är inte en period och perioden "
            f"närmast före den; rätta tabellnamnen eller ta bort dem (en fil <år>-<år>.yaml "
            f"utan tabellnamn gäller alla perioder över årsskiftet)",
            bad_input=True,
        )
        for s in unused_mappings(read["continuity"], linked)
    ]
    pairings = pairings_for(read["pairings"], {tid: t.meta for tid, t in tables.items()})
    found = run(tables, continuity=linked, pairings=pairings, alone=alone)
    specs = [s for s in read["continuity"] + read["pairings"] if s.source is not None]
    return (
        tables,
        specs,
        Findings(canonical_order(found), errors + found.errors, found.notes, found.checked),
    )
