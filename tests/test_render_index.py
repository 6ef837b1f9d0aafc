"""reports/index.html and its state: grouping, order, relative links, concurrent writers."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import run_cli
from render_support import FIXED_TIME, notebook

from kuanalysis.render import index

VARIANTS = """def years(parameters):
    return [{"parameters": {"ar": a}, "output": f"period/{a}.html", "title": f"Period {a}",
             "sort": str(a)} for a in (2023, 2025, 2024)]
"""


def test_index_groups_reports_and_lists_variants_newest_first(scratch_project, tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "varianter.py").write_text(VARIANTS)
    nbdir = scratch_project / "notebooks"
    notebook(nbdir / "b.ipynb", "print(1)", title="Rapport b")
    notebook(nbdir / "a.ipynb", "print(1)", title="Rapport a")
    notebook(
        nbdir / "period.ipynb",
        "from kuanalysis import publish\npublish.fields(period=str(ar))",
        params="ar = 2025  # år",
        title="Uppföljning {{period}}",
        metadata={"kuanalysis": {"variants": "varianter:years"}},
    )
    proc = run_cli(
        "render",
        "--jobs",
        "2",
        "--tidpunkt",
        FIXED_TIME,
        env={"KUANALYSIS_ROOT": str(scratch_project), "PYTHONPATH": str(tmp_path / "mods")},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = scratch_project / "reports"
    page = (out / "index.html").read_text()
    # sections by report name; a title's fields are left out of its heading
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["Rapport a", "Rapport b", "Uppföljning"]
    assert re.findall(r'<a href="([^"]+)">', page) == [
        "a.html",
        "b.html",
        "period/2025.html",
        "period/2024.html",
        "period/2023.html",
    ]
    readers, technical = page.split('<details id="teknik">')
    assert "ar = " not in readers  # parameters only in the technical section at the end
    assert "<code>period/2024.html</code>: anteckningsboken period.ipynb; parametrar " in technical
    assert "<code>ar = 2024</code>" in technical
    assert "http" not in page.split("</head>")[1]  # no absolute link
    assert "default-src 'none'; img-src data:; style-src 'unsafe-inline'" in page
    # a variant's page links back to the index relative to itself
    assert (
        '<a href="../index.html">Alla rapporter</a>' in (out / "period" / "2024.html").read_text()
    )
    state = json.loads((out / "_index.json").read_text())
    assert sorted(state) == [
        "a.html",
        "b.html",
        "period/2023.html",
        "period/2024.html",
        "period/2025.html",
    ]


def test_index_page_escapes_titles():
    state = {
        "x.html": {
            "report": "x",
            "report_title": "X",
            "output": "x.html",
            "title": "<b>fet</b> & co",
            "parameters": {"namn": "<i>"},
            "sort": "",
            "generated_at": FIXED_TIME,
            "sha256": "0",
        }
    }
    state["x.html"]["summary"] = {"text": "<script>1</script> avvikelser", "label": ""}
    page = index.page(state)
    assert '<a href="x.html">&lt;b&gt;fet&lt;/b&gt; &amp; co</a>' in page
    assert "namn = &quot;&lt;i&gt;&quot;" in page
    assert '<span class="fynd">&lt;script&gt;1&lt;/script&gt; avvikelser</span>' in page


WRITER = r"""
import sys

import pytest
from pathlib import Path
from kuanalysis.render import index
from kuanalysis.render.planning import Job
from kuanalysis.render.run import Result

out, tag = Path(sys.argv[1]), sys.argv[2]
for i in range(40):
    name = f"{tag}-{i:02d}.html"
    (out / name).write_text("x")
    job = Job(tag, "nb.ipynb", name, name, {"i": i}, "", tag)
    index.update(out, [(job, Result(name, "ok", sha256="0"))], "2024-10-25 08:00")
