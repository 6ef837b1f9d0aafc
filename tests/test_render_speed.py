"""The renderer's speed work (kuanalysis.render.speed): the warm-up follows the notebooks'
own imports, and kuanalysis.render imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
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


def _warmed(code: str) -> str:
    """Run the warm-up ``code`` in a fresh interpreter; it prints the names left, and which of
    pandas, pyplot and kuanalysis.paths it imported."""
    probe = (
        "\nimport sys as _s\n"
        "print(sorted(k for k in dir() if not k.startswith('_')),"
        " [m for m in ('pandas', 'matplotlib.pyplot', 'kuanalysis.paths') if m in _s.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code + probe], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def test_the_warm_up_runs_silently_and_leaves_no_names(tmp_path):
    # nothing imported at all (a folder without notebooks): nothing to import, no names left
    assert _warmed(speed.warm_up_code(tmp_path)) == "[] []\n"
    notebook(tmp_path / "a.ipynb", "from kuanalysis import paths, not_a_module\nimport no_such_mod")
    # no report module: neither pandas nor pyplot, which such a notebook never needs
    assert _warmed(speed.warm_up_code(tmp_path)) == "[] ['kuanalysis.paths']\n"
    notebook(tmp_path / "b.ipynb", "from kuanalysis.reports import fmt")
    assert _warmed(speed.warm_up_code(tmp_path)) == (
        "[] ['pandas', 'matplotlib.pyplot', 'kuanalysis.paths']\n"
    )


def test_the_shipped_notebooks_warm_up_pandas_and_pyplot():
    code = speed.warm_up_code(ROOT / "notebooks")
    assert code.index("'pandas', 'matplotlib.pyplot'") < code.index("'kuanalysis'")


def test_importing_the_renderer_imports_nothing_heavy():
    """``kuanalysis render`` starts the workers' server before pandas and papermill load, and
    its own process loads pandas only when a report's plan reads data (a small project's
    render never does)."""
    code = (
        "import sys, kuanalysis.render, kuanalysis.render.forkserver\n"
        "heavy = ('pandas', 'papermill', 'nbconvert', 'matplotlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "import kuanalysis.render.command\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "[]\n[]\n", out.stderr
