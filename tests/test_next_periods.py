"""A close and the tertial after it, both through ``kuanalysis import``, in a copy of the shipped
project, with no file written by hand: continuity from bokslut 2023 to the close of 2024 takes
the mapping of the year boundary (``2023-2024.yaml``), and from the close to the tertial it
follows the labels (no mapping file).

The exports are made here the way a finance system writes them: a title row, a blank row, the
header, cells left out at the end of rows with nothing in them, an en dash minus ("–300").
Both are laid out like the shipped tertial 2 2024 (``delar-2024-t2-4-1``: 13 areas, the netting
row, the unlabelled total, the memo row "Akkumulerat överskott"), invented figures in tkr.

**Bokslut 2024** (``bokslut-2024``, 2024-01-01/2024-12-31) is clean: each row
ib + erhållna = disponibla and disponibla − utfall − utbetalt − överförda = kvarvarande, the
total is the sum of the area rows (the netting row is blank), varav statliga ≤ kvarvarande.
Its opening balances are the tertial 2's (the same year), so its continuity from bokslut 2023,
by the same mapping (``2023-2024.yaml`` names no tables: it maps every pair across the year
boundary), gives the tertial 2's continuity findings again, row for row.

**Tertial 1 2025** (``delar-2025-t1-4-1``) is clean too, and each area's ingående balans is
the close's kvarvarande, except one break put in on purpose: Fritid's ingående balans prints
150 where bokslut 2024 closed Fritid at 100 (+50). Its rows add up (150 + 1 600 = 1 750,
1 750 − 800 = 950) and the total's ingående balans is the sum of its rows, 140 322, while
the close's total kvarvarande is 140 272: +50 again. So the check finds the break on Fritid
and on the total, and nothing else about either period.
"""

from __future__ import annotations

import csv

import openpyxl
import pytest
from conftest import shipped_project

from kuanalysis.cli import main

EN_DASH = "\u2013"
N = None
LABELS = [
    "Social Vårld och Hälso sjukvård",
    "Nära vård",
    "Förstärkt samverkan ***",
    "Barnahus",
    "Familjehemsresursen",
    "Digitalisering",
    "Miljösamverkan",
    "Utbildning",
    "Fritid",
    "Kurs o konferens*",
    "Yrkesresan regional",
    "Yrkesresan nationell",
    "Ledning **)",
    "Härav Ledning/stab finansierat från områdena ovan",
    None,  # the total, unlabelled as printed
]
#         ib      erh    disp    budget utfall utbet överf kvar    statl
CLOSE_2024 = [
    [55354, 30000, 85354, 40000, 33000, 3000, 1100, 48254, 30000],
    [33089, 15000, 48089, 3000, 2500, 1000, N, 44589, 40000],
    [34340, 5000, 39340, N, N, N, N, 39340, 30000],
    [664, 4000, 4664, 4400, 4200, N, N, 464],
    [194, 5000, 5194, 5200, 5100, N, N, 94],
    [3924, 8000, 11924, 10000, 9500, N, N, 2424, 2000],
    [1384, 200, 1584, 1200, 1150, N, N, 434],
    [3872, 4000, 7872, 4200, 4100, N, N, 3772],
    [860, 1600, 2460, 2500, 2360, N, N, 100],
    [N, 2000, 2000, N, 2300, N, N, f"{EN_DASH}300"],
    [67, N, 67, N, 67, N, N, 0],
    [1811, 2000, 3811, N, 2810, N, N, 1001],
    [50, 8000, 8050, 9000, 7950, N, N, 100],
    [],
    [135609, 84800, 220409, 79500, 75037, 4000, 1100, 140272, 102000],
]
TERTIAL_2025 = [
    [48254, 20000, 68254, 30000, 12000, 2000, 1100, 53154, 40000],
    [44589, 10000, 54589, 3000, 1000, 1000, N, 52589, 45000],
    [39340, 5000, 44340, N, N, N, N, 44340, 30000],
    [464, 4000, 4464, 4400, 1500, N, N, 2964],
    [94, 5000, 5094, 5200, 1800, N, N, 3294],
    [2424, 8000, 10424, 10000, 3000, N, N, 7424, 2000],
    [434, 200, 634, 1200, 300, N, N, 334],
    [3772, 4000, 7772, 4200, 1400, N, N, 6372],
    [150, 1600, 1750, 2500, 800, N, N, 950],  # ib: the close says 100
    [f"{EN_DASH}300", 2000, 1700, N, 1500, N, N, 200],
    [],
    [1001, 2000, 3001, N, 1200, N, N, 1801],
    [100, 8000, 8100, 9000, 3000, N, N, 5100],
    [],
    [140322, 69800, 210122, 69500, 27500, 3000, 1100, 178522, 117000],
]


