"""The scenario file format (``scenarios/*.yaml``): reading one file into its changes, and
writing changes back as a file.

A file is Swedish throughout (``scenarios/README.md``): ``beskrivning``, ``utgår_från`` (the
printed proposal of a year, ``förslaget 2025``, or another scenario's file stem), and only
what it changes: ``år``, ``uppräkning``, ``nyckel``, ``balanskonto``, ``tomma_celler`` and
``poster`` (per post ``belopp`` or ``ändring``, ``nyckel``, ``faktureras``, ``deltagare``,
``från_balanskontot``, ``uppräkning``). Reading is in two steps, because the posts and
municipalities a file may name are those of the proposal its chain starts from:
:func:`read_head` (what the file starts from) and :func:`read_changes` (everything else,
checked against that proposal). Every error names file, line and field, in Swedish; all of
a file's errors are collected before :class:`~kuanalysis.errors.ScenarioError` is raised.
How the changes are applied: :mod:`kuanalysis.fees.scenarios`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .. import paths, yamlfile
from ..data.numbers import SIGNS, NumberTextError, TooManyDigits, typed_decimal, typed_number
from ..errors import ScenarioError
from .keys import PRINTED_KEY

#: Everyone takes part (``deltagare: alla``).
ALL = "alla"
#: The two readings of a blank cell whose column total implies an amount.
BLANK_READINGS = ("beräknat", "utanför")

TOP_FIELDS = (
    "beskrivning",
    "utgår_från",
    "år",
    "uppräkning",
    "nyckel",
    "balanskonto",
    "tomma_celler",
    "poster",
)
POST_FIELDS = (
    "belopp",
    "ändring",
    "nyckel",
    "faktureras",
    "deltagare",
    "från_balanskontot",
    "uppräkning",
)
BALANCE_FIELDS = ("ingående", "uttag", "insättningar")
#: The English keys of the first format, and the Swedish key that replaced each.
OLD_KEYS = {
    "total": "belopp",
    "key": "nyckel",
    "invoiced": "faktureras",
    "participants": "deltagare",
    "from_balance": "från_balanskontot",
    "description": "beskrivning",
    "posts": "poster",
}
#: Largest amount a file may give (kr): far above any post, far below int64 trouble.
MAX_KR = 10_000_000_000
#: Longest horizon, in years.
MAX_YEARS = 30
#: Percentages in hundredths of a per cent (basis points): -100 % < p <= 1000 %.
MIN_BP, MAX_BP = -9_999, 100_000

# [0-9], never \d: \d and int() also take Arabic-Indic and full-width digits
_BASE_PROPOSAL = re.compile(r"^förslaget ([0-9]{4})$")
_POPULATION = re.compile(r"^befolkning ([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PERCENT = re.compile(r"^(.*?)\s*%$")
_YEARS = re.compile(r"^([0-9]{4})\s*[-\u2013]\s*([0-9]{4})$")
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_constructor = SafeConstructor()


def _value(node):
    """A node's Python value (the reader, :mod:`kuanalysis.yamlfile`, has refused a number
    too long for Python to convert)."""
    return _constructor.construct_object(node, deep=True)


def _is_number(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in (
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
    )


def _is_int(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int"


def _int_of(node) -> int | None:
    """A plain decimal integer's value (ASCII digits, ``_`` between groups allowed), or None.

    YAML 1.1 also reads ``0x10``, ``0b101``, ``0777`` (octal) and ``1:30:00`` (base 60) as
    integers: none of them is taken for a number here.

    Raises
    ------
    TooManyDigits
        For more than 15 significant digits.
    """
    if not _is_int(node) or re.match(r"[-+]?0[0-9_]", node.value):
        return None
    try:
        return typed_number(node.value, underscores=True)
    except TooManyDigits:
        raise
    except NumberTextError:
        return None


def _is_bool(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"


def _shown(node) -> str:
    """A node's text for a message: a scalar's first 40 characters, never a whole tree."""
    if isinstance(node, yaml.ScalarNode):
        return repr(str(node.value)[:40])
    return "en lista" if isinstance(node, yaml.SequenceNode) else "en tabell"


def _label(node) -> str:
    """A key as a field path shows it (``poster.Barnahus``): at most 40 characters of a
    scalar, ``?`` for a list or table used as a key."""
    if not isinstance(node, yaml.ScalarNode):
        return "?"
    text = str(node.value)
    return text if len(text) <= 40 else text[:39] + "…"


def population_key(date_key: str) -> str:
    """``befolkning_2024_12_31`` -> ``befolkning 2024-12-31`` (how a file writes it)."""
    y, m, d = date_key.split("_")[1:]
    return f"befolkning {y}-{m}-{d}"


def format_percent(bp: int) -> str:
    """Basis points as a file writes them: 250 -> ``"+2,5 %"``, -100 -> ``"-1 %"``."""
    sign = "-" if bp < 0 else "+"
    whole, frac = divmod(abs(bp), 100)
    return f"{sign}{whole}" + (f",{frac:02d}".rstrip("0") if frac else "") + " %"


# -- what a file says ----------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """What a scenario starts from: the printed proposal of ``year``, or the file ``stem``."""

    year: int | None = None
    stem: str | None = None
    line: int = 1

    @property
    def text(self) -> str:
        return f"förslaget {self.year}" if self.year is not None else str(self.stem)


@dataclass(frozen=True)
class PostChange:
    """What a file changes in one post; None = unchanged (``participants``: ALL or codes)."""

    amount: int | None = None
    change_bp: int | None = None
    key: str | dict | None = None
    invoiced: bool | None = None
    participants: str | tuple[str, ...] | None = None
    from_balance: bool | None = None
    uprating_bp: int | None = None
    line: int = 1


@dataclass(frozen=True)
class Head:
    """The part of a file read before its proposal is known (:func:`read_head`)."""

    name: str
    path: Path
    shown: str
    description: str
    base: Base
    top: dict = field(repr=False)  # field name -> (key node, value node)
    errors: tuple[str, ...] = ()  # faults found so far, reported with the rest


@dataclass(frozen=True)
class Changes:
    """Everything a file changes, checked against the proposal its chain starts from.

    ``years``: (first, last) or None; ``balance``: ``opening`` (kr), ``withdrawals`` and
    ``deposits`` ({year: kr}), each only if the file gives it; ``blanks``: {(kommun label,
    post): reading}; ``posts``: {printed post label: PostChange}; ``lines``: field -> line.
    """

    years: tuple[int, int] | None = None
    uprating_bp: int | None = None
    key: str | dict | None = None
    balance: dict = field(default_factory=dict)
    blanks: dict = field(default_factory=dict)
    posts: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)


# -- reading -------------------------------------------------------------------------------


class _Errors:
    def __init__(self, shown: str):
        self.shown = shown
        self.messages: list[str] = []

    def __call__(self, node, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.messages.append(f"{self.shown}:{line}: {where}: {message}")

    def raise_any(self) -> None:
        if self.messages:
            raise ScenarioError(self.messages)


def _old_key(k, err: _Errors, path: str) -> None:
    name = str(k.value)
    err(
        k,
        path,
        f"fältet heter {OLD_KEYS[name]} på svenska (det engelska {name} används inte längre)",
    )


def _mapping(
    root, err: _Errors, where: str, allowed: tuple[str, ...], old_told: bool = False
) -> dict:
    """A mapping node's fields by name; unknown, duplicate and old English keys are errors
    (an old key is left out without a word when ``old_told``: :func:`read_head` said it)."""
    out: dict = {}
    for k, v in root.value:
        name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
        label = _label(k)
        path = f"{where}.{label}" if where else label
        if name in out:
            err(k, path, "står två gånger")
        elif name in OLD_KEYS and OLD_KEYS[name] in allowed:
            if not old_told:
                _old_key(k, err, path)
        elif name not in allowed:
            err(k, path, f"okänt fält (väntade {', '.join(allowed)})")
        else:
            out[name] = (k, v)
    return out


def read_head(path: str | os.PathLike) -> Head:
    """Read a file's description and what it starts from (``utgår_från``).

    Faults of the top level that do not hide the base (an unknown field, a missing
    description) are kept in ``Head.errors`` and reported with the rest of the file's.

    Raises
    ------
    ScenarioError
        The file cannot be read as YAML (``yamlfile`` limits: size, aliases, tags, depth),
        is not a mapping, or does not say what it starts from.
    """
    path = Path(path)
    shown = paths.relative(path)
    root = yamlfile.compose(path, ScenarioError)
    err = _Errors(shown)
    if not isinstance(root, yaml.MappingNode):
        raise ScenarioError([f"{shown}:1: fil: väntade fälten beskrivning, utgår_från och poster"])
    top = _mapping(root, err, "", TOP_FIELDS)
    description = ""
    if "beskrivning" not in top:
        err(root, "beskrivning", "saknas")
    else:
        node = top["beskrivning"][1]
        if not isinstance(node, yaml.ScalarNode) or not str(_value(node) or "").strip():
            err(node, "beskrivning", "måste vara en mening text")
        else:
            description = str(_value(node)).strip()
    base = None
    if "utgår_från" not in top:
        err(
            root,
            "utgår_från",
            "saknas (skriv t.ex. utgår_från: förslaget 2025, eller namnet på ett annat scenario)",
        )
    else:
        base = _base(top["utgår_från"][1], err, path.parent)
    _old_post_keys(top, err)
    if base is None:  # every way to get here has reported why: the messages are not empty
        raise ScenarioError(err.messages)
    return Head(path.stem, path, shown, description, base, top, tuple(err.messages))


def _base(node, err: _Errors, folder: Path) -> Base | None:
    """What ``utgår_från`` names: a printed proposal (``förslaget 2025``) or another
    scenario in ``folder``; None after saying why it names neither."""
    base = None
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    m = _BASE_PROPOSAL.match(text)
    line = node.start_mark.line + 1
    if m:
        base = Base(year=int(m[1]), line=line)
    elif text.endswith((".yaml", ".yml")) and _STEM.match(text):
        err(node, "utgår_från", f"skriv scenariots namn utan .yaml: {Path(text).stem}")
    elif _STEM.match(text) and not text.isdigit():
        # the base is read from <folder>/<name>.yaml: a name too long for the file system
        # is refused here, before anything looks for the file
        fault = paths.name_fault(text, ".yaml", folder)
        if fault is None:
            base = Base(stem=text, line=line)
        else:
            err(node, "utgår_från", fault)
    else:
        err(
            node,
            "utgår_från",
            f"väntade 'förslaget ÅÅÅÅ' (förslaget som det är tryckt) "
            f"eller namnet på ett annat scenario, fick {_shown(node)}",
        )
    return base


def _old_post_keys(top: dict, err: _Errors) -> None:
    """The old English keys inside ``poster``, named with their Swedish keys: said at once,
    also when the file's head has faults (an old file lacks ``utgår_från`` too)."""
    node = top.get("poster", (None, None))[1]
    if not isinstance(node, yaml.MappingNode):
        return
    for name_node, body in node.value:
        if not isinstance(body, yaml.MappingNode):
            continue
        for k, _ in body.value:
            name = str(k.value) if isinstance(k, yaml.ScalarNode) else ""
            if name in OLD_KEYS and OLD_KEYS[name] in POST_FIELDS:
                _old_key(k, err, f"poster.{_label(name_node)}.{name}")


