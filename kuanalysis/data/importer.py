"""``kuanalysis import``: the next period's tables from an export, laid out like tables already in
``data/raw``: one table, or a whole period's set of tables at once.

The import reads (:mod:`.workbook`, or CSV files), finds each table of the previous period
on its own sheet by its heading and header row (:func:`~.draft.score`), reads each as a
:class:`~.draft.Draft` (rows and columns paired with the previous table's, every figure
checked), asks for confirmation of what differs, checks that the project would still read
(every new sidecar and table read back, one fund statement per period, one proposal per
year) and only then writes the new CSV and YAML files, all or none. Nothing is guessed
silently and no existing file is ever overwritten; these are the only files the code writes
into ``data/raw``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import paths
from ..errors import DataError, InputError, print_input_error
from . import periods as periods_
from .draft import Draft, draft, expected_header, readings, score
from .load import TABLE_SUFFIXES, _table_files, load_table
from .rawtext import sidecar_text, table_text
from .read import _read_csv_rows, _read_sidecar
from .table import Table
from .workbook import Sheet, read_workbook

#: A table name (file stem): lower-case ASCII letters, digits and hyphens.
TABLE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: Folders of data/raw that hold no tables, and names a table cannot have (spec files).
RESERVED_FOLDERS = ("kontinuitet",)
RESERVED_NAMES = re.compile(r"^korskontroller")
#: The period part of a table name: ``bokslut-2024``, ``delar-2025-t1``, ``delar-2025-0630``.
PERIOD_PART = re.compile(r"^(?:bokslut-[0-9]{4}|delar-[0-9]{4}-(?:t[0-9]|[0-9]{4}))(?=-|$)")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
#: Most lines of a list to confirm that are printed; the rest are counted.
MAX_LISTED = 50
#: Sidecar fields in the order they are written.
FIELD_ORDER = (
    "table",
    "document",
    "heading",
    "unit",
    "kind",
    "avvikelse",
    "period",
    "like",
    "export",
    "label_column",
    "columns",
    "rows",
    "notes",
)


class ToConfirm(DataError):
    """Nothing written: the export differs from the previous tables in ways to be confirmed.

    ``errors`` ends with one line saying so (after any faults); ``changes`` is the list to
    confirm, information printed below it (at most :data:`MAX_LISTED` lines), not faults.
    """

    def __init__(self, errors: list[str], changes: list[str], notes: Sequence[str] = ()):
        super().__init__(errors)
        self.changes = list(changes)
        self.notes = list(notes)

    def listed(self) -> list[str]:
        """The lines to print under the heading: the first :data:`MAX_LISTED`, then a count,
        then what else is worth knowing (hidden sheets, sheets left unread)."""
        more = len(self.changes) - MAX_LISTED
        return (
            [f"  {c}" for c in self.changes[:MAX_LISTED]]
            + ([f"  ... och {more} punkter till"] if more > 0 else [])
            + [f"Info: {n}" for n in self.notes]
        )

    def __str__(self) -> str:
        return "\n".join(self.errors + self.listed())


# -- names, periods and folders ----------------------------------------------------------------


def period_part(start: dt.date, end: dt.date) -> str:
    """A period in a table name: ``bokslut-2024`` (a calendar year), ``delar-2025-t1`` (a
    tertial: 4 or 8 months), ``delar-2025-0630`` (any other part of a year)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if (start.month, start.day) == (1, 1) and months == 12 and (end.month, end.day) == (12, 31):
        return f"bokslut-{end.year}"
    if (start.month, start.day) == (1, 1) and months in (4, 8) and (end + dt.timedelta(1)).day == 1:
        return f"delar-{end.year}-t{months // 4}"
    return f"delar-{end.year}-{end:%m%d}"


def next_name(old: str, start: dt.date, end: dt.date) -> str | None:
    """The name of ``old``'s table in the new period: its period part replaced
    (``delar-2024-t2-4-2`` -> ``delar-2025-t1-4-2``), else its one year
    (``finansiering-2025`` -> ``finansiering-2026``); None when the name shows no period."""
    m = PERIOD_PART.match(old)
    if m:
        return period_part(start, end) + old[m.end() :]
    if len(_YEAR.findall(old)) == 1:
        return _YEAR.sub(str(end.year), old)
    return None


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
    for side, meta in periods_.sidecars(raw):
        if str(meta.get("period")) == period and meta.get("kind") in by_kind:
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


# -- the arguments ---------------------------------------------------------------------------


