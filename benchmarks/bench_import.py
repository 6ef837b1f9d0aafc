"""Benchmark of ``kuanalysis import`` (not a test): a 20 000-row workbook, end to end.

In a scratch project whose data/raw holds one fund statement of 20 000 areas (the previous
period), an export of the next period laid out like it (a title, a date line, the header, 20 000
rows of nine figures, a total) is imported with the command as an analyst runs it: reading,
matching, checking every figure, reading the new table back, writing. Then the same workbook
with one stray cell in ``A1048576`` (openpyxl's normal reading builds a million rows for it).

Run: ``.venv/bin/python benchmarks/bench_import.py [ROWS] [--upprepa K]``. Prints the median,
minimum and maximum seconds of K runs (default 3). Target: an export of a real table imports in
seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

KUANALYSIS = str(Path(sys.executable).parent / "kuanalysis")
KEYS = ["ib", "erhallna", "disponibla", "budget", "utfall", "utbetalt", "overforda", "kvarvarande"]


def _labels(year: int) -> list[str]:
    return [
        f"Ingående balans {year}",
        f"Erhållna medel {year}",
        f"Disponibla medel {year}",
        f"Budget förbrukning {year}",
        f"Utfall förbrukning nettokostnad {year}-04-30",
        "Utbetalt till länets kommuner",
        "Överförda medel",
        f"Kvarvarande medel {year}-04-30",
    ]


def _figures(i: int) -> list[int]:
    ib, erh, utfall, utbet = 1000 + i % 997, 500 + i % 313, 300 + i % 211, i % 7
    return [ib, erh, ib + erh, 900, utfall, utbet, 0, ib + erh - utfall - utbet]


def _model(raw: Path, rows: int) -> None:
    """The previous period: a fund statement of ``rows`` areas (no total), tertial 1 2025."""
    folder = raw / "001-delar-2025-t1"
    folder.mkdir(parents=True)
    header = ["Område"] + _labels(2025)
    lines = [",".join(header)]
    lines += [f"Område {i:05d}," + ",".join(str(x) for x in _figures(i)) for i in range(rows)]
    (folder / "delar-2025-t1-4-1.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    side = [
        "table: delar-2025-t1-4-1",
        "document: prov.txt",
        "heading: Prov",
        "unit: tkr",
        "kind: fund_statement",
        "period: 2025-01-01/2025-04-30",
        "label_column: Område",
        "columns:",
        *(f'  - {{label: "{label}", key: {k}}}' for label, k in zip(_labels(2025), KEYS)),
        "rows:",
        *(f'  - {{label: "Område {i:05d}", role: area}}' for i in range(rows)),
    ]
    (folder / "delar-2025-t1-4-1.yaml").write_text("\n".join(side) + "\n", encoding="utf-8")


def _export(path: Path, rows: int, stray: bool) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("FR41")
    ws.append(["4.1 Kommunal utveckling 2026-04-30"])
    ws.append(["Period 2026-01-01 – 2026-04-30  Utskriven 2026-05-08"])
    ws.append([])
    ws.append(["Område"] + _labels(2026))
    for i in range(rows):
        ws.append([f"Område {i:05d}", *_figures(i)])
    wb.save(path)
    if stray:
        book = openpyxl.load_workbook(path)
        book["FR41"]["A1048576"] = "x"
        book.save(path)


def run(rows: int, repeat: int, stray: bool) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "projekt"
        (root / "reports").mkdir(parents=True)
        export = Path(tmp) / "export.xlsx"
        _export(export, rows, stray)
        env = {**os.environ, "KUANALYSIS_ROOT": str(root)}
        for _ in range(repeat):
            shutil.rmtree(root / "data", ignore_errors=True)
            _model(root / "data" / "raw", rows)
            start = time.perf_counter()
            proc = subprocess.run(
                [KUANALYSIS, "import", str(export), "--som", "delar-2025-t1-4-1"]
                + ["--period", "2026-01-01/2026-04-30"],
                env=env,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(f"import misslyckades:\n{proc.stdout}{proc.stderr}")
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rows", nargs="?", type=int, default=20_000)
    p.add_argument("--upprepa", type=int, default=3)
    args = p.parse_args()
    for stray, what in ((False, ""), (True, " och en cell i A1048576")):
        t = run(args.rows, args.upprepa, stray)
        print(
            f"import av en arbetsbok med {args.rows} rader{what}: median "
            f"{statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}, {len(t)} körningar)"
        )


if __name__ == "__main__":
    main()