def read_changes(
    head: Head,
    posts: list[str],
    post_keys: dict[str, str],
    kommuner: dict[str, str],
    dates: set[str],
    blanks: dict,
    year: int | None = None,
    base_years: tuple[int, ...] = (),
) -> Changes:
    """Read what a file changes, checked against the proposal its chain starts from.

    Each top-level field is read by its reader in :data:`_TOP_READERS`, in that table's
    order (which is the order of the errors), each post's fields by those in
    :data:`_POST_READERS`.

    Parameters
    ----------
    head : Head
        From :func:`read_head`.
    posts : list of str
        The proposal's printed post labels; ``post_keys`` maps a post's sidecar key to it.
    kommuner : dict
        Printed kommun label -> code.
    dates : set of str
        The population keys available (``befolkning_2024_12_31``).
    blanks : dict
        (kommun label, post) -> implied kr: the blank cells a reading may be stated for.
    year : int, optional
        The proposal's year: the first year of ``år``.
    base_years : tuple of int
        The years of what the file starts from (its own ``år`` replaces them): balance
        movements must fall within the years.

    Raises
    ------
    ScenarioError
        Every fault of the file, with file, line and field.
    """
    r = _Reader(head, posts, post_keys, kommuner, dates, blanks, year, base_years)
    for name, reader in _TOP_READERS.items():
        if name in head.top:
            reader(r, head.top[name][1])
    r.err.raise_any()
    return Changes(lines=r.lines, **r.out)


