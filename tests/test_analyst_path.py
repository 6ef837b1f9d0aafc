"""The analyst's path by hand: a new period's table written into a new folder of data/raw (as
``data/raw/README.md`` describes), then one render of that period. (The path with
``kuanalysis import`` is ``tests/test_readme_next_period.py``.)

The fixture ``tests/fixtures/period-2025-t1`` holds invented figures (tertial 1 = 4/12) with one
error put in on purpose: the total row's Kvarvarande medel prints 61 900 tkr, while the rows give
52 000 + 3 400 + 1 400 + 4 100 = 60 900 and 77 100 − 15 200 − 1 000 = 60 900.

Everything runs in a copy of the project (``KUANALYSIS_ROOT``): data/raw is never touched.
"""

from __future__ import annotations

import html
import re
import shutil

import pytest
from conftest import FIXED_TIME, ROOT, run_cli, shipped_project

FIXTURE = ROOT / "tests" / "fixtures" / "period-2025-t1"
NBSP = "\u00a0"


def _text(page: str) -> str:
    """The page's visible text, tags dropped, entities decoded, spaces normalised."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = shipped_project(tmp_path_factory.mktemp("projekt"))
    shutil.copytree(FIXTURE, root / "data" / "raw" / "005-delar-2025-t1")
    return root


@pytest.fixture(scope="module")
def report(project):
    env = {"KUANALYSIS_ROOT": str(project)}
    proc = run_cli(
        "render",
        "fondredovisning",
        "-p",
        "fondtabell=delar-2025-t1-4-1",
        "--tidpunkt",
        FIXED_TIME,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return (project / "reports" / "delarsrapport-2025-t1.html").read_text(encoding="utf-8")


def test_the_period_renders_under_its_own_name(project, report):
    names = sorted(p.name for p in (project / "reports").glob("*.html"))
    assert names == ["delarsrapport-2025-t1.html", "index.html"]
    assert (
        "<title>Delårsrapport 2025, tertial 1: Kommunal utvecklings medel per område</title>"
        in report
    )
    assert "2024" not in re.search(r"<h1[^>]*>(.*?)</h1>", report, re.S)[1]


def test_report_shows_the_invented_key_figures(report):
    text = _text(report)
    # utfall 9 000 + 3 600 + 600 + 2 000 = 15 200 of budget 48 600 -> 31 %
    assert "förbrukat 15 200 tkr av årets budget på 48 600 tkr" in text
    assert "förbrukningsgrad på 31 %" in text
    assert "4/12 = 33 %" in text
    # linear forecast 15 200 / (4/12) = 45 600; 48 600 − 45 600 = 3 000 under budget
    assert "cirka 45 600 tkr för helåret, 3 000 tkr under budget" in text
    # only Digitalisering (3 600 / 9 000 = 40 %) spends faster than 4/12
    assert "Det gäller Digitalisering (40 %)." in text


def test_report_marks_and_explains_the_invented_error(report):
    assert re.search(r'<td class="tal avvikelse">61\u00a0900</td>', report)
    text = _text(report)
    assert (
        "Raden ”[Summa]”, kolumnen ”Kvarvarande medel 2025-04-30”, anger 61 900 tkr, men "
        "summan av raderna ovan ger 60 900 tkr (skillnad +1 000 tkr)"
    ) in text
    # the two breaks of the total, and that there is no close of 2024 to open from
    assert "gav 2 avvikelser och 1 oklar läsning; se avsnittet Avstämning" in text


def test_a_missing_close_is_said_and_sections_without_data_are_left_out(report):
    text = _text(report)
    # no close for 2024 in the data: the bridge section says so, once in it and once as a
    # finding; no other tables
    bridge = text.split("Från föregående bokslut", 1)[1].split("Avstämning", 1)[0]
    assert "Bokslut 2024 finns inte i data/raw: ingående balans 2025 kan inte stämmas av." in bridge
    assert text.count("Bokslut 2024 finns inte i data/raw") == 2
    assert "Periodens övriga tabeller" not in text
    assert "Prognos för helåret" in text


def test_an_unknown_fund_table_is_refused_before_anything_runs(project):
    proc = run_cli(
        "render",
        "fondredovisning",
        "-p",
        "fondtabell=delar-2025-t9",
        env={"KUANALYSIS_ROOT": str(project)},
    )
    assert proc.returncode == 2
    assert "fondredovisningen 'delar-2025-t9' finns inte i data/raw" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
