"""``kuanalysis import``: an export (xlsx or csv) of the next period, laid out like a table in
data/raw, written as a new raw table.

Every import runs in a copy of the project (``KUANALYSIS_ROOT``) whose data/raw also holds the
invented period ``tests/fixtures/period-2025-t1`` (folder 005). The exports are built here
with openpyxl; the expected files are written out by hand below.

The main export, ``export.xlsx`` (tertial 1 2026, tkr), has:

- row 1 a title merged over A1:J1, row 2 blank, row 3 the header (its A3 merged over A3:A4,
  so row 4 is blank), rows 5-8 four areas, row 9 the total without a label, row 10 blank,
  row 11 a note;
- a double space and lower case in two labels, "2026" and "2026-04-30" in the headings
  (the model table says 2025 and 2025-04-30);
- an en dash minus (D6... "–1 100") and a U+2212 minus ("−200") typed as text, number formats
  ``#,##0`` and ``0.0`` on numeric cells, rows whose last cells are blank;
- D9 a formula ``=SUM(D5:D8)`` with the stored value 82 900;
- one error put in on purpose: the total's Budget förbrukning prints 50 000, while the rows
  give 31 000 + 8 000 + 2 500 + 7 500 = 49 000. Every other figure agrees:
  Social 52 000 + 14 000 = 66 000, 66 000 - 10 000 - 2 000 = 54 000;
  digitalisering 3 400 + 2 000 = 5 400, 5 400 - 6 500 = -1 100;
  Fritid -200 + 1 600 = 1 400, 1 400 - 900 = 500;
  Ledning 4 100 + 6 000 = 10 100, 10 100 - 2 500 - 1 000 = 6 600;
  total 59 300 + 23 600 = 82 900, 82 900 - 19 900 - 2 000 - 1 000 = 60 000.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, run_cli, shipped_project, store_formula_value

from kuanalysis.cli import main
from kuanalysis.data.labels import label_key, match_labels

LIKE = "delar-2025-t1-4-1"
NEW = "delar-2026-t1-4-1"
PERIOD = "2026-01-01/2026-04-30"
EN_DASH, MINUS = "\u2013", "\u2212"

HEADER = [
    "Kommunal utveckling 2026-04-30",
    "Ingående balans 2026",
    "Erhållna medel 2026",
    "Disponibla medel 2026",
    "Budget förbrukning 2026",
    "Utfall förbrukning nettokostnad 2026-04-30",
    "Utbetalt till länets kommuner",
    "Överförda medel",
    "Kvarvarande medel 2026-04-30",
    "Varav kvarvarande statliga medel",
]
AREAS = [
    [
        "Social välfärd och  hälso- och sjukvård",
        52000,
        14000,
        66000,
        31000,
        10000,
        2000,
        None,
        54000,
        41000,
    ],
    ["digitalisering", 3400, 2000, 5400, 8000, 6500, None, None, f"{EN_DASH}1 100"],
    ["Fritid", f"{MINUS}200", 1600, 1400, 2500, 900, None, None, 500],
    ["Ledning", 4100, 6000, 10100, 7500, 2500, None, 1000, 6600],
]
TOTAL = [None, 59300, 23600, "=SUM(D5:D8)", 50000, 19900, 2000, 1000, 60000, 41000]

EXPECTED_CSV = f"""\
Kommunal utveckling 2026-04-30,Ingående balans 2026,Erhållna medel 2026,Disponibla medel 2026,\
Budget förbrukning 2026,Utfall förbrukning nettokostnad 2026-04-30,Utbetalt till länets kommuner,\
Överförda medel,Kvarvarande medel 2026-04-30,Varav kvarvarande statliga medel
Social välfärd och hälso- och sjukvård,52 000,14 000,66 000,31 000,10 000,2 000,,54 000,41 000
digitalisering,3 400,2 000,5 400,8 000,6 500,,,{EN_DASH}1 100,
Fritid,{MINUS}200,1 600,1 400,2 500,900,,,500,
Ledning,4 100,6 000,10 100,7 500,2 500,,1 000,6 600,
[Summa],59 300,23 600,82 900,50 000,19 900,2 000,1 000,60 000,41 000
"""

EXPECTED_YAML = """\
table: delar-2026-t1-4-1
document: "provperiod-2026-t1.txt"
heading: "4.1 Kommunal utveckling 2026-04-30"
unit: tkr
kind: fund_statement
period: "2026-01-01/2026-04-30"
like: delar-2025-t1-4-1
export: {file: "export.xlsx", sheet: "Fondredovisning", header_row: 3, sha256: "SHA"}
label_column: "Kommunal utveckling 2026-04-30"
columns:
  - {label: "Ingående balans 2026", key: ib}
  - {label: "Erhållna medel 2026", key: erhallna}
  - {label: "Disponibla medel 2026", key: disponibla}
  - {label: "Budget förbrukning 2026", key: budget}
  - {label: "Utfall förbrukning nettokostnad 2026-04-30", key: utfall}
  - {label: "Utbetalt till länets kommuner", key: utbetalt}
  - {label: "Överförda medel", key: overforda}
  - {label: "Kvarvarande medel 2026-04-30", key: kvarvarande}
  - {label: "Varav kvarvarande statliga medel", key: varav_statliga}
