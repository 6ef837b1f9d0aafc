"""The overview: the report list and each area across the periods (figures from the sources)."""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import pytest
from conftest import shipped_project

from kuanalysis.checks.runner import check_folder
from kuanalysis.reports import overview


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    # the shipped periods only, whatever an analyst has added to data/raw
    root = shipped_project(tmp_path_factory.mktemp("levererat"))
    tables, specs, _ = check_folder(root / "data" / "raw")
    return tables, specs


def test_areas_followed_by_label_and_through_the_rename(shipped):
    remaining, rate = overview.areas_over_time(*shipped)
    assert list(remaining.columns) == ["2023", "2024 T2"]
    assert remaining.loc["Nära vård"].tolist() == [33088, 29746]  # BOKSLUT 2023, 4.1
    # "Ledning o stab **)" (2023) is "Ledning **)" in 2024: one area, its kvarvarande blank 2024
    assert remaining.loc["Ledning **)", "2023"] == 1116
    assert math.isnan(remaining.loc["Ledning **)", "2024 T2"])
    assert "Ledning o stab **)" not in remaining.index
    # the split: the 2023 area ends, the five 2024 areas start
    assert remaining.loc["Social Välfärd och Hälsa sjukvård"].tolist()[0] == 58088
    assert math.isnan(remaining.loc["Barnahus", "2023"])
    # rate: Fritid 2 301 / 2 100 in 2023, 1 777 / 2 500 in 2024
    assert rate.loc["Fritid"].tolist() == pytest.approx([2301 / 2100, 1777 / 2500])
    assert remaining.index[0] == "Social Vårld och Hälso sjukvård"  # the newest period's order


def test_report_list_links_top_level_files_and_the_index_for_subfolders():
    reports = {
        "fond": NS(title="{{titel}}", variants="x"),
        "blad": NS(title="Kommunblad", variants="y"),
        "oversikt": NS(title="Översikt <1>", variants=None),
    }
    jobs = [
        NS(report="fond", output="bokslut-2023.html", title="Bokslut 2023"),
        NS(report="blad", output="kommunblad/0604-aneby.html", title="Aneby"),
        NS(report="oversikt", output="oversikt.html", title="Översikt <1>"),
    ]
    assert overview.report_list(reports, jobs) == (
        '<ul class="rapportlista"><li><a href="bokslut-2023.html">Bokslut 2023</a></li>'
        '<li><a href="index.html">Kommunblad</a></li>'
        '<li><a href="oversikt.html">Översikt &lt;1&gt;</a></li></ul>'
    )
