"""What-if questions on one scenario: a sweep over a range of values, and the largest value
for which the balance account lasts through a given year.

The variable is one post's first-year amount (whole kronor) or the yearly uprating of every
post (:data:`UPRATING`, in hundredths of a per cent). A sweep computes every value at once
(:class:`~kuanalysis.fees.projection.FeeModel`); the search bisects on whole kronor (or
hundredths of a per cent) on the balance alone, then checks its answer by computing the
scenario with that value, and with the next one, the ordinary way
(:func:`~kuanalysis.fees.projection.allocate_scenario`,
:func:`~kuanalysis.fees.balance.project_balance`).

Both share the guard of :mod:`~kuanalysis.fees.projection`: a sweep with a value that takes a
post beyond :data:`~kuanalysis.fees.projection.LIMIT_KR` in some year is refused, naming the
value, the post and the year; the search lets such amounts stand at the limit while it asks
whether the balance lasts (an amount that large never lets it last), and its answer is
computed the ordinary way, guard included.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.numbers import NumberTextError, typed_number
from ..data.table import Table
from ..errors import ArgumentError
from .balance import project_balance
from .model import Scenario
from .projection import AmountLimitError, FeeModel, allocate_scenario, runs_out
from .scenariofile import MAX_BP, MAX_KR, MIN_BP

#: The variable name of the yearly uprating of every post.
UPRATING = "uppräkning"
#: Most values in one sweep.
MAX_VALUES = 1000

_RANGE = re.compile(r"^(.+?)\s*=\s*(\S+?)\s*\.\.\s*(\S+?)\s*/\s*(\S+)$")


@dataclass(frozen=True)
class Variable:
    """What is varied: a post's printed label, or :data:`UPRATING`."""

    name: str

    @property
    def is_uprating(self) -> bool:
        return self.name == UPRATING

    def text(self, value: int) -> str:
        """A value as a reader reads it: ``2 625 000 kr`` or ``2,5 %``."""
        if self.is_uprating:
            text = f"{value / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"
            return text.replace("-", "\u2212")
        return f"{value:,}".replace(",", " ").replace("-", "\u2212") + " kr"


def variable(name: str, scenario: Scenario, post_keys: dict[str, str] | None = None) -> Variable:
    """The variable ``name`` names: a post (printed label or sidecar key) or ``uppräkning``.

    Raises
    ------
    ArgumentError
        An unknown name (the message lists the posts).
    """
    name = name.strip()
    if name == UPRATING:
        return Variable(UPRATING)
    post = (post_keys or {}).get(name, name)
    if post not in scenario.posts:
        raise ArgumentError(
            f"okänd post {name!r}; välj {UPRATING} eller en av: {', '.join(scenario.posts)}"
        )
    return Variable(post)


def parse_sweep(
    text: str, scenario: Scenario, post_keys: dict[str, str] | None = None
) -> tuple[Variable, list[int]]:
    """``"POST=FRÅN..TILL/STEG"`` -> the variable and its values (kr, or hundredths of %).

    Amounts are whole kronor (``0..9000000/500000``, ``_`` allowed); the uprating is in per
    cent with at most two decimals (``uppräkning=0..5/0,5``). TILL is included when a step
    lands on it.

    Raises
    ------
    ArgumentError
        A malformed range, FRÅN > TILL, a step ≤ 0, or more than :data:`MAX_VALUES` values.
    """
    m = _RANGE.match(text.strip())
    if not m:
        raise ArgumentError(
            f"--svep ska se ut som POST=FRÅN..TILL/STEG, t.ex. "
            f'"Grundfinansiering Social välfärd=0..9000000/500000" eller '
            f'"{UPRATING}=0..5/0,5", fick {text!r}'
        )
    var = variable(m[1], scenario, post_keys)
    read = _percent if var.is_uprating else _kronor
    start, stop, step = (read(x, part) for x, part in zip(m.groups()[1:], ("FRÅN", "TILL", "STEG")))
    if step <= 0 or start > stop:
        raise ArgumentError(
            f"--svep: FRÅN får inte vara större än TILL och STEG måste vara "
            f"större än noll, fick {text!r}"
        )
    n = (stop - start) // step + 1
    if n > MAX_VALUES:
        raise ArgumentError(f"--svep: {n} värden är för många (högst {MAX_VALUES})")
    lo, hi = (MIN_BP, MAX_BP) if var.is_uprating else (0, MAX_KR)
    if start < lo or stop > hi:
        raise ArgumentError(f"--svep: värdena ska ligga mellan {var.text(lo)} och {var.text(hi)}")
    return var, list(range(start, stop + 1, step))


