"""The loader: Swedish numbers, reading CSV/XLSX with sidecars, the tidy export, `data`."""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import store_formula_value
from hypothesis import given
from hypothesis import strategies as st

from kuanalysis import paths
from kuanalysis.data import DataError, load_all, load_folder, load_table
from kuanalysis.data.numbers import parse_number
from kuanalysis.data.tidy import TIDY_COLUMNS, cli_data, tidy
from kuanalysis.errors import PathError

GOOD = Path(__file__).parent / "fixtures" / "good"
NB, NN, MINUS = "\u00a0", "\u202f", "\u2212"


def _parse(text, unit=None):
    return parse_number(text, file="t.csv", row=2, column="K", unit=unit)


# -- parse_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("60 896", None, 60896.0),
        ("-395", None, -395.0),
        ("- 34 867", None, -34867.0),  # printed so in the Askersund report
        (f"{MINUS}1 234,5", None, -1234.5),  # U+2212
        (f"{MINUS} 7", None, -7.0),
        (f"1{NB}234{NB}567", None, 1234567.0),  # no-break space
        (f"12{NN}345", None, 12345.0),  # narrow no-break space
        ("28,9", None, 28.9),
        ("0,05", None, 0.05),
        ("0", None, 0.0),
        ("1234", None, 1234.0),  # no separator at all is fine
        ("9 000 000 kr", "kr", 9000000.0),  # suffix agrees with the unit; it does not scale
        ("34 %", "%", 34.0),
        ("34%", "%", 34.0),
        ("1,5mnkr", "mnkr", 1.5),
        ("12 tkr", None, 12.0),  # no unit given: any suffix
        ("  7 ", None, 7.0),
        ("\u20132 106", None, -2106.0),  # en dash, as Swedish typesetting and autocorrect do
        ("\u2013 2 106", None, -2106.0),
        ("999 999 999 999 999", None, 999999999999999.0),  # 15 digits: exact in a float
        ("0,000000000000001", None, 1e-15),
    ],
)
def test_parse_number_reads_swedish_figures(text, unit, expected):
    assert _parse(text, unit) == expected


@pytest.mark.parametrize(
    "text, unit, reason",
    [
        ("1.234,5", None, "punkt används inte"),
        ("1,234.5", None, "punkt används inte"),
        ("12a", None, "är inget tal"),
        ("$5", None, "valuta"),
        ("5 €", None, "valuta"),
        ("5 SEK", None, "valuta"),
        ("1 2345", None, "tre siffror"),
        ("12 34", None, "tre siffror"),
        (f"1 234{NB}567", None, "olika tusentalsavgränsare"),
        ("1  234", None, "mer än ett mellanslag"),
        ("1,2,3", None, "mer än ett decimalkomma"),
        ("12,", None, "är inget tal"),
        (",5", None, "är inget tal"),
        ("+5", None, "är inget tal"),
        ("--5", None, "är inget tal"),
        ("", None, "tom cell"),
        ("12 kr", "tkr", "har enheten kr men cellens enhet är tkr"),
        ("34 %", "tkr", "har enheten % men cellens enhet är tkr"),
        ("5 tkr", "antal", "har enheten tkr men cellens enhet är antal"),
        ("?2 106", None, "minustecken som gick förlorat"),  # an ANSI save of U+2212
        ("\u0661\u0662\u0663", None, "bara siffrorna 0–9"),  # Arabic-Indic 123
        ("\uff11\uff12\uff13", None, "bara siffrorna 0–9"),  # full-width 123
        ("1" * 40, None, "fler än 15 siffror"),  # would silently lose precision
        ("9" * 400, None, "fler än 15 siffror"),  # would be inf
        ("1 234 567 890 123 456", None, "fler än 15 siffror"),
        ("5\n", None, "radbrytning"),  # a quoted cell with a newline
        ("5\t", None, "radbrytning eller tabb"),
        ("\u2014 5", None, "är inget tal"),  # an em dash is not a minus
    ],
)
def test_parse_number_refuses_anything_else(text, unit, reason):
    with pytest.raises(DataError) as info:
        _parse(text, unit)
    assert reason in str(info.value)


def test_parse_number_message_names_file_row_column_and_text():
    with pytest.raises(DataError) as info:
        parse_number("12a", file="finansiering-2025.csv", row=4, column="Barnahus")
    assert str(info.value) == (
        'finansiering-2025.csv rad 4, kolumn "Barnahus": "12a" är inget '
        'tal (väntade t.ex. "1 234" eller "-1 234,5")'
    )


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([" ", NB, NN]))
def test_parse_number_reads_any_integer_written_the_swedish_way(n, sep):
    text = f"{abs(n):,}".replace(",", sep)
    if n < 0:
        text = MINUS + text
    assert _parse(text) == n


