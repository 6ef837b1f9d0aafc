"""Read the source tables in ``data/raw``: strict Swedish numbers, validation, tidy export.

A raw table is a CSV (or XLSX) file with the figures as printed plus a sidecar YAML file
describing it (``data/raw/README.md``). Every cell is read as text and parsed here, never by
pandas: pandas ignores no-break-space thousands separators, never parses U+2212 and leaves a
whole column as text when one cell is odd. All faults of a file are collected and raised
together as one :class:`DataError`.
"""
from __future__ import annotations

import csv
import io as _io
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import paths, provenance, schema
from .table import Table

#: Columns of ``tables.csv`` (``kuanalysis data``): a contract, keep stable.
TIDY_COLUMNS = ["document", "table", "row", "column", "value", "unit", "source_file", "source_row"]

TABLE_SUFFIXES = (".csv", ".xlsx")

_EXAMPLE = '(väntade t.ex. "1 234" eller "-1 234,5")'
_SEP = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_NUMBER = re.compile(
    rf"^(?P<minus>[-\u2212][{_SEP}]*)?"
    rf"(?P<int>\d{{1,3}}(?:(?P<sep>[{_SEP}])\d{{3}}(?:(?P=sep)\d{{3}})*)?|\d+)"
    rf"(?:,(?P<frac>\d+))?"
    rf"(?:[{_SEP}]?(?P<suffix>mnkr|tkr|kr|%))?$"
)


