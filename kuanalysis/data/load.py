"""Loading raw tables: a file and its sidecar, checked against each other, as a :class:`Table`.

A raw table is a CSV (or XLSX) file with the figures as printed plus a sidecar YAML file
describing it (``data/raw/README.md``). All faults of a file are collected and raised
together as one :class:`~kuanalysis.errors.DataError`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..errors import DataError
from ..provenance import source
from . import kinds as schema
from .labels import find_header
from .numbers import _SEP, _where, parse_number
from .read import NotAFigure, _read_csv_rows, _read_sidecar, pad_rows, plain
from .sidecar import _check_code, _check_meta
from .table import Table
from .workbook import read_first_sheet

TABLE_SUFFIXES = (".csv", ".xlsx")


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
            errors.append(
                f"{name} rad 1: kolumnerna står i fel ordning; väntade "
                + ", ".join(f'"{h}"' for h in expected)
            )
    width = len(header)
    for line, cells in records[1:]:
        if len(cells) != width:
            msg = f"{name} rad {line}: raden har {len(cells)} fält, väntade {width}"
            joined = "".join(cells)
            if ";" in joined or ("," in joined and len(cells) < width):
                msg += " (blandade avgränsare , och ; ?)"
            errors.append(msg)

    expected_rows = [r.get("label") for r in meta.get("rows") or []]
    expected_set = {x for x in expected_rows if isinstance(x, str)}
    # A row with the wrong width (often another delimiter) is already reported: match it by
    # the text before its first delimiter, so its label does not raise two more faults.
    found = [
        (
            line,
            (cells[0] if len(cells) == width else re.split("[,;]", cells[0])[0]) if cells else "",
        )
        for line, cells in records[1:]
    ]
    first_line: dict[str, int] = {}
    for line, label in found:
        if label.strip() == "":
            errors.append(f"{name} rad {line}: radrubriken är tom")
        elif label in first_line:
            errors.append(
                f'{name} rad {line}: raden "{label}" förekommer två gånger '
                f"(också rad {first_line[label]})"
            )
        else:
            first_line[label] = line
    for label in expected_rows:
        if label not in first_line:
            errors.append(f'{name}: raden "{label}" finns i beskrivningsfilen men inte i filen')
    for line, label in found:
        if label.strip() and label not in expected_set:
            errors.append(f'{name} rad {line}: raden "{label}" finns inte i beskrivningsfilen')
    file_order = [lab for lab in first_line if lab in expected_set]
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
    errors, _ = _check_meta(meta, path.stem)
    columns = (
        [c for c in meta.get("columns") or [] if isinstance(c, dict)]
        if isinstance(meta.get("columns"), list)
        else []
    )
    expected_header = [meta.get("label_column")] + [c.get("label") for c in columns]
    try:
        records = _records(path, columns, expected_header)
    except DataError as e:  # unreadable file: still report the sidecar's faults with it
        raise DataError(errors + e.errors) from None
    header_at = find_header([[plain(c) for c in cells] for _, cells in records], expected_header)
    if header_at:  # title rows above the header: one message instead of one per row
        raise DataError(
            errors
            + [
                f"{name}: rubrikraden står på rad {records[header_at][0]}; ta bort raderna ovanför "
                f"eller använd kuanalysis import"
            ]
        )
    errors += _check_layout(meta, records, name)
    values, texts, source_rows = _cells(meta, columns, records, name, errors)
    if errors:
        raise DataError(errors)

    header = records[0][1]
    text_cols = {c.get("label") for c in columns if c.get("role") == "text"}
    figure_cols = [h for h in header[1:] if h not in text_cols]
    label_col = meta["label_column"]
    vals = pd.DataFrame.from_dict(values, orient="index", columns=figure_cols, dtype=float)
    vals.index.name = label_col
    text = pd.DataFrame.from_dict(texts, orient="index", columns=header[1:], dtype=object)
    text.index.name = label_col
    # the table carries the files its figures came from, with their SHA-256
    return Table(
        meta=meta,
        values=vals,
        text=text,
        source_file=paths.relative(path),
        source_rows=source_rows,
        sources=(source(path), source(path.with_suffix(".yaml"))),
    )


def _records(path: Path, columns: list[dict], expected_header: list) -> list[tuple[int, list[str]]]:
    """The file's records, header first: a CSV's, or an xlsx table's first visible sheet with
    rows padded to the header (a row ends at its last non-blank cell) and its headings, row
    labels and text columns read as text (a year heading 2016 is "2016")."""
    if path.suffix.lower() != ".xlsx":
        return _read_csv_rows(path, expected_header)
    _, records = read_first_sheet(path)
    records = records[:1] + pad_rows(records[1:], len(records[0][1]))
    header = [plain(c) for c in records[0][1]]
    text_labels = {c.get("label") for c in columns if c.get("role") == "text"}
    as_text = {0} | {i for i, h in enumerate(header) if h in text_labels}
    return [(records[0][0], header)] + [
        (line, [plain(c) if i in as_text else c for i, c in enumerate(cells)])
        for line, cells in records[1:]
    ]


def _cells(
    meta: dict, columns: list[dict], records, name: str, errors: list[str]
) -> tuple[dict, dict, dict]:
    """Every row's figures (NaN = blank) and printed text, and its line; faults go to
    ``errors`` (a row of the wrong width or a duplicate is skipped: already reported)."""
    header = records[0][1]
    col_meta = {c.get("label"): c for c in columns}
    row_meta = {r.get("label"): r for r in meta.get("rows") or [] if isinstance(r, dict)}
    text_cols = {h for h in header[1:] if col_meta.get(h, {}).get("role") == "text"}
    values, texts, source_rows = {}, {}, {}
    for line, cells in records[1:]:
        if not cells or len(cells) != len(header) or cells[0] in source_rows:
            continue
        label = cells[0]
        source_rows[label] = line
        unit = row_meta.get(label, {}).get("unit", meta.get("unit"))
        unit = unit if unit in schema.UNITS else None
        texts[label] = cells[1:]
        row_values = []
        for col, cell in zip(header[1:], cells[1:]):
            where = _where(name, line, col)
            if col in text_cols:
                if col_meta[col].get("key") == "kommun_kod" and cell.strip():
                    errors += _check_kommun_kod(cell, row_meta.get(label, {}), where)
                continue
            row_values.append(_figure(cell, name, line, col, unit, errors))
        values[label] = row_values
    return values, texts, source_rows


def _check_kommun_kod(cell: str, row: dict, where: str) -> list[str]:
    """A printed kommun code: four digits, the same as the sidecar's."""
    errors = _check_code(cell.strip(), where)
    if cell.strip() != str(row.get("kommun_kod", cell.strip())):
        errors.append(
            f"{where}: kommunkoden {cell} skiljer sig från beskrivningsfilens {row['kommun_kod']}"
        )
    return errors


def _figure(cell: str, name: str, line: int, col: str, unit, errors: list[str]) -> float:
    """One figure cell as a number (NaN when blank, or when at fault: the fault is noted)."""
    if isinstance(cell, NotAFigure):  # a date or truth value in an xlsx figure cell
        errors.append(f"{_where(name, line, col)}: {cell.problem}")
        return np.nan
    if cell.strip(_SEP) == "":
        return np.nan  # blank stays blank
    try:
        return parse_number(cell, file=name, row=line, column=col, unit=unit)
    except DataError as e:
        errors += e.errors
        return np.nan


def _table_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def _load_files(files: list[Path]) -> dict[str, Table]:
    errors: list[str] = []
    tables: dict[str, Table] = {}
    where: dict[str, Path] = {}
    for f in files:
        if f.stem in where:
            errors.append(
                f"{paths.relative(f)}: tabellen {f.stem} finns redan "
                f"({paths.relative(where[f.stem])}); tabellnamn ska vara unika"
            )
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
                    errors.append(
                        f'{w}: tabellen {other.id} har ingen talkolumn "{target["column"]}"'
                    )
    return errors