"""


def test_two_processes_writing_the_index_lose_nothing(tmp_path):
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), tag]) for tag in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    state = json.loads((tmp_path / "_index.json").read_text())
    assert len(state) == 80
    assert sorted(state) == sorted(f"{t}-{i:02d}.html" for t in "ab" for i in range(40))
    assert len(re.findall(r"<li><b><a ", (tmp_path / "index.html").read_text())) == 80


def test_state_of_the_previous_version_is_read(tmp_path):
    (tmp_path / "_index.json").write_text(
        json.dumps(
            {
                "a.html": {
                    "report": "a",
                    "output": "a.html",
                    "title": "A",
                    "parameters": {},
                    "status": "ok",
                    "seconds": 1.0,
                    "generated_at": FIXED_TIME,
                    "message": "",
                },
                "b.html": {
                    "report": "b",
                    "output": "b.html",
                    "title": "B",
                    "parameters": {"x": 1},
                    "status": "fel",
                    "seconds": 1.0,
                    "generated_at": FIXED_TIME,
                    "message": "...",
                },
            }
        )
    )
    state = index.read_state(tmp_path)
    assert state["a.html"]["sha256"] == "" and "failure" not in state["a.html"]
    assert "sha256" not in state["b.html"]
    assert state["b.html"]["failure"] == {"at": FIXED_TIME, "parameters": {"x": 1}}
    page = index.page(state)
    assert (
        '<li><b><a href="a.html">A</a></b><span class="om">skapad 2024-10-25 08:00</span></li>'
    ) in page
    assert "<li><b><span>B</span></b>" in page and "(ingen lyckad version finns)" in page
    assert "<code>x = 1</code>" in page.split('<details id="teknik">')[1]


@pytest.mark.parametrize(
    "damaged",
    [
        '{"a.html": {"report": "a"',  # cut off: not JSON
        "[]",  # JSON, but not a mapping of entries
        '{"a.html": {"report": "a", "output": "a.html", "title": "A"}}',  # no parameters
        '{"a.html": {"report": "a", "output": "b.html", "title": "A", "parameters": {}}}',
        b"\xff\xfe{}",  # not UTF-8
    ],
    ids=["cut-off", "a-list", "entry-without-parameters", "entry-under-another-name", "utf-16"],
)
def test_a_damaged_state_is_rebuilt_from_the_files_on_disk(scratch_project, damaged):
    notebook(scratch_project / "notebooks" / "a.ipynb", "print(1)", title="Rapport a")
    out = scratch_project / "reports"
    (out / "gammal.html").write_text("<html><head><title>Gammal &amp; fin</title></head></html>")
    (out / "blad" / "2025").mkdir(parents=True)
    (out / "blad" / "2025" / "0604.html").write_text("<title>Blad Aneby</title>")
    (out / "_failed").mkdir()
    (out / "_failed" / "a.html").write_text("<title>Kvar efter ett fel</title>")
    state_file = out / "_index.json"
    if isinstance(damaged, bytes):
        state_file.write_bytes(damaged)
    else:
        state_file.write_text(damaged)

    proc = run_cli(
        "render", "a", "--tidpunkt", FIXED_TIME, env={"KUANALYSIS_ROOT": str(scratch_project)}
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == (
        "Obs: reports/_index.json gick inte att läsa; rapportlistan byggs om från "
        "HTML-filerna i mappen\n"
    )
    state = json.loads(state_file.read_text())
    assert sorted(state) == ["a.html", "blad/2025/0604.html", "gammal.html"]
    assert state["a.html"]["generated_at"] == FIXED_TIME and state["a.html"]["key"]
    old = state["gammal.html"]
    assert (old["report"], old["title"], old["parameters"]) == ("gammal", "Gammal & fin", {})
    assert "key" not in old  # rendered again by the next run that includes it
    assert (state["blad/2025/0604.html"]["report"], state["blad/2025/0604.html"]["title"]) == (
        "blad",
        "Blad Aneby",
    )
    page = (out / "index.html").read_text()
    assert re.findall(r'<a href="([^"]+)">', page) == [
        "a.html",
        "blad/2025/0604.html",
        "gammal.html",
    ]
    # once rebuilt, the state reads again: the next run says nothing
    again = run_cli(
        "render", "a", "--tidpunkt", FIXED_TIME, env={"KUANALYSIS_ROOT": str(scratch_project)}
    )
    assert again.returncode == 0 and again.stderr == "", again.stderr
