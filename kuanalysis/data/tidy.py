"""The raw tables as one tidy frame (``kuanalysis data``) and as an inventory for readers."""

from __future__ import annotations

import os

import pandas as pd

from .. import paths
from ..errors import DataError, print_input_error
from .load import load_all
from .table import Table

#: Columns of ``tables.csv`` (``kuanalysis data``): a contract, keep stable.
TIDY_COLUMNS = ["document", "table", "row", "column", "value", "unit", "source_file", "source_row"]


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
                records.append(
                    (
                        t.document,
                        t.heading,
                        row,
                        column,
                        float(value),
                        unit,
                        t.source_file,
                        t.source_rows.get(row),
                    )
                )
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

    Raises
    ------
    kuanalysis.errors.PathError
        When ``out_dir`` lies under ``data/raw`` or is not a folder (:func:`paths.output`).
    """
    out = paths.output(os.fspath(out_dir) if out_dir is not None else paths.processed_dir(), "dir")
    try:
        tables = load_all(paths.raw_dir())
    except DataError as e:
        print_input_error(e, f"Fel i rådata ({len(e.errors)} st), inget skrevs:")
        return 2
    frame = tidy(tables)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "tables.csv"
    with paths.atomic_path(target) as tmp:
        # figures as printed, without a trailing ".0": 833, 28.9, -5340
        frame.assign(value=frame["value"].map(lambda v: f"{v:.15g}")).to_csv(
            tmp, index=False, lineterminator="\n", encoding="utf-8"
        )
    print(f"Skrev {len(frame)} värden från {len(tables)} tabeller till {paths.relative(target)}")
    return 0
