"""The number grammar for a number typed by hand (an option, a parameter, a scenario field):
the tables' grammar (ASCII digits, at most 15 significant digits, finite), nothing wider."""

from __future__ import annotations

import pytest

from kuanalysis.data.numbers import NumberTextError, TooManyDigits, typed_decimal, typed_number


@pytest.mark.parametrize(
    "text, decimals, expected",
    [
        ("0", 0, 0),
        ("7", 0, 7),
        (" 42 ", 0, 42),
        ("+3", 0, 3),
        ("-7", 0, -7),
        ("\u22125", 0, -5),  # typeset minus
        ("\u20135", 0, -5),  # en dash
        ("2,5", 2, 250),  # the value times 10**decimals
        ("2.5", 2, 250),
        ("2,25", 2, 225),
        ("0,05", 2, 5),
        ("3", 2, 300),
        ("999999999999999", 0, 999_999_999_999_999),  # 15 digits: the most a float holds
        ("000000000000000001", 0, 1),  # leading zeros are not significant
        ("1,500000000000000", 15, 1_500_000_000_000_000),  # trailing zeros neither: 2 digits
    ],
)
def test_accepted(text, decimals, expected):
    assert typed_number(text, decimals) == expected


def test_underscores_only_when_asked():
    assert typed_number("9_000_000", underscores=True) == 9_000_000
    with pytest.raises(NumberTextError):
        typed_number("9_000_000")
    with pytest.raises(NumberTextError):
        typed_number("9__000", underscores=True)


def test_sign_only_when_allowed():
    with pytest.raises(NumberTextError):
        typed_number("-5", sign=False)
    assert typed_number("5", sign=False) == 5


@pytest.mark.parametrize(
    "text, decimals, reason",
    [
        ("\u0663", 0, "bara siffrorna 0–9 räknas som siffror"),  # Arabic-Indic 3
        ("\uff13", 0, "bara siffrorna 0–9 räknas som siffror"),  # full-width 3
        ("\u0662\u0660\u0662\u0665", 0, "bara siffrorna 0–9 räknas som siffror"),
        ("1.5", 0, "ett heltal har inga decimaler"),
        ("2,333", 2, "3 decimaler, högst 2"),
        # YAML 1.1 and Python forms that are not the grammar's
        ("0x10", 0, ""),
        ("0b101", 0, ""),
        ("1:30:00", 0, ""),
        ("1e3", 0, ""),
        ("inf", 0, ""),
        ("nan", 0, ""),
        ("5\n", 0, ""),  # a line break is no space
        ("", 0, ""),
        ("-", 0, ""),
        ("+-5", 0, ""),
        ("1 000", 0, ""),  # thousands separators belong to printed tables, not typed values
    ],
)
def test_refused_with_reason(text, decimals, reason):
    with pytest.raises(NumberTextError) as e:
        typed_number(text, decimals)
    assert e.value.reason == reason
    assert not isinstance(e.value, TooManyDigits)


@pytest.mark.parametrize(
    "text, decimals",
    [("1" * 16, 0), ("9" * 40, 0), ("9" * 400, 0), ("1,0000000000000001", 16)],
)
def test_more_than_15_significant_digits(text, decimals):
    with pytest.raises(TooManyDigits) as e:
        typed_number(text, decimals)
    assert e.value.reason == "fler än 15 siffror"


def test_decimal():
    assert typed_decimal("0,25") == 0.25
    assert typed_decimal("3") == 3.0
    assert typed_decimal("-1.5") == -1.5
    assert typed_decimal("123456789012345") == 123456789012345.0
    for bad in ("1e3", ".nan", ".inf", "1" * 16, "\u0665"):
        with pytest.raises(NumberTextError):
            typed_decimal(bad)
