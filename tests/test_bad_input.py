"""Every malformed table in tests/fixtures/bad is refused with a message that says where.

Each case is run the way a user meets it: the bad file is put in a raw folder of a copy of the
project next to a good table, ``kuanalysis data`` runs, and it must print the fault, return 2,
write nothing and leave the raw files as they were.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kuanalysis.data import DataError, load_table
from kuanalysis.data.tidy import cli_data

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"

_NOT_A_NUMBER = "är inget tal"

#: case (file stem) -> pieces the message must contain: file, row (line), column, text found.
EXPECTED = {
    "blandade-avgransare": [
        "blandade-avgransare.csv rad 3: raden har 1 fält, väntade 4",
        "blandade avgränsare",
    ],
    "text-i-talcell": ['text-i-talcell.csv rad 3, kolumn "Barnahus": "12a" ' + _NOT_A_NUMBER],
    "punkt-och-komma": [
        'punkt-och-komma.csv rad 2, kolumn "Grundavgift": "1.234,5" ' + _NOT_A_NUMBER,
        "punkt används inte",
    ],
    "komma-och-punkt": [
        'komma-och-punkt.csv rad 2, kolumn "Grundavgift": "1,234.5" ' + _NOT_A_NUMBER
    ],
    "dollar": ['dollar.csv rad 2, kolumn "Barnahus": "$5" ' + _NOT_A_NUMBER, "valuta"],
    "euro": ['euro.csv rad 3, kolumn "Grundavgift": "5 €" ' + _NOT_A_NUMBER, "valuta"],
    "sek": ['sek.csv rad 4, kolumn "Summa": "7 000 SEK" ' + _NOT_A_NUMBER, "valuta"],
    "saknad-kolumn": ['saknad-kolumn.csv rad 1: kolumnen "Barnahus" saknas'],
    "extra-kolumn": ['extra-kolumn.csv rad 1: okänd kolumn "Övrigt"'],
    "kolumner-i-fel-ordning": ["kolumner-i-fel-ordning.csv rad 1: kolumnerna står i fel ordning"],
    "dubblettrad": ['dubblettrad.csv rad 4: raden "Aneby" förekommer två gånger (också rad 2)'],
    "tom-fil": ["tom-fil.csv: filen är tom"],
    "fel-kodning": [
        "fel-kodning.csv rad 3: filen går inte att läsa som UTF-8 eller Windows-1252 (byte 0x81)"
    ],
    "summa-fel-plats": ['summa-fel-plats.yaml: summaraden "Summa" står inte sist'],
    "kod-utan-nolla": [
        'kod-utan-nolla.yaml: raden "Aneby": kommunkoden 604 saknar inledande nolla, väntade 0604'
    ],
    # YAML 1.1 reads an unquoted 0604 as the octal number 388.
    "kod-som-tal": ['kod-som-tal.yaml: raden "Aneby": kommunkoden 388 är ett tal i YAML'],
    "enhet-fel": [
        'enhet-fel.csv rad 2, kolumn "Barnahus": "12 kr" har enheten kr men cellens enhet är tkr'
    ],
    "saknad-sidovagn": ["saknad-sidovagn.csv: beskrivningsfilen saknad-sidovagn.yaml saknas"],
    "rad-saknas-i-filen": [
        'rad-saknas-i-filen.csv: raden "Gnosjö" finns i beskrivningsfilen men inte i filen'
    ],
    "rad-saknas-i-sidovagn": [
        'rad-saknas-i-sidovagn.csv rad 4: raden "Gislaved" finns inte i beskrivningsfilen'
    ],
    "fel-radordning": ["fel-radordning.csv: raderna står i en annan ordning"],
    "tom-radrubrik": ["tom-radrubrik.csv rad 3: radrubriken är tom"],
    "okand-typ": ['okand-typ.yaml: okänd tabelltyp (kind) "fund_matrix"'],
    "okand-roll": ['okand-roll.yaml: raden "Summa": okänd radroll "summa" för fee_matrix'],
    "okand-nyckel": ['okand-nyckel.yaml: kolumn "Barnahus": okänd nyckel "Barnahus"'],
    "okant-falt": ["okant-falt.yaml: okänt fält enhet"],
    "saknat-falt": ["saknat-falt.yaml: fältet heading saknas"],
    "fel-tabellnamn": ['fel-tabellnamn.yaml: table är "avgifter" men filen heter fel-tabellnamn'],
    "fel-tusentalsgrupp": [
        'fel-tusentalsgrupp.csv rad 3, kolumn "Grundavgift": "1 2345" ' + _NOT_A_NUMBER,
        "tre siffror",
    ],
    "tva-decimalkomman": [
        'tva-decimalkomman.csv rad 3, kolumn "Summa": "3,5,0" ' + _NOT_A_NUMBER,
        "mer än ett decimalkomma",
    ],
    "trasig-citering": ["trasig-citering.csv rad 4: trasig CSV"],
    "avvikelse-saknas": [
        "avvikelse-saknas.yaml: fältet avvikelse saknas (krävs för budget_followup)"
    ],
    "delpost-utan-foralder": ['delpost-utan-foralder.yaml: raden "varav lokaler": parent saknas'],
    # Numbers that are not numbers: only 0–9, at most 15 digits, nothing after the figure.
    "arabiska-siffror": [
        'arabiska-siffror.csv rad 3, kolumn "Barnahus": "١٥٠٠" ' + _NOT_A_NUMBER,
        "bara siffrorna 0–9",
    ],
    "helbreddssiffror": [
        'helbreddssiffror.csv rad 3, kolumn "Barnahus": "１５００" ' + _NOT_A_NUMBER,
        "bara siffrorna 0–9",
    ],
    "for-manga-siffror": [
        'for-manga-siffror.csv rad 3, kolumn "Barnahus": "1111111111111111111'
        '111111111111111111111" har fler än 15 siffror'
    ],
    "oandligt-tal": [
        'oandligt-tal.csv rad 3, kolumn "Barnahus": "' + "9" * 57 + '..." har fler än 15 siffror'
    ],
    "radbrytning-i-cell": [
        'radbrytning-i-cell.csv rad 3, kolumn "Barnahus": "1 500\\n" ' + _NOT_A_NUMBER,
        "radbrytning",
    ],
    "fragetecken-som-minus": [
        'fragetecken-som-minus.csv rad 3, kolumn "Barnahus": "?1 500" ' + _NOT_A_NUMBER,
        "minustecken som gick förlorat",
    ],
    # The same heading for two columns: refused, not a crash later in `check`.
    "dubblett-kolumnrubrik": [
        'dubblett-kolumnrubrik.yaml: kolumn "Barnahus": rubriken förekommer två gånger'
    ],
    "dubblett-rad-i-sidovagn": [
        'dubblett-rad-i-sidovagn.yaml: raden "Eksjö" förekommer två gånger'
    ],
    "rubrik-som-tal": ['rubrik-som-tal.yaml: kolumn "2018": label ska vara text'],
    # YAML that must not be read as it stands.
    "alias-i-sidovagn": ["alias-i-sidovagn.yaml:3: alias och ankare (*namn, &namn) används inte"],
    "tagg-i-sidovagn": ["tagg-i-sidovagn.yaml:4: taggen !!python/name:os.system används inte"],
    "sidovagn-i-cp1252": ["sidovagn-i-cp1252.yaml:13: filen är inte UTF-8 (byte 0xF6)"],
    # Every fault of a file is reported, not just the first.
    "flera-fel": [
        'flera-fel.yaml: raden "Eksjö": kommunkoden 686 saknar inledande nolla',
        'flera-fel.csv rad 3, kolumn "Barnahus": "12a" ' + _NOT_A_NUMBER,
        'flera-fel.csv rad 4, kolumn "Grundavgift": "$5" ' + _NOT_A_NUMBER,
    ],
}


def _bad_cases() -> list[str]:
    return sorted({p.stem for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")})


def test_every_bad_file_has_an_expected_message():
    assert sorted(EXPECTED) == _bad_cases()
    assert len(EXPECTED) >= 45


def _hashes(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project copy whose raw folder holds one good table; returns its raw subfolder."""
    folder = tmp_path / "data" / "raw" / "testmapp"
    folder.mkdir(parents=True)
    for f in ("avgifter.csv", "avgifter.yaml"):
        shutil.copy2(GOOD / f, folder / f)
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    return folder


