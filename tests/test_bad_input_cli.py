"""Bad input given through the real command line, as a user meets it, in one table.

Every row runs the command from the root of its own copy of the project (data/, scenarios/
and notebooks/ copied, a reports/ folder holding the files of an earlier run,
``KUANALYSIS_ROOT`` and the temporary folder pointing into the copy), and pins the contract
for bad input:

- exit code 2 (1 is a report that failed for other reasons);
- the exact Swedish message on stderr, naming the file, line and field where there is one,
  and what was expected; nothing on stdout; no traceback anywhere;
- nothing written: every file under data/raw keeps its SHA-256, no file or folder appears or
  disappears anywhere in the copy (the run's temporary folder included), and the reports of
  the earlier run are untouched.

Scenario files are checked through ``kuanalysis fees``, which reads them before anything
else, and through ``kuanalysis render`` of each report that reads them; the renderer's
refusals (parameters, the files and folders they name, the time, the output folder) are each
made while the run is planned, before a notebook runs.

``kuanalysis render`` rows run ``python -m kuanalysis`` in a subprocess (the renderer starts
processes of its own). The other rows call :func:`kuanalysis.cli.main`, the function the
command runs, in the test's process, with the same folder, environment and captured output:
a process of its own costs more than the command's work here. The rows in
:data:`THROUGH_THE_PROCESS` (one per command, and argparse's refusals) also run as
``python -m kuanalysis``, which shows that the process gives what the function gives.

Not repeated here: malformed raw tables (``test_bad_input.py``), the YAML reader's limits
in-process (``test_yamlfile.py``), the scenario reader's messages in-process
(``test_scenarios.py``), the render options of ``test_render_cli.py`` in a scratch project,
and the import arguments of ``test_import.py``.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, shipped_project
from fees_fixtures import POSTS

from kuanalysis import cli

#: Files of an earlier run in the copy's reports/: a refused command leaves them as they are.
EARLIER_REPORTS = {
    "avgifter.csv": "scenario,kommun_kod,kommun,post,belopp_kr,fakturerad,år\n",
    "avstamning.csv": "document,table,row,column\n",
    "index.html": "<!doctype html><title>Rapporter</title>\n",
    "avgifter-2025.html": "<!doctype html><title>Avgifterna 2025</title>\n",
}

#: The two lines every scenario below starts with (the printed proposal of 2025).
HEAD = 'beskrivning: "Prov"\nutgår_från: förslaget 2025\n'

#: The table an export below is laid out like, and the figure it breaks: "33 089" (row 3,
#: Nära vård, column Ingående balans 2024) becomes "12 3a4".
MODEL = "data/raw/001-delar-2024-t2/delar-2024-t2-4-1.csv"
BROKEN = ("\nNära vård,33 089,", "\nNära vård,12 3a4,")


OUTSIDE = "; ange en sökväg i projektet, relativt dess rot (t.ex. data/raw/…)"
IN_RAW = ": ligger i data/raw, som aldrig skrivs till; välj en annan mapp"
TOO_LONG = "ett fil- eller mappnamn får vara högst 255 byte (å, ä och ö räknas som 2 byte)"
#: The most worker processes ``render --jobb`` accepts: two per core.
MAX_JOBS = 2 * (os.cpu_count() or 1)


def scenario(name: str, text: str | bytes) -> dict[str, str | bytes]:
    """A scenario file the case writes into the copy's scenarios/ before the run."""
    return {f"scenarios/{name}": text}