def _year_of(node) -> int | None:
    try:
        return _int_of(node)
    except TooManyDigits:
        return None


class _Reader:
    """One file's reading: the proposal it is checked against, the errors so far, and what
    has been read (``out``: :class:`Changes` fields by name; ``lines``: field -> line).

    The methods read one value of a kind (a kommun, kronor, a percentage, a key, a flag, an
    amount per year) and return None after reporting why when it is not one.
    """

    def __init__(
        self,
        head: Head,
        posts: list[str],
        post_keys: dict[str, str],
        kommuner: dict[str, str],
        dates: set[str],
        blanks: dict,
        year: int | None,
        base_years: tuple[int, ...],
    ) -> None:
        self.err = _Errors(head.shown)
        self.err.messages = list(head.errors)
        codes = set(kommuner.values())
        self.by_ref = {**{c: c for c in codes}, **kommuner}
        self.posts = posts
        self.post_by_ref = {**{p: p for p in posts}, **post_keys}
        self.dates = dates
        self.blanks = blanks
        self.year = year
        self.base_years = base_years
        self.out: dict = {}
        self.lines: dict = {}

    def kommun(self, node, where: str) -> str | None:
        # A plain 0604 is the int 388 in YAML 1.1 but a plain 0686 is the text "0686":
        # require quotes on every code so the file reads the same whichever digits it has.
        if (
            isinstance(node, yaml.ScalarNode)
            and node.style is None
            and re.fullmatch(r"[0-9_]+", node.value)
        ):
            read = _value(node)
            how = f"läses som talet {read}" if isinstance(read, int) else "ska stå inom citattecken"
            self.err(
                node,
                where,
                f"kommunkoden {_label(node)} är skriven utan citattecken och {how}; "
                f'skriv "{_label(node).zfill(4)}" (fyra siffror inom citattecken)',
            )
            return None
        if not isinstance(node, yaml.ScalarNode) or _value(node) not in self.by_ref:
            self.err(node, where, f"okänd kommun {_shown(node)}")
            return None
        return self.by_ref[_value(node)]

    def kronor(self, node, where: str, negative: bool = False) -> int | None:
        try:
            value = _int_of(node)
        except TooManyDigits:
            value = MAX_KR + 1
        if value is None:
            self.err(
                node,
                where,
                f"måste vara hela kronor (ett heltal, t.ex. 9_000_000), fick {_shown(node)}",
            )
            return None
        if value < 0 and not negative:
            self.err(node, where, f"får inte vara negativ, fick {_label(node)}")
            return None
        if abs(value) > MAX_KR:
            self.err(node, where, f"är orimligt stort (högst {MAX_KR:_} kr), fick {_label(node)}")
            return None
        return value

    def percent(self, node, where: str) -> int | None:
        text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        m = (
            _PERCENT.match(text)
            if isinstance(node, yaml.ScalarNode) and not _is_number(node)
            else None
        )
        if not m:
            self.err(
                node,
                where,
                f'skriv procent med procenttecken inom citattecken, t.ex. "+3 %" '
                f'eller "2,5 %", fick {_shown(node)}',
            )
            return None
        try:
            bp = typed_number(re.sub(rf"^([{SIGNS}])\s+", r"\1", m[1]), 2)
        except NumberTextError as e:
            reason = f" ({e.reason})" if e.reason else ""
            self.err(
                node,
                where,
                f"skriv procent som ett tal med högst två decimaler och procenttecken, "
                f't.ex. "+3 %" eller "2,5 %", fick {_shown(node)}{reason}',
            )
            return None
        if not MIN_BP <= bp <= MAX_BP:
            self.err(node, where, f"måste ligga över −100 % och högst 1000 %, fick {_label(node)}")
            return None
        return bp

    def key(self, node, where: str):
        """A key: ``tryckt``, ``befolkning ÅÅÅÅ-MM-DD`` or a table kommun: weight."""
        if isinstance(node, yaml.MappingNode):
            return self.key_weights(node, where)
        text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if text == PRINTED_KEY:
            return PRINTED_KEY
        m = _POPULATION.match(text)
        if m and f"befolkning_{m[1]}_{m[2]}_{m[3]}" in self.dates:
            return f"befolkning_{m[1]}_{m[2]}_{m[3]}"
        choices = ", ".join([PRINTED_KEY, *sorted(population_key(d) for d in self.dates)])
        hint = ""
        if text.startswith("implied"):
            hint = "; förslagets tryckta nyckel heter nu tryckt"
        elif re.match(r"^befolkning_[0-9]{4}_[0-9]{2}_[0-9]{2}$", text):
            hint = f"; skriv {population_key(text)}"
        self.err(
            node,
            where,
            f"okänd nyckel {_shown(node)}{hint}; väntade {choices} eller en tabell kommun: vikt",
        )
        return None

    def key_weights(self, node, where: str) -> dict | None:
        """A key given as a table kommun code: weight."""
        weights = {}
        for kn, vn in node.value:
            code = self.kommun(kn, where)
            value: float | None = None
            reason = ""
            try:
                if _is_int(vn):
                    value = _int_of(vn)
                elif _is_number(vn):
                    value = typed_decimal(vn.value, underscores=True)
            except NumberTextError as e:
                reason = f" ({e.reason})" if e.reason else ""
            if value is None or not math.isfinite(value) or value < 0:
                self.err(
                    vn,
                    f"{where}.{_label(kn)}",
                    f"vikten måste vara ett ändligt tal ≥ 0, fick {_shown(vn)}{reason}",
                )
                continue
            if code is not None:
                if code in weights:
                    self.err(kn, f"{where}.{_label(kn)}", "kommunen står två gånger")
                weights[code] = float(value)
        if not weights or sum(weights.values()) <= 0:
            self.err(node, where, "nyckeltabellen har ingen vikt över noll")
            return None
        return weights

    def flag(self, node, where: str) -> bool | None:
        if not _is_bool(node):
            self.err(node, where, f"måste vara true eller false, fick {_shown(node)}")
            return None
        return bool(_value(node))

    def year_map(self, node, where: str) -> dict | None:
        """An amount (kr) per year, e.g. ``{2025: 10_000_000}``."""
        if not isinstance(node, yaml.MappingNode):
            self.err(node, where, "väntade ett belopp per år, t.ex. {2025: 10_000_000}")
            return None
        out, ok = {}, True
        for kn, vn in node.value:
            y = _year_of(kn)
            if y is None or not 1900 <= y <= 2200:
                self.err(kn, where, f"väntade ett årtal, fick {_shown(kn)}")
                ok = False
                continue
            amount = self.kronor(vn, f"{where}.{y}")
            if amount is None:
                ok = False
            elif y in out:
                self.err(kn, f"{where}.{y}", "året står två gånger")
                ok = False
            else:
                out[y] = amount
        return out if ok else None