rows:
  - {label: "Social välfärd och hälso- och sjukvård", role: area}
  - {label: "digitalisering", role: area, like: "Digitalisering"}
  - {label: "Fritid", role: area}
  - {label: "Ledning", role: area}
  - {label: "[Summa]", role: total}
notes:
  - "Importerad med kuanalysis import från export.xlsx (SHA-256 SHA), blad ”Fondredovisning”, \
rubrikrad 3, uppställd som delar-2025-t1-4-1."
  - "Under tabellen i filen (inte inläst): rad 11: ”Källa: ekonomisystemet, uttag 2026-05-08”"
"""


# -- building exports --------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list], merges=(), formats=None, sheet="Fondredovisning") -> Path:
    """An xlsx file of these rows (row 1 first; None = no cell), as a finance system writes it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def _export(path: Path, areas=AREAS, total=TOTAL, cached: str | None = "82900") -> Path:
    rows = [
        ["4.1 Kommunal utveckling 2026-04-30"],
        [],
        HEADER,
        [],
        *areas,
        total,
        [],
        ["Källa: ekonomisystemet, uttag 2026-05-08"],
    ]
    _xlsx(
        path,
        rows,
        merges=("A1:J1", "A3:A4"),
        formats={"B5": "#,##0", "C5": "#,##0", "I5": "#,##0", "E8": "0.0", "B9": "#,##0"},
    )
    if cached is not None:
        store_formula_value(path, "SUM(D5:D8)", cached)
    return path


# -- the project copy --------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = shipped_project(tmp_path / "projekt")
    shutil.copytree(
        ROOT / "tests" / "fixtures" / "period-2025-t1", root / "data" / "raw" / "005-delar-2025-t1"
    )
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    return root


