"""Tests of the report helpers in kuanalysis.fees (avgifter-2025, kommunblad, the workbook)
and the chart functions they use. Expected values are worked out by hand in the comments."""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kuanalysis import charts, fees
from kuanalysis.table import Table

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend


def lines(rows):
    """A fees frame in the ``kuanalysis fees`` contract from (scenario, kod, kommun, post, kr, fakt)."""
    return pd.DataFrame(rows, columns=fees.FEE_COLUMNS)


# Two scenarios, two municipalities, two posts.
# forslag-2025: post A invoiced (X 60, Y 40), post B not invoiced (X 7, Y 3).
# alt: post A invoiced (X 50, Y 50), post B invoiced (X 7, Y 3).
FEES = lines([
    ("forslag-2025", "0001", "X", "A", 60, True),
    ("forslag-2025", "0002", "Y", "A", 40, True),
    ("forslag-2025", "0001", "X", "B", 7, False),
    ("forslag-2025", "0002", "Y", "B", 3, False),
    ("alt", "0001", "X", "A", 50, True),
    ("alt", "0002", "Y", "A", 50, True),
    ("alt", "0001", "X", "B", 7, True),
    ("alt", "0002", "Y", "B", 3, True),
])


# ---------------------------------------------------------------------------------------
# File names and variants
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, slug", [
    ("Jönköping", "jonkoping"), ("Värnamo", "varnamo"), ("Sävsjö", "savsjo"),
    ("Eksjö", "eksjo"), ("Aneby", "aneby"), ("Kval.arb öppen fritid", "kval-arb-oppen-fritid"),
])
def test_ascii_slug(name, slug):
    assert fees.ascii_slug(name) == slug


def test_kommunblad_variants_one_per_municipality():
    variants = fees.kommunblad_variants({"kommun_kod": "0680"})
    assert len(variants) == 13
    assert variants[0] == {"parameters": {"kommun_kod": "0604"},
                           "output": "kommunblad/0604-aneby.html",
                           "title": "Kommunblad Aneby: avgifter 2025"}
    jkp = [v for v in variants if v["parameters"]["kommun_kod"] == "0680"]
    assert jkp[0]["output"] == "kommunblad/0680-jonkoping.html"
    assert jkp[0]["title"] == "Kommunblad Jönköping: avgifter 2025"
    assert all(v["output"].isascii() for v in variants)
    codes = [v["parameters"]["kommun_kod"] for v in variants]
    assert codes == sorted(codes) and len(set(codes)) == 13


def test_kommunblad_variants_selection_and_unknown_code():
    chosen = fees.kommunblad_variants({"kommuner": "0686, 0604"})
    assert [v["output"] for v in chosen] == ["kommunblad/0686-eksjo.html",
                                            "kommunblad/0604-aneby.html"]
    with pytest.raises(ValueError, match="okända kommunkoder 9999"):
        fees.kommunblad_variants({"kommuner": "0604,9999"})


# ---------------------------------------------------------------------------------------
# Comparison of scenarios
# ---------------------------------------------------------------------------------------
def test_comparison_by_municipality_counts_only_invoiced_posts():
    c = fees.scenario_comparison(FEES)
    # forslag: X 60, Y 40 (B not invoiced), Summa 100; alt: X 57, Y 53, Summa 110
    assert list(c.columns) == ["forslag-2025", "alt"]
    assert list(c.index) == ["X", "Y", "Summa"]
    assert c.loc["X"].tolist() == [60, 57]
    assert c.loc["Y"].tolist() == [40, 53]
    assert c.loc["Summa"].tolist() == [100, 110]


def test_comparison_by_post_and_difference():
    c = fees.scenario_comparison(FEES, by="post")
    # A: 100 in both; B: 0 (not invoiced) in forslag, 10 in alt
    assert c.loc["A"].tolist() == [100, 100]
    assert c.loc["B"].tolist() == [0, 10]
    d = fees.difference_to_base(c)
    assert list(d.columns) == ["alt"]
    assert d["alt"].tolist() == [0, 10, 10]
    with pytest.raises(ValueError, match="saknar scenariot"):
        fees.difference_to_base(c, base="finns-inte")
    with pytest.raises(ValueError):
        fees.scenario_comparison(FEES, by="år")


