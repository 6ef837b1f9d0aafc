"""``kuanalysis check``: every rule on every table of ``data/raw``, the findings as a CSV."""

from __future__ import annotations

import os
from pathlib import Path

from .. import paths
from ..errors import InputError, print_input_error
from .findings import summary, write_csv
from .runner import check_folder


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
        _, _, findings = check_folder()
    except InputError as e:
        print_input_error(e, f"Fel i rådata ({len(e.errors)} st), ingen avstämning gjord:")
        return 2
    write_csv(findings, target)
    print(f"Skrev {len(findings)} fynd till {paths.relative(target)}")
    print(summary(findings))
    if findings.errors:
        return 2 if any(e.bad_input for e in findings.errors) else 1
    return 0
