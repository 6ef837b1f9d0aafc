"""``kuanalysis import``: the next period's table from an export (xlsx or csv), laid out like a
table already in ``data/raw``.

The export is read as it is: the header row is found below any title and blank rows, rows
and columns are paired with the existing table's by their printed labels (:mod:`.labels`),
and every figure is checked with the number grammar (:mod:`.numbers`). The table and its
sidecar are written as new files in ``data/raw`` (the only files the code writes there) and
loaded with :func:`~kuanalysis.data.load_table` as a check. Rows or columns that differ from
the existing table are listed and written only when the user confirms them; nothing is
guessed silently and no existing file is ever overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import sys
from pathlib import Path

from .. import paths, yamlfile
from ..errors import DataError, InputError, print_input_error
from . import kinds as schema
from . import periods as periods_
from .labels import find_header, match_labels, printed
from .load import TABLE_SUFFIXES, _table_files, load_table
from .numbers import _where, parse_number
from .read import NotAFigure, _read_csv_rows, _read_xlsx_rows, column_letter, pad_rows, plain

#: A table name (file stem): lower-case ASCII letters, digits and hyphens.
TABLE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: Sidecar fields in the order they are written.
FIELD_ORDER = (
    "table",
    "document",
    "document_title",
    "heading",
    "unit",
    "kind",
    "avvikelse",
    "period",
    "label_column",
    "columns",
    "rows",
    "notes",
)
#: Row roles a new row never takes from its neighbour: they are not a matter of position.
NOT_BY_POSITION = ("total", "subtotal", "netting", "memo")
_PLAIN = re.compile(r"^[a-z][a-z0-9_-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
#: Fields whose values are identifiers, written without quotes.
_IDENTIFIERS = ("table", "kind", "unit", "key", "role", "avvikelse", "kind_of_claim")


class ToConfirm(DataError):
    """Nothing written: the export differs from ``like`` in rows or columns to be confirmed.

    ``errors`` ends with one line saying so (after any faults); ``changes`` is the list to
    confirm, information printed below it, not faults.
    """

    def __init__(self, errors: list[str], changes: list[str]):
        super().__init__(errors)
        self.changes = list(changes)

    def __str__(self) -> str:
        return "\n".join(self.errors + [f"  {c}" for c in self.changes])


def _bracketed(label: str) -> bool:
    return label.startswith("[") and label.endswith("]")


# -- the sidecar as text ----------------------------------------------------------------------


def _scalar(value, key: str | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if key in _IDENTIFIERS and _PLAIN.match(text) and text not in _YAML_WORDS:
        return text
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )  # a JSON string is a YAML double-quoted scalar


def _flow(value, key: str | None = None) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, key)


def sidecar_text(meta: dict) -> str:
    """The sidecar as YAML in the style of ``data/raw``: one column or row per line, every
    text in double quotes except identifiers (table, kind, unit, keys and roles)."""
    lines = []
    for key, value in meta.items():
        if isinstance(value, list) and value:
            lines.append(f"{key}:")
            lines += [f"  - {_flow(v)}" for v in value]
        else:
            lines.append(f"{key}: {_flow(value, key)}")
    return "\n".join(lines) + "\n"


def table_text(header: list[str], rows: list[list[str]]) -> str:
    """The table as CSV in the format of ``data/raw/README.md`` (comma, one header line)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


# -- where things are in data/raw -------------------------------------------------------------


def _raw_files(raw: Path) -> list[Path]:
    files = _table_files(raw)
    for sub in sorted(p for p in raw.iterdir() if p.is_dir()):
        files += _table_files(sub)
    return files


def _named(raw: Path, stem: str) -> list[Path]:
    """Every table file or sidecar called ``stem`` in data/raw (one folder level deep)."""
    return sorted(
        p
        for p in [*raw.iterdir(), *raw.glob("*/*")]
        if p.is_file() and p.stem == stem and p.suffix.lower() in TABLE_SUFFIXES + (".yaml",)
    )


