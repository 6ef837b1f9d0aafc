"""Periods found from the fund statements' sidecars, and the preceding period by dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import SHIPPED

from kuanalysis.data import periods
from kuanalysis.errors import DataError

D = dt.date


def _period(start, end, table="t"):
    return periods.Period(table, Path("."), D.fromisoformat(start), D.fromisoformat(end))


@pytest.mark.parametrize(
    "start, end, months, slug, name",
    [
        ("2023-01-01", "2023-12-31", 12, "bokslut-2023", "Bokslut 2023"),
        ("2024-01-01", "2024-08-31", 8, "delarsrapport-2024-t2", "Delårsrapport 2024, tertial 2"),
        ("2025-01-01", "2025-04-30", 4, "delarsrapport-2025-t1", "Delårsrapport 2025, tertial 1"),
        ("2025-01-01", "2025-06-30", 6, "delarsrapport-2025-0630", "Delårsrapport per 2025-06-30"),
    ],
)
def test_what_a_period_is_called(start, end, months, slug, name):
    p = _period(start, end)
    assert (p.months, p.slug, p.name) == (months, slug, name)


def test_shipped_periods_and_their_order():
    # pinned by the shipped tables' names: an analyst adds periods before or after them
    shipped = {name for names in SHIPPED.values() for name in names}
    found = [p for p in periods.periods() if p.table in shipped]
    assert [(p.table, p.end.isoformat()) for p in found] == [
        ("bokslut-2023", "2023-12-31"),
        ("delar-2024-t2-4-1", "2024-08-31"),
    ]
    assert periods.preceding(found[1], found).table == "bokslut-2023"
    assert periods.preceding(found[0], found) is None


def test_preceding_is_the_period_ending_the_day_before():
    close24 = _period("2024-01-01", "2024-12-31", "b24")
    t2 = _period("2024-01-01", "2024-08-31", "t2")
    t1 = _period("2025-01-01", "2025-04-30", "t1")
    assert periods.preceding(t1, [t2, close24, t1]).table == "b24"
    assert periods.preceding(t1, [t2, t1]) is None  # a tertial is no opening balance


def _side(folder: Path, stem: str, period: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.csv").write_text("x\n", encoding="utf-8")
    (folder / f"{stem}.yaml").write_text(
        f"table: {stem}\nkind: fund_statement\nperiod: '{period}'\n", encoding="utf-8"
    )


def test_unreadable_or_impossible_periods_are_refused(tmp_path):
    _side(tmp_path / "a", "x", "2024-01-01/2024-13-31")
    with pytest.raises(DataError, match=r"x.yaml: period ska vara"):
        periods.periods(tmp_path)


def test_two_statements_for_one_period_are_refused(tmp_path):
    _side(tmp_path / "a", "x", "2024-01-01/2024-08-31")
    _side(tmp_path / "b", "y", "2024-01-01/2024-08-31")
    with pytest.raises(DataError, match="två fondredovisningar gäller samma period"):
        periods.periods(tmp_path)


def test_unknown_table_names_those_that_exist(tmp_path):
    _side(tmp_path / "a", "x", "2024-01-01/2024-08-31")
    with pytest.raises(DataError, match=r"'z' finns inte i data/raw \(finns: x\)"):
        periods.find("z", tmp_path)