def _check_source(source: Path, raw: Path) -> list[str]:
    if source.suffix.lower() not in TABLE_SUFFIXES and not source.is_dir():
        return [f"{source.name}: okänd filtyp (väntade .xlsx, .csv eller en mapp med csv-filer)"]
    if not source.exists():
        return [f"{source.name}: filen finns inte"]
    if source.resolve().is_relative_to(raw.resolve()):
        return [
            f"{source.name}: lägg exportfilen utanför data/raw (där räknas varje "
            f"xlsx- och csv-fil som en tabell)"
        ]
    return []


def _check_period(period: str) -> tuple[list[str], tuple[dt.date, dt.date] | None]:
    if not PERIOD.match(period):
        return [
            f'--period "{period}": väntade ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD, t.ex. 2025-01-01/2025-04-30'
        ], None
    try:
        start, end = (dt.date.fromisoformat(d) for d in period.split("/"))
    except ValueError:
        return [f"--period {period}: inget giltigt datum"], None
    if end < start:
        return [f"--period {period}: slutdatumet ligger före startdatumet"], None
    return [], (start, end)


def _models(raw: Path, like: str) -> tuple[list[str], list[Path]]:
    """The tables ``like`` names: the one table of that name, else every table whose name
    starts with ``like-`` (a period's set, e.g. ``delar-2024-t2``), claims left out."""
    files = _raw_files(raw)
    exact = [p for p in files if p.stem == like]
    if exact:
        return [], exact[:1]
    prefixed = [p for p in files if p.stem.startswith(like + "-")]
    found = [p for p in prefixed if _kind(p) != "claims"]
    if not found:
        return [
            f"tabellen {like} (--som/--like) finns inte i data/raw, och inga tabeller har "
            f"namn som börjar med {like}-"
        ], []
    return [], found


def _kind(path: Path) -> str | None:
    try:
        return _read_sidecar(path).get("kind")
    except DataError:
        return None


def _check_names(raw: Path, names: list[str]) -> list[str]:
    errors = []
    for table in names:
        existing = _named(raw, table)
        # a name that becomes a path (<mapp>/<table>.yaml): its length, before the file
        # system sees it
        too_long = paths.name_fault(table, ".yaml") if TABLE_NAME.match(table) else None
        if too_long is not None:
            errors.append(f"--tabell: {too_long}")
        elif not TABLE_NAME.match(table) or RESERVED_NAMES.match(table):
            errors.append(
                f'--tabell "{table}": ett tabellnamn har bara små bokstäver a–z, siffror '
                f"och bindestreck och börjar inte med korskontroller, t.ex. delar-2025-t1-4-1"
            )
        elif existing:
            errors.append(
                f"tabellen {table} finns redan ("
                + ", ".join(paths.relative(p) for p in existing)
                + "); import skriver aldrig över något, välj ett annat namn med --tabell"
            )
    if len(set(names)) < len(names):
        errors.append("två av tabellerna skulle få samma namn: " + ", ".join(names))
    return errors


def _check_folder(folder: str | None) -> list[str]:
    if folder is None:
        return []
    if not FOLDER_NAME.match(folder):
        return [
            f'--mapp "{folder}": ett mappnamn i data/raw har bara bokstäver a–z, '
            f"siffror, - och _, t.ex. 005-delar-2025-t1"
        ]
    too_long = paths.name_fault(folder)
    if too_long is not None:
        return [f"--mapp: {too_long}"]
    if folder.lower() in RESERVED_FOLDERS:
        return [
            f"--mapp {folder}: mappen är till för mappningsfiler mellan perioder, inte för "
            f"tabeller; välj en annan mapp (eller ingen: periodens mapp väljs då)"
        ]
    return []


def _check_fund_periods(raw: Path, models: list[Table], period: str) -> list[str]:
    """A fund statement's period starts on 1 January and no other fund statement covers it."""
    if not any(m.kind == "fund_statement" for m in models):
        return []
    try:
        start, end = periods_._dates(period, "--period")
    except DataError as e:
        return e.errors
    return [
        f"--period {period}: fondredovisningen {p.table} gäller redan perioden till {end}"
        for p in periods_.periods(raw)
        if p.end == end
    ]


# -- reading the export ----------------------------------------------------------------------


