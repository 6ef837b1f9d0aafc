"""Swedish formatting of numbers, amounts, percentages and chart axes.

Swedish typography: thousands separated by a no-break space (U+00A0), decimal comma, minus
sign U+2212. Every figure a reader sees goes through this module.
"""

from __future__ import annotations

import math
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

NBSP = "\u00a0"
MINUS = "\u2212"
#: What is shown for a blank (missing) figure: never 0.
BLANK = "–"

_UNIT_SCALE = {"kr": 1, "tkr": 1_000, "mnkr": 1_000_000}


def _is_missing(x) -> bool:
    if x is None or (isinstance(x, Real) and math.isnan(x)):
        return True
    # pandas' NA, without importing pandas here (the renderer formats dates with this module)
    pd = sys.modules.get("pandas")
    return pd is not None and x is pd.NA


def number(x, decimals: int = 0, *, sign: bool = False, blank: str = BLANK) -> str:
    """Format a number the Swedish way: ``-1234567.891`` -> ``"−1 234 568"``.

    Parameters
    ----------
    x : float, int or None
        NaN/None give ``blank``.
    decimals : int
        Digits after the decimal comma (rounded half away from zero, as people round).
    sign : bool
        Show ``+`` on positive numbers (for differences).
    """
    if _is_missing(x):
        return blank
    x = float(x)
    if math.isinf(x):
        return ("" if x > 0 else MINUS) + "∞"
    q = 10**decimals
    # Round half away from zero on the shortest decimal form of the float (2.675 -> 2.68),
    # as a person rounding the printed figure would.
    rounded = int(Decimal(repr(abs(x))).scaleb(decimals).quantize(Decimal(1), ROUND_HALF_UP))
    neg = x < 0 and rounded != 0
    whole, frac = divmod(rounded, q)
    digits = f"{whole:,}".replace(",", NBSP)
    out = digits + ("," + str(frac).rjust(decimals, "0") if decimals else "")
    if neg:
        return MINUS + out
    if sign and rounded != 0:
        return "+" + out
    return out


def amount(
    x, unit: str = "kr", decimals: int | None = None, *, sign: bool = False, source_unit: str = "kr"
) -> str:
    """An amount with its unit: ``amount(20_500_000, "mnkr")`` -> ``"20,5 mnkr"``.

    ``x`` is in ``source_unit``; it is shown in ``unit`` (kr, tkr or mnkr). Default decimals:
    0 for kr and tkr, 1 for mnkr.
    """
    if _is_missing(x):
        return BLANK
    if decimals is None:
        decimals = 1 if unit == "mnkr" else 0
    value = float(x) * _UNIT_SCALE[source_unit] / _UNIT_SCALE[unit]
    return f"{number(value, decimals, sign=sign)}{NBSP}{unit}"


def kr(x, **kw) -> str:
    return amount(x, "kr", **kw)


def tkr(x, **kw) -> str:
    return amount(x, "tkr", source_unit=kw.pop("source_unit", "tkr"), **kw)


def mnkr(x, decimals: int = 1, **kw) -> str:
    return amount(x, "mnkr", decimals, source_unit=kw.pop("source_unit", "mnkr"), **kw)


def percent(x, decimals: int = 0, *, ratio: bool = False, sign: bool = False) -> str:
    """``percent(34)`` -> ``"34 %"``; with ``ratio=True`` the input is a share (0.34)."""
    if _is_missing(x):
        return BLANK
    value = float(x) * (100 if ratio else 1)
    return f"{number(value, decimals, sign=sign)}{NBSP}%"


def points(x, decimals: int = 2, *, sign: bool = False) -> str:
    """Percentage points: ``"0,04 procentenheter"``."""
    if _is_missing(x):
        return BLANK
    return f"{number(x, decimals, sign=sign)}{NBSP}procentenheter"


def axis_formatter(unit: str = "", decimals: int = 0, *, ratio: bool = False):
    """A matplotlib tick formatter in Swedish style, for every chart.

    ``ax.yaxis.set_major_formatter(axis_formatter("tkr"))``.
    """
    from matplotlib.ticker import FuncFormatter

    def fmt(value, _pos=None):
        if unit == "%":
            return percent(value, decimals, ratio=ratio)
        text = number(value, decimals)
        return f"{text}{NBSP}{unit}" if unit else text

    return FuncFormatter(fmt)


#: Swedish month names, January first.
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def long_date(iso: str) -> str:
    """``2024-08-31`` -> ``31 augusti 2024``; anything else as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m or not 1 <= int(m[2]) <= 12:
        return iso
    return f"{int(m[3])} {MONTHS[int(m[2]) - 1]} {m[1]}"