def _kronor(text: str, part: str) -> int:
    try:
        return typed_number(text, underscores=True)
    except NumberTextError as e:
        reason = f" ({e.reason})" if e.reason else ""
        raise ArgumentError(f"--svep: {part} ska vara hela kronor, fick {text!r}{reason}") from None


def _percent(text: str, part: str) -> int:
    try:
        return typed_number(text.rstrip("%").strip(), 2)
    except NumberTextError as e:
        reason = f" ({e.reason})" if e.reason else ""
        raise ArgumentError(
            f"--svep: {part} ska vara procent med högst två decimaler, fick {text!r}{reason}"
        ) from None


def with_value(scenario: Scenario, var: Variable, value: int) -> Scenario:
    """``scenario`` with the variable set to ``value`` (kr, or hundredths of % for every
    post's uprating)."""
    if var.is_uprating:
        posts = {p: dataclasses.replace(s, uprating_bp=None) for p, s in scenario.posts.items()}
        return dataclasses.replace(scenario, posts=posts, uprating_bp=int(value))
    posts = dict(scenario.posts)
    posts[var.name] = dataclasses.replace(posts[var.name], total=int(value))
    return dataclasses.replace(scenario, posts=posts)


def _inputs(model: FeeModel, var: Variable, values) -> tuple[np.ndarray, np.ndarray]:
    """Amounts and uprating (values x posts) for each value of the variable."""
    values = np.asarray(values, dtype=np.int64)
    amounts = np.tile(model.amounts, (len(values), 1))
    uprating = np.tile(model.uprating, (len(values), 1))
    if var.is_uprating:
        uprating[:] = values[:, None]
    else:
        amounts[:, model.posts.index(var.name)] = values
    return amounts, uprating


def sweep(
    scenario: Scenario,
    matrix: Table,
    population,
    var: Variable,
    values: list[int],
    year: int | None = None,
) -> pd.DataFrame:
    """Per value: what each municipality is invoiced in ``year``, and the balance account.

    Parameters
    ----------
    year : int, optional
        The year whose fees are shown (default: the first year; for the uprating the last,
        since the first year is not uprated).

    Returns
    -------
    pandas.DataFrame
        One row per value: ``värde`` (kr, or hundredths of a per cent for the uprating),
        ``år``, one column per kommun code (invoiced kr, the matrix's order), ``summa_kr``,
        ``balanskonto_kr`` (closing balance in the last year), ``sista_år``, ``tar_slut``
        (first year below zero, or None).

    Raises
    ------
    ArgumentError
        ``year`` not among the scenario's years.
    AmountLimitError
        A value that takes a post past the limit in some year (the message names the
        value, the post and the year).
    """
    model = FeeModel.of(scenario, matrix, population)
    if year is None:
        year = model.years[-1] if var.is_uprating else model.years[0]
    if year not in model.years:
        raise ArgumentError(
            f"året {year} ingår inte i scenariots år {model.years[0]}–{model.years[-1]}"
        )
    try:
        totals = model.totals(*_inputs(model, var, values))
    except AmountLimitError as exc:
        value = values[exc.variation[0]]
        raise exc.about(f"scenariot {scenario.name} med {var.name} {var.text(value)}") from None
    y = model.years.index(year)
    parts = model.allocate(totals[:, y])  # values x posts x codes
    invoiced = (parts * model.invoiced[:, None]).sum(axis=-2)  # values x codes
    closing = model.balance(totals)
    frame = pd.DataFrame(
        invoiced[:, [model.codes.index(c) for c in model.order]], columns=model.order
    )
    frame.insert(0, "värde", np.asarray(values, dtype=np.int64))
    frame.insert(1, "år", year)
    frame["summa_kr"] = invoiced.sum(axis=-1)
    frame["balanskonto_kr"] = closing[:, -1]
    frame["sista_år"] = model.years[-1]
    frame["tar_slut"] = pd.Series(runs_out(closing, model.years), dtype=object)
    return frame