def test_share_against_population():
    pop = pd.DataFrame({"kommun_kod": ["0001", "0002"], "befolkning_2024_12_31": [300, 100]})
    s = fees.share_vs_population(FEES, pop)
    # population 300 of 400 = 75 %, 100 of 400 = 25 %; forslag 60/100, 40/100; alt 57/110
    assert s.loc["0001", "kommun"] == "X"
    assert s.loc["0001", "befolkning_andel"] == pytest.approx(75.0)
    assert s.loc["0002", "befolkning_andel"] == pytest.approx(25.0)
    assert s.loc["0001", "forslag-2025"] == pytest.approx(60.0)
    assert s.loc["0002", "alt"] == pytest.approx(100 * 53 / 110)


# ---------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------
def _by_year(name, order, values, total):
    codes = {"X": "0001", "Y": "0002"}
    meta = {"table": name, "document": "test.txt", "kind": "amount_by_kommun", "unit": "tkr",
            "columns": [{"label": "2016", "key": "ar_2016"}, {"label": "2018", "key": "ar_2018"}],
            "rows": [{"label": k, "role": "kommun", "kommun_kod": codes[k]} for k in order]
            + [{"label": "Summa", "role": "total"}]}
    return Table.from_rows(meta, {**dict(zip(order, values)), "Summa": total})


def test_history_matches_by_code_keeps_printed_totals_and_blanks():
    # Social printed X, Y; administration printed Y, X (other order); a blank in 2016.
    social = _by_year("soc", ["X", "Y"], [[10, 20], [30, 40]], [40, 61])   # 61: printed, not 60
    admin = _by_year("adm", ["Y", "X"], [[None, 5], [1, 2]], [1, 7])
    meta = {"table": "m", "document": "t.txt", "kind": "fee_matrix", "unit": "kr",
            "columns": [{"label": "Grundfinansiering Social välfärd", "key": "g"},
                        {"label": "Medlemsavgift Kommunal utveckling", "key": "m"},
                        {"label": "Summa", "key": "summa", "role": "total"}],
            "rows": [{"label": "X", "role": "kommun", "kommun_kod": "0001"},
                     {"label": "Y", "role": "kommun", "kommun_kod": "0002"},
                     {"label": "Summa", "role": "total"}]}
    matrix = Table.from_rows(meta, {"X": [1500, 2500, 4000], "Y": [500, 1500, 2000],
                                    "Summa": [2000, 4000, 6000]})
    h = fees.history_table(social, admin, matrix)
    assert list(h.index) == ["X", "Y", "Summa"]
    assert h.loc["X", "Social välfärd 2016"] == 10 and h.loc["Y", "Social välfärd 2018"] == 40
    assert h.loc["Summa", "Social välfärd 2018"] == 61          # the printed total
    assert h.loc["X", "Administration 2016"] == 1                # X's row, printed second
    assert math.isnan(h.loc["Y", "Administration 2016"])         # blank stays blank
    assert h.loc["X", "Grundfinansiering social välfärd 2025"] == pytest.approx(1.5)  # kr->tkr
    assert h.loc["Summa", "Medlemsavgift 2025"] == pytest.approx(4.0)


# ---------------------------------------------------------------------------------------
# Balance account
# ---------------------------------------------------------------------------------------
def _scenario(name, from_balance_kr):
    posts = {"A": fees.PostSpec("A", from_balance_kr, fees.IMPLIED_KEY, False, None,
                                from_balance_kr > 0, 1)}
    return fees.Scenario(name, f"{name}.yaml", "prov", posts)