# -- the top-level fields: one reader each, storing what it reads in r.out and r.lines -----


def _read_years(r: _Reader, node) -> None:
    """``år``: one year, or the first and last, starting with the proposal's year."""
    r.lines["år"] = node.start_mark.line + 1
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    m = _YEARS.match(text)
    single = _year_of(node)
    if single is not None:
        r.out["years"] = (single, single)
    elif m and int(m[1]) <= int(m[2]) and int(m[2]) - int(m[1]) < MAX_YEARS:
        r.out["years"] = (int(m[1]), int(m[2]))
    else:
        r.err(
            node,
            "år",
            f'väntade första och sista året, t.ex. "2025–2028" (högst '
            f"{MAX_YEARS} år), fick {_shown(node)}",
        )
    if "years" in r.out and r.year is not None and r.out["years"][0] != r.year:
        r.err(node, "år", f"åren börjar med förslagets år {r.year}, inte {r.out['years'][0]}")


def _read_uprating(r: _Reader, node) -> None:
    """``uppräkning``: every post's uprating per year."""
    r.out["uprating_bp"] = r.percent(node, "uppräkning")
    r.lines["uppräkning"] = node.start_mark.line + 1


def _read_key(r: _Reader, node) -> None:
    """``nyckel``: one key for every post."""
    r.out["key"] = r.key(node, "nyckel")
    r.lines["nyckel"] = node.start_mark.line + 1


