"""One table read out of an export sheet laid out like a table of the previous period.

:func:`score` says how much a sheet looks like a model table (so a workbook's sheets can be
matched with a period's tables whatever their order or names); :func:`draft` reads the table:
the header row below any title and blank rows, the extent, rows and columns paired with the
model's by their printed labels (:mod:`.labels`), every figure checked with the number grammar
(:mod:`.numbers`), the title above the table, and what differs from the model (to confirm) or
cannot be taken at all (refused). Nothing is written here (see :mod:`.importer`).

What carries from the model is its layout: kind, unit, column keys and roles, row roles,
codes, parents and parts, and the sign convention of a budget follow-up. What a reader wrote
about the old document never does: notes, a row's odd unit, a column's or row's note,
ambiguities, the document's title (:func:`readings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import kinds as schema
from .labels import find_header, header_score, label_key, match_labels, printed
from .numbers import _where, parse_number
from .read import NotAFigure, column_letter, pad_rows, plain
from .table import Table
from .workbook import Sheet

#: Row roles a new row never takes from its neighbour: they are not a matter of position.
NOT_BY_POSITION = ("total", "subtotal", "netting", "memo")
#: Row and column fields that are layout (carried to the next period); others are readings.
ROW_LAYOUT = ("label", "role", "kommun_kod", "parent", "parts")
COLUMN_LAYOUT = ("label", "key", "role")


def _bracketed(label: str) -> bool:
    return label.startswith("[") and label.endswith("]")


def expected_header(model: Table) -> list[str]:
    """The model's printed header: the label column's heading, then each column's."""
    return [model.meta["label_column"]] + [c["label"] for c in model.meta["columns"]]


def score(sheet: Sheet, model: Table) -> int:
    """How much ``sheet`` looks like ``model``: 0 when no row is its header, else the labels of
    its header, row labels and heading found in the sheet."""
    rows = [[plain(c) for c in cells] for _, cells in sheet.rows]
    h = find_header(rows, expected_header(model))
    if h is None:
        return 0
    found = {label_key(r[0]) for r in rows[h + 1 :] if r and printed(r[0])}
    known = [r["label"] for r in model.meta["rows"]]
    title = {label_key(" ".join(printed(c) for c in r if printed(c))) for r in rows[:h]}
    return (
        header_score(rows[h], expected_header(model))
        + sum(label_key(k) in found for k in known)
        + (label_key(model.heading) in title)
    )


@dataclass
class Draft:
    """A table read from an export, ready to be written (unless ``refused`` or ``errors``).

    ``changes`` lists what differs from the model and is taken only when confirmed (one line
    each, naming the row); ``confirmed`` says the same briefly for the sidecar's notes.
    """

    model: Table
    table: str
    file: str
    sheet: str | None
    header_line: int
    label_column: str
    columns: list[dict]
    rows: list[dict]
    figures: list[list[str]]
    title: str | None
    notes_below: list[tuple[int, str]]
    changes: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [self.label_column] + [c["label"] for c in self.columns]


class _Reader:
    """Where cells are, for messages: file, row and (xlsx) the column letter."""

    def __init__(self, sheet: Sheet, file: str, offset: int):
        self.sheet, self.file, self.offset = sheet, file, offset

    def letter(self, j: int) -> str | None:
        return column_letter(j + self.offset) if self.sheet.letters else None

    def where(self, line: int, j: int | None = None, label: str | None = None) -> str:
        return _where(self.file, line, label, self.letter(j) if j is not None else None)


