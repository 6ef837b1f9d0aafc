"""Reading a raw file into records of cell text: CSV (comma or semicolon) and XLSX, and the
sidecar YAML beside it. Nothing is parsed as a number here (see :mod:`.numbers`).
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import yamlfile
from ..errors import DataError
from .labels import header_score


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


def _read_csv_rows(
    path: Path, expected_header: list[str] | None, others: Sequence[list[str]] = ()
) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every record, header first; delimiter "," or ";" sniffed.

    The delimiter is the one in the first non-blank line. When that line has both or neither
    (a title line above the header), both are tried and the one whose rows hold
    ``expected_header`` (or one of ``others``: the file may be any of several tables) best
    is taken.
    """
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
            raise DataError(
                f"{path.name} rad {reader.line_num}: trasig CSV, citattecknen går inte ihop"
            ) from None
        while out and out[-1][1] == []:  # blank lines at the end
            out.pop()
        return out

    first_line = next(line for line in text.splitlines() if line.strip())
    candidates = [d for d in (",", ";") if d in first_line]
    if len(candidates) != 1:
        candidates = [d for d in (",", ";") if d in text] or [","]
    if len(candidates) == 1:
        return parse(candidates[0])
    parsed, failed = {}, []
    for d in candidates:
        try:
            parsed[d] = parse(d)
        except DataError as e:
            failed.append(e)
    if not parsed:
        raise failed[0]
    headers = ([expected_header] if expected_header is not None else []) + list(others)
    if headers:
        for rows in parsed.values():
            if rows and rows[0][1] in headers:
                return rows
        score = {
            d: max(header_score(cells, h) for _, cells in rows for h in headers)
            for d, rows in parsed.items()
        }
        best = max(score.values())
        if best > 0 and list(score.values()).count(best) == 1:
            return next(parsed[d] for d in parsed if score[d] == best)
    return max(parsed.values(), key=lambda rows: len(rows[0][1]))


class NotAFigure(str):
    """The text of an xlsx cell that holds a date or a truth value, and why it is no figure.

    It is text where text is wanted (a label, a text column); in a figure column the reader
    reports :attr:`problem`, which names the cell.
    """

    problem: str

    def __new__(cls, text: str, problem: str):
        self = super().__new__(cls, text)
        self.problem = problem
        return self


class Number(str):
    """The text of a numeric xlsx cell, written the Swedish way ("2 016", "1,2") so that it
    parses like CSV text; :attr:`plain` is the number without thousands separator ("2016"),
    as Excel shows it in a cell of format General: the text of a heading, row label or text
    column (a year heading, a municipality code)."""

    plain: str

    def __new__(cls, text: str, plain: str):
        self = super().__new__(cls, text)
        self.plain = plain
        return self


def plain(cell: str) -> str:
    """A cell as text to be read as text: a :class:`Number` without thousands separator."""
    return cell.plain if isinstance(cell, Number) else cell


def swedish(value: int | float, suffix: str = "") -> str:
    """A number written the Swedish way: thousands separated by a space, decimal comma.

    Integers stay integers; a float is written with at most 15 significant digits, as Excel
    shows it, so a stored 1.2000000000000002 reads "1,2". ``suffix`` follows the number
    (``" %"``); :attr:`Number.plain` never has one.
    """
    if isinstance(value, float):
        if not np.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)
    if isinstance(value, int):
        s = str(value)
    else:
        s = np.format_float_positional(float(f"{value:.15g}"), trim="-")
    whole, _, frac = s.lstrip("-").partition(".")
    sign, frac = ("-" if s.startswith("-") else ""), ("," + frac if frac else "")
    return Number(sign + f"{int(whole):,}".replace(",", " ") + frac + suffix, sign + whole + frac)


def pad_rows(rows: list[tuple[int, list[str]]], width: int) -> list[tuple[int, list[str]]]:
    """Rows shorter than ``width`` filled with blank cells (an xlsx row ends at its last
    non-blank cell); a blank cell stays blank, never 0. Longer rows are left as they are."""
    return [(line, cells + [""] * (width - len(cells))) for line, cells in rows]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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
