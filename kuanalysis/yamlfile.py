"""Reading the project's YAML files (sidecars, mappings, scenarios) safely.

One reader for every YAML file a user can edit: at most :data:`MAX_BYTES`, UTF-8, plain YAML
only: no aliases or anchors (``*x``/``&x``; they can expand without bound, the "billion
laughs"), no explicit tags (``!!float``, ``!python/...``), at most :data:`MAX_DEPTH` levels,
no number longer than :data:`MAX_NUMBER_CHARS` characters (Python will not even convert one
of 4300 digits).
Every fault is an :class:`~kuanalysis.errors.InputError` (of the caller's kind) naming the
file and line; a message never quotes a node (that would expand it).
"""

from __future__ import annotations

import copy
import errno
import os
import stat
from pathlib import Path

import yaml

from . import paths
from .errors import InputError

#: libyaml's parser where PyYAML was built with it (it is, in PyPI's wheels): the same
#: events and nodes, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Largest YAML file read (a scenario or sidecar is a few kB).
MAX_BYTES = 1_000_000
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 20
#: Longest plain scalar that YAML reads as a number (an amount has at most 11 digits).
MAX_NUMBER_CHARS = 1000


#: Why a file could not be read, in Swedish (the system's own text is English); looked up
#: by ``OSError.errno``, which is None for an error without a number.
_REASONS: dict[int | None, str] = {
    errno.ENOENT: "filen finns inte",
    errno.EACCES: "filen går inte att läsa (behörighet saknas)",
    errno.EISDIR: "är en mapp, men här behövs en fil",
}


def _text(path: Path, error: type[InputError]) -> str:
    shown = paths.relative(path)
    too_big = f"{shown}: filen är {{}} kB; en YAML-fil här får vara högst {MAX_BYTES // 1000} kB"
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; the descriptor's own
        # stat then tells what was opened (a link is followed), with no race after a check
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise OSError(errno.EISDIR, "")
            if not stat.S_ISREG(info.st_mode):
                raise error(
                    f"{shown}: är ingen vanlig fil (en enhet, en namngiven pipe eller "
                    f"liknande); ange en YAML-fil"
                )
            if info.st_size > MAX_BYTES:
                raise error(too_big.format(info.st_size // 1000))
            data = f.read(MAX_BYTES + 1)  # never more, whatever the size said
    except OSError as e:
        raise error(f"{shown}: {_REASONS.get(e.errno, 'filen går inte att läsa')}") from None
    if len(data) > MAX_BYTES:  # it grew after the stat
        raise error(too_big.format(f"mer än {MAX_BYTES // 1000}"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(
            f"{shown}:{line}: filen är inte UTF-8 (byte 0x{data[e.start]:02X}); spara den som UTF-8"
        ) from None


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Keys:
    """The keys leading to the current event (``poster.Barnahus.belopp``), for a message."""

    def __init__(self) -> None:
        # one entry per open mapping or list: [is_mapping, next scalar is a key, the key]
        self.open: list[list] = []

    def field(self) -> str:
        return ".".join(str(k) for is_map, _, k in self.open if is_map and k is not None)

    def is_key(self) -> bool:
        return bool(self.open) and self.open[-1][0] and self.open[-1][1]

    def value_done(self) -> None:
        """A value (scalar or whole collection) ended: a mapping's next scalar is a key."""
        if self.open and self.open[-1][0]:
            self.open[-1][1] = True

    def event(self, event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            if self.is_key():
                self.open[-1][1:] = [False, str(event.value)[:40]]
            else:
                self.value_done()
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if self.is_key():  # a collection as a key: no name to give
                self.open[-1][1:] = [False, None]
            self.open.append([isinstance(event, yaml.MappingStartEvent), True, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.open.pop()
            self.value_done()


def _long_number(event) -> bool:
    """A plain scalar that YAML would read as an int or float, longer than the limit."""
    return (
        isinstance(event, yaml.ScalarEvent)
        and len(event.value) > MAX_NUMBER_CHARS
        and bool(event.implicit[0])
        and yaml.resolver.Resolver().resolve(yaml.ScalarNode, event.value, (True, False))
        in _NUMBER_TAGS
    )


def _check_events(text: str, shown: str, error: type[InputError]) -> None:
    depth = 0
    keys = _Keys()
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1
            if _long_number(event):
                where = f"{keys.field()}: " if not keys.is_key() and keys.field() else ""
                raise error(
                    f"{shown}:{line}: {where}talet har {len(event.value)} tecken; ett tal i "
                    f"den här filen har högst {MAX_NUMBER_CHARS}"
                )
            keys.event(event)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise error(
                    f"{shown}:{line}: alias och ankare (*namn, &namn) används inte i "
                    f"den här filen; skriv ut värdet"
                )
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = tag is not None and (implicit is False or implicit == (False, False))
            if explicit:
                name = str(tag).replace("tag:yaml.org,2002:", "!!")[:40]
                raise error(
                    f"{shown}:{line}: taggen {name} används inte i den här "
                    f"filen; skriv värdet utan tagg"
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise error(f"{shown}:{line}: för djup nästling (högst {MAX_DEPTH} nivåer)")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(e, "problem", "") or "okänt fel")[:80]
        raise error(f"{shown}:{line}: går inte att läsa som YAML ({problem})") from None


def compose(path: str | os.PathLike, error: type[InputError] = InputError):
    """The YAML file's node tree (with line numbers), checked as the module docstring says."""
    path = Path(path)
    text = _text(path, error)
    _check_events(text, paths.relative(path), error)
    root = yaml.compose(text, Loader=_LOADER)
    _plain_style(root)
    return root


def _plain_style(node) -> None:
    """libyaml marks a plain scalar with style ``''``, the Python parser with None: use None."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.ScalarNode):
            if n.style == "":
                n.style = None
        elif isinstance(n, yaml.MappingNode):
            stack.extend(x for pair in n.value for x in pair)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


#: What :func:`load` read, by path: the text and its data. Sidecars are read by several
#: steps of one run (finding periods and proposals, loading tables).
_READ: dict[Path, tuple[str, object]] = {}


def load(path: str | os.PathLike, error: type[InputError] = InputError):
    """The YAML file's content as Python data, checked as the module docstring says.

    The file is read every time; a text read before (the same file, unchanged) is not
    checked and parsed again. The caller gets its own copy of the data."""
    path = Path(path)
    text = _text(path, error)
    seen = _READ.get(path.resolve())
    if seen is not None and seen[0] == text:
        return copy.deepcopy(seen[1])
    shown = paths.relative(path)
    _check_events(text, shown, error)
    try:
        data = yaml.load(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, OverflowError) as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise error(f"{shown}:{line}: ett värde går inte att läsa ({type(e).__name__})") from None
    _READ[path.resolve()] = (text, data)
    return copy.deepcopy(data)
