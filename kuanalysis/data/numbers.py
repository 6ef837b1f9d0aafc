"""The number grammar of a printed Swedish figure, and the precision it was printed with.

Every cell is read as text and parsed here, never by pandas: pandas ignores no-break-space
thousands separators, never parses U+2212 and leaves a whole column as text when one cell is
odd.
"""

from __future__ import annotations

import re

from ..errors import DataError

_EXAMPLE = '(väntade t.ex. "1 234" eller "-1 234,5")'
_SEP = " \u00a0\u202f"  # space, no-break space, narrow no-break space
#: Minus signs accepted before a figure: hyphen-minus, U+2212 (typeset minus) and U+2013 (the
#: en dash Swedish documents and Word/Excel autocorrect use as a minus).
MINUS = "-\u2212\u2013"
#: A float holds 15 significant decimal digits exactly; a longer figure would lose some.
MAX_DIGITS = 15
_NUMBER = re.compile(
    rf"(?P<minus>[{MINUS}][{_SEP}]*)?"
    rf"(?P<int>[0-9]{{1,3}}(?:(?P<sep>[{_SEP}])[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*)?|[0-9]+)"
    rf"(?:,(?P<frac>[0-9]+))?"
    rf"(?:[{_SEP}]?(?P<suffix>mnkr|tkr|kr|%))?"
)


def shown_text(text: str, limit: int = 60) -> str:
    """Cell text as an error message shows it: control characters visible, at most ``limit``."""
    visible = text.translate({10: "\\n", 13: "\\r", 9: "\\t"})
    return visible if len(visible) <= limit else visible[: limit - 3] + "..."


