"""``kuanalysis check``: every rule on every table of ``data/raw``, the findings as a CSV."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import paths
from ..data.load import load_all
from ..data.specs import read_spec, spec_files
from ..errors import InputError
from .findings import CheckError, Findings, canonical_order, summary, write_csv
from .runner import run


def check_all(raw: str | os.PathLike | None = None) -> Findings:
    """Load every table and specification file under ``raw`` and run every rule.

    Raises
    ------
    kuanalysis.errors.DataError
        If a raw table cannot be read (nothing is checked then).
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    tables = load_all(raw)
    specs: dict[str, list] = {"continuity": [], "pairings": []}
    errors = []
    for name, files in zip(specs, spec_files(raw)):
        for f in files:
            try:
                specs[name].append(read_spec(f))
            except InputError as e:
                errors.append(CheckError("", paths.relative(f), "läsa", str(e), bad_input=True))
    found = run(tables, continuity=specs["continuity"], pairings=specs["pairings"])
    return Findings(canonical_order(found), errors + found.errors, found.notes)


def cli_check(out: str | os.PathLike | None = None) -> int:
    """``kuanalysis check [--out FILE]``: run every rule, write the findings CSV.

    Returns
    -------
    int
        0 when every input was read and every rule ran (whatever the findings); 2 when an
        input is at fault (a raw table, a mapping or cross-check file); 1 when a rule failed
        for another reason (a fault in the code: its findings are missing).
    """
    target = Path(out) if out is not None else paths.reports_dir() / "avstamning.csv"
    try:
        findings = check_all()
    except InputError as e:
        print(f"Fel i rådata ({len(e.errors)} st), ingen avstämning gjord:", file=sys.stderr)
        print(str(e), file=sys.stderr)
        return 2
    write_csv(findings, target)
    print(f"Skrev {len(findings)} fynd till {paths.relative(target)}")
    print(summary(findings))
    if findings.errors:
        return 2 if any(e.bad_input for e in findings.errors) else 1
    return 0