def _read_balance(r: _Reader, node) -> None:
    """``balanskonto``: ``ingående`` (kr), ``uttag`` and ``insättningar`` per year, within
    the scenario's years (its own ``år``, read before, or those it starts from)."""
    balance: dict = {}
    if not isinstance(node, yaml.MappingNode):
        r.err(node, "balanskonto", f"väntade fälten {', '.join(BALANCE_FIELDS)}")
    else:
        fields = _mapping(node, r.err, "balanskonto", BALANCE_FIELDS)
        if "ingående" in fields:
            balance["opening"] = r.kronor(
                fields["ingående"][1], "balanskonto.ingående", negative=True
            )
        span = r.out.get("years") or ((r.base_years[0], r.base_years[-1]) if r.base_years else None)
        for field_name, attr in (("uttag", "withdrawals"), ("insättningar", "deposits")):
            if field_name in fields:
                balance[attr] = _balance_moves(r, fields[field_name][1], field_name, span)
    r.out["balance"] = {k: v for k, v in balance.items() if v is not None}


def _balance_moves(r: _Reader, node, field_name: str, span) -> dict | None:
    """``uttag`` or ``insättningar``: an amount per year, each year within ``span``."""
    where = f"balanskonto.{field_name}"
    moves = r.year_map(node, where)
    outside = sorted(y for y in moves or {} if span and not span[0] <= y <= span[1])
    if outside and span:
        r.err(
            node,
            where,
            f"år {', '.join(map(str, outside))} ligger utanför scenariots år {span[0]}–{span[1]}",
        )
    return moves


