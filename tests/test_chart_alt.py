"""Every chart says what it shows in Swedish words: an alt text written by the code that draws
it, carried to ``<img alt>`` through the one escaping path; never nbconvert's default."""

from __future__ import annotations

import math
import re

import matplotlib
import nbformat as nbf
import pytest

from kuanalysis.render import export
from kuanalysis.reports import charts

matplotlib.use("Agg")  # a test process, not a notebook: nothing is shown
NBSP = "\u00a0"
MINUS = "\u2212"
NBCONVERT_DEFAULT = "No description has been provided for this image"


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_bar_chart_names_highest_and_lowest():
    # 81 > 40 > 12: highest Nära vård, lowest Fritid; unit % after a no-break space
    ax = charts.barh(
        ["Nära vård", "Fritid", "Skola"], {"Andel": [81, 12, 40]}, title="Förbrukning", unit="%"
    )
    assert charts.alt_text(ax.figure) == (
        f"Liggande stapeldiagram: Förbrukning. högst Nära vård 81{NBSP}%, lägst Fritid 12{NBSP}%."
    )


def test_bar_chart_with_two_series_names_each_and_skips_blanks():
    # Budget: 1 200 (A) > 300 (B); Utfall: B 250 is the only figure besides a blank
    ax = charts.barh(
        ["A", "B"],
        {"Budget": [1200, 300], "Utfall": [math.nan, 250]},
        title="Budget och utfall (tkr)",
        unit="tkr",
    )
    assert charts.alt_text(ax.figure) == (
        "Liggande stapeldiagram: Budget och utfall (tkr). "
        f"Budget: högst A 1{NBSP}200{NBSP}tkr, lägst B 300{NBSP}tkr; Utfall: B 250{NBSP}tkr."
    )


def test_pace_chart_says_the_rates_and_how_many_spend_ahead_of_the_year():
    # 8 of 12 months: 66.7 % of the year (shown 67 %); 0.81 is ahead, 0.12 is not, no budget
    # for C: 1 of the 2 areas with a rate spends ahead of the year
    ax = charts.pace(
        ["Nära vård", "Fritid", "C"],
        [0.81, 0.12, math.nan],
        8 / 12,
        title="Förbrukningsgrad (%)",
        elapsed_label="8/12 av året",
    )
    assert charts.alt_text(ax.figure) == (
        "Stapeldiagram: Förbrukningsgrad (%); förbrukning i procent av helårsbudget per "
        f"område, högst Nära vård 81{NBSP}%, lägst Fritid 12{NBSP}%. Linjen vid 67{NBSP}% är "
        "8/12 av året; 1 av 2 områden förbrukar snabbare än året går."
    )


def test_line_chart_gives_first_last_and_a_low_between():
    # 2 -> -1 -> 3 mnkr: from 2 to 3, lowest -1 in 2026 (neither first nor last)
    ax = charts.lines([2025, 2026, 2027], {"Saldo": [2, -1, 3]}, title="Saldo (mnkr)", unit="mnkr")
    assert charts.alt_text(ax.figure) == (
        f"Linjediagram: Saldo (mnkr), 2025–2027. Saldo: från 2{NBSP}mnkr till 3{NBSP}mnkr, "
        f"lägst {MINUS}1{NBSP}mnkr vid 2026."
    )


def test_waterfall_gives_both_ends_and_the_largest_step():
    # 100 + 5 - 8 = 97; the largest step in size is -8 (Ledning)
    ax = charts.waterfall(
        ["Kvar 2023", "Vård", "Ledning", "IB 2024"],
        [100, 5, -8, 97],
        ["start", "steg", "steg", "slut"],
        title="Bryggan (tkr)",
        unit="tkr",
    )
    assert charts.alt_text(ax.figure) == (
        f"Vattenfallsdiagram: Bryggan (tkr). Från Kvar 2023 100{NBSP}tkr till IB 2024 "
        f"97{NBSP}tkr via 2 steg; störst Ledning {MINUS}8{NBSP}tkr."
    )


