"""What notebooks publish: fields, optional sections, files beside the report, reproducible zips."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import zipfile
from html.parser import HTMLParser

import nbformat as nbf
import pytest
from conftest import KUANALYSIS
from render_support import FIXED_TIME, notebook

from kuanalysis.render import export

HOSTILE = "<img src=x onerror=alert(1)> *Aneby* [klicka](javascript:alert(1)) & {{antal}}"
VARIANTS = """def blad(parameters):
    return [{"parameters": {"kommun": "0604"}, "output": "blad/0604.html", "title": "Blad 0604"}]
"""
SHOW = (
    "from kuanalysis import publish\n"
    "from kuanalysis.reports import html\n"
    f"publish.fields(kommun_namn={HOSTILE!r}, antal='3')"
)
WORKBOOK = (
    "import io, openpyxl\n"
    "wb = openpyxl.Workbook()\n"
    "wb.active['A1'] = 'kommun'\n"
    "buf = io.BytesIO()\n"
    "wb.save(buf)\n"
    "publish.file('tabell.xlsx', buf.getvalue(), html.link('tabell.xlsx', 'Hämta tabellen'))"
)


def run(project, *args, extra_env=None):
    """``kuanalysis`` in a subprocess under umask 022."""
    import subprocess

    env = {**os.environ, "KUANALYSIS_ROOT": str(project), **(extra_env or {})}
    return subprocess.run(
        [KUANALYSIS, *args],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=lambda: os.umask(0o022),
    )


class Elements(HTMLParser):
    """The tags inside <main>, with their attributes, and the text of the <h1>."""

    def __init__(self, page: str):
        super().__init__()
        self.tags, self.h1, self._in_main, self._in_h1 = [], "", False, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self._in_main |= tag == "main"
        self._in_h1 = tag == "h1"
        if self._in_main:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def test_fields_sections_and_files(scratch_project, tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "varianter.py").write_text(VARIANTS)
    notebook(
        scratch_project / "notebooks" / "blad.ipynb",
        SHOW,
        ("md", "Antal: {{antal}} st."),
        ("md", "## Avvikelser", ["valfri"]),
        "pass",
        ("md", "## Synligt avsnitt", ["valfri"]),
        "print('visas')",
        ("md", "## Bara stderr", ["valfri"]),
        "import sys\nprint('fel', file=sys.stderr)",
        ("md", "## Arbetsbok"),
        WORKBOOK,
        params='kommun = "0680"  # kod\netikett = "{{antal}}"  # inget fält',
        title="Rapport för {{kommun_namn}}",
        metadata={"kuanalysis": {"variants": "varianter:blad"}},
    )
    env = {"PYTHONPATH": str(tmp_path / "mods")}
    proc = run(scratch_project, "render", "--tidpunkt", FIXED_TIME, extra_env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = scratch_project / "reports" / "blad"
    page = (out / "0604.html").read_text()

    # the hostile field is text: no element, no link, no emphasis came out of it
    found = Elements(page)
    assert found.h1 == "Rapport för " + HOSTILE
    assert "img" not in [t for t, _ in found.tags] and "em" not in [t for t, _ in found.tags]
    assert [a["href"] for t, a in found.tags if t == "a"] == ["tabell.xlsx"]
    assert "Antal: 3 st." in page
    assert '<td>etikett</td><td>"{{antal}}"</td>' in page  # provenance: as given

    # optional sections: kept when a cell after them shows something, else left out
    assert "Synligt avsnitt" in page and "visas" in page
    assert "Avvikelser" not in page and "Bara stderr" not in page
    assert "Arbetsbok" in page  # not tagged: always kept

    # the published file: beside the report, re-dated to the report's time, link kept
    assert "application/vnd.kuanalysis" not in page
    assert '<a href="tabell.xlsx">Hämta tabellen</a>' in page
    book = (out / "tabell.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 10, 25, 8, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2024-10-25T08:00:00Z") == 2
    assert not (scratch_project / "notebooks" / "tabell.xlsx").exists()

    # files get the mode the umask gives (0644), not mkstemp's 0600
    for f in (out / "0604.html", out / "tabell.xlsx", scratch_project / "reports" / "index.html"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f

    # the same time again gives the same bytes (the notebook saved the workbook anew)
    proc = run(scratch_project, "render", "--alla", "--tidpunkt", FIXED_TIME, extra_env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "tabell.xlsx").read_bytes() == book
    assert (out / "0604.html").read_text() == page


def test_missing_field_and_clashing_files_fail(scratch_project):
    nbdir = scratch_project / "notebooks"
    for name in ("c", "d"):
        notebook(
            nbdir / f"{name}.ipynb",
            "from kuanalysis import publish\nfrom kuanalysis.reports import html\n"
            f"publish.file('samma.csv', b'{name}', html.link('samma.csv', 'Hämta'))",
        )
    notebook(nbdir / "e.ipynb", ("md", "Kommun: {{saknas}}"), "print(1)")
    proc = run(scratch_project, "render", "-j", "2")
    assert proc.returncode == 1
    assert (
        "Rapporten e.html misslyckades: fältet {{saknas}} i cell 3 har inget värde; "
        "anteckningsboken ska ge det med publish.fields(saknas=...) i en kodcell."
    ) in proc.stderr
    out = scratch_project / "reports"
    winner = (out / "samma.csv").read_text()
    loser = {"c": "d", "d": "c"}[winner]
    assert (
        f"Rapporten {loser}.html misslyckades: filen samma.csv publiceras också av "
        f"{winner}.html; två rapporter kan inte skriva samma fil."
    ) in proc.stderr
    assert (out / f"{winner}.html").exists() and not (out / f"{loser}.html").exists()


def test_reproducible_zip_sets_every_date():
    core = (
        b'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2020-05-05T10:11:12Z'
        b'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2021-06-06T01:02:03Z'
        b"</dcterms:modified></cp:coreProperties>"
    )

    def workbook(saved):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(zipfile.ZipInfo("xl/workbook.xml", date_time=saved), b"<workbook/>")
            z.writestr(zipfile.ZipInfo("docProps/core.xml", date_time=saved), core)
        return buf.getvalue()

    moment = dt.datetime(2024, 10, 25, 8, 0)
    first = export.reproducible_zip(workbook((2020, 5, 5, 10, 11, 12)), moment)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert [(i.filename, i.date_time) for i in z.infolist()] == [
            ("xl/workbook.xml", (2024, 10, 25, 8, 0, 0)),
            ("docProps/core.xml", (2024, 10, 25, 8, 0, 0)),
        ]
        assert z.read("xl/workbook.xml") == b"<workbook/>"
        assert z.read("docProps/core.xml") == (
            b'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2024-10-25T08:00:00Z'
            b'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2024-10-25T08:00:00Z'
            b"</dcterms:modified></cp:coreProperties>"
        )
    # saved at another time, same content: the same bytes
    assert export.reproducible_zip(workbook((2023, 1, 2, 3, 4, 6)), moment) == first


def test_published_file_name_must_be_a_plain_name():
    from kuanalysis import publish

    out = nbf.v4.new_output(
        "display_data", data={publish.MIME_FILE: {"name": "../../reports/x.csv", "base64": ""}}
    )
    nb = nbf.v4.new_notebook(cells=[nbf.v4.new_code_cell("", outputs=[out])])
    with pytest.raises(export.ReportError, match=r"publicerar filen '\.\./\.\./reports/x\.csv'"):
        export.clean(nb)


def test_optional_section_rule():
    def cell(kind, source, tags=(), outputs=()):
        c = (
            nbf.v4.new_markdown_cell(source)
            if kind == "md"
            else nbf.v4.new_code_cell(source, outputs=list(outputs))
        )
        c.metadata["tags"] = list(tags)
        return c

    shown = nbf.v4.new_output("stream", name="stdout", text="1")
    nb = nbf.v4.new_notebook(
        cells=[
            cell("md", "A", ["valfri"]),
            cell("code", "", outputs=[]),
            cell("code", "", outputs=[shown]),
            cell("md", "B", ["valfri"]),
            cell("code", ""),
            cell("md", "C", ["valfri"]),  # nothing after it before the next
            cell("md", "D"),
            cell("code", ""),
        ]
    )
    export.drop_empty_sections(nb)
    assert [c.source for c in nb.cells if c.cell_type == "markdown"] == ["A", "D"]
