"""A whole next period as a finance system exports it, with its planted errors worked out by hand.

**Bokslut 2024** (``bokslut-2024.csv``, tkr): a CSV with a title line and a blank line above the
header, laid out like the shipped tertial 2 2024 (``delar-2024-t2-4-1``), and clean: each row
ib + erhållna = disponibla and disponibla − utfall − utbetalt − överförda = kvarvarande; the
total is the sum of the area rows (the netting row is blank); varav statliga ≤ kvarvarande. Its
opening balances are the tertial 2's (the same year), so its continuity from bokslut 2023
gives the tertial 2's eight continuity findings again (``tests/golden/README.md``, 001).

**Delårsrapport 2025, tertial 1** (``delarsrapport-2025-04.xlsx``): one workbook, one sheet per
table, in another order than the report's and under the finance system's sheet names, each
with a title (14 pt) and a date line (9 pt) above the header; a hidden sheet with the stale
2024 fund statement; a sheet of text. Every figure agrees, except one error planted per table:

- 4.1 (``FR41``, tkr): Fritid's ingående balans prints 150 where the close ended Fritid at
  100 (+50); the row adds up (150 + 1 600 = 1 750, 1 750 − 800 = 950) and the total's
  ingående balans is the sum of its rows, 140 322, where the close's total kvarvarande is
  140 272: +50 again (continuity, twice).
- 4.2 (``Statliga``, mnkr): Nationella Yrkesresan prints 2,5 where 4.1 Yrkesresan nationell
  received 2 000 tkr = 2,0 mnkr (+0,5, cross-check). The others agree: God och nära vård 10,0
  (Nära vård 10 000 tkr), Förstärkt samverkan 5,0 (5 000 tkr); Psykatri 6,0 ≥ its three
  sub-posts 3,0 + 2,5 + 0,5.
- 4.3 (``Utbetalningar``, mnkr): Satsningar inom God och nära vård prints 1,4 where 4.1 Nära
  vård paid out 1 000 tkr = 1,0 mnkr (+0,4, cross-check). Varav Kommuner 2,0 mnkr agrees
  with Social's 2 000 tkr: the 2024 sidecar's reading of that row in tkr is not carried over
  (it would make this 2,0 tkr against 2 000 tkr). Psykiskhälsa 0,5 = Förstärkt's 500 tkr.
- 4.5 (``Finansiering``, %): the share column has no printed heading, every share is a number
  formatted as per cent (0,4 shown as 40 %). Fritid's parts print 80 + 25 = 105 % (+5).
  The rest add up: each row's parts 100 %, the projects' subtotal 40 + 10 + 2 + 5 + 3 + 6 +
  7 = 73, the total 73 + 5 + 4 + 18 = 100.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

EN_DASH = "\u2013"
N = None

LABELS_41 = [
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
    "",  # the total, unlabelled as printed
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
T1_2025_41 = [
    [48254, 20000, 68254, 30000, 12000, 2000, 1100, 53154, 40000],
    [44589, 10000, 54589, 3000, 1000, 1000, N, 52589, 45000],
    [39340, 5000, 44340, N, N, 500, N, 43840, 30000],
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
    [140322, 69800, 210122, 69500, 27500, 3500, 1100, 178022, 117000],
]
T1_2025_42 = [
    ["God och nära vård*", "10,0"],
    ["Barn och unga:", "4,0"],
    ["Psykatri:", "6,0"],
    ["Kunskapsbaserad och säker hälso- och sjukvård*", "3,0"],
    ["Suicidprevention", "2,5"],
    ["Brukarmedverkan", "0,5"],
    ["Förstärkt samverkan: Stärkt samverkan för personer med samsjuklighet", "5,0"],
    ["Nationella Yrkesresan", "2,5"],  # 4.1: 2 000 tkr
]
T1_2025_43 = [
    ["Satsningar inom God och nära vård", "1,4", "Kommunerna"],  # 4.1: 1 000 tkr
    ["Ungdomsmottagningarna i länet", "3,1", "Kommunerna och regionen"],
    ["Varav Kommuner", "2,0", N],
    [
        "Psykiskhälsa medel 2023 stärkt samverkan för personer med samsjuklighet",
        "0,5",
        "Kommunerna",
    ],
]
#   label, andel av utfall, kommunerna, staten, övriga (shares of 1, formatted as per cent)
T1_2025_45 = [
    ["Social Välfärd och Hälsa Sjukvård", 0.40, 0.30, 0.60, 0.10],
    ["Digitalisering", 0.10, 0.40, 0.60, N],
    ["Miljösamverkan", 0.02, 0.70, N, 0.30],
    ["Utbildning", 0.05, 0.70, 0.30, N],
    ["Fritid", 0.03, 0.80, N, 0.25],  # 105 %
    ["Barnahus", 0.06, 0.85, N, 0.15],
    ["Familjehemsresursen", 0.07, 1, N, N],
    ["Varav finansiering projektverksamhet", 0.73, 0.50, 0.40, 0.10],
    ["Kurs och konferens", 0.05, 0.50, N, 0.50],
    ["Nationella Yrkesresan", 0.04, N, 1, N],
    ["Ledning stab inkl lokaler, it mm", 0.18, 1, N, N],
    ["Summa", 1, 0.55, 0.35, 0.10],
]


def header_41(end: str) -> list[str]:
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


def _swedish(x) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    return f"{x:,}".replace(",", " ")


def write_close_csv(path: Path) -> Path:
    """Bokslut 2024 as a comma-separated export: title line, blank line, header, rows."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Kommunal utveckling – bokslut 2024 (tkr)"])
        w.writerow([])
        w.writerow(header_41("2024-12-31"))
        for label, row in zip(LABELS_41, CLOSE_2024):
            w.writerow([label, *(_swedish(x) for x in row)])
        w.writerow(["Akkumulerat överskott 2024-12-31", *[""] * 8, "21"])
    return path


