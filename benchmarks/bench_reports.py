"""Speed of the fee reports: ``kuanalysis render avgifter kommunblad`` (14 HTML files).

Usage: python benchmarks/bench_reports.py [JOBS]   (default: one process per core)

Renders into a temporary --out folder (reports/ is not touched) and prints the seconds.
Target: under 20 s on 2 cores. A benchmark, not a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    jobs = sys.argv[1] if len(sys.argv) > 1 else str(os.cpu_count() or 1)
    exe = Path(sys.executable).with_name("kuanalysis")
    cmd = [
        str(exe) if exe.exists() else "kuanalysis",
        "render",
        "avgifter",
        "kommunblad",
        "--jobs",
        jobs,
    ]
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as out:
        started = time.perf_counter()
        proc = subprocess.run(cmd + ["--out", out], capture_output=True, text=True)
        took = time.perf_counter() - started
        pages = len(list(Path(out).rglob("*.html"))) - 1  # not counting index.html
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        return proc.returncode
    print(
        f"avgifter + kommunblad: {pages} rapporter på {took:.1f} s med {jobs} processer "
        f"({took / max(pages, 1):.2f} s per rapport)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