def _run_refused(project: Path, capsys) -> str:
    root = project.parents[2]
    before = _hashes(root / "data" / "raw")
    assert cli_data() == 2
    out, err = capsys.readouterr()
    assert not (root / "data" / "processed").exists()  # nothing written
    assert _hashes(root / "data" / "raw") == before  # input untouched
    assert "Skrev" not in out
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_file_is_refused_with_its_message(case, project, capsys):
    for f in BAD.glob(case + ".*"):
        shutil.copy2(f, project / f.name)
    err = _run_refused(project, capsys)
    for piece in EXPECTED[case]:
        assert piece in err, f"saknar {piece!r} i:\n{err}"
    # The good table beside it raises nothing: every fault line is about this case.
    for line in err.splitlines()[1:]:
        assert (
            line.removeprefix("Fel: ").removeprefix("data/raw/testmapp/").startswith(case + ".")
        ), line


def _xlsx(path: Path, rows: list[list], merge: str | None = None) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)


def _xlsx_case(project: Path, stem: str, rows: list[list], merge: str | None = None) -> None:
    _xlsx(project / f"{stem}.xlsx", rows, merge)
    side = (GOOD / "avgifter.yaml").read_text(encoding="utf-8")
    (project / f"{stem}.yaml").write_text(
        side.replace("table: avgifter", f"table: {stem}"), encoding="utf-8"
    )


