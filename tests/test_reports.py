"""Every real report, rendered once: offline, no code, no local paths, indexed, opens in a browser."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from kuanalysis import render

ROOT = Path(__file__).resolve().parent.parent


def pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "_failed" not in p.parts)


def test_every_report_rendered(rendered):
    names = {p.relative_to(rendered).as_posix() for p in pages(rendered)}
    expected = {job.output for job in render.plan(None, {})} | {"index.html"}
    assert names == expected


def test_no_external_requests_possible(rendered):
    for page in pages(rendered):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script", text, re.I), page.name
        for attr in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', text, re.I):
            assert not re.match(r"^(https?:)?//", attr), f"{page.name}: {attr}"
            assert attr.startswith(("data:", "#")) or not re.match(r"^[a-z]+:", attr), attr
        assert "cdnjs" not in text and "unpkg" not in text and "mathjax" not in text.lower()


def test_no_code_tracebacks_or_local_paths(rendered):
    for page in pages(rendered):
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text and "Error:" not in text, page.name
        for local in (str(ROOT), "/root/", "/home/", "/tmp/", str(rendered)):
            assert local not in text, f"{page.name} shows {local}"
        assert "jp-CodeMirrorEditor" not in text and "highlight hl-ipython" not in text, page.name
        assert "import " not in text and "provenance.publish" not in text, page.name
        assert '<html lang="sv">' in text


def test_every_report_ends_with_provenance(rendered):
    for page in pages(rendered):
        if page.name == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        assert 'id="proveniens"' in text and "SHA-256" in text, page.name
        assert "2024-10-25 08:00" in text, page.name


def _inputs_listed(page: Path) -> dict[str, str]:
    """The provenance table of a report: file -> SHA-256 as printed."""
    text = page.read_text(encoding="utf-8")
    (table,) = re.findall(r'<table id="proveniens-indata">.*?</table>', text, re.S)
    return dict(re.findall(r"<tr><td>([^<]+)</td><td><code>([0-9a-f]{64})</code>", table))


RAW_2023 = {"data/raw/000-pks-2024/bokslut-2023.csv", "data/raw/000-pks-2024/bokslut-2023.yaml"}
T2_2024 = {
    f"data/raw/001-delar-2024-t2/delar-2024-t2-4-{n}.{ext}"
    for n in (1, 2, 3, 5)
    for ext in ("csv", "yaml")
}
FEES_2025 = {
    "data/raw/000-pks-2024/finansiering-2025.csv",
    "data/raw/referens/kommuner-befolkning.csv",
    "scenarios/forslag-2025.yaml",
}


@pytest.mark.parametrize(
    "page, wanted, not_read",
    [
        ("bokslut-2023.html", RAW_2023, T2_2024),  # a close does not read the next period
        # the tertial reads the close before it (opening 2024 = closing 2023) and the mapping
        (
            "delarsrapport-2024-t2.html",
            T2_2024 | RAW_2023 | {"data/raw/kontinuitet/2023-2024.yaml"},
            set(),
        ),
        ("avgifter-2025.html", FEES_2025, RAW_2023 | T2_2024),
        ("kommunblad/2025/0604-aneby.html", FEES_2025, RAW_2023 | T2_2024),
        ("utforska-avgifter.html", FEES_2025, RAW_2023 | T2_2024),
        ("oversikt.html", RAW_2023 | T2_2024, set()),
    ],
)
def test_provenance_lists_the_files_read_with_their_hashes(rendered, page, wanted, not_read):
    listed = _inputs_listed(rendered / page)
    assert wanted <= set(listed), wanted - set(listed)
    assert not (not_read & set(listed)), not_read & set(listed)
    for name, digest in listed.items():  # every hash is the file's as it is now
        assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest, name


def test_index_lists_every_report(rendered):
    index = (rendered / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'<a href="([^"]+)"', index))
    html = {x for x in links if x.endswith(".html")}
    assert html == {p.relative_to(rendered).as_posix() for p in pages(rendered)} - {"index.html"}
    # the workbooks are linked beside their reports, and exist
    assert {x for x in links - html} == {"avgifter-2025.xlsx"}
    assert all((rendered / x).is_file() for x in links)


@pytest.mark.browser
def test_reports_open_offline_in_chromium(rendered, browser):
    for page_path in pages(rendered):
        page = browser.new_page()
        requests = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        assert page.title(), page_path.name
        # a report shows tables; the index lists the reports
        shown = "ul.rapportlista" if page_path.name == "index.html" else "table"
        assert page.locator(shown).count() >= 1, page_path.name
        assert page.locator("h1").count() >= 1, page_path.name
        outside = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert not outside, f"{page_path.name} requested {outside}"
        page.close()


def test_the_short_sources_line_names_files_and_shortened_hashes():
    from kuanalysis.provenance import short_line

    inputs = {
        "data/raw/000-pks-2024/finansiering-2025.csv": "760cfb0c" + "0" * 56,
        "scenarios/<b>.yaml": "ab12cd34" + "f" * 56,
    }
    # sorted by path: data/raw/... before scenarios/...; 8 hex characters each
    assert short_line(inputs, "2024-10-25 08:00", "abc123") == (
        '<p class="kallor-kort">Källor: finansiering-2025.csv (760cfb0c), &lt;b&gt;.yaml '
        "(ab12cd34). Skapad 2024-10-25 08:00, kod abc123; SHA-256 förkortade, hela i "
        "webbversionen.</p>"
    )
