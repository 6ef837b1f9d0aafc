"""The fee workbook for Excel: numbers as numbers with kr formats (the renderer re-dates it)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..fees.scenarios import BASE_SCENARIO, Scenario
from ..paths import atomic_path
from .fees import difference_to_base, scenario_comparison


#: Excel number formats: Excel shows these with the reader's own separators (space, comma).
XLSX_KR = '#,##0 "kr";-#,##0 "kr"'

XLSX_SHARE = '0.00 "%"'

def write_xlsx(path, fees: pd.DataFrame, scenarios: list[Scenario],
               population=None) -> Path:
    """Write the workbook: a comparison sheet, then one sheet per scenario.

    Sheet ``Jämförelse``: invoiced kr per municipality and scenario, then each scenario's
    difference to the proposal. Each scenario sheet: kr per municipality and post, a column
    ``Fakturerat`` (sum of invoiced posts), a ``Summa`` row and a line saying which posts are
    not invoiced. Numbers are stored as numbers with a kr format; written through a
    temporary file renamed into place, so a reader never sees half a file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)

    def put(ws, frame: pd.DataFrame, first_row: int, number_format: str) -> int:
        ws.cell(first_row, 1, frame.index.name or "").font = bold
        for j, col in enumerate(frame.columns, 2):
            ws.cell(first_row, j, str(col)).font = bold
        for i, (label, row) in enumerate(frame.iterrows(), first_row + 1):
            ws.cell(i, 1, str(label)).font = bold if label == "Summa" else Font()
            for j, value in enumerate(row, 2):
                if pd.notna(value):  # blank stays blank, never 0
                    c = ws.cell(i, j, int(value) if float(value).is_integer() else float(value))
                    c.number_format = number_format
        ws.column_dimensions["A"].width = max(14, *(len(str(x)) + 2 for x in frame.index))
        for j, col in enumerate(frame.columns, 2):
            ws.column_dimensions[get_column_letter(j)].width = max(14, min(len(str(col)) + 2, 36))
        return first_row + len(frame) + 2

    wb = Workbook()
    ws = wb.active
    ws.title = "Jämförelse"
    ws["A1"] = "Fakturerat per kommun 2025, kr, per scenario och skillnad mot förslaget"
    ws["A1"].font = Font(bold=True, size=12)
    comparison = scenario_comparison(fees)
    nxt = put(ws, comparison, 3, XLSX_KR)
    if BASE_SCENARIO in comparison.columns and comparison.shape[1] > 1:
        diff = difference_to_base(comparison)
        diff.columns = [f"{c} − förslaget" for c in diff.columns]
        put(ws, diff, nxt, XLSX_KR)
    ws.freeze_panes = "B4"

    described = {s.name: s for s in scenarios}
    for name, lines in fees.groupby("scenario", sort=False):
        sheet = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", name)[:31])
        scen = described.get(name)
        sheet["A1"] = f"Scenario {name}: avgift per kommun och post 2025, kr"
        sheet["A1"].font = Font(bold=True, size=12)
        if scen is not None:
            sheet["A2"] = scen.description
        matrix = lines.pivot_table(index="kommun", columns="post", values="belopp_kr",
                                   aggfunc="sum", sort=False).astype("int64")
        invoiced_posts = lines.loc[lines["fakturerad"], "post"].unique()
        matrix["Fakturerat"] = matrix[list(invoiced_posts)].sum(axis=1)
        matrix.loc["Summa"] = matrix.sum()
        matrix.index.name, matrix.columns.name = "Kommun", None
        end = put(sheet, matrix, 4, XLSX_KR)
        not_invoiced = [p for p in matrix.columns[:-1] if p not in set(invoiced_posts)]
        sheet.cell(end, 1, "Faktureras inte: " + (", ".join(not_invoiced) or "inga poster"))
        sheet.freeze_panes = "B5"

    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target