def test_balance_overview_runway():
    closing, summary = fees.balance_overview(
        [_scenario("tar", 9_000_000), _scenario("tar-inte", 0)], years=range(2025, 2028))
    # 20,5 mnkr − 9 − 10 (2025 payout) = 1,5; then −7,5; then −16,5
    assert closing["tar"].tolist() == [1_500_000, -7_500_000, -16_500_000]
    # nothing taken: 20,5 − 10 = 10,5 and stays there
    assert closing["tar-inte"].tolist() == [10_500_000] * 3
    assert summary.loc["tar", "tar_slut"] == 2026
    assert summary.loc["tar-inte", "tar_slut"] is None
    assert summary.loc["tar", "från_balanskonto_kr"] == 9_000_000


def test_group_identical_columns():
    frame = pd.DataFrame({"a": [1, 2], "b": [1, 3], "c": [1, 2]})
    g = fees.group_identical_columns(frame)
    assert list(g.columns) == ["a, c", "b"]
    assert g["b"].tolist() == [1, 3]


# ---------------------------------------------------------------------------------------
# Workbook
# ---------------------------------------------------------------------------------------
def test_write_xlsx(tmp_path):
    scen = [fees.Scenario("forslag-2025", "f.yaml", "Förslaget.", {}),
            fees.Scenario("alt", "a.yaml", "Ett alternativ.", {})]
    path = fees.write_xlsx(tmp_path / "ut" / "avgifter-2025.xlsx", FEES, scen)
    assert [p.name for p in (tmp_path / "ut").iterdir()] == ["avgifter-2025.xlsx"]  # no temp
    wb = load_workbook(path)
    assert wb.sheetnames == ["Jämförelse", "forslag-2025", "alt"]
    cmp_ = wb["Jämförelse"]
    # header on row 3: Kommun, forslag-2025, alt; X on row 4: 60 and 57 (see FEES)
    assert [c.value for c in cmp_[3]][:3] == ["Kommun", "forslag-2025", "alt"]
    assert [c.value for c in cmp_[4]][:3] == ["X", 60, 57]
    assert cmp_["B4"].number_format == fees.XLSX_KR
    # the differences block: header after the 3 rows + a blank line; X: 57 − 60 = −3
    diff_rows = {r[0].value: [c.value for c in r[1:2]] for r in cmp_.iter_rows(min_row=8)}
    assert diff_rows["X"] == [-3] and diff_rows["Summa"] == [10]
    s = wb["forslag-2025"]
    header = [c.value for c in s[4]]
    assert header[:4] == ["Kommun", "A", "B", "Fakturerat"]
    x = [c.value for c in s[5]]
    assert x[:4] == ["X", 60, 7, 60]        # Fakturerat leaves out the not-invoiced B
    assert s["A2"].value == "Förslaget."
    found = [c.value for c in s["A"] if isinstance(c.value, str) and c.value.startswith("Fakt")]
    assert found == ["Faktureras inte: B"]
    assert s.column_dimensions["A"].width >= 14


# ---------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------
def test_panels_barh_one_panel_each_own_scale():
    axes = charts.panels_barh(["X", "Y"], {"liten": [0.01, -0.02], "stor": [10, np.nan]},
                              title="Prov (procentenheter)", unit="", decimals=2)
    assert len(axes) == 2
    assert axes[0].get_title(loc="left") == "liten"
    assert axes[1].get_xlim()[1] > 5 > axes[0].get_xlim()[1]
    assert axes[0].figure._suptitle.get_text() == "Prov (procentenheter)"
    assert axes[0].xaxis.get_major_formatter()(-0.02) == "\u22120,02"


def test_lines_draws_series_and_zero_line():
    ax = charts.lines([2025, 2026], {"a": [1_500_000, -7_500_000], "b": [1, 1]},
                      title="Saldo (kr)", unit="kr")
    assert len(ax.get_lines()) == 3  # two series and y = 0
    assert ax.get_lines()[0].get_marker() != ax.get_lines()[1].get_marker()
    assert ax.yaxis.get_major_formatter()(-7_500_000) == "\u22127\u00a0500\u00a0000\u00a0kr"


