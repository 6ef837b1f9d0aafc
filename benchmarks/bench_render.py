"""Render speed: kuanalysis render against the naive way (papermill CLI, then nbconvert CLI).

Usage: python benchmarks/bench_render.py [N]   (default N = 12)

Makes N copies of a notebook that imports pandas and matplotlib and draws a chart, in a
temporary project folder, then times
  1. ``kuanalysis render`` (papermill's Python API, parallel processes, one per core), with
     the platform's start method (forkserver on Linux and macOS),
  2. the same with ``spawn``, the start method Windows has (forced here), and
  3. the naive way: ``papermill in.ipynb out.ipynb`` then ``jupyter nbconvert --to html``,
     one report after another.
Prints seconds per report for both and the speed-up. A benchmark, not a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat as nbf

CODE = """import pandas as pd
import matplotlib.pyplot as plt
df = pd.DataFrame({"kommun": [f"K{i}" for i in range(13)], "belopp": [i * 1000 for i in range(13)]})
fig, ax = plt.subplots()
ax.bar(df.kommun, df.belopp)
ax.set_title("Belopp per kommun")
plt.show()
df.describe()"""


def make_notebook(path: Path) -> None:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbf.v4.new_markdown_cell("# Mätrapport"),
        nbf.v4.new_code_cell("n = 13  # antal", metadata={"tags": ["parameters"]}),
        nbf.v4.new_code_cell(CODE),
    ]
    nbf.write(nb, path)


#: ``kuanalysis render`` with the worker processes started by ``spawn`` (as on Windows).
SPAWN = (
    "import sys\n"
    "from kuanalysis.render import forkserver\n"
    "forkserver.start_method = lambda: 'spawn'\n"
    "from kuanalysis.cli import main\n"
    "sys.exit(main(['render']))\n"
)


def main(n: int = 12) -> None:
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "notebooks").mkdir()
        for i in range(n):
            make_notebook(root / "notebooks" / f"rapport{i:02d}.ipynb")
        env = dict(os.environ, KUANALYSIS_ROOT=str(root))

        t0 = time.perf_counter()
        subprocess.run(
            [str(bindir / "kuanalysis"), "render"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        ours = time.perf_counter() - t0
        assert len(list((root / "reports").glob("rapport*.html"))) == n

        spawn_env = dict(env, KUANALYSIS_ROOT=str(root / "spawn"))
        shutil.copytree(root / "notebooks", root / "spawn" / "notebooks")
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", SPAWN], env=spawn_env, check=True, stdout=subprocess.DEVNULL
        )
        spawned = time.perf_counter() - t0
        assert len(list((root / "spawn" / "reports").glob("rapport*.html"))) == n

        naive_dir = root / "naive"
        naive_dir.mkdir()
        t0 = time.perf_counter()
        for nb in sorted((root / "notebooks").glob("*.ipynb")):
            out = naive_dir / nb.name
            subprocess.run(
                [str(bindir / "papermill"), str(nb), str(out), "--no-progress-bar"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            subprocess.run(
                [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        naive = time.perf_counter() - t0

    print(f"rapporter: {n}, kärnor: {os.cpu_count()}")
    print(f"kuanalysis render: {ours:.2f} s totalt, {ours / n:.2f} s per rapport")
    print(f"kuanalysis render, spawn: {spawned:.2f} s totalt, {spawned / n:.2f} s per rapport")
    print(
        f"naivt (papermill + nbconvert CLI i följd): {naive:.2f} s totalt, {naive / n:.2f} s per rapport"
    )
    print(f"uppsnabbning: {naive / ours:.2f}x (spawn: {naive / spawned:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
