"""The fee-matrix rules on a proposal for another year, made here from the printed 2025 table
by a rule written in this test: every post's total raised by 3 % (whole kronor), split over
the municipalities by largest remainder in proportion to their printed 2025 amounts; each
municipality's Summa = the sum of the 13 posts the 2025 Summa adds up; the total row = the sum
of the municipalities. Clean, it must give no avvikelse, only the stated readings; each
planted error must be found with the right status, and nothing else."""

from __future__ import annotations

import math

import pytest
from proposal_2026 import NOT_SUMMED, proposal_2026

from kuanalysis import paths
from kuanalysis.checks.fee_matrix import check_fee_matrix
from kuanalysis.data import load_table


@pytest.fixture(scope="module")
def y2025():
    return load_table(paths.raw_dir() / "000-pks-2024" / "finansiering-2025.csv")


proposal = proposal_2026  # the table of the module docstring


def avvikelser(found):
    return sorted((f.rule, f.row, f.column) for f in found if f.status == "avvikelse")


def test_clean_proposal_gives_only_the_stated_readings(y2025):
    found = check_fee_matrix(proposal(y2025))
    assert avvikelser(found) == []
    # Grundfinansiering and Medlemsavgift have the same total and the same key: the Summa
    # column fits either being left out, and the report must say which reading it took;
    # Miljösamverkan shares no key with another post (without population: no date either)
    assert sorted((f.rule, f.column) for f in found if f.status == "oklar") == sorted(
        [("fee_not_summed", p) for p in NOT_SUMMED]
        + [("fee_summa_reading", "Summa"), ("fee_own_key", "Miljösamverkan")]
    )
    (reading,) = [f for f in found if f.rule == "fee_summa_reading"]
    assert reading.params == {
        "chosen": ["Grundfinansiering Social välfärd"],
        "instead": ["Medlemsavgift Kommunal utveckling"],
    }


def test_a_wrong_cell_explains_its_row_and_its_column(y2025):
    clean = proposal(y2025)
    cell = clean.values.at["Gnosjö", "Skola"]
    found = check_fee_matrix(proposal(y2025, [("Gnosjö", "Skola", cell + 500)]))
    assert avvikelser(found) == [
        ("fee_cell", "Gnosjö", "Skola"),
        ("fee_column_total", "Summa", "Skola"),
        ("fee_row_total", "Gnosjö", "Summa"),
    ]
    (f,) = [f for f in found if f.rule == "fee_cell"]
    assert (f.reported, f.expected, f.difference) == (cell + 500, cell, 500)
    sums = [f for f in found if f.rule in ("fee_row_total", "fee_column_total")]
    assert all(s.explained_by == "Gnosjö / Skola" for s in sums)


def test_a_wrong_row_total_explains_the_grand_total(y2025):
    clean = proposal(y2025)
    summa = clean.values.at["Eksjö", "Summa"]
    found = check_fee_matrix(proposal(y2025, [("Eksjö", "Summa", summa + 1000)]))
    assert avvikelser(found) == [
        ("fee_column_total", "Summa", "Summa"),
        ("fee_row_total", "Eksjö", "Summa"),
    ]
    grand = next(f for f in found if f.rule == "fee_column_total")
    assert grand.explained_by == "Eksjö / Summa"
    row = next(f for f in found if f.rule == "fee_row_total")
    assert (row.difference, row.explained_by) == (1000, "")


def test_a_wrong_share_is_seen_even_when_every_sum_foots(y2025):
    clean = proposal(y2025)
    cell = clean.values.at["Aneby", "Digitalisering"]
    raised = math.floor(cell * 1.05 + 0.5)
    extra = raised - cell
    changes = [
        ("Aneby", "Digitalisering", raised),
        ("Aneby", "Summa", clean.values.at["Aneby", "Summa"] + extra),
        ("Summa", "Digitalisering", clean.values.at["Summa", "Digitalisering"] + extra),
        ("Summa", "Summa", clean.values.at["Summa", "Summa"] + extra),
    ]
    found = check_fee_matrix(proposal(y2025, changes))
    assert avvikelser(found) == [("fee_share", "Aneby", "Digitalisering")]
    (f,) = [f for f in found if f.rule == "fee_share"]
    # under the key of its six siblings Aneby's amount is the clean one, within rounding
    assert f.reported == raised and f.expected == pytest.approx(cell, abs=3)
    assert f.difference == pytest.approx(extra, abs=3)
    # the expected amount is written as the amounts are printed: whole kronor
    assert f.expected == math.floor(f.expected) and f.difference == f.reported - f.expected


