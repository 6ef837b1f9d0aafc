"""Hostile text in every text field a user can edit, rendered and opened in chromium.

A copy of the project gets markup and script in table headings, document titles, row and
column labels (a fee post too), notes, a reading of the source, a claim's quotation and note,
a kommun name (in the fee matrix and the population table), a scenario's file name and
description. Every report is
rendered from it; in a real browser no injected element may appear, no request may be made
and no dialog may open. (The fee side's own cases: ``tests/test_fees_hostile.py``.)
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXED_TIME, run_cli, shipped_project

EVIL = "<img src=x onerror=alert(1)><script>alert(2)</script>\"'&<b>fet</b>"
#: Elements the reports use; anything else found in a page was injected.
OURS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "a",
    "header",
    "main",
    "span",
    "div",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "details",
    "summary",
    "b",
    "em",
    "strong",
    "img",
    "pre",
    "br",
    "hr",
    "i",
}


def _edit_table(
    folder: Path, stem: str, rename_rows: dict[str, str], rename_cols=None, **meta_fields
):
    """Rename rows/columns in a raw table and its sidecar alike; set sidecar fields."""
    rename_cols = rename_cols or {}
    path = folder / f"{stem}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0] = [rename_cols.get(h, h) for h in rows[0]]
    for r in rows[1:]:
        r[0] = rename_rows.get(r[0], r[0])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    side = folder / f"{stem}.yaml"
    meta = yaml.safe_load(side.read_text(encoding="utf-8"))
    for r in meta["rows"]:
        r["label"] = rename_rows.get(r["label"], r["label"])
    for c in meta["columns"]:
        c["label"] = rename_cols.get(c["label"], c["label"])
    for amb in meta.get("ambiguities") or []:
        amb["row"] = rename_rows.get(amb["row"], amb["row"])
    meta.update(meta_fields)
    side.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("fientlig")
    shipped_project(root)
    raw = root / "data" / "raw"
    # an area in both periods (continuity follows the label), headings, titles, notes
    _edit_table(
        raw / "000-pks-2024",
        "bokslut-2023",
        {"Utbildning": f"Utbildning {EVIL}"},
        heading=f"BOKSLUT {EVIL}",
        document_title=f"Presentation {EVIL}",
        notes=[f"Not {EVIL}"],
    )
    _edit_table(
        raw / "001-delar-2024-t2",
        "delar-2024-t2-4-1",
        {"Utbildning": f"Utbildning {EVIL}"},
        heading=f"4.1 {EVIL}",
        document_title=f"Delårsrapport {EVIL}",
    )
    _edit_table(
        raw / "001-delar-2024-t2",
        "delar-2024-t2-4-5",
        {},
        {"Tillförda medel Övriga": f"Övriga {EVIL}"},
    )
    # a municipality's name in the fee matrix (fees match municipalities by code)
    _edit_table(
        raw / "000-pks-2024",
        "finansiering-2025",
        {"Aneby": f"Aneby {EVIL}"},
        {"Fjärrundervisning": f"Fjärrundervisning {EVIL}"},  # a post no scenario names
        heading=f"FÖRSLAG {EVIL}",
    )
    # a reading of the source (ambiguities), a claim's quotation and note, the population
    side = raw / "000-pks-2024" / "bokslut-2023.yaml"
    meta = yaml.safe_load(side.read_text(encoding="utf-8"))
    meta["ambiguities"][0]["placed"] += f" {EVIL}"
    side.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _edit_table(
        raw / "000-pks-2024",
        "pastaenden-000",
        {"Utbetalat 70 mnkr Nära vård medel": f"Utbetalat 70 mnkr {EVIL}"},  # has a finding
    )
    side = raw / "000-pks-2024" / "pastaenden-000.yaml"
    meta = yaml.safe_load(side.read_text(encoding="utf-8"))
    next(r for r in meta["rows"] if r.get("note"))["note"] = f"Not {EVIL}"
    side.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _edit_table(raw / "referens", "kommuner-befolkning", {"Eksjö": f"Eksjö {EVIL}"})
    # a scenario with a hostile file name and description
    src = root / "scenarios" / "avtal.yaml"
    text = src.read_text(encoding="utf-8")
    (root / "scenarios" / f"{EVIL.replace('/', '-')}.yaml").write_text(
        re.sub(
            r"(?m)^beskrivning:.*$",
            "beskrivning: "
            + yaml.safe_dump(f"Beskrivning {EVIL}").strip().removesuffix("...").strip(),
            text,
        ),
        encoding="utf-8",
    )
    env = {"KUANALYSIS_ROOT": str(root)}
    # every report kind; of the kommunblad the one of the municipality with the hostile name
    proc = run_cli(
        "render",
        "fondredovisning",
        "oversikt",
        "avgifter",
        "kommunblad",
        "utforska-avgifter",
        "-p",
        "kommuner=0604",
        "--tidpunkt",
        FIXED_TIME,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "reports"


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "_failed" not in p.parts)


def test_the_hostile_text_reaches_the_reports_as_text(rendered):
    fund = (rendered / "bokslut-2023.html").read_text(encoding="utf-8")
    assert (
        "Utbildning &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in fund
    )
    assert "<script" not in fund and "onerror=alert" not in fund.replace("onerror=alert(1)&gt;", "")
    for page in _pages(rendered):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script|<img src=\"?x|<b>fet</b>", text), page.name
    # the fields reach the pages, as text: a fee post, a claim's quotation, the explorer
    shown = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    fees = (rendered / "avgifter-2025.html").read_text(encoding="utf-8")
    assert f"Fjärrundervisning {shown}" in fees
    assert f"Utbetalat 70 mnkr {shown}" in fund
    explorer = (rendered / "utforska-avgifter.html").read_text(encoding="utf-8")
    assert f"Aneby {shown}" in explorer


@pytest.mark.browser
def test_no_injected_element_request_or_dialog_in_chromium(rendered, browser):
    for path in _pages(rendered):
        page = browser.new_page()
        requests, dialogs = [], []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        tags = set(
            page.evaluate("() => Array.from(document.querySelectorAll('*')).map(e => e.localName)")
        )
        assert tags <= OURS, f"{path.name}: {tags - OURS}"
        imgs = page.evaluate("() => Array.from(document.images).map(i => i.getAttribute('src'))")
        assert all(s and s.startswith("data:image/") for s in imgs), (path.name, imgs)
        bold = page.evaluate(
            "() => Array.from(document.querySelectorAll('b')).map(b => b.textContent)"
        )
        assert "fet" not in bold, path.name
        outside = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert not outside and not dialogs, (path.name, outside, dialogs)
        page.close()
