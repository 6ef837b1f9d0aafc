"""What a budget alternative is once its file and the files it starts from are read: the
posts of one year's proposal (amount, key, who takes part, invoiced or taken from the
balance account, yearly uprating), the years it covers and the balance account's own
movements. Built by :mod:`kuanalysis.fees.scenarios` and :mod:`kuanalysis.fees.proposals`;
computed by :mod:`kuanalysis.fees.projection` and :mod:`kuanalysis.fees.balance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..provenance import Source

#: How many years a scenario covers when it does not say (the proposal's year and three more).
DEFAULT_YEARS = 4


@dataclass(frozen=True)
class PostSpec:
    """One post of a scenario in its first year (see ``scenarios/README.md``).

    ``key``: :data:`~kuanalysis.fees.scenariofile.PRINTED_KEY` (the proposal's cells), a
    population key ``befolkning_YYYY_12_31`` or {kommun code: weight}. ``participants``:
    kommun codes, None = all. ``uprating_bp``: yearly uprating in hundredths of a per cent,
    None = the scenario's.
    """

    post: str  # printed label in the fee matrix
    total: int  # kr in the first year
    key: str | dict
    invoiced: bool
    participants: tuple[str, ...] | None
    from_balance: bool
    line: int
    uprating_bp: int | None = None


@dataclass(frozen=True)
class Balance:
    """The balance account's own movements: the opening balance (kr, at the start of the
    first year) and, by year, withdrawals other than posts and deposits (kr)."""

    opening: int = 0
    withdrawals: dict = field(default_factory=dict, hash=False)
    deposits: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class BlankReading:
    """How a blank cell of the proposal is read when its column total implies an amount
    (rule ``fee_blank_cell``): ``beräknat`` = the municipality pays ``implied_kr``'s share,
    ``utanför`` = it takes no part; None = not stated (an error wherever fees are computed).
    ``stated_in``: the file (and line) that says so."""

    row: str
    post: str
    implied_kr: float
    reading: str | None = None
    stated_in: str = ""


@dataclass(frozen=True)
class Scenario:
    """A budget alternative, resolved.

    Attributes
    ----------
    name : str
        The file stem (``förslaget 2025`` for the printed proposal itself), shown to readers.
    posts : dict
        Printed post label -> :class:`PostSpec`, in the proposal's order.
    base : str
        What it starts from as its file says: ``förslaget 2025`` or another file's stem.
    proposal_year : int or None
        The year of the printed proposal its chain starts from.
    years : tuple of int
        The years it covers, the proposal's year first.
    uprating_bp : int
        Yearly uprating of every post without its own, hundredths of a per cent.
    blanks : tuple of BlankReading
        The proposal's blank cells with an implied amount, and how each is read.
    chain : tuple of Source
        The files it starts from, nearest first (its provenance with ``source``).
    """

    name: str
    path: str
    description: str
    posts: dict
    source: Source | None = None
    base: str = ""
    proposal_year: int | None = None
    years: tuple[int, ...] = ()
    uprating_bp: int = 0
    balance: Balance = Balance()
    blanks: tuple[BlankReading, ...] = ()
    chain: tuple[Source, ...] = ()

    @property
    def sources(self) -> list[Source]:
        """Its own file and the files it starts from (for a report's provenance)."""
        return [s for s in (self.source, *self.chain) if s is not None]

    @property
    def horizon(self) -> tuple[int, ...]:
        """The years computed: ``years``, or the proposal's year alone."""
        if self.years:
            return self.years
        return (self.proposal_year,) if self.proposal_year is not None else ()
