"""The renderer's speed work (kuanalysis.render.speed): the warm-up follows the notebooks'
own imports, and kuanalysis.render imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

from render_support import notebook

from kuanalysis.render import speed


def test_the_warm_up_imports_what_the_notebooks_import(tmp_path):
    notebook(
        tmp_path / "a.ipynb",
        "import json\nfrom kuanalysis.reports import fmt, html as h\n",
        ("md", "import not_code"),
        "def f():\n    import inside_a_function\n",
    )
    notebook(tmp_path / "b.ipynb", "from . import relative\nimport os.path", "import csv\ndef (:")
    assert speed.notebook_imports(tmp_path) == [
        "json",
        "kuanalysis.reports",
        "kuanalysis.reports.fmt",
        "kuanalysis.reports.html",
        "os.path",
    ]


def test_the_warm_up_runs_silently_and_leaves_no_names(tmp_path):
    notebook(tmp_path / "a.ipynb", "from kuanalysis import paths, not_a_module\nimport no_such_mod")
    code = speed.warm_up_code(tmp_path)
    names: dict = {}
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nprint(sorted(k for k in dir() if not k.startswith('_')))"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout == "[]\n"  # pandas, pyplot and kuanalysis.paths imported, no names left
    exec(compile(code, "warm-up", "exec"), names)
    assert "kuanalysis.paths" in sys.modules and "pandas" in sys.modules


def test_importing_the_renderer_imports_nothing_heavy():
    """``kuanalysis render`` starts the workers' server before pandas and papermill load."""
    code = (
        "import sys, kuanalysis.render, kuanalysis.render.forkserver\n"
        "print(sorted(m for m in ('pandas', 'papermill', 'nbconvert', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "[]\n", out.stderr