def draft(sheet: Sheet, model: Table, table: str, file: str) -> Draft | None:
    """Read the table laid out like ``model`` from ``sheet`` (None when no row is its header).

    Parameters
    ----------
    sheet : Sheet
    model : Table
        The previous period's table whose layout the sheet has.
    table : str
        The new table's name.
    file : str
        The export's file name, for messages.
    """
    records = sheet.rows
    h = find_header([[plain(c) for c in cells] for _, cells in records], expected_header(model))
    if h is None:
        return None
    header_line = records[h][0]
    below = [(line, cells) for line, cells in records[h + 1 :] if any(c.strip() for c in cells)]
    offset = min(
        next(j for j, c in enumerate(cells) if c.strip()) for _, cells in [records[h]] + below
    )
    head = [plain(c) for c in records[h][1][offset:]]
    below = [(line, cells[offset:]) for line, cells in below]
    where = _Reader(sheet, file, offset)
    errors = [] if sheet.letters else _wider_than_header(head, below, where)
    if errors:  # the shifted figures are no columns of their own: cut at the header
        below = [(line, cells[: len(head)]) for line, cells in below]
    width = max([len(head)] + [len(cells) for _, cells in below])
    head = head + [""] * (width - len(head))
    below = pad_rows(below, width)

    d = Draft(
        model=model,
        table=table,
        file=file,
        sheet=sheet.name if sheet.letters else None,
        header_line=header_line,
        label_column=printed(head[0])
        or (model.meta["label_column"] if _bracketed(model.meta["label_column"]) else "[rad]"),
        columns=[],
        rows=[],
        figures=[],
        title=_title(sheet, records[:h], offset),
        notes_below=[],
        errors=errors,
        ignored=list(sheet.ignored),
    )
    kept_cols = _columns(d, head, below, where)
    body = _body(d, below, kept_cols)
    kept_rows = _rows(d, body, where)
    _figures(d, kept_rows, kept_cols, where)
    return d


def _wider_than_header(head: list[str], below, where: _Reader) -> list[str]:
    """A CSV row with a figure right of the header's last heading: most often a decimal
    comma without quotes in a comma-separated file, which shifts the rest of the row."""
    width = max((j + 1 for j, c in enumerate(head) if c.strip()), default=0)
    out = []
    for line, cells in below:
        n = max((j + 1 for j, c in enumerate(cells) if c.strip()), default=0)
        if n > width:
            out.append(
                f"{where.where(line)}: raden har {n} fält men rubrikraden {width}; ett "
                f"decimaltal med komma utan citattecken i en kommaseparerad fil (som 3 594,5) "
                f"delar talet i två och flyttar resten av raden; sätt sådana tal inom "
                f'citattecken ("3 594,5") eller spara filen med semikolon som avgränsare'
            )
    return out


def _title(sheet: Sheet, above, offset: int) -> str | None:
    """The table's title: of the rows above the header whose text starts over the label
    column or left of it (a row only over figure columns, such as "Medel" merged over B:D,
    groups columns), the one in the largest font (an xlsx; ties: the topmost), else the
    topmost (a csv). A date line below a title is smaller, so it is never the title."""
    titles = [
        (line, cells)
        for line, cells in above
        if any(c.strip() for c in cells)
        and next(j for j, c in enumerate(cells) if c.strip()) <= offset
    ]
    if not titles:
        return None
    line, cells = max(titles, key=lambda t: (sheet.sizes.get(t[0], 0.0), -t[0]))
    return " ".join(printed(plain(c)) for c in cells if c.strip())


