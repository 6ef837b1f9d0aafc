"""Re-render only what changed: ``kuanalysis render`` on an unchanged tree, after one input is
edited, and a full render (``--alla``).

Usage: python benchmarks/bench_render_cache.py [--upprepa K]           (a copy of the project)
       python benchmarks/bench_render_cache.py --prov N [--upprepa K]  (N scratch reports)

The project is the one ``KUANALYSIS_ROOT`` or the checkout provides; its ``notebooks/``,
``data/`` and ``scenarios/`` are copied to a temporary folder first (the edit is made there: a
comment line appended to one scenario file, or else to the first input file a report
published). With ``--prov N`` the project is N notebooks, each reading its own table in
``data/raw`` with pandas and drawing a chart. Targets (issue 10): unchanged tree < 3 s, one
scenario edited < 10 s on 2 cores.
Each is run K times (default 3; each edit run after a new edit); prints the median seconds, the
spread, and how many reports the last run rendered or skipped. The seconds are until the
command returns. A benchmark, not a test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat as nbf

CODE = """import pandas as pd
import matplotlib.pyplot as plt
from kuanalysis import paths, provenance, publish
path = paths.project_input(tabell, "tabell")
df = pd.read_csv(path)
fig, ax = plt.subplots()
ax.bar(df.kommun, df.belopp)
ax.set_title("Belopp per kommun")
plt.show()
publish.inputs(provenance.source(path))
df.describe()"""


def scratch_project(root: Path, n: int) -> None:
    (root / "notebooks").mkdir()
    (root / "data" / "raw").mkdir(parents=True)
    for i in range(n):
        rows = "\n".join(f"K{k},{k * 1000 + i}" for k in range(13))
        (root / "data" / "raw" / f"tabell{i:02d}.csv").write_text("kommun,belopp\n" + rows + "\n")
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.cells = [
            nbf.v4.new_markdown_cell(f"# Mätrapport {i}"),
            nbf.v4.new_code_cell(
                f'tabell = "data/raw/tabell{i:02d}.csv"  # tabellen',
                metadata={"tags": ["parameters"]},
            ),
            nbf.v4.new_code_cell(CODE),
        ]
        nbf.write(nb, root / "notebooks" / f"rapport{i:02d}.ipynb")


def copy_project(root: Path) -> None:
    from kuanalysis.paths import project_root

    source = project_root()
    for folder in ("notebooks", "data", "scenarios"):
        if (source / folder).is_dir():
            shutil.copytree(
                source / folder,
                root / folder,
                symlinks=True,
                ignore=shutil.ignore_patterns("processed"),
            )


def render(root: Path, *args: str) -> tuple[float, dict[str, int]]:
    """One ``kuanalysis render``: the seconds until the command returns, and its marks.

    Its output goes to a file, not a pipe: the forkserver, which ends a moment after the
    command, holds the pipe open, and a reader of a pipe would wait for it too.
    """
    env = dict(os.environ, KUANALYSIS_ROOT=str(root))
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "kuanalysis"),
                "render",
                "--tidpunkt",
                "2024-10-25 08:00",
                *args,
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        took = time.perf_counter() - started
        log.seek(0)
        stdout = log.read()
    marks = re.findall(r"^\[\d+/\d+\] \S+\s+(klar|FEL|oförändrad)", stdout, re.M)
    if "FEL" in marks:
        print(stdout[stdout.find("misslyckades") - 200 :], file=sys.stderr)
    return took, {m: marks.count(m) for m in sorted(set(marks))}


def _line(label: str, runs: list[tuple[float, dict[str, int]]], note: str = "") -> str:
    seconds = sorted(t for t, _ in runs)
    spread = f"  (min {seconds[0]:.2f}, max {seconds[-1]:.2f})" if len(seconds) > 1 else ""
    return (
        f"{label:<27}{statistics.median(seconds):6.2f} s median av {len(seconds)}"
        f"{spread}  {runs[-1][1]}{note}"
    )


def main(argv: list[str]) -> None:
    repeat = 3
    if "--upprepa" in argv:
        i = argv.index("--upprepa")
        repeat = int(argv[i + 1])
        del argv[i : i + 2]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if argv[:1] == ["--prov"]:
            scratch_project(root, int(argv[1]) if len(argv) > 1 else 12)
        else:
            copy_project(root)
        full = [render(root, "--alla") for _ in range(repeat)]
        unchanged = [render(root) for _ in range(repeat)]
        state = json.loads((root / "reports" / "_index.json").read_text(encoding="utf-8"))
        inputs = sorted(p for e in state.values() for p in e.get("inputs", {}))
        scenarios = [p for p in inputs if p.startswith("scenarios/")]
        inputs = scenarios[-1:] or inputs
        edited = []
        for i in range(repeat):
            if inputs:
                with open(root / inputs[0], "a", encoding="utf-8") as f:
                    f.write(f"\n# ändrad {i + 1}\n")
            edited.append(render(root))
    print(f"rapporter: {sum(full[0][1].values())}, kärnor: {os.cpu_count()}")
    print(_line("full rendering (--alla):", full))
    print(_line("oförändrat träd:", unchanged))
    note = f"  ({inputs[0]})" if inputs else "  (inga publicerade indatafiler)"
    print(_line("en indatafil ändrad:", edited, note))


if __name__ == "__main__":
    main(sys.argv[1:])