def _header(end: str) -> list[str]:
    year = end[:4]
    return [
        f"Kommunal utveckling {end}",
        f"Ingående balans {year}",
        f"Erhållna medel {year}",
        f"Disponibla medel {year}",
        f"Budget förbrukning {year}",
        f"Utfall förbrukning nettokostnad {end}",
        "Utbetalt till länets kommuner",
        "Överförda medel",
        f"Kvarvarande medel {end}",
        "Varav kvarvarande statliga medel",
    ]


def _export(path, title: str, end: str, figures: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append([])
    ws.append(_header(end))
    for label, row in zip(LABELS, figures):
        ws.append([label, *row])
    ws.append([f"Akkumulerat överskott {end}", *[N] * 8, 21])
    wb.save(path)


def _findings(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = shipped_project(tmp_path_factory.mktemp("perioder"))
    mp = pytest.MonkeyPatch()
    mp.setenv("KUANALYSIS_ROOT", str(root))
    yield root
    mp.undo()


def test_a_close_and_the_next_tertial_continue_by_their_labels(project, tmp_path, capsys):
    close = tmp_path / "bokslut-2024.xlsx"
    _export(close, f"Kommunal utveckling {EN_DASH} bokslut 2024 (tkr)", "2024-12-31", CLOSE_2024)
    args = ["--like", "delar-2024-t2-4-1", "--table", "bokslut-2024"]
    assert main(["import", str(close), *args, "--period", "2024-01-01/2024-12-31"]) == 0
    assert capsys.readouterr().out.startswith("Skrev data/raw/005-bokslut-2024/bokslut-2024.csv")

    # bokslut 2023 -> bokslut 2024: the areas were split and renamed in 2024; the year
    # boundary's mapping says how, for the close as for the tertial 2
    out = tmp_path / "avstamning.csv"
    assert main(["check", "--out", str(out)]) == 0
    capsys.readouterr()
    found = _findings(out)

    def continuity(table):
        return sorted(
            (r["row"], r["reported"], r["expected"], r["status"])
            for r in found
            if r["table"] == table and r["rule"] == "continuity"
        )

    assert continuity("bokslut-2024") == continuity("delar-2024-t2-4-1")
    assert len(continuity("bokslut-2024")) == 8  # tests/golden/README.md, 001 continuity

    tertial = tmp_path / "fondredovisning-2025-04.xlsx"
    _export(tertial, "Fondredovisning per 2025-04-30 (tkr)", "2025-04-30", TERTIAL_2025)
    args = ["--like", "bokslut-2024", "--table", "delar-2025-t1-4-1"]
    assert main(["import", str(tertial), *args, "--period", "2025-01-01/2025-04-30"]) == 0
    assert capsys.readouterr().out.startswith(
        "Skrev data/raw/006-delar-2025-t1/delar-2025-t1-4-1.csv"
    )
    # no mapping written: the labels continue from the close to the tertial
    assert [p.name for p in (project / "data" / "raw" / "kontinuitet").iterdir()] == [
        "2023-2024.yaml"
    ]

    assert main(["check", "--out", str(out)]) == 0
    found = _findings(out)
    new = [r for r in found if r["table"] in ("bokslut-2024", "delar-2025-t1-4-1")]
    assert sorted(
        (r["table"], r["row"], r["column"], r["reported"], r["expected"], r["rule"], r["status"])
        for r in new
        if not (r["table"] == "bokslut-2024" and r["rule"] == "continuity")
    ) == [
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
    ]
