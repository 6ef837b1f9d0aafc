"""The explorer as an app: amounts typed and shown the Swedish way, read strictly, labels in
full, saving says where, the list of scenarios, and a Publicera button that is the only way
the explorer publishes; served by Voilà without code."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import matplotlib
import pytest
from conftest import widget_parts

from kuanalysis.errors import InputError
from kuanalysis.fees.scenarios import ScenarioLoader, default_matrix, default_population
from kuanalysis.paths import scenarios_dir
from kuanalysis.reports import explorer as E

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "kr"),
    [
        ("9 000 000", 9_000_000),  # a space between the thousands
        (f"9{NBSP}000{NBSP}000", 9_000_000),  # as the field shows it
        ("9\u202f000\u202f000", 9_000_000),  # a narrow no-break space
        ("9000000", 9_000_000),  # no separators at all
        ("  12 345 kr ", 12_345),  # the unit may follow; spaces around are dropped
        ("0", 0),
    ],
)
def test_an_amount_is_read_as_swedes_type_it(typed, kr):
    assert E.parse_amount(typed) == kr


@pytest.mark.parametrize(
    "typed", ["9 00 000", "9.000.000", "9,5", "-1", "", "9 000 0000", "nio miljoner", "1e6"]
)
def test_anything_else_is_refused_with_a_swedish_fel(typed):
    with pytest.raises(InputError) as exc:
        E.parse_amount(typed, "beloppet för Skola")
    (message,) = exc.value.errors
    assert message.startswith(f"Fel: beloppet för Skola ”{typed.strip()}” är inget belopp")
    assert "t.ex. 9 000 000" in message


def test_an_amount_is_shown_with_no_break_spaces():
    assert E.format_amount(9_000_000) == f"9{NBSP}000{NBSP}000"
    assert E.format_amount(900_000) == f"900{NBSP}000"
    assert E.parse_amount(E.format_amount(1_234_567)) == 1_234_567


@pytest.mark.parametrize(
    ("typed", "bp", "shown"),
    [("2,5", 250, "2,5"), ("2", 200, "2"), ("0,05", 5, "0,05"), ("\u22121", -100, "\u22121")],
)
def test_a_percentage_in_hundredths(typed, bp, shown):
    assert E.parse_percent(typed) == bp
    assert E.format_percent(bp) == shown


@pytest.mark.parametrize("typed", ["2.5", "2,555", "", "två"])
def test_a_bad_percentage_is_refused(typed):
    with pytest.raises(InputError, match="^Fel: uppräkningen"):
        E.parse_percent(typed)


# -- the widgets -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loader():
    return ScenarioLoader(default_population(), {2025: default_matrix(2025)})


@pytest.fixture
def folder(tmp_path):
    for name in ("forslag-2025", "avtal"):
        shutil.copy(scenarios_dir() / f"{name}.yaml", tmp_path / f"{name}.yaml")
    return tmp_path


@pytest.fixture
def ex(folder, loader):
    return E.Explorer(folder, loader)


def _described(parts, text):
    return next(x for x in parts if getattr(x, "description", "") == text)


def _amount_field(parts, post):
    label = next(x for x in parts if getattr(x, "value", None) == post)
    return next(x for x in parts if label in getattr(x, "children", ())).children[1]


def test_the_form_shows_amounts_with_thousand_separators_and_labels_in_full(ex):
    parts = widget_parts(E.widget(ex))
    # forslag-2025: Grundfinansiering Social välfärd 9 000 000 kr (as printed)
    assert _amount_field(parts, "Grundfinansiering Social välfärd").value == f"9{NBSP}000{NBSP}000"
    described = [x for x in parts if getattr(x, "description", "") and hasattr(x, "style")]
    for x in described:
        if hasattr(x.style, "description_width"):
            assert x.style.description_width == "initial", x.description  # never cut off
        else:  # a button: as wide as its text
            assert x.layout.width == "auto", x.description


def test_a_bad_amount_says_fel_in_the_widget_and_keeps_the_view(ex):
    parts = widget_parts(E.widget(ex))
    view = next(x for x in parts if "utforska-per-kommun" in str(getattr(x, "value", "")))
    before = view.value
    _amount_field(parts, "Skola").value = "9 00 000"
    shown = [x.value for x in parts if "Fel: beloppet för Skola" in str(getattr(x, "value", ""))]
    assert len(shown) == 1 and "9 00 000" in shown[0]
    assert view.value == before
    _amount_field(parts, "Skola").value = "3 000 000"  # a good one clears the message
    assert not [x for x in parts if "Fel:" in str(getattr(x, "value", ""))]
    assert view.value != before


def test_saving_says_the_file_and_its_folder_and_lists_it(ex, folder):
    parts = widget_parts(E.widget(ex))
    listing = next(x for x in parts if "Scenarier i mappen" in str(getattr(x, "value", "")))
    assert "avtal.yaml" in listing.value and "prov.yaml" not in listing.value
    _amount_field(parts, "Skola").value = "1 234 567"
    _described(parts, "Namn").value = "prov"
    _described(parts, "Beskrivning").value = "Skolposten <ändrad>."
    _described(parts, "Spara som scenario").click()
    assert (folder / "prov.yaml").exists()
    said = [
        x.value for x in parts if "Sparat som prov.yaml i mappen" in str(getattr(x, "value", ""))
    ]
    assert len(said) == 1 and f"({folder})" in said[0]
    assert "<li>prov.yaml: Skolposten &lt;ändrad&gt;.</li>" in listing.value  # escaped


class StubRender:
    """Stands in for kuanalysis.render.render: records the call, writes an _index.json."""

    def __init__(self, code=0, fail_text=""):
        self.calls, self.code, self.fail_text = [], code, fail_text

    def __call__(self, names, out_dir, echo):
        self.calls.append((names, Path(out_dir)))
        entries = {
            "kommunblad/2025/0604-aneby.html": ("kommunblad", "2025-12-31", "Aneby"),
            "avgifter-2025.html": ("avgifter", "2025-12-31", ""),
            "avgifter-2024.html": ("avgifter", "2024-12-31", ""),
            "bokslut-2023.html": ("fondredovisning", "2023-12-31", ""),  # not a fee report
        }
        state = {
            out: {
                "report": report,
                "output": out,
                "title": f"Titel {out}",
                "sort": sort,
                "sha256": "0",
                "summary": {"text": "x", "label": label},
            }
            for out, (report, sort, label) in entries.items()
        }
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "_index.json").write_text(json.dumps(state), encoding="utf-8")
        echo("Klart på 1.0 s: 2 av 14 rapporter skrivna till reports/.")
        if self.fail_text:
            print(self.fail_text, file=sys.stderr)
        return self.code


def test_publish_renders_the_fee_reports_and_links_them(tmp_path, monkeypatch):
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    stub = StubRender()
    ok, said, links = E.publish(stub)
    assert stub.calls == [(["avgifter", "kommunblad"], tmp_path / "reports")]
    assert ok and said == ["Klart på 1.0 s: 2 av 14 rapporter skrivna till reports/."]
    # the fee reports first, newest first; the kommunblad by its short name; no fund report
    assert links == [
        ("Titel avgifter-2025.html", "reports/avgifter-2025.html"),
        ("Titel avgifter-2024.html", "reports/avgifter-2024.html"),
        ("Aneby", "reports/kommunblad/2025/0604-aneby.html"),
    ]


def test_a_failed_publish_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    ok, said, _ = E.publish(StubRender(1, "Rapporten avgifter-2025.html misslyckades."))
    assert not ok and said[-1] == "Rapporten avgifter-2025.html misslyckades."


def test_nothing_is_published_without_the_click(ex, tmp_path, monkeypatch):
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    stub = StubRender()
    parts = widget_parts(E.widget(ex, stub))
    _amount_field(parts, "Skola").value = "1 000 000"
    _described(parts, "Namn").value, _described(parts, "Beskrivning").value = "p", "Prov."
    _described(parts, "Spara som scenario").click()
    assert stub.calls == []  # changing and saving publish nothing
    _described(parts, "Publicera").click()
    assert len(stub.calls) == 1
    shown = next(x.value for x in parts if "Uppdaterade rapporter" in str(getattr(x, "value", "")))
    assert '<a href="voila/files/reports/avgifter-2025.html">' in shown
    assert ">Aneby</a>" in shown
    assert "Publicera" not in [getattr(x, "description", "") for x in widget_parts(E.widget(ex))]


# -- served by Voilà ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flags() -> list[str]:
    """The Makefile's VOILA_FLAGS, as make passes them."""
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    (line,) = re.findall(r"^VOILA_FLAGS = (.*?)(?<!\\)\n", make, re.S | re.M)
    import shlex

    return shlex.split(line.replace("\\\n", " "))