CASES = [
    # -- scenario files, through `kuanalysis fees` -------------------------------------------
    pytest.param(
        "fees scenarios/ansi.yaml",
        scenario(
            "ansi.yaml",
            (
                "# Sparad i Anteckningar\n"
                'beskrivning: "Avgift för Håbo, Vägar och Jönköping"\n'
                "utgår_från: förslaget 2025\n"
            ).encode("cp1252"),
        ),
        {},
        # ö in "för" is the first byte that is not UTF-8 (å and ä come later on the line)
        "Fel: scenarios/ansi.yaml:2: filen är inte UTF-8 (byte 0xF6); spara den som UTF-8\n",
        id="scenario-windows-1252",
    ),
    pytest.param(
        "fees scenarios/skratt.yaml",
        scenario(
            "skratt.yaml",
            HEAD
            + 'a0: &a0 ["ha"]\n'
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)),
        ),
        {},
        # refused at the first anchor, before anything expands (9**9 strings otherwise)
        "Fel: scenarios/skratt.yaml:3: alias och ankare (*namn, &namn) används inte i den här "
        "filen; skriv ut värdet\n",
        id="scenario-billion-laughs",
    ),
    pytest.param(
        "fees scenarios/flyttal.yaml",
        scenario("flyttal.yaml", HEAD + "poster:\n  Barnahus: {belopp: !!float 1e6}\n"),
        {},
        "Fel: scenarios/flyttal.yaml:4: taggen !!float används inte i den här filen; skriv värdet "
        "utan tagg\n",
        id="scenario-float-tag",
    ),
    pytest.param(
        "fees scenarios/python.yaml",
        scenario(
            "python.yaml", HEAD + "poster:\n  Barnahus: !python/object:os.system {belopp: 1}\n"
        ),
        {},
        "Fel: scenarios/python.yaml:4: taggen !python/object:os.system används inte i den här "
        "filen; skriv värdet utan tagg\n",
        id="scenario-python-object-tag",
    ),
    pytest.param(
        "fees scenarios/nan.yaml",
        scenario(
            "nan.yaml",
            HEAD + 'poster:\n  Barnahus:\n    nyckel: {"0604": .nan, "0680": NaN, "0686": 1}\n',
        ),
        {},
        # .nan is YAML's not-a-number, NaN without the dot is text: both refused
        "Fel: scenarios/nan.yaml:5: poster.Barnahus.nyckel.0604: vikten måste vara ett ändligt tal "
        "≥ 0, fick '.nan'\n"
        "Fel: scenarios/nan.yaml:5: poster.Barnahus.nyckel.0680: vikten måste vara ett ändligt tal "
        "≥ 0, fick 'NaN'\n",
        id="scenario-weight-nan",
    ),
    pytest.param(
        "fees scenarios/stor.yaml",
        # 50 bytes of HEAD + 1 100 003 bytes of comment = 1 100 053 bytes: 1100 kB
        scenario("stor.yaml", HEAD + "# " + "x" * 1_100_000 + "\n"),
        {},
        "Fel: scenarios/stor.yaml: filen är 1100 kB; en YAML-fil här får vara högst 1000 kB\n",
        id="scenario-over-1-mb",
    ),
    pytest.param(
        "fees scenarios/engelsk.yaml",
        scenario(
            "engelsk.yaml",
            'description: "Prov"\n'
            "utgår_från: förslaget 2025\n"
            "posts:\n"
            "  Barnahus: {total: 1}\n"
            "fees: {}\n",
        ),
        {},
        "Fel: scenarios/engelsk.yaml:1: description: fältet heter beskrivning på svenska (det "
        "engelska description används inte längre)\n"
        "Fel: scenarios/engelsk.yaml:3: posts: fältet heter poster på svenska (det engelska posts "
        "används inte längre)\n"
        "Fel: scenarios/engelsk.yaml:5: fees: okänt fält (väntade beskrivning, utgår_från, år, "
        "uppräkning, nyckel, balanskonto, tomma_celler, poster)\n"
        "Fel: scenarios/engelsk.yaml:1: beskrivning: saknas\n",
        id="scenario-english-keys",
    ),
    pytest.param(
        "fees scenarios/kommun.yaml",
        scenario("kommun.yaml", HEAD + 'poster:\n  Barnahus: {deltagare: ["0604", "9999"]}\n'),
        {},
        "Fel: scenarios/kommun.yaml:4: poster.Barnahus.deltagare: okänd kommun '9999'\n",
        id="scenario-unknown-kommun",
    ),
    pytest.param(
        "fees scenarios/citat.yaml",
        scenario(
            "citat.yaml",
            HEAD
            + "poster:\n"
            + '  Barnahus: {deltagare: ["0604", 680]}\n'
            + '  Skola: {nyckel: {"0604": 1, 0680: 2}}\n',
        ),
        {},
        # 680 is read as a number; 0680 (no octal digit 8) as text: both need quotes
        "Fel: scenarios/citat.yaml:4: poster.Barnahus.deltagare: kommunkoden 680 är skriven utan "
        'citattecken och läses som talet 680; skriv "0680" (fyra siffror inom citattecken)\n'
        "Fel: scenarios/citat.yaml:5: poster.Skola.nyckel: kommunkoden 0680 är skriven utan "
        'citattecken och ska stå inom citattecken; skriv "0680" (fyra siffror inom '
        "citattecken)\n",
        id="scenario-unquoted-kommun-code",
    ),
    pytest.param(
        "fees scenarios/stort.yaml",
        scenario(
            "stort.yaml", HEAD + "poster:\n  Barnahus: {belopp: 100_000_000_000_000_000_000}\n"
        ),
        {},
        "Fel: scenarios/stort.yaml:4: poster.Barnahus.belopp: är orimligt stort (högst "
        "10_000_000_000 kr), fick 100_000_000_000_000_000_000\n",
        id="scenario-amount-10-to-the-20",
    ),
    pytest.param(
        "fees scenarios/noll.yaml",
        scenario(
            "noll.yaml",
            HEAD
            + 'uppräkning: "-100 %"\n'
            + "poster:\n"
            + "  Barnahus: {belopp: -5}\n"
            + '  Skola: {nyckel: {"0604": 0, "0680": 0}}\n',
        ),
        {},
        "Fel: scenarios/noll.yaml:3: uppräkning: måste ligga över \u2212100 % och högst 1000 %, "
        "fick -100 %\n"
        "Fel: scenarios/noll.yaml:5: poster.Barnahus.belopp: får inte vara negativ, fick -5\n"
        "Fel: scenarios/noll.yaml:6: poster.Skola.nyckel: nyckeltabellen har ingen vikt över noll\n",
        id="scenario-negative-and-zero",
    ),
    pytest.param(
        "fees scenarios/utan-bas.yaml",
        scenario("utan-bas.yaml", 'beskrivning: "Prov"\nutgår_från: finns-inte\n'),
        {},
        "Fel: scenarios/utan-bas.yaml:2: utgår_från: scenariot finns-inte finns inte "
        "(scenarios/finns-inte.yaml saknas)\n",
        id="scenario-missing-base",
    ),
    pytest.param(
        "fees scenarios/ring-a.yaml",
        {
            **scenario("ring-a.yaml", 'beskrivning: "A"\nutgår_från: ring-b\n'),
            **scenario("ring-b.yaml", 'beskrivning: "B"\nutgår_från: ring-a\n'),
        },
        {},
        "Fel: scenarios/ring-a.yaml:2: utgår_från: scenarios/ring-b.yaml som scenariot utgår från "
        "har fel\n"
        "Fel: scenarios/ring-b.yaml:2: utgår_från: scenarierna utgår från varandra i en ring: "
        "scenarios/ring-a.yaml → scenarios/ring-b.yaml → scenarios/ring-a.yaml\n",
        id="scenario-cycle-of-two",
    ),
    pytest.param(
        "fees scenarios/djup.yaml",
        scenario("djup.yaml", HEAD + "poster: " + "[" * 25 + "]" * 25 + "\n"),
        {},
        "Fel: scenarios/djup.yaml:3: för djup nästling (högst 20 nivåer)\n",
        id="scenario-nested-too-deep",
    ),
    pytest.param(
        "fees scenarios/saknas.yaml",
        {},
        {},
        "Fel: scenarios/saknas.yaml: filen finns inte\n",
        id="scenario-file-missing",
    ),
    pytest.param(
        "fees scenarios/avtal.yaml scenarios/avtal.yaml",
        {},
        {},
        "Fel: scenariot 'avtal' anges två gånger\n",
        id="scenario-given-twice",
    ),
    # -- one number grammar in scenario files: ASCII digits, <= 15 significant, finite -------
    pytest.param(
        "fees scenarios/siffror.yaml",
        scenario(
            "siffror.yaml",
            HEAD
            + 'uppräkning: "+\u0663 %"\n'  # Arabic-Indic three
            + "poster:\n"
            + '  Barnahus: {ändring: "+\uff13 %"}\n',  # full-width three
        ),
        {},
        "Fel: scenarios/siffror.yaml:3: uppräkning: skriv procent som ett tal med högst två "
        'decimaler och procenttecken, t.ex. "+3 %" eller "2,5 %", fick \'+\u0663 %\' (bara '
        "siffrorna 0–9 räknas som siffror)\n"
        "Fel: scenarios/siffror.yaml:5: poster.Barnahus.ändring: skriv procent som ett tal med "
        'högst två decimaler och procenttecken, t.ex. "+3 %" eller "2,5 %", fick \'+\uff13 %\' '
        "(bara siffrorna 0–9 räknas som siffror)\n",
        id="scenario-percent-other-digits",
    ),
    pytest.param(
        "fees scenarios/decimaler.yaml",
        scenario("decimaler.yaml", HEAD + 'uppräkning: "2,333 %"\n'),
        {},
        # quoted and with its sign: the fault is the third decimal
        "Fel: scenarios/decimaler.yaml:3: uppräkning: skriv procent som ett tal med högst två "
        'decimaler och procenttecken, t.ex. "+3 %" eller "2,5 %", fick \'2,333 %\' (3 '
        "decimaler, högst 2)\n",
        id="scenario-percent-three-decimals",
    ),
    pytest.param(
        "fees scenarios/ar.yaml",
        scenario("ar.yaml", HEAD + 'år: "\u0662\u0660\u0662\u0665-\u0662\u0660\u0662\u0667"\n'),
        {},
        'Fel: scenarios/ar.yaml:3: år: väntade första och sista året, t.ex. "2025–2028" (högst '
        "30 år), fick '\u0662\u0660\u0662\u0665-\u0662\u0660\u0662\u0667'\n",
        id="scenario-years-arabic-indic",
    ),
    pytest.param(
        "fees scenarios/yaml11.yaml",
        scenario(
            "yaml11.yaml",
            HEAD
            + "poster:\n"
            + "  Barnahus: {belopp: 1:30:00}\n"  # YAML 1.1 base 60: 5400
            + "  Skola: {belopp: 0b101}\n"  # binary: 5
            + "  Fritid: {belopp: 0x10}\n"  # hexadecimal: 16
            + "  Yrkesresorna: {belopp: 0777}\n",  # octal: 511
        ),
        {},
        "".join(
            f"Fel: scenarios/yaml11.yaml:{line}: poster.{post}.belopp: måste vara hela kronor "
            f"(ett heltal, t.ex. 9_000_000), fick '{text}'\n"
            for line, post, text in [
                (4, "Barnahus", "1:30:00"),
                (5, "Skola", "0b101"),
                (6, "Fritid", "0x10"),
                (7, "Yrkesresorna", "0777"),
            ]
        ),
        id="scenario-kronor-yaml-1-1-integers",
    ),
    pytest.param(
        "fees scenarios/ar-hex.yaml",
        scenario(
            "ar-hex.yaml",
            HEAD + "år: 0x7E9\nbalanskonto:\n  uttag: {2025: 1, 0x7EA: 2}\n",  # 2025, 2026
        ),
        {},
        'Fel: scenarios/ar-hex.yaml:3: år: väntade första och sista året, t.ex. "2025–2028" '
        "(högst 30 år), fick '0x7E9'\n"
        "Fel: scenarios/ar-hex.yaml:5: balanskonto.uttag: väntade ett årtal, fick '0x7EA'\n",
        id="scenario-years-hexadecimal",
    ),
    pytest.param(
        "fees scenarios/vikt.yaml",
        scenario(
            "vikt.yaml",
            HEAD + 'poster:\n  Barnahus:\n    nyckel: {"0604": 1, "0680": ' + "9" * 40 + "}\n",
        ),
        {},
        # 40 digits would silently become a float that lost 25 of them
        "Fel: scenarios/vikt.yaml:5: poster.Barnahus.nyckel.0680: vikten måste vara ett ändligt "
        "tal ≥ 0, fick '" + "9" * 40 + "' (fler än 15 siffror)\n",
        id="scenario-weight-40-digits",
    ),
    pytest.param(
        "fees scenarios/nyckel.yaml",
        scenario(
            "nyckel.yaml",
            HEAD + "poster:\n  ? [" + ", ".join(["[a, b, {c: d}]"] * 2000) + "]\n  : {belopp: 1}\n",
        ),
        {},
        # the message used to print the key's node tree (several MB); now it names the kind
        "Fel: scenarios/nyckel.yaml:4: poster.?: postens namn ska vara text, fick en lista\n",
        id="scenario-list-as-post-name",
    ),
    pytest.param(
        "fees scenarios/gammal.yaml",
        scenario(
            "gammal.yaml",
            'description: "Avtalet, gammalt format"\n'
            "poster:\n"
            "  Barnahus:\n"
            "    total: 9_000_000\n"
            "    key: implied_2025\n"
            "    invoiced: true\n"
            "    participants: alla\n"
            "    from_balance: false\n",
        ),
        {},
        # no utgår_från, so nothing is resolved: the Swedish post keys are still named at once
        "Fel: scenarios/gammal.yaml:1: description: fältet heter beskrivning på svenska (det "
        "engelska description används inte längre)\n"
        "Fel: scenarios/gammal.yaml:1: beskrivning: saknas\n"
        "Fel: scenarios/gammal.yaml:1: utgår_från: saknas (skriv t.ex. utgår_från: förslaget "
        "2025, eller namnet på ett annat scenario)\n"
        + "".join(
            f"Fel: scenarios/gammal.yaml:{line}: poster.Barnahus.{old}: fältet heter {new} på "
            f"svenska (det engelska {old} används inte längre)\n"
            for line, old, new in [
                (4, "total", "belopp"),
                (5, "key", "nyckel"),
                (6, "invoiced", "faktureras"),
                (7, "participants", "deltagare"),
                (8, "from_balance", "från_balanskontot"),
            ]
        ),
        id="scenario-old-format-without-base",
    ),
    pytest.param(
        "fees scenarios/tusen.yaml",
        scenario(
            "tusen.yaml",
            HEAD + "poster:\n" + "".join(f"  p{i}: {{}}\n" for i in range(50_000)),
        ),
        {},
        # the first 50 faults (post p0 on line 4 ...), then how many more: 50 000 - 50
        "".join(
            f"Fel: scenarios/tusen.yaml:{4 + i}: poster.p{i}: okänd post 'p{i}'; väntade en av: "
            + ", ".join(POSTS)
            + "\n"
            for i in range(50)
        )
        + "... och 49950 fel till\n",
        id="scenario-50-000-faults-capped",
    ),
    pytest.param(
        "fees /dev/zero",
        {},
        {},
        # size 0 and no end: it used to be read whole until memory ran out
        "Fel: zero: är ingen vanlig fil (en enhet, en namngiven pipe eller liknande); ange en "
        "YAML-fil\n",
        id="scenario-a-device",
    ),
    # -- one number grammar on the command line ----------------------------------------------
    pytest.param(
        "fees scenarios/avtal.yaml --svep Barnahus=\u0661\u0660\u0660\u0660\u0660\u0660\u0660"
        "..\u0662\u0660\u0660\u0660\u0660\u0660\u0660/\u0661\u0660\u0660\u0660\u0660\u0660\u0660",
        {},
        {},
        "Fel: --svep: FRÅN ska vara hela kronor, fick '\u0661\u0660\u0660\u0660\u0660\u0660"
        "\u0660' (bara siffrorna 0–9 räknas som siffror)\n",
        id="fees-sweep-arabic-indic",
    ),
    pytest.param(
        "fees scenarios/avtal.yaml --svep Barnahus=0..1000000/500000 --ar \uff12\uff10\uff12\uff15",
        {},
        {},
        "Fel: --ar: väntade ett årtal, t.ex. 2027, fick '\uff12\uff10\uff12\uff15' (bara "
        "siffrorna 0–9 räknas som siffror)\n",
        id="fees-year-full-width",
    ),
    pytest.param(
        "render --jobs \u0663",
        {},
        {},
        f"Fel: --jobb/--jobs/-j: väntade ett heltal från 1 till {MAX_JOBS} (högst två per "
        "kärna), fick '\u0663' (bara siffrorna 0–9 räknas som siffror)\n",
        id="render-jobs-arabic-indic",
    ),
    pytest.param(
        "render avgifter -p balanskonto_kr=\u0665\u0660\u0660\u0660",
        {},
        {},
        "Fel: parametern 'balanskonto_kr' ska vara heltal, fick '\u0665\u0660\u0660\u0660' "
        "(bara siffrorna 0–9 räknas som siffror)\n",
        id="render-parameter-arabic-indic",
    ),
    pytest.param(
        "render avgifter -p balanskonto_kr=" + "1" * 40,
        {},
        {},
        "Fel: parametern 'balanskonto_kr' ska vara heltal, fick '" + "1" * 40 + "' (fler än 15 "
        "siffror)\n",
        id="render-parameter-40-digits",
    ),
    pytest.param(
        "render --tidpunkt '\u0662\u0660\u0662\u0664-10-25 08:00'",
        {},
        {},
        "Fel: --tidpunkt ska vara en tidpunkt på formen ÅÅÅÅ-MM-DD TT:MM, t.ex. '2024-10-25 "
        "08:00'; fick '\u0662\u0660\u0662\u0664-10-25 08:00'\n",
        id="tidpunkt-arabic-indic",
    ),
    pytest.param(
        "render",
        {},
        {"SOURCE_DATE_EPOCH": "\u0661\u0667" + "\u0660" * 8},
        "Fel: miljövariabeln SOURCE_DATE_EPOCH ska vara ett heltal (sekunder sedan "
        "1970-01-01 UTC); fick '\u0661\u0667" + "\u0660" * 8 + "'\n",
        id="source-date-epoch-arabic-indic",
    ),
    # -- render parameters: refused while the run is planned -------------------------------
    pytest.param(
        "render kommunblad -p kommuner=0680,9999",
        {},
        {},
        "Fel: parametern kommuner: kommunkoden 9999 finns inte i förslaget; välj bland 0604, "
        "0617, 0642, 0643, 0662, 0665, 0680, 0682, 0683, 0684, 0685, 0686, 0687 eller alla\n",
        id="render-kommuner-unknown-code",
    ),
    pytest.param(
        "render kommunblad -p kommuner=680",
        {},
        {},
        'Fel: parametern kommuner: en kommunkod är fyra siffror som text, t.ex. "0680" (med '
        "inledande nolla), fick '680'\n",
        id="render-kommun-kod-without-zero",
    ),
    pytest.param(
        "render avgifter -p balanskonto_kr=tio",
        {},
        {},
        "Fel: parametern 'balanskonto_kr' ska vara heltal, fick 'tio'\n",
        id="render-wrong-type",
    ),
    pytest.param(
        "render avgifter -p balanskonto_kr=-5",
        {},
        {},
        "Fel: parametern balanskonto_kr ska vara hela kronor, minst 0 (eller -1: som "
        "scenarierna anger), fick -5\n",
        id="render-balance-below-minus-one",
    ),
    pytest.param(
        "render avgifter -p excelfil=../../x.xlsx",
        {},
        {},
        "Fel: parametern excelfil ska vara ett filnamn (bokstäver a–z, siffror, . _ -) som "
        "slutar på .xlsx, eller tom, fick '../../x.xlsx'\n",
        id="render-workbook-name-with-path",
    ),
    pytest.param(
        "render avgifter -p kommun_kod=0680",
        {},
        {},
        "Fel: rapporten 'avgifter' har ingen parameter 'kommun_kod' (den har: balanskonto_kr, "
        "befolkning, befolkningsdatum, excelfil, forslag, historik, scenarier)\n",
        id="render-unknown-parameter",
    ),
    pytest.param(
        "render avgifter -p kommuner",
        {},
        {},
        # argparse's own usage block and English "error:" line are gone: one Fel: line
        "Fel: -p/--parameter: väntade NAMN=VÄRDE, fick 'kommuner'\n",
        id="render-parameter-without-value",
    ),
    pytest.param(
        "render oversikt -p data_dir=/etc",
        {},
        {},
        "Fel: parametern data_dir = '/etc': ligger utanför projektmappen" + OUTSIDE + "\n",
        id="render-data-dir-absolute-outside",
    ),
    pytest.param(
        "render oversikt -p data_dir=../..",
        {},
        {},
        "Fel: parametern data_dir = '../..': ligger utanför projektmappen" + OUTSIDE + "\n",
        id="render-data-dir-dotdot",
    ),
    pytest.param(
        "render avgifter -p scenarier=/etc",
        {},
        {},
        "Fel: parametern scenarier = '/etc': ligger utanför projektmappen" + OUTSIDE + "\n",
        id="render-scenarier-outside",
    ),
    pytest.param(
        "render fondredovisning -p kontinuitet=../../etc/passwd",
        {},
        {},
        "Fel: parametern kontinuitet = '../../etc/passwd': ligger utanför projektmappen"
        + OUTSIDE
        + "\n",
        id="render-kontinuitet-outside",
    ),
    # -- the inputs the parameters name: read while the run is planned ---------------------
    pytest.param(
        "render avgifter",
        scenario("kommun.yaml", HEAD + 'poster:\n  Barnahus: {deltagare: ["0604", "9999"]}\n'),
        {},
        "Fel: scenarios/kommun.yaml:4: poster.Barnahus.deltagare: okänd kommun '9999'\n",
        id="render-fee-report-with-a-bad-scenario",
    ),
    pytest.param(
        "render kommunblad -p kommuner=0604",
        scenario("kommun.yaml", HEAD + 'poster:\n  Barnahus: {deltagare: ["0604", "9999"]}\n'),
        {},
        "Fel: scenarios/kommun.yaml:4: poster.Barnahus.deltagare: okänd kommun '9999'\n",
        id="render-kommunblad-with-a-bad-scenario",
    ),
    pytest.param(
        "render utforska-avgifter",
        scenario("engelsk.yaml", 'description: "Prov"\nutgår_från: förslaget 2025\n'),
        {},
        "Fel: scenarios/engelsk.yaml:1: description: fältet heter beskrivning på svenska (det "
        "engelska description används inte längre)\n"
        "Fel: scenarios/engelsk.yaml:1: beskrivning: saknas\n",
        id="render-explorer-with-a-bad-scenario",
    ),
    pytest.param(
        "render avgifter -p scenarier=finns-inte",
        {},
        {},
        "Fel: parametern scenarier: finns-inte finns inte i projektet\n",
        id="render-scenario-folder-missing",
    ),
    pytest.param(
        "render avgifter -p befolkningsdatum=befolkning_1999_12_31",
        {},
        {},
        "Fel: parametern befolkningsdatum: befolkning_1999_12_31 finns inte i "
        "data/raw/referens/kommuner-befolkning.csv; välj en av befolkning_2021_12_31, "
        "befolkning_2022_12_31, befolkning_2023_12_31, befolkning_2024_12_31\n",
        id="render-population-date-not-in-the-table",
    ),
    pytest.param(
        "render kommunblad -p historik=data/raw/000-pks-2024",
        {},
        {},
        "Fel: parametern historik: mappen data/raw/000-pks-2024 saknar tabellen "
        "pks-2016-social-valfard\n",
        id="render-history-folder-without-the-tables",
    ),
    pytest.param(
        "render fondredovisning -p fondtabell=bokslut-2023 -p foregaende=finns-inte",
        {},
        {},
        "Fel: fondredovisningen 'finns-inte' finns inte i data/raw (finns: bokslut-2023, "
        "delar-2024-t2-4-1)\n",
        id="render-preceding-period-unknown",
    ),
    pytest.param(
        "render fondredovisning -p foregaende=bokslut-2023",
        {},
        {},
        "Fel: parametern foregaende gäller en period: ange också fondtabell (periodens tabell)\n",
        id="render-preceding-period-without-the-period",
    ),
    pytest.param(
        "render fondredovisning -p fondtabell=delar-2024-t2-4-1 "
        "-p kontinuitet=data/raw/finns-inte.yaml",
        {},
        {},
        "Fel: parametern kontinuitet: data/raw/finns-inte.yaml finns inte i projektet\n",
        id="render-mapping-file-missing",
    ),
    # -- the time and the output folder ----------------------------------------------------
    pytest.param(
        "render",
        {},
        {"SOURCE_DATE_EPOCH": "0"},
        "Fel: SOURCE_DATE_EPOCH ska ge en tidpunkt 1980 eller senare; fick '0'\n",
        id="source-date-epoch-1970",
    ),
    pytest.param(
        "render",
        {},
        {"SOURCE_DATE_EPOCH": "9" * 20},
        "Fel: miljövariabeln SOURCE_DATE_EPOCH ska vara ett heltal (sekunder sedan "
        "1970-01-01 UTC); fick '99999999999999999999'\n",
        id="source-date-epoch-overflow",
    ),
    pytest.param(
        "render --tidpunkt '1979-12-31 23:59'",
        {},
        {},
        "Fel: --tidpunkt ska vara 1980 eller senare; fick '1979-12-31 23:59'\n",
        id="tidpunkt-before-1980",
    ),
    pytest.param(
        "render --out reports/avgifter.csv",
        {},
        {},
        "Fel: reports/avgifter.csv: är en fil, men här behövs en mapp\n",
        id="render-out-existing-report-file",
    ),
    pytest.param(
        "render --out data/raw/../raw/000-pks-2024",
        {},
        {},
        "Fel: data/raw/000-pks-2024" + IN_RAW + "\n",
        id="render-out-raw-subfolder",
    ),
    pytest.param(
        "data --out data/raw/000-pks-2024",
        {},
        {},
        "Fel: data/raw/000-pks-2024" + IN_RAW + "\n",
        id="data-out-raw-subfolder",
    ),
    pytest.param(
        "check --out data/raw/000-pks-2024/bokslut-2023.csv",
        {},
        {},
        "Fel: data/raw/000-pks-2024/bokslut-2023.csv" + IN_RAW + "\n",
        id="check-out-over-raw-table",
    ),
    pytest.param(
        "fees scenarios/avtal.yaml --out data/raw/referens/kommuner-befolkning.csv",
        {},
        {},
        "Fel: data/raw/referens/kommuner-befolkning.csv" + IN_RAW + "\n",
        id="fees-out-over-raw-table",
    ),
    # -- import: writes into data/raw on purpose, but never over or outside it ---------------
    pytest.param(
        "import {ute}/export.csv --like delar-2024-t2-4-1 --table delar-2024-t2-4-1 "
        "--period 2025-01-01/2025-08-31",
        {},
        {},
        "Fel: tabellen delar-2024-t2-4-1 finns redan "
        "(data/raw/001-delar-2024-t2/delar-2024-t2-4-1.csv, "
        "data/raw/001-delar-2024-t2/delar-2024-t2-4-1.yaml); import skriver aldrig över "
        "något, välj ett annat namn med --tabell\n",
        id="import-over-the-model-table",
    ),
    pytest.param(
        "import data/raw/000-pks-2024/bokslut-2023.csv --like bokslut-2023 --table bokslut-2099 "
        "--period 2099-01-01/2099-12-31",
        {},
        {},
        "Fel: bokslut-2023.csv: lägg exportfilen utanför data/raw (där räknas varje xlsx- och "
        "csv-fil som en tabell)\n",
        id="import-export-inside-raw",
    ),
    pytest.param(
        "import {ute}/export.csv --like delar-2024-t2-4-1 --table delar-2025-t2-4-1 "
        "--period 2025-01-01/2025-08-31 --mapp ../../utanfor",
        {},
        {},
        'Fel: --mapp "../../utanfor": ett mappnamn i data/raw har bara bokstäver a–z, siffror, '
        "- och _, t.ex. 005-delar-2025-t1\n",
        id="import-folder-outside-raw",
    ),
    pytest.param(
        "import {ute}/export.csv --like delar-2024-t2-4-1 --table delar-2024-t2-kopia "
        "--period 2024-01-01/2024-08-31",
        {},
        {},
        "Fel: --period 2024-01-01/2024-08-31: fondredovisningen delar-2024-t2-4-1 gäller redan "
        "perioden till 2024-08-31\n",
        id="import-period-already-there",
    ),
    pytest.param(
        "import {ute}/export.csv --like delar-2024-t2-4-1 --table delar-2025-t2-4-1 "
        "--period 2025-01-01/2025-08-31",
        {},
        {},
        'Fel: export.csv rad 3, kolumn "Ingående balans 2024": "12 3a4" är inget tal (väntade '
        't.ex. "1 234" eller "-1 234,5")\n',
        id="import-csv-figure-not-a-number",
    ),
    pytest.param(
        "import {ute}/export.txt --like finns-inte --table bokslut-2023 --period 2025-01-01",
        {},
        {},
        # every fault at once, one "Fel:" line each
        "Fel: export.txt: okänd filtyp (väntade .xlsx, .csv eller en mapp med csv-filer)\n"
        "Fel: tabellen bokslut-2023 finns redan (data/raw/000-pks-2024/bokslut-2023.csv, "
        "data/raw/000-pks-2024/bokslut-2023.yaml); import skriver aldrig över något, välj ett "
        "annat namn med --tabell\n"
        'Fel: --period "2025-01-01": väntade ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD, t.ex. 2025-01-01/2025-04-30\n'
        "Fel: tabellen finns-inte (--som/--like) finns inte i data/raw, och inga tabeller har "
        "namn som börjar med finns-inte-\n",
        id="import-every-argument-wrong",
    ),
    # == fix-a2: exit classification, the overview's folder, continuity mappings, kommunblad ==
    # A number Python will not convert (over 4300 digits): the YAML reader refuses it with
    # file, line and field, in `fees` and in `render` alike (it was exit 1 or English text).
    pytest.param(
        "fees scenarios/lang.yaml",
        scenario("lang.yaml", HEAD + "poster:\n  Barnahus: {belopp: " + "1" * 5000 + "}\n"),
        {},
        "Fel: scenarios/lang.yaml:4: poster.Barnahus.belopp: talet har 5000 tecken; ett tal i "
        "den här filen har högst 1000\n",
        id="a2-scenario-5000-digit-amount",
    ),
    pytest.param(
        "render avgifter",
        scenario("lang.yaml", HEAD + "poster:\n  Barnahus: {belopp: " + "1" * 5000 + "}\n"),
        {},
        "Fel: scenarios/lang.yaml:4: poster.Barnahus.belopp: talet har 5000 tecken; ett tal i "
        "den här filen har högst 1000\n",
        id="a2-render-scenario-5000-digit-amount",
    ),
    pytest.param(
        "render avgifter -p befolkning=data/raw/000-pks-2024/bokslut-2023.csv",
        {},
        {},
        "Fel: data/raw/000-pks-2024/bokslut-2023.csv: är ingen befolkningstabell (väntade kind: "
        "population i sidecaren, fann kind: fund_statement)\n",
        id="a2-render-population-of-the-wrong-kind",
    ),
    pytest.param(
        "fees scenarios/avtal.yaml --out /proc/x.csv",
        {},
        {},
        "Fel: /proc/x.csv: i mappen /proc går det inte att skriva (behörighet saknas eller så är "
        "den skrivskyddad); välj en annan mapp\n",
        id="a2-fees-out-in-proc",
        marks=pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc"),
    ),
    pytest.param(
        "render --out /proc/rapporter/ny",
        {},
        {},
        "Fel: /proc/rapporter/ny: i mappen /proc går det inte att skriva (behörighet saknas "
        "eller så är den skrivskyddad); välj en annan mapp\n",
        id="a2-render-out-under-proc",
        marks=pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc"),
    ),
    pytest.param(
        "render oversikt -p data_dir=scenarios",
        {},
        {},
        "Fel: parametern data_dir: mappen scenarios har inga källtabeller (csv- eller xlsx-filer "
        "med en yaml-fil bredvid); väntade en mapp med källtabeller, t.ex. data/raw\n",
        id="a2-overview-data-dir-without-tables",
    ),
    pytest.param(
        "render oversikt -p data_dir=data/raw/000-pks-2024",
        {},
        {},
        "Fel: parametern data_dir: mappen data/raw/000-pks-2024 saknar befolkningstabellen (en "
        "tabell med kind: population, som referens/kommuner-befolkning); väntade en mapp med "
        "källtabeller, t.ex. data/raw\n",
        id="a2-overview-data-dir-without-population",
    ),
    pytest.param(
        "render oversikt -p data_dir=README.md",
        {"README.md": "# Projektet\n"},
        {},
        "Fel: parametern data_dir: README.md är en fil; väntade en mapp med källtabeller, t.ex. "
        "data/raw\n",
        id="a2-overview-data-dir-a-file",
    ),
    pytest.param(
        "render fondredovisning -p fondtabell=delar-2024-t2-4-1 "
        "-p kontinuitet=data/raw/000-pks-2024/bokslut-2023.yaml",
        {},
        {},
        "Fel: data/raw/000-pks-2024/bokslut-2023.yaml:1: är ingen kontinuitetsmappning "
        "(väntade fälten from, to, groups, new, ended)\n",
        id="a2-mapping-a-sidecar",
    ),
    pytest.param(
        "render fondredovisning -p fondtabell=delar-2024-t2-4-1 -p kontinuitet=mappning.yaml",
        {
            "mappning.yaml": (
                "from: bokslut-2023\n"
                "to: {table: delar-2024-t2-4-2, column: ib}\n"
                "groups:\n"
                "  - {from: [Fritid], till: [Fritid]}\n"
                "  - from: Utbildning\n"
                "    to: [Utbildning]\n"
                "new: [Barnahus, [Yrkesresan]]\n"
                "ny: []\n"
            )
        },
        {},
        "Fel: mappning.yaml:8: ny: okänt fält (väntade from, to, groups, new, ended)\n"
        "Fel: mappning.yaml:1: from: väntade {table: bokslut-2023, column: KOLUMN} (table kan "
        "utelämnas)\n"
        "Fel: mappning.yaml:2: to.table: mappningen gäller 'delar-2024-t2-4-2', men perioden "
        "som visas är delar-2024-t2-4-1\n"
        "Fel: mappning.yaml:4: groups[0]: väntade {from: [...], to: [...]}\n"
        "Fel: mappning.yaml:5: groups[1].from: ska vara en lista med radnamn, t.ex. [Barnahus, "
        "Fritid]\n"
        "Fel: mappning.yaml:7: new: ska vara en lista med radnamn, t.ex. [Barnahus, Fritid]\n",
        id="a2-mapping-of-the-wrong-shape",
    ),
    pytest.param(
        # one parameter says which municipalities (issue 20): the old second one is refused
        "render kommunblad -p kommun_kod=0680 -p kommuner=0604",
        {},
        {},
        "Fel: rapporten 'kommunblad' har ingen parameter 'kommun_kod' (den har: befolkning, "
        "befolkningsdatum, forslag, historik, kommuner, scenarier)\n",
        id="a2-kommunblad-old-parameter-kommun-kod",
    ),
    # == end of fix-a2 ==
    # == issue 19: the second round (figures, names, chains, options) ========================
    # Each row failed before its fix: a wrapped int64 (negative fees, exit 0), a name over 255
    # bytes (OSError, exit 1), or argparse's English usage block instead of a Fel: line.
    #
    # 1000 % a year is x 11 exactly (uprate: a x 110 000 x 2 / 20 000 = 11 a, no rounding).
    # The largest posts of 2025 are 9 000 000 kr (Grundfinansiering Social välfärd, first in
    # the proposal's order, and Medlemsavgift): 9e6 x 11^5 = 1 449 459 000 000 (2030) is
    # below 10^13, 9e6 x 11^6 = 9e6 x 1 771 561 = 15 944 049 000 000 (2031) is above.
    pytest.param(
        "fees scenarios/tusen.yaml",
        scenario("tusen.yaml", HEAD + 'uppräkning: "1000 %"\når: "2025–2054"\n'),
        {},
        "Fel: scenarios/tusen.yaml: posten Grundfinansiering Social välfärd blir "
        "15 944 049 000 000 kr år 2031, mer än 10 000 000 000 000 kr (det största belopp som "
        "räknas för en post ett år); sänk uppräkningen (1000 % per år) eller förkorta åren\n",
        id="r2-fees-1000-percent-30-years",
    ),
    # 100 % is x 2: 9e6 x 2^20 = 9 437 184 000 000 (2045) below, 9e6 x 2^21 = 9e6 x 2 097 152
    # = 18 874 368 000 000 (2046) above.
    pytest.param(
        "fees scenarios/dubbel.yaml",
        scenario("dubbel.yaml", HEAD + 'uppräkning: "100 %"\når: "2025–2054"\n'),
        {},
        "Fel: scenarios/dubbel.yaml: posten Grundfinansiering Social välfärd blir "
        "18 874 368 000 000 kr år 2046, mer än 10 000 000 000 000 kr (det största belopp som "
        "räknas för en post ett år); sänk uppräkningen (100 % per år) eller förkorta åren\n",
        id="r2-fees-100-percent-30-years",
    ),
    # the same scenario read by the fee report (HTML and workbook): refused while planning
    pytest.param(
        "render avgifter",
        scenario("tusen.yaml", HEAD + 'uppräkning: "1000 %"\når: "2025–2054"\n'),
        {},
        "Fel: scenarios/tusen.yaml: posten Grundfinansiering Social välfärd blir "
        "15 944 049 000 000 kr år 2031, mer än 10 000 000 000 000 kr (det största belopp som "
        "räknas för en post ett år); sänk uppräkningen (1000 % per år) eller förkorta åren\n",
        id="r2-render-fee-report-1000-percent",
    ),
    # A sweep of the uprating over 30 years: 500 % (x 6) stays below until 2032 (9e6 x 6^7 =
    # 2 519 424 000 000); 1000 % is the first over, in 2031 (as above).
    pytest.param(
        "fees scenarios/trettio.yaml --svep uppräkning=0..1000/500",
        scenario("trettio.yaml", HEAD + 'år: "2025–2054"\n'),
        {},
        "Fel: scenariot trettio med uppräkning 1000 %: posten Grundfinansiering Social välfärd "
        "blir 15 944 049 000 000 kr år 2031, mer än 10 000 000 000 000 kr (det största belopp "
        "som räknas för en post ett år); sänk uppräkningen (1000 % per år) eller förkorta åren\n",
        id="r2-sweep-uprating-30-years",
    ),
    # -- names over 255 bytes: refused before the file system sees them --------------------
    pytest.param(
        "fees scenarios/avtal.yaml --svep Barnahus=0..1000000/500000 --diagram "
        + "a" * 300
        + ".png",
        {},
        {},
        "Fel: --diagram: namnet '" + "a" * 40 + "…' är för långt: 304 byte; " + TOO_LONG + "\n",
        id="r2-fees-diagram-name-300-bytes",
    ),
    pytest.param(
        "fees scenarios/avtal.yaml --out " + "ö" * 130 + ".csv",
        {},
        {},
        # ö is two bytes in UTF-8: 130 x 2 + 4 = 264 bytes
        "Fel: --ut: namnet '" + "ö" * 40 + "…' är för långt: 264 byte; " + TOO_LONG + "\n",
        id="r2-fees-out-name-264-bytes",
    ),
    pytest.param(
        "render oversikt --out reports/" + "a" * 256,
        {},
        {},
        "Fel: --ut: namnet '" + "a" * 40 + "…' är för långt: 256 byte; " + TOO_LONG + "\n",
        id="r2-render-out-name-256-bytes",
    ),
    pytest.param(
        "render oversikt -p data_dir=" + "a" * 300,
        {},
        {},
        "Fel: parametern data_dir: namnet '"
        + "a" * 40
        + "…' är för långt: 300 byte; "
        + TOO_LONG
        + "\n",
        id="r2-render-parameter-path-300-bytes",
    ),
    pytest.param(
        "fees scenarios/lang-bas.yaml",
        scenario("lang-bas.yaml", 'beskrivning: "Prov"\nutgår_från: ' + "a" * 300 + "\n"),
        {},
        # the base is read from scenarios/<name>.yaml: 300 + 5 bytes
        "Fel: scenarios/lang-bas.yaml:2: utgår_från: namnet '" + "a" * 40 + "…' är för långt: "
        "305 byte med .yaml; " + TOO_LONG + "\n",
        id="r2-scenario-base-300-bytes",
    ),
    pytest.param(
        "render avgifter",
        scenario("lang-bas.yaml", 'beskrivning: "Prov"\nutgår_från: ' + "a" * 300 + "\n"),
        {},
        "Fel: scenarios/lang-bas.yaml:2: utgår_från: namnet '" + "a" * 40 + "…' är för långt: "
        "305 byte med .yaml; " + TOO_LONG + "\n",
        id="r2-render-with-a-scenario-base-300-bytes",
    ),
    pytest.param(
        "import {ute}/hel.csv --like delar-2024-t2-4-1 --table " + "a" * 300 + " "
        "--period 2025-01-01/2025-08-31",
        {},
        {},
        # the table is written as <name>.csv and <name>.yaml: 300 + 5 bytes
        "Fel: --tabell: namnet '"
        + "a" * 40
        + "…' är för långt: 305 byte med .yaml; "
        + TOO_LONG
        + "\n",
        id="r2-import-table-name-300-bytes",
    ),
    pytest.param(
        "import {ute}/hel.csv --like delar-2024-t2-4-1 --table delar-2025-t2-4-1 "
        "--period 2025-01-01/2025-08-31 --mapp " + "a" * 300,
        {},
        {},
        "Fel: --mapp: namnet '" + "a" * 40 + "…' är för långt: 300 byte; " + TOO_LONG + "\n",
        id="r2-import-folder-name-300-bytes",
    ),
    # -- options: bounded workers, every argparse error a Fel: line -------------------------
    pytest.param(
        "render --jobs 0",
        {},
        {},
        f"Fel: --jobb/--jobs/-j: väntade ett heltal från 1 till {MAX_JOBS} (högst två per "
        "kärna), fick '0'\n",
        id="r2-render-jobs-0",
    ),
    pytest.param(
        "render --jobs -1",
        {},
        {},
        f"Fel: --jobb/--jobs/-j: väntade ett heltal från 1 till {MAX_JOBS} (högst två per "
        "kärna), fick '-1'\n",
        id="r2-render-jobs-minus-1",
    ),
    pytest.param(
        "render --jobs 1000",
        {},
        {},
        f"Fel: --jobb/--jobs/-j: väntade ett heltal från 1 till {MAX_JOBS} (högst två per "
        "kärna), fick '1000'\n",
        id="r2-render-jobs-1000",
    ),
    pytest.param(
        "render --jobb",
        {},
        {},
        "Fel: --jobb/--jobs/-j: väntade ett värde efter flaggan\n",
        id="r2-render-jobs-without-value",
    ),
    pytest.param(
        "render --okand",
        {},
        {},
        "Fel: okända argument: --okand\n",
        id="r2-unknown-option",
    ),
    pytest.param(
        "rendera",
        {},
        {},
        "Fel: okänt kommando 'rendera' (välj bland render, list, data, check, fees, import)\n",
        id="r2-unknown-command",
    ),
    pytest.param(
        "fees",
        {},
        {},
        "Fel: följande måste anges: SCENARIO.yaml\n",
        id="r2-fees-without-scenario",
    ),
    # == end of issue 19 ==
]


