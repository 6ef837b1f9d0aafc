"""The reader's index.html: groups as readers think, newest first, what each report found,
the technical details only at the end; readable on a 390 px phone."""

from __future__ import annotations

import re

import pytest

from kuanalysis.render import index

TIME = "2024-10-25 08:00"


def _entry(output, report, title, sort, summary=None, files=None, **extra):
    e = {
        "report": report,
        "report_title": "{{titel}}",
        "output": output,
        "title": title,
        "parameters": {"tabell": f"data/raw/{output}"},
        "sort": sort,
        "generated_at": TIME,
        "sha256": "ab" * 32,
        "files": files or {},
        "inputs": {},
        "key": "k",
        **extra,
    }
    if summary:
        e["summary"] = {"text": summary[0], "label": summary[1]}
    return e


def _state():
    entries = [
        _entry(
            "bokslut-2023.html",
            "fondredovisning",
            "Bokslut 2023",
            "2023-12-31",
            ("5 avvikelser, 2 tomma celler", ""),
        ),
        _entry(
            "delarsrapport-2024-t2.html",
            "fondredovisning",
            "Delårsrapport 2024, tertial 2",
            "2024-08-31",
            ("10 avvikelser", ""),
        ),
        _entry(
            "avgifter-2025.html",
            "avgifter",
            "Avgifterna 2025",
            "2025-12-31",
            ("6 oklara läsningar", ""),
            files={"avgifter-2025.xlsx": "cd" * 32},
        ),
        _entry("avgifter-2026.html", "avgifter", "Avgifterna 2026", "2026-12-31"),
        *(
            _entry(
                f"kommunblad/{y}/{code}.html",
                "kommunblad",
                f"Kommunblad {name}: {y}",
                f"{y}-12-31",
                (f"{name}: 1 kr", name),
            )
            for y in (2025, 2026)
            for code, name in (("0604-aneby", "Aneby"), ("0617-gnosjo", "Gnosjö <b>"))
        ),
        _entry("oversikt.html", "oversikt", "Översikt", "", ("16 källtabeller", "")),
    ]
    return {e["output"]: e for e in entries}


def test_groups_as_readers_think_newest_first():
    page = index.page(_state())
    readers = page.split('<details id="teknik">')[0]
    assert re.findall(r"<h2>(.*?)</h2>", readers) == [
        "Ekonomi: bokslut och delårsrapporter",
        "Avgifter",
        "Kommunblad",
        "Översikt",
    ]
    assert re.findall(r'<a href="([^"]+)"', readers) == [
        "delarsrapport-2024-t2.html",  # 2024-08-31 before 2023-12-31
        "bokslut-2023.html",
        "avgifter-2026.html",
        "avgifter-2025.html",
        "avgifter-2025.xlsx",  # the workbook beside its report
        "kommunblad/2026/0604-aneby.html",  # one line per year, 2026 first
        "kommunblad/2026/0617-gnosjo.html",
        "kommunblad/2025/0604-aneby.html",
        "kommunblad/2025/0617-gnosjo.html",
        "oversikt.html",
    ]


def test_each_entry_has_period_time_and_findings():
    page = index.page(_state())
    assert (
        '<li><b><a href="delarsrapport-2024-t2.html">Delårsrapport 2024, tertial 2</a></b>'
        '<span class="om">till och med 31 augusti 2024 · skapad 2024-10-25 08:00</span>'
        '<span class="fynd">10 avvikelser</span></li>'
    ) in page
    assert '<span class="om">år 2025 · skapad 2024-10-25 08:00</span>' in page
    assert '<span class="fynd">5 avvikelser, 2 tomma celler</span>' in page


def test_kommunblad_one_line_per_year_with_short_names_escaped():
    page = index.page(_state())
    (line,) = re.findall(r"<li><b>2025: </b>.*?</li>", page)
    assert re.findall(r">([^<>]+)</a>", line) == ["Aneby", "Gnosjö &lt;b&gt;"]
    assert '<span class="om">2 blad, skapade 2024-10-25 08:00</span>' in line


def test_parameters_paths_and_hashes_only_in_the_technical_section():
    page = index.page(_state())
    readers, technical = page.split('<details id="teknik">')
    for hidden in ("data/raw", "tabell =", "abababab", "fondredovisning.ipynb"):
        assert hidden not in readers and hidden in technical, hidden
    assert "<summary>Teknisk information</summary>" in technical
    assert "<code>abababababab</code>" in technical  # 12 characters of the SHA-256


def test_a_failed_report_says_so_beside_its_link():
    state = _state()
    state["bokslut-2023.html"]["failure"] = {"at": "2030-01-01 00:00", "parameters": {}}
    page = index.page(state)
    assert "fel vid körningen 2030-01-01 00:00 (senaste lyckade versionen visas)" in page


def test_the_summary_is_kept_in_the_state(tmp_path):
    from kuanalysis.render.planning import Job
    from kuanalysis.render.run import Result

    (tmp_path / "a.html").write_text("x")
    job = Job("a", "a.ipynb", "a.html", "A", {}, "", "A")
    said = {"text": "3 avvikelser", "label": ""}
    state = index.update(tmp_path, [(job, Result("a.html", "ok", sha256="0", summary=said))], TIME)
    assert state["a.html"]["summary"] == said
    assert index.read_state(tmp_path)["a.html"]["summary"] == said  # valid as written
    # an unchanged report keeps the summary of the file on disk
    state = index.update(tmp_path, [(job, Result("a.html", "oförändrad"))], TIME)
    assert state["a.html"]["summary"] == said


@pytest.mark.browser
def test_the_index_reads_on_a_390_px_phone(rendered, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((rendered / "index.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # every report is linked, and no parameter shows before the technical section is opened
    links = set(
        page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    )
    htmls = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*.html")}
    assert htmls - {"index.html"} <= links
    visible = page.inner_text("main")
    assert "data/raw" not in visible and "scenarier =" not in visible
    assert "{{" not in (rendered / "oversikt.html").read_text(encoding="utf-8")
    page.close()