class DataError(ValueError):
    """One or more faults in raw data; the message lists every fault, one per line."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


def _where(file, row, column) -> str:
    parts = [str(file)]
    if row is not None:
        parts.append(f"rad {row}")
    if column is not None:
        parts.append(f'kolumn "{column}"')
    return parts[0] + (" " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _hint(text: str) -> str:
    """A short Swedish reason why ``text`` is not a number, or "" when no better guess."""
    if "." in text:
        return "; punkt används inte (decimaltecken är komma, tusental skiljs med mellanslag)"
    if text.count(",") > 1:
        return "; mer än ett decimalkomma"
    if re.search(r"[$€£]|SEK|EUR|USD", text):
        return "; okänd valuta eller enhet (tillåtna tillägg: kr, tkr, mnkr, %)"
    m = re.fullmatch(rf"[-\u2212]?[{_SEP}]*(\d[\d{_SEP}]*)(,\d+)?", text)
    if m:
        seps = re.findall(f"[{_SEP}]+", m[1])
        if any(len(s) > 1 for s in seps):
            return "; mer än ett mellanslag mellan siffrorna"
        if len(set(seps)) > 1:
            return "; olika tusentalsavgränsare i samma tal"
        return "; tusentalsgrupperna ska ha tre siffror"
    return ""


def parse_number(text: str, *, file: str, row: int | None, column: str | None,
                 unit: str | None = None) -> float:
    """Parse one printed Swedish figure strictly.

    Parameters
    ----------
    text : str
        The cell text, e.g. ``"60 896"``, ``"-1 234,5"``, ``"- 34 867"``, ``"−395"``,
        ``"9 000 000 kr"``, ``"34 %"``. Thousands are separated by a space, no-break space
        or narrow no-break space in groups of exactly three digits; the decimal sign is a comma.
    file, row, column
        Where the text was found (file name, line number, printed column label); used only
        in the error message.
    unit : str, optional
        The cell's unit (row unit or table unit). A suffix (kr, tkr, mnkr, %) must equal it.
        ``None`` accepts any suffix.

    Returns
    -------
    float
        The value. A suffix does not scale it: ``"9 000 000 kr"`` is 9000000.0.

    Raises
    ------
    DataError
        If the text is not such a figure or its suffix disagrees with ``unit``. The message
        names file, row, column and the text found.
    """
    where = _where(file, row, column)
    stripped = text.strip(_SEP) if isinstance(text, str) else text
    if not isinstance(stripped, str) or stripped == "":
        raise DataError(f'{where}: tom cell är inget tal {_EXAMPLE}')
    m = _NUMBER.match(stripped)
    if m is None:
        raise DataError(f'{where}: "{text}" är inget tal{_hint(stripped)} {_EXAMPLE}')
    suffix = m["suffix"]
    if suffix and unit is not None and suffix != unit:
        raise DataError(
            f'{where}: "{text}" har enheten {suffix} men cellens enhet är {unit}'
        )
    digits = re.sub(f"[{_SEP}]", "", m["int"])
    value = float(digits + ("." + m["frac"] if m["frac"] else ""))
    return -value if m["minus"] else value


# -- reading files -------------------------------------------------------------------------

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
    try:
        meta = yaml.safe_load(side.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise DataError(f"{side.name}: går inte att läsa som YAML ({e})") from None
    if not isinstance(meta, dict):
        raise DataError(f"{side.name}: väntade en YAML-mappning med tabellens beskrivning")
    return meta


# -- validation ----------------------------------------------------------------------------

def _check_code(code, where: str) -> list[str]:
    if isinstance(code, int):  # YAML reads 0604 as the octal number 388
        return [f"{where}: kommunkoden {code} är ett tal i YAML; skriv den som text, "
                f't.ex. kommun_kod: "0604"']
    code = str(code)
    if re.fullmatch(r"\d{1,3}", code):
        return [f"{where}: kommunkoden {code} saknar inledande nolla, väntade {code.zfill(4)}"]
    if not schema.KOMMUN_KOD.match(code):
        return [f'{where}: kommunkoden "{code}" är inte fyra siffror']
    return []


def _check_meta(meta: dict, stem: str) -> tuple[list[str], schema.Kind | None]:
    """Faults of the sidecar on its own (fields, kind, keys, roles, codes)."""
    side = f"{stem}.yaml"
    errors = []
    for f in schema.REQUIRED_FIELDS:
        if f not in meta:
            errors.append(f"{side}: fältet {f} saknas")
    for f in meta:
        if f not in schema.REQUIRED_FIELDS + schema.OPTIONAL_FIELDS:
            errors.append(f"{side}: okänt fält {f}")
    if "table" in meta and meta["table"] != stem:
        errors.append(f'{side}: table är "{meta["table"]}" men filen heter {stem}')
    if "unit" in meta and meta["unit"] not in schema.UNITS:
        errors.append(f'{side}: okänd enhet "{meta["unit"]}" (tillåtna: {", ".join(schema.UNITS)})')
    kind = schema.KINDS.get(meta.get("kind"))
    if "kind" in meta and kind is None:
        errors.append(f'{side}: okänd tabelltyp (kind) "{meta["kind"]}" '
                      f'(tillåtna: {", ".join(schema.KINDS)})')
    if kind is not None:
        for f in kind.extra_required:
            if f not in meta:
                errors.append(f"{side}: fältet {f} saknas (krävs för {meta['kind']})")
    if "avvikelse" in meta and meta["avvikelse"] not in schema.AVVIKELSE:
        errors.append(f'{side}: avvikelse "{meta["avvikelse"]}" ska vara en av '
                      f'{", ".join(schema.AVVIKELSE)}')

    columns = meta.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        if "columns" in meta:
            errors.append(f"{side}: columns ska vara en lista av {{label, key}}")
        columns = []
    seen_keys = set()
    for c in columns:
        label = c.get("label", "?")
        w = f'{side}: kolumn "{label}"'
        for f in c:
            if f not in schema.COLUMN_FIELDS:
                errors.append(f"{w}: okänt fält {f}")
        if "label" not in c:
            errors.append(f"{side}: en kolumn saknar label")
        role = c.get("role", "value")
        if role not in schema.COLUMN_ROLES:
            errors.append(f'{w}: okänd kolumnroll "{role}"')
        key = c.get("key")
        if key is None:
            errors.append(f"{w}: key saknas")
        elif key in seen_keys:
            errors.append(f'{w}: nyckeln "{key}" förekommer två gånger')
        elif kind is not None:
            ok = bool(schema.SLUG.match(key)) if role == "text" else kind.allows_key(key)
            if not ok:
                errors.append(f'{w}: okänd nyckel "{key}" för {meta["kind"]}')
        seen_keys.add(key)

    rows = meta.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        if "rows" in meta:
            errors.append(f"{side}: rows ska vara en lista av {{label, role}}")
        rows = []
    labels = [r.get("label") for r in rows]
    codes: dict[str, str] = {}
    for r in rows:
        label = r.get("label", "?")
        w = f'{side}: raden "{label}"'
        for f in r:
            if f not in schema.ROW_FIELDS + (kind.row_fields if kind else ()):
                errors.append(f"{w}: okänt fält {f}")
        if "label" not in r:
            errors.append(f"{side}: en rad saknar label")
        role = r.get("role")
        if role is None:
            errors.append(f"{w}: role saknas")
        elif kind is not None and role not in kind.roles:
            errors.append(f'{w}: okänd radroll "{role}" för {meta["kind"]} '
                          f'(tillåtna: {", ".join(kind.roles)})')
        if "unit" in r and r["unit"] not in schema.UNITS:
            errors.append(f'{w}: okänd enhet "{r["unit"]}"')
        if kind is not None and role in kind.needs_code and "kommun_kod" not in r:
            errors.append(f"{w}: kommun_kod saknas")
        if "kommun_kod" in r:
            code_errors = _check_code(r["kommun_kod"], w)
            errors += code_errors
            if not code_errors:
                if r["kommun_kod"] in codes:
                    errors.append(f'{w}: kommunkoden {r["kommun_kod"]} finns redan på raden '
                                  f'"{codes[r["kommun_kod"]]}"')
                codes[r["kommun_kod"]] = label
        need = kind.role_needs.get(role) if kind is not None else None
        if need and need not in r:
            errors.append(f"{w}: {need} saknas (krävs för rollen {role})")
        if "parent" in r and r["parent"] not in labels:
            errors.append(f'{w}: parent "{r["parent"]}" är ingen rad i tabellen')
        for p in r.get("parts", []) or []:
            if p not in labels:
                errors.append(f'{w}: del "{p}" i parts är ingen rad i tabellen')

    # A total row: at most one, and last among the rows that are not memo rows.
    if kind is not None:
        totals = [i for i, r in enumerate(rows) if r.get("role") == "total"]
        non_memo = [i for i, r in enumerate(rows) if r.get("role") != "memo"]
        if len(totals) > 1:
            errors.append(f"{side}: flera summarader ({', '.join(str(labels[i]) for i in totals)}); "
                          f"högst en är tillåten")
        elif totals and totals[0] != non_memo[-1]:
            errors.append(f'{side}: summaraden "{labels[totals[0]]}" står inte sist '
                          f"(bara memo-rader får stå efter summan)")
    return errors, kind


def _check_layout(meta: dict, records: list[tuple[int, list[str]]], name: str) -> list[str]:
    """Faults of the file against its sidecar: header, row labels, row widths."""
    errors = []
    header = records[0][1]
    expected = [meta.get("label_column")] + [c.get("label") for c in meta.get("columns") or []]
    if header != expected:
        missing = [h for h in expected if h not in header]
        extra = [h for h in header if h not in expected]
        for h in missing:
            errors.append(f'{name} rad 1: kolumnen "{h}" saknas')
        for h in extra:
            errors.append(f'{name} rad 1: okänd kolumn "{h}" (finns inte i beskrivningsfilen)')
        if not missing and not extra:
            errors.append(f"{name} rad 1: kolumnerna står i fel ordning; väntade "
                          + ", ".join(f'"{h}"' for h in expected))
    width = len(header)
    for line, cells in records[1:]:
        if len(cells) != width:
            msg = f"{name} rad {line}: raden har {len(cells)} fält, väntade {width}"
            joined = "".join(cells)
            if ";" in joined or ("," in joined and len(cells) < width):
                msg += " (blandade avgränsare , och ; ?)"
            errors.append(msg)

    expected_rows = [r.get("label") for r in meta.get("rows") or []]
    # A row with the wrong width (often another delimiter) is already reported: match it by
    # the text before its first delimiter, so its label does not raise two more faults.
    found = [(line, (cells[0] if len(cells) == width else re.split("[,;]", cells[0])[0])
              if cells else "") for line, cells in records[1:]]
    first_line: dict[str, int] = {}
    for line, label in found:
        if label.strip() == "":
            errors.append(f"{name} rad {line}: radrubriken är tom")
        elif label in first_line:
            errors.append(f'{name} rad {line}: raden "{label}" förekommer två gånger '
                          f"(också rad {first_line[label]})")
        else:
            first_line[label] = line
    for label in expected_rows:
        if label not in first_line:
            errors.append(f'{name}: raden "{label}" finns i beskrivningsfilen men inte i filen')
    for line, label in found:
        if label.strip() and label not in expected_rows:
            errors.append(f'{name} rad {line}: raden "{label}" finns inte i beskrivningsfilen')
    file_order = [lab for lab in first_line if lab in expected_rows]
    side_order = [lab for lab in expected_rows if lab in first_line]
    if file_order != side_order:
        errors.append(f"{name}: raderna står i en annan ordning än i beskrivningsfilen")
    return errors


def load_table(path: str | os.PathLike) -> Table:
    """Read and validate one raw table (CSV or XLSX) with its sidecar ``<stem>.yaml``.

    Parameters
    ----------
    path : path-like
        The CSV/XLSX file; anywhere on disk (the project root only shapes ``source_file``).

    Returns
    -------
    Table
        Figures as floats (NaN = blank), printed text, sidecar and line numbers.

    Raises
    ------
    DataError
        Listing every fault found in the file and its sidecar, one per line.
    """
    path = Path(path)
    name = path.name
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise DataError(f"{name}: okänd filtyp (väntade .csv eller .xlsx)")
    meta = _read_sidecar(path)
    errors, kind = _check_meta(meta, path.stem)
    columns = meta.get("columns") if isinstance(meta.get("columns"), list) else []
    expected_header = [meta.get("label_column")] + [
        c.get("label") for c in columns if isinstance(c, dict)]
    try:
        if path.suffix.lower() == ".xlsx":
            records = _read_xlsx_rows(path)
        else:
            records = _read_csv_rows(path, expected_header)
    except DataError as e:  # unreadable file: still report the sidecar's faults with it
        raise DataError(errors + e.errors) from None
    errors += _check_layout(meta, records, name)

    header = records[0][1]
    col_meta = {c.get("label"): c for c in columns if isinstance(c, dict)}
    row_meta = {r.get("label"): r for r in meta.get("rows") or [] if isinstance(r, dict)}
    text_cols = [h for h in header[1:] if col_meta.get(h, {}).get("role") == "text"]
    figure_cols = [h for h in header[1:] if h not in text_cols]
    table_unit = meta.get("unit")
    values, texts, source_rows = {}, {}, {}
    for line, cells in records[1:]:
        if not cells or len(cells) != len(header):
            continue  # already reported by _check_layout
        label = cells[0]
        if label in source_rows:
            continue  # duplicate, already reported
        source_rows[label] = line
        unit = row_meta.get(label, {}).get("unit", table_unit)
        unit = unit if unit in schema.UNITS else None
        texts[label] = cells[1:]
        row_values = []
        for col, cell in zip(header[1:], cells[1:]):
            if col in text_cols:
                if col_meta[col].get("key") == "kommun_kod" and cell.strip():
                    errors += _check_code(cell.strip(), _where(name, line, col))
                    if cell.strip() != str(row_meta.get(label, {}).get("kommun_kod", cell.strip())):
                        errors.append(f'{_where(name, line, col)}: kommunkoden {cell} skiljer '
                                      f"sig från beskrivningsfilens "
                                      f'{row_meta[label]["kommun_kod"]}')
                continue
            if cell.strip(_SEP) == "":
                row_values.append(np.nan)  # blank stays blank
                continue
            try:
                row_values.append(parse_number(cell, file=name, row=line, column=col, unit=unit))
            except DataError as e:
                errors += e.errors
                row_values.append(np.nan)
        values[label] = row_values
    if errors:
        raise DataError(errors)

    label_col = meta["label_column"]
    vals = pd.DataFrame.from_dict(values, orient="index", columns=figure_cols, dtype=float)
    vals.index.name = label_col
    text = pd.DataFrame.from_dict(texts, orient="index", columns=header[1:], dtype=object)
    text.index.name = label_col
    # a report lists every file its figures came from, with its SHA-256
    provenance.note_input(path)
    provenance.note_input(path.with_suffix(".yaml"))
    return Table(meta=meta, values=vals, text=text, source_file=paths.relative(path),
                 source_rows=source_rows)


def _table_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def _load_files(files: list[Path]) -> dict[str, Table]:
    errors, tables, where = [], {}, {}
    for f in files:
        if f.stem in where:
            errors.append(f"{paths.relative(f)}: tabellen {f.stem} finns redan "
                          f"({paths.relative(where[f.stem])}); tabellnamn ska vara unika")
            continue
        where[f.stem] = f
        try:
            tables[f.stem] = load_table(f)
        except DataError as e:
            errors += e.errors
    if errors:
        raise DataError(errors)
    return dict(sorted(tables.items()))


def load_folder(folder: str | os.PathLike) -> dict[str, Table]:
    """Load every table (CSV/XLSX file) of one folder.

    Parameters
    ----------
    folder : path-like

    Returns
    -------
    dict
        Table stem -> :class:`Table`, sorted by stem.

    Raises
    ------
    DataError
        Listing the faults of every file in the folder together.
    """
    return _load_files(_table_files(Path(folder)))


def load_all(raw: str | os.PathLike | None = None) -> dict[str, Table]:
    """Load every table under ``data/raw`` (or ``raw``), one folder level deep.

    README files and YAML files without a table beside them (``kontinuitet/*.yaml``) are not
    tables and are skipped; every CSV/XLSX file is a table and needs a sidecar.

    Parameters
    ----------
    raw : path-like, optional
        Defaults to :func:`kuanalysis.paths.raw_dir`.

    Returns
    -------
    dict
        Table stem -> :class:`Table`, sorted by stem.

    Raises
    ------
    DataError
        Listing the faults of every file together.
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    files = _table_files(raw)
    for sub in sorted(p for p in raw.iterdir() if p.is_dir()):
        files += _table_files(sub)
    tables = _load_files(files)
    errors = _check_targets(tables)
    if errors:
        raise DataError(errors)
    return tables


def _check_targets(tables: dict[str, Table]) -> list[str]:
    """A claim's ``targets`` must name a table, row and column that exist."""
    errors = []
    for t in tables.values():
        for r in t.meta.get("rows", []):
            for target in r.get("targets") or []:
                w = f'{t.id}.yaml: raden "{r["label"]}": targets'
                if not isinstance(target, dict) or set(target) != {"table", "row", "column"}:
                    errors.append(f"{w}: väntade {{table, row, column}}, fann {target!r}")
                    continue
                other = tables.get(target["table"])
                if other is None:
                    errors.append(f'{w}: tabellen "{target["table"]}" finns inte')
                    continue
                if target["row"] not in other.text.index:
                    errors.append(f'{w}: tabellen {other.id} har ingen rad "{target["row"]}"')
                if target["column"] not in other.values.columns:
                    errors.append(f'{w}: tabellen {other.id} har ingen talkolumn '
                                  f'"{target["column"]}"')
    return errors


def tidy(tables: dict[str, Table] | list[Table]) -> pd.DataFrame:
    """One line per printed figure, with provenance.

    Parameters
    ----------
    tables : dict or list of Table

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS`. Blank cells and text columns are absent; ``row`` and
        ``column`` are the labels as printed, ``table`` the printed heading, ``unit`` the row's
        unit or else the table's, ``source_row`` the line number in ``source_file``.
    """
    if isinstance(tables, dict):
        tables = list(tables.values())
    records = []
    for t in tables:
        row_units = {r.get("label"): r.get("unit", t.unit) for r in t.meta.get("rows", [])}
        for row, series in t.values.iterrows():
            unit = row_units.get(row, t.unit)
            for column, value in series.items():
                if pd.isna(value):
                    continue
                records.append((t.document, t.heading, row, column, float(value), unit,
                                t.source_file, t.source_rows.get(row)))
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["source_row"] = frame["source_row"].astype("Int64")
    return frame


def cli_data(out_dir: str | os.PathLike | None = None) -> int:
    """``kuanalysis data [--out DIR]``: load and check all raw tables, write ``tables.csv``.

    Parameters
    ----------
    out_dir : path-like, optional
        Where to write ``tables.csv``; defaults to ``data/processed``.

    Returns
    -------
    int
        0 on success; 2 when the raw data has faults (they are printed, nothing is written).
    """
    out = Path(out_dir) if out_dir is not None else paths.processed_dir()
    raw = paths.raw_dir()
    if out.resolve() == raw.resolve() or raw.resolve() in out.resolve().parents:
        print(f"fel: {paths.relative(out)} ligger i data/raw, som aldrig skrivs till",
              file=sys.stderr)
        return 2
    try:
        tables = load_all(raw)
    except DataError as e:
        print(f"Fel i rådata ({len(e.errors)} st), inget skrevs:", file=sys.stderr)
        print(str(e), file=sys.stderr)
        return 2
    frame = tidy(tables)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "tables.csv"
    with paths.atomic_path(target) as tmp:
        # figures as printed, without a trailing ".0": 833, 28.9, -5340
        frame.assign(value=frame["value"].map(lambda v: f"{v:.15g}")).to_csv(
            tmp, index=False, lineterminator="\n", encoding="utf-8")
    print(f"Skrev {len(frame)} värden från {len(tables)} tabeller till {paths.relative(target)}")
    return 0


def inventory(tables: dict[str, Table]) -> pd.DataFrame:
    """One line per source table: document, heading, unit, kind, printed figures, blank cells."""
    kinds = {"fund_statement": "fondredovisning", "fee_matrix": "avgiftsmatris",
             "share_table": "andelstabell", "amount_table": "beloppstabell",
             "amount_by_kommun": "belopp per kommun", "budget_followup": "budgetuppföljning",
             "claims": "belopp i löptexten", "population": "befolkning"}
    rows = []
    for t in tables.values():
        rows.append({
            "Dokument": t.meta.get("document_title", t.document),
            "Tabell": t.heading,
            "Enhet": t.unit,
            "Slag": kinds.get(t.kind, t.kind),
            "Tryckta tal": int(t.values.notna().sum().sum()),
            "Tomma celler": int(t.values.isna().sum().sum()),
        })
    return pd.DataFrame(rows).sort_values(["Dokument", "Tabell"], kind="stable").set_index("Tabell")


def document_titles(tables: dict[str, Table]) -> dict[str, str]:
    """Source document file name -> its title, as the sidecars give them."""
    return {t.document: t.meta.get("document_title", t.document) for t in tables.values()}