# -- load_table ------------------------------------------------------------------------------


def test_utf8_bom_nbsp_nnbsp_and_kr_suffix():
    t = load_table(GOOD / "avgifter.csv")  # starts with a BOM: the first header is still "Kommun"
    assert t.values.index.name == "Kommun"
    assert list(t.values.columns) == ["Grundavgift", "Barnahus", "Summa"]
    assert t.values.loc["Aneby"].tolist() == [1000.0, 2500.0, 3500.0]
    assert t.values.loc["Eksjö", "Grundavgift"] == 9000000.0
    assert math.isnan(t.values.loc["Eksjö", "Barnahus"])  # blank stays blank, never 0
    assert t.text.loc["Eksjö", "Barnahus"] == ""
    assert t.text.loc["Eksjö", "Grundavgift"] == "9 000 000 kr"  # printed text kept


def test_cp1252_semicolon_and_percent():
    t = load_table(GOOD / "andelar.csv")
    assert list(t.values.index) == ["Social välfärd", "Skola och förskola", "Summa"]
    assert t.values.loc["Social välfärd"].tolist() == [60.5, 34.0, 65.5]
    assert t.values.loc["Summa", "Andel av utfall"] == 100.0
    assert t.values.loc["Summa"].isna().tolist() == [False, True, True]


def test_minus_forms_and_line_numbers():
    t = load_table(GOOD / "drift.csv")
    assert t.values.loc["Kostnader", "Avvikelse"] == -34867.0  # "- 34 867"
    assert t.values.loc["Resultat"].tolist() == [-296936.0, -324240.0, -27304.0]  # U+2212
    assert t.source_rows == {
        "Intäkter": 2,
        "Kostnader": 3,
        "varav kapitalkostnader": 4,
        "Resultat": 5,
    }


def test_text_columns_are_not_parsed():
    t = load_table(GOOD / "pastaenden.csv")
    assert list(t.values.columns) == ["Belopp"]
    assert t.text.loc["Balanskonto", "Citat"] == "balanskontot 12a uppgår till 20,5 mnkr"
    assert t.text.loc["Balanskonto", "Avser"] == "2023"
    assert t.values.loc["Grundavgift", "Belopp"] == 0.0  # a printed 0 is a 0; a blank is not


def test_municipality_codes_stay_text():
    t = load_table(GOOD / "befolkning.csv")
    assert t.text.loc["Aneby", "Kommunkod"] == "0604"
    assert t.row_meta("Aneby")["kommun_kod"] == "0604"
    assert list(t.values.columns) == ["Befolkning 2024-12-31"]


def test_xlsx_with_numeric_cells(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["Kommun", "Grundavgift", "Barnahus", "Summa"],
        ["Aneby", 1000, 2500.5, "3 500,5"],  # numbers and printed text mixed
        ["Eksjö", -2000, None, -2000],
        ["Summa", -1000, 2500.5, 1500.5],
    ]:
        ws.append(row)
    wb.save(tmp_path / "avgifter.xlsx")
    shutil.copy(GOOD / "avgifter.yaml", tmp_path / "avgifter.yaml")
    t = load_table(tmp_path / "avgifter.xlsx")
    assert t.values.loc["Aneby"].tolist() == [1000.0, 2500.5, 3500.5]
    assert t.values.loc["Eksjö", "Grundavgift"] == -2000.0
    assert math.isnan(t.values.loc["Eksjö", "Barnahus"])
    assert t.source_rows == {"Aneby": 2, "Eksjö": 3, "Summa": 4}