def _sheets(source: Path, models: list[Table]) -> list[Sheet]:
    """The export's sheets: an xlsx file's, or one per CSV file (a file, or a folder of them)."""
    if source.suffix.lower() == ".xlsx":
        return read_workbook(source)
    files = (
        sorted(p for p in source.iterdir() if p.suffix.lower() == ".csv")
        if source.is_dir()
        else [source]
    )
    headers = [expected_header(m) for m in models]
    return [Sheet(f.name, _read_csv_rows(f, headers[0], headers[1:]), letters=False) for f in files]


def _assign(
    sheets: list[Sheet], models: list[Table]
) -> tuple[dict[str, Sheet], list[str], list[str]]:
    """Each model table's sheet: the visible sheet that looks most like it (a sheet serves one
    table). Returns the pairs, the errors (two sheets alike) and notes (hidden sheets that
    look like a table, visible sheets left unread)."""
    scores = {(i, m.id): score(s, m) for i, s in enumerate(sheets) for m in models}
    pairs: dict[str, Sheet] = {}
    taken: set[int] = set()
    errors, notes = [], []
    ranked = sorted(
        ((v, i, mid) for (i, mid), v in scores.items() if v > 0 and not sheets[i].hidden),
        key=lambda x: (-x[0], x[1]),
    )
    for v, i, mid in ranked:
        if mid in pairs or i in taken:
            continue
        rivals = [j for w, j, m2 in ranked if m2 == mid and w == v and j != i and j not in taken]
        if rivals:
            errors.append(
                f'två blad ser lika mycket ut som tabellen {mid}: "{sheets[i].name}" och '
                f'"{sheets[rivals[0]].name}"; ta bort det som inte ska läsas'
            )
        pairs[mid] = sheets[i]
        taken.add(i)
    for m in models:
        for i, s in enumerate(sheets):
            if s.hidden and scores[(i, m.id)] > 0:
                notes.append(
                    f'bladet "{s.name}" är dolt och lästes inte, fast det ser ut som tabellen '
                    f"{m.id}; visa bladet i Excel om det är det som ska läsas"
                )
    if len(models) > 1:
        notes += [
            f'{"bladet" if s.letters else "filen"} "{s.name}" liknar ingen av tabellerna och '
            f"lästes inte"
            for i, s in enumerate(sheets)
            if i not in taken and not s.hidden and any(c for _, c in s.rows)
        ]
    return pairs, errors, notes


def _no_header(file: str, model: Table) -> str:
    return (
        f"{file}: ingen rad ser ut som rubrikraden i {model.id} ("
        + ", ".join(f'"{lab}"' for lab in expected_header(model)[1:4])
        + ", ...); är filen uppställd som den tabellen?"
    )


# -- the new sidecar ---------------------------------------------------------------------------


def _sidecar(d: Draft, period: str, document: str | None, digest: str) -> dict:
    """The new table's sidecar: the model's layout, this table's name, period, labels,
    title and source, and where its figures came from; none of the model's readings."""
    model = d.model
    in_sheet = f"blad ”{d.sheet}”, " if d.sheet is not None else ""
    notes = [
        f"Importerad med kuanalysis import från {d.file} (SHA-256 {digest}), {in_sheet}"
        f"rubrikrad {d.header_line}, uppställd som {model.id}."
    ]
    if d.title is None:
        notes.append(
            f"Rubriken (heading) är hämtad från {model.id} med den nya periodens datum och år: "
            f"filen har ingen rubrik ovanför tabellen."
        )
    if d.confirmed:
        notes.append("Bekräftat med --bekrafta: " + "; ".join(d.confirmed) + ".")
    if d.notes_below:
        notes.append(
            "Under tabellen i filen (inte inläst): "
            + "; ".join(f"rad {line}: ”{text}”" for line, text in d.notes_below)
        )
    notes += [f"I filen: {x}." for x in d.ignored]
    export = {"file": d.file, "sheet": d.sheet, "header_row": d.header_line, "sha256": digest}
    fields = {
        "table": d.table,
        # the source is the document given, else the export itself: never the model's
        # document, whose findings and title belong to the model's period
        "document": document if document is not None else d.file,
        "heading": d.title or new_heading(model.heading, model.meta.get("period", ""), period),
        "unit": model.unit,
        "kind": model.kind,
        "avvikelse": model.meta.get("avvikelse"),
        "period": period,
        "like": model.id,
        "export": {k: v for k, v in export.items() if v is not None},
        "label_column": d.label_column,
        "columns": d.columns,
        "rows": d.rows,
        "notes": notes,
    }
    return {k: fields[k] for k in FIELD_ORDER if fields.get(k) is not None}