@pytest.fixture(scope="module")
def voila():
    """``make utforska``'s Voilà on a free port of 127.0.0.1, without a browser of its own."""
    port = _free_port()
    assert "--Voila.ip=127.0.0.1" in _flags() and "--strip_sources=True" in _flags()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "voila"),
            "notebooks/utforska-avgifter.ipynb",
            *_flags(),
            f"--port={port}",
            "--no-browser",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "KUANALYSIS_ROOT": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}/"
    notebook = ROOT / "notebooks" / "utforska-avgifter.ipynb"
    before = notebook.read_bytes()
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert notebook.read_bytes() == before  # a Voilà session never writes the notebook


@pytest.mark.slow
def test_voila_serves_the_explorer_without_code(voila):
    page = urllib.request.urlopen(voila, timeout=180).read().decode("utf-8")
    for code in ("explorer.show(", "from kuanalysis", "charts.style()", "publish.inputs("):
        assert code not in page, code
    # the amounts as Swedes read them, in the page's outputs (JSON-escaped or not)
    assert f"9{NBSP}000{NBSP}000" in page or "9\\u00a0000\\u00a0000" in page
    assert "No description has been provided" not in page


@pytest.mark.browser
def test_the_app_shows_the_form_with_swedish_amounts(voila, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(voila, timeout=180_000)
    page.wait_for_selector("input[type=text]", timeout=180_000)
    values = page.eval_on_selector_all("input[type=text]", "els => els.map(e => e.value)")
    assert f"9{NBSP}000{NBSP}000" in values  # Grundfinansiering Social välfärd
    cut = page.eval_on_selector_all(
        ".widget-label, button",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)",
    )
    assert cut == []  # no "Uppräknin…"
    assert page.locator("button", has_text="Publicera").count() == 1
    assert page.locator("text=explorer.show").count() == 0
    page.close()


@pytest.mark.slow
def test_publish_with_the_real_renderer_links_what_it_rendered(tmp_path, monkeypatch):
    """Publicera on a copy of the shipped project: the fee report and the 13 kommunblad are
    rendered under the renderer's lock, then a second click renders nothing new."""
    from conftest import shipped_project

    from kuanalysis import render

    project = shipped_project(tmp_path / "projekt")
    monkeypatch.setenv("KUANALYSIS_ROOT", str(project))
    ok, said, links = E.publish(render.render)
    assert ok, said
    assert said[0].startswith("Klart på ") and "14 av 14 rapporter skrivna" in said[0]
    assert links[0] == (
        "Avgifterna 2025: förslaget, nycklarna och alternativen",
        "reports/avgifter-2025.html",
    )
    assert len(links) == 14 and ("Aneby", "reports/kommunblad/2025/0604-aneby.html") in links
    assert all((project / path).is_file() for _, path in links)
    assert not (project / "reports" / "bokslut-2023.html").exists()  # only the fee reports
    ok, said, _ = E.publish(render.render)
    assert ok and "0 av 14 rapporter skrivna" in said[0] and "14 oförändrade" in said[0]