def _columns(d: Draft, head: list[str], below, where: _Reader) -> list[tuple[int, dict]]:
    """The columns kept, paired with the model's; a column of the model missing in the file
    is a change, a column the model lacks is refused. An empty column is left out."""
    model = d.model
    cols = [
        j for j in range(1, len(head)) if head[j].strip() or any(c[j].strip() for _, c in below)
    ]
    labels = [printed(head[j]) for j in cols]
    known = [c["label"] for c in model.meta["columns"]]
    same, renamed = match_labels(labels, known)
    kept = []
    for n, j in enumerate(cols):
        if n in same:
            old = model.meta["columns"][same[n]]
            new = {k: old[k] for k in COLUMN_LAYOUT if k in old}
            kept.append((j, {**new, "label": labels[n] or old["label"]}))
            continue
        what = f'kolumnen "{labels[n]}"' if labels[n] else "en kolumn utan rubrik"
        if n in renamed:
            what += f' (där {model.id} har "{known[renamed[n]]}")'
        d.refused.append(
            f"{where.where(d.header_line, j)}: {what} motsvarar ingen kolumn i {model.id}; en "
            f"ny uppställning behöver en handskriven beskrivningsfil (se data/raw/README.md)"
        )
    taken = set(same.values())
    for k, label in enumerate(known):
        if k not in taken:
            d.changes.append(
                f'{d.file}: kolumnen "{label}" i {model.id} finns inte i filen; utelämnas'
            )
            d.confirmed.append(f"kolumnen ”{label}” finns inte i filen")
    d.columns = [c for _, c in kept]
    return kept


def _body(d: Draft, below, kept_cols) -> list:
    """The table's rows: those after the last row with a figure or a known label are notes
    below the table (kept in ``notes_below``)."""
    known = [r["label"] for r in d.model.meta["rows"]]
    same, _ = match_labels([printed(plain(c[0])) for _, c in below], known)
    last = max(
        (
            i
            for i, (_, cells) in enumerate(below)
            if i in same or any(cells[j].strip() for j, _ in kept_cols)
        ),
        default=-1,
    )
    d.notes_below = [
        (line, printed(" ".join(map(plain, cells)))) for line, cells in below[last + 1 :]
    ]
    return below[: last + 1]


def _role_by_position(i: int, paired: dict[int, int], rows: list[dict]) -> str | None:
    """A new row's role: that of the nearest paired row above it (or below, at the top)."""
    above = [a for a in paired if a < i]
    below = [b for b in paired if b > i]
    nearest = max(above) if above else min(below) if below else None
    return None if nearest is None else rows[paired[nearest]].get("role")


def _rows(d: Draft, body, where: _Reader) -> list:
    """The rows kept, each with its sidecar entry: paired rows keep the model's layout (and
    name the model's row in ``like`` when renamed or printed otherwise), a new row takes
    its neighbour's role where position can tell; the rest is listed or refused."""
    model = d.model
    kind = schema.KINDS[model.kind]
    old_rows = model.meta["rows"]
    known = [r["label"] for r in old_rows]
    same, renamed = match_labels([printed(plain(c[0])) for _, c in body], known)
    paired = {**same, **renamed}
    kept: list = []
    renames: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for i, (line, cells) in enumerate(body):
        label = printed(plain(cells[0]))
        if label in first_line:
            d.errors.append(
                f'{where.where(line)}: raden "{label}" förekommer två gånger '
                f"(också rad {first_line[label]})"
            )
            continue
        if label:
            first_line[label] = line
        if i in paired:
            old = old_rows[paired[i]]
            r = {k: old[k] for k in ROW_LAYOUT if k in old}
            r["label"] = label or old["label"]
            if r["label"] != old["label"]:
                r["like"] = old["label"]
                renames[old["label"]] = r["label"]
            if i in renamed:
                d.changes.append(
                    f'{where.where(line)}: raden "{label}" står där {model.id} har '
                    f'"{old["label"]}"; tas med som samma rad ({old["role"]})'
                )
                d.confirmed.append(f"raden ”{old['label']}” heter nu ”{label}”")
        elif not label:
            d.errors.append(f"{where.where(line)}: radrubriken är tom")
            continue
        else:
            new_row = _new_row(d, i, label, paired, where.where(line), kind)
            if new_row is None:
                continue
            r = new_row
        kept.append((line, cells, r))
    taken = set(paired.values())
    missing = [r["label"] for k, r in enumerate(old_rows) if k not in taken]
    for label in missing:
        d.changes.append(f'{d.file}: raden "{label}" i {model.id} finns inte i filen; utelämnas')
        d.confirmed.append(f"raden ”{label}” finns inte i filen")
    for _, _, r in kept:  # parent and parts follow a renamed row, never a missing one
        refs = ([r["parent"]] if "parent" in r else []) + list(r.get("parts") or [])
        for ref in refs:
            if ref in missing:
                d.refused.append(
                    f'{d.file}: raden "{ref}" finns inte i filen, men raden "{r["label"]}" '
                    f"räknas från den i {model.id}: skriv beskrivningsfilen för hand"
                )
        if "parent" in r:
            r["parent"] = renames.get(r["parent"], r["parent"])
        if "parts" in r:
            r["parts"] = [renames.get(p, p) for p in r["parts"]]
    d.rows = [r for _, _, r in kept]
    return kept