def _where(file, row, column, letter: str | None = None) -> str:
    parts = [str(file)]
    if row is not None:
        parts.append(f"rad {row}")
    if letter is not None:
        parts.append(f"kolumn {letter}" + (f' "{column}"' if column is not None else ""))
    elif column is not None:
        parts.append(f'kolumn "{column}"')
    return parts[0] + (" " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _hint(text: str) -> str:
    """A short Swedish reason why ``text`` is not a number, or "" when no better guess."""
    if re.match(rf"\?[{_SEP}]*[0-9]", text):
        return (
            "; ett frågetecken före siffrorna är oftast ett minustecken som gick förlorat när "
            "filen sparades i en annan teckenkodning (spara som UTF-8)"
        )
    if re.search(r"[^\x00-\x7f]", text) and any(ch.isdigit() for ch in text if ch > "\x7f"):
        return "; bara siffrorna 0–9 räknas som siffror"
    if any(ch in text for ch in "\n\r\t"):
        return "; cellen innehåller en radbrytning eller tabb"
    if "." in text:
        return "; punkt används inte (decimaltecken är komma, tusental skiljs med mellanslag)"
    if text.count(",") > 1:
        return "; mer än ett decimalkomma"
    if re.search(r"[$€£]|SEK|EUR|USD", text):
        return "; okänd valuta eller enhet (tillåtna tillägg: kr, tkr, mnkr, %)"
    m = re.fullmatch(rf"[{MINUS}]?[{_SEP}]*([0-9][0-9{_SEP}]*)(,[0-9]+)?", text)
    if m:
        seps = re.findall(f"[{_SEP}]+", m[1])
        if any(len(s) > 1 for s in seps):
            return "; mer än ett mellanslag mellan siffrorna"
        if len(set(seps)) > 1:
            return "; olika tusentalsavgränsare i samma tal"
        return "; tusentalsgrupperna ska ha tre siffror"
    return ""


def parse_number(
    text: str,
    *,
    file: str,
    row: int | None,
    column: str | None,
    unit: str | None = None,
    letter: str | None = None,
) -> float:
    """Parse one printed Swedish figure strictly.

    Parameters
    ----------
    text : str
        The cell text, e.g. ``"60 896"``, ``"-1 234,5"``, ``"- 34 867"``, ``"−395"``,
        ``"–2 106"`` (en dash), ``"9 000 000 kr"``, ``"34 %"``. Digits are ASCII 0–9;
        thousands are separated by a space, no-break space or narrow no-break space in groups
        of exactly three digits; the decimal sign is a comma; at most 15 significant digits
        (what a float holds exactly). Spaces around the figure are ignored, nothing else.
    file, row, column
        Where the text was found (file name, line number, printed column label); used only
        in the error message.
    unit : str, optional
        The cell's unit (row unit or table unit). A suffix (kr, tkr, mnkr, %) must equal it.
        ``None`` accepts any suffix.
    letter : str, optional
        The spreadsheet column letter, shown before the column label (``kolumn C "..."``).

    Returns
    -------
    float
        The value. A suffix does not scale it: ``"9 000 000 kr"`` is 9000000.0.

    Raises
    ------
    DataError
        If the text is not such a figure or its suffix disagrees with ``unit``. The message
        names file, row, column and the text found (and the likely cause when it can tell).
    """
    where = _where(file, row, column, letter)
    stripped = text.strip(_SEP) if isinstance(text, str) else text
    if not isinstance(stripped, str) or stripped == "":
        raise DataError(f"{where}: tom cell är inget tal {_EXAMPLE}")
    m = _NUMBER.fullmatch(stripped)
    shown = shown_text(text)
    if m is None:
        raise DataError(f'{where}: "{shown}" är inget tal{_hint(stripped)} {_EXAMPLE}')
    suffix = m["suffix"]
    if suffix and unit is not None and suffix != unit:
        raise DataError(f'{where}: "{shown}" har enheten {suffix} men cellens enhet är {unit}')
    digits = re.sub(f"[{_SEP}]", "", m["int"])
    significant = (
        (digits + (m["frac"] or "")).lstrip("0").rstrip("0") if m["frac"] else (digits.lstrip("0"))
    )
    if len(significant) > MAX_DIGITS:
        raise DataError(
            f'{where}: "{shown}" har fler än {MAX_DIGITS} siffror; så många kan '
            f"inte räknas exakt (kontrollera att cellen är ett belopp)"
        )
    value = float(digits + ("." + m["frac"] if m["frac"] else ""))
    return -value if m["minus"] else value


def half_unit(text: str) -> float:
    """Half a unit in the last printed place of a figure: the most its rounding can hide.

    Parameters
    ----------
    text : str
        The printed cell text (``"60 896"``, ``"28,9"``, ``"1,8 mnkr"``, ``"34 %"``).

    Returns
    -------
    float
        0.5 for a whole number, 0.05 for one decimal, 0.005 for two, ...
    """
    number = re.sub(r"[^0-9,.]", "", str(text))
    for sep in (",", "."):  # "." only appears in test tables built from floats
        if sep in number:
            return 0.5 * 10.0 ** -len(number.rsplit(sep, 1)[1])
    return 0.5


# -- the same grammar for a number typed by hand (an option, a parameter, a scenario field) --

#: Signs accepted before a typed number: the minus signs of :data:`MINUS`, and plus.
SIGNS = MINUS + "+"  # "-" first: a literal in a character class
_TYPED = re.compile(rf"([{SIGNS}]?)([0-9]+(?:_[0-9]+)*)(?:[,.]([0-9]+))?")


class NumberTextError(ValueError):
    """A typed number outside the grammar. ``reason`` says why in Swedish, to follow the
    caller's message; "" when the text is simply no number (the caller's message says it)."""

    def __init__(self, reason: str = ""):
        self.reason = reason
        super().__init__(reason or "inget tal")


class TooManyDigits(NumberTextError):
    """A number in the grammar but with more than :data:`MAX_DIGITS` significant digits."""


def typed_number(
    text: str, decimals: int = 0, *, sign: bool = True, underscores: bool = False
) -> int:
    """Parse a number typed by hand, in the grammar of the tables: the value times
    ``10**decimals``, exactly.

    Parameters
    ----------
    text : str
        ASCII digits 0–9 only (``"٣"``, ``"３"`` are refused), optionally a sign (``+``, ``-``,
        U+2212, U+2013) first and, when ``decimals`` > 0, a decimal comma or point with at most
        ``decimals`` digits after it; at most 15 significant digits (what a float holds).
        Spaces around it are ignored; nothing else (no exponent, no ``0x``, no ``inf``, no
        line break).
    decimals : int
        Decimals allowed; 0 = an integer.
    sign : bool
        Whether a sign is allowed.
    underscores : bool
        Whether single ``_`` may group the digits (``9_000_000``, as YAML and Python write).

    Returns
    -------
    int
        ``typed_number("2,5", 2)`` is 250; ``typed_number("-7")`` is -7.

    Raises
    ------
    NumberTextError
        With a short Swedish ``reason`` ("" when the text is no number at all);
        :class:`TooManyDigits` for more than 15 significant digits.
    """
    stripped = text.strip(" ") if isinstance(text, str) else ""
    m = _TYPED.fullmatch(stripped)
    if m is None or (m[1] and not sign) or ("_" in m[2] and not underscores):
        if any(ch.isdigit() and ch > "\x7f" for ch in stripped):
            raise NumberTextError("bara siffrorna 0–9 räknas som siffror")
        raise NumberTextError()
    whole, frac = m[2].replace("_", ""), m[3] or ""
    if m[3] is not None and decimals == 0:
        raise NumberTextError("ett heltal har inga decimaler")
    if len(frac) > decimals:
        raise NumberTextError(f"{len(frac)} decimaler, högst {decimals}")
    if len((whole + frac).strip("0") if frac else whole.lstrip("0")) > MAX_DIGITS:
        raise TooManyDigits(f"fler än {MAX_DIGITS} siffror")
    value = int(whole) * 10**decimals + int(frac.ljust(decimals, "0") or "0")
    return -value if m[1] and m[1] != "+" else value


def typed_decimal(text: str, *, sign: bool = True, underscores: bool = False) -> float:
    """:func:`typed_number` with any number of decimals (15 significant digits in all), as a
    float: ``"0,25"`` is 0.25."""
    m = _TYPED.fullmatch(text.strip(" ")) if isinstance(text, str) else None
    decimals = len(m[3]) if m is not None and m[3] else 0
    return typed_number(text, decimals, sign=sign, underscores=underscores) / 10**decimals