def _titled(ws, title: str, date_line: str, rows: list[list]) -> None:
    ws.append([title])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([date_line])
    ws["A2"].font = Font(size=9)
    ws.append([])
    for r in rows:
        ws.append(r)


DATE_LINE = "Period 2025-01-01 – 2025-04-30   Utskriven 2025-05-08   Rapport {}"


def write_tertial_workbook(path: Path) -> Path:
    """Delårsrapport 2025, tertial 1 as a finance system's workbook (see the module docstring)."""
    wb = openpyxl.Workbook()
    fin = wb.active
    fin.title = "Finansiering"
    header_45 = [
        "Finansiering av utfall 2025-04-30 andel",
        None,  # no printed heading over the share column
        "Tillförda medel kommunerna",
        "Tillförda medel Staten",
        "Tillförda medel Övriga",
    ]
    _titled(fin, "4.5 Finansiering av utfall", DATE_LINE.format("FR45"), [header_45, *T1_2025_45])
    for row in fin.iter_rows(min_row=5, min_col=2):
        for cell in row:
            cell.number_format = "0%"

    fr41 = wb.create_sheet("FR41")
    rows = [[label or None, *r] for label, r in zip(LABELS_41, T1_2025_41)]
    rows.append(["Akkumulerat överskott 2025-04-30", *[N] * 8, 21])
    _titled(
        fr41,
        "4.1 Kommunal utveckling 2025-04-30",
        DATE_LINE.format("FR41"),
        [header_41("2025-04-30"), *rows, [], ["Källa: ekonomisystemet, uttag 2025-05-08"]],
    )

    stale = wb.create_sheet("Gammal 4.1")  # last year's figures, hidden by the finance system
    stale.sheet_state = "hidden"
    _titled(
        stale,
        "4.1 Kommunal utveckling 2024-08-31",
        DATE_LINE.format("FR41"),
        [
            header_41("2024-08-31"),
            *[[label or None, *r] for label, r in zip(LABELS_41, CLOSE_2024)],
        ],
    )

    paid = wb.create_sheet("Utbetalningar")
    _titled(
        paid,
        "4.3 Utbetalningar",
        DATE_LINE.format("FR43"),
        [["Område", "Mnkr", "Utbetalat till"], *T1_2025_43],
    )
    grants = wb.create_sheet("Statliga")
    _titled(
        grants, "4.2 Statliga medel", DATE_LINE.format("FR42"), [["Område", "Mnkr"], *T1_2025_42]
    )
    info = wb.create_sheet("Info")
    info.append(["Uttag ur ekonomisystemet för delårsrapporten, tertial 1 2025."])
    wb.save(path)
    return path