def _read_back(files: dict[str, tuple[str, str]]) -> list[str]:
    """Every new table written to a scratch folder and read as ``check`` will read it (its
    sidecar by the YAML reader, within its limits): the faults, if any."""
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for table, (csv_text, yaml_text) in files.items():
            (Path(tmp) / f"{table}.csv").write_text(csv_text, encoding="utf-8", newline="")
            (Path(tmp) / f"{table}.yaml").write_text(yaml_text, encoding="utf-8", newline="")
            try:
                load_table(Path(tmp) / f"{table}.csv")
            except DataError as e:
                errors += [
                    f"{table}: den nya tabellen gick inte att läsa tillbaka, så inget har sparats:"
                ] + e.errors
    return errors


def _project_errors(raw: Path, entries: list[periods_.Entry]) -> list[str]:
    """The project's own checks of what data/raw holds, with the new sidecars in it: one fund
    statement per period, one proposal per year."""
    errors = []
    for check in (periods_.periods, periods_.proposal_files):
        try:
            check(raw, entries)
        except DataError as e:
            errors += e.errors
    return errors


def _write(target: Path, files: dict[str, tuple[str, str]]) -> None:
    """Write every new file, none over an existing one; on any failure remove what was
    written (and the folder, if made here)."""
    created = not target.exists()
    written: list[Path] = []
    try:
        target.mkdir(exist_ok=True)
        for table, texts in files.items():
            for suffix, text in zip((".csv", ".yaml"), texts):
                path = target / f"{table}{suffix}"
                with open(path, "x", encoding="utf-8", newline="") as f:  # never overwrite
                    written.append(path)
                    f.write(text)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created and target.exists() and not any(target.iterdir()):
            target.rmdir()
        raise


# -- the import ------------------------------------------------------------------------------


def import_tables(
    file: str | Path,
    *,
    like: str,
    period: str,
    table: str | None = None,
    document: str | None = None,
    folder: str | None = None,
    confirm: bool = False,
) -> list[str]:
    """Write the new period's tables, laid out like ``like``, from an export.

    Parameters
    ----------
    file : path-like
        The export: an ``.xlsx`` workbook (each table on its own visible sheet, found by its
        heading and header row), a ``.csv`` file (``,`` or ``;``), or a folder of CSV files.
    like : str
        One table in data/raw whose layout the export has, or the common prefix of a
        period's tables (``delar-2024-t2``: every table of that document but its claims).
    period : str
        ``YYYY-MM-DD/YYYY-MM-DD``.
    table : str, optional
        The new table's name (one table only); default: ``like``'s name with the new
        period (:func:`next_name`).
    document : str, optional
        The source document; default the export's file name (never ``like``'s).
    folder : str, optional
        The folder under data/raw; default: the one whose fund statement (else a table of
        the same kind) has the same period, else a new ``NNN-<slug>``.
    confirm : bool
        Take new, renamed and missing rows, columns and tables as listed (``--bekrafta``).

    Returns
    -------
    list of str
        What was written, one line per table, then what was not carried over and what was
        left unread.

    Raises
    ------
    DataError
        Listing every fault at once (file, row, column); nothing is written then.
    ToConfirm
        When something differs from ``like`` and ``confirm`` is not given.
    """
    raw = paths.raw_dir()
    source = Path(file)
    models, names = _models_and_names(raw, source, like, period, table, folder)
    drafts, notes = _drafts(source, models, names, like, confirm)
    target, files = _files(raw, source, drafts, period, document, folder)
    _write(target, files)
    return _written(target, drafts, notes)


def _models_and_names(
    raw: Path, source: Path, like: str, period: str, table: str | None, folder: str | None
) -> tuple[list[Table], dict[str, str]]:
    """The previous period's tables and each one's new name; every fault of the arguments."""
    faults, dates = _check_period(period)
    errors = _check_source(source, raw)
    errors += _check_names(raw, [table]) if table is not None else []
    errors += faults
    faults, model_files = _models(raw, like)
    errors += faults + _check_folder(folder)
    if errors or dates is None:
        raise DataError(errors)
    models = [load_table(p) for p in model_files]
    if table is not None and len(models) > 1:
        raise DataError(
            f"--tabell gäller en tabell; {like} är {len(models)} tabeller, som får namn efter "
            f"den nya perioden"
        )
    named = {m.id: (table if table is not None else next_name(m.id, *dates)) for m in models}
    unnamed = [mid for mid, n in named.items() if n is None]
    if unnamed:
        raise DataError(
            f"tabellen {unnamed[0]} har ingen period i namnet, så den nya tabellens namn går "
            f"inte att härleda; ange det med --tabell"
        )
    names = {mid: n for mid, n in named.items() if n is not None}
    errors = (_check_names(raw, list(names.values())) if table is None else []) + (
        _check_fund_periods(raw, models, period)
    )
    if errors:
        raise DataError(errors)
    return models, names


