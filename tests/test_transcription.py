"""The raw tables in data/raw against the printed source documents.

Expected cell texts are typed from ``shared/sources/*.txt`` by hand, not read from the CSVs.
The raw files are read with the csv module only, so these tests do not depend on
``kuanalysis.data``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from conftest import SHIPPED

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
# table sidecars only: a YAML file beside a CSV of the same stem (mappings and cross-check lists are not tables)
SIDECARS = sorted(p for p in RAW.rglob("*.yaml") if p.with_suffix(".csv").exists())
#: the tables transcribed from the shipped documents (conftest.SHIPPED), which these tests pin
SHIPPED_TABLES = {
    name
    for folder, names in SHIPPED.items()
    if folder.startswith("data/raw")
    for name in names
    if "." not in name
}
SHIPPED_SIDECARS = [p for p in SIDECARS if p.stem in SHIPPED_TABLES]
SIDECAR_FIELDS = {
    "table",
    "document",
    "document_title",
    "heading",
    "unit",
    "kind",
    "period",
    "label_column",
    "columns",
    "rows",
    "notes",
    "ambiguities",
}


def read_csv(stem: str) -> list[list[str]]:
    (path,) = RAW.rglob(f"{stem}.csv")
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def cell(stem: str, row: str, column: str) -> str:
    rows = read_csv(stem)
    header = rows[0]
    matches = [r for r in rows[1:] if r[0] == row]
    assert len(matches) == 1, f"{stem}: rad {row!r} finns {len(matches)} gånger"
    return matches[0][header.index(column)]


def sidecar(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# (table, row, column, printed text) typed from the source documents
PRINTED = [
    ("bokslut-2023", "Social Välfärd och Hälsa sjukvård", "Ingående balans 2023", "60 896"),
    ("bokslut-2023", "Nära vård", "Utbetalt till länets kommuner", "69 250"),
    ("bokslut-2023", "Förstärkt samverkan ***", "Utfall förbrukning nettokostnad 2023-12-31", "47"),
    ("bokslut-2023", "Ledning o stab **)", "Disponibla medel 2023", "7 209"),
    ("bokslut-2023", "Kurs o konferens*", "[utan rubrik]", "-395"),
    (
        "bokslut-2023",
        "Härav Ledn/stab finansierat från områdena ovan",
        "Budget förbrukning 2023",
        "-4 861",
    ),
    ("bokslut-2023", "[Summa]", "Ingående balans 2023", "164 295"),
    ("bokslut-2023", "[Summa]", "[utan rubrik]", "-250"),
    ("bokslut-2023", "Ackumelerat överskott 2023-12-31", "[utan rubrik]", "21"),
    ("finansiering-2025", "Aneby", "Grundfinansiering Social välfärd", "166 730 kr"),
    ("finansiering-2025", "Jönköping", "Medlemsavgift Kommunal utveckling", "3 562 624 kr"),
    ("finansiering-2025", "Mullsjö", "VO-collage", "18 532 kr"),
    ("finansiering-2025", "Mullsjö", "Summa", "549 969 kr"),
    ("finansiering-2025", "Värnamo", "Yrkesresorna", "163 666 kr"),
    ("finansiering-2025", "Summa", "IoT projekt", "1 571 166 kr"),
    ("finansiering-2025", "Summa", "Summa", "27 902 191 kr"),
    ("pastaenden-000", "Utbetalat 70 mnkr Nära vård medel", "Belopp", "70 mnkr"),
    (
        "pastaenden-000",
        "31 december 2024 finns enligt prognos 20,5 mnkr kvar på balanskontot",
        "Belopp",
        "20,5 mnkr",
    ),
    ("delar-2024-t2-4-1", "Social Vårld och Hälso sjukvård", "Överförda medel", "4 480"),
    ("delar-2024-t2-4-1", "Förstärkt samverkan ***", "Överförda medel", "5 900"),
    (
        "delar-2024-t2-4-1",
        "Yrkesresan regional",
        "Utfall förbrukning nettokostnad 2024-08-31",
        "504",
    ),
    ("delar-2024-t2-4-1", "[Summa]", "Varav kvarvarande statliga medel", "101 581"),
    (
        "delar-2024-t2-4-1",
        "Akkumulerat överskott 2024-08-31",
        "Varav kvarvarande statliga medel",
        "21",
    ),
    ("delar-2024-t2-4-2", "Psykatri:", "Mnkr", "8,0"),
    (
        "delar-2024-t2-4-2",
        "Förstärkt samverkan: Stärkt samverkan för personer med samsjuklighet",
        "Mnkr",
        "10,1",
    ),
    ("delar-2024-t2-4-3", "Varav Kommuner", "Mnkr", "0,6"),
    (
        "delar-2024-t2-4-3",
        "Ungdomsmottagningarna i länet",
        "Utbetalat till",
        "Kommunerna och regionen",
    ),
    ("delar-2024-t2-4-5", "Kurs och konferens", "Tillförda medel Övriga", "56 %"),
    ("delar-2024-t2-4-5", "Summa", "[andel av utfall]", "100 %"),
    ("pks-2016-social-valfard", "Jönköping", "2016", "2 368"),
    ("pks-2016-social-valfard", "Summa", "2018", "9 400"),
    ("pks-2016-administration", "Nässjö", "2018", "549"),
    ("pks-2016-ovriga-omraden", "Miljösamverkan F", "Budget", "729"),
    (
        "pks-2016-ovriga-omraden",
        "Personligt ombud",
        "Kommentar",
        "Drygt 50% i statsbidrag (Verksamhetsövergång)",
    ),
    ("askersund-driftresultat", "Kostnader", "Budgetavvikelse", "- 34 867"),
    ("askersund-driftresultat", "varav kapitalkostnader", "Bokslut 2023", "- 2 089"),
    ("askersund-driftresultat", "Resultat", "Bokslut 2023", "- 321 043"),
    ("askersund-driftredovisning", "56 Barn- och ungdomsvård", "Avvikelse", "-4 644"),
    ("askersund-verksamhet-51", "Äldreomsorg", "Budget", "-757"),
    ("askersund-verksamhet-51", "Socialpsykiatrin", "Avvikelse", "1 222"),
    ("askersund-investeringsanalys", "Larm 2024", "Budget 2024", "-900"),
    ("kommuner-befolkning", "Jönköping", "Befolkning 2024-12-31", "147654"),
]

# cells the print leaves blank (or that the extraction lost and the arithmetic shows blank)
BLANK = [
    ("finansiering-2025", "Mullsjö", "Miljösamverkan"),
    ("delar-2024-t2-4-1", "Barnahus", "Kvarvarande medel 2024-08-31"),
    ("delar-2024-t2-4-1", "[Summa]", "Överförda medel"),
    ("bokslut-2023", "Kurs o konferens*", "Ingående balans 2023"),
    ("bokslut-2023", "Kurs o konferens*", "Kvarvarande medel 2023-12-31"),
    ("bokslut-2023", "Förstärkt samverkan ***", "Utbetalt till länets kommuner"),
    ("delar-2024-t2-4-5", "Nationella Yrkesresan", "Tillförda medel kommunerna"),
    ("delar-2024-t2-4-3", "Varav Kommuner", "Utbetalat till"),
]


@pytest.mark.parametrize("table,row,column,printed", PRINTED)
def test_cell_as_printed(table, row, column, printed):
    assert cell(table, row, column) == printed


@pytest.mark.parametrize("table,row,column", BLANK)
def test_blank_stays_blank(table, row, column):
    assert cell(table, row, column) == ""


def test_unplaceable_zero_gets_no_cell():
    # The netting row prints 0, 0, -5 340, -5 340, -4 861, -4 095: only one 0 has a column.
    (netting,) = [r for r in read_csv("bokslut-2023") if r[0].startswith("Härav")]
    assert [v for v in netting[1:] if v] == ["0", "-5 340", "-5 340", "-4 861", "-4 095"]


def test_stems_are_unique_and_every_table_is_there():
    stems = [p.stem for p in SIDECARS]
    assert len(stems) == len(set(stems))
    assert {p.stem for p in RAW.rglob("*.csv")} == set(stems)  # every table has its sidecar
    assert set(stems) >= SHIPPED_TABLES  # an analyst's new period adds to them


@pytest.mark.parametrize("path", SHIPPED_SIDECARS, ids=lambda p: p.stem)
def test_csv_matches_sidecar(path):
    meta = sidecar(path)
    assert set(meta) >= SIDECAR_FIELDS
    assert meta["table"] == path.stem
    rows = read_csv(path.stem)
    assert rows[0] == [meta["label_column"]] + [c["label"] for c in meta["columns"]]
    assert [r[0] for r in rows[1:]] == [r["label"] for r in meta["rows"]]
    assert all(len(r) == len(rows[0]) for r in rows)
    assert all(v == v.strip() for r in rows for v in r), "blanksteg först eller sist i en cell"
    labels = {r["label"] for r in meta["rows"]}
    for r in meta["rows"]:
        assert r.get("parent", r["label"]) in labels
        assert set(r.get("parts", [])) <= labels


@pytest.mark.parametrize("path", SHIPPED_SIDECARS, ids=lambda p: p.stem)
def test_kommun_kod_is_four_character_text(path):
    for r in sidecar(path)["rows"]:
        if r["role"] == "kommun":
            kod = r["kommun_kod"]
            assert isinstance(kod, str) and len(kod) == 4 and kod.isdigit() and kod.startswith("06")


def test_claim_targets_point_at_existing_cells():
    checked = 0
    for path in SIDECARS:
        for r in sidecar(path)["rows"]:
            for t in r.get("targets", []):
                assert cell(t["table"], t["row"], t["column"]) != ""
                checked += 1
    assert checked >= 10
