"""``kuanalysis check``: every rule on every table of ``data/raw``, the findings as a CSV."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import paths
from ..checks.findings import error_lines, summary, write_csv
from ..checks.runner import check_folder
from ..errors import InputError, print_input_error


def cli_check(out: str | os.PathLike | None = None) -> int:
    """``kuanalysis check [--out FILE]``: run every rule, write the findings CSV.

    Prints, for every document, the checks made and the findings (zero included), on
    stdout; a check that could not run, as a ``Fel:`` line on stderr.

    Returns
    -------
    int
        0 when every input was read and every rule ran (whatever the findings: a missing
        mapping or a missing previous period is a finding); 2 when an input cannot be read
        (a raw table, a mapping or cross-check file); 1 when a rule failed for another
        reason (a fault in the code: its findings are missing).
    """
    target = Path(out) if out is not None else paths.reports_dir() / "avstamning.csv"
    try:
        tables, _, findings = check_folder()
    except InputError as e:
        print_input_error(e, f"Fel i rådata ({len(e.errors)} st), ingen avstämning gjord:")
        return 2
    write_csv(findings, target)
    documents: dict[str, list[str]] = {}
    for t in tables.values():
        documents.setdefault(t.document, []).append(t.id)
    print(f"Skrev {len(findings)} fynd till {paths.relative(target)}")
    print(summary(findings, documents))
    for line in error_lines(findings):  # on stderr, without local paths
        print(paths.local_paths_removed(line), file=sys.stderr)
    if findings.errors:
        return 2 if any(e.bad_input for e in findings.errors) else 1
    return 0
