"""A whole next period from one workbook: every table found on its sheet, every check the previous
period got, readings of the old document left behind. The exports and their planted errors are
described in ``tests/period_exports.py``; everything runs in a copy of the shipped project.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from conftest import shipped_project
from period_exports import write_close_csv, write_tertial_workbook

from kuanalysis.cli import main
from kuanalysis.data.importer import MAX_LISTED, ToConfirm, next_name, period_part

T1 = "2025-01-01/2025-04-30"
NEW = ("delar-2025-t1-4-1", "delar-2025-t1-4-2", "delar-2025-t1-4-3", "delar-2025-t1-4-5")


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = shipped_project(tmp_path / "projekt")
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    return root


@pytest.fixture
def imported(project, tmp_path, capsys):
    """The close of 2024 and the tertial 1 2025 imported with two commands."""
    close = write_close_csv(tmp_path / "bokslut-2024.csv")
    book = write_tertial_workbook(tmp_path / "delarsrapport-2025-04.xlsx")
    first = _run(
        capsys, "import", close, "--som", "delar-2024-t2-4-1", "--period", "2024-01-01/2024-12-31"
    )
    second = _run(capsys, "import", book, "--som", "delar-2024-t2", "--period", T1)
    return project, first, second


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, part",
    [
        ("2024-01-01", "2024-12-31", "bokslut-2024"),
        ("2025-01-01", "2025-04-30", "delar-2025-t1"),
        ("2025-01-01", "2025-08-31", "delar-2025-t2"),
        ("2025-01-01", "2025-06-30", "delar-2025-0630"),
    ],
)
def test_a_period_in_a_table_name(start, end, part):
    assert period_part(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == part


@pytest.mark.parametrize(
    "old, period, new",
    [
        ("delar-2024-t2-4-2", "2025-01-01/2025-04-30", "delar-2025-t1-4-2"),
        ("delar-2024-t2-4-1", "2024-01-01/2024-12-31", "bokslut-2024-4-1"),
        ("bokslut-2023", "2024-01-01/2024-12-31", "bokslut-2024"),
        ("finansiering-2025", "2026-01-01/2026-12-31", "finansiering-2026"),
        ("pks-administration", "2026-01-01/2026-12-31", None),  # no period in the name
        ("pks-2016-2018", "2026-01-01/2026-12-31", None),  # two years: which one?
    ],
)
def test_a_new_table_is_named_after_its_predecessor_and_the_new_period(old, period, new):
    start, end = (dt.date.fromisoformat(d) for d in period.split("/"))
    assert next_name(old, start, end) == new


# -- the import ----------------------------------------------------------------------------------


def test_two_commands_write_the_close_and_every_table_of_the_tertial(imported):
    project, (code1, out1, err1), (code2, out2, err2) = imported
    assert (code1, err1, code2, err2) == (0, "", 0, "")
    assert out1.splitlines()[0] == (
        "Skrev data/raw/005-bokslut-2024/bokslut-2024-4-1.csv och bokslut-2024-4-1.yaml "
        "(16 rader, 9 kolumner) från bokslut-2024.csv, rubrikrad 3"
    )
    lines = out2.splitlines()
    # each table from its own sheet, whatever the sheet's position or name
    assert lines[:4] == [
        "Skrev data/raw/006-delar-2025-t1/delar-2025-t1-4-1.csv och delar-2025-t1-4-1.yaml "
        '(16 rader, 9 kolumner) från delarsrapport-2025-04.xlsx, blad "FR41", rubrikrad 4',
        "Skrev data/raw/006-delar-2025-t1/delar-2025-t1-4-2.csv och delar-2025-t1-4-2.yaml "
        '(8 rader, 1 kolumn) från delarsrapport-2025-04.xlsx, blad "Statliga", rubrikrad 4',
        "Skrev data/raw/006-delar-2025-t1/delar-2025-t1-4-3.csv och delar-2025-t1-4-3.yaml "
        '(4 rader, 2 kolumner) från delarsrapport-2025-04.xlsx, blad "Utbetalningar", '
        "rubrikrad 4",
        "Skrev data/raw/006-delar-2025-t1/delar-2025-t1-4-5.csv och delar-2025-t1-4-5.yaml "
        '(12 rader, 4 kolumner) från delarsrapport-2025-04.xlsx, blad "Finansiering", '
        "rubrikrad 4",
    ]
    # the 2024 reading of "Varav Kommuner" in tkr is said not to be carried over
    assert any(
        line.startswith("Inte överförda från delar-2024-t2-4-3")
        and "enheten tkr för raden ”Varav Kommuner” (tabellens mnkr gäller)" in line
        for line in lines
    )
    assert lines[-2:] == [
        'Info: bladet "Gammal 4.1" är dolt och lästes inte, fast det ser ut som tabellen '
        "delar-2024-t2-4-1; visa bladet i Excel om det är det som ska läsas",
        'Info: bladet "Info" liknar ingen av tabellerna och lästes inte',
    ]
    folder = project / "data" / "raw" / "006-delar-2025-t1"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{t}{s}" for t in NEW for s in (".csv", ".yaml")
    )


def test_layout_carries_readings_do_not(imported):
    project, *_ = imported
    folder = project / "data" / "raw" / "006-delar-2025-t1"
    side = (folder / "delar-2025-t1-4-3.yaml").read_text(encoding="utf-8")
    assert "unit: tkr" not in side and "0,6 mnkr" not in side  # 2024's reading of one row
    assert (
        '  - {label: "Varav Kommuner", role: subpart, parent: "Ungdomsmottagningarna i länet"}'
        in side
    )
    assert "like: delar-2024-t2-4-3\n" in side
    assert "Delårsrapport Kommunal utveckling 2024" not in side  # the old document's title
    # the caption is the title in the largest font, not the date line under it
    assert 'heading: "4.3 Utbetalningar"\n' in side
    fund = (folder / "delar-2025-t1-4-1.yaml").read_text(encoding="utf-8")
    assert 'heading: "4.1 Kommunal utveckling 2025-04-30"\n' in fund
    assert 'export: {file: "delarsrapport-2025-04.xlsx", sheet: "FR41", header_row: 4, ' in fund


def test_a_blank_heading_pairs_by_position_and_per_cent_cells_read_as_shown(imported):
    project, *_ = imported
    with open(
        project / "data" / "raw" / "006-delar-2025-t1" / "delar-2025-t1-4-5.csv", encoding="utf-8"
    ) as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "Finansiering av utfall 2025-04-30 andel",
        "[andel av utfall]",
        "Tillförda medel kommunerna",
        "Tillförda medel Staten",
        "Tillförda medel Övriga",
    ]
    # 0,40 formatted 0% is 40 %, never 0,4; a blank stays blank
    assert rows[1] == ["Social Välfärd och Hälsa Sjukvård", "40 %", "30 %", "60 %", "10 %"]
    assert rows[3] == ["Miljösamverkan", "2 %", "70 %", "", "30 %"]


def test_check_finds_every_planted_error_and_nothing_else(imported, tmp_path, capsys):
    project, *_ = imported
    out = tmp_path / "avstamning.csv"
    code, text, err = _run(capsys, "check", "--out", out)
    assert (code, err) == (0, "")
    found = _rows(out)
    new = sorted(
        (r["table"], r["row"], r["column"], r["reported"], r["expected"], r["rule"], r["status"])
        for r in found
        if r["table"] in NEW
    )
    assert new == [
        (
            "delar-2025-t1-4-1",
            "Fritid",
            "Ingående balans 2025",
            "150",
            "100",
            "continuity",
            "avvikelse",
        ),
        (
            "delar-2025-t1-4-1",
            "[Summa]",
            "Ingående balans 2025",
            "140322",
            "140272",
            "continuity",
            "avvikelse",
        ),
        (
            "delar-2025-t1-4-2",
            "Nationella Yrkesresan",
            "Mnkr",
            "2.5",
            "2",
            "cross_check",
            "avvikelse",
        ),
        (
            "delar-2025-t1-4-3",
            "Satsningar inom God och nära vård",
            "Mnkr",
            "1.4",
            "1",
            "cross_check",
            "avvikelse",
        ),
        (
            "delar-2025-t1-4-5",
            "Fritid",
            "[delarnas summa]",
            "105",
            "100",
            "share_parts_100",
            "avvikelse",
        ),
    ]

    # the close of 2024 opens with the tertial 2's opening balances: the same continuity
    # findings as the tertial 2 (golden), and nothing else
    def of(table):
        return sorted(
            (r["row"], r["reported"], r["expected"], r["rule"])
            for r in found
            if r["table"] == table
        )

    assert of("bokslut-2024-4-1") == [x for x in of("delar-2024-t2-4-1") if x[3] == "continuity"]
    assert len(of("bokslut-2024-4-1")) == 8
    # every document with its checks and findings, the clean ones too
    lines = text.splitlines()
    assert "delarsrapport-2025-04.xlsx: 77 kontroller, 5 fynd (5 avvikelse)" in lines
    assert "004_dd5a8c5fc20c2377.txt: 50 kontroller, inga fynd" in lines


def test_the_new_period_gets_every_check_between_tables_its_predecessor_got(imported):
    from kuanalysis.checks.runner import check_folder

    _, _, findings = check_folder()
    checked = findings.checked
    # 4.2: three cross-checks against 4.1 and Psykatri's sub-posts; 4.3: three cross-checks
    # and Ungdomsmottagningarna's sub-post; 4.5: 12 rows' parts, the subtotal, the total (sum
    # and 100 %). The same in 2024 and in 2025.
    assert checked["delar-2025-t1-4-2"] == checked["delar-2024-t2-4-2"] == 4
    assert checked["delar-2025-t1-4-3"] == checked["delar-2024-t2-4-3"] == 4
    assert checked["delar-2025-t1-4-5"] == checked["delar-2024-t2-4-5"] == 15
    derived = [f for f in findings if f.table in NEW and f.rule == "cross_check"]
    assert {c.table for f in derived for c in f.cells[1:]} == {"delar-2025-t1-4-1"}


def test_a_row_the_new_period_lacks_is_a_check_that_could_not_run(project, tmp_path, capsys):
    write_close_csv(tmp_path / "bokslut-2024.csv")
    book = write_tertial_workbook(tmp_path / "t1.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Utbetalningar"]
    ws.delete_rows(7)  # "Varav Kommuner" (title, date, blank, header, two rows above it)
    wb.save(book)
    code, _, err = _run(capsys, "import", book, "--som", "delar-2024-t2", "--period", T1)
    assert code == 2
    assert err.splitlines()[1:2] == [
        '  t1.xlsx: raden "Varav Kommuner" i delar-2024-t2-4-3 finns inte i filen; utelämnas'
    ]
    code, _, err = _run(
        capsys, "import", book, "--som", "delar-2024-t2", "--period", T1, "--bekrafta"
    )
    assert (code, err) == (0, "")
    out = tmp_path / "avstamning.csv"
    assert main(["check", "--out", str(out)]) == 0
    lost = [r for r in _rows(out) if r["rule"] == "cross_check_unavailable"]
    assert [(r["table"], r["row"], r["status"], r["check"]) for r in lost] == [
        (
            "delar-2025-t1-4-3",
            "Varav Kommuner",
            "oklar",
            "korskontroll kunde inte göras: raden ”Varav Kommuner” finns inte i delar-2025-t1-4-3",
        )
    ]


# -- what the import refuses -----------------------------------------------------------------------


def test_a_table_only_on_a_hidden_sheet_is_not_read(project, tmp_path, capsys):
    book = write_tertial_workbook(tmp_path / "t1.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["FR41"].sheet_state = "hidden"
    wb.save(book)
    args = ("--som", "delar-2024-t2-4-1", "--period", T1)
    code, out, err = _run(capsys, "import", book, *args)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        'Fel: t1.xlsx: ingen rad ser ut som rubrikraden i delar-2024-t2-4-1 ("Ingående balans '
        '2024", "Erhållna medel 2024", "Disponibla medel 2024", ...); är filen uppställd som den '
        "tabellen?",
        'Fel: bladet "FR41" är dolt och lästes inte, fast det ser ut som tabellen '
        "delar-2024-t2-4-1; visa bladet i Excel om det är det som ska läsas",
        'Fel: bladet "Gammal 4.1" är dolt och lästes inte, fast det ser ut som tabellen '
        "delar-2024-t2-4-1; visa bladet i Excel om det är det som ska läsas",
    ]


def test_an_unquoted_decimal_comma_in_a_comma_csv_is_refused_naming_the_row(
    project, tmp_path, capsys
):
    export = tmp_path / "bokslut.csv"
    write_close_csv(export)
    text = export.read_text(encoding="utf-8").replace(
        "sjukvård,55 354,30 000,", "sjukvård,55 354,29 999,5,"
    )  # 30 000 written as 29 999,5 without quotes: the figures after it shift one column right
    export.write_text(text, encoding="utf-8")
    code, out, err = _run(
        capsys, "import", export, "--som", "delar-2024-t2-4-1", "--period", "2024-01-01/2024-12-31"
    )
    assert (code, out) == (2, "")
    assert err.startswith(
        "Fel: bokslut.csv rad 4: raden har 11 fält men rubrikraden 10; ett decimaltal med "
        "komma utan citattecken"
    )


def test_a_stray_cell_at_the_end_of_the_sheet_is_left_unread_with_a_note(project, tmp_path, capsys):
    book = write_tertial_workbook(tmp_path / "t1.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["FR41"]["A1048576"] = "x"
    wb["FR41"]["XFD2"] = "y"
    wb.save(book)
    code, out, err = _run(capsys, "import", book, "--som", "delar-2024-t2-4-1", "--period", T1)
    assert (code, err) == (0, "")
    assert (
        "Info: delar-2025-t1-4-1: celler långt utanför tabellen lästes inte (XFD2, A1048576)"
        in out.splitlines()
    )


def test_a_sidecar_the_reader_would_refuse_is_refused_before_anything_is_written(
    project, tmp_path, capsys
):
    # 4.2's layout with 25 000 new rows of long labels: the sidecar would be over the YAML
    # reader's 1 000 kB, so nothing is written (it used to be written, then refused on read)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Område", "Mnkr"])
    ws.append(["God och nära vård*", 1])
    for i in range(25_000):
        ws.append([f"Delpost nummer {i:05d} med en beskrivning som är lång", 1])
    wb.save(tmp_path / "stor.xlsx")
    before = sorted(p.name for p in (project / "data" / "raw").iterdir())
    code, out, err = _run(
        capsys,
        "import",
        tmp_path / "stor.xlsx",
        "--som",
        "delar-2024-t2-4-2",
        "--period",
        T1,
        "--bekrafta",
    )
    assert (code, out) == (2, "")
    first, second = err.splitlines()[:2]
    assert first == (
        "Fel: delar-2025-t1-4-2: den nya tabellen gick inte att läsa tillbaka, så inget har "
        "sparats:"
    )
    assert second.startswith("Fel: delar-2025-t1-4-2.yaml: filen är ")
    assert second.endswith(" kB; en YAML-fil här får vara högst 1000 kB")
    assert sorted(p.name for p in (project / "data" / "raw").iterdir()) == before


def test_the_list_to_confirm_is_capped():
    e = ToConfirm(["rubrik"], [f"rad {i}" for i in range(MAX_LISTED + 12)])
    listed = e.listed()
    assert len(listed) == MAX_LISTED + 1
    assert listed[-1] == "  ... och 12 punkter till"
    assert listed[0] == "  rad 0"


def test_a_table_of_the_set_that_is_in_no_sheet_is_listed(project, tmp_path, capsys):
    book = write_tertial_workbook(tmp_path / "t1.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["Utbetalningar"]
    wb.save(book)
    code, _, err = _run(capsys, "import", book, "--som", "delar-2024-t2", "--period", T1)
    assert code == 2
    assert "  t1.xlsx: inget blad har rubrikraden i tabellen delar-2024-t2-4-3; den utelämnas" in (
        err.splitlines()
    )


def test_a_folder_of_csv_files_is_a_period_too(project, tmp_path, capsys):
    # the workbook's visible sheets saved one CSV file each (semicolons, as Excel writes them
    # in Swedish), the shares as the per cent text they show
    from kuanalysis.data.workbook import read_workbook

    folder = tmp_path / "export"
    folder.mkdir()
    for sheet in read_workbook(write_tertial_workbook(tmp_path / "t1.xlsx")):
        if not sheet.hidden:
            with open(folder / f"{sheet.name}.csv", "w", encoding="utf-8", newline="") as fh:
                csv.writer(fh, delimiter=";").writerows(cells for _, cells in sheet.rows)
    code, out, err = _run(capsys, "import", folder, "--som", "delar-2024-t2", "--period", T1)
    assert (code, err) == (0, "")
    assert [line.split(" och ")[0] for line in out.splitlines()[:4]] == [
        f"Skrev data/raw/005-delar-2025-t1/{t}.csv" for t in NEW
    ]
    assert "från FR41.csv, rubrikrad 4" in out.splitlines()[0]
    side = (project / "data" / "raw" / "005-delar-2025-t1" / "delar-2025-t1-4-5.yaml").read_text(
        encoding="utf-8"
    )
    assert 'export: {file: "Finansiering.csv", header_row: 4, sha256: ' in side
