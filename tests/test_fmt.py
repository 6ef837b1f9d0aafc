"""Swedish formatting: expected strings written by hand."""

import math

import pandas as pd
import pytest

from kuanalysis.reports import fmt

NB = "\u00a0"
M = "\u2212"


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (0, 0, "0"),
        (-0.4, 0, "0"),  # rounds to zero: no minus sign on zero
        (-0.5, 0, f"{M}1"),  # half away from zero
        (0.5, 0, "1"),
        (2.5, 0, "3"),  # not banker's rounding
        (999.5, 0, f"1{NB}000"),
        (1234, 0, f"1{NB}234"),
        (-1234567.891, 0, f"{M}1{NB}234{NB}568"),
        (-1234567.891, 2, f"{M}1{NB}234{NB}567,89"),
        (2.675, 2, "2,68"),  # decimal rounding, not the binary 2.67499..
        (20.5, 1, "20,5"),
        (123456789012345, 0, f"123{NB}456{NB}789{NB}012{NB}345"),
        (0.05, 1, "0,1"),
        (-395, 0, f"{M}395"),
    ],
)
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_missing_is_a_dash_not_zero(missing):
    assert fmt.number(missing) == "–"
    assert fmt.kr(missing) == "–"
    assert fmt.percent(missing) == "–"


def test_sign_for_differences():
    assert fmt.number(52, sign=True) == "+52"
    assert fmt.number(-52, sign=True) == f"{M}52"
    assert fmt.number(0, sign=True) == "0"


def test_units():
    assert fmt.kr(9_000_000) == f"9{NB}000{NB}000{NB}kr"
    assert fmt.amount(20_500_000, "mnkr") == f"20,5{NB}mnkr"
    assert fmt.amount(69_250, "mnkr", source_unit="tkr") == f"69,3{NB}mnkr"
    assert fmt.tkr(-5340) == f"{M}5{NB}340{NB}tkr"
    assert fmt.mnkr(1.8) == f"1,8{NB}mnkr"


def test_percent():
    assert fmt.percent(34) == f"34{NB}%"
    assert fmt.percent(0.6667, 1, ratio=True) == f"66,7{NB}%"
    assert fmt.points(-0.041, 2) == f"{M}0,04{NB}procentenheter"


def test_infinity_is_readable():
    assert fmt.number(math.inf) == "∞"


def test_axis_formatter():
    f = fmt.axis_formatter("tkr")
    assert f(-12500, 0) == f"{M}12{NB}500{NB}tkr"
    assert fmt.axis_formatter("%", ratio=True)(0.25, 0) == f"25{NB}%"


@pytest.mark.parametrize(
    "iso, shown",
    [
        ("2024-08-31", "31 augusti 2024"),
        ("2024-01-01", "1 januari 2024"),
        ("2023-12-31", "31 december 2023"),
        ("2024-13-01", "2024-13-01"),  # no such month: as it is
        ("31/8 2024", "31/8 2024"),
    ],
)
def test_long_date(iso, shown):
    assert fmt.long_date(iso) == shown