# ---------------------------------------------------------------------------------------
# Plain-Swedish findings, keys against population, one municipality's sheet
# ---------------------------------------------------------------------------------------
def test_findings_overview_counts_and_sentences():
    def f(check, status):
        return fees.Finding("d", "t", "r", "c", check, None, None, None, status, "s")

    o = fees.findings_overview([f("radsumma", "avrundning"), f("summa_utan_post", "oklar"),
                                f("radsumma", "avrundning"), f("radsumma", "avvikelse")])
    # order of CHECK_SENTENCES: summa_utan_post before radsumma
    assert o["Antal"].tolist() == [1, 2, 1]
    assert o["Kontroll"].iloc[0] == fees.CHECK_SENTENCES["summa_utan_post"]
    assert o["Status"].tolist()[1:] == ["avrundning: avrundning till hela kronor, inget fel",
                                        "avvikelse: fel som inte förklaras av avrundning"]


def test_key_vs_population_two_groups():
    meta = {"table": "m", "document": "t.txt", "kind": "fee_matrix", "unit": "kr",
            "columns": [{"label": "A", "key": "a"}, {"label": "B", "key": "b"},
                        {"label": "Summa", "key": "summa", "role": "total"}],
            "rows": [{"label": "X", "role": "kommun", "kommun_kod": "0001"},
                     {"label": "Y", "role": "kommun", "kommun_kod": "0002"},
                     {"label": "Summa", "role": "total"}]}
    # A splits 70/30, B only X (Y blank). Population 2023: 60/40, 2024: 75/25.
    matrix = Table.from_rows(meta, {"X": [70, 50, 120], "Y": [30, None, 30],
                                    "Summa": [100, 50, 150]})
    pop = pd.DataFrame({"kommun_kod": ["0001", "0002"], "befolkning_2023_12_31": [60, 40],
                        "befolkning_2024_12_31": [75, 25]})
    summary, dev = fees.key_vs_population(matrix, pop)
    # A: 2023 off by 10 pp, 2024 off by 5 pp -> 2024, 5 pp; X 70 − 75 = −5, Y 30 − 25 = +5
    assert summary.loc["Nyckel 1"].tolist() == ["A", 2, "2024-12-31", pytest.approx(5.0)]
    assert dev.loc["0001", "Nyckel 1"] == pytest.approx(-5.0)
    assert dev.loc["0002", "Nyckel 1"] == pytest.approx(5.0)
    # B: only X takes part: 100 % against 100 % of the participants' population
    assert summary.loc["Nyckel 2", "Kommuner"] == 1
    assert dev.loc["0001", "Nyckel 2"] == pytest.approx(0.0)
    assert math.isnan(dev.loc["0002", "Nyckel 2"])


def test_kommun_fees_marks_posts_not_invoiced():
    k = fees.kommun_fees(FEES, "0001")
    assert list(k.columns) == ["forslag-2025", "alt"]
    assert list(k.index) == ["A", "B", "Fakturerat totalt"]
    assert k.loc["A"].tolist() == [60, 50]
    assert k.loc["B"].tolist() == ["faktureras ej", 7]
    assert k.loc["Fakturerat totalt"].tolist() == [60, 57]
    with pytest.raises(ValueError, match="finns inte"):
        fees.kommun_fees(FEES, "0680")


def test_write_xlsx_is_byte_identical_for_the_same_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv("KUANALYSIS_GENERATED_AT", "2024-10-25 08:00")
    scen = [fees.Scenario("forslag-2025", "f.yaml", "Förslaget.", {})]
    first = fees.write_xlsx(tmp_path / "a.xlsx", FEES, scen).read_bytes()
    import time
    time.sleep(2.1)  # zip entry times have a two-second resolution
    assert fees.write_xlsx(tmp_path / "b.xlsx", FEES, scen).read_bytes() == first
    assert load_workbook(tmp_path / "b.xlsx").properties.created.year == 2024
