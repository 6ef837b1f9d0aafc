"""The printed proposals: every fee matrix in ``data/raw`` (kind ``fee_matrix``) is the
proposal for the year of its sidecar's ``period``, and "as printed" is a scenario of its own.

As printed (``utgår_från: förslaget 2025``) means: every post's total as on the total row,
the printed key (each municipality's cell / the post's total), invoiced iff the Summa column
adds the post up (:func:`~kuanalysis.fees.matrix.summa_composition`), nothing taken
from the balance account. A municipality whose cell is blank takes no part in the post when
the column total leaves nothing for it; a blank that the column total gives an amount (rule
``fee_blank_cell``, status saknas) must be read as stated: in the sidecar's
``ambiguities`` (``row``, ``column``, ``placed: beräknat ...`` or ``placed: utanför ...``)
or in a scenario's ``tomma_celler``. Unstated, no fee is computed from the proposal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..data.table import Table
from ..errors import DataError
from .matrix import implied_blanks, kommun_codes, post_labels, summa_composition, total_row
from .model import DEFAULT_YEARS, BlankReading, PostSpec, Scenario
from .scenariofile import BLANK_READINGS, PRINTED_KEY


def proposal_year(table: Table) -> int | None:
    """The year a fee matrix proposes fees for: its sidecar's ``period`` (None if none)."""
    period = table.meta.get("period")
    if not period:
        return None
    try:
        start, end = (dt.date.fromisoformat(x) for x in str(period).split("/"))
    except ValueError:
        raise DataError(
            f'{table.id}: period ska vara "ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD", fann {str(period)[:40]!r}'
        ) from None
    if start.year != end.year:
        raise DataError(f"{table.id}: ett avgiftsförslag gäller ett år, fann perioden {period}")
    return start.year


def sidecar_readings(table: Table) -> dict[tuple[str, str], str]:
    """The readings of blank cells the sidecar states: (row, column) -> ``beräknat``/``utanför``.

    An ``ambiguities`` entry with both ``row`` and ``column`` whose ``placed`` starts with
    one of the two words. Other entries are readings of something else and are skipped.
    """
    out = {}
    for amb in table.meta.get("ambiguities") or []:
        if not isinstance(amb, dict) or not amb.get("column"):
            continue
        placed = str(amb.get("placed", "")).strip().lower()
        word = next((w for w in BLANK_READINGS if placed.startswith(w)), None)
        if word is not None:
            out[(str(amb.get("row")), str(amb["column"]))] = word
    return out


def sidecar_path(table: Table) -> str:
    """The sidecar of a table, as shown to readers (``data/raw/.../x.yaml``)."""
    if not table.source_file:
        return f"{table.id}.yaml"
    return Path(table.source_file).with_suffix(".yaml").as_posix()


def blank_cells(table: Table) -> dict[tuple[str, str], float]:
    """(kommun label, post) -> implied kr: the blank cells whose column total gives them an
    amount (what rule ``fee_blank_cell`` flags as saknas)."""
    return implied_blanks(table)


def printed_scenario(table: Table, year: int | None = None) -> Scenario:
    """The proposal as printed, as a scenario named ``förslaget <år>``.

    A blank the column total gives an amount is read as the sidecar states; where it states
    nothing the reading is None (see :func:`require_readings`).
    """
    year = proposal_year(table) if year is None else year
    codes = kommun_codes(table)
    trow = total_row(table)
    included = set(summa_composition(table).included)
    stated = sidecar_readings(table)
    blanks = tuple(
        BlankReading(
            row,
            post,
            implied,
            stated.get((row, post)),
            sidecar_path(table) if (row, post) in stated else "",
        )
        for (row, post), implied in blank_cells(table).items()
    )
    counted = {(b.row, b.post) for b in blanks if b.reading == "beräknat"}
    posts = {}
    for post in post_labels(table):
        taking_part = tuple(
            sorted(
                code
                for row, code in codes.items()
                if not _blank(table, row, post) or (row, post) in counted
            )
        )
        posts[post] = PostSpec(
            post=post,
            total=int(round(float(table.values.at[trow, post]))),
            key=PRINTED_KEY,
            invoiced=post in included,
            participants=None if len(taking_part) == len(codes) else taking_part,
            from_balance=False,
            line=0,
        )
    name = f"förslaget {year}" if year is not None else "förslaget"
    years = tuple(range(year, year + DEFAULT_YEARS)) if year is not None else ()
    return Scenario(
        name=name,
        path="",
        description="Förslaget som det är tryckt.",
        posts=posts,
        base="",
        proposal_year=year,
        years=years,
        blanks=blanks,
        chain=tuple(table.sources),
    )


def _blank(table: Table, row: str, post: str) -> bool:
    value = table.values.at[row, post]
    return value != value  # NaN


def unstated(scenario: Scenario) -> list[BlankReading]:
    """The blank cells with an implied amount whose reading nobody has stated."""
    return [b for b in scenario.blanks if b.reading is None]


def require_readings(scenario: Scenario, where: str) -> None:
    """Raise :class:`~kuanalysis.errors.DataError` naming every blank cell with an implied
    amount whose reading is not stated (``where``: the table or scenario file)."""
    missing = unstated(scenario)
    if missing:
        raise DataError(
            [
                f"{where}: cellen {b.row} / {b.post} är tom men postens summarad ger den "
                f"{_kr(b.implied_kr)} (regeln fee_blank_cell, status saknas); ange hur den ska "
                f'läsas: i scenariot under tomma_celler ("{b.row} / {b.post}": beräknat eller '
                f"utanför) eller i tabellens beskrivningsfil under ambiguities (row: {b.row}, "
                f"column: {b.post}, placed: beräknat belopp eller utanför posten)"
                for b in missing
            ]
        )


def _kr(x: float) -> str:
    return f"{int(round(x)):,}".replace(",", "\u00a0") + "\u00a0kr"