def _new_row(d: Draft, i: int, label: str, paired, where: str, kind) -> dict | None:
    role = _role_by_position(i, paired, d.model.meta["rows"])
    new = f'{where}: ny rad "{label}" (finns inte i {d.model.id})'
    if role in kind.needs_code:
        d.refused.append(
            f"{new}; en ny rad med rollen {role} behöver en kommunkod, som inte står i "
            f"filen: lägg till raden i en handskriven beskrivningsfil"
        )
        return None
    if role is None or role in NOT_BY_POSITION or role in kind.role_needs:
        beside = f"raden bredvid har rollen {role}" if role else "ingen känd rad bredvid"
        d.refused.append(
            f"{new}; vilken sorts rad det är går inte att avgöra av platsen ({beside}): "
            f"lägg till raden i en handskriven beskrivningsfil"
        )
        return None
    d.changes.append(f"{new}; tas med som {role}")
    d.confirmed.append(f"ny rad ”{label}” ({role})")
    return {"label": label, "role": role}


def _figures(d: Draft, kept_rows, kept_cols, where: _Reader) -> None:
    """The figures exactly as in the file (numeric cells the Swedish way, a per-cent cell as
    the per cent it shows), each checked with the number grammar in the table's unit."""
    unit = d.model.unit
    for line, cells, r in kept_rows:
        out = [r["label"]]
        for j, c in kept_cols:
            text = cells[j]
            if c.get("role") == "text":
                out.append(printed(plain(text)))
                continue
            if isinstance(text, NotAFigure):
                d.errors.append(f"{where.where(line, j, c['label'])}: {text.problem}")
                out.append("")
                continue
            text = text.strip()
            if text:
                try:
                    parse_number(
                        text,
                        file=d.file,
                        row=line,
                        column=c["label"],
                        unit=unit if unit in schema.UNITS else None,
                        letter=where.letter(j),
                    )
                except Exception as e:  # DataError: every fault listed, the rest still read
                    d.errors += getattr(e, "errors", [str(e)])
            out.append(text)
        d.figures.append(out)


def readings(model: Table) -> list[str]:
    """What a reader wrote about the model's document, which never carries to the next
    period: its notes, ambiguities, title, and each row's and column's note and odd unit."""
    out = []
    meta = model.meta
    n = len(meta.get("notes") or [])
    if n:
        out.append(f"{n} {'anteckning' if n == 1 else 'anteckningar'} om tabellen (notes)")
    n = len(meta.get("ambiguities") or [])
    if n:
        out.append(f"{n} {'tolkning' if n == 1 else 'tolkningar'} av textutdraget (ambiguities)")
    if meta.get("document_title"):
        out.append(f"dokumentets titel ”{meta['document_title']}”")
    for c in meta.get("columns", []):
        if c.get("note"):
            out.append(f"anteckningen om kolumnen ”{c['label']}”")
    for r in meta.get("rows", []):
        if "unit" in r:
            out.append(
                f"enheten {r['unit']} för raden ”{r['label']}” (tabellens {model.unit} gäller)"
            )
        if r.get("note"):
            out.append(f"anteckningen om raden ”{r['label']}”")
    return out