def test_own_key_is_stated_once_and_a_pair_that_disagrees_is_unclear(y2025):
    from kuanalysis.data import load_table as load

    population = load(paths.raw_dir() / "referens" / "kommuner-befolkning.csv")
    clean = proposal(y2025)
    found = check_fee_matrix(clean, population=population)
    # Miljösamverkan follows no other post and no population date (16 percentage points off)
    assert [(f.rule, f.column) for f in found if f.rule == "fee_own_key"] == [
        ("fee_own_key", "Miljösamverkan")
    ]
    # IoT and friluftsliv share one key: without the population a wrong IoT amount cannot be
    # told from a wrong friluftsliv amount, so it is unclear, once, with both cells
    cell = clean.values.at["Habo", "IoT projekt"]
    changes = [
        ("Habo", "IoT projekt", cell + 3000),
        ("Habo", "Summa", clean.values.at["Habo", "Summa"] + 3000),
        ("Summa", "IoT projekt", clean.values.at["Summa", "IoT projekt"] + 3000),
        ("Summa", "Summa", clean.values.at["Summa", "Summa"] + 3000),
    ]
    found = check_fee_matrix(proposal(y2025, changes))
    assert avvikelser(found) == []
    unclear = [f for f in found if f.rule == "fee_share_unclear"]
    assert [(f.row, f.params["posts"]) for f in unclear] == [
        ("Habo", ["IoT projekt", "Utvecklingsarbete friluftsliv"])
    ]
    # with it, the pair follows the population of 2022-12-31 (within 0,09 percentage points):
    # friluftsliv is right at Habo, IoT 3 000 kr (about 5 %) off
    found = check_fee_matrix(proposal(y2025, changes), population=population)
    assert avvikelser(found) == [("fee_share", "Habo", "IoT projekt")]
    assert not [f for f in found if f.rule == "fee_share_unclear"]
    (f,) = [f for f in found if f.rule == "fee_share"]
    assert f.expected == pytest.approx(cell, abs=3) and f.difference == pytest.approx(3000, abs=3)


@pytest.fixture(scope="module")
def population():
    return load_table(paths.raw_dir() / "referens" / "kommuner-befolkning.csv")


def raised_share(clean, row, post, rate=1.05):
    """``row``'s amount of ``post`` raised by ``rate`` (whole kronor), its row's Summa and the
    column total raised to match (every sum still foots); the post must be summed."""
    cell = clean.values.at[row, post]
    extra = math.floor(cell * rate + 0.5) - cell
    return (
        cell,
        extra,
        [
            (row, post, cell + extra),
            (row, "Summa", clean.values.at[row, "Summa"] + extra),
            ("Summa", post, clean.values.at["Summa", post] + extra),
            ("Summa", "Summa", clean.values.at["Summa", "Summa"] + extra),
        ],
    )


def test_a_blank_cell_keeps_its_post_in_its_key_group(y2025, population):
    # Habo's Skola left blank: the column total implies the amount (the 2026 rule gives it);
    # with it filled in, Skola follows the Digitalisering group's key like the other cells
    blank = [("Habo", "Skola", math.nan)]
    found = check_fee_matrix(proposal(y2025, blank), population=population)
    assert avvikelser(found) == []
    assert [f.column for f in found if f.rule == "fee_own_key"] == ["Miljösamverkan"]
    assert [(f.row, f.column) for f in found if f.rule == "fee_blank_cell"] == [("Habo", "Skola")]
    # a wrong share in that post is seen at its cell, and nowhere else
    cell, extra, changes = raised_share(proposal(y2025), "Aneby", "Skola")
    found = check_fee_matrix(proposal(y2025, blank + changes), population=population)
    assert avvikelser(found) == [("fee_share", "Aneby", "Skola")]
    (f,) = [f for f in found if f.rule == "fee_share"]
    assert f.expected == pytest.approx(cell, abs=3) and f.difference == pytest.approx(extra, abs=3)