def test_small_multiples_and_panels_and_stacked_bars_have_their_own_text():
    axes = charts.small_multiples(
        ["2023", "2024"], {"A": [1, 2], "B": [math.nan, math.nan]}, title="Kvar", unit="tkr"
    )
    assert charts.alt_text(axes[0][0].figure) == (
        f"2 små linjediagram, ett per område 2023–2024: Kvar. A: från 1{NBSP}tkr till "
        f"2{NBSP}tkr; B: inga tryckta tal."
    )
    # 0.5 and -0.25 with two decimals: 0,50 and -0,25
    panels = charts.panels_barh(
        ["X", "Y"], {"P": [0.5, -0.25]}, title="Nyckel", unit="", decimals=2
    )
    assert charts.alt_text(panels[0].figure) == (
        f"Liggande stapeldiagram i 1 del: Nyckel. P: högst X 0,50, lägst Y {MINUS}0,25."
    )
    # 3 + 4 = 7 for X, 1 + (-2) = -1 for Y
    ax = charts.stacked_barh(["X", "Y"], {"S": [3, 1], "K": [4, -2]}, title="Kvar", unit="tkr")
    assert charts.alt_text(ax.figure) == (
        "Staplat liggande stapeldiagram: Kvar, delarna S och K. Summa per rad: "
        f"högst X 7{NBSP}tkr, lägst Y {MINUS}1{NBSP}tkr."
    )


def _alts(page: str) -> list[str | None]:
    """The alt attribute of every <img>, as a browser reads it (None: no alt)."""
    from html.parser import HTMLParser

    found: list[str | None] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs).get("alt"))

    Images().feed(page)
    return found


def _notebook_with_image(metadata: dict):
    nb = nbf.v4.new_notebook()
    cell = nbf.v4.new_code_cell("ax = chart()")
    cell.outputs = [
        nbf.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
            metadata=metadata,
        )
    ]
    nb.cells = [nbf.v4.new_markdown_cell("# Prov"), cell]
    return nb


def test_the_alt_text_reaches_img_alt_escaped():
    hostile = 'Stapeldiagram: "A" <script>alert(1)</script> & B'
    nb = _notebook_with_image({"image/png": {"alt": hostile}})
    page, _, _ = export.export_html(nb, "Prov", {}, "2024-10-25 08:00", "abc", "index.html")
    assert _alts(page) == [hostile]  # the same characters, read back as text
    assert "<script>" not in page and NBCONVERT_DEFAULT not in page


def test_an_image_without_alt_text_stops_the_export():
    nb = _notebook_with_image({})
    with pytest.raises(export.ReportError, match="alt-text"):
        export.export_html(nb, "Prov", {}, "2024-10-25 08:00", "abc", "index.html")


def test_the_notebook_output_carries_the_alt_text():
    """In a kernel the figure's display gets the alt text as image/png metadata."""
    import nbclient

    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbf.v4.new_code_cell(
            "from kuanalysis.reports import charts\n"
            "ax = charts.barh(['A', 'B'], {'x': [2, 1]}, title='T', unit='')"
        )
    ]
    nbclient.NotebookClient(nb, timeout=120).execute()
    images = [o for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert images[0]["metadata"]["image/png"]["alt"] == (
        "Liggande stapeldiagram: T. högst A 2, lägst B 1."
    )


@pytest.mark.slow
def test_no_image_in_any_report_lacks_a_swedish_alt_text_of_its_own(rendered):
    pages = sorted(p for p in rendered.rglob("*.html") if "_failed" not in p.parts)
    images = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert NBCONVERT_DEFAULT not in text, page.name
        alts = _alts(text)
        images += len(alts)
        assert all(alts), f"{page.name}: en bild utan alt-text"
        assert all(re.match(r"^(\d+ små )?[\w ]*diagram", a) for a in alts), alts
        assert len(set(alts)) == len(alts), f"{page.name}: två bilder med samma alt-text"
    assert images >= 13  # 13 charts in the shipped reports (issue 18)