def _read_blanks(r: _Reader, node) -> None:
    """``tomma_celler``: ``"Kommun / Post": beräknat`` or ``utanför`` per blank cell."""
    readings = {}
    if not isinstance(node, yaml.MappingNode):
        r.err(node, "tomma_celler", 'väntade "Kommun / Post": beräknat eller utanför')
    else:
        for kn, vn in node.value:
            read = _blank_reading(r, kn, vn)
            if read is not None:
                cell, text = read
                readings[cell] = text
                r.lines[("tomma_celler", cell)] = kn.start_mark.line + 1
    r.out["blanks"] = readings


def _blank_reading(r: _Reader, kn, vn) -> tuple[tuple, str] | None:
    """One entry of ``tomma_celler``: (the cell (kommun label, post), its reading)."""
    where = f"tomma_celler.{_label(kn)}"
    text = str(kn.value) if isinstance(kn, yaml.ScalarNode) else ""
    parts = [x.strip() for x in text.split("/", 1)]
    cell = (parts[0], r.post_by_ref.get(parts[1])) if len(parts) == 2 else None
    if cell is None or cell not in r.blanks:
        listed = "; ".join(f"{kommun} / {post}" for kommun, post in r.blanks) or "inga"
        r.err(
            kn,
            where,
            f"är ingen tom cell med beräknat värde i förslaget (sådana celler: {listed})",
        )
        return None
    text = str(vn.value).strip() if isinstance(vn, yaml.ScalarNode) else ""
    if text not in BLANK_READINGS:
        r.err(
            vn,
            where,
            f"väntade beräknat (kommunen betalar det belopp som "
            f"kolumnens summa ger) eller utanför (kommunen deltar inte), "
            f"fick {_shown(vn)}",
        )
        return None
    return cell, text


