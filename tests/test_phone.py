"""Reports on a 390 px phone and on paper: table headings break between words, never one
letter a line; the page says it is Swedish (so the browser hyphenates Swedish words)."""

from __future__ import annotations

import pytest

#: Runs in the page: every table heading whose box is narrower than one of its short words
#: (at most 12 letters: "Fynd", "Kommun", "Avvikelse"), which then breaks inside the word.
BROKEN_HEADINGS = r"""
() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const th of document.querySelectorAll('th')) {
    const r = th.getBoundingClientRect();
    if (!r.width) continue;
    const cs = getComputedStyle(th);
    canvas.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = th.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    for (const word of th.textContent.split(/[\s\-\u2010\u2013]+/)) {  // a break after a hyphen is a break between words
      if (word.length < 2 || word.length > 12) continue;
      const w = canvas.measureText(word).width;
      if (w > room + 1) out.push(`${th.textContent.trim().slice(0, 40)}: "${word}" ${w.toFixed(0)} px i ${room.toFixed(0)} px`);
    }
  }
  return out;
}
"""


def _pages(folder):
    return sorted(p for p in folder.rglob("*.html") if "_failed" not in p.parts)


@pytest.mark.browser
@pytest.mark.parametrize(("media", "width"), [("screen", 390), ("print", 680)])
def test_no_heading_breaks_inside_a_short_word(rendered, browser, media, width):
    found = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)
    for path in _pages(rendered):
        page.goto(path.as_uri())
        found += [f"{path.relative_to(rendered)}: {p}" for p in page.evaluate(BROKEN_HEADINGS)]
    page.close()
    assert not found, "\n".join(found[:30])


@pytest.mark.slow
def test_every_page_is_swedish_and_hyphenates_narrow_cells(rendered):
    from kuanalysis.render.export import TEMPLATES

    css = (TEMPLATES / "kuanalysis" / "report.css").read_text(encoding="utf-8")
    assert ".ku-tabell td, .ku-tabell tbody th { hyphens: auto;" in css
    for path in _pages(rendered):
        assert '<html lang="sv">' in path.read_text(encoding="utf-8"), path.name


@pytest.mark.browser
def test_kommunblad_sources_short_on_paper_full_on_screen(rendered, browser):
    sheet = next((rendered / "kommunblad").rglob("*.html"))
    page = browser.new_page(viewport={"width": 680, "height": 960})
    page.goto(sheet.as_uri())
    assert page.is_visible("#proveniens-indata") and not page.is_visible(".kallor-kort")
    page.emulate_media(media="print")
    assert not page.is_visible("#proveniens-indata") and page.is_visible(".kallor-kort")
    assert page.inner_text(".kallor-kort").startswith("Källor: ")
    page.close()
