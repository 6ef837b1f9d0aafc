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
from ..data.specs import Spec, read_spec, spec_files
from ..data.table import Table
from ..errors import InputError, SpecError
from .ambiguities import check_ambiguities
from .amounts import check_amount_table, check_column_totals
from .budget import check_budget_followup
from .continuity import check_continuity
from .crosstable import check_claims, check_pairings
from .fee_matrix import check_fee_matrix
from .findings import CheckError, Finding, Findings, canonical_order
from .fund import check_fund_statement, treatment_note
from .shares import check_share_table

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
) -> Findings:
    """Run every rule on every table, then the continuity mappings and cross-checks.

    Parameters
    ----------
    tables : dict
        The tables to check, by id.
    continuity, pairings : iterable of Spec
        Continuity mappings and cross-check files.
    others : dict, optional
        More tables that claims and specs may refer to (a previous period) but that are not
        themselves checked.

    Returns
    -------
    Findings
        The table rules' findings in canonical order, then those of the specs in the order
        given; ``errors`` (rules that could not run) and ``notes``.
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
                out.notes.append(note)
    out.extend(canonical_order(own))
    for spec in continuity:
        a_id = (spec.data.get("from") or {}).get("table")
        b_id = (spec.data.get("to") or {}).get("table")
        target = every.get(b_id)
        out.extend(
            attempt(
                target.document if target else "",
                spec.path or f"{a_id} → {b_id}",
                "kontinuitet",
                lambda spec=spec: (
                    check_continuity(spec.data, every)
                    if spec.source is not None
                    else _implied_continuity(spec, every)
                ),
            )
        )
    for spec in pairings:
        out.extend(
            attempt(
                "", spec.path, "korskontroll", lambda spec=spec: check_pairings(spec.data, every)
            )
        )
    return out


def select(findings: Findings, table_ids: Iterable[str]) -> Findings:
    """The findings about the given tables, and the claims that compare with one of them."""
    ids = set(table_ids)
    kept = [
        f
        for f in findings
        if f.table in ids or (f.rule == "claim" and any(c.table in ids for c in f.cells[1:]))
    ]
    return Findings(kept, findings.errors, findings.notes)


def report_order(findings: list[Finding], first: Iterable[str] = ()) -> list[Finding]:
    """The order a report lists findings in: the tables in ``first`` first, each table's own
    rules before those between tables, otherwise as given."""
    order = {t: i for i, t in enumerate(first)}
    return sorted(
        findings, key=lambda f: (order.get(f.table, len(order)), f.rule in BETWEEN_TABLES)
    )


def mapping_file_name(a: Table, b: Table) -> str:
    """Where a mapping between two periods' fund statements goes: ``data/raw/kontinuitet/
    <år>-<år>.yaml``, named by the years the periods end in; ``<år>-<år>-<b>.yaml`` when
    that file exists already (it maps other tables: a tertial's and the close's of a year)."""
    years = [str(t.meta.get("period", "")).split("/")[-1][:4] or t.id for t in (a, b)]
    name = f"data/raw/kontinuitet/{years[0]}-{years[1]}.yaml"
    if (paths.project_root() / name).exists():
        name = f"data/raw/kontinuitet/{years[0]}-{years[1]}-{b.id}.yaml"
    return name


def _implied_continuity(spec: Spec, every: dict[str, Table]) -> list[Finding]:
    """The continuity no mapping file gives; when the labels are not enough, the error names
    both tables and the mapping file to write."""
    try:
        return check_continuity(spec.data, every)
    except SpecError as e:
        a, b = every[spec.data["from"]["table"]], every[spec.data["to"]["table"]]
        raise SpecError(
            f"{e}. Ingen mappningsfil finns mellan {a.id} och {b.id}, så varje område "
            f"följs under sitt namn; skriv de områden som bytt namn, delats, tillkommit "
            f"eller upphört i {mapping_file_name(a, b)} (se README.md, ”Lägga till nästa period”)"
        ) from None


def implied_continuity(raw, tables: dict[str, Table], files: list[Spec]) -> list[Spec]:
    """A mapping for each period and the one before it that no mapping file covers: every
    area continues under its own label (see :func:`~kuanalysis.checks.continuity.groups_of`)."""
    from ..data.periods import periods, preceding

    covered = {
        ((s.data.get("from") or {}).get("table"), (s.data.get("to") or {}).get("table"))
        for s in files
    }
    every = periods(raw)
    out = []
    for p in every:
        q = preceding(p, every)
        if (
            q is not None
            and (q.table, p.table) not in covered
            and {p.table, q.table} <= set(tables)
        ):
            out.append(Spec({"from": {"table": q.table}, "to": {"table": p.table}}, None))
    return out


def check_folder(
    raw: str | os.PathLike | None = None,
) -> tuple[dict[str, Table], list[Spec], Findings]:
    """Load every table and specification file under ``raw`` (default ``data/raw``) and run
    every rule; the findings in canonical order (the CSV's).

    Returns
    -------
    (tables, specs, findings)
        What was read (for provenance) and what was found. A specification file that cannot
        be read is a :class:`CheckError` with ``bad_input``; the other rules still run.

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
    read["continuity"] += implied_continuity(raw, tables, read["continuity"])
    found = run(tables, continuity=read["continuity"], pairings=read["pairings"])
    specs = [s for s in read["continuity"] + read["pairings"] if s.source is not None]
    return tables, specs, Findings(canonical_order(found), errors + found.errors, found.notes)