def _read_posts(r: _Reader, node) -> None:
    """``poster``: per printed post (or its sidecar key) what the file changes in it."""
    changes: dict[str, PostChange] = {}
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        pass  # an empty poster: no post changed
    elif not isinstance(node, yaml.MappingNode):
        r.err(node, "poster", "väntade en post per rad: 'Postnamn: {belopp: ..., ...}'")
    else:
        for name_node, body in node.value:
            where = f"poster.{_label(name_node)}"
            post = _post_name(r, name_node, where, changes)
            if post is None:
                continue
            if not isinstance(body, yaml.MappingNode):
                r.err(body, where, f"väntade ett eller flera av fälten {', '.join(POST_FIELDS)}")
                continue
            fields = _mapping(body, r.err, where, POST_FIELDS, old_told=True)
            got: dict = {"line": name_node.start_mark.line + 1}
            for name, reader in _POST_READERS.items():
                if name in fields:
                    reader(r, fields, where, got)
            changes[post] = PostChange(**got)
    r.out["posts"] = changes


def _post_name(r: _Reader, name_node, where: str, changes: dict) -> str | None:
    """The printed label of the post a ``poster`` entry names, once only."""
    name = str(name_node.value) if isinstance(name_node, yaml.ScalarNode) else None
    if name is None:
        r.err(name_node, where, f"postens namn ska vara text, fick {_shown(name_node)}")
        return None
    post = r.post_by_ref.get(name)
    if post is None:
        r.err(
            name_node,
            where,
            f"okänd post {_shown(name_node)}; väntade en av: {', '.join(r.posts)}",
        )
        return None
    if post in changes:
        r.err(name_node, where, f"posten {post!r} står två gånger")
        return None
    return post


#: The top-level fields besides ``beskrivning`` and ``utgår_från`` (:func:`read_head`):
#: field -> its reader, in the order they are read and their errors reported (``år`` before
#: ``balanskonto``, whose years it gives). A new field: its name in ``TOP_FIELDS``, a reader
#: above, an entry here, a field of :class:`Changes`, and a line in :func:`scenario_text`.
_TOP_READERS: dict[str, Callable[[_Reader, Any], None]] = {
    "år": _read_years,
    "uppräkning": _read_uprating,
    "nyckel": _read_key,
    "balanskonto": _read_balance,
    "tomma_celler": _read_blanks,
    "poster": _read_posts,
}


# -- a post's fields: one reader each, given the post's fields and storing in got ----------