def _drafts(
    source: Path, models: list[Table], names: dict[str, str], like: str, confirm: bool
) -> tuple[list[Draft], list[str]]:
    """Each table read from its sheet, and notes on the sheets; raises when something is
    refused, or differs from the previous tables and is not confirmed."""
    pairs, errors, notes = _assign(_sheets(source, models), models)
    drafts: list[Draft] = []
    changes: list[str] = []
    for m in models:
        d = (
            draft(pairs[m.id], m, names[m.id], _file(source, pairs[m.id]))
            if m.id in pairs
            else None
        )
        if d is None and len(models) == 1:
            errors.append(_no_header(source.name, m))
        elif d is None:
            changes.append(
                f"{source.name}: inget blad har rubrikraden i tabellen {m.id}; den utelämnas"
            )
        else:
            drafts.append(d)
            changes += d.changes
            errors += d.refused + d.errors
    if changes and not confirm:
        raise ToConfirm(
            errors
            + [
                f"{source.name} skiljer sig från {like} på {len(changes)} punkter, som måste "
                f"bekräftas; inget har skrivits. Kontrollera listan och kör igen med "
                f"--bekrafta för att ta med dem så:"
            ],
            changes,
            notes,
        )
    if errors or not drafts:
        raise DataError(errors + notes or [f"{source.name}: inget att läsa in"])
    return drafts, notes


def _files(
    raw: Path,
    source: Path,
    drafts: list[Draft],
    period: str,
    document: str | None,
    folder: str | None,
) -> tuple[Path, dict[str, tuple[str, str]]]:
    """The folder and the text of every new file, once the project's checks accept them."""
    digests = {d.file: hashlib.sha256(_bytes(source, d.file)).hexdigest() for d in drafts}
    first = next((d for d in drafts if d.model.kind == "fund_statement"), drafts[0])
    target = _target_folder(raw, period, folder, first.table, first.model.kind)
    metas = {d.table: _sidecar(d, period, document, digests[d.file]) for d in drafts}
    files = {
        d.table: (table_text(d.header, d.figures), sidecar_text(metas[d.table])) for d in drafts
    }
    entries = [(target / f"{t}.yaml", meta) for t, meta in metas.items()]
    errors = _read_back(files) + _project_errors(raw, entries)
    if errors:
        raise DataError(errors)
    return target, files


def _file(source: Path, sheet: Sheet) -> str:
    """The file a table came from, as named in messages and sidecars: the export, or in a
    folder of CSV files, the table's own file."""
    return sheet.name if source.is_dir() else source.name


def _bytes(source: Path, file: str) -> bytes:
    """The bytes of the file a table came from, for its SHA-256."""
    return (source / file if source.is_dir() else source).read_bytes()


def _written(target: Path, drafts: list[Draft], notes: list[str]) -> list[str]:
    lines = []
    for d in drafts:
        in_sheet = f'blad "{d.sheet}", ' if d.sheet is not None else ""
        lines.append(
            f"Skrev {paths.relative(target / f'{d.table}.csv')} och {d.table}.yaml "
            f"({len(d.figures)} {'rad' if len(d.figures) == 1 else 'rader'}, {len(d.columns)} "
            f"{'kolumn' if len(d.columns) == 1 else 'kolumner'}) från {d.file}, {in_sheet}"
            f"rubrikrad {d.header_line}"
        )
    for d in drafts:
        dropped = readings(d.model)
        if dropped:
            lines.append(
                f"Inte överförda från {d.model.id} (läsningar av det dokumentet, inte "
                f"uppställning): " + "; ".join(dropped)
            )
        lines += [f"Info: {d.table}: {x}" for x in d.ignored]
    return lines + [f"Info: {n}" for n in notes]


def cli_import(
    file: str,
    *,
    like: str,
    period: str,
    table: str | None = None,
    document: str | None = None,
    folder: str | None = None,
    confirm: bool = False,
) -> int:
    """``kuanalysis import``: 0 when written, 2 for bad input (``Fel: ...`` on stderr)."""
    try:
        lines = import_tables(
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
        for line in e.listed() if isinstance(e, ToConfirm) else ():
            print(line, file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0
