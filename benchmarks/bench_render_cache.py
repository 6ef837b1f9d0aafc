"""Re-render only what changed: ``kuanalysis render`` on an unchanged tree, after one input is
edited, and a full render (``--alla``).

Usage: python benchmarks/bench_render_cache.py            (a copy of the project)
       python benchmarks/bench_render_cache.py --prov N   (a scratch project of N reports)

The project is the one ``KUANALYSIS_ROOT`` or the checkout provides; its ``notebooks/``,
``data/`` and ``scenarios/`` are copied to a temporary folder first (the edit is made there: a
comment line appended to one scenario file, or else to the first input file a report
published). With ``--prov N`` the project is N notebooks, each reading its own table in
``data/raw`` with pandas and drawing a chart. Targets (issue 10): unchanged tree < 3 s, one
scenario edited < 10 s on 2 cores.
Prints the seconds of each run and how many reports were rendered or skipped. A benchmark,
not a test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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
    env = dict(os.environ, KUANALYSIS_ROOT=str(root))
    started = time.perf_counter()
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "kuanalysis"),
            "render",
            "--tidpunkt",
            "2024-10-25 08:00",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    marks = re.findall(r"^\[\d+/\d+\] \S+\s+(klar|FEL|oförändrad)", proc.stdout, re.M)
    if "FEL" in marks:
        print(proc.stdout[proc.stdout.find("misslyckades") - 200 :], file=sys.stderr)
    return took, {m: marks.count(m) for m in sorted(set(marks))}


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if argv[:1] == ["--prov"]:
            scratch_project(root, int(argv[1]) if len(argv) > 1 else 12)
        else:
            copy_project(root)
        full = render(root, "--alla")
        unchanged = render(root)
        state = json.loads((root / "reports" / "_index.json").read_text(encoding="utf-8"))
        inputs = sorted(p for e in state.values() for p in e.get("inputs", {}))
        scenarios = [p for p in inputs if p.startswith("scenarios/")]
        inputs = scenarios[-1:] or inputs
        if inputs:
            with open(root / inputs[0], "a", encoding="utf-8") as f:
                f.write("\n# ändrad\n")
        edited = render(root)
    print(f"rapporter: {sum(full[1].values())}, kärnor: {os.cpu_count()}")
    print(f"full rendering (--alla):   {full[0]:6.2f} s  {full[1]}")
    print(f"oförändrat träd:           {unchanged[0]:6.2f} s  {unchanged[1]}")
    print(
        f"en indatafil ändrad:       {edited[0]:6.2f} s  {edited[1]}"
        + (f"  ({inputs[0]})" if inputs else "  (inga publicerade indatafiler)")
    )


if __name__ == "__main__":
    main(sys.argv[1:])
