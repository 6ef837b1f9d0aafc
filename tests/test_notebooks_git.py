"""Notebooks never dirty git: they are kept without outputs, and nbstripout, installed as the
git filter of *.ipynb by the Makefile's set-up, strips what a JupyterLab or Voilà session
writes into them, so `git status` stays clean."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_in_the_repository_hold_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"
        assert "execution" not in cell.get("metadata", {}), f"cell {i} has timings"
    assert "widgets" not in nb["metadata"] and "language_info" not in nb["metadata"]


def test_gitattributes_name_the_filter_and_the_diff():
    lines = (ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "*.ipynb filter=nbstripout" in lines and "*.ipynb diff=ipynb" in lines


def test_the_setup_step_installs_the_filter():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = make.split("$(STAMP): ")[1].split("\n\n")[0]
    assert "gitfilter" in stamp  # every install runs it


def _copy(tmp: Path) -> Path:
    """The set-up files and the explorer notebook in a folder, with the project's .venv."""
    for name in ("Makefile", ".gitattributes", ".gitignore", "requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp / name)
    (tmp / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks/utforska-avgifter.ipynb", tmp / "notebooks")
    (tmp / ".venv").symlink_to(ROOT / ".venv")
    return tmp


def _make_gitfilter(folder: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CEILING_DIRECTORIES"] = str(folder.parent)  # never the enclosing repository
    return subprocess.run(
        ["make", "-s", "gitfilter"], cwd=folder, capture_output=True, text=True, env=env
    )


def test_the_setup_step_does_not_fail_outside_a_git_checkout(tmp_path):
    folder = _copy(tmp_path)
    proc = _make_gitfilter(folder)
    assert proc.returncode == 0, proc.stderr
    assert "ingen git-utcheckning" in proc.stdout


def _git(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CEILING_DIRECTORIES"] = str(folder.parent)
    return subprocess.run(
        ["git", "-c", "user.name=prov", "-c", "user.email=prov@example.invalid", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout


def _executed_in(folder: Path):
    """The explorer notebook of ``folder`` as a kernel leaves it: with outputs."""
    import nbclient

    path = folder / "notebooks" / "utforska-avgifter.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute(env={**os.environ, "KUANALYSIS_ROOT": str(ROOT)})
    assert any(c.get("outputs") for c in nb.cells)
    return path, nb


@pytest.fixture
def clone(tmp_path):
    """A git repository of the set-up files and the explorer, its filter set up by make."""
    (tmp_path / "klon").mkdir()
    folder = _copy(tmp_path / "klon")
    _git(folder, "init", "-q")
    proc = _make_gitfilter(folder)
    assert proc.returncode == 0 and "nbstripout är git-filter" in proc.stdout, proc.stderr
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "start")
    assert _git(folder, "status", "--porcelain", "notebooks/") == ""
    return folder


@pytest.mark.slow
def test_a_jupyterlab_session_leaves_git_status_clean(clone):
    """Saved as JupyterLab's autosave saves (the contents manager, with make lab's hook)."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    before = (clone / "notebooks" / "utforska-avgifter.ipynb").read_bytes()
    _, nb = _executed_in(clone)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    hook = "kuanalysis.notebookfiles.pre_save_hook"
    assert f"--ContentsManager.pre_save_hook={hook}" in make
    manager = FileContentsManager(root_dir=str(clone), pre_save_hook=hook)
    manager.save(
        {"type": "notebook", "format": "json", "content": nb}, "notebooks/utforska-avgifter.ipynb"
    )
    assert _git(clone, "status", "--porcelain") == ""
    assert (clone / "notebooks" / "utforska-avgifter.ipynb").read_bytes() == before


@pytest.mark.slow
def test_outputs_written_into_the_file_never_reach_git(clone):
    """Written by anything else (outputs in the file on disk): the filter keeps them out of
    every diff and commit."""
    path, nb = _executed_in(clone)
    nbformat.write(nb, path)
    assert _git(clone, "diff") == ""
    _git(clone, "add", "-A")
    assert _git(clone, "status", "--porcelain") == ""  # nothing to commit
    stored = json.loads(_git(clone, "show", "HEAD:notebooks/utforska-avgifter.ipynb"))
    assert all(not c.get("outputs") for c in stored["cells"])


def test_the_filter_and_the_jupyterlab_hook_strip_the_same_keys():
    from kuanalysis import notebookfiles

    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    (line,) = [x for x in make.splitlines() if x.startswith("NBSTRIPOUT = ")]
    added = line.split("--extra-keys ", 1)[1].split()
    assert "--keep-id" in line
    # nbstripout's own defaults (the first eight) and what the Makefile adds
    assert notebookfiles.EXTRA_KEYS[8:] == added
