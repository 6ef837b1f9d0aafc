"""Shared fixtures: a scratch project with tiny notebooks, and the real reports rendered once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat as nbf
import pytest

ROOT = Path(__file__).resolve().parent.parent
KUANALYSIS = str(Path(sys.executable).parent / "kuanalysis")
FIXED_TIME = "2024-10-25 08:00"


def write_notebook(path: Path, params: str, *cells: str, title: str = "Prov") -> None:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbf.v4.new_markdown_cell(f"# {title}"),
        nbf.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
    ]
    nb.cells += [nbf.v4.new_code_cell(c) for c in cells]
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    nbf.write(nb, path)


@pytest.fixture
def scratch_project(tmp_path, monkeypatch):
    """An empty project root (notebooks/, reports/) that kuanalysis.paths points to."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "reports").mkdir()
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    return tmp_path


def run_cli(*args, env=None, cwd=ROOT):
    return subprocess.run(
        [KUANALYSIS, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Every real report rendered once into a temporary folder (reports/ is left alone)."""
    out = tmp_path_factory.mktemp("reports")
    proc = run_cli("render", "--out", str(out), "--tidpunkt", FIXED_TIME)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def store_formula_value(path: Path, formula: str, value: str) -> None:
    """Give an xlsx formula the value Excel would store with it (openpyxl stores none)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/"):
                empty = f"<f>{formula}</f><v />".encode()
                assert empty in data, f"formeln {formula} finns inte i {info.filename}"
                data = data.replace(empty, f"<f>{formula}</f><v>{value}</v>".encode())
            z.writestr(info, data)