@dataclass(frozen=True)
class Answer:
    """The largest value for which the balance account stays ≥ 0 through ``through``.

    ``value`` None: not even the smallest value does. ``independent``: the balance does not
    depend on the variable (the post is not taken from it). ``closing``: the balance at the
    end of ``through`` with ``value``; ``next_closing`` and ``next_year``: with one more
    krona (hundredth of a per cent), the first year below zero and its closing balance —
    both computed the ordinary way, allocation included.
    """

    variable: Variable
    through: int
    value: int | None
    independent: bool = False
    closing: int | None = None
    next_year: int | None = None
    next_closing: int | None = None


def largest_value(
    scenario: Scenario, matrix: Table, population, var: Variable, through: int
) -> Answer:
    """The largest value of ``var`` for which the balance is ≥ 0 at the end of every year up
    to and including ``through``: bisection, then a check the ordinary way.

    Raises
    ------
    ArgumentError
        ``through`` not among the scenario's years.
    AmountLimitError
        The answer (or one more) takes a post beyond the limit in some year.
    RuntimeError
        The check disagrees with the search (a fault in the code, never bad input).
    """
    model = FeeModel.of(scenario, matrix, population)
    if through not in model.years:
        raise ArgumentError(
            f"--till: året {through} ingår inte i scenariots år {model.years[0]}–{model.years[-1]}"
        )
    upto = model.years.index(through) + 1

    def lasts(values):
        closing = model.balance(model.totals(*_inputs(model, var, values), bounded=False))
        return (closing[:, :upto] >= 0).all(axis=-1)

    if var.is_uprating:
        lo, hi = MIN_BP, MAX_BP + 1
    else:
        lo, hi = 0, max(0, model.opening + int(model.deposits.sum())) + 1
    first, last = lasts([lo, hi])
    if last:
        return Answer(var, through, None, independent=True)
    if not first:
        return Answer(var, through, None)
    while hi - lo > 1:  # lasts(lo) and not lasts(hi)
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if lasts([mid])[0] else (lo, mid)
    return _checked(scenario, matrix, population, var, through, lo)


def _checked(scenario, matrix, population, var: Variable, through: int, value: int) -> Answer:
    """The answer computed again the ordinary way: ``value`` lasts, ``value + 1`` does not."""
    results = []
    for v in (value, value + 1):
        s = with_value(scenario, var, v)
        try:
            allocate_scenario(s, matrix, population)  # the fees must be computable too
            frame, _ = project_balance(s)
        except AmountLimitError as exc:
            raise exc.about(f"scenariot {scenario.name} med {var.name} {var.text(v)}") from None
        results.append(frame[frame["år"] <= through])
    ok, over = results
    below = over[over["utgående_kr"] < 0]
    if (ok["utgående_kr"] < 0).any() or below.empty:
        raise RuntimeError(f"sökningen gav {var.text(value)}, men kontrollen håller inte med")
    return Answer(
        var,
        through,
        value,
        closing=int(ok["utgående_kr"].iloc[-1]),
        next_year=int(below["år"].iloc[0]),
        next_closing=int(below["utgående_kr"].iloc[0]),
    )
