"""Re-render only what changed: skipped reports are byte-identical to a full render."""

from __future__ import annotations

import re

from conftest import run_cli
from render_support import FIXED_TIME, notebook

READ = (
    "from kuanalysis import paths, provenance, publish\n"
    "path = paths.project_input({!r}, 'indata')\n"
    "print(path.read_text())\n"
    "publish.inputs(provenance.source(path))"
)


def test_only_changed_reports_are_rendered_again(scratch_project):
    root, out = scratch_project, scratch_project / "reports"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "data" / "raw" / "t.csv").write_text("tabell version 1\n")
    (root / "scenarios" / "s.yaml").write_text("scenario: 1\n")
    notebook(root / "notebooks" / "tabell.ipynb", READ.format("data/raw/t.csv"))
    notebook(root / "notebooks" / "scenario.ipynb", READ.format("scenarios/s.yaml"))
    env = {"KUANALYSIS_ROOT": str(root)}

    def render(*args):
        proc = run_cli("render", "--tidpunkt", FIXED_TIME, *args, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return dict(
            re.findall(r"^\[\d+/\d+\] (\S+)\s+(klar|oförändrad)", proc.stdout, re.M)
        ), proc.stdout

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
