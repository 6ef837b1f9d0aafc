"""Reconciliation rules on tiny hand-made tables; every expected number worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from kuanalysis.checks import runner
from kuanalysis.checks.ambiguities import check_ambiguities
from kuanalysis.checks.amounts import check_amount_table
from kuanalysis.checks.budget import check_budget_followup
from kuanalysis.checks.continuity import check_continuity
from kuanalysis.checks.crosstable import check_claims, check_pairings
from kuanalysis.checks.findings import FINDING_COLUMNS, Finding, write_csv
from kuanalysis.checks.fund_statement import check_fund_statement, netting_treatment
from kuanalysis.checks.shares import check_share_table
from kuanalysis.commands.check import cli_check
from kuanalysis.data.cells import CellRef
from kuanalysis.data.numbers import half_unit
from kuanalysis.data.table import Table
from kuanalysis.tolerance import Tolerance, status_of, tolerance

FUND_COLS = [
    {"label": "IB", "key": "ib"},
    {"label": "Erh", "key": "erhallna"},
    {"label": "Disp", "key": "disponibla"},
    {"label": "Utfall", "key": "utfall"},
    {"label": "Utbet", "key": "utbetalt"},
    {"label": "Kvar", "key": "kvarvarande"},
    {"label": "Stat", "key": "varav_statliga"},
]


def fund(rows: dict, roles: dict | None = None, **meta) -> Table:
    roles = roles or {}
    m = {
        "table": "t",
        "document": "d.txt",
        "unit": "tkr",
        "kind": "fund_statement",
        "columns": FUND_COLS,
        "rows": [{"label": k, "role": roles.get(k, "area")} for k in rows],
        **meta,
    }
    return Table.from_rows(m, rows)


def one(findings, **where):
    hits = [f for f in findings if all(getattr(f, k) == v for k, v in where.items())]
    assert len(hits) == 1, (where, findings)
    return hits[0]


# -- precision -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, half",
    [
        ("60 896", 0.5),
        ("28,9", 0.05),
        ("1,8 mnkr", 0.05),
        ("34 %", 0.5),
        ("0,125", 0.0005),
        ("-395", 0.5),
    ],
)
def test_half_unit_follows_printed_decimals(text, half):
    assert half_unit(text) == pytest.approx(half)


def test_tolerance_is_the_sum_of_half_units_reachable_only_against_an_exact_side():
    # a printed total against three printed terms: 4 * 0.5 = 2, not reachable -> 1 at most
    both = tolerance([0.5], [0.5, 0.5, 0.5])
    assert both == Tolerance(2.0, False)
    assert status_of(0.0, both) is None
    assert status_of(1.0, both) == "avrundning"
    assert status_of(-2.0, both) == "avvikelse"
    # three printed shares against the constant 100 %: 1.5, reachable -> 1 (whole numbers)
    exact = tolerance([0.5, 0.5, 0.5], [])
    assert exact == Tolerance(1.5, True)
    assert status_of(1.5, exact) == "avrundning" and status_of(1.6, exact) == "avvikelse"
    # an explicit tolerance counts up to and including itself
    assert status_of(-3.0, tolerance([0.5], [0.5], 3)) == "avrundning"
    assert status_of(3.1, tolerance([0.5], [0.5], 3)) == "avvikelse"


def test_two_roundings_of_one_figure_must_agree():
    # the same amount printed twice (a closing balance and the next opening balance):
    # 0.5 + 0.5 = 1 is not reachable, so even 1 is a break
    assert status_of(1.0, tolerance([0.5], [0.5])) == "avvikelse"


# -- fund statement ------------------------------------------------------------------------


def test_fund_row_that_holds_gives_nothing():
    # 100 + 50 = 150; 150 - 30 - 20 = 100; 80 <= 100
    t = fund({"A": [100, 50, 150, 30, 20, 100, 80]})
    assert check_fund_statement(t) == []


def test_fund_disponibla_break_and_rounding():
    # 100 + 50 = 150 but 153 printed: +3 beyond 2 * 0.5; B: 10 + 5 = 15, 16 printed: +1 <= 1
    t = fund({"A": [100, 50, 153, 53, None, 100, None], "B": [10, 5, 16, 16, None, 0, None]})
    got = check_fund_statement(t)
    f = one(got, row="A", column="Disp")
    assert (f.reported, f.expected, f.difference, f.status) == (153, 150, 3, "avvikelse")
    assert f.source == "test.csv:2"
    f = one(got, row="B", column="Disp")
    assert (f.difference, f.status) == (1, "avrundning")


def test_fund_blank_kvarvarande_is_saknas_with_implied_value():
    # 664 + 3 594 = 4 258; 4 258 - 3 584 = 674 implied (Barnahus 2024)
    t = fund({"Barnahus": [664, 3594, 4258, 3584, None, None, None]})
    f = one(check_fund_statement(t), column="Kvar")
    assert f.status == "saknas" and f.reported is None and f.difference is None
    assert f.expected == 674


def test_fund_blank_utbetalt_is_zero_and_blank_utfall_implied_zero_is_no_finding():
    # Förstärkt 2024 without Överförda: 44 411 - 7 915 = 36 496, utfall blank
    t = fund(
        {
            "F": [34340, 10071, 44411, None, 7915, 36496, 30596],
            "G": [0, 10, 10, None, None, 10, None],
        }
    )
    assert check_fund_statement(t) == []


def test_fund_blank_ib_with_zero_implied_is_no_finding_but_nonzero_is_saknas():
    # Kurs: ib blank, 1 931 = 1 931 -> nothing; Ledning: ib blank, 7 209 - 9 230 = -2 021
    t = fund(
        {
            "Kurs": [None, 1931, 1931, 2326, None, -395, None],
            "Ledning": [None, 9230, 7209, 9085, None, -1876, None],
        }
    )
    got = check_fund_statement(t)
    assert [(f.row, f.column, f.expected, f.status) for f in got] == [
        ("Ledning", "IB", -2021, "saknas")
    ]


def test_fund_two_blanks_imply_disponibla_and_chain_to_kvarvarande():
    # Yrkesresan regional 2024: ib 67, erhållna and disponibla blank, utfall 504
    t = fund({"Y": [67, None, None, 504, None, None, None]})
    got = check_fund_statement(t)
    assert one(got, column="Disp").expected == 67
    assert one(got, column="Kvar").expected == 67 - 504
    assert len(got) == 2


def test_fund_statliga_above_kvarvarande():
    t = fund({"A": [0, 10, 10, 5, None, 5, 7]})
    f = one(check_fund_statement(t), column="Stat")
    assert (f.reported, f.expected, f.difference, f.status) == (7, 5, 2, "avvikelse")


def _with_netting(total_row):
    rows = {
        "A": [100, 50, 150, 40, None, 110, None],
        "B": [20, 30, 50, 10, None, 40, None],
        "Härav": [None, -8, -8, -6, None, None, None],
        "Summa": total_row,
    }
    return fund(rows, roles={"Härav": "netting", "Summa": "total"})


def test_fund_total_including_netting_row_holds():
    # erh 50 + 30 - 8 = 72; disp 200 - 8 = 192; utfall 50 - 6 = 44; kvar 110 + 40 = 150
    # total row: 120 + 72 = 192 ok; 192 - 44 = 148 vs 150: +2 > 1 (2 terms) -> avvikelse
    t = _with_netting([120, 72, 192, 44, None, 150, None])
    assert netting_treatment(t)["Erh"] == "inkl"
    got = check_fund_statement(t)
    f = one(got, row="Summa", column="Kvar")
    assert (f.reported, f.expected, f.difference) == (150, 148, 2)
    assert len(got) == 1


def test_fund_total_excluding_netting_row_is_detected_and_named():
    # totals without the netting row: erh 80, disp 200, utfall 50; kvar 200 - 50 = 150
    t = _with_netting([120, 80, 200, 50, None, 150, None])
    assert netting_treatment(t)["Erh"] == "exkl"
    assert check_fund_statement(t) == []
    # a break in an excluding total is reported against the sum without the netting row
    t = _with_netting([120, 85, 200, 50, None, 150, None])
    f = one(
        check_fund_statement(t), row="Summa", column="Erh", check="kolumnsumma (exkl. nettoraden)"
    )
    assert (f.reported, f.expected, f.difference, f.status) == (85, 80, 5, "avvikelse")


def test_fund_blank_total_is_saknas_and_feeds_the_total_row_identity():
    # Utbet in the areas 3 + 4 = 7, total blank -> saknas 7; total kvar = 30 - 10 - 7 = 13
    rows = {
        "A": [10, 10, 20, 5, 3, 12, None],
        "B": [5, 5, 10, 5, 4, 1, None],
        "Summa": [15, 15, 30, 10, None, 13, None],
    }
    got = check_fund_statement(fund(rows, roles={"Summa": "total"}))
    f = one(got, row="Summa", column="Utbet")
    assert (f.status, f.expected) == ("saknas", 7)
    assert len(got) == 1


def test_explicit_tolerance_overrides_printed_precision():
    t = fund({"A": [100, 50, 153, 53, None, 100, None]})
    assert check_fund_statement(t, tolerance=5) != []
    assert one(check_fund_statement(t, tolerance=5), column="Disp").status == "avrundning"


# -- share table ---------------------------------------------------------------------------


def share(rows, roles, parts=None):
    cols = [
        {"label": "Andel", "key": "andel_av_utfall"},
        {"label": "Kom", "key": "kommunerna"},
        {"label": "Stat", "key": "staten"},
        {"label": "Övr", "key": "ovriga"},
    ]
    meta_rows = [
        {
            "label": k,
            "role": roles.get(k, "area"),
            **({"parts": parts[k]} if parts and k in parts else {}),
        }
        for k in rows
    ]
    return Table.from_rows(
        {
            "table": "s",
            "document": "d",
            "unit": "%",
            "kind": "share_table",
            "columns": cols,
            "rows": meta_rows,
        },
        rows,
    )


def test_share_table_rules():
    rows = {
        "A": [34, 29, 59, 12],  # 100: ok
        "B": [16, 38, 62, None],  # 100: ok
        "Varav": [49, 48, 44, 8],  # subtotal 49 vs 34 + 16 = 50: -1 within 1
        "C": [4, 54, None, 56],  # 110: break
        "D": [45, 100, None, None],  # 100: ok
        "Summa": [99, 54, 37, 10],
    }  # 101 within 1.5; 99 vs 100 and vs 49 + 4 + 45 = 98
    t = share(
        rows,
        {"Varav": "subtotal", "Summa": "total"},
        parts={"Varav": ["A", "B"], "Summa": ["Varav", "C", "D"]},
    )
    got = check_share_table(t)
    assert one(got, row="Varav", column="Andel").difference == -1
    assert one(got, row="Varav", column="Andel").status == "avrundning"
    assert one(got, row="C").status == "avvikelse"
    f = one(got, row="Summa", column="[delarnas summa]")
    assert (f.reported, f.difference, f.status) == (101, 1, "avrundning")
    f = one(got, row="Summa", check="summa = 100 %")
    assert (f.difference, f.status) == (-1, "avvikelse")  # one printed figure: +-0.5
    f = one(got, row="Summa", check="andel = summan av delarna")
    assert (f.expected, f.difference, f.status) == (98, 1, "avrundning")  # 3 terms: 1.5
    assert len(got) == 5


# -- amount table --------------------------------------------------------------------------


def amounts(rows, meta_rows, unit="mnkr"):
    return Table.from_rows(
        {
            "table": "a",
            "document": "d",
            "unit": unit,
            "kind": "amount_table",
            "columns": [{"label": "Mnkr", "key": "belopp"}],
            "rows": meta_rows,
        },
        {k: [v] for k, v in rows.items()},
    )


def test_amount_subparts_listed_as_parts_must_sum_and_varav_must_not_exceed():
    t = amounts(
        {"P": "8,0", "a": 3.5, "b": 3.5, "c": 1.2, "U": 3.1, "v": 0.6},
        [
            {"label": "P", "role": "part", "parts": ["a", "b", "c"]},
            {"label": "a", "role": "subpart", "parent": "P"},
            {"label": "b", "role": "subpart", "parent": "P"},
            {"label": "c", "role": "subpart", "parent": "P"},
            {"label": "U", "role": "part"},
            {"label": "v", "role": "subpart", "parent": "U", "unit": "tkr"},
        ],
    )
    got = check_amount_table(t)
    f = one(got, row="P")  # 3.5 + 3.5 + 1.2 = 8.2 vs 8,0: -0.2 not below 4 * 0.05
    assert f.expected == pytest.approx(8.2) and f.status == "avvikelse"
    assert len(got) == 1  # 0.6 tkr under 3.1 mnkr is fine


def test_amount_total_row_and_varav_above_parent():
    t = amounts(
        {"a": "1,0", "b": "2,0", "S": "3,2", "v": "1,5"},
        [
            {"label": "a", "role": "part"},
            {"label": "v", "role": "subpart", "parent": "a"},
            {"label": "b", "role": "part"},
            {"label": "S", "role": "total"},
        ],
    )
    got = check_amount_table(t)
    assert one(got, row="S").difference == pytest.approx(0.2)
    assert one(got, row="v").status == "avvikelse"  # varav 1.5 > 1.0


# -- budget follow-up ----------------------------------------------------------------------


def followup(rows, meta_rows, rule):
    cols = [
        {"label": "Utfall", "key": "utfall"},
        {"label": "Budget", "key": "budget"},
        {"label": "Avv", "key": "avvikelse"},
    ]
    return Table.from_rows(
        {
            "table": "b",
            "document": "d",
            "unit": "tkr",
            "kind": "budget_followup",
            "avvikelse": rule,
            "columns": cols,
            "rows": meta_rows,
        },
        rows,
    )


def test_budget_followup_signed_result_holds():
    # Intäkter 64 645 - 42 857 = 21 788; Kostnader -396 527 + 361 660 = -34 867;
    # Resultat 64 645 - 396 527 = -331 882, budget -318 803, avvikelse -13 079
    rows = {
        "Intäkter": [64645, 42857, 21788],
        "Kostnader": [-396527, -361660, -34867],
        "varav personal": [-281924, -267414, -14510],
        "Resultat": [-331882, -318803, -13079],
    }
    meta = [
        {"label": "Intäkter", "role": "item"},
        {"label": "Kostnader", "role": "item"},
        {"label": "varav personal", "role": "subitem", "parent": "Kostnader"},
        {"label": "Resultat", "role": "total", "parts": ["Intäkter", "Kostnader"]},
    ]
    assert check_budget_followup(followup(rows, meta, "utfall_minus_budget")) == []


def test_budget_followup_breaks():
    rows = {"A": [833, 904, 71], "B": [100, 90, 5], "v": [150, 10, None], "Summa": [933, 990, 76]}
    meta = [
        {"label": "A", "role": "item"},
        {"label": "B", "role": "item"},
        {"label": "v", "role": "subitem", "parent": "B"},
        {"label": "Summa", "role": "total"},
    ]
    got = check_budget_followup(followup(rows, meta, "budget_minus_utfall"))
    f = one(got, row="B", column="Avv")  # 90 - 100 = -10, printed 5
    assert (f.expected, f.difference, f.status) == (-10, 15, "avvikelse")
    f = one(got, row="Summa", column="Budget")  # 904 + 90 = 994 vs 990
    assert (f.expected, f.difference) == (994, -4)
    f = one(got, row="v", column="Utfall")  # varav 150 > 100
    assert (f.reported, f.expected, f.status) == (150, 100, "avvikelse")
    # v's blank avvikelse: 10 - 150 = -140 implied -> saknas
    f = one(got, row="v", column="Avv")
    assert (f.status, f.expected) == ("saknas", -140)
    # Summa: avvikelse 71 + 5 = 76 sums, but its own row says 990 - 933 = 57
    f = one(got, row="Summa", column="Avv")
    assert (f.expected, f.difference) == (57, 19)
    assert len(got) == 5


# -- claims and pairings -------------------------------------------------------------------


def _claims(value_text_rows):
    cols = [{"label": "Belopp", "key": "belopp"}]
    meta_rows = [
        {"label": k, "role": "claim", "unit": u, "targets": tg}
        for k, (_, u, tg) in value_text_rows.items()
    ]
    t = Table.from_rows(
        {
            "table": "c",
            "document": "d",
            "unit": "mnkr",
            "kind": "claims",
            "columns": cols,
            "rows": meta_rows,
        },
        {k: [v] for k, (v, _, _) in value_text_rows.items()},
    )
    return t


def test_claims_precision_from_text():
    ref = fund({"Nära vård": [0, 69250, 69250, 0, 69250, 0, None]})
    target = [{"table": "t", "row": "Nära vård", "column": "utbetalt"}]
    c = _claims(
        {
            "70 mnkr": (70, "mnkr", target),
            "69 mnkr": (69, "mnkr", target),
            "69,3 mnkr": (69.3, "mnkr", target),
        }
    )
    got = check_claims(c, {"t": ref})
    f = one(got, row="70 mnkr")  # 70 - 69,25 = 0,75 > 0,5
    assert (f.expected, f.difference, f.status) == (69.25, 0.75, "avvikelse")
    assert one(got, row="69 mnkr").status == "avrundning"  # -0,25 within 0,5
    assert one(got, row="69,3 mnkr").status == "avrundning"  # 0,05 within 0,05
    assert len(got) == 3


def test_pairing_unit_slip_is_avvikelse_and_coarse_precision_is_rounding():
    ref = fund({"S": [0, 28922, 28922, 0, 643, 28279, None]})
    a = amounts(
        {"God": 28.9, "Varav": 0.6},
        [{"label": "God", "role": "part"}, {"label": "Varav", "role": "item", "unit": "tkr"}],
    )
    spec = {
        "checks": [
            {
                "table": "a",
                "row": "God",
                "column": "belopp",
                "against": [{"table": "t", "row": "S", "column": "Erh"}],
            },
            {
                "table": "a",
                "row": "Varav",
                "column": "Mnkr",
                "against": [{"table": "t", "row": "S", "column": "utbetalt"}],
            },
        ]
    }
    got = check_pairings(spec, {"a": a, "t": ref})
    f = one(got, row="God")  # 28,9 - 28,922 = -0,022 within 0,05
    assert f.difference == pytest.approx(-0.022) and f.status == "avrundning"
    f = one(got, row="Varav")  # 0,6 tkr vs 643 tkr
    assert f.difference == pytest.approx(-642.4) and f.status == "avvikelse"


def test_unknown_target_raises_rather_than_zero():
    c = _claims({"x": (1, "mnkr", [{"table": "t", "row": "nope", "column": "Erh"}])})
    with pytest.raises(ValueError):
        check_claims(c, {"t": fund({"A": [1, 1, 2, 0, None, 2, None]})})


# -- continuity ----------------------------------------------------------------------------


def test_continuity_split_rename_new_and_total():
    a = fund(
        {
            "Soc": [0, 100, 100, 20, None, 80, None],
            "Led o stab": [0, 10, 10, 5, None, 5, None],
            "Kurs": [None, 5, 5, 8, None, None, None],
            "Summa": [0, 115, 115, 33, None, 85, None],
        },
        roles={"Summa": "total"},
        table="a",
    )
    b = fund(
        {
            "Soc2": [70, 0, 70, 0, None, 70, None],
            "Barnahus": [12, 0, 12, 0, None, 12, None],
            "Ledning": [4, 0, 4, 0, None, 4, None],
            "Kurs": [None, 1, 1, 0, None, 1, None],
            "Nytt": [0, 1, 1, 0, None, 1, None],
            "Summa": [86, 2, 88, 0, None, 88, None],
        },
        roles={"Summa": "total"},
        table="b",
    )
    spec = {
        "from": {"table": "a", "column": "kvarvarande"},
        "to": {"table": "b", "column": "ib"},
        "groups": [
            {"from": ["Soc"], "to": ["Soc2", "Barnahus"]},
            {"from": ["Led o stab"], "to": ["Ledning"]},
            {"from": ["Kurs"], "to": ["Kurs"]},
        ],
        "new": ["Nytt"],
    }
    got = check_continuity(spec, {"a": a, "b": b})
    assert all(f.check == "kontinuitet" for f in got)
    f = one(got, row="Soc2 + Barnahus")  # 70 + 12 = 82 vs 80: +2 beyond (3 - 1) * 0.5
    assert (f.reported, f.expected, f.difference, f.status) == (82, 80, 2, "avvikelse")
    f = one(got, row="Ledning")  # 4 vs 5
    assert (f.difference, f.status) == (-1, "avvikelse")
    f = one(got, row="Kurs")  # closing blank, implied 5 - 8 = -3; opening blank
    assert (f.reported, f.expected, f.status) == (None, -3, "saknas")
    f = one(got, row="Summa")  # 86 vs 85
    assert f.difference == 1
    assert len(got) == 4  # "Nytt" opens at 0: fine


def test_an_area_the_mapping_does_not_follow_is_unclear_and_the_rest_still_compared():
    # X closes at 1 in a and opens at 2 in b (+1: a break); Y is only in b and the mapping
    # does not say where it came from: one oklar finding naming the file to write.
    a = fund({"X": [0, 1, 1, 0, None, 1, None]}, table="a", period="2024-01-01/2024-12-31")
    b = fund(
        {"X": [2, 0, 2, 0, None, 2, None], "Y": [3, 0, 3, 0, None, 3, None]},
        table="b",
        period="2025-01-01/2025-04-30",
    )
    spec = {"from": {"table": "a"}, "to": {"table": "b"}, "groups": [{"from": ["X"], "to": ["X"]}]}
    got = check_continuity(spec, {"a": a, "b": b})
    f = one(got, rule="continuity")
    assert (f.row, f.reported, f.expected, f.status) == ("X", 2, 1, "avvikelse")
    f = one(got, rule="continuity_mapping")
    assert (f.table, f.row, f.column, f.status) == ("b", "Y", "IB", "oklar")
    assert f.params == {
        "area": "Y",
        "in": "b",
        "problem": "unmapped",
        "file": "data/raw/kontinuitet/2024-2025.yaml",
    }
    assert len(got) == 2


# -- ambiguities, run_all, CSV, CLI --------------------------------------------------------


def test_ambiguity_rows_are_oklar_once_each():
    t = fund(
        {"A": [0, 1, 1, 0, None, 1, None], "B": [0, 1, 1, 0, None, 1, None]},
        ambiguities=[{"row": "A, B", "placed": "1 under Erh"}],
    )
    got = check_ambiguities(t)
    assert [(f.row, f.status, f.check) for f in got] == [
        ("A", "oklar", "oklar läsning: 1 under Erh"),
        ("B", "oklar", "oklar läsning: 1 under Erh"),
    ]


def test_run_all_collects_errors_and_keeps_other_checks():
    good = fund({"A": [100, 50, 153, 53, None, 100, None]}, table="good")
    bad = Table.from_rows(
        {
            "table": "bad",
            "document": "d",
            "unit": "tkr",
            "kind": "budget_followup",
            "avvikelse": "fel",
            "columns": [{"label": "U", "key": "utfall"}],
        },
        {"x": [1]},
    )
    out = runner.run({"good": good, "bad": bad})
    assert [f.row for f in out] == ["A"]
    assert [(e.table, e.check, e.bad_input) for e in out.errors] == [
        ("bad", "budget_followup", True)
    ]


def test_write_findings_plain_decimals(tmp_path):
    f = Finding(
        "cross_check",
        "d",
        "t",
        "r",
        "c",
        0.6,
        643.0,
        0.6 - 643.0,
        "avvikelse",
        "f:2",
        params={"against": [("t2", "S", "U")], "unit": "tkr"},
    )
    g = Finding("fund_kvarvarande", "d", "t", "r2", "c", None, 1e-5 * 3, None, "saknas", "f:3")
    path = write_csv([f, g], tmp_path / "sub" / "a.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == FINDING_COLUMNS
    assert rows[0][:10] == [
        "document",
        "table",
        "row",
        "column",
        "check",
        "reported",
        "expected",
        "difference",
        "status",
        "source",
    ]  # as in 0.1.0
    assert rows[0][10:] == ["rule", "explained_by"]  # extended at the end, nothing renamed
    assert rows[1][4:] == [
        "korskontroll mot t2: S / U (tkr)",
        "0.6",
        "643",
        "-642.4",
        "avvikelse",
        "f:2",
        "cross_check",
        "",
    ]
    assert rows[2][5:8] == ["", "0.00003", ""]
    assert not any(p.name.startswith(".avstamning") for p in path.parent.iterdir())


def _raw_copy(tmp_path) -> Path:
    root = tmp_path / "proj"
    raw = root / "data" / "raw" / "x"
    raw.mkdir(parents=True)
    (raw / "t.csv").write_text("Rad,IB,Erh,Disp\nA,1,2,5\n", encoding="utf-8")
    (raw / "t.yaml").write_text(
        "table: t\ndocument: d.txt\nheading: H\nunit: tkr\nkind: fund_statement\n"
        "period: 2024-01-01/2024-12-31\n"
        "label_column: Rad\ncolumns:\n- {label: IB, key: ib}\n- {label: Erh, key: erhallna}\n"
        "- {label: Disp, key: disponibla}\nrows:\n- {label: A, role: area}\n",
        encoding="utf-8",
    )
    return root


def test_cli_check_writes_csv_and_exits_0_with_findings(tmp_path, monkeypatch, capsys):
    root = _raw_copy(tmp_path)
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    assert cli_check() == 0
    with open(root / "reports" / "avstamning.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [
        (r["row"], r["column"], r["reported"], r["expected"], r["status"], r["rule"]) for r in rows
    ] == [
        # the only period, with no close before it: its opening balance cannot be reconciled
        ("", "IB", "", "", "oklar", "continuity_missing_period"),
        ("A", "Disp", "5", "3", "avvikelse", "fund_disponibla"),
    ]
    # one check made (A: 1 + 2 against 5); no total row, no kvarvarande: nothing else
    assert "d.txt: 1 kontroll, 2 fynd (1 avvikelse, 1 oklar)" in capsys.readouterr().out


def test_cli_check_exits_2_on_unreadable_input(tmp_path, monkeypatch, capsys):
    root = _raw_copy(tmp_path)
    (root / "data" / "raw" / "x" / "t.csv").write_text(
        "Rad,IB,Erh,Disp\nA,1,2,fyra\n", encoding="utf-8"
    )
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    assert cli_check(tmp_path / "out.csv") == 2
    assert not (tmp_path / "out.csv").exists()
    assert "fyra" in capsys.readouterr().err


def test_netting_row_obeys_its_own_identity_with_a_blank_opening_balance():
    # The 2024 netting row prints no ib: a redistribution has none, so disponibla must equal
    # erhållna. -8 + 0 = -8, printed -10: -2 is a break (two figures: 1 not reachable).
    rows = {
        "A": [100, 50, 150, 40, None, 110, None],
        "Härav": [None, -8, -10, -6, None, None, None],
        "Summa": [100, 50, 150, 40, None, 110, None],
    }
    got = check_fund_statement(fund(rows, roles={"Härav": "netting", "Summa": "total"}))
    f = one(got, row="Härav")
    assert (f.rule, f.column, f.reported, f.expected, f.status) == (
        "fund_disponibla",
        "Disp",
        -10,
        -8,
        "avvikelse",
    )
    assert len(got) == 1  # nothing implied for the netting row's blank kvarvarande


def test_every_finding_names_a_registered_rule_and_its_cells():
    t = fund({"A": [100, 50, 153, 53, None, 100, None]})
    (f,) = check_fund_statement(t)
    assert f.rule == "fund_disponibla"
    assert [(c.row, c.column) for c in f.cells] == [("A", "Disp"), ("A", "IB"), ("A", "Erh")]
    with pytest.raises(ValueError, match="okänd regel"):
        Finding("ingen_sadan", "d", "t", "r", "c", 1.0, 2.0, -1.0, "avvikelse", "s")


def test_report_order_puts_a_tables_own_rules_before_those_between_tables():
    def f(rule, table, row):
        params = {"against": [("x", "r", "c")], "unit": "tkr"} if rule == "cross_check" else {}
        return Finding(
            rule, "d", table, row, "c", 1.0, 2.0, -1.0, "avvikelse", f"{table}:1", params=params
        )

    found = [
        f("cross_check", "b", "1"),
        f("continuity", "a", "2"),
        f("fund_kvarvarande", "b", "3"),
        f("fund_disponibla", "a", "4"),
    ]
    assert [x.row for x in runner.report_order(found, ["a"])] == ["4", "2", "3", "1"]


def test_select_keeps_claims_about_the_kept_tables():
    claim = Finding(
        "claim",
        "d",
        "c",
        "70 mnkr",
        "Belopp",
        70.0,
        69.25,
        0.75,
        "avvikelse",
        "c:7",
        cells=(CellRef("c", "70 mnkr", "Belopp"), CellRef("bokslut", "N", "U")),
        params={"against": [("bokslut", "N", "U")], "unit": "mnkr"},
    )
    other = Finding(
        "claim",
        "d",
        "c",
        "1,8 mnkr",
        "Belopp",
        1.8,
        1.57,
        0.23,
        "avvikelse",
        "c:8",
        cells=(CellRef("c", "1,8 mnkr", "Belopp"), CellRef("avgifter", "S", "IoT")),
        params={"against": [("avgifter", "S", "IoT")], "unit": "mnkr"},
    )
    assert runner.select(runner.Findings([claim, other]), ["bokslut"]) == [claim]


def test_continuity_without_a_mapping_follows_the_labels():
    a = fund({"X": [0, 5, 5, 0, None, 5, None], "Y": [0, 3, 3, 0, None, 3, None]}, table="a")
    b = fund({"Y": [3, 0, 3, 0, None, 3, None], "X": [6, 0, 6, 0, None, 6, None]}, table="b")
    got = check_continuity({"from": {"table": "a"}, "to": {"table": "b"}}, {"a": a, "b": b})
    f = one(got, row="X")  # 6 vs 5: +1, two roundings of one figure must agree
    assert (f.reported, f.expected, f.status) == (6, 5, "avvikelse")
    assert len(got) == 1  # Y continues unchanged


def test_a_mapping_lists_only_what_the_labels_do_not_say():
    a = fund(
        {"Led o stab": [0, 4, 4, 0, None, 4, None], "Z": [0, 1, 1, 0, None, 1, None]}, table="a"
    )
    b = fund(
        {
            "Ledning": [4, 0, 4, 0, None, 4, None],
            "Z": [1, 0, 1, 0, None, 1, None],
            "Ny": [0, 2, 2, 0, None, 2, None],
        },
        table="b",
    )
    spec = {
        "from": {"table": "a"},
        "to": {"table": "b"},
        "groups": [{"from": ["Led o stab"], "to": ["Ledning"]}],
        "new": ["Ny"],
    }
    assert check_continuity(spec, {"a": a, "b": b}) == []
    # without the rename, "Led o stab" (a) and "Ledning" (b) cannot be followed: oklar both
    got = check_continuity(
        {"from": {"table": "a"}, "to": {"table": "b"}, "new": ["Ny"]}, {"a": a, "b": b}
    )
    assert sorted((f.rule, f.row, f.params["in"], f.params["problem"]) for f in got) == [
        ("continuity_mapping", "Led o stab", "a", "unmapped"),
        ("continuity_mapping", "Ledning", "b", "unmapped"),
    ]


def test_an_implied_continuity_that_needs_a_mapping_is_a_finding_not_a_stop(tmp_path, monkeypatch):
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))  # no mapping files there
    from kuanalysis.checks.continuity import mapping_for
    from kuanalysis.checks.findings import summary
    from kuanalysis.data.periods import Period
    from kuanalysis.reports.finding_text import explain

    a = fund({"X": [0, 5, 5, 0, None, 5, None]}, table="a", period="2024-01-01/2024-12-31")
    b = fund(
        {"X": [5, 0, 5, 0, None, 5, None], "Ny": [0, 2, 2, 0, None, 2, None]},
        table="b",
        period="2025-01-01/2025-04-30",
    )
    close = Period("a", tmp_path, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    tertial = Period("b", tmp_path, dt.date(2025, 1, 1), dt.date(2025, 4, 30))
    implied = mapping_for(close, tertial, [])
    assert implied.source is None
    out = runner.run({"a": a, "b": b}, continuity=[implied])
    assert out.errors == []
    f = one(out, rule="continuity_mapping")
    assert explain(f) == (
        "Området ”Ny” i b: området finns inte i den andra perioden och saknas i mappningen, "
        "så dess ingående balans kan inte stämmas av mot föregående period. Skriv i "
        "data/raw/kontinuitet/2024-2025.yaml vad området blev eller kom ifrån (se README.md, "
        "”Lägga till nästa period”)."
    )
    assert summary(out, {"d.txt": ["a", "b"]}).splitlines()[0].endswith("1 fynd (1 oklar)")
