"""Figures that cannot lie: fee arithmetic is exact, and an amount beyond the stated limit
(10^13 kr for a post in a year) is refused, never wrapped into a negative int64.

Expected amounts are worked out here with Python's exact fractions (the rule as the
scenario format states it: each year the last year's amount times 1 + p, rounded half up to
whole kronor), never with the code under test.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuanalysis.errors import InputError
from kuanalysis.fees import whatif
from kuanalysis.fees.allocation import allocate_largest_remainder, allocate_many
from kuanalysis.fees.projection import LIMIT_KR, AmountLimitError, FeeModel
from kuanalysis.fees.scenariofile import MAX_BP, MAX_KR, MAX_YEARS, MIN_BP
from kuanalysis.fees.scenarios import (
    Balance,
    PostSpec,
    Scenario,
    ScenarioLoader,
    default_matrix,
    default_population,
)

CODES = ["0604", "0680", "0686"]


def scenario(amounts: list[int], uprating: list[int], years: int) -> Scenario:
    posts = {
        f"Post {i}": PostSpec(f"Post {i}", a, "tryckt", True, None, False, 1, bp)
        for i, (a, bp) in enumerate(zip(amounts, uprating))
    }
    return Scenario("prov", "", "Prov", posts, years=tuple(range(2025, 2025 + years)))


def exact_years(amount: int, bp: int, years: int) -> list[int]:
    """The amounts year by year, each rounded half up to whole kronor (exact)."""
    out = [amount]
    for _ in range(years - 1):
        out.append(math.floor(out[-1] * Fraction(10_000 + bp, 10_000) + Fraction(1, 2)))
    return out


def test_the_limit_is_ten_to_the_thirteen():
    assert LIMIT_KR == 10_000_000_000_000


@settings(max_examples=300, deadline=None)
@given(
    posts=st.lists(
        st.tuples(st.integers(0, MAX_KR), st.integers(MIN_BP, MAX_BP)), min_size=1, max_size=4
    ),
    years=st.integers(1, MAX_YEARS),
    weights=st.lists(st.integers(0, 10**8), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
)
def test_amounts_are_exact_or_refused(posts, years, weights):
    """Large percentages (up to 1000 %) over long horizons (up to 30 years): every amount is
    the exact one, or the first year and post past the limit is refused with its exact
    amount; a fee per municipality is never negative and the parts add up to the amount."""
    amounts, uprating = [a for a, _ in posts], [bp for _, bp in posts]
    model = FeeModel.of(scenario(amounts, uprating, years))
    expected = [exact_years(a, bp, years) for a, bp in posts]  # per post, per year
    over = [(y, p) for y in range(years) for p in range(len(posts)) if expected[p][y] > LIMIT_KR]
    if over:
        y, p = over[0]  # the first year, and in it the first post in the proposal's order
        with pytest.raises(AmountLimitError) as e:
            model.totals()
        assert (e.value.year, e.value.post, e.value.amount) == (
            2025 + y,
            f"Post {p}",
            expected[p][y],
        )
        assert isinstance(e.value, InputError)  # bad input: exit 2
        return
    totals = model.totals()
    assert totals.tolist() == [[expected[p][y] for p in range(len(posts))] for y in range(years)]
    model = dataclasses.replace(
        model, codes=CODES, weights=np.array([weights] * len(posts), dtype=float)
    )
    parts = model.allocate(totals)
    assert (parts >= 0).all()
    assert (parts.sum(axis=-1) == totals).all()
    # the same split as exact rational arithmetic gives, for the largest amount
    y, p = np.unravel_index(np.argmax(totals), totals.shape)
    exact = allocate_largest_remainder(int(totals[y, p]), dict(zip(CODES, weights)))
    assert parts[y, p].tolist() == [exact[c] for c in CODES]


def test_1000_percent_over_30_years_is_refused_at_the_first_year_past_the_limit():
    # 1000 % is x 11 each year: 9 000 000 x 11^6 = 15 944 049 000 000 kr in 2031 (the sixth
    # year after 2025); 11^5 gives 1 449 459 000 000 kr in 2030, below the limit
    model = FeeModel.of(scenario([9_000_000], [100_000], 30))
    with pytest.raises(AmountLimitError) as e:
        model.totals()
    assert str(e.value) == (
        "scenariot prov: posten Post 0 blir 15 944 049 000 000 kr år 2031, mer än "
        "10 000 000 000 000 kr (det största belopp som räknas för en post ett år); sänk "
        "uppräkningen (1000 % per år) eller förkorta åren"
    )


def test_a_search_lets_amounts_stand_at_the_limit():
    # bounded=False (the search asking whether a balance lasts): 2031 on stand at 10^13 + 1
    model = FeeModel.of(scenario([9_000_000], [100_000], 8))
    totals = model.totals(bounded=False)[:, 0].tolist()
    assert totals[:6] == [9_000_000 * 11**n for n in range(6)]
    assert totals[6:] == [LIMIT_KR + 1] * 2


def test_allocation_beyond_int64_is_exact():
    # 10^13 - 1 kr by weights 10^8 and 2 x 10^8 (the product, 3 x 10^21, is past int64):
    # one third is 3 333 333 333 333 kr exactly, two thirds 6 666 666 666 666 kr, no krona left
    total = LIMIT_KR - 1
    out = allocate_many(np.array([total]), np.array([[1e8, 2e8]]))
    assert out.tolist() == [[3_333_333_333_333, 6_666_666_666_666]]
    # 10^13 by three equal weights: 3 333 333 333 333 each and one krona left over, to the
    # lowest code (equal remainders)
    out = allocate_many(np.array([LIMIT_KR]), np.array([[1e8, 1e8, 1e8]]))
    assert out.tolist() == [[3_333_333_333_334, 3_333_333_333_333, 3_333_333_333_333]]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(0, LIMIT_KR),
    weights=st.lists(st.integers(0, 10**9), min_size=2, max_size=13).filter(lambda w: sum(w) > 0),
)
def test_allocation_of_large_amounts_matches_exact_fractions(total, weights):
    codes = [f"{i:04d}" for i in range(len(weights))]
    exact = allocate_largest_remainder(total, dict(zip(codes, weights)))
    out = allocate_many(np.array([total]), np.array([weights], dtype=float))
    assert out[0].tolist() == [exact[c] for c in codes]


@pytest.fixture(scope="module")
def proposal_30_years():
    """The printed proposal of 2025 over 30 years, with its matrix and population."""
    population = default_population()
    loader = ScenarioLoader(population, {2025: default_matrix(2025)})
    printed = loader.printed(2025)
    return (
        dataclasses.replace(printed, years=tuple(range(2025, 2055))),
        loader.table(2025),
        population,
    )


def test_a_sweep_names_the_value_that_goes_past_the_limit(proposal_30_years):
    # 0, 500 % (x 6) and 1000 % (x 11) over 30 years: the largest posts are 9 000 000 kr;
    # 1000 % passes the limit first, in 2031 (9 000 000 x 11^6 = 15 944 049 000 000 kr);
    # 500 % would only in 2033 (9 000 000 x 6^8 = 15 116 544 000 000 kr)
    s, matrix, population = proposal_30_years
    var = whatif.Variable(whatif.UPRATING)
    with pytest.raises(AmountLimitError) as e:
        whatif.sweep(s, matrix, population, var, [0, 50_000, 100_000])
    assert str(e.value) == (
        "scenariot förslaget 2025 med uppräkning 1000 %: posten Grundfinansiering Social "
        "välfärd blir 15 944 049 000 000 kr år 2031, mer än 10 000 000 000 000 kr (det största "
        "belopp som räknas för en post ett år); sänk uppräkningen (1000 % per år) eller "
        "förkorta åren"
    )


def test_the_search_over_the_uprating_is_not_stopped_by_the_limit(proposal_30_years):
    """The search tries upratings up to 1000 % (far past the limit over 30 years) only to
    ask whether the balance lasts; its answer is the exact one."""
    s, matrix, population = proposal_30_years
    grund = "Grundfinansiering Social välfärd"
    posts = {**s.posts, grund: dataclasses.replace(s.posts[grund], from_balance=True)}
    s = dataclasses.replace(
        s, posts=posts, balance=Balance(opening=MAX_KR, withdrawals={2025: 10_000_000})
    )

    def lasts(bp: int) -> bool:  # the balance falls every year: its last year decides
        return MAX_KR - 10_000_000 - sum(exact_years(9_000_000, bp, 30)) >= 0

    lo, hi = 0, MAX_BP  # lasts(0) and not lasts(1000 %): bisect on exact arithmetic
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if lasts(mid) else (lo, mid)
    answer = whatif.largest_value(s, matrix, population, whatif.Variable(whatif.UPRATING), 2054)
    assert answer.value == lo
    assert answer.closing >= 0 > answer.next_closing