def _import(capsys, *args) -> tuple[int, str, str]:
    code = main(["import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


# -- the main export ---------------------------------------------------------------------------


def test_import_writes_the_table_and_sidecar_as_expected(project, tmp_path):
    export = _export(tmp_path / "export.xlsx")
    before = _tree(project / "data" / "raw")
    proc = run_cli(
        "import",
        str(export),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
        "--document",
        "provperiod-2026-t1.txt",
        env={"KUANALYSIS_ROOT": str(project)},
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    # the model's notes and document title are readings of its document: left out, and said
    assert proc.stdout == (
        f"Skrev data/raw/006-delar-2026-t1/{NEW}.csv och {NEW}.yaml (5 rader, "
        f'9 kolumner) från export.xlsx, blad "Fondredovisning", rubrikrad 3\n'
        f"Inte överförda från {LIKE} (läsningar av det dokumentet, inte uppställning): "
        f"2 anteckningar om tabellen (notes); dokumentets titel ”PÅHITTAD provperiod: "
        f"delårsrapport 2025, tertial 1 (testdata, inga verkliga siffror)”\n"
    )
    folder = project / "data" / "raw" / "006-delar-2026-t1"
    assert sorted(p.name for p in folder.iterdir()) == [f"{NEW}.csv", f"{NEW}.yaml"]
    assert (folder / f"{NEW}.csv").read_bytes() == EXPECTED_CSV.encode("utf-8")
    sha = hashlib.sha256(export.read_bytes()).hexdigest()
    assert (folder / f"{NEW}.yaml").read_bytes() == EXPECTED_YAML.replace(
        "SHA-256 SHA", f"SHA-256 {sha}"
    ).replace('sha256: "SHA"', f'sha256: "{sha}"').encode("utf-8")
    after = _tree(project / "data" / "raw")
    assert {k: v for k, v in after.items() if not k.startswith("006-")} == before


def test_check_finds_exactly_the_planted_error(project, tmp_path, capsys):
    assert (
        _import(
            capsys,
            _export(tmp_path / "export.xlsx"),
            "--like",
            LIKE,
            "--table",
            NEW,
            "--period",
            PERIOD,
        )[0]
        == 0
    )
    out = tmp_path / "avstamning.csv"
    assert main(["check", "--out", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        found = [r for r in csv.DictReader(f) if r["table"] == NEW]
    assert [
        (r["row"], r["column"], r["reported"], r["expected"], r["difference"], r["status"])
        for r in found
    ] == [
        ("[Summa]", "Budget förbrukning 2026", "50000", "49000", "1000", "avvikelse"),
        # no close of 2025 in data/raw: the opening balance 2026 cannot be reconciled
        ("[Summa]", "Ingående balans 2026", "", "", "", "oklar"),
    ]
    # without --document the source is the export, never the model's document
    assert [r["document"] for r in found] == ["export.xlsx"] * 2
    side = (project / "data" / "raw" / "006-delar-2026-t1" / f"{NEW}.yaml").read_text(
        encoding="utf-8"
    )
    assert 'document: "export.xlsx"\n' in side
    assert "document_title" not in side


def test_a_second_import_refuses_to_overwrite(project, tmp_path, capsys):
    export = _export(tmp_path / "export.xlsx")
    args = (export, "--like", LIKE, "--table", NEW, "--period", PERIOD)
    assert _import(capsys, *args)[0] == 0
    before = _tree(project / "data" / "raw")
    code, out, err = _import(capsys, *args)
    assert (code, out) == (2, "")
    assert err == (
        f"Fel: tabellen {NEW} finns redan (data/raw/006-delar-2026-t1/{NEW}.csv, "
        f"data/raw/006-delar-2026-t1/{NEW}.yaml); import skriver aldrig över något, "
        f"välj ett annat namn med --tabell\n"
    )
    assert _tree(project / "data" / "raw") == before


def test_same_period_goes_to_that_periods_folder_and_mapp_overrides(project, tmp_path, capsys):
    # A second fund statement for a period is refused (the reports find periods by them).
    export = _export(tmp_path / "export.xlsx")
    code, _, err = _import(
        capsys, export, "--like", LIKE, "--table", "kopia-4-1", "--period", "2025-01-01/2025-04-30"
    )
    assert (code, err) == (
        2,
        "Fel: --period 2025-01-01/2025-04-30: fondredovisningen "
        "delar-2025-t1-4-1 gäller redan perioden till 2025-04-30\n",
    )
    # A table of a period that has a fund statement goes into that period's folder (005 holds
    # the fixture's tertial 1 2025); --mapp overrides.
    grants = _xlsx(
        tmp_path / "statliga.xlsx",
        [["4.2 Statliga medel"], ["Område", "Mnkr"], ["God och nära vård*", "20,5"]],
    )
    like = ("--like", "delar-2024-t2-4-2", "--period", "2025-01-01/2025-04-30", "--bekrafta")
    code, out, _ = _import(capsys, grants, *like)
    assert code == 0
    assert out.startswith("Skrev data/raw/005-delar-2025-t1/delar-2025-t1-4-2.csv ")
    code, out, _ = _import(
        capsys, export, "--like", LIKE, "--table", NEW, "--period", PERIOD, "--mapp", "egen-mapp"
    )
    assert code == 0 and out.startswith(f"Skrev data/raw/egen-mapp/{NEW}.csv ")


def _proposal_export(path: Path) -> Path:
    """The shipped proposal 2025 as an export: its CSV's cells in a sheet (Mullsjö's blank
    Miljösamverkan cell filled with the 10 000 kr its column total implies)."""
    with open(
        ROOT / "data" / "raw" / "000-pks-2024" / "finansiering-2025.csv", encoding="utf-8"
    ) as f:
        rows = list(csv.reader(f))
    mullsjo = next(r for r in rows if r[0] == "Mullsjö")
    mullsjo[rows[0].index(next(h for h in rows[0] if h.startswith("Miljö")))] = "10 000"
    return _xlsx(path, [["Förslag finansiering"], *rows])


def test_a_second_proposal_for_a_year_and_a_table_among_the_mappings_are_refused(
    project, tmp_path, capsys
):
    before = _tree(project / "data" / "raw")
    export = _proposal_export(tmp_path / "forslag.xlsx")
    args = ("--like", "finansiering-2025", "--period", "2025-01-01/2025-12-31")
    code, out, err = _import(capsys, export, *args, "--tabell", "finansiering-kopia")
    assert (code, out) == (2, "")
    assert err == (
        "Fel: två avgiftsförslag gäller 2025: data/raw/000-pks-2024/finansiering-2025.csv och "
        "data/raw/000-pks-2024/finansiering-kopia.csv\n"
    )
    code, out, err = _import(capsys, export, *args, "--tabell", "ny-2025", "--mapp", "kontinuitet")
    assert (code, out) == (2, "")
    assert err.startswith("Fel: --mapp kontinuitet: mappen är till för mappningsfiler")
    assert _tree(project / "data" / "raw") == before
    # the next year's proposal is named after its year, in a folder of its own
    code, out, err = _import(
        capsys, export, "--like", "finansiering-2025", "--period", "2026-01-01/2026-12-31"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Skrev data/raw/006-finansiering-2026/finansiering-2026.csv ")
    assert (
        main(
            [
                "fees",
                str(ROOT / "scenarios" / "forslag-2025.yaml"),
                "--out",
                str(tmp_path / "a.csv"),
            ]
        )
        == 0
    )


def test_formula_without_a_stored_value_is_refused(project, tmp_path, capsys):
    before = _tree(project / "data" / "raw")
    code, out, err = _import(
        capsys,
        _export(tmp_path / "export.xlsx", cached=None),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
    )
    assert (code, out) == (2, "")
    assert err == (
        'Fel: export.xlsx blad "Fondredovisning", cell D9: formeln =SUM(D5:D8) har '
        "inget sparat värde; öppna filen i Excel och spara den, så sparas formlernas "
        "värden\n"
    )
    assert _tree(project / "data" / "raw") == before


def test_every_bad_figure_is_reported_at_once_with_row_and_column_letter(project, tmp_path, capsys):
    import datetime as dt

    areas = [list(r) for r in AREAS]
    areas[0][2] = "14 000 SEK"  # C5
    areas[1][4] = dt.date(2026, 1, 2)  # E6: Excel made "1-2" a date
    areas[2][1] = "?200"  # B7: a minus lost to the wrong encoding
    areas[3][5] = True  # F8
    before = _tree(project / "data" / "raw")
    code, out, err = _import(
        capsys,
        _export(tmp_path / "export.xlsx", areas=areas),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
    )
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith(
        'Fel: export.xlsx rad 5, kolumn C "Erhållna medel 2026": '
        '"14 000 SEK" är inget tal; okänd valuta'
    )
    assert lines[1] == (
        'Fel: export.xlsx rad 6, kolumn E "Budget förbrukning 2026": cellen E6 är ett '
        "datum eller klockslag i Excel (2026-01-02), inget tal; ge cellen "
        "talformat och skriv talet igen"
    )
    assert lines[2].startswith(
        'Fel: export.xlsx rad 7, kolumn B "Ingående balans 2026": "?200" är '
        "inget tal; ett frågetecken före siffrorna är oftast ett "
        "minustecken"
    )
    assert lines[3] == (
        'Fel: export.xlsx rad 8, kolumn F "Utfall förbrukning nettokostnad '
        '2026-04-30": cellen F8 är ett sanningsvärde i Excel (SANT), inget tal; '
        "skriv talet i cellen"
    )
    assert len(lines) == 4
    assert _tree(project / "data" / "raw") == before


def test_a_table_that_does_not_load_back_is_removed(project, tmp_path, capsys, monkeypatch):
    from kuanalysis.data import importer
    from kuanalysis.errors import DataError

    real_load = importer.load_table

    def load_fails(path):
        if path.name == f"{NEW}.csv":
            raise DataError(f"{path.name} rad 2: påhittat fel")
        return real_load(path)

    monkeypatch.setattr(importer, "load_table", load_fails)
    before = _tree(project / "data" / "raw")
    code, out, err = _import(
        capsys,
        _export(tmp_path / "export.xlsx"),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
    )
    assert (code, out) == (2, "")
    assert err == (
        f"Fel: {NEW}: den nya tabellen gick inte att läsa tillbaka, så inget har "
        f"sparats:\nFel: {NEW}.csv rad 2: påhittat fel\n"
    )
    assert not (project / "data" / "raw" / "006-delar-2026-t1").exists()
    assert _tree(project / "data" / "raw") == before


def _heading(project: Path, folder: str, table: str) -> str:
    side = (project / "data" / "raw" / folder / f"{table}.yaml").read_text(encoding="utf-8")
    return next(line for line in side.splitlines() if line.startswith("heading: "))


@pytest.mark.parametrize(
    "above, merges, heading",
    [
        # a group row over the figure columns under the title: the title is the heading
        (
            [["Fondredovisning per 2026-04-30"], [None, "Medel", None, None, "Förbrukning"]],
            ("B2:D2", "E2:F2"),
            "Fondredovisning per 2026-04-30",
        ),
        # the group row alone: no title; the model's heading with the new period's date
        ([[None, "Medel"]], ("B1:D1",), "4.1 Kommunal utveckling 2026-04-30"),
    ],
)
def test_a_row_grouping_columns_above_the_header_is_no_title(
    project, tmp_path, capsys, above, merges, heading
):
    rows = [*above, HEADER, *AREAS, TOTAL[:3] + [82900] + TOTAL[4:]]
    export = _xlsx(tmp_path / "export.xlsx", rows, merges=merges)
    code, _, err = _import(capsys, export, "--like", LIKE, "--table", NEW, "--period", PERIOD)
    assert (code, err) == (0, "")
    assert _heading(project, "006-delar-2026-t1", NEW) == f'heading: "{heading}"'


def test_a_close_gets_its_own_folder_and_the_models_heading_with_its_dates(
    project, tmp_path, capsys
):
    # 001 (pastaenden-001, claims) and 004 (budget follow-ups) hold tables covering
    # 2024-01-01/2024-12-31, but no fund statement of that period: a close of 2024 is a
    # period of its own, in a new folder after the highest number (005).
    header = [h.replace("2026-04-30", "2024-12-31").replace("2026", "2024") for h in HEADER]
    rows = [header, *AREAS, TOTAL[:3] + [82900] + TOTAL[4:]]
    export = _xlsx(tmp_path / "bokslut.xlsx", rows)
    args = ("--like", LIKE, "--table", "bokslut-2024", "--period", "2024-01-01/2024-12-31")
    code, out, err = _import(capsys, export, *args)
    assert (code, err) == (0, "")
    assert out.startswith("Skrev data/raw/006-bokslut-2024/bokslut-2024.csv ")
    assert sorted(p.name for p in (project / "data" / "raw" / "006-bokslut-2024").iterdir()) == [
        "bokslut-2024.csv",
        "bokslut-2024.yaml",
    ]
    # the model (tertial 1 2025) says 2025-04-30: the close's end date, and year, instead
    assert _heading(project, "006-bokslut-2024", "bokslut-2024") == (
        'heading: "4.1 Kommunal utveckling 2024-12-31"'
    )
    # with 004 gone, 001 alone covers 2024 with its claims: still not the close's folder
    shutil.rmtree(project / "data" / "raw" / "004-askersund-2024")
    shutil.rmtree(project / "data" / "raw" / "006-bokslut-2024")
    code, out, err = _import(capsys, export, *args)
    assert (code, err) == (0, "")
    assert out.startswith("Skrev data/raw/006-bokslut-2024/bokslut-2024.csv ")
    assert not list((project / "data" / "raw" / "001-delar-2024-t2").glob("bokslut-2024*"))


@pytest.mark.parametrize(
    "heading, old, new, expected",
    [
        (
            "4.1 Kommunal utveckling 2024-08-31",
            "2024-01-01/2024-08-31",
            "2025-01-01/2025-04-30",
            "4.1 Kommunal utveckling 2025-04-30",
        ),
        (
            "BOKSLUT 2023-12-31",
            "2023-01-01/2023-12-31",
            "2024-01-01/2024-12-31",
            "BOKSLUT 2024-12-31",
        ),
        (
            "Fonder 2024, per 2024-08-31 (T2)",
            "2024-01-01/2024-08-31",
            "2024-01-01/2024-12-31",
            "Fonder 2024, per 2024-12-31 (T2)",
        ),
        (
            "Medel 2023 och 20234",
            "2023-01-01/2023-12-31",
            "2025-01-01/2025-04-30",
            "Medel 2025 och 20234",
        ),
    ],
)
def test_new_heading_takes_the_new_periods_dates_and_year(heading, old, new, expected):
    from kuanalysis.data.importer import new_heading

    assert new_heading(heading, old, new) == expected


# -- rows and columns that differ --------------------------------------------------------------


def _changed_export(path: Path) -> Path:
    """Kultur is new (top), Digitalisering renamed, Ledning missing; figures agree."""
    rows = [
        HEADER,
        ["Kultur", 100, 200, 300, 250, 100, None, None, 200],
        [
            "Social välfärd och hälso- och sjukvård",
            52000,
            14000,
            66000,
            31000,
            10000,
            2000,
            None,
            54000,
            41000,
        ],
        ["Digitalisering och IT", 3400, 2000, 5400, 8000, 6500, None, None, -1100],
        ["Fritid", -200, 1600, 1400, 2500, 900, None, None, 500],
        [None, 55300, 17800, 73100, 41750, 17500, 2000, None, 53600, 41000],
    ]
    return _xlsx(path, rows)


CHANGES = [
    f'export.xlsx rad 2: ny rad "Kultur" (finns inte i {LIKE}); tas med som area',
    f'export.xlsx rad 4: raden "Digitalisering och IT" står där {LIKE} har "Digitalisering"; '
    f"tas med som samma rad (area)",
    f'export.xlsx: raden "Ledning" i {LIKE} finns inte i filen; utelämnas',
]


def test_new_renamed_and_missing_rows_are_listed_and_refused(project, tmp_path, capsys):
    before = _tree(project / "data" / "raw")
    code, out, err = _import(
        capsys,
        _changed_export(tmp_path / "export.xlsx"),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
    )
    assert (code, out) == (2, "")
    # one heading line (the exit 2 contract: it starts with "Fel:"), then the list as
    # information, not as faults
    assert err.splitlines() == [
        f"Fel: export.xlsx skiljer sig från {LIKE} på 3 punkter, som måste bekräftas; inget har "
        f"skrivits. Kontrollera listan och kör igen med --bekrafta för att ta med dem så:",
        *(f"  {change}" for change in CHANGES),
    ]
    assert _tree(project / "data" / "raw") == before


def test_confirmed_rows_are_written_with_the_listed_roles(project, tmp_path, capsys):
    export = _changed_export(tmp_path / "export.xlsx")
    code, _, err = _import(
        capsys, export, "--like", LIKE, "--table", NEW, "--period", PERIOD, "--bekrafta"
    )
    assert (code, err) == (0, "")
    folder = project / "data" / "raw" / "006-delar-2026-t1"
    assert (folder / f"{NEW}.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "Kultur,100,200,300,250,100,,,200,",
        "Social välfärd och hälso- och sjukvård,52 000,14 000,66 000,31 000,10 000,2 000,,"
        "54 000,41 000",
        "Digitalisering och IT,3 400,2 000,5 400,8 000,6 500,,,-1 100,",
        "Fritid,-200,1 600,1 400,2 500,900,,,500,",
        "[Summa],55 300,17 800,73 100,41 750,17 500,2 000,,53 600,41 000",
    ]
    side = (folder / f"{NEW}.yaml").read_text(encoding="utf-8")
    assert side.split("rows:\n")[1].split("notes:\n")[0] == (
        '  - {label: "Kultur", role: area}\n'
        '  - {label: "Social välfärd och hälso- och sjukvård", role: area}\n'
        '  - {label: "Digitalisering och IT", role: area, like: "Digitalisering"}\n'
        '  - {label: "Fritid", role: area}\n'
        '  - {label: "[Summa]", role: total}\n'
    )
    assert (
        '  - "Bekräftat med --bekrafta: ny rad ”Kultur” (area); raden ”Digitalisering” heter '
        'nu ”Digitalisering och IT”; raden ”Ledning” finns inte i filen."\n'
    ) in side
    # no title: the model's heading, its end date 2025-04-30 made the new period's
    assert 'heading: "4.1 Kommunal utveckling 2026-04-30"\n' in side
    assert "Rubriken (heading) är hämtad från delar-2025-t1-4-1 med den nya periodens" in side


def test_a_row_whose_role_cannot_be_known_is_refused_even_when_confirmed(project, tmp_path, capsys):
    rows = [HEADER, *AREAS, TOTAL[:3] + [82900] + TOTAL[4:], ["Ackumulerat överskott", None, 5]]
    code, _, err = _import(
        capsys,
        _xlsx(tmp_path / "export.xlsx", rows),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
        "--bekrafta",
    )
    assert code == 2
    assert err == (
        'Fel: export.xlsx rad 7: ny rad "Ackumulerat överskott" (finns inte i '
        f"{LIKE}); vilken sorts rad det är går inte att avgöra av platsen (raden "
        "bredvid har rollen total): lägg till raden i en handskriven beskrivningsfil\n"
    )


def test_a_new_column_is_refused_even_when_confirmed(project, tmp_path, capsys):
    rows = [HEADER + ["Prognos 2026"], *AREAS, TOTAL[:3] + [82900] + TOTAL[4:]]
    code, _, err = _import(
        capsys,
        _xlsx(tmp_path / "export.xlsx", rows),
        "--like",
        LIKE,
        "--table",
        NEW,
        "--period",
        PERIOD,
        "--bekrafta",
    )
    assert code == 2
    assert err == (
        f'Fel: export.xlsx rad 1, kolumn K: kolumnen "Prognos 2026" motsvarar ingen '
        f"kolumn i {LIKE}; en ny uppställning behöver en handskriven beskrivningsfil "
        f"(se data/raw/README.md)\n"
    )


def test_a_new_municipality_row_without_code_is_refused(project, tmp_path, capsys):
    folder = project / "data" / "raw" / "007-test"
    folder.mkdir()
    for f in ("avgifter.csv", "avgifter.yaml"):
        shutil.copy(ROOT / "tests" / "fixtures" / "good" / f, folder / f)
    rows = [
        ["Kommun", "Grundavgift", "Barnahus", "Summa"],
        ["Aneby", 1000, 2500, 3500],
        ["Eksjö", 2000, None, 2000],
        ["Habo", 500, 500, 1000],
        ["Summa", 3500, 3000, 6500],
    ]
    code, _, err = _import(
        capsys,
        _xlsx(tmp_path / "avg.xlsx", rows),
        "--like",
        "avgifter",
        "--table",
        "avgifter-2026",
        "--period",
        "2026-01-01/2026-12-31",
        "--bekrafta",
    )
    assert code == 2
    assert err == (
        'Fel: avg.xlsx rad 4: ny rad "Habo" (finns inte i avgifter); en ny rad med '
        "rollen kommun behöver en kommunkod, som inte står i filen: lägg till raden i "
        "en handskriven beskrivningsfil\n"
    )


# -- csv exports and bad arguments -------------------------------------------------------------


def test_csv_export_with_title_row_and_semicolons(project, tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text(
        "Fondredovisning per 2026-08-31\n"
        "\n"
        "Kommunal utveckling 2026-08-31;Ingående balans 2026;Erhållna medel 2026;"
        "Disponibla medel 2026;Budget förbrukning 2026;Utfall förbrukning nettokostnad 2026-08-31;"
        "Utbetalt till länets kommuner;Överförda medel;Kvarvarande medel 2026-08-31;"
        "Varav kvarvarande statliga medel\n"
        "Social välfärd och hälso- och sjukvård;52 000;14 000;66 000;31 000;20 000;2 000;;44 000;"
        "40 000\n"
        "Digitalisering;3 400;2 000;5 400;8 000;6 500;;;-1 100;\n"
        "Fritid;200;1 600;1 800;2 500;900,5;;;899,5;\n"
        "Ledning;4 100;6 000;10 100;7 500;2 500;;1 000;6 600;\n"
        ";59 700;23 600;83 300;49 000;29 900,5;2 000;1 000;50 399,5;40 000\n",
        encoding="utf-8",
    )
    code, out, err = _import(
        capsys,
        export,
        "--like",
        LIKE,
        "--table",
        "delar-2026-t2-4-1",
        "--period",
        "2026-01-01/2026-08-31",
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "Skrev data/raw/006-delar-2026-t2/delar-2026-t2-4-1.csv och "
        "delar-2026-t2-4-1.yaml (5 rader, 9 kolumner) från export.csv, rubrikrad 3"
    )
    written = project / "data" / "raw" / "006-delar-2026-t2" / "delar-2026-t2-4-1.csv"
    assert (
        written.read_bytes()
        == (
            "Kommunal utveckling 2026-08-31,Ingående balans 2026,Erhållna medel 2026,"
            "Disponibla medel 2026,Budget förbrukning 2026,Utfall förbrukning nettokostnad 2026-08-31,"
            "Utbetalt till länets kommuner,Överförda medel,Kvarvarande medel 2026-08-31,"
            "Varav kvarvarande statliga medel\n"
            "Social välfärd och hälso- och sjukvård,52 000,14 000,66 000,31 000,20 000,2 000,,44 000,"
            "40 000\n"
            "Digitalisering,3 400,2 000,5 400,8 000,6 500,,,-1 100,\n"
            'Fritid,200,1 600,1 800,2 500,"900,5",,,"899,5",\n'
            "Ledning,4 100,6 000,10 100,7 500,2 500,,1 000,6 600,\n"
            '[Summa],59 700,23 600,83 300,49 000,"29 900,5",2 000,1 000,"50 399,5",40 000\n'
        ).encode()
    )
    side = written.with_suffix(".yaml").read_text(encoding="utf-8")
    assert 'heading: "Fondredovisning per 2026-08-31"\n' in side
    assert 'rubrikrad 3, uppställd som delar-2025-t1-4-1."\n' in side


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--period", "2026-01-01--2026-04-30"],
            'Fel: --period "2026-01-01--2026-04-30": väntade ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD, '
            "t.ex. 2025-01-01/2025-04-30\n",
        ),
        (
            ["--period", "2026-02-30/2026-04-30"],
            "Fel: --period 2026-02-30/2026-04-30: inget giltigt datum\n",
        ),
        (
            ["--period", "2026-01-01/2026-04-30", "--like", "finns-inte"],
            "Fel: tabellen finns-inte (--som/--like) finns inte i data/raw, och inga tabeller "
            "har namn som börjar med finns-inte-\n",
        ),
        (
            ["--period", "2026-01-01/2026-04-30", "--table", "Ny Tabell"],
            'Fel: --tabell "Ny Tabell": ett tabellnamn har bara små bokstäver a–z, siffror och '
            "bindestreck och börjar inte med korskontroller, t.ex. delar-2025-t1-4-1\n",
        ),
        (
            ["--period", "2026-01-01/2026-04-30", "--table", "bokslut-2023"],
            "Fel: tabellen bokslut-2023 finns redan (data/raw/000-pks-2024/bokslut-2023.csv, "
            "data/raw/000-pks-2024/bokslut-2023.yaml); import skriver aldrig över något, välj ett "
            "annat namn med --tabell\n",
        ),
    ],
)
def test_bad_arguments_are_refused(project, tmp_path, capsys, args, message):
    export = _export(tmp_path / "export.xlsx")
    opts = {"--like": LIKE, "--table": NEW}
    for k, v in zip(args[::2], args[1::2]):
        opts[k] = v
    code, out, err = _import(capsys, export, *[x for kv in opts.items() for x in kv])
    assert (code, out, err) == (2, "", message)


# -- labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Kvarvarande medel 2024-08-31", "Kvarvarande medel 2025-04-30"),
        ("Ingående balans 2024", "Ingående balans 2025"),
        ("  Nära   VÅRD ", "Nära vård"),
        ("[Summa]", "Summa"),
    ],
)
def test_labels_that_match(a, b):
    assert label_key(a) == label_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Akkumulerat överskott", "Ackumulerat överskott"),  # a typo fixed is another label
        ("Barnahus 12", "Barnahus 13"),  # only years (19xx, 20xx) are ignored
        ("Utbildning", "Utbildning 2"),
    ],
)
def test_labels_that_do_not_match(a, b):
    assert label_key(a) != label_key(b)


def test_match_labels_pairs_same_renamed_new_and_missing():
    known = ["A", "B", "C", "[Summa]"]
    # "b" is B (case); "X" stands where C stood (renamed); "" is the unlabelled total.
    assert match_labels(["a", "b", "X", ""], known) == ({0: 0, 1: 1, 3: 3}, {2: 2})
    # two new labels where one known label is missing: no pairing is guessed
    assert match_labels(["A", "X", "Y", "C"], ["A", "B", "C"]) == ({0: 0, 3: 2}, {})
    # a heading that is only a year pairs only with the same year (its key is the year)
    assert match_labels(["2016", "2019"], ["2016", "2018"]) == ({0: 0}, {1: 1})