def _avgifter_xlsx(folder: Path, rows, merges=(), formats=None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(folder / "avgifter.xlsx")
    shutil.copy(GOOD / "avgifter.yaml", folder / "avgifter.yaml")
    return folder / "avgifter.xlsx"


def test_xlsx_blank_trailing_cells_number_formats_formulas_and_merged_cells(tmp_path):
    path = _avgifter_xlsx(
        tmp_path,
        [
            ["Kommun", "Grundavgift", "Barnahus", "Summa"],
            ["Aneby", 1000, "=0.1*12", 1001.2],  # the formula's stored value: 1.2000000000000002
            ["Eksjö", 2000],  # openpyxl gives no cells after the last value
            ["Summa", 3000, None, 3001.2],  # B4:C4 merged: the value is B4's, C4 is blank
        ],
        merges=["B4:C4"],
        formats={"B2": "#,##0", "D2": "#,##0.00", "B3": "0.0"},
    )
    store_formula_value(path, "0.1*12", "1.2000000000000002")
    t = load_table(path)
    assert t.text.loc["Aneby"].tolist() == ["1 000", "1,2", "1 001,2"]
    assert t.text.loc["Eksjö"].tolist() == ["2 000", "", ""]  # blank, never 0
    assert t.text.loc["Summa"].tolist() == ["3 000", "", "3 001,2"]
    assert t.values.loc["Aneby"].tolist() == [1000.0, 1.2, 1001.2]
    assert math.isnan(t.values.loc["Eksjö", "Barnahus"])
    assert math.isnan(t.values.loc["Summa", "Barnahus"])


def test_a_per_cent_cell_reads_as_its_reader_sees_it(tmp_path):
    # Excel stores "47 %" as 0,47 with a per-cent format: in a table whose unit is % it is 47
    # (never 0,47); 0,125 formatted 0.0% is 12,5. In a table in kr the same cell is no amount.
    path = tmp_path / "andelar.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Område", "Kommunerna"], ["Fritid", 0.47], ["Barnahus", 0.125], ["Ledning", 12]):
        ws.append(row)
    ws["B2"].number_format = "0%"
    ws["B3"].number_format = "0.0%"
    wb.save(path)
    meta = {
        "table": "andelar",
        "document": "x",
        "heading": "x",
        "unit": "%",
        "kind": "share_table",
        "label_column": "Område",
        "columns": [{"label": "Kommunerna", "key": "kommunerna"}],
        "rows": [{"label": x, "role": "area"} for x in ("Fritid", "Barnahus", "Ledning")],
    }
    (tmp_path / "andelar.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    t = load_table(path)
    assert t.text["Kommunerna"].tolist() == ["47 %", "12,5 %", "12"]
    assert t.values["Kommunerna"].tolist() == [47.0, 12.5, 12.0]

    meta["unit"] = "kr"
    (tmp_path / "andelar.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    with pytest.raises(DataError) as info:
        load_table(path)
    assert info.value.errors == [
        'andelar.xlsx rad 2, kolumn "Kommunerna": "47 %" har enheten % men cellens enhet är kr',
        'andelar.xlsx rad 3, kolumn "Kommunerna": "12,5 %" har enheten % men cellens enhet är kr',
    ]


def test_a_stray_cell_far_below_a_raw_xlsx_table_is_refused_at_once(tmp_path):
    path = _avgifter_xlsx(
        tmp_path,
        [
            ["Kommun", "Grundavgift", "Barnahus", "Summa"],
            ["Aneby", 1000, 2500, 3500],
            ["Eksjö", 2000, 1500, 3500],
            ["Summa", 3000, 4000, 7000],
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb.active["A1048576"] = "x"  # openpyxl would build a million rows of empty cells
    wb.save(path)
    with pytest.raises(DataError) as info:
        load_table(path)
    assert info.value.errors == [
        'avgifter.xlsx blad "Blad1": celler långt utanför tabellen lästes inte (A1048576); '
        "ta bort dem"
    ]


def test_xlsx_formula_without_stored_value_is_an_error_naming_the_cell(tmp_path):
    path = _avgifter_xlsx(
        tmp_path,
        [
            ["Kommun", "Grundavgift", "Barnahus", "Summa"],
            ["Aneby", 1000, 2500, "=B2+C2"],
            ["Eksjö", 2000, 1500, 3500],
            ["Summa", 3000, 4000, 7500],
        ],
    )
    with pytest.raises(DataError) as info:
        load_table(path)
    assert info.value.errors == [
        'avgifter.xlsx blad "Blad1", cell D2: formeln =B2+C2 har inget sparat värde; öppna '
        "filen i Excel och spara den, så sparas formlernas värden"
    ]


def test_xlsx_date_or_truth_value_in_a_figure_cell_is_an_error_naming_the_cell(tmp_path):
    import datetime as dt

    path = _avgifter_xlsx(
        tmp_path,
        [
            ["Kommun", "Grundavgift", "Barnahus", "Summa"],
            ["Aneby", 1000, dt.date(2024, 1, 2), 3500],
            ["Eksjö", 2000, 1500, False],
            ["Summa", 3000, 4000, 7500],
        ],
    )
    with pytest.raises(DataError) as info:
        load_table(path)
    assert info.value.errors == [
        'avgifter.xlsx rad 2, kolumn "Barnahus": cellen C2 är ett datum eller klockslag i Excel '
        "(2024-01-02), inget tal; ge cellen talformat och skriv talet igen",
        'avgifter.xlsx rad 3, kolumn "Summa": cellen D3 är ett sanningsvärde i Excel (FALSKT), '
        "inget tal; skriv talet i cellen",
    ]


def test_xlsx_year_headings_stored_as_numbers_read_as_printed(tmp_path):
    import openpyxl

    raw = Path(__file__).resolve().parent.parent / "data" / "raw" / "002-pks-2016"
    lines = (raw / "pks-2016-administration.csv").read_text(encoding="utf-8").splitlines()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kommun", 2016, 2018])  # Excel keeps a typed year as a number
    for line in lines[1:]:
        label, *figures = line.split(",")
        ws.append([label] + [int(f.replace(" ", "")) for f in figures])
    wb.save(tmp_path / "pks-2016-administration.xlsx")
    shutil.copy(raw / "pks-2016-administration.yaml", tmp_path)
    t = load_table(tmp_path / "pks-2016-administration.xlsx")
    assert list(t.values.columns) == ["2016", "2018"]
    assert t.text.loc["Summa"].tolist() == ["1 730", "6 100"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_header_below_title_rows_is_one_message(tmp_path, suffix):
    rows = [
        ["Avgifter 2025"],
        [],
        ["Kommun", "Grundavgift", "Barnahus", "Summa"],
        ["Aneby", "1 000", "2 500", "3 500"],
        ["Eksjö", "2 000", "1 500", "3 500"],
        ["Summa", "3 000", "4 000", "7 000"],
    ]
    if suffix == "xlsx":
        path = _avgifter_xlsx(tmp_path, rows)
    else:
        path = tmp_path / "avgifter.csv"
        path.write_text(
            "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8"
        )
        shutil.copy(GOOD / "avgifter.yaml", tmp_path / "avgifter.yaml")
    with pytest.raises(DataError) as info:
        load_table(path)
    assert info.value.errors == [
        f"avgifter.{suffix}: rubrikraden står på rad 3; ta bort "
        f"raderna ovanför eller använd kuanalysis import"
    ]


# -- folders, tidy, cli ----------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project copy with the good fixtures in data/raw/test/ and a kontinuitet mapping."""
    folder = tmp_path / "data" / "raw" / "test"
    shutil.copytree(GOOD, folder)
    (tmp_path / "data" / "raw" / "README.md").write_text("# rådata\n", encoding="utf-8")
    kont = tmp_path / "data" / "raw" / "kontinuitet"
    kont.mkdir()
    (kont / "omraden.yaml").write_text("byten: []\n", encoding="utf-8")
    monkeypatch.setenv("KUANALYSIS_ROOT", str(tmp_path))
    return tmp_path


def test_load_all_skips_readme_and_mapping_files(project):
    tables = load_all()
    assert list(tables) == ["andelar", "avgifter", "befolkning", "drift", "pastaenden"]
    assert load_folder(project / "data" / "raw" / "test").keys() == tables.keys()


def test_tidy_has_one_line_per_printed_figure(project):
    frame = tidy(load_all())
    assert list(frame.columns) == TIDY_COLUMNS
    # Non-blank figure cells counted by hand: avgifter 3+2+3, andelar 3+2+1,
    # drift 3+3+1+3, pastaenden 1+1 (text columns excluded), befolkning 1+1.
    assert len(frame) == 28
    counts = frame.groupby("table").size().to_dict()
    assert counts == {
        "Avgifter 2025": 8,
        "Finansiering av utfall": 6,
        "Driftresultat": 10,
        "Påståenden i texten": 2,
        "Befolkning 31 december": 2,
    }
    assert not frame["value"].isna().any()


def test_tidy_leaves_out_blanks_and_text_columns(project):
    frame = tidy(load_all())
    cells = set(zip(frame["table"], frame["row"], frame["column"]))
    assert ("Avgifter 2025", "Eksjö", "Barnahus") not in cells  # blank
    assert ("Driftresultat", "varav kapitalkostnader", "Utfall") not in cells
    assert not frame["column"].isin(["Avser", "Citat", "Kommunkod"]).any()


def test_tidy_provenance_and_units(project):
    frame = tidy(load_all()).set_index(["table", "row", "column"])
    line = frame.loc[("Driftresultat", "Kostnader", "Avvikelse")]
    assert line["value"] == -34867.0
    assert line["source_file"] == "data/raw/test/drift.csv"  # relative, never absolute
    assert line["source_row"] == 3
    assert line["unit"] == "tkr"
    assert line["document"] == "test.txt"
    claim = frame.loc[("Påståenden i texten", "Grundavgift", "Belopp")]
    assert claim["unit"] == "kr" and claim["source_row"] == 3  # the row's own unit wins
    assert frame.loc[("Påståenden i texten", "Balanskonto", "Belopp"), "unit"] == "mnkr"


def test_cli_data_writes_tables_csv(project, capsys):
    assert cli_data() == 0
    out = project / "data" / "processed" / "tables.csv"
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(frame.columns) == TIDY_COLUMNS
    assert len(frame) == 28
    assert sorted(p.name for p in out.parent.iterdir()) == ["tables.csv"]  # no temp file left
    stdout = capsys.readouterr().out
    assert stdout.strip() == "Skrev 28 värden från 5 tabeller till data/processed/tables.csv"


def test_cli_data_out_dir(project, tmp_path):
    assert cli_data(tmp_path / "ut") == 0
    assert (tmp_path / "ut" / "tables.csv").exists()
    assert not (project / "data" / "processed").exists()


def test_cli_data_never_writes_into_raw(project):
    # the one check of outputs (paths.output), also when cli_data is called directly
    with pytest.raises(PathError, match="data/raw/test: ligger i data/raw, som aldrig skrivs"):
        cli_data(project / "data" / "raw" / "test")
    assert not (project / "data" / "raw" / "test" / "tables.csv").exists()


def test_claim_targets_must_exist(project):
    side = project / "data" / "raw" / "test" / "pastaenden.yaml"
    side.write_text(
        side.read_text(encoding="utf-8").replace(
            "  - {label: Balanskonto, role: claim}",
            "  - {label: Balanskonto, role: claim, kind_of_claim: amount, targets: [\n"
            "      {table: drift, row: Resultat, column: Utfall},\n"
            "      {table: drift, row: Resultat, column: Prognos},\n"
            "      {table: saknas, row: A, column: B}]}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_all()
    assert info.value.errors == [
        'pastaenden.yaml: raden "Balanskonto": targets: tabellen drift har ingen talkolumn '
        '"Prognos"',
        'pastaenden.yaml: raden "Balanskonto": targets: tabellen "saknas" finns inte',
    ]


def test_real_raw_data_loads_and_validates(monkeypatch):
    """Every table transcribed into the project's data/raw loads without a fault."""
    monkeypatch.delenv("KUANALYSIS_ROOT", raising=False)
    raw = paths.raw_dir()
    if not any(raw.glob("*/*.csv")):
        pytest.skip("data/raw har inga tabeller ännu")
    frame = tidy(load_all(raw))
    assert frame["source_file"].str.startswith("data/raw/").all()
    assert frame["source_row"].ge(2).all()


def test_a_cell_looked_up_is_the_cell_of_the_frame():
    """Table.figure and Table.printed give what ``.at`` gives, blanks included, for every
    cell of the shipped fee matrix; a copy with a changed figure looks up its own."""
    t = load_table(paths.raw_dir() / "000-pks-2024" / "finansiering-2025.csv")
    for row in t.values.index:
        for col in t.values.columns:
            v = t.values.at[row, col]
            assert t.figure(row, col) == v or (math.isnan(v) and math.isnan(t.figure(row, col)))
            assert t.printed(row, col) == t.text.at[row, col]
    assert math.isnan(t.figure("Mullsjö", "Miljösamverkan"))  # the one cell printed blank
    assert t.printed("Mullsjö", "Miljösamverkan") == ""
    assert t.figure("Aneby", "Barnahus") == 58_698  # "58 698 kr" in the source
    values = t.values.copy()
    values.at["Mullsjö", "Miljösamverkan"] = 1.0
    assert dataclasses.replace(t, values=values).figure("Mullsjö", "Miljösamverkan") == 1.0
    assert math.isnan(t.figure("Mullsjö", "Miljösamverkan"))
    with pytest.raises(KeyError):
        t.figure("Stockholm", "Barnahus")  # no such row


def test_a_repeated_label_is_looked_up_as_pandas_does():
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["a", "a"], columns=["x", "y"])
    t = load_table(paths.raw_dir() / "000-pks-2024" / "finansiering-2025.csv")
    twice = dataclasses.replace(t, values=frame)
    assert list(twice.figure("a", "x")) == [1.0, 3.0]  # what values.at gives: both
