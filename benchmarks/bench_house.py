"""The house in figures (issue 20): functions over 80 lines in kuanalysis/, the import
layers, mypy, and with ``--tester`` the wall time of ``make test``'s pytest command.

Usage: python benchmarks/bench_house.py [--tester]

A benchmark, not a test: it prints what it finds and exits 0.
"""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LONG = 80


def make_test_args() -> list[str]:
    """The arguments of ``make test``'s pytest command, as the Makefile gives them."""
    recipe = re.search(r"^test:.*\n\t\$\(BIN\)/pytest (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "Makefile: målet test kör inte $(BIN)/pytest"
    return shlex.split(recipe.group(1))


def long_functions() -> list[tuple[int, str]]:
    """(lines, "file:line:name") of every function over :data:`LONG` lines, longest first."""
    found = []
    for path in sorted((ROOT / "kuanalysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > LONG:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}:{node.name}"
                    found.append((lines, where))
    return sorted(found, reverse=True)


def last_line(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else f"(inget svar, kod {proc.returncode})"


def main() -> int:
    long = long_functions()
    print(f"Funktioner över {LONG} rader i kuanalysis/: {len(long)}")
    for lines, where in long:
        print(f"  {lines:4d} {where}")
    print("Lager (lint-imports):", last_line([str(BIN / "lint-imports")]))
    print("mypy (strict_optional):", last_line([str(BIN / "mypy")]))
    if "--tester" in sys.argv:
        started = time.perf_counter()
        args = make_test_args()
        summary = last_line([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", *args])
        took = time.perf_counter() - started
        print(f"make test (pytest {' '.join(args)}): {took:.0f} s: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
