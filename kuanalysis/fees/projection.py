"""A scenario's fees year by year: each post's amount uprated from its first year, split
over the municipalities in whole kronor.

:class:`FeeModel` holds one scenario as arrays (years x posts amounts, posts x
municipalities weights), so that many variations of it (a sweep, a search, the explorer, the
benchmarks) are computed at once with the same arithmetic as a single scenario:
:func:`allocate_scenario` is :class:`FeeModel` with one variation.

Uprating: the amount of year *n* + 1 is the amount of year *n* times (1 + p / 100), rounded
to whole kronor (half up), year by year; p has at most two decimals, so the arithmetic is
exact integer arithmetic.

Money never wraps: no post may exceed :data:`LIMIT_KR` in any year. Every year's amounts are
checked as they are computed; the first beyond the limit is refused as bad input
(:class:`AmountLimitError`, naming the scenario, the post and the year, with the exact
amount), so every figure computed is at most the limit, and int64 arithmetic on it is exact
(the limit times the largest uprating factor is far below 2^63). A search that only asks
whether the balance lasts may let amounts saturate at the limit instead (``bounded=False``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.table import Table
from ..errors import InputError
from .allocation import allocate_largest_remainder, allocate_many
from .keys import population_frame
from .matrix import kommun_codes
from .model import Scenario
from .scenariofile import PRINTED_KEY

#: Columns of ``kuanalysis fees``' CSV: a contract, keep stable (extend at the end).
FEE_COLUMNS = ["scenario", "kommun_kod", "kommun", "post", "belopp_kr", "fakturerad", "år"]

#: The largest amount a post may have in one year (kr): a thousand times the region's whole
#: budget, so only a runaway uprating reaches it; 11 x the limit (1000 %) x 2 x 10^4 is still
#: far below 2^63, so int64 arithmetic on amounts within it is exact.
LIMIT_KR = 10**13


def kronor_text(kr: int) -> str:
    """Kronor as a command prints them: ``15 944 049 000 000 kr``."""
    return f"{kr:,}".replace(",", " ").replace("-", "\u2212") + " kr"


def percent_text(bp: int) -> str:
    """Hundredths of a per cent as a reader reads them: ``1000 %``, ``2,5 %``."""
    text = f"{bp / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"
    return text.replace("-", "\u2212")


class AmountLimitError(InputError):
    """A post's amount in one year beyond :data:`LIMIT_KR`: bad input (an uprating or a
    horizon that no budget has), refused rather than computed.

    Attributes
    ----------
    post : str
    year : int
    amount : int
        The exact amount of that year (the first year beyond the limit).
    uprating_bp : int
        The post's yearly uprating.
    variation : tuple of int
        Which of several variations computed at once (a sweep's value), () for one.
    sentence : str
        What is wrong, without saying where: callers put the scenario or file in front.
    """

    def __init__(
        self,
        where: str,
        post: str,
        year: int,
        amount: int,
        uprating_bp: int,
        first_year: bool,
        variation: tuple = (),
    ):
        self.post, self.year, self.amount = post, year, amount
        self.uprating_bp, self.first_year, self.variation = uprating_bp, first_year, variation
        advice = (
            "sänk beloppet"
            if first_year
            else f"sänk uppräkningen ({percent_text(uprating_bp)} per år) eller förkorta åren"
        )
        self.sentence = (
            f"posten {post} blir {kronor_text(amount)} år {year}, mer än "
            f"{kronor_text(LIMIT_KR)} (det största belopp som räknas för en post ett år); "
            f"{advice}"
        )
        super().__init__(f"{where}: {self.sentence}")

    def about(self, where: str) -> AmountLimitError:
        """The same fault, said to be in ``where`` (a file, a sweep's value)."""
        return AmountLimitError(
            where,
            self.post,
            self.year,
            self.amount,
            self.uprating_bp,
            self.first_year,
            self.variation,
        )


def uprate(amount, bp):
    """``amount`` x (1 + bp / 10 000), rounded half up to whole kronor (arrays too).

    Exact in int64 for amounts up to 4 x 10^13 and an uprating up to 1000 %
    (:data:`LIMIT_KR` keeps every amount below that).
    """
    return (
        np.asarray(amount, dtype=np.int64) * (10_000 + np.asarray(bp, dtype=np.int64)) * 2 + 10_000
    ) // 20_000


def post_weights(scenario: Scenario, matrix: Table, population) -> tuple[list[str], np.ndarray]:
    """Each post's weight per municipality: (kommun codes ascending, posts x codes array).

    NaN = outside the post. The printed key takes the proposal's cells, a blank cell read
    ``beräknat`` its implied amount.

    Raises
    ------
    ValueError
        A participant without a weight in its post's key.
    """
    codes_by_row = kommun_codes(matrix)
    codes = sorted(codes_by_row.values())
    row_of = {c: r for r, c in codes_by_row.items()}
    specs = list(scenario.posts.values())
    printed = [s.post for s in specs if s.key == PRINTED_KEY]
    cells = matrix.values.loc[[row_of[c] for c in codes], printed] if printed else None
    pop = (
        population_frame(population)
        if any(isinstance(s.key, str) and s.key != PRINTED_KEY for s in specs)
        else None
    )
    implied = {(b.row, b.post): b.implied_kr for b in scenario.blanks if b.reading == "beräknat"}
    out = np.full((len(specs), len(codes)), np.nan)
    for i, spec in enumerate(specs):
        if spec.key == PRINTED_KEY:
            assert cells is not None  # read above when a post has the printed key
            w = cells[spec.post].to_numpy(dtype=float, copy=True)
            for j, code in enumerate(codes):
                if math.isnan(w[j]):
                    w[j] = implied.get((row_of[code], spec.post), math.nan)
        elif isinstance(spec.key, dict):
            w = np.array([spec.key.get(c, math.nan) for c in codes], dtype=float)
        else:
            assert pop is not None  # read above when a post has a population key
            w = pop[spec.key].reindex(codes).to_numpy(dtype=float, copy=True)
        if spec.participants is not None:
            taking = np.isin(codes, spec.participants)
            missing = taking & np.isnan(w)
            if missing.any():
                code = codes[int(np.argmax(missing))]
                raise ValueError(f"{spec.post}: kommun {code} deltar men har ingen andel i nyckeln")
            w[~taking] = np.nan
        out[i] = w
    return codes, out


@dataclass
class FeeModel:
    """One scenario as arrays, for computing many variations of it at once.

    Attributes
    ----------
    years : list of int
    posts : list of str
        Printed labels, the proposal's order.
    codes : list of str
        Kommun codes ascending (ties in the split go to the lower code).
    names : dict
        Kommun code -> printed name; ``order``: the codes in the proposal's row order.
    amounts : numpy.ndarray
        First-year kr per post (int64).
    uprating : numpy.ndarray
        Yearly uprating per post, hundredths of a per cent (int64).
    weights : numpy.ndarray
        Posts x codes, NaN outside.
    invoiced, from_balance : numpy.ndarray
        bool per post.
    opening : int
        The balance account at the start of the first year.
    deposits, withdrawals : numpy.ndarray
        kr per year (int64).
    """

    scenario: Scenario
    years: list
    posts: list
    codes: list
    names: dict
    order: list
    amounts: np.ndarray
    uprating: np.ndarray
    weights: np.ndarray
    invoiced: np.ndarray
    from_balance: np.ndarray
    opening: int
    deposits: np.ndarray
    withdrawals: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, matrix: Table | None = None, population=None) -> FeeModel:
        """The arrays of ``scenario``; without ``matrix`` no weights (amounts, flags and
        the balance account only)."""
        years = list(scenario.horizon)
        if not years:
            raise ValueError(f"scenariot {scenario.name} säger inte vilka år det gäller")
        specs = list(scenario.posts.values())
        if matrix is not None:
            codes, weights = post_weights(scenario, matrix, population)
            names = {c: r for r, c in kommun_codes(matrix).items()}
            order = list(kommun_codes(matrix).values())
        else:
            codes, weights, names, order = [], np.zeros((len(specs), 0)), {}, []
        b = scenario.balance
        return cls(
            scenario=scenario,
            years=years,
            posts=[s.post for s in specs],
            codes=codes,
            names=names,
            order=order,
            amounts=np.array([s.total for s in specs], dtype=np.int64),
            uprating=np.array(
                [scenario.uprating_bp if s.uprating_bp is None else s.uprating_bp for s in specs],
                dtype=np.int64,
            ),
            weights=weights,
            invoiced=np.array([s.invoiced for s in specs], dtype=bool),
            from_balance=np.array([s.from_balance for s in specs], dtype=bool),
            opening=int(b.opening),
            deposits=np.array([b.deposits.get(y, 0) for y in years], dtype=np.int64),
            withdrawals=np.array([b.withdrawals.get(y, 0) for y in years], dtype=np.int64),
        )

    def totals(self, amounts=None, uprating=None, bounded: bool = True) -> np.ndarray:
        """Kr per year and post: shape ``V + (years, posts)`` for amounts/uprating of shape
        ``V + (posts,)`` (default: the scenario's own, ``V`` = ()).

        Raises
        ------
        AmountLimitError
            The first year (and in it the first variation and post) with an amount beyond
            :data:`LIMIT_KR`; with ``bounded=False`` such amounts are :data:`LIMIT_KR` + 1
            instead (enough to tell that a balance does not last, never a figure to show).
        """
        amounts = self.amounts if amounts is None else np.asarray(amounts, dtype=np.int64)
        uprating = self.uprating if uprating is None else np.asarray(uprating, dtype=np.int64)
        amounts, uprating = np.broadcast_arrays(amounts, uprating)
        rows = [self._within(amounts, 0, uprating, bounded)]
        for y in range(1, len(self.years)):
            rows.append(self._within(uprate(rows[-1], uprating), y, uprating, bounded))
        return np.stack(rows, axis=-2)

    def _within(self, row: np.ndarray, y: int, uprating: np.ndarray, bounded: bool) -> np.ndarray:
        """One year's amounts, checked against :data:`LIMIT_KR` (see :meth:`totals`)."""
        over = row > LIMIT_KR
        if not over.any():
            return row
        if not bounded:
            return np.minimum(row, LIMIT_KR + 1)
        at = tuple(int(i) for i in np.argwhere(over)[0])
        raise AmountLimitError(
            f"scenariot {self.scenario.name}",
            self.posts[at[-1]],
            self.years[y],
            int(row[at]),
            int(uprating[at]),
            y == 0,
            at[:-1],
        )

    def allocate(self, totals: np.ndarray) -> np.ndarray:
        """Whole kronor per municipality: shape ``totals.shape + (codes,)``, codes ascending.

        Whole-number weights (printed cells, populations) are split with exact integer
        arithmetic, all variations at once; a post whose weights have decimals is split
        row by row with :func:`~kuanalysis.fees.allocation.allocate_largest_remainder`.
        """
        totals = np.asarray(totals, dtype=np.int64)
        out = np.zeros(totals.shape + (len(self.codes),), dtype=np.int64)
        whole = []
        for p in range(len(self.posts)):
            w = self.weights[p]
            t = totals[..., p]
            present = ~np.isnan(w)
            if not present.any() or np.nansum(w) <= 0:
                if (t != 0).any():
                    raise ValueError(
                        f"{self.posts[p]}: ingen kommun har någon andel i "
                        "nyckeln; beloppet kan inte fördelas"
                    )
            elif (w[present] == np.floor(w[present])).all():
                whole.append(p)
            else:
                weights = dict(zip(self.codes, w.tolist()))
                for idx in np.ndindex(t.shape):
                    parts = allocate_largest_remainder(int(t[idx]), weights)
                    out[idx + (p,)] = [parts[c] for c in self.codes]
        if whole:  # every post with whole-number weights in one exact call
            out[..., whole, :] = allocate_many(totals[..., whole], self.weights[whole])
        return out

    def invoiced_per_kommun(self, parts: np.ndarray) -> np.ndarray:
        """Invoiced kr per year and municipality: sum over the invoiced posts."""
        return (parts * self.invoiced[:, None]).sum(axis=-2)

    def balance(self, totals: np.ndarray) -> np.ndarray:
        """The balance account at each year's end: shape ``totals.shape[:-1]``."""
        taken = (np.asarray(totals, dtype=np.int64) * self.from_balance).sum(axis=-1)
        return self.opening + np.cumsum(self.deposits - self.withdrawals - taken, axis=-1)


def runs_out(closing: np.ndarray, years: list[int]):
    """The first year whose closing balance is below zero, per variation (None = not within
    the years)."""
    closing = np.asarray(closing)
    below = closing < 0
    first = np.where(below.any(axis=-1), below.argmax(axis=-1), -1)
    if first.ndim == 0:
        return None if first < 0 else years[int(first)]
    return [None if f < 0 else years[int(f)] for f in first.ravel()]


def allocate_scenario(scenario: Scenario, matrix: Table, population) -> pd.DataFrame:
    """Every municipality's fee for every post and year under one scenario.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FEE_COLUMNS` (the contract of ``kuanalysis fees``): one line per
        year, post and municipality, years ascending, posts and municipalities in the
        matrix's order; kommun_kod text, belopp_kr int (0 outside the post), fakturerad
        bool, år int.
    """
    model = FeeModel.of(scenario, matrix, population)
    return model_frame(model, model.allocate(model.totals()))


def model_frame(model: FeeModel, parts: np.ndarray) -> pd.DataFrame:
    """The :data:`FEE_COLUMNS` lines of one variation's ``parts`` (years x posts x codes)."""
    col = [model.codes.index(c) for c in model.order]
    parts = np.asarray(parts)[..., col]  # years x posts x matrix order
    ny, np_, nk = parts.shape
    frame = pd.DataFrame(
        {
            "scenario": model.scenario.name,
            "kommun_kod": np.tile(model.order, ny * np_),
            "kommun": np.tile([model.names[c] for c in model.order], ny * np_),
            "post": np.tile(np.repeat(model.posts, nk), ny),
            "belopp_kr": parts.reshape(-1).astype("int64"),
            "fakturerad": np.tile(np.repeat(model.invoiced, nk), ny),
            "år": np.repeat(np.asarray(model.years, dtype="int64"), np_ * nk),
        },
        columns=FEE_COLUMNS,
    )
    return frame.astype({"kommun_kod": str, "kommun": str, "post": str, "fakturerad": bool})
