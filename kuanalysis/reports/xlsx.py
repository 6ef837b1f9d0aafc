"""The fee workbook for Excel, built in memory: numbers as numbers with kr formats, every text
cell written as text, every sheet set up to print (landscape A4, one page wide, the heading
row on every page, the sheet's name and the page number in the footer) and named uniquely
within Excel's 31 characters (:func:`unique_sheet_title`; the full name stays in cell A1).

:func:`workbook` returns the file's bytes; the notebook hands them to the renderer with
:func:`kuanalysis.publish.file`, which writes them beside the report. Nothing here writes a
file or reads the environment.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from ..fees.model import Scenario
from .feetables import difference_to_base, scenario_comparison

#: Excel number formats: Excel shows these with the reader's own separators (space, comma).
XLSX_KR = '#,##0 "kr";-#,##0 "kr"'

XLSX_SHARE = '0.00 "%"'

#: A text starting with one of these is a formula (or starts one) when typed into Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put_text(ws, row: int, column: int, text, font=None):
    """Write ``text`` into a cell as text, never as a formula: the one writer of text cells.

    openpyxl stores a string that starts with ``=`` as a formula; here the cell's data type
    is set to text afterwards, so ``=WEBSERVICE("https://...")`` stays the characters it is.
    A text that Excel would read as a formula if it were typed (``= + - @``, tab, CR) also
    gets Excel's quote prefix, so editing the cell in Excel keeps it text. Characters an
    xlsx file cannot hold (control characters) become U+FFFD.

    Returns
    -------
    openpyxl.cell.Cell
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(text))
    cell = ws.cell(row, column)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def put_number(ws, row: int, column: int, value, number_format: str):
    """Write a number (an int when it is whole) with a number format; return the cell."""
    cell = ws.cell(row, column, int(value) if float(value).is_integer() else float(value))
    cell.number_format = number_format
    return cell


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


#: Excel's longest sheet name.
SHEET_NAME_LENGTH = 31