@pytest.fixture
def project(tmp_path):
    """A copy of the project with the reports of an earlier run; exports lie outside it."""
    root = shipped_project(tmp_path / "projekt")
    for name, text in EARLIER_REPORTS.items():
        (root / "reports" / name).write_text(text, encoding="utf-8")
    (root / "tmp").mkdir()  # the run's temporary folder: it must stay empty
    (tmp_path / "ute").mkdir()
    export = (ROOT / MODEL).read_text(encoding="utf-8")
    assert export.count(BROKEN[0]) == 1
    (tmp_path / "ute" / "export.csv").write_text(export.replace(*BROKEN), encoding="utf-8")
    (tmp_path / "ute" / "export.txt").write_text("ingen tabell\n", encoding="utf-8")
    (tmp_path / "ute" / "hel.csv").write_text(export, encoding="utf-8")  # a good export
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every file (its SHA-256) and folder under ``root``; __pycache__ and .venv left out."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if {"__pycache__", ".venv"} & set(rel.parts):
            continue
        found[rel.as_posix()] = (
            "mapp" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
    return found


def under(listing: dict[str, str], folder: str) -> dict[str, str]:
    return {k: v for k, v in listing.items() if k.startswith(folder + "/")}


def kuanalysis(root: Path, args: list[str], env: dict[str, str]):
    """``python -m kuanalysis ARGS`` run from ``root``, the project and temporary folder there."""
    # an epoch set in the caller's shell would be read by every render row
    base = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "kuanalysis", *args],
        capture_output=True,
        text=True,
        cwd=root,
        env={**base, "KUANALYSIS_ROOT": str(root), "TMPDIR": str(root / "tmp"), **env},
    )