def _target_folder(raw: Path, period: str, folder: str | None, table: str, kind: str) -> Path:
    """``--mapp``; else the period's folder: the one whose fund statement has this period, else
    the one holding a table of the same ``kind`` for it; else a new ``NNN-<slug>``.

    Other tables that merely cover the same dates (a claims table over the year, another
    document's budget follow-up) do not make a folder the period's.
    """
    if folder:
        return raw / folder
    by_kind: dict[str, set[Path]] = {"fund_statement": set(), kind: set()}
    for side in sorted(raw.glob("*/*.yaml")):
        if any(side.with_suffix(s).exists() for s in TABLE_SUFFIXES):
            meta = yamlfile.load(side, DataError)
            if (
                isinstance(meta, dict)
                and str(meta.get("period")) == period
                and meta.get("kind") in by_kind
            ):
                by_kind[meta["kind"]].add(side.parent)
    same = by_kind["fund_statement"] or by_kind[kind]
    if len(same) > 1:
        raise DataError(
            f"tabeller för perioden {period} finns i flera mappar "
            f"({', '.join(sorted(p.name for p in same))}); välj en med --mapp"
        )
    if same:
        return same.pop()
    numbers = [
        int(m[1]) for p in raw.iterdir() if p.is_dir() and (m := re.match(r"^([0-9]+)-", p.name))
    ]
    slug = re.sub(r"(-[0-9]{1,2})+$", "", table) or table  # "delar-2025-t1-4-1" -> "delar-2025-t1"
    return raw / f"{max(numbers, default=-1) + 1:03d}-{slug}"


def new_heading(heading: str, old_period: str, new_period: str) -> str:
    """``like``'s heading for the new period: its start and end dates and the year of its end
    replaced by the new period's ("4.1 Kommunal utveckling 2024-08-31" ->
    "4.1 Kommunal utveckling 2025-04-30"), in one pass."""
    old, new = str(old_period).split("/"), new_period.split("/")
    if len(old) != 2:
        return heading
    swap = {old[0]: new[0], old[1]: new[1], old[1][:4]: new[1][:4]}
    pattern = "|".join(re.escape(k) for k in sorted(swap, key=len, reverse=True))
    return re.sub(f"(?<![0-9])(?:{pattern})(?![0-9])", lambda m: swap[m[0]], heading)


def _check_arguments(
    source: Path, like: str, table: str, period: str, folder: str | None, raw: Path
) -> tuple[list[str], Path | None]:
    errors = []
    if source.suffix.lower() not in TABLE_SUFFIXES:
        errors.append(f"{source.name}: okänd filtyp (väntade .xlsx eller .csv)")
    elif not source.is_file():
        errors.append(f"{source.name}: filen finns inte")
    elif source.resolve().is_relative_to(raw.resolve()):
        errors.append(
            f"{source.name}: lägg exportfilen utanför data/raw (där räknas varje "
            f"xlsx- och csv-fil som en tabell)"
        )
    existing = _named(raw, table)
    if not TABLE_NAME.match(table):
        errors.append(
            f'--table "{table}": ett tabellnamn har bara små bokstäver a–z, siffror '
            f"och bindestreck, t.ex. delar-2025-t1-4-1"
        )
    elif existing:
        errors.append(
            f"tabellen {table} finns redan ("
            + ", ".join(paths.relative(p) for p in existing)
            + "); import skriver aldrig över något, välj ett annat namn med --table"
        )
    if not PERIOD.match(period):
        errors.append(
            f'--period "{period}": väntade ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD, t.ex. 2025-01-01/2025-04-30'
        )
    else:
        try:
            start, end = (dt.date.fromisoformat(d) for d in period.split("/"))
            if end < start:
                errors.append(f"--period {period}: slutdatumet ligger före startdatumet")
        except ValueError:
            errors.append(f"--period {period}: inget giltigt datum")
    if folder is not None and not FOLDER_NAME.match(folder):
        errors.append(
            f'--mapp "{folder}": ett mappnamn i data/raw har bara bokstäver a–z, '
            f"siffror, - och _, t.ex. 005-delar-2025-t1"
        )
    like_path = next((p for p in _raw_files(raw) if p.stem == like), None)
    if like_path is None:
        errors.append(f"tabellen {like} (--like) finns inte i data/raw")
    return errors, like_path


def _role_by_position(i: int, paired: dict[int, int], rows: list[dict]) -> str | None:
    """A new row's role: that of the nearest paired row above it (or below, at the top)."""
    above = [a for a in paired if a < i]
    below = [b for b in paired if b > i]
    nearest = max(above) if above else min(below) if below else None
    return None if nearest is None else rows[paired[nearest]].get("role")


# -- the import -------------------------------------------------------------------------------