def _post_amount(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``belopp``: the post's amount the first year (kr); not together with ``ändring``."""
    if "ändring" in fields:
        r.err(
            fields["ändring"][0],
            f"{where}.ändring",
            "ange antingen belopp eller ändring, inte båda",
        )
    got["amount"] = r.kronor(fields["belopp"][1], f"{where}.belopp")


def _post_change(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``ändring``: a change in per cent of the amount the file starts from."""
    got["change_bp"] = r.percent(fields["ändring"][1], f"{where}.ändring")


def _post_key(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``nyckel``: the post's key."""
    got["key"] = r.key(fields["nyckel"][1], f"{where}.nyckel")


def _post_invoiced(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``faktureras``: true or false."""
    got["invoiced"] = r.flag(fields["faktureras"][1], f"{where}.faktureras")


def _post_from_balance(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``från_balanskontot``: true or false; not true for a post ``faktureras: true``."""
    node = fields["från_balanskontot"][1]
    got["from_balance"] = r.flag(node, f"{where}.från_balanskontot")
    if got.get("invoiced") and got.get("from_balance"):
        r.err(
            node,
            f"{where}.från_balanskontot",
            "en fakturerad post kan inte samtidigt tas från balanskontot",
        )


def _post_participants(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``deltagare``: ``alla`` or a list of kommun codes, each once."""
    pn = fields["deltagare"][1]
    if isinstance(pn, yaml.ScalarNode) and pn.value == ALL:
        got["participants"] = ALL
    elif isinstance(pn, yaml.SequenceNode) and pn.value:
        found = [r.kommun(n, f"{where}.deltagare") for n in pn.value]
        if None not in found:
            if len(set(found)) != len(found):
                r.err(pn, f"{where}.deltagare", "en kommun står två gånger")
            got["participants"] = tuple(sorted(set(found)))
    else:
        r.err(
            pn,
            f"{where}.deltagare",
            'väntade alla eller en lista med kommunkoder, t.ex. ["0604", "0680"]',
        )


def _post_uprating(r: _Reader, fields: dict, where: str, got: dict) -> None:
    """``uppräkning``: the post's own uprating per year."""
    got["uprating_bp"] = r.percent(fields["uppräkning"][1], f"{where}.uppräkning")


#: A post's fields: field -> its reader, in the order they are read and their errors
#: reported (``faktureras`` before ``från_balanskontot``, which is checked against it). A new
#: field: its name in ``POST_FIELDS``, a reader above, an entry here, a field of
#: :class:`PostChange`, and a line in :func:`scenario_text`.
_POST_READERS: dict[str, Callable[[_Reader, dict, str, dict], None]] = {
    "belopp": _post_amount,
    "ändring": _post_change,
    "nyckel": _post_key,
    "faktureras": _post_invoiced,
    "från_balanskontot": _post_from_balance,
    "deltagare": _post_participants,
    "uppräkning": _post_uprating,
}


# -- writing -------------------------------------------------------------------------------


def scenario_text(description: str, base: str, changes: Changes) -> str:
    """A scenario file that says ``changes`` relative to ``base`` (``förslaget 2025`` or a
    file stem), in the format :func:`read_changes` reads. Kommun codes are quoted."""
    data: dict = {"beskrivning": description, "utgår_från": base}
    if changes.years is not None:
        first, last = changes.years
        data["år"] = f"{first}–{last}" if last != first else first
    if changes.uprating_bp is not None:
        data["uppräkning"] = format_percent(changes.uprating_bp)
    if changes.key is not None:
        data["nyckel"] = _key_text(changes.key)
    if changes.balance:
        b = changes.balance
        data["balanskonto"] = {
            **({"ingående": b["opening"]} if "opening" in b else {}),
            **({"uttag": dict(b["withdrawals"])} if "withdrawals" in b else {}),
            **({"insättningar": dict(b["deposits"])} if "deposits" in b else {}),
        }
    if changes.blanks:
        data["tomma_celler"] = {f"{r} / {p}": v for (r, p), v in changes.blanks.items()}
    posts = {}
    for post, c in changes.posts.items():
        entry: dict = {}
        if c.amount is not None:
            entry["belopp"] = c.amount
        if c.change_bp is not None:
            entry["ändring"] = format_percent(c.change_bp)
        if c.key is not None:
            entry["nyckel"] = _key_text(c.key)
        if c.invoiced is not None:
            entry["faktureras"] = c.invoiced
        if c.participants is not None:
            entry["deltagare"] = c.participants if c.participants == ALL else list(c.participants)
        if c.from_balance is not None:
            entry["från_balanskontot"] = c.from_balance
        if c.uprating_bp is not None:
            entry["uppräkning"] = format_percent(c.uprating_bp)
        if entry:
            posts[post] = entry
    data["poster"] = posts
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def _key_text(key):
    if isinstance(key, dict):
        return {code: (int(w) if float(w).is_integer() else float(w)) for code, w in key.items()}
    return key if key == PRINTED_KEY else population_key(key)
