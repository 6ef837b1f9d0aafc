"""``kuanalysis fees``: allocate scenarios and write the fees CSV (a contract)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..errors import ScenarioError
from ..paths import atomic_path, relative, reports_dir
from .scenarios import FEE_COLUMNS, _load_each, allocate_scenario, default_matrix, default_population


def cli_fees(paths: list[str], out: str | None = None) -> int:
    """``kuanalysis fees SCENARIO.yaml ... [--out FILE]``: allocate and write one CSV.

    Writes the columns :data:`FEE_COLUMNS` for all scenarios to ``out`` (default
    ``reports/avgifter.csv``), through a temporary file renamed into place so a reader never
    sees half a file. On any scenario error prints every message and returns 2, writing
    nothing.
    """
    matrix, population = default_matrix(), default_population()
    scenarios, errors = _load_each(paths, matrix, population)
    names = [s.name for s in scenarios]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"scenariot {name!r} anges två gånger")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    try:
        frame = pd.concat([allocate_scenario(s, matrix, population) for s in scenarios],
                          ignore_index=True) if scenarios else pd.DataFrame(columns=FEE_COLUMNS)
    except ValueError as exc:
        print(f"fel vid fördelningen: {exc}", file=sys.stderr)
        return 2
    target = Path(out) if out else reports_dir() / "avgifter.csv"
    with atomic_path(target) as tmp:
        # the contract: kommun_kod as text, fakturerad as true/false
        frame.assign(fakturerad=frame["fakturerad"].map({True: "true", False: "false"})).to_csv(
            tmp, index=False, encoding="utf-8")
    print(f"{len(frame)} rader ({len(scenarios)} scenarier) skrivna till {relative(target)}")
    return 0
