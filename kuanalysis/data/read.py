"""Reading a raw file into records of cell text: CSV (comma or semicolon) and XLSX, and the
sidecar YAML beside it. Nothing is parsed as a number here (see :mod:`.numbers`).
"""
from __future__ import annotations

import csv
import io as _io
from pathlib import Path

import numpy as np

from .. import yamlfile
from ..errors import DataError

def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) if it decodes strictly, else cp1252, else an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(
            f"{name} rad {line}: filen går inte att läsa som UTF-8 eller Windows-1252 "
            f"(byte 0x{data[e.start]:02X})"
        ) from None


def _read_csv_rows(path: Path, expected_header: list[str] | None) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every record, header first; delimiter "," or ";" sniffed."""
    text = _decode(path.read_bytes(), path.name)
    if text.strip() == "":
        raise DataError(f"{path.name}: filen är tom (väntade en rubrikrad och tabellens rader)")

    def parse(delim):
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delim, strict=True)
        out = []
        try:
            while True:
                start = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                out.append((start, cells))
        except csv.Error:
            raise DataError(f"{path.name} rad {reader.line_num}: trasig CSV, citattecknen "
                            f"går inte ihop") from None
        while out and out[-1][1] == []:  # blank lines at the end
            out.pop()
        return out

    header_line = text.splitlines()[0]
    candidates = [d for d in (",", ";") if d in header_line] or [","]
    if len(candidates) == 1:
        return parse(candidates[0])
    # Both occur in the header: take the one that yields the sidecar's header.
    parsed = {d: parse(d) for d in candidates}
    for d, rows in parsed.items():
        if expected_header is not None and rows and rows[0][1] == expected_header:
            return rows
    return max(parsed.values(), key=lambda rows: len(rows[0][1]))


def _cell_text(value) -> str:
    """An xlsx cell as text: numbers written the Swedish way so they parse like CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not np.isfinite(value):
            return str(value)
        s = np.format_float_positional(float(value), trim="-")
        whole, _, frac = s.lstrip("-").partition(".")
        whole = f"{int(whole):,}".replace(",", " ")
        return ("-" if s.startswith("-") else "") + whole + ("," + frac if frac else "")
    return str(value)


def _read_xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(sheet row number, cells as text) of the first sheet; merged cells are an error."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # a broken or non-xlsx file
        raise DataError(f"{path.name}: filen går inte att läsa som xlsx ({e})") from None
    ws = wb.worksheets[0]
    merged = [str(r) for r in ws.merged_cells.ranges]
    if merged:
        raise DataError([
            f'{path.name} blad "{ws.title}", celler {r}: sammanslagna celler stöds inte '
            f"(skriv en rubrik per kolumn)" for r in merged
        ])
    rows = [(i, [_cell_text(v) for v in vals])
            for i, vals in enumerate(ws.iter_rows(values_only=True), start=1)]
    for _, cells in rows:  # xlsx pads rows to the sheet width: drop empty trailing cells
        while cells and cells[-1] == "":
            cells.pop()
    while rows and rows[-1][1] == []:
        rows.pop()
    if not rows:
        raise DataError(f"{path.name}: filen är tom (väntade en rubrikrad och tabellens rader)")
    return rows


def _read_sidecar(path: Path) -> dict:
    side = path.with_suffix(".yaml")
    if not side.exists():
        raise DataError(
            f"{path.name}: beskrivningsfilen {side.name} saknas "
            f"(varje tabell behöver en YAML-fil med samma namn, se data/raw/README.md)"
        )
    meta = yamlfile.load(side, DataError)
    if not isinstance(meta, dict):
        raise DataError(f"{side.name}: väntade en YAML-mappning med tabellens beskrivning")
    return meta