def unique_sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name for ``name`` that Excel accepts and no other sheet has: forbidden
    characters replaced (:func:`sheet_title`), and a name too long or already taken
    (Excel compares names without case) shortened, with a number: ``"socialchefer-… (2)"``.

    ``taken`` holds the names given so far (case-folded); the new one is added to it.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    clean = re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(name)))
    clean = clean.strip("'") or "Blad"  # Excel refuses a leading or trailing apostrophe
    title = clean
    n = 0
    while len(title) > SHEET_NAME_LENGTH or title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = clean[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
    taken.add(title.casefold())
    return title


def print_setup(ws, heading_row: int) -> None:
    """Set a sheet up to print: landscape A4, fitted to one page wide (as many pages down
    as it needs), ``heading_row`` repeated on every page, the sheet's name and the page
    number in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{heading_row}:{heading_row}"
    ws.oddFooter.left.text = "&A"  # the sheet's name
    ws.oddFooter.right.text = "Sida &P av &N"


def _put_frame(ws, frame: pd.DataFrame, first_row: int, number_format: str) -> int:
    """A frame with its index and header in bold; return the row after it and a blank row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    put_text(ws, first_row, 1, frame.index.name or "", bold)
    for j, col in enumerate(frame.columns, 2):
        put_text(ws, first_row, j, col, bold)
    for i, (label, row) in enumerate(frame.iterrows(), first_row + 1):
        put_text(ws, i, 1, label, bold if label == "Summa" else Font())
        for j, value in enumerate(row, 2):
            if pd.notna(value):  # blank stays blank, never 0
                put_number(ws, i, j, value, number_format)
    ws.column_dimensions["A"].width = max(14, *(len(str(x)) + 2 for x in frame.index))
    for j, col in enumerate(frame.columns, 2):
        ws.column_dimensions[get_column_letter(j)].width = max(14, min(len(str(col)) + 2, 36))
    return first_row + len(frame) + 2


def scenario_sheet(lines: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One scenario's kronor per municipality and post, and the posts it does not invoice.

    Returns
    -------
    (pandas.DataFrame, list of str)
        Index ``Kommun`` (printed names) then ``Summa``; one int column per post, then
        ``Fakturerat`` (the invoiced posts' sum). And the posts not invoiced, in order.
    """
    matrix = lines.pivot_table(
        index="kommun", columns="post", values="belopp_kr", aggfunc="sum", sort=False
    ).astype("int64")
    invoiced = list(lines.loc[lines["fakturerad"], "post"].unique())
    matrix["Fakturerat"] = matrix[invoiced].sum(axis=1)
    matrix.loc["Summa"] = matrix.sum()
    matrix.index.name, matrix.columns.name = "Kommun", None
    not_invoiced = [p for p in matrix.columns[:-1] if p not in set(invoiced)]
    return matrix, not_invoiced


def year_sheet(fees_year: pd.DataFrame) -> pd.DataFrame:
    """Invoiced kr per municipality (rows, then ``Summa``) and scenario (columns) in one year."""
    return scenario_comparison(fees_year)


def workbook(fees: pd.DataFrame, scenarios: list[Scenario]) -> bytes:
    """The workbook as the bytes of an xlsx file: a comparison sheet, a sheet per year, one
    sheet per scenario.

    ``fees``: the ``kuanalysis fees`` lines; with an ``år`` column, every year's. Sheet
    ``Jämförelse``: invoiced kr per municipality and scenario in the first year, then each
    scenario's difference to the first scenario (the proposal). Sheets ``År <år>`` (when
    ``fees`` has years): invoiced kr per municipality and scenario that year. Each scenario
    sheet: the scenario's description, kr per municipality and post in the first year, a
    column ``Fakturerat`` (sum of invoiced posts), a ``Summa`` row and a line saying which
    posts are not invoiced. Numbers are numbers with a kr format; every text goes through
    :func:`put_text`.

    The zip entries and ``docProps/core.xml`` carry openpyxl's save time; the renderer
    stamps them with the report's time when it writes the file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    years = sorted(fees["år"].unique()) if "år" in fees.columns and len(fees) else []
    if years:
        first = fees.groupby("scenario", sort=False)["år"].transform("min")
        first_year = fees[fees["år"] == first]
    else:
        first_year = fees
    when = f" {years[0]}" if years else ""
    title_font = Font(bold=True, size=12)
    wb = Workbook()
    ws = wb.active
    taken: set[str] = set()
    ws.title = unique_sheet_title("Jämförelse", taken)
    put_text(
        ws,
        1,
        1,
        f"Fakturerat per kommun{when}, kr, per scenario och skillnad mot förslaget",
        title_font,
    )
    comparison = scenario_comparison(first_year)
    nxt = _put_frame(ws, comparison, 3, XLSX_KR)
    if comparison.shape[1] > 1:
        diff = difference_to_base(comparison)
        diff.columns = [f"{c} − {comparison.columns[0]}" for c in diff.columns]
        _put_frame(ws, diff, nxt, XLSX_KR)
    ws.freeze_panes = "B4"
    print_setup(ws, 3)

    for year in years:
        sheet = wb.create_sheet(unique_sheet_title(f"År {year}", taken))
        put_text(sheet, 1, 1, f"Fakturerat per kommun {year}, kr, per scenario", title_font)
        _put_frame(sheet, year_sheet(fees[fees["år"] == year]), 3, XLSX_KR)
        sheet.freeze_panes = "B4"
        print_setup(sheet, 3)

    described = {s.name: s for s in scenarios}
    for name, lines in first_year.groupby("scenario", sort=False):
        sheet = wb.create_sheet(unique_sheet_title(name, taken))
        # the full name in A1: the sheet's name may be shortened
        put_text(sheet, 1, 1, f"Scenario {name}: avgift per kommun och post{when}, kr", title_font)
        if name in described:
            put_text(sheet, 2, 1, described[name].description)
        matrix, not_invoiced = scenario_sheet(lines)
        end = _put_frame(sheet, matrix, 4, XLSX_KR)
        put_text(sheet, end, 1, "Faktureras inte: " + (", ".join(not_invoiced) or "inga poster"))
        sheet.freeze_panes = "B5"
        print_setup(sheet, 4)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
