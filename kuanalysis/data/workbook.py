"""Reading an xlsx workbook as its reader sees it: every sheet's cells as text, bounded.

A finance system's export holds one table per sheet, hidden sheets with stale figures, title
and date lines above the header, and sometimes a stray cell at the far end of a sheet. Each
sheet is read as a :class:`Sheet`: its rows as cell text (numbers written the Swedish way,
see :mod:`.read`), whether it is hidden, the font size of its text rows (the title is the
largest text above a table) and what was left unread.

The used range is bounded to the data: a cell more than :data:`MAX_GAP` blank rows below, or
blank columns right of, the cells before it is ignored (with a note), so a stray cell in
``A1048576`` costs nothing. The file is streamed (openpyxl's read-only mode): a merged range's
value belongs to its top-left cell and its other cells read blank, as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import DataError
from .read import NotAFigure, column_letter, swedish

#: Blank rows (or columns) that end a sheet's data: a cell beyond such a gap is ignored.
MAX_GAP = 100

_BROKEN = (
    "{name}: filen går inte att läsa som xlsx (den är skadad, eller är en annan sorts fil "
    "med ändelsen .xlsx); spara den på nytt från Excel"
)


@dataclass
class Sheet:
    """One sheet (or one CSV file) as rows of cell text.

    Attributes
    ----------
    name : str
        The sheet's name (a CSV file's name).
    rows : list of (int, list of str)
        (row number, cells) from the first row to the last kept row with a cell; a blank row
        is ``[]``, and a row ends at its last non-blank cell.
    hidden : bool
        Hidden or very hidden in Excel: never read as a table.
    sizes : dict
        Row number -> the largest font size of a text row's cells (xlsx only).
    ignored : list of str
        Cells left unread because they lie far outside the data (a note each).
    letters : bool
        Whether cells are named by column letter (xlsx) or only by heading (csv).
    """

    name: str
    rows: list[tuple[int, list[str]]]
    hidden: bool = False
    sizes: dict[int, float] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    letters: bool = True


def cell_text(value, ref: str = "", number_format: str = "General") -> str:
    """An xlsx cell as text: numbers written the Swedish way so they parse like CSV text.

    A number formatted as per cent is what the reader sees: 0,47 with format ``0%`` is
    ``"47 %"`` (the stored number times 100, every stored digit kept). Any other number format
    plays no part: the number the cell holds is written. A date or truth value gives a
    :class:`~kuanalysis.data.read.NotAFigure`.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        shown = "SANT" if value else "FALSKT"
        return NotAFigure(
            shown,
            f"cellen {ref} är ett sanningsvärde i Excel ({shown}), inget tal; skriv talet i cellen",
        )
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            value = value.date()
        shown = str(value) if isinstance(value, dt.timedelta) else value.isoformat()
        return NotAFigure(
            shown,
            f"cellen {ref} är ett datum eller klockslag i Excel ({shown}), "
            f"inget tal; ge cellen talformat och skriv talet igen",
        )
    if isinstance(value, (int, float)):
        if "%" in str(number_format):
            return swedish(_per_cent(value), suffix=" %")
        return swedish(value)
    return str(value)


def _per_cent(value: int | float) -> int | float:
    """A stored share as the per-cent figure Excel shows (0.47 -> 47), without float noise."""
    if isinstance(value, float) and not math.isfinite(value):
        return value
    scaled = Decimal(repr(value)) * 100
    return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)


def _bounded(cells: dict[int, dict[int, Any]]) -> tuple[list[int], int, list[str]]:
    """The rows and the width kept: rows up to the first gap of more than :data:`MAX_GAP`
    blank rows, columns up to the first such gap of blank columns; the cells beyond, noted."""
    rows = sorted(cells)
    kept = rows[:1]
    for r in rows[1:]:
        if r - kept[-1] > MAX_GAP + 1:
            break
        kept.append(r)
    columns = sorted({c for r in kept for c in cells[r]})
    width = columns[0] if columns else 0
    for c in columns:
        if c - width > MAX_GAP + 1:
            break
        width = c
    last = kept[-1] if kept else 0
    far = [
        f"{column_letter(c - 1)}{r}"
        for r in rows
        for c in sorted(cells[r])
        if r > last or c > width
    ]
    ignored = []
    if far:
        shown = ", ".join(far[:3]) + (f" och {len(far) - 3} till" if len(far) > 3 else "")
        ignored.append(f"celler långt utanför tabellen lästes inte ({shown})")
    return kept, width, ignored


