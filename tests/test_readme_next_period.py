"""The README's "Lägga till nästa period", run exactly as written, in a copy of the project.

The analyst's exports are made by ``tests/period_exports.py`` the way a finance system writes
them: the close of 2024 as a CSV file (``bokslut-2024.csv``) and the tertial 1 2025 as one
workbook with a sheet per table (``delarsrapport-2025-04.xlsx``: the four tables under the
system's sheet names and in another order, title and date lines, a column without a heading,
shares formatted as per cent, a hidden sheet with stale figures). The errors planted in them,
one per table of the tertial, are worked out by hand in that module's docstring.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, shipped_project
from period_exports import write_close_csv, write_tertial_workbook

NEW = ("delar-2025-t1-4-1", "delar-2025-t1-4-2", "delar-2025-t1-4-3", "delar-2025-t1-4-5")


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
    write_close_csv(root / "bokslut-2024.csv")
    write_tertial_workbook(root / "delarsrapport-2025-04.xlsx")
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


def test_the_readme_gives_four_commands(project):
    assert [c.split()[:2] for c in _commands()] == [
        [".venv/bin/kuanalysis", "import"],
        [".venv/bin/kuanalysis", "import"],
        [".venv/bin/kuanalysis", "check"],
        ["make", "reports"],
    ]


def test_every_command_succeeds(project):
    _, runs = project
    for run in runs:
        assert run.returncode == 0, run.args + "\n" + run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr


def test_import_wrote_the_periods_as_exported(project):
    root, runs = project
    raw = root / "data" / "raw"
    assert sorted(p.name for p in (raw / "005-bokslut-2024").iterdir()) == [
        "bokslut-2024-4-1.csv",
        "bokslut-2024-4-1.yaml",
    ]
    assert sorted(p.name for p in (raw / "006-delar-2025-t1").iterdir()) == sorted(
        f"{t}{s}" for t in NEW for s in (".csv", ".yaml")
    )
    side = (raw / "006-delar-2025-t1" / "delar-2025-t1-4-1.yaml").read_text(encoding="utf-8")
    assert side.splitlines()[:3] == [
        "table: delar-2025-t1-4-1",
        'document: "delarsrapport-2025-04.xlsx"',
        'heading: "4.1 Kommunal utveckling 2025-04-30"',
    ]  # the title is the heading; the 2024 document and its title are not carried over
    assert runs[1].stdout.count("Skrev data/raw/006-delar-2025-t1/") == 4


def test_check_flags_the_planted_errors_and_nothing_else(project):
    root, runs = project
    with open(root / "reports" / "avstamning.csv", encoding="utf-8") as fh:
        found = [r for r in csv.DictReader(fh) if r["table"] in NEW]
    assert sorted(
        (r["table"], r["row"], r["column"], r["reported"], r["expected"]) for r in found
    ) == [
        ("delar-2025-t1-4-1", "Fritid", "Ingående balans 2025", "150", "100"),
        ("delar-2025-t1-4-1", "[Summa]", "Ingående balans 2025", "140322", "140272"),
        ("delar-2025-t1-4-2", "Nationella Yrkesresan", "Mnkr", "2.5", "2"),
        ("delar-2025-t1-4-3", "Satsningar inom God och nära vård", "Mnkr", "1.4", "1"),
        ("delar-2025-t1-4-5", "Fritid", "[delarnas summa]", "105", "100"),
    ]
    assert {r["status"] for r in found} == {"avvikelse"}
    # no --dokument: the export is the source, not the 2024 document the layout came from
    assert {r["document"] for r in found} == {"delarsrapport-2025-04.xlsx"}
    assert "delarsrapport-2025-04.xlsx: 77 kontroller, 5 fynd (5 avvikelse)" in runs[2].stdout


def test_make_reports_gives_named_linked_reports_of_the_new_periods(project):
    root, _ = project
    page = (root / "reports" / "delarsrapport-2025-t1.html").read_text(encoding="utf-8")
    assert (
        "<title>Delårsrapport 2025, tertial 1: Kommunal utvecklings medel per område</title>"
        in page
    )
    # where the figures came from, never "as printed" for an export
    assert (
        "Siffrorna är hämtade ur exporten delarsrapport-2025-04.xlsx (bladen ”FR41”, "
        "”Statliga”, ”Utbetalningar”, ”Finansiering”), som de står där"
    ) in page
    assert "exakt som de är tryckta" not in page
    # the period's tables and their checks: 4.2's cross-check against 4.1 marked and explained
    for t in NEW[1:]:
        assert f'id="tabell-{t}"' in page
    assert '<td class="tal avvikelse">2,5</td>' in page
    assert "Bokslut 2024 finns inte" not in page  # the close is there: the bridge from it
    sources = page.split("Källor", 1)[1]
    assert (
        "<li>delarsrapport-2025-04.xlsx: ”4.2 Statliga medel”, importerad från "
        "delarsrapport-2025-04.xlsx, blad ”Statliga” till "
        "data/raw/006-delar-2025-t1/delar-2025-t1-4-2.csv</li>"
    ) in sources
    assert "001_f6cf5b74faf9ce17.txt" not in sources
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)"', index)
    fund = [x for x in links if x.startswith(("bokslut", "delarsrapport"))]
    assert fund == [
        "delarsrapport-2025-t1.html",
        "bokslut-2024.html",
        "delarsrapport-2024-t2.html",
        "bokslut-2023.html",
    ]
    assert not list((root / "data" / "raw").rglob("*.html"))