def import_table(
    file: str | Path,
    *,
    like: str,
    table: str,
    period: str,
    document: str | None = None,
    folder: str | None = None,
    confirm: bool = False,
) -> str:
    """Write ``data/raw/<folder>/<table>.csv`` and ``.yaml`` from an export laid out like ``like``.

    Parameters
    ----------
    file : path-like
        The export, ``.xlsx`` (first sheet) or ``.csv`` (``,`` or ``;``).
    like : str
        The table in data/raw whose layout (kind, columns, rows) the export has.
    table : str
        The new table's name (file stem); must not exist anywhere in data/raw.
    period : str
        ``YYYY-MM-DD/YYYY-MM-DD``.
    document : str, optional
        The source document; default the export's file name (never ``like``'s).
    folder : str, optional
        The folder under data/raw; default: the one whose fund statement (else a table of
        ``like``'s kind) has the same period, else a new ``NNN-<slug>``.
    confirm : bool
        Take new, renamed and missing rows and missing columns as listed (``--bekrafta``).

    Returns
    -------
    str
        One line saying what was written.

    Raises
    ------
    DataError
        Listing every fault at once (file, row, column); nothing is written then.
    """
    raw = paths.raw_dir()
    source = Path(file)
    errors, like_path = _check_arguments(source, like, table, period, folder, raw)
    if errors:
        raise DataError(errors)
    model = load_table(like_path).meta
    kind = schema.KINDS[model["kind"]]
    if model["kind"] == "fund_statement":
        start, end = periods_._dates(period, "--period")
        for p in periods_.periods(raw):
            if p.end == end:
                raise DataError(
                    f"--period {period}: fondredovisningen {p.table} gäller redan "
                    f"perioden till {end}"
                )

    name = source.name
    expected = [model["label_column"]] + [c["label"] for c in model["columns"]]
    if source.suffix.lower() == ".xlsx":
        sheet, records = _read_xlsx_rows(source)
    else:
        sheet, records = None, _read_csv_rows(source, expected)
    h = find_header([[plain(c) for c in cells] for _, cells in records], expected)
    if h is None:
        raise DataError(
            f"{name}: ingen rad ser ut som rubrikraden i {like} ("
            + ", ".join(f'"{lab}"' for lab in expected[1:4])
            + ", ...); är filen uppställd som den tabellen?"
        )
    header_line = records[h][0]

    # The table's extent: from its first non-blank column, as wide as header or rows reach.
    below = [(line, cells) for line, cells in records[h + 1 :] if any(c.strip() for c in cells)]
    offset = min(
        next(j for j, c in enumerate(cells) if c.strip()) for _, cells in [records[h]] + below
    )
    head = [plain(c) for c in records[h][1][offset:]]
    below = [(line, cells[offset:]) for line, cells in below]
    width = max([len(head)] + [len(cells) for _, cells in below])
    head = head + [""] * (width - len(head))
    below = pad_rows(below, width)

    def letter(j: int) -> str | None:  # column letters for xlsx, labels alone for csv
        return column_letter(j + offset) if sheet is not None else None

    def where(line: int, j: int | None = None, label: str | None = None) -> str:
        return _where(name, line, label, letter(j) if j is not None else None)

    # Columns: an empty column (no heading, no cell) carries nothing and is left out.
    cols = [
        j for j in range(1, width) if head[j].strip() or any(cells[j].strip() for _, cells in below)
    ]
    col_labels = [printed(head[j]) for j in cols]
    known_cols = [c["label"] for c in model["columns"]]
    same_c, renamed_c = match_labels(col_labels, known_cols)

    # Rows: those after the last row with a figure or a known label are notes below the table.
    known_rows = [r["label"] for r in model["rows"]]
    same_r, _ = match_labels([printed(plain(c[0])) for _, c in below], known_rows)
    last = max(
        (
            i
            for i, (_, cells) in enumerate(below)
            if i in same_r or any(cells[j].strip() for j in cols)
        ),
        default=-1,
    )
    notes_below = [
        (line, printed(" ".join(map(plain, cells)))) for line, cells in below[last + 1 :]
    ]
    body = below[: last + 1]
    same_r, renamed_r = match_labels([printed(plain(c[0])) for _, c in body], known_rows)
    paired = {**same_r, **renamed_r}

    changes: list[str] = []  # listed; taken only with --bekrafta
    confirmed: list[str] = []  # the same, short, for the sidecar's note
    refused: list[str] = []  # never taken
    errors = []

    kept_cols = []
    for n, j in enumerate(cols):
        if n in same_c:
            c = model["columns"][same_c[n]]
            kept_cols.append((j, {**c, "label": col_labels[n] or c["label"]}))
            continue
        what = f'kolumnen "{col_labels[n]}"' if col_labels[n] else "en kolumn utan rubrik"
        if n in renamed_c:
            what += f' (där {like} har "{known_cols[renamed_c[n]]}")'
        refused.append(
            f"{where(header_line, j)}: {what} motsvarar ingen kolumn i {like}; en ny "
            f"uppställning behöver en handskriven beskrivningsfil (se "
            f"data/raw/README.md)"
        )
    kept_rows: list = []
    renames: dict = {}
    first_line: dict = {}
    for i, (line, cells) in enumerate(body):
        label = printed(plain(cells[0]))
        if label in first_line:
            errors.append(
                f'{where(line)}: raden "{label}" förekommer två gånger '
                f"(också rad {first_line[label]})"
            )
            continue
        if label:
            first_line[label] = line
        if i in paired:
            old = model["rows"][paired[i]]
            r = {**old, "label": label or old["label"]}
            if _bracketed(old["label"]) and not _bracketed(r["label"]):
                r.pop("note", None)  # "the print has no label" no longer holds
            if i in renamed_r:
                renames[old["label"]] = label
                changes.append(
                    f'{where(line)}: raden "{label}" står där {like} har '
                    f'"{old["label"]}"; tas med som samma rad ({old["role"]})'
                )
                confirmed.append(f"raden ”{old['label']}” heter nu ”{label}”")
        elif not label:
            errors.append(f"{where(line)}: radrubriken är tom")
            continue
        else:
            role = _role_by_position(i, paired, model["rows"])
            new = f'{where(line)}: ny rad "{label}" (finns inte i {like})'
            if role in kind.needs_code:
                refused.append(
                    f"{new}; en ny rad med rollen {role} behöver en kommunkod, som "
                    f"inte står i filen: lägg till raden i en handskriven "
                    f"beskrivningsfil"
                )
                continue
            if role is None or role in NOT_BY_POSITION or role in kind.role_needs:
                beside = f"raden bredvid har rollen {role}" if role else "ingen känd rad bredvid"
                refused.append(
                    f"{new}; vilken sorts rad det är går inte att avgöra av platsen "
                    f"({beside}): lägg till raden i en handskriven beskrivningsfil"
                )
                continue
            r = {"label": label, "role": role}
            changes.append(f"{new}; tas med som {role}")
            confirmed.append(f"ny rad ”{label}” ({role})")
        kept_rows.append((line, cells, r))
    missing = [r["label"] for k, r in enumerate(model["rows"]) if k not in paired.values()]
    for label in missing:
        changes.append(f'{name}: raden "{label}" i {like} finns inte i filen; utelämnas')
        confirmed.append(f"raden ”{label}” finns inte i filen")
    for k, label in enumerate(known_cols):
        if k not in same_c.values():
            changes.append(f'{name}: kolumnen "{label}" i {like} finns inte i filen; utelämnas')
            confirmed.append(f"kolumnen ”{label}” finns inte i filen")
    for _, _, r in kept_rows:  # parent and parts follow a renamed row, never a missing one
        refs = [r["parent"]] if "parent" in r else []
        refs += list(r.get("parts") or [])
        for ref in refs:
            if ref in missing:
                refused.append(
                    f'{name}: raden "{ref}" finns inte i filen, men raden '
                    f'"{r["label"]}" räknas från den i {like}: skriv beskrivningsfilen '
                    f"för hand"
                )
        if "parent" in r:
            r["parent"] = renames.get(r["parent"], r["parent"])
        if "parts" in r:
            r["parts"] = [renames.get(p, p) for p in r["parts"]]

    # The figures, exactly as in the file, checked with the number grammar.
    csv_rows = []
    for line, cells, r in kept_rows:
        unit = r.get("unit", model["unit"])
        out = [r["label"]]
        for j, c in kept_cols:
            text = cells[j]
            if c.get("role") == "text":
                out.append(printed(plain(text)))
                continue
            if isinstance(text, NotAFigure):
                errors.append(f"{where(line, j, c['label'])}: {text.problem}")
                out.append("")
                continue
            text = text.strip()
            if text:
                try:
                    parse_number(
                        text,
                        file=name,
                        row=line,
                        column=c["label"],
                        unit=unit if unit in schema.UNITS else None,
                        letter=letter(j),
                    )
                except DataError as e:
                    errors += e.errors
            out.append(text)
        csv_rows.append(out)

    problems = refused + errors
    if changes and not confirm:
        raise ToConfirm(
            problems
            + [
                f"{name} skiljer sig från {like} på {len(changes)} punkter, som måste "
                f"bekräftas; inget har skrivits. Kontrollera listan och kör igen med "
                f"--bekrafta för att ta med dem så:"
            ],
            changes,
        )
    if problems:
        raise DataError(problems)

    # The sidecar: like's, with this table's name, period, labels, document and provenance.
    # A title row has its text over the label column (or left of it); a row whose text
    # stands only over figure columns ("Medel" merged over B:D) groups columns, no title.
    title = [
        cells
        for _, cells in records[:h]
        if any(c.strip() for c in cells)
        and next(j for j, c in enumerate(cells) if c.strip()) <= offset
    ]
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    in_sheet = f"blad ”{sheet}”, " if sheet is not None else ""
    notes = [
        f"Importerad med kuanalysis import från {name} (SHA-256 {digest}), {in_sheet}"
        f"rubrikrad {header_line}, uppställd som {like}."
    ]
    if not title:
        notes.append(
            f"Rubriken (heading) är hämtad från {like} med den nya periodens datum och år: "
            f"filen har ingen rubrik ovanför tabellen."
        )
    if confirmed:
        notes.append("Bekräftat med --bekrafta: " + "; ".join(confirmed) + ".")
    if notes_below:
        notes.append(
            "Under tabellen i filen (inte inläst): "
            + "; ".join(f"rad {line}: ”{text}”" for line, text in notes_below)
        )
    label_column = printed(head[0]) or (
        model["label_column"] if _bracketed(model["label_column"]) else "[rad]"
    )
    heading = (
        " ".join(printed(plain(c)) for c in title[-1] if c.strip())
        if title
        else new_heading(model["heading"], model.get("period", ""), period)
    )
    fields = {
        **model,
        "table": table,
        "period": period,
        "label_column": label_column,
        "heading": heading,
        "columns": [c for _, c in kept_cols],
        "rows": [r for _, _, r in kept_rows],
        "notes": notes,
    }
    # The source is the document given, else the export itself: never like's document, whose
    # findings and title belong to like's period.
    fields["document"] = document if document is not None else name
    fields.pop("document_title", None)
    meta = {k: fields[k] for k in FIELD_ORDER if k in fields}  # ambiguities: like's, not ours

    target = _target_folder(raw, period, folder, table, model["kind"])
    created = not target.exists()
    csv_path, yaml_path = target / f"{table}.csv", target / f"{table}.yaml"
    written = []
    try:
        target.mkdir(exist_ok=True)
        header = [label_column] + [c["label"] for _, c in kept_cols]
        for path, text in (
            (csv_path, table_text(header, csv_rows)),
            (yaml_path, sidecar_text(meta)),
        ):
            with open(path, "x", encoding="utf-8", newline="") as f:  # "x": never overwrite
                written.append(path)
                f.write(text)
        load_table(csv_path)
    except BaseException as e:
        for path in written:
            path.unlink(missing_ok=True)
        if created and target.exists() and not any(target.iterdir()):
            target.rmdir()
        if isinstance(e, DataError):
            raise DataError(
                [
                    f"{table}: den skrivna tabellen gick inte att läsa tillbaka, så "
                    f"inget har sparats:"
                ]
                + e.errors
            ) from None
        raise
    in_sheet = f'blad "{sheet}", ' if sheet is not None else ""
    return (
        f"Skrev {paths.relative(csv_path)} och {yaml_path.name} ({len(csv_rows)} rader, "
        f"{len(kept_cols)} kolumner) från {name}, {in_sheet}rubrikrad {header_line}"
    )


def cli_import(
    file: str,
    *,
    like: str,
    table: str,
    period: str,
    document: str | None = None,
    folder: str | None = None,
    confirm: bool = False,
) -> int:
    """``kuanalysis import``: 0 when written, 2 for bad input (``Fel: ...`` on stderr)."""
    try:
        line = import_table(
            file,
            like=like,
            table=table,
            period=period,
            document=document,
            folder=folder,
            confirm=confirm,
        )
    except InputError as e:
        print_input_error(e)
        for change in getattr(e, "changes", ()):  # ToConfirm: the list, as information
            print(f"  {change}", file=sys.stderr)
        return 2
    print(line)
    return 0