def _read_values(path: Path) -> list[tuple[str, str, dict[int, dict[int, Any]]]]:
    """(title, state, {row: {column: cell}}) of every sheet, only the cells that hold a value."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a broken or non-xlsx file (openpyxl's reason is English)
        raise DataError(_BROKEN.format(name=path.name)) from None
    out = []
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # the stored dimension may reach A1048576: rows as they are
            cells: dict[int, dict[int, Any]] = {}
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and c.value != "":
                        cells.setdefault(c.row, {})[c.column] = c
            out.append((ws.title, ws.sheet_state, cells))
    except DataError:
        raise
    except Exception:
        raise DataError(_BROKEN.format(name=path.name)) from None
    finally:
        wb.close()
    return out


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the file holds a formula (an ``<f>`` element): most exports hold
    none, and then the second reading of the file is spared."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _formulas_without_value(
    path: Path, kept: dict[str, tuple[list[int], int, dict[int, dict[int, Any]]]]
) -> list[str]:
    """Every kept formula cell whose value Excel did not store (a program wrote the file):
    a formula cell that the values pass (:func:`_read_values`) found no value in."""
    import openpyxl

    if not _has_formulas(path):
        return []
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    errors = []
    try:
        for ws in wb.worksheets:
            if ws.title not in kept:
                continue
            rows, width, values = kept[ws.title]
            ws.reset_dimensions()
            for row in ws.iter_rows(max_row=rows[-1] if rows else 0, max_col=width):
                for cf in row:
                    if getattr(cf, "data_type", None) != "f" or cf.column in values.get(cf.row, {}):
                        continue
                    formula = str(getattr(cf.value, "text", cf.value))
                    formula = formula if len(formula) <= 40 else formula[:37] + "..."
                    errors.append(
                        f'{path.name} blad "{ws.title}", cell {cf.coordinate}: formeln '
                        f"{formula} har inget sparat värde; öppna filen i Excel och spara "
                        f"den, så sparas formlernas värden"
                    )
    finally:
        wb.close()
    return errors


def read_workbook(path: str | Path) -> list[Sheet]:
    """Every sheet of an xlsx file, in the workbook's order (hidden ones flagged).

    Raises
    ------
    DataError
        When the file is no xlsx or has formulas without stored values in its data (every
        such cell listed).
    """
    path = Path(path)
    sheets = []
    kept_ranges = {}
    for title, state, cells in _read_values(path):
        rows, width, ignored = _bounded(cells)
        kept_ranges[title] = (rows, width, cells)
        records: list[tuple[int, list[str]]] = []
        sizes: dict[int, float] = {}
        last = 0
        for r in rows:
            records += [(n, []) for n in range(last + 1, r)]
            last = r
            line = [""] * max((c for c in cells[r] if c <= width), default=0)
            numeric = False
            for c, cell in cells[r].items():
                if c > width:
                    continue
                line[c - 1] = cell_text(cell.value, cell.coordinate, cell.number_format)
                numeric = numeric or isinstance(cell.value, (int, float))
            if not numeric:
                sizes[r] = max(
                    (float(cell.font.sz or 0) for c, cell in cells[r].items() if c <= width),
                    default=0.0,
                )
            records.append((r, line))
        sheets.append(Sheet(title, records, state != "visible", sizes, ignored))
    errors = _formulas_without_value(path, kept_ranges)
    if errors:
        raise DataError(errors)
    return sheets


def read_first_sheet(path: Path) -> tuple[str, list[tuple[int, list[str]]]]:
    """The first visible sheet of an xlsx table in data/raw: its name and rows.

    Raises
    ------
    DataError
        As :func:`read_workbook`; also when the workbook has no
        visible sheet, or cells far outside the table (a raw table holds only the table).
    """
    sheet = next((s for s in read_workbook(path) if not s.hidden), None)
    if sheet is None:
        raise DataError(f"{path.name}: arbetsboken har inget synligt blad")
    if sheet.ignored:
        raise DataError(
            f'{path.name} blad "{sheet.name}": ' + "; ".join(sheet.ignored) + "; ta bort dem"
        )
    rows = list(sheet.rows)
    while rows and rows[-1][1] == []:
        rows.pop()
    if not rows:
        raise DataError(f"{path.name}: filen är tom (väntade en rubrikrad och tabellens rader)")
    return sheet.name, rows
