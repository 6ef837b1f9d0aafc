"""Re-render only what changed: skipped reports are byte-identical to a full render."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
from conftest import ROOT, run_cli
from render_support import FIXED_TIME, notebook

READ = (
    "from kuanalysis import paths, provenance, publish\n"
    "path = paths.project_input({!r}, 'indata')\n"
    "print(path.read_text())\n"
    "publish.inputs(provenance.source(path))"
)


def _marks(stdout: str) -> dict[str, str]:
    """Each report's mark in the render's output: ``klar`` or ``oförändrad``."""
    return dict(re.findall(r"^\[\d+/\d+\] (\S+)\s+(klar|oförändrad)", stdout, re.M))


def _render(env: dict, *args: str) -> dict[str, str]:
    proc = run_cli("render", "--tidpunkt", FIXED_TIME, *args, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return _marks(proc.stdout)


def _two_reports(root):
    """tabell.html reads data/raw/t.csv ("tabell version 1"), scenario.html scenarios/s.yaml."""
    (root / "data" / "raw").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "data" / "raw" / "t.csv").write_text("tabell version 1\n")
    (root / "scenarios" / "s.yaml").write_text("scenario: 1\n")
    notebook(root / "notebooks" / "tabell.ipynb", READ.format("data/raw/t.csv"))
    notebook(root / "notebooks" / "scenario.ipynb", READ.format("scenarios/s.yaml"))


def test_only_changed_reports_are_rendered_again(scratch_project):
    root, out = scratch_project, scratch_project / "reports"
    _two_reports(root)
    env = {"KUANALYSIS_ROOT": str(root)}

    def render(*args):
        proc = run_cli("render", "--tidpunkt", FIXED_TIME, *args, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return _marks(proc.stdout), proc.stdout

    assert render()[0] == {"scenario.html": "klar", "tabell.html": "klar"}
    first = {p: (out / p).read_bytes() for p in ("tabell.html", "scenario.html")}
    stamp = (out / "tabell.html").stat().st_mtime_ns

    done, text = render()
    assert done == {"scenario.html": "oförändrad", "tabell.html": "oförändrad"}
    assert "[1/2] scenario.html oförändrad" in text
    assert "0 av 2 rapporter skrivna till reports/, 2 oförändrade" in text
    assert (out / "tabell.html").stat().st_mtime_ns == stamp  # not even rewritten

    # --alla renders everything again: the same bytes as the skipped files
    assert render("--alla")[0] == {"scenario.html": "klar", "tabell.html": "klar"}
    assert {p: (out / p).read_bytes() for p in first} == first

    # an edited input: only the report that read it
    (root / "data" / "raw" / "t.csv").write_text("tabell version 2\n")
    assert render()[0] == {"scenario.html": "oförändrad", "tabell.html": "klar"}
    assert "tabell version 2" in (out / "tabell.html").read_text()

    # a new file in a folder a report reads from: that report may need it
    (root / "scenarios" / "ny.yaml").write_text("scenario: 2\n")
    assert render()[0] == {"scenario.html": "klar", "tabell.html": "oförändrad"}

    # an edited notebook, another parameter, an output edited by hand: rendered again
    notebook(root / "notebooks" / "scenario.ipynb", READ.format("scenarios/s.yaml"), "print(2)")
    assert render()[0] == {"scenario.html": "klar", "tabell.html": "oförändrad"}
    assert render("tabell", "-p", "x=2")[0] == {"tabell.html": "klar"}
    (out / "scenario.html").write_text("ändrad för hand")
    assert render()[0] == {"scenario.html": "klar", "tabell.html": "klar"}


def _git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_in_a_git_checkout_a_scenario_edit_renders_only_its_readers(scratch_project):
    """The provenance block names the version of the code; editing or committing a scenario
    is not a new version, so the report that does not read it keeps its bytes."""
    root, out = scratch_project, scratch_project / "reports"
    _two_reports(root)
    (root / ".gitignore").write_text("reports/\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "start")
    env = {"KUANALYSIS_ROOT": str(root)}

    assert _render(env) == {"scenario.html": "klar", "tabell.html": "klar"}
    commit = re.search(r"version <code>(\w+)</code>", (out / "tabell.html").read_text())
    assert commit and commit.group(1) != "okänd"

    (root / "scenarios" / "s.yaml").write_text("scenario: 2\n")  # the tree is now changed
    assert _render(env) == {"scenario.html": "klar", "tabell.html": "oförändrad"}
    _git(root, "commit", "-q", "-am", "ett nytt scenario")
    assert _render(env) == {"scenario.html": "oförändrad", "tabell.html": "oförändrad"}
    kept = {p: (out / p).read_bytes() for p in ("tabell.html", "scenario.html")}
    assert _render(env, "--alla") == {"scenario.html": "klar", "tabell.html": "klar"}
    assert {p: (out / p).read_bytes() for p in kept} == kept

    # a change to the notebooks is a change of the code: every report shows the new version
    (root / "notebooks" / "README.md").write_text("anteckningsböckerna\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "kod")
    assert _render(env) == {"scenario.html": "klar", "tabell.html": "klar"}
    assert commit.group(1) not in (out / "tabell.html").read_text()


def test_a_change_in_the_package_code_renders_every_report_again(scratch_project):
    """The package's code is part of every key: a copy of the package is edited."""
    root = scratch_project
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "t.csv").write_text("tabell\n")
    notebook(root / "notebooks" / "tabell.ipynb", READ.format("data/raw/t.csv"))
    code = root / "kod"
    shutil.copytree(
        ROOT / "kuanalysis", code / "kuanalysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {"KUANALYSIS_ROOT": str(root), "PYTHONPATH": str(code)}

    assert _render(env) == {"tabell.html": "klar"}
    assert _render(env) == {"tabell.html": "oförändrad"}
    fmt = code / "kuanalysis" / "reports" / "fmt.py"
    fmt.write_text(fmt.read_text() + "\n# en ändring\n")
    assert _render(env) == {"tabell.html": "klar"}


def test_an_edited_sidecar_it_did_not_read_renders_a_report_again(scratch_project):
    """Reports choose their tables from the sidecars in data/raw (which is a proposal, of
    which year): an edited YAML file there counts even when the report did not publish it."""
    root = scratch_project
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "t.csv").write_text("tabell\n")
    (root / "data" / "raw" / "annan.yaml").write_text("period: 2024-01-01/2024-12-31\n")
    (root / "data" / "raw" / "annan.csv").write_text("annan\n")
    notebook(root / "notebooks" / "tabell.ipynb", READ.format("data/raw/t.csv"))
    env = {"KUANALYSIS_ROOT": str(root)}

    assert _render(env) == {"tabell.html": "klar"}
    (root / "data" / "raw" / "annan.csv").write_text("ändrad\n")  # a table it does not read
    assert _render(env) == {"tabell.html": "oförändrad"}
    (root / "data" / "raw" / "annan.yaml").write_text("period: 2025-01-01/2025-12-31\n")
    assert _render(env) == {"tabell.html": "klar"}


