"""How many checks were made, per table: a finding is only the checks that broke, and a reader
(``kuanalysis check``'s summary) must also see how much held.

A check is one comparison (:func:`~kuanalysis.checks.compare.equal` or
:func:`~kuanalysis.checks.compare.at_most`); readings are no checks. The runner counts inside
:func:`counting`; outside it nothing is counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_counts: ContextVar[Counter | None] = ContextVar("kuanalysis_checks", default=None)


@contextmanager
def counting() -> Iterator[Counter]:
    """Count the checks made inside the block, by table id (the counter is yielded)."""
    counter: Counter = Counter()
    token = _counts.set(counter)
    try:
        yield counter
    finally:
        _counts.reset(token)


def count(table: str) -> None:
    """One check made on a figure of ``table`` (nothing when not counting)."""
    counter = _counts.get()
    if counter is not None:
        counter[table] += 1


@contextmanager
def not_counting() -> Iterator[None]:
    """Comparisons made only to work out a value (an implied blank), not as checks."""
    token = _counts.set(None)
    try:
        yield
    finally:
        _counts.reset(token)