@pytest.mark.parametrize("post", ["IoT projekt", "Utvecklingsarbete friluftsliv"])
def test_population_settles_which_amount_of_a_pair_is_off(y2025, population, post):
    # Aneby's amount 5 % up in one post of the pair (every sum foots): both posts follow the
    # population of 2022-12-31, so the amount off it is the wrong one, whichever post it is in
    cell, extra, changes = raised_share(proposal(y2025), "Aneby", post)
    found = check_fee_matrix(proposal(y2025, changes), population=population)
    assert avvikelser(found) == [("fee_share", "Aneby", post)]
    assert not [f for f in found if f.rule == "fee_share_unclear"]
    (f,) = [f for f in found if f.rule == "fee_share"]
    assert f.expected == pytest.approx(cell, abs=3) and f.difference == pytest.approx(extra, abs=3)


def test_a_column_break_points_at_the_amount_off_its_key(y2025):
    clean = proposal(y2025)
    # Aneby's Yrkesresorna 500 kr up, nothing else: the post is not in Summa, so only its
    # column total breaks (by -500), and the amount is off the base fee's key by +500
    cell = clean.values.at["Aneby", "Yrkesresorna"]
    found = check_fee_matrix(proposal(y2025, [("Aneby", "Yrkesresorna", cell + 500)]))
    assert avvikelser(found) == [
        ("fee_column_total", "Summa", "Yrkesresorna"),
        ("fee_share", "Aneby", "Yrkesresorna"),
    ]
    col = next(f for f in found if f.rule == "fee_column_total" and f.status == "avvikelse")
    assert (col.difference, col.explained_by) == (-500, "Aneby / Yrkesresorna")
    # Habo's Barnahus 5 000 kr up with its Summa raised to match: the post's column and the
    # grand total break by -5 000, both explained by the one amount off its key
    cell, summa = clean.values.at["Habo", "Barnahus"], clean.values.at["Habo", "Summa"]
    changes = [("Habo", "Barnahus", cell + 5000), ("Habo", "Summa", summa + 5000)]
    found = check_fee_matrix(proposal(y2025, changes))
    assert avvikelser(found) == [
        ("fee_column_total", "Summa", "Barnahus"),
        ("fee_column_total", "Summa", "Summa"),
        ("fee_share", "Habo", "Barnahus"),
    ]
    cols = [f for f in found if f.rule == "fee_column_total" and f.status == "avvikelse"]
    assert [(f.difference, f.explained_by) for f in cols] == [(-5000, "Habo / Barnahus")] * 2


def test_the_fee_report_groups_keys_with_the_blank_filled(y2025, population):
    """The report's key groups read a blank as the share check does: Habo's blank Skola
    stays in the Digitalisering group (the 2026 rule splits both posts by the 2025 amounts)."""
    from kuanalysis.fees.keys import key_groups
    from kuanalysis.reports.feedata import FeeReport

    table = proposal(y2025, [("Habo", "Skola", math.nan)])
    report = FeeReport(table, population, {}, [])
    together = [g for g in key_groups(report.keyed_matrix) if "Skola" in g]
    assert len(together) == 1 and "Digitalisering" in together[0]
    assert math.isnan(report.matrix.values.at["Habo", "Skola"])  # the table itself stays blank
    assert report.keyed_matrix.values.at["Habo", "Skola"] == (
        table.values.at["Summa", "Skola"]
        - sum(table.values.at[k, "Skola"] for k in table.values.index[:13] if k != "Habo")
    )
