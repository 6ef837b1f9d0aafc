"""Shared fixtures: a scratch project with tiny notebooks, a copy of the shipped project, and
the real reports rendered once."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat as nbf
import pytest

ROOT = Path(__file__).resolve().parent.parent
KUANALYSIS = str(Path(sys.executable).parent / "kuanalysis")
FIXED_TIME = "2024-10-25 08:00"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Headless, and nothing of its own on the network: a request a page makes is the page's.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: The files shipped in data/raw and scenarios/, by folder. An analyst adds periods, proposals
#: and scenarios beside them; tests that need a project copy the shipped files only, so that
#: what an analyst adds can neither collide with a test's own additions nor change its figures.
SHIPPED = {
    "data/raw": ["README.md"],
    "data/raw/000-pks-2024": ["bokslut-2023", "finansiering-2025", "pastaenden-000"],
    "data/raw/001-delar-2024-t2": [
        *(f"delar-2024-t2-4-{n}" for n in (1, 2, 3, 5)),
        "pastaenden-001",
        "korskontroller.yaml",
    ],
    "data/raw/002-pks-2016": [
        f"pks-2016-{x}" for x in ("administration", "ovriga-omraden", "social-valfard")
    ],
    "data/raw/004-askersund-2024": [
        f"askersund-{x}"
        for x in ("driftredovisning", "driftresultat", "investeringsanalys", "verksamhet-51")
    ],
    "data/raw/kontinuitet": ["2023-2024.yaml"],
    "data/raw/referens": ["kommuner-befolkning"],
    "scenarios": [
        "README.md",
        *(
            f"{name}.yaml"
            for name in (
                "avtal",
                "befolkning-2024",
                "forslag-2025",
                "iot-digitalisering-text",
                "socialchefer-15-mars",
                "tre-ar-2-procent",
            )
        ),
    ],
}


def shipped_files() -> list[str]:
    """Every shipped file, relative to the project root (a table is its .csv and .yaml)."""
    out = []
    for folder, names in SHIPPED.items():
        for name in names:
            suffixes = [""] if "." in name else [".csv", ".yaml"]
            out += [f"{folder}/{name}{suffix}" for suffix in suffixes]
    return out


def shipped_project(root: Path) -> Path:
    """A copy of the project as shipped in ``root``: data/raw and scenarios/ with the shipped
    files only, the notebooks, empty reports/ and data/processed/."""
    for rel in shipped_files():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    for rel in ("reports", "data/processed"):
        (root / rel).mkdir(parents=True, exist_ok=True)
    return root


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
def rendered(tmp_path_factory, worker_id):
    """Every real report rendered once into a temporary folder (reports/ is left alone).

    Once per run, not once per pytest-xdist worker: the first worker to ask renders under a
    lock in the workers' common temporary folder, the others wait for it and read the same
    files (no test writes into them).
    """
    if worker_id == "master":  # no xdist
        return _render_reports(tmp_path_factory.mktemp("reports"))
    common = tmp_path_factory.getbasetemp().parent
    with (common / "rendered.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        out, done = common / "rendered", common / "rendered.ok"
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            _render_reports(out)
            done.touch()
    return out


def _render_reports(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    proc = run_cli("render", "--out", str(out), "--tidpunkt", FIXED_TIME)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def widget_parts(ui) -> list:
    """Every widget in an ipywidgets tree, depth first (the explorer's form, rows, buttons)."""

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    return list(walk(ui))


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


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by playwright (no browser download). Missing, the browser
    tests are skipped on a workstation and fail in CI, where .ci/run installs it."""
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Debians chromium saknas i CI: .ci/run ska installera den")
        pytest.skip("chromium är inte installerad")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


#: Test modules that render notebooks (kernels, the whole renderer) or run the mutation sweep:
#: marked ``slow``, left out of ``make quick`` (the inner loop); ``make test`` runs them all.
SLOW_MODULES = {
    "test_analyst_path",
    "test_bad_input_cli",
    "test_explorer",
    "test_fee_years",
    "test_fees_hostile",
    "test_hostile_labels",
    "test_kommunblad",
    "test_mutation",
    "test_next_periods",
    "test_print",
    "test_readme_next_period",
    "test_render",
    "test_render_cache",
    "test_render_cli",
    "test_render_index",
    "test_render_kill",
    "test_render_lock",
    "test_render_publish",
    "test_render_reuse",
    "test_reports",
    "test_whole_period",
}


#: The modules that take longest (worker-seconds, ``pytest --durations=0``), longest first.
#: ``make test`` hands whole modules to the workers in collection order
#: (``--dist loadfile --no-loadscope-reorder``); these are collected first, so that no long
#: module starts last while the other worker has nothing left. The others follow as found.
LONGEST_FIRST = [
    "test_bad_input_cli",
    "test_render_cache",
    "test_accessibility",
    "test_render",
    "test_explorer_app",
    "test_render_index",
    "test_reports",
    "test_readme_next_period",
    "test_render_cli",
    "test_hostile_labels",
    "test_render_kill",
    "test_notebooks_git",
    "test_fee_years",
    "test_mutation",
    "test_render_lock",
    "test_render_publish",
    "test_render_reuse",
    "test_fees_hostile",
    "test_print",
    "test_analyst_path",
    "test_whole_period",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.stem in SLOW_MODULES or item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
    rank = {stem: i for i, stem in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: order kept within
