"""Every rendered report prints on A4 portrait.

The reports are e-mailed to municipal directors who print them. Chromium opens each report
rendered by conftest's ``rendered`` fixture with print media emulated and a viewport as wide
as an A4 page's printable width (210 mm - 2 x 15 mm margins = 180 mm, about 680 CSS px), and
measures the laid-out page:

* no rendered element reaches past the page's right edge (or its left);
* a table's wrapper does not scroll sideways (on paper that part is cut off);
* no table, figure, image, svg, canvas or pre/code block is wider than its container, and no
  table cell, code block or text block (paragraph, list item, heading, caption) has content
  (a long unbreakable word or number) spilling out of it;
* images have loaded and scale to fit without being distorted;
* the document as a whole is no wider than the page.

Each report must also print to a non-empty A4 PDF with 15 mm margins (``page.pdf``), and
every kommunblad to exactly one page (the README promises one sheet per municipality).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

#: A4's printable width in CSS px (96 per inch): (210 - 2 * 15) mm / 25.4 * 96 = 680.3.
A4_WIDTH_PX = 680
A4_HEIGHT_PX = 960
MARGIN = "15mm"
#: Runs in the page; returns one dict per problem (outermost offending element only).
MEASURE = r"""
(vw) => {
  const problems = [];
  const add = (e, what, width, limit) => problems.push({
    tag: e.localName,
    cls: e.getAttribute('class') || '',
    id: e.id || '',
    text: (e === document.documentElement ? document.title : e.textContent || e.getAttribute('alt') || '')
      .replace(/\s+/g, ' ').trim().slice(0, 60),
    what, width, limit,
  });
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 || r.height > 0; };
  const outside = (e) => {
    const r = e.getBoundingClientRect();
    return shown(e) && (r.right > vw + 1 || r.left < -1);
  };
  // the nearest ancestor that lays out blocks, and the width it gives its content
  const container = (e) => {
    let c = e.parentElement;
    while (c.parentElement && ['inline', 'contents'].includes(getComputedStyle(c).display)) {
      c = c.parentElement;
    }
    return c;
  };
  const room = (c) => {
    const cs = getComputedStyle(c);
    return c.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  };

  // 1. every element inside the page (only the outermost one that is not)
  for (const e of document.body.querySelectorAll('*')) {
    if (!outside(e) || (e.parentElement !== document.body && outside(e.parentElement))) continue;
    const r = e.getBoundingClientRect();
    if (r.right > vw + 1) add(e, `högerkant vid ${r.right.toFixed(0)} px`, r.width, vw);
    else add(e, `vänsterkant vid ${r.left.toFixed(0)} px`, r.width, vw);
  }
  // 2. a table's wrapper does not scroll
  for (const t of document.querySelectorAll('table')) {
    const w = t.parentElement;
    if (shown(t) && w.scrollWidth > w.clientWidth + 1) {
      add(w, 'tabellen sticker ut ur sitt omslag', w.scrollWidth, w.clientWidth);
    }
  }
  // 3. blocks no wider than their container; cells and code blocks hold their content
  for (const e of document.body.querySelectorAll('table, figure, img, svg, canvas, pre, code')) {
    if (!shown(e)) continue;
    if (e.localName === 'code' && getComputedStyle(e).display === 'inline') continue;  // check 1
    const w = e.getBoundingClientRect().width;
    const c = container(e);
    if (w > room(c) + 1) add(e, `bredare än sin behållare <${c.localName}>`, w, room(c));
    if (['pre', 'code'].includes(e.localName) && e.scrollWidth > e.clientWidth + 1) {
      add(e, 'innehållet rinner ut ur blocket', e.scrollWidth, e.clientWidth);
    }
  }
  // text blocks too: a long unbreakable word runs out of its box, not its box out of the page
  const text = 'th, td, caption, p, li, dt, dd, h1, h2, h3, h4, h5, h6, blockquote, figcaption';
  for (const e of document.body.querySelectorAll(text)) {
    if (shown(e) && e.scrollWidth > e.clientWidth + 1) {
      add(e, `innehållet rinner ut ur <${e.localName}>`, e.scrollWidth, e.clientWidth);
    }
  }
  // 4. images loaded, scaled to fit, not distorted
  for (const img of document.images) {
    if (!shown(img)) continue;
    if (!img.complete || !img.naturalWidth) { add(img, 'bilden laddades inte', 0, 0); continue; }
    const r = img.getBoundingClientRect();
    const drawn = r.height / r.width, natural = img.naturalHeight / img.naturalWidth;
    if (Math.abs(drawn - natural) > 0.02 * natural) {
      add(img, `förvrängd: höjd/bredd ${drawn.toFixed(3)} mot ${natural.toFixed(3)}`, r.width, vw);
    }
  }
  // 5. the document as a whole
  const doc = document.documentElement;
  if (doc.scrollWidth > vw + 1) add(doc, 'dokumentet är bredare än sidan', doc.scrollWidth, vw);
  return problems;
}
"""


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF has: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "_failed" not in p.relative_to(folder).parts)


def _describe(report: str, problem: dict) -> str:
    cls = f' class="{problem["cls"]}"' if problem["cls"] else ""
    ident = f' id="{problem["id"]}"' if problem["id"] else ""
    return (
        f'{report}: <{problem["tag"]}{ident}{cls}> "{problem["text"]}": '
        f"{problem['width']:.0f} px bred, {problem['what']} (utrymme {problem['limit']:.0f} px)"
    )


@pytest.fixture(scope="module")
def printed(rendered, browser):
    """Every rendered report laid out for print:
    ``{name: (problems, pdf start, pdf size, pdf pages)}``."""
    margin = {side: MARGIN for side in ("top", "right", "bottom", "left")}
    out = {}
    for path in _pages(rendered):
        name = path.relative_to(rendered).as_posix()
        page = browser.new_page()
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_WIDTH_PX, "height": A4_HEIGHT_PX})
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        pdf = page.pdf(format="A4", margin=margin)
        out[name] = (page.evaluate(MEASURE, A4_WIDTH_PX), pdf[:5], len(pdf), pdf_pages(pdf))
        page.close()
    return out


@pytest.mark.browser
def test_every_kind_of_report_is_measured(printed):
    names = set(printed)
    assert {"index.html", "oversikt.html", "utforska-avgifter.html"} <= names, sorted(names)
    assert any(n.startswith("bokslut-") for n in names), sorted(names)
    assert any(n.startswith("delarsrapport-") for n in names), sorted(names)
    assert any(n.startswith("avgifter-") for n in names), sorted(names)
    assert any(n.startswith("kommunblad/") for n in names), sorted(names)


@pytest.mark.browser
def test_every_report_fits_the_width_of_an_a4_page(printed):
    found = [
        _describe(name, problem)
        for name, (problems, _, _, _) in printed.items()
        for problem in problems
    ]
    assert not found, f"{len(found)} element går inte att skriva ut på A4 stående:\n" + "\n".join(
        found[:40]
    )


@pytest.mark.browser
def test_every_report_prints_to_an_a4_pdf(printed):
    for name, (_, start, size, _) in printed.items():
        assert start == b"%PDF-" and size > 1000, (name, start, size)


@pytest.mark.browser
def test_every_kommunblad_prints_on_one_a4_page(printed):
    sheets = {n: pages for n, (_, _, _, pages) in printed.items() if n.startswith("kommunblad/")}
    assert len(sheets) == 13, sorted(sheets)  # the 13 municipalities of the shipped proposal
    assert {n: p for n, p in sheets.items() if p != 1} == {}
    # the other reports are longer: the page count is read, not assumed to be 1
    assert printed["avgifter-2025.html"][3] > 1