def in_process(root: Path, args: list[str], env: dict[str, str], monkeypatch, capfd):
    """``kuanalysis ARGS`` as :func:`kuanalysis.cli.main`, in this process, from ``root``, the
    project and temporary folder there; what it wrote on stdout and stderr captured."""
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name, value in {"KUANALYSIS_ROOT": str(root), "TMPDIR": str(root / "tmp"), **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read again, restored after
    capfd.readouterr()
    try:
        code = cli.main(args)
    except SystemExit as e:  # argparse's refusals
        code = e.code
    out, err = capfd.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


#: Rows also run as ``python -m kuanalysis``: one per command run in this process, and
#: argparse's refusals (an unknown command, a missing argument).
THROUGH_THE_PROCESS = [
    "scenario-windows-1252",
    "data-out-raw-subfolder",
    "check-out-over-raw-table",
    "import-every-argument-wrong",
    "r2-unknown-command",
    "r2-fees-without-scenario",
]


def _refused(project: Path, command: str, files: dict, expected: str, run) -> None:
    """Write the row's files, run it with ``run(args)``, check the contract."""
    for rel, content in files.items():
        path = project / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    args = shlex.split(command.replace("{ute}", str(project.parent / "ute")))
    before = snapshot(project)

    proc = run(args)

    shown = proc.stdout + proc.stderr
    assert "Traceback" not in shown, shown
    assert proc.returncode == 2, shown
    assert proc.stdout == ""
    assert proc.stderr == expected  # no usage block, no English
    after = snapshot(project)
    assert under(after, "data/raw") == under(before, "data/raw")  # no raw file changed
    assert sorted(after) == sorted(before)  # nothing new anywhere, nothing removed
    assert under(after, "reports") == under(before, "reports")  # earlier reports untouched


@pytest.mark.parametrize("command, files, env, expected", CASES)
def test_bad_input_exits_2_says_where_and_writes_nothing(
    project, command, files, env, expected, monkeypatch, capfd
):
    if command.split()[0] == "render":
        _refused(project, command, files, expected, lambda a: kuanalysis(project, a, env))
    else:
        _refused(
            project,
            command,
            files,
            expected,
            lambda a: in_process(project, a, env, monkeypatch, capfd),
        )


@pytest.mark.parametrize(
    "command, files, env, expected", [c for c in CASES if c.id in THROUGH_THE_PROCESS]
)
def test_the_process_refuses_as_the_function_does(project, command, files, env, expected):
    assert command.split()[0] != "render"  # those rows always run as a process
    _refused(project, command, files, expected, lambda a: kuanalysis(project, a, env))


def test_the_rows_run_as_a_process_are_rows():
    assert set(THROUGH_THE_PROCESS) <= {c.id for c in CASES}


# == issue 19: cases of the second round that are not refusals ===============================


def test_a_chain_of_1000_scenario_files_is_resolved(project):
    """Each file k starts from file k - 1 (file 0 from the printed proposal) and sets Barnahus
    to 1 000 + k kr. The chain used to end in a RecursionError (exit 1); now the last file's
    Barnahus is 1 999 kr, split over the municipalities like the printed Barnahus."""
    for k in range(1000):
        base = "förslaget 2025" if k == 0 else f"k{k - 1:03d}"
        (project / "scenarios" / f"k{k:03d}.yaml").write_text(
            f'beskrivning: "Fil {k}"\nutgår_från: {base}\n'
            f"poster:\n  Barnahus: {{belopp: {1000 + k}}}\n",
            encoding="utf-8",
        )
    proc = kuanalysis(project, ["fees", "scenarios/k999.yaml", "--out", "kedja.csv"], {})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    lines = (project / "kedja.csv").read_text(encoding="utf-8").splitlines()
    barnahus_2025 = [
        int(line.split(",")[4]) for line in lines if ",Barnahus," in line and line.endswith(",2025")
    ]
    assert sum(barnahus_2025) == 1999


def test_check_says_a_fault_in_a_file_on_stderr(project):
    """A continuity mapping that cannot be read: the findings are written, the fault is a
    Fel: line on stderr (it used to be printed on stdout, with the summary), exit 2."""
    mapping = project / "data" / "raw" / "kontinuitet" / "2023-2024.yaml"
    mapping.write_text("from: [\n", encoding="utf-8")  # not YAML: an unclosed list
    proc = kuanalysis(project, ["check", "--out", "avstamning.csv"], {})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Fel:" not in proc.stdout
    assert proc.stderr.startswith(
        "Fel: kontrollen läsa av data/raw/kontinuitet/2023-2024.yaml kunde inte köras: "
    )
    assert str(project) not in proc.stderr
    assert "avstamning.csv" in proc.stdout  # what was written, and the counts: on stdout
