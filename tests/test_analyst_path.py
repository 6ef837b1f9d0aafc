"""The analyst's path: next period's tables in a new folder, one render command, a report.

The fixture ``tests/fixtures/period-2025-t1`` holds invented figures (tertial 1 = 4/12) with one
error put in on purpose: the total row's Kvarvarande medel prints 61 900 tkr, while the rows give
52 000 + 3 400 + 1 400 + 4 100 = 60 900 and 77 100 − 15 200 − 1 000 = 60 900.
"""
from __future__ import annotations

import html
import re

import pytest

from conftest import FIXED_TIME, ROOT, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "period-2025-t1"
NBSP = "\u00a0"
PARAMS = ["-p", f"data_dir={FIXTURE}", "-p", "fondtabell=delar-2025-t1-4-1",
          "-p", "period=2025-04-30", "-p", "manader=4", "-p", "foregaende=",
          "-p", "kontinuitet=", "-p", "utbetalningar=", "-p", "finansiering="]


def _text(page: str) -> str:
    """The page's visible text, tags dropped, entities decoded, spaces normalised."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("t1")
    proc = run_cli("render", "tertial-2024", *PARAMS, "--out", str(out), "--tidpunkt", FIXED_TIME)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return (out / "tertial-2024.html").read_text(encoding="utf-8")


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
    assert ("Raden ”[Summa]”, kolumnen ”Kvarvarande medel 2025-04-30”, anger 61 900 tkr, men "
            "summan av raderna ovan ger 60 900 tkr (skillnad +1 000 tkr)") in text
    assert "gav 2 avvikelser; se avsnittet Avstämning" in text


def test_report_says_what_it_lacks_instead_of_failing(report):
    text = _text(report)
    assert "Ingen föregående period är angiven" in text
    assert "Perioden har ingen tabell över finansieringsandelar." in text


def test_wrong_months_for_the_period_is_refused(tmp_path):
    params = [p.replace("manader=4", "manader=8") for p in PARAMS]
    proc = run_cli("render", "tertial-2024", *params, "--out", str(tmp_path))
    assert proc.returncode == 1
    assert "perioden slutar i månad 4, men manader är 8" in proc.stdout
