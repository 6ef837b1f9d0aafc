"""Scenarios: budget alternatives in ``scenarios/*.yaml``, resolved into what they say.

A file starts from the printed proposal of a year (``utgår_från: förslaget 2025``) or from
another scenario (``utgår_från: forslag-2025``) and lists only what it changes (format:
``scenarios/README.md``, reading: :mod:`kuanalysis.fees.scenariofile`). Chains resolve here,
each file once and without recursion (a chain of any length: down to the printed proposal,
then back up); a cycle or a missing base is an error naming the files. Every error of a
file is reported with file, line and field, in Swedish. A resolved scenario whose amounts
would pass :data:`~kuanalysis.fees.projection.LIMIT_KR` in some year is refused here, so no
command or report computes it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..data.periods import proposal_files
from ..data.table import Table
from ..errors import InputError, ScenarioError
from ..paths import raw_dir, relative
from ..provenance import source
from .keys import population_frame
from .matrix import kommun_codes, post_labels
from .model import DEFAULT_YEARS, Balance, BlankReading, PostSpec, Scenario
from .projection import (
    FEE_COLUMNS,
    AmountLimitError,
    FeeModel,
    allocate_scenario,
    post_weights,
    uprate,
)
from .proposals import printed_scenario, proposal_year, require_readings
from .scenariofile import ALL, Changes, Head, read_changes, read_head

#: A file of a chain that waits for what it starts from: (path, resolved path, head, base).
_Waiting = tuple[Path, Path, Head, Path]

__all__ = [
    "FEE_COLUMNS",
    "Balance",
    "BlankReading",
    "PostSpec",
    "Scenario",
    "ScenarioLoader",
    "allocate_scenario",
    "apply_changes",
    "base_name",
    "changed_totals",
    "default_matrix",
    "default_population",
    "load_scenario",
    "load_scenarios",
]

POPULATION_FILE = ("referens", "kommuner-befolkning.csv")


def base_name(year: int) -> str:
    """The scenario other alternatives of ``year`` are compared with: ``forslag-<år>``."""
    return f"forslag-{year}"


def default_population() -> Table:
    """The reference population ``data/raw/referens/kommuner-befolkning.csv``."""
    from ..data import load_table

    return load_table(raw_dir().joinpath(*POPULATION_FILE))


def default_matrix(year: int | None = None) -> Table:
    """The printed proposal of ``year`` in ``data/raw`` (default: the newest)."""
    from ..data import load_table
    from ..errors import DataError

    files = proposal_files()
    if not files:
        raise DataError("data/raw har inget avgiftsförslag (en tabell med kind: fee_matrix)")
    if year is None:
        year = max(files)
    if year not in files:
        raise DataError(
            f"det finns inget avgiftsförslag för {year} i data/raw (finns: "
            f"{', '.join(map(str, files))})"
        )
    return load_table(files[year])


class ScenarioLoader:
    """Reads scenario files and the files they start from, each once.

    Parameters
    ----------
    population : Table or DataFrame
        For the population keys.
    proposals : Table or mapping, optional
        The printed proposals by year; a single table serves its own year (or any year,
        when its sidecar has no period). Default: every fee matrix in ``data/raw``.
    """

    def __init__(self, population, proposals: Mapping[int, Table] | Table | None = None):
        self.population = population
        self.dates = set(population_frame(population).columns)
        self._single: Table | None = None
        self._tables: dict[int, Table] = {}
        self._files: dict[int, Path] = {}
        if isinstance(proposals, Table):
            year = proposal_year(proposals)
            if year is None:
                self._single = proposals
            else:
                self._tables[year] = proposals
        elif proposals is not None:
            self._tables.update(proposals)
        else:
            self._files = proposal_files()
        self._printed: dict[int | None, Scenario] = {}
        self._done: dict[Path, Scenario | ScenarioError] = {}

    def use(self, table: Table) -> None:
        """Use ``table`` as the printed proposal of its year (instead of ``data/raw``'s)."""
        year = proposal_year(table)
        if year is None:
            self._single = table
        else:
            self._tables[year] = table
            self._printed.pop(year, None)

    def years(self) -> list[int]:
        """The years with a printed proposal."""
        return sorted(set(self._tables) | set(self._files))

    def table(self, year: int | None) -> Table:
        """The printed proposal of ``year``.

        Raises
        ------
        KeyError
            There is no printed proposal of ``year``.
        """
        if self._single is not None:
            return self._single
        if year not in self._tables and year in self._files:
            from ..data import load_table

            self._tables[year] = load_table(self._files[year])
        if year in self._tables:
            return self._tables[year]
        raise KeyError(year)

    def printed(self, year: int | None) -> Scenario:
        """The proposal of ``year`` as printed
        (:func:`~kuanalysis.fees.proposals.printed_scenario`)."""
        if year not in self._printed:
            self._printed[year] = printed_scenario(self.table(year), year)
        return self._printed[year]

    def load(self, path: str | os.PathLike) -> Scenario:
        """The scenario of one file, with everything it starts from resolved.

        Raises
        ------
        ScenarioError
            Every fault of the file (and of the files it starts from), with file, line and
            field.
        """
        return self._load(Path(path))

    def _load(self, path: Path) -> Scenario:
        """Resolve ``path`` and the chain below it without recursion: walk down to a file
        already resolved or to one that starts from a printed proposal, then resolve each
        file on the way back up (an error below is wrapped once per file above it)."""
        waiting: list[_Waiting] = []
        result: Scenario | ScenarioError
        while True:
            key = path.resolve()
            if key in self._done:
                result = self._done[key]
                break
            try:
                head = read_head(path)
                base = self._base(path, head, [w[1] for w in waiting] + [key])
            except ScenarioError as exc:
                result = self._done[key] = exc
                break
            if isinstance(base, Scenario):  # the printed proposal
                result = self._settle(key, head, base)
                break
            waiting.append((path, key, head, base))
            path = base
        for _, key, head, base_path in reversed(waiting):
            if isinstance(result, ScenarioError):
                where = f"{head.shown}:{head.base.line}: utgår_från"
                result = self._done[key] = ScenarioError(
                    list(head.errors)
                    + [f"{where}: {relative(base_path)} som scenariot utgår från har fel"]
                    + result.messages
                )
            else:
                result = self._settle(key, head, result)
        if isinstance(result, ScenarioError):
            raise result
        return result

    def _base(self, path: Path, head: Head, stack: list[Path]) -> Scenario | Path:
        """What ``head``'s file starts from: the printed proposal, or the file of another
        scenario (``stack``: the resolved paths of the files waiting for theirs, this one
        last).

        Raises
        ------
        ScenarioError
            No printed proposal of that year, a base file that is missing, or a ring.
        """
        where = f"{head.shown}:{head.base.line}: utgår_från"
        if head.base.year is not None:
            base = self._printed_or_none(head.base.year)
            if base is None:
                have = ", ".join(map(str, self.years())) or "inga"
                raise ScenarioError(
                    list(head.errors)
                    + [
                        f"{where}: det finns inget tryckt förslag för {head.base.year} i data/raw "
                        f"(förslag finns för: {have})"
                    ]
                )
            return base
        base_path = path.parent / f"{head.base.stem}.yaml"
        if base_path.resolve() in stack:
            ring = [relative(p) for p in stack[stack.index(base_path.resolve()) :]]
            raise ScenarioError(
                list(head.errors)
                + [
                    f"{where}: scenarierna utgår från varandra i en ring: "
                    f"{' → '.join(ring + [relative(base_path)])}"
                ]
            )
        if not base_path.exists():
            raise ScenarioError(
                list(head.errors)
                + [f"{where}: scenariot {head.base.stem} finns inte ({relative(base_path)} saknas)"]
            )
        return base_path

    def _settle(self, key: Path, head: Head, base: Scenario) -> Scenario | ScenarioError:
        """The file's scenario on top of ``base`` (or its errors), remembered for ``key``."""
        try:
            result: Scenario | ScenarioError = self._apply(head, base)
        except ScenarioError as exc:
            result = exc
        self._done[key] = result
        return result

    def _apply(self, head: Head, base: Scenario) -> Scenario:
        table = self.table(base.proposal_year)
        codes = kommun_codes(table)
        posts = post_labels(table)
        post_keys = {k: lbl for k, lbl in table.keys().items() if lbl in posts}
        blanks = {(b.row, b.post): b.implied_kr for b in base.blanks}
        changes = read_changes(
            head, posts, post_keys, codes, self.dates, blanks, base.proposal_year, base.years
        )
        scenario = apply_changes(base, head, changes, table, self.population)
        try:
            require_readings(scenario, f"{head.shown}:{head.base.line}")
        except InputError as exc:
            raise ScenarioError(exc.errors) from None
        try:  # every year's amounts within the limit (posts x years: quick)
            if scenario.horizon:
                FeeModel.of(scenario).totals()
        except AmountLimitError as exc:
            raise ScenarioError([f"{head.shown}: {exc.sentence}"]) from None
        return scenario

    def _printed_or_none(self, year: int) -> Scenario | None:
        try:
            return self.printed(year)
        except KeyError:
            return None


def apply_changes(
    base: Scenario, head: Head, changes: Changes, table: Table, population
) -> Scenario:
    """``base`` with a file's ``changes`` applied: the file's scenario.

    Order: years, uprating, balance account, blank cells, the key of every post, then
    each post's own changes. ``faktureras: true`` also ends ``från_balanskontot`` (and the
    other way round) unless the same post says both.

    Raises
    ------
    ScenarioError
        A participant without a weight in its post's key, or no weight at all.
    """
    codes = kommun_codes(table)
    posts = dict(base.posts)
    blanks = _read_blanks(base, head, changes, posts, codes)
    touched: dict[str, tuple[int, str]] = {}  # post -> (line, field) to check its weights
    if changes.key is not None:
        for post, spec in posts.items():
            posts[post] = dataclasses.replace(
                spec,
                key=changes.key,
                participants=(None if isinstance(changes.key, dict) else spec.participants),
            )
            touched[post] = (changes.lines["nyckel"], "nyckel")
    for post, c in changes.posts.items():
        posts[post] = _changed_post(posts[post], c, codes)
        if c.key is not None or c.participants is not None:
            touched[post] = (c.line, f"poster.{post}")
    scenario = Scenario(
        name=head.name,
        path=head.shown,
        description=head.description,
        posts=posts,
        source=source(head.path),
        base=head.base.text,
        proposal_year=base.proposal_year,
        years=_years(base, changes),
        uprating_bp=base.uprating_bp if changes.uprating_bp is None else changes.uprating_bp,
        balance=_balance(base, changes),
        blanks=tuple(blanks),
        chain=tuple(base.sources),
    )
    _check_weights(scenario, head, touched, table, population)
    return scenario


def _years(base: Scenario, changes: Changes) -> tuple[int, ...]:
    if changes.years is not None:
        return tuple(range(changes.years[0], changes.years[1] + 1))
    if not base.years and base.proposal_year is not None:
        return tuple(range(base.proposal_year, base.proposal_year + DEFAULT_YEARS))
    return base.years


def _balance(base: Scenario, changes: Changes) -> Balance:
    b = changes.balance
    return Balance(
        opening=b.get("opening", base.balance.opening),
        withdrawals={**base.balance.withdrawals, **b.get("withdrawals", {})},
        deposits={**base.balance.deposits, **b.get("deposits", {})},
    )


def _read_blanks(
    base: Scenario, head: Head, changes: Changes, posts: dict, codes: dict
) -> list[BlankReading]:
    """The base's blank cells with the file's readings; a blank read as ``beräknat`` takes
    its municipality into its post, one read as ``0`` takes it out (``posts`` updated)."""
    blanks = []
    for blank in base.blanks:
        cell = (blank.row, blank.post)
        reading = changes.blanks.get(cell)
        if reading is not None:
            blank = dataclasses.replace(
                blank,
                reading=reading,
                stated_in=f"{head.shown}:{changes.lines[('tomma_celler', cell)]}",
            )
            spec = posts[blank.post]
            taking = set(spec.participants or codes.values())
            taking = (
                taking | {codes[blank.row]}
                if reading == "beräknat"
                else taking - {codes[blank.row]}
            )
            posts[blank.post] = dataclasses.replace(
                spec, participants=None if len(taking) == len(codes) else tuple(sorted(taking))
            )
        blanks.append(blank)
    return blanks


def _changed_post(spec: PostSpec, c, codes: dict) -> PostSpec:
    """One post with the file's changes to it (amount or change, invoicing, balance
    account, key, participants, uprating)."""
    total = spec.total
    if c.amount is not None:
        total = c.amount
    elif c.change_bp is not None:
        total = int(uprate(spec.total, c.change_bp))
    invoiced = spec.invoiced if c.invoiced is None else c.invoiced
    from_balance = spec.from_balance if c.from_balance is None else c.from_balance
    if c.invoiced and c.from_balance is None:
        from_balance = False
    if c.from_balance and c.invoiced is None:
        invoiced = False
    participants = spec.participants
    if isinstance(c.key, dict) and c.participants is None:
        participants = None  # a weight table says who takes part
    if c.participants == ALL:
        participants = tuple(sorted(codes.values()))
    elif c.participants is not None:
        participants = c.participants
    return dataclasses.replace(
        spec,
        total=total,
        key=spec.key if c.key is None else c.key,
        invoiced=invoiced,
        from_balance=from_balance,
        participants=participants,
        line=c.line,
        uprating_bp=spec.uprating_bp if c.uprating_bp is None else c.uprating_bp,
    )


def _check_weights(
    scenario: Scenario, head: Head, touched: dict[str, tuple[int, str]], table: Table, population
) -> None:
    """Every post whose key or participants the file changed has a weight for each
    participant, and some weight at all."""
    errors = []
    for post, (line, where) in touched.items():
        one = dataclasses.replace(scenario, posts={post: scenario.posts[post]})
        try:
            _, weights = post_weights(one, table, population)
        except ValueError as exc:
            message = str(exc).removeprefix(f"{post}: ")
        else:
            if scenario.posts[post].total <= 0 or (weights[0] > 0).any():
                continue
            message = "ingen av kommunerna som deltar har någon vikt i nyckeln"
        errors.append(f"{head.shown}:{line}: {where}: {message}")
    if errors:
        raise ScenarioError(errors)


def load_scenario(path, matrix: Table | None = None, population=None) -> Scenario:
    """Read and resolve one scenario file (format: ``scenarios/README.md``).

    Parameters
    ----------
    path : str or Path
        The YAML file; its stem is the scenario's name. A scenario it starts from is read
        from the same folder.
    matrix : Table, optional
        The printed proposal (default: every fee matrix in ``data/raw``, by year).
    population : Table or DataFrame, optional
        Population, for the ``befolkning ÅÅÅÅ-MM-DD`` keys (default: the reference file).

    Raises
    ------
    ScenarioError
        With one message per error: ``file:line: field: message``.
    """
    population = default_population() if population is None else population
    return ScenarioLoader(population, matrix).load(path)


def _load_each(paths, loader: ScenarioLoader) -> tuple[list[Scenario], list[str]]:
    """Load every scenario file, collecting the errors of all of them (none stops the rest);
    a message repeated through a chain is given once."""
    scenarios: list = []
    errors: dict[str, None] = {}  # ordered, and a lookup that does not grow with the list
    for p in paths:
        try:
            scenarios.append(loader.load(p))
        except ScenarioError as exc:
            errors.update(dict.fromkeys(exc.messages))
    return scenarios, list(errors)


def load_scenarios(folder, loader: ScenarioLoader, year: int | None = None) -> list[Scenario]:
    """Every ``*.yaml`` scenario in a folder (those starting from ``year``'s proposal if
    given); ``forslag-<år>`` first, the others by name.

    Raises
    ------
    ScenarioError
        With every error of every file (nothing is half-loaded).
    """
    files = sorted(Path(folder).glob("*.yaml"))
    scenarios, errors = _load_each(files, loader)
    if errors:
        raise ScenarioError(errors)
    if year is not None:
        scenarios = [s for s in scenarios if s.proposal_year == year]
    return sorted(
        scenarios,
        key=lambda s: (s.proposal_year is None or s.name != base_name(s.proposal_year), s.name),
    )


def changed_totals(scenario: Scenario, printed: Scenario) -> pd.DataFrame:
    """The posts whose first-year amount differs from the printed proposal's total.

    Returns
    -------
    pandas.DataFrame
        Index post; ``tryckt_kr``, ``scenario_kr``, ``skillnad_kr`` (int).
    """
    rows = [
        (p, printed.posts[p].total, s.total, s.total - printed.posts[p].total)
        for p, s in scenario.posts.items()
        if p in printed.posts and s.total != printed.posts[p].total
    ]
    frame = pd.DataFrame(rows, columns=["post", "tryckt_kr", "scenario_kr", "skillnad_kr"])
    return frame.set_index("post")
