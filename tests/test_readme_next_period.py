"""The README's "Lägga till nästa period", run exactly as written, in a copy of the project.

The analyst's export ``fondredovisning-2025-04.xlsx`` (tertial 1 2025, tkr) is made here the
way a finance system writes it: a title row, a blank row, the header, the rows of the 2024
statement (the same labels, 2025 in the headings), cells left out at the end of rows with
nothing in them (openpyxl writes no trailing blank cells), and an en dash minus. Two errors
are put in on purpose; every other figure agrees (each row: ib + erhållna = disponibla,
disponibla − utfall − utbetalt − överförda = kvarvarande; the total row is the sum of the area
rows, without the netting row as in 2024):

- Barnahus: varav statliga prints 4 000, more than its kvarvarande 3 100 (4 600 − 1 500);
- the total's Kvarvarande medel prints 174 406, while the rows give 174 306 and the total's
  own identity gives 206 806 − 28 400 − 3 000 − 1 100 = 174 306: +100, twice.

Totals: ib 137 006, erhållna 69 800, disponibla 206 806, budget 69 500, utfall 28 400,
utbetalt 3 000, överförda 1 100, statliga 113 746. With no close for 2024 in data/raw the new
period has no preceding period, so no continuity is checked.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, shipped_project

EN_DASH = "\u2013"
HEADER = [
    "Kommunal utveckling 2025-04-30",
    "Ingående balans 2025",
    "Erhållna medel 2025",
    "Disponibla medel 2025",
    "Budget förbrukning 2025",
    "Utfall förbrukning nettokostnad 2025-04-30",
    "Utbetalt till länets kommuner",
    "Överförda medel",
    "Kvarvarande medel 2025-04-30",
    "Varav kvarvarande statliga medel",
]
#        ib      erh     disp    budget  utfall  utbet  överf  kvar     statl
ROWS = [
    [
        "Social Vårld och Hälso sjukvård",
        59264,
        20000,
        79264,
        30000,
        12000,
        2000,
        1100,
        64164,
        40000,
    ],
    ["Nära vård", 29746, 10000, 39746, 3000, 1000, 1000, None, 37746, 37746],
    ["Förstärkt samverkan ***", 30596, 5000, 35596, None, None, None, None, 35596, 30000],
    ["Barnahus", 600, 4000, 4600, 4400, 1500, None, None, 3100, 4000],
    ["Familjehemsresursen", 2079, 5000, 7079, 5200, 1800, None, None, 5279],
    ["Digitalisering", 4894, 8000, 12894, 10000, 3000, None, None, 9894, 2000],
    ["Miljösamverkan", 1057, 200, 1257, 1200, 400, None, None, 857],
    ["Utbildning", 5669, 4000, 9669, 4200, 1400, None, None, 8269],
    ["Fritid", 400, 1600, 2000, 2500, 800, None, None, 1200],
    ["Kurs o konferens*", None, 2000, 2000, None, 2300, None, None, f"{EN_DASH}300"],
    ["Yrkesresan regional"],
    ["Yrkesresan nationell", 2601, 2000, 4601, None, 1200, None, None, 3401],
    ["Ledning **)", 100, 8000, 8100, 9000, 3000, None, None, 5100],
    ["Härav Ledning/stab finansierat från områdena ovan", None, -4000, -4000, -4900, -3000],
    [None, 137006, 69800, 206806, 69500, 28400, 3000, 1100, 174406, 113746],
    ["Akkumulerat överskott 2025-04-30", None, None, None, None, None, None, None, None, 21],
]


def _export(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Fondredovisning"
    ws.append(["Kommunal utveckling – fondredovisning per 2025-04-30 (tkr)"])
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    wb.save(path)


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Lägga till nästa period", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    return [line for line in block.splitlines() if line.strip()]


#: Variables of the test's own environment that the analyst's shell does not have.
OUTER = ("VENV", "VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("analytiker")
    shipped_project(root)
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy2(ROOT / name, root / name)
    _export(root / "fondredovisning-2025-04.xlsx")
    # The copy's .venv is the running one, as `make reports` left it on a fresh clone. Its
    # install stamp is made newer than the copied requirements, so make never installs into
    # the running venv; a venv not installed from these files fails here instead.
    venv = Path(sys.executable).parent.parent
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    requirements = (root / "requirements.lock").read_bytes() + (
        root / "pyproject.toml"
    ).read_bytes()
    cksum = subprocess.run(["cksum"], input=requirements, capture_output=True, check=True)
    stamp = venv / f".installed-{cksum.stdout.split()[0].decode()}"
    assert stamp.exists(), f"{venv} är inte installerad från requirements.lock och pyproject.toml"
    old = stamp.stat().st_mtime - 60
    for name in ("requirements.lock", "pyproject.toml"):
        os.utime(root / name, (old, old))
    # Exactly as written: the venv's bin is not on PATH (nor kuanalysis from anywhere else).
    path = [
        p
        for p in os.environ["PATH"].split(os.pathsep)
        if p and not (Path(p) / "kuanalysis").exists()
    ]
    env = {
        # a fresh shell's: no venv, and none of an outer make's variables (make test)
        **{k: v for k, v in os.environ.items() if k not in OUTER},
        "KUANALYSIS_ROOT": str(root),
        "PATH": os.pathsep.join(path),
        "SOURCE_DATE_EPOCH": "1729843200",
    }
    dry = subprocess.run(["make", "-n", "reports"], cwd=root, env=env, capture_output=True)
    assert dry.stdout == b".venv/bin/kuanalysis render\n", dry  # renders, installs nothing
    runs = [
        subprocess.run(cmd, shell=True, cwd=root, env=env, capture_output=True, text=True)
        for cmd in _commands()
    ]
    return root, runs


def test_the_readme_gives_three_commands(project):
    assert [c.split()[:2] for c in _commands()] == [
        [".venv/bin/kuanalysis", "import"],
        [".venv/bin/kuanalysis", "check"],
        ["make", "reports"],
    ]


def test_every_command_succeeds(project):
    _, runs = project
    for run in runs:
        assert run.returncode == 0, run.args + "\n" + run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr


def test_import_wrote_the_period_as_exported(project):
    root, runs = project
    folder = root / "data" / "raw" / "005-delar-2025-t1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "delar-2025-t1-4-1.csv",
        "delar-2025-t1-4-1.yaml",
    ]
    with open(folder / "delar-2025-t1-4-1.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    assert rows[10] == [
        "Kurs o konferens*",
        "",
        "2 000",
        "2 000",
        "",
        "2 300",
        "",
        "",
        f"{EN_DASH}300",
        "",
    ]  # blanks blank, the en dash kept as printed
    assert rows[11] == ["Yrkesresan regional"] + [""] * 9
    side = (folder / "delar-2025-t1-4-1.yaml").read_text(encoding="utf-8").splitlines()
    assert side[:4] == [
        "table: delar-2025-t1-4-1",
        'document: "fondredovisning-2025-04.xlsx"',
        'heading: "Kommunal utveckling – fondredovisning per 2025-04-30 (tkr)"',
        "unit: tkr",
    ]  # the title row is the heading; the 2024 document and its title are not carried over
    assert "Skrev data/raw/005-delar-2025-t1/delar-2025-t1-4-1.csv" in runs[0].stdout


def test_check_flags_the_planted_errors_and_nothing_else(project):
    root, _ = project
    with open(root / "reports" / "avstamning.csv", encoding="utf-8") as fh:
        found = [r for r in csv.DictReader(fh) if r["table"] == "delar-2025-t1-4-1"]
    assert sorted(
        (r["row"], r["column"], r["reported"], r["expected"], r["rule"]) for r in found
    ) == [
        ("Barnahus", "Varav kvarvarande statliga medel", "4000", "3100", "fund_statliga"),
        ("[Summa]", "Kvarvarande medel 2025-04-30", "174406", "174306", "fund_column_total"),
        ("[Summa]", "Kvarvarande medel 2025-04-30", "174406", "174306", "fund_kvarvarande"),
    ]
    assert {r["status"] for r in found} == {"avvikelse"}
    # no --document: the export is the source, not the 2024 document the layout came from
    assert {r["document"] for r in found} == {"fondredovisning-2025-04.xlsx"}


def test_make_reports_gives_a_named_linked_report_of_the_new_period(project):
    root, _ = project
    page = (root / "reports" / "delarsrapport-2025-t1.html").read_text(encoding="utf-8")
    assert (
        "<title>Delårsrapport 2025, tertial 1: Kommunal utvecklings medel per område</title>"
        in page
    )
    assert '<td class="tal avvikelse">4\u00a0000</td>' in page
    sources = page.split("Källor", 1)[1]
    assert (
        "<li>fondredovisning-2025-04.xlsx: ”Kommunal utveckling – fondredovisning per "
        "2025-04-30 (tkr)”, avskriven i data/raw/005-delar-2025-t1/delar-2025-t1-4-1.csv</li>"
    ) in sources
    assert "001_f6cf5b74faf9ce17.txt" not in sources and "tertial 2" not in sources
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)"', index)
    assert "delarsrapport-2025-t1.html" in links
    # newest first among the fund reports
    fund = [x for x in links if x.startswith(("bokslut", "delarsrapport"))]
    assert fund == ["delarsrapport-2025-t1.html", "delarsrapport-2024-t2.html", "bokslut-2023.html"]
    assert not list((root / "data" / "raw").rglob("*.html"))