def test_xlsx_merged_header_cell_belongs_to_its_top_left_cell(project, capsys):
    # "Grundavgift" merged over B1:C1 is column B's heading; C1 is a column without heading.
    _xlsx_case(
        project,
        "sammanslagen",
        [
            ["Kommun", "Grundavgift", None, "Summa"],
            ["Aneby", 1000, 2500, 3500],
            ["Eksjö", 2000, 1500, 3500],
            ["Summa", 3000, 4000, 7000],
        ],
        merge="B1:C1",
    )
    err = _run_refused(project, capsys)
    assert err.splitlines()[1:] == [
        'Fel: sammanslagen.xlsx rad 1: kolumnen "Barnahus" saknas',
        'Fel: sammanslagen.xlsx rad 1: okänd kolumn "" (finns inte i beskrivningsfilen)',
    ]


def test_xlsx_text_in_number_cell_is_refused(project, capsys):
    _xlsx_case(
        project,
        "xlsx-text",
        [
            ["Kommun", "Grundavgift", "Barnahus", "Summa"],
            ["Aneby", 1000, 2500, 3500],
            ["Eksjö", 2000, "12a", 3500],
            ["Summa", 3000, 4000, 7000],
        ],
    )
    err = _run_refused(project, capsys)
    assert 'xlsx-text.xlsx rad 3, kolumn "Barnahus": "12a" är inget tal' in err


def test_xlsx_that_is_no_workbook_is_refused_in_swedish(project, capsys):
    # a CSV saved with the .xlsx suffix: openpyxl's English reason never reaches the reader
    (project / "trasig.xlsx").write_text("Kommun,Summa\nAneby,1\n", encoding="utf-8")
    side = (GOOD / "avgifter.yaml").read_text(encoding="utf-8")
    (project / "trasig.yaml").write_text(
        side.replace("table: avgifter", "table: trasig"), encoding="utf-8"
    )
    err = _run_refused(project, capsys)
    assert (
        "Fel: trasig.xlsx: filen går inte att läsa som xlsx (den är skadad, eller är en annan "
        "sorts fil med ändelsen .xlsx); spara den på nytt från Excel"
    ) in err.splitlines()
    assert "zip" not in err.lower()


def test_table_beside_both_csv_and_xlsx_is_refused(project, capsys):
    _xlsx(project / "avgifter.xlsx", [["Kommun", "Grundavgift", "Barnahus", "Summa"]])
    err = _run_refused(project, capsys)
    assert "tabellen avgifter finns redan" in err


def test_load_table_raises_a_value_error_listing_all_faults():
    with pytest.raises(ValueError) as info:
        load_table(BAD / "flera-fel.csv")
    assert isinstance(info.value, DataError)
    assert len(info.value.errors) == 3
    assert str(info.value).count("\n") == 2  # one fault per line
