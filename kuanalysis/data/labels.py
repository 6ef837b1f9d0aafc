"""Printed labels compared across periods: the same row or column, printed a year later.

A label matches another when they differ only in case, surrounding or repeated whitespace, a
year or date inside (``"Ingående balans 2024"`` = ``"Ingående balans 2025"``,
``"Kvarvarande medel 2024-08-31"`` = ``"Kvarvarande medel 2025-04-30"``) or our editorial
brackets (``"[Summa]"`` = ``"Summa"``). Nothing else is guessed: a typo fixed is another label.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Sequence

_DATE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}(?![0-9])")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_WORDS = re.compile(r"<år>|<datum>|\W")  # what is left of a key that is only years or dates


def printed(text) -> str:
    """A cell's text on one line: surrounding whitespace dropped, runs of it made one space."""
    return " ".join(str(text).split())


def label_key(text) -> str:
    """What two labels must share to be the same row or column (see the module docstring)."""
    s = printed(text).casefold()
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1].strip()
    return _YEAR.sub("<år>", _DATE.sub("<datum>", s))


def header_score(cells: list[str], labels: list[str]) -> int:
    """How many of ``labels`` occur among ``cells`` (by :func:`label_key`, blanks ignored)."""
    found = {label_key(c) for c in cells if printed(c)}
    return sum(
        1 for lab in labels if isinstance(lab, str) and printed(lab) and label_key(lab) in found
    )


def find_header(rows: list[list[str]], labels: Sequence[str | None]) -> int | None:
    """The index of the row that is the header of a table with these labels, or None.

    The header is the first row with the most labels of ``labels`` (label column heading and
    column headings), and it must hold at least half of them (two at the least).
    """
    wanted = [lab for lab in labels if isinstance(lab, str) and printed(lab)]
    need = min(len(wanted), max(2, (len(wanted) + 1) // 2))
    best, best_score = None, 0
    for i, cells in enumerate(rows):
        score = header_score(cells, wanted)
        if score > best_score:
            best, best_score = i, score
            if score == len(wanted):
                break  # no later row can hold more: the first such row is the header
    return best if best is not None and best_score >= need else None


def match_labels(found: list[str], known: list[str]) -> tuple[dict[int, int], dict[int, int]]:
    """Pair labels of a new file (``found``) with the labels of the table it is laid out like.

    Pairs are made by equal printed text first, then by :func:`label_key`, each label used
    once, in order; a label that is only a year or date ("2016") pairs only by equal text.
    Then, between two paired neighbours, blank found labels pair in order with as many
    unpaired bracketed known labels (``[Summa]``, ``[andel av utfall]``: the print has no
    label there; a heading printed blank matches by position), and one unpaired found label
    with one unpaired known label is taken as a renamed label. Last, one blank found label
    left pairs with the only bracketed known label left.

    Returns
    -------
    (dict, dict)
        ``same``: found index -> known index, the same label; ``renamed``: found index ->
        known index, one label standing where the other stood. Indexes in neither are new
        (found) or missing (known).
    """
    same: dict[int, int] = {}
    used: set[int] = set()
    for key in (printed, label_key):
        unused: dict[str, deque[int]] = {}  # key -> the known labels with it, in order
        for j, k in enumerate(known):
            if j not in used:
                unused.setdefault(key(k), deque()).append(j)
        for i, lab in enumerate(found):
            if i in same or not printed(lab):
                continue
            if key is label_key and not _WORDS.sub("", label_key(lab)):
                continue  # a heading that is only a year or date ("2016") must be equal
            candidates = unused.get(key(lab))
            if candidates:
                j = candidates.popleft()
                same[i] = j
                used.add(j)

    # Between the same two paired neighbours: blank labels take the bracketed known labels
    # in order (a heading printed blank is the column we bracketed), then one unpaired found
    # label with one unpaired known label is taken as a renamed label.
    renamed: dict[int, int] = {}
    for (above, below), new in _gaps(found, same, len(known)).items():
        old = [j for j in range(above + 1, below) if j not in used]
        blank = [i for i in new if not printed(found[i])]
        bracketed = [j for j in old if _bracketed(known[j])]
        if blank and len(blank) == len(bracketed):
            same.update(zip(blank, bracketed))
            used.update(bracketed)
            new = [i for i in new if i not in blank]
            old = [j for j in old if j not in bracketed]
        if len(new) == 1 and len(old) == 1 and printed(found[new[0]]):
            renamed[new[0]] = old[0]
    blanks = [i for i, lab in enumerate(found) if not printed(lab) and i not in same]
    bracketed = [j for j, k in enumerate(known) if j not in used and _bracketed(k)]
    if len(blanks) == 1 and len(bracketed) == 1 and bracketed[0] not in renamed.values():
        same[blanks[0]] = bracketed[0]
    return same, renamed


def _bracketed(label: str) -> bool:
    return printed(label).startswith("[") and printed(label).endswith("]")


def _gaps(found: list[str], same: dict[int, int], n_known: int) -> dict[tuple[int, int], list[int]]:
    """The unpaired found labels grouped by the known indexes of their paired neighbours
    (-1 above the first, ``n_known`` below the last)."""
    gaps: dict[tuple[int, int], list[int]] = {}
    paired = sorted(same)
    for i in range(len(found)):
        if i in same:
            continue
        at = bisect.bisect(paired, i)
        above = same[paired[at - 1]] if at else -1
        below = same[paired[at]] if at < len(paired) else n_known
        gaps.setdefault((above, below), []).append(i)
    return gaps