#: A report listing the others, as the overview does (``lists_reports``): each page it would
#: link, with its title.
LISTS = "from kuanalysis import render\nprint(sorted((j.output, j.title) for j in render.plan(None, {})))"


def test_a_report_listing_the_others_follows_what_it_lists(scratch_project):
    """A listing report's key holds every report's title and files, so an edited title
    (twice) or a new notebook renders it again (the overview used to stay ``oförändrad``,
    listing the old titles); its own inputs are unchanged all along."""
    root, page = scratch_project, scratch_project / "reports" / "lista.html"
    env = {"KUANALYSIS_ROOT": str(root)}
    notebook(
        root / "notebooks" / "lista.ipynb", LISTS, metadata={"kuanalysis": {"lists_reports": True}}
    )
    notebook(root / "notebooks" / "tabell.ipynb", "print(1)", title="Tabellen")

    assert _render(env, "lista") == {"lista.html": "klar"}
    assert "('tabell.html', 'Tabellen')" in page.read_text()
    assert _render(env, "lista") == {"lista.html": "oförändrad"}
    for title in ("Pröva avgifterna", "Pröva budgetalternativen"):
        notebook(root / "notebooks" / "tabell.ipynb", "print(1)", title=title)
        assert _render(env, "lista") == {"lista.html": "klar"}
        assert f"('tabell.html', '{title}')" in page.read_text()
    notebook(root / "notebooks" / "prov.ipynb", "print(1)", title="Provrapporten")
    assert _render(env, "lista") == {"lista.html": "klar"}
    assert "('prov.html', 'Provrapporten')" in page.read_text()
    assert _render(env, "lista") == {"lista.html": "oförändrad"}


def test_the_overview_is_a_report_listing_the_others():
    """The shipped overview lists every report (its list: ``test_reports_overview``), so it
    is keyed as one: its notebook says so."""
    nb = nbformat.read(ROOT / "notebooks" / "oversikt.ipynb", as_version=4)
    assert nb.metadata["kuanalysis"]["lists_reports"] is True
