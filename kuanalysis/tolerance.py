"""How far apart two figures may be before rounding cannot explain it: one function for all.

Every printed figure is off its exact value by at most half a unit in its last printed place
(:func:`~kuanalysis.data.numbers.half_unit`: 0,5 for whole numbers, 0,05 for one decimal).
A figure that was allocated by largest remainder (the kronor of a fee matrix) is off its exact
quota by less than one unit. When a printed figure is compared with the sum of others, the
errors add up: the difference can be at most the sum of the half-units of every rounded
figure on both sides (:func:`tolerance`).

That bound can only be reached when one side is exact (a constant such as 100 %, or a blank
read as nothing): with rounding half up, an error of exactly minus half a unit never occurs.
So the bound counts as rounding when one side is exact, and as a break when both sides are
rounded. For whole numbers this means: n rounded terms against one rounded total may differ
by at most n/2 (rounded down); n terms against a constant by at most n/2.

A caller may give an explicit tolerance instead: the largest difference reported as rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Differences below this are exact agreement (float noise of sums of decimals).
EXACT = 1e-9

#: The largest error of one figure, in its units, for the precisions that do not come from the
#: printed text (a precision is named: a rule of :data:`~kuanalysis.checks.rules.RULES` names
#: its own, and code outside the checks names the one it means):
#: ``allocated``, whole units split by largest remainder (each within one unit of its quota);
#: ``allocated_twice``, an allocated figure rounded once more (a post scaled from an earlier
#: year's amounts moves each part up to half a unit further).
UNIT_ERRORS = {"allocated": 1.0, "allocated_twice": 1.5}


@dataclass(frozen=True)
class Tolerance:
    """The largest difference rounding can explain; ``inclusive``: whether ``bound`` itself can."""

    bound: float
    inclusive: bool

    def explains(self, difference: float) -> bool:
        d = abs(difference)
        return d <= self.bound + EXACT if self.inclusive else d < self.bound - EXACT


def tolerance(
    reported: Iterable[float], expected: Iterable[float], explicit: float | None = None
) -> Tolerance:
    """The tolerance of one comparison.

    Parameters
    ----------
    reported, expected : iterable of float
        Half-units of the rounded figures on each side (empty: that side is exact).
    explicit : float, optional
        A tolerance given by the caller instead; it counts as rounding up to and including it.

    Returns
    -------
    Tolerance
    """
    if explicit is not None:
        return Tolerance(float(explicit), True)
    reported, expected = list(reported), list(expected)
    return Tolerance(float(sum(reported) + sum(expected)), not reported or not expected)


def status_of(difference: float, tol: Tolerance) -> str | None:
    """``None`` for exact agreement, ``avrundning`` within ``tol``, else ``avvikelse``."""
    if abs(difference) <= EXACT:
        return None
    return "avrundning" if tol.explains(difference) else "avvikelse"


def halves(precision: str, cells, unit: str | None = None) -> list[float]:
    """The half-units of ``cells`` (printed, non-blank) at a precision given by name.

    ``printed`` takes each figure's last printed place; the others (``allocated``,
    ``allocated_twice``) the error of :data:`UNIT_ERRORS` per figure. ``unit`` converts
    (kr/tkr/mnkr).
    """
    if precision != "printed" and precision not in UNIT_ERRORS:
        raise ValueError(f"okänd precision {precision!r}")
    fixed = UNIT_ERRORS.get(precision)
    out = []
    for c in cells:
        if c.blank:
            continue
        if fixed is not None:
            out.append(fixed)
        else:
            out.append(c.half if unit is None else c.half_in(unit))
    return out
