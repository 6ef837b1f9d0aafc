"""Tests of kuanalysis.report_fund. Expected values worked out by hand from the printed figures
of 001 (4.1, tertial 2 2024) and 000 (BOKSLUT 2023-12-31), or from tiny invented tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import shipped_project

from kuanalysis import paths
from kuanalysis.checks.findings import Finding
from kuanalysis.data import load_table
from kuanalysis.data.table import Table
from kuanalysis.reports import finding_text as rfind
from kuanalysis.reports import funddata as rd
from kuanalysis.reports import fundsections as rf
from kuanalysis.reports import fundtables as rt

RAW = paths.project_root() / "data" / "raw"


@pytest.fixture(scope="module")
def t2():
    return load_table(RAW / "001-delar-2024-t2" / "delar-2024-t2-4-1.csv")


@pytest.fixture(scope="module")
def b23():
    return load_table(RAW / "000-pks-2024" / "bokslut-2023.csv")


def _fund(rows, period="2025-01-01/2025-04-30", roles=None):
    cols = [
        ("ib", "IB"),
        ("erhallna", "Erhållna"),
        ("budget", "Budget"),
        ("utfall", "Utfall"),
        ("kvarvarande", "Kvar"),
        ("varav_statliga", "Statliga"),
    ]
    meta = {
        "table": "prov",
        "document": "prov.txt",
        "unit": "tkr",
        "kind": "fund_statement",
        "period": period,
        "columns": [{"label": lab, "key": k} for k, lab in cols],
    }
    if roles:
        meta["rows"] = [{"label": r, "role": roles.get(r, "area")} for r in rows]
    return Table.from_rows(meta, rows)


# -- pace and forecast ---------------------------------------------------------------------


def test_area_figures_tertial_2(t2):
    fig = rt.area_figures(t2, 8)
    barnahus = fig.loc["Barnahus"]
    assert barnahus["Budget helår"] == 4320 and barnahus["Utfall"] == 3584
    assert barnahus["Förbrukningsgrad"] == pytest.approx(3584 / 4320)  # 83 %
    assert barnahus["Prognos helår"] == pytest.approx(5376)  # 3 584 * 12 / 8
    assert barnahus["Budget − prognos"] == pytest.approx(-1056)  # 4 320 - 5 376
    total = fig.loc["Totalt"]  # printed total row
    assert total["Förbrukningsgrad"] == pytest.approx(45399 / 70754)
    assert total["Prognos helår"] == pytest.approx(68098.5)


def test_blank_budget_or_outcome_gives_blank_not_zero(t2):
    fig = rt.area_figures(t2, 8)
    row = fig.loc["Förstärkt samverkan ***"]  # budget and utfall blank
    assert all(math.isnan(row[c]) for c in fig.columns)
    kurs = fig.loc["Kurs o konferens*"]  # budget blank, utfall 2 036
    assert math.isnan(kurs["Förbrukningsgrad"]) and math.isnan(kurs["Budget − prognos"])
    assert kurs["Prognos helår"] == pytest.approx(3054)


def test_areas_ahead_of_the_year(t2):
    # 8/12 = 66,7 %: Barnahus 83 %, Digitalisering 72 %, Fritid 71 %, Ledning 75 % are above;
    # Familjehemsresursen 3 294 / 5 179 = 63,6 % is not.
    fast = rt.ahead_of_pace(rt.area_figures(t2, 8), 8)
    assert fast == ["Barnahus", "Digitalisering", "Fritid", "Ledning **)"]


@pytest.mark.parametrize("bad", [0, 13, True, 8.0])
def test_elapsed_share_refuses_impossible_months(bad):
    with pytest.raises(ValueError):
        rt.elapsed_share(bad)


def test_elapsed_share():
    assert rt.elapsed_share(4) == pytest.approx(1 / 3)
    assert rt.elapsed_share(12) == 1.0


def test_key_sentences_year_end(b23):
    text = " ".join(rf.key_sentences(b23, 12, "2023-12-31", [])).replace("\u00a0", " ")
    # 54 847 / 56 987 = 96,2 %
    assert "förbrukade Kommunal utveckling 54 847 tkr av en budget på 56 987 tkr" in text
    assert "förbrukningsgrad på 96 %" in text
    # 124 862 / 135 661 = 92,0 %
    assert (
        "Kvarvarande medel vid periodens slut var 135 661 tkr, varav 124 862 tkr statliga medel (92 %)"
        in text
    )
    assert "Till länets kommuner har 75 501 tkr betalats ut." in text
    assert "inga anmärkningar" in text
    assert "Prognos" not in text  # no forecast at year end


# -- remaining funds and payouts -----------------------------------------------------------


def test_funds_by_source(t2):
    f = rt.funds_by_source(t2)
    assert (
        f.loc["Social Vårld och Hälso sjukvård", "Kommunala och övriga"] == 20755
    )  # 59 264 - 38 509
    assert f.loc["Nära vård", "Kommunala och övriga"] == 0  # all state money
    fam = f.loc["Familjehemsresursen"]  # statliga blank: no state money left, stays blank
    assert math.isnan(fam["Varav statliga"]) and fam["Kommunala och övriga"] == 2079
    assert math.isnan(f.loc["Barnahus", "Kommunala och övriga"])  # kvarvarande blank
    assert f.loc["Totalt", "Kommunala och övriga"] == 34816  # 136 397 - 101 581


def test_payouts(t2):
    p = rt.payouts(t2)
    expected = pd.Series(
        [643.0, 31008.0, 7915.0, 39566.0],
        name="Utbetalt",
        index=pd.Index(
            ["Social Vårld och Hälso sjukvård", "Nära vård", "Förstärkt samverkan ***", "Totalt"],
            name="Område",
        ),
    )
    pd.testing.assert_series_equal(p["Utbetalt"], expected)


# -- findings: selection, marks, sentences -------------------------------------------------


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """The shipped data only: a period an analyst adds (a close of 2022) changes nothing."""
    root = shipped_project(tmp_path)
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    return root


def test_report_findings_keep_fund_table_and_its_claims_only(shipped):
    r = rd.FundReport.load("bokslut-2023")
    # golden: 16 findings on bokslut-2023 (15 of its own, and one that no close of 2022 is
    # there to reconcile its opening balance with) and one claim about it ("Utbetalat 70
    # mnkr": 69,25); the fee matrix and the claims about it belong to the fee report.
    assert sorted({f.table for f in r.findings}) == ["bokslut-2023", "pastaenden-000"]
    assert sum(f.table == "bokslut-2023" for f in r.findings) == 16
    assert [f.rule for f in r.findings if f.status == "oklar" and f.column] == [
        "continuity_missing_period"
    ]
    claims = [f for f in r.findings if f.table == "pastaenden-000"]
    assert len(claims) == 1 and claims[0].expected == pytest.approx(69.25)
    assert r.previous is None and r.continuity is None  # no shipped period before 2023


def test_tertial_report_finds_its_preceding_close_and_mapping():
    r = rd.FundReport.load("delar-2024-t2-4-1")
    assert (r.period.months, r.end, r.previous.id) == (8, "2024-08-31", "bokslut-2023")
    assert r.continuity.path == "data/raw/kontinuitet/2023-2024.yaml"
    # the fund table's own findings first, its continuity findings after them
    first_continuity = next(i for i, (_, f) in enumerate(r.numbered) if f.rule == "continuity")
    assert all(f.table == "delar-2024-t2-4-1" for _, f in r.numbered[:first_continuity])
    assert [t.id for t in r.other_tables()] == [
        "delar-2024-t2-4-2",
        "delar-2024-t2-4-3",
        "delar-2024-t2-4-5",
    ]


def test_variants_one_report_per_period_newest_first():
    v = rd.variants({})
    assert [x["sort"] for x in v] == sorted((x["sort"] for x in v), reverse=True)
    shipped = {"delarsrapport-2024-t2.html", "bokslut-2023.html"}  # an analyst may add periods
    assert [(x["output"], x["title"], x["sort"]) for x in v if x["output"] in shipped] == [
        (
            "delarsrapport-2024-t2.html",
            "Delårsrapport 2024, tertial 2: Kommunal utvecklings medel per område",
            "2024-08-31",
        ),
        ("bokslut-2023.html", "Bokslut 2023: Kommunal utvecklings medel per område", "2023-12-31"),
    ]
    assert [x["parameters"] for x in v if x["output"] == "delarsrapport-2024-t2.html"] == [
        {"fondtabell": "delar-2024-t2-4-1"}
    ]
    only = rd.variants({"fondtabell": "bokslut-2023", "foregaende": "", "kontinuitet": ""})
    assert [x["output"] for x in only] == ["bokslut-2023.html"]


def _finding(
    row, column, status, rule="fund_column_total", reported=1.0, expected=2.0, params=None
):
    diff = None if reported is None or expected is None else reported - expected
    return Finding(
        rule,
        "prov.txt",
        "prov",
        row,
        column,
        reported,
        expected,
        diff,
        status,
        "x:1",
        params=params or {},
    )


def test_statement_view_marks_cells_and_rows():
    t = _fund({"A": [1, 2, 3, 4, 5, None], "B": [1, 2, 3, 4, 5, None]})
    numbered = [
        (1, _finding("A", "Kvar", "avrundning")),
        (2, _finding("A", "Kvar", "avvikelse")),  # stronger: wins the cell
        (3, _finding("B", "", "oklar", rule="ambiguity", params={"placed": "x"})),
        (
            4,
            _finding("A + B", "IB", "saknas", rule="continuity", params={"rows": ["A", "B"]}),
        ),  # both rows
        (5, Finding("fund_disponibla", "", "annan", "A", "IB", 1, 2, -1, "avvikelse", "")),
    ]  # other table
    values, marks = rfind.statement_view(t, numbered)
    assert list(values["Fynd"]) == ["1, 2, 4", "3, 4"]
    assert marks.at["A", "Kvar"] == "avvikelse"
    assert marks.at["B", "Fynd"] == "oklar"
    assert marks.at["A", "IB"] == "saknas" and marks.at["B", "IB"] == "saknas"
    assert marks.at["A", "Budget"] == ""
    assert math.isnan(values.at["A", "Statliga"])  # blank stays blank in the reproduction


def test_explain_break_in_continuity():
    f = Finding(
        "continuity",
        "001",
        "delar-2024-t2-4-1",
        "Ledning **)",
        "Ingående balans 2024",
        50.0,
        1116.0,
        -1066.0,
        "avvikelse",
        "",
        params={"rows": ["Ledning **)"]},
    )
    assert rfind.explain(f, "tkr").replace("\u00a0", " ") == (
        "Raden ”Ledning **)”, kolumnen ”Ingående balans 2024”, anger 50 tkr, men kvarvarande "
        "medel vid föregående periods slut ger 1 116 tkr (skillnad −1 066 tkr); skillnaden är "
        "större än avrundning kan förklara."
    )


def test_explain_blank_cell_and_rounding():
    blank = Finding(
        "fund_kvarvarande",
        "001",
        "t",
        "Barnahus",
        "Kvarvarande medel 2024-08-31",
        None,
        674.0,
        None,
        "saknas",
        "",
    )
    assert blank.check == "kvarvarande = disponibla - utfall - utbetalt - överförda"
    assert rfind.explain(blank, "tkr").replace("\u00a0", " ") == (
        "Raden ”Barnahus”, kolumnen ”Kvarvarande medel 2024-08-31”, är tom i källan, men "
        "radens disponibla medel minus utfall, utbetalt och överförda medel ger 674 tkr."
    )
    pair = Finding(
        "cross_check",
        "001",
        "t",
        "God och nära vård*",
        "Mnkr",
        28.9,
        28.922,
        -0.022,
        "avrundning",
        "",
        params={
            "against": [("delar-2024-t2-4-1", "Nära vård", "Erhållna medel 2024")],
            "unit": "mnkr",
        },
    )
    assert pair.check == (
        "korskontroll mot delar-2024-t2-4-1: Nära vård / Erhållna medel 2024 (mnkr)"
    )
    text = rfind.explain(pair, "mnkr").replace("\u00a0", " ")
    assert "anger 28,9 mnkr" in text and "ger 28,922 mnkr (skillnad −0,022 mnkr)" in text
    assert text.endswith("ryms i avrundningen av de tryckta talen.")


def test_findings_sentence_counts():
    fs = [
        _finding("A", "IB", "avvikelse"),
        _finding("B", "IB", "avvikelse"),
        _finding("C", "IB", "oklar", rule="ambiguity"),
    ]
    assert rfind.findings_sentence(fs) == (
        "Avstämningen av tabellerna gav 2 avvikelser och 1 oklar läsning; se avsnittet Avstämning."
    )


# -- the bridge between periods ------------------------------------------------------------


def test_bridge_2023_to_2024(b23, t2):
    spec = yaml.safe_load((RAW / "kontinuitet" / "2023-2024.yaml").read_text(encoding="utf-8"))
    br = rt.bridge(b23, t2, spec)
    # 58 090 (55 354 + 664 + 194 + 67 + 1 811) - 58 088 = +2; 33 089 - 33 088 = +1;
    # 34 340 - 34 359 = -19; 3 924 - 3 925 = -1; 1 384 - 353 = +1 031; 50 - 1 116 = -1 066;
    # Utbildning, Fritid equal; Kurs o konferens blank in both. Totals: 135 661 -> 135 609.
    expected = [135661, 2, 1, -19, -1, 1031, -1066, 135609]
    np.testing.assert_allclose(br["Belopp"].to_numpy(dtype=float), expected)
    assert list(br["Typ"]) == ["start"] + ["steg"] * 6 + ["slut"]
    assert br["Post"].iloc[5] == "Miljösamverkan"
    # the bridge closes: start + steps = end
    assert br["Belopp"].iloc[0] + br["Belopp"].iloc[1:-1].sum() == br["Belopp"].iloc[-1]


def test_bridge_new_and_ended_areas_and_total_mismatch():
    prev = _fund(
        {"A": [0, 0, 0, 0, 10, None], "Gammal": [0, 0, 0, 0, 5, None], "S": [0, 0, 0, 0, 16, None]},
        period="2024-01-01/2024-12-31",
        roles={"S": "total"},
    )
    cur = _fund(
        {"A": [10, 0, 0, 0, 0, None], "Ny": [3, 0, 0, 0, 0, None], "S": [13, 0, 0, 0, 0, None]},
        roles={"S": "total"},
    )
    spec = {
        "from": {"table": "prov", "column": "kvarvarande"},
        "to": {"table": "prov", "column": "ib"},
        "groups": [{"from": ["A"], "to": ["A"]}],
        "new": ["Ny"],
        "ended": ["Gammal"],
    }
    br = rt.bridge(prev, cur, spec)
    # 16 printed vs rows 10 + 5 = 15: -1; Ny +3; Gammal -5; 16 - 1 + 3 - 5 = 13
    assert list(br["Post"]) == [
        "Kvarvarande medel 2024-12-31",
        "Summaraden 2024-12-31 skiljer sig från raderna",
        "Ny (nytt område)",
        "Gammal (avslutat område)",
        "Ingående balans 2025-01-01",
    ]
    np.testing.assert_allclose(br["Belopp"].to_numpy(dtype=float), [16, -1, 3, -5, 13])
