"""Rendering: parameters, failures, index, determinism (on a scratch project of tiny notebooks)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT, run_cli, write_notebook
from render_support import FIXED_TIME, leftovers, notebook

from kuanalysis import render
from kuanalysis.errors import ParameterError
from kuanalysis.render import Job, run

PARAMS = 'kommun = "0604"  # kommunkod, text\nar = 2025  # år\nandel = 0.5  # andel\nvisa = True  # visa\n'


def test_parameters_read_with_papermill(scratch_project, monkeypatch):
    import papermill

    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    calls = []
    real = papermill.inspect_notebook
    monkeypatch.setattr(papermill, "inspect_notebook", lambda p: calls.append(p) or real(p))
    rep = render.discover()["blad"]
    assert calls == [str(scratch_project / "notebooks" / "blad.ipynb")]
    assert {k: (p.default, p.type) for k, p in rep.parameters.items()} == {
        "kommun": ("0604", "str"),
        "ar": (2025, "int"),
        "andel": (0.5, "float"),
        "visa": (True, "bool"),
    }
    assert rep.parameters["kommun"].comment == "kommunkod, text"
    assert rep.title == "Prov"


@pytest.mark.parametrize(
    "cell, message",
    [
        # papermill skips a line with two "=": the parameter would vanish without a word
        (
            'kommun = "0604"  # kod\nar = 2025  # år = verksamhetsår\n',
            "notebooks/blad.ipynb, rad 2 i parametercellen: papermill kan inte läsa raden "
            "'ar = 2025  # år = verksamhetsår'",
        ),
        # papermill takes "#" in a text for the comment and reads the value as '"'
        ('farg = "#1f4e79"  # färg\n', "rad 1 i parametercellen: papermill kan inte läsa raden"),
        ("import os\n", "rad 1: parametercellen får bara innehålla tilldelningar"),
        ("ar = 2000 + 25  # år\n", "rad 1: ar ska vara ett enkelt värde"),
    ],
)
def test_parameter_line_papermill_cannot_read_is_an_error(scratch_project, cell, message):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", cell, "print(1)")
    with pytest.raises(ParameterError, match=re.escape(message)):
        render.discover()


def test_unreadable_parameter_line_on_cli_is_one_swedish_line(scratch_project):
    write_notebook(
        scratch_project / "notebooks" / "blad.ipynb", "ar = 2025  # år = verksamhetsår", "print(ar)"
    )
    proc = run_cli("list", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "Fel: notebooks/blad.ipynb, rad 1 i parametercellen: papermill kan inte läsa raden "
        "'ar = 2025  # år = verksamhetsår'; ta bort '=' ur kommentaren och '#' ur värdet, "
        "så att raden har formen: namn = värde  # kommentar"
    ]


def test_municipality_code_stays_text(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    (job,) = render.plan(["blad"], {"kommun": "0680"})
    assert job.parameters["kommun"] == "0680"
    assert isinstance(job.parameters["kommun"], str)


@pytest.mark.parametrize(
    "given, message",
    [
        ({"kommn": "0680"}, "har ingen parameter 'kommn'"),
        ({"ar": "tjugo"}, "parametern 'ar' ska vara heltal, fick 'tjugo'"),
        ({"ar": "2025.5"}, "parametern 'ar' ska vara heltal"),
        ({"andel": "hälften"}, "parametern 'andel' ska vara tal"),
        # the tables' number grammar: no exponent, no inf/nan, ASCII digits only
        ({"andel": "1e3"}, "parametern 'andel' ska vara tal, fick '1e3'"),
        ({"andel": "nan"}, "parametern 'andel' ska vara tal, fick 'nan'"),
        (
            {"ar": "\u0662\u0660\u0662\u0666"},
            re.escape("fick '\u0662\u0660\u0662\u0666' (bara siffrorna 0–9 räknas som siffror)"),
        ),
        ({"andel": "0," + "1" * 16}, re.escape("(fler än 15 siffror)")),
        ({"visa": "kanske"}, "parametern 'visa' ska vara sant/falskt"),
    ],
)
def test_bad_parameters_are_errors(scratch_project, given, message):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    with pytest.raises(ParameterError, match=message):
        render.plan(["blad"], given)


def test_typed_values_coerced(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    (job,) = render.plan(["blad"], {"ar": "2026", "andel": "0,25", "visa": "nej"})
    assert job.parameters == {"kommun": "0604", "ar": 2026, "andel": 0.25, "visa": False}


def test_unknown_parameter_on_cli_exits_2(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    proc = run_cli("render", "blad", "-p", "okand=1", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 2
    assert proc.stderr.startswith("Fel: rapporten 'blad' har ingen parameter 'okand'")
    assert "Traceback" not in proc.stderr
    assert not (scratch_project / "reports" / "blad.html").exists()


READ_FOLDER = (
    "from kuanalysis import paths\n"
    "folder = paths.project_input(data_dir, 'data_dir')\n"
    "print(sorted(p.name for p in folder.iterdir()))"
)


def test_failure_keeps_last_good_report_and_its_index_entry(scratch_project):
    nbdir, out = scratch_project / "notebooks", scratch_project / "reports"
    (scratch_project / "data" / "raw").mkdir(parents=True)
    (scratch_project / "data" / "raw" / "t.csv").write_text("a\n1\n")
    notebook(nbdir / "a.ipynb", READ_FOLDER, params='data_dir = "data/raw"  # mapp', title="A")
    write_notebook(nbdir / "b.ipynb", "x = 1  # x", 'print("b")')
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    before = (out / "a.html").read_bytes()
    assert b"t.csv" in before

    # a breaks in its third cell (markdown title, parameters, then the cell reading the folder)
    proc = run_cli("render", "-p", "data_dir=/etc", "--tidpunkt", "2030-01-01 00:00", env=env)
    assert proc.returncode == 1
    assert (
        "Rapporten a.html misslyckades i cell 3 av anteckningsboken a.ipynb: PathError"
        in proc.stderr
    )
    assert "Den körda anteckningsboken finns i _failed/a.ipynb." in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert (out / "a.html").read_bytes() == before  # last good report untouched
    assert "2030-01-01 00:00" in (out / "b.html").read_text()  # the other report rendered

    failed = (out / "_failed" / "a.ipynb").read_text()
    nbformat.reads(failed, as_version=4)  # a notebook the analyst opens
    assert "PathError" in failed
    for local in (str(scratch_project), str(ROOT), "/tmp/"):
        assert local not in failed
    assert '"papermill"' not in failed

    # the index describes the file on disk: the good run's parameters and time
    entry = json.loads((out / "_index.json").read_text())["a.html"]
    assert entry["parameters"] == {"data_dir": "data/raw"}
    assert entry["generated_at"] == FIXED_TIME
    assert entry["failure"] == {"at": "2030-01-01 00:00", "parameters": {"data_dir": "/etc"}}
    index = (out / "index.html").read_text()
    assert "data_dir = &quot;data/raw&quot;" in index and "/etc" not in index
    assert "fel vid körningen 2030-01-01 00:00 (senaste lyckade versionen visas)" in index
    assert leftovers(out) == []  # no temporary file left

    # a later good render clears the failure and the failed notebook
    assert run_cli("render", "a", "--alla", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    assert not (out / "_failed" / "a.ipynb").exists()
    assert "failure" not in json.loads((out / "_index.json").read_text())["a.html"]
    assert (out / "a.html").read_bytes() == before


def test_failure_without_a_good_version(scratch_project):
    notebook(scratch_project / "notebooks" / "a.ipynb", "print('före')", "1 / 0", title="A")
    proc = run_cli("render", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 1
    assert (
        "Rapporten a.html misslyckades i cell 4 av anteckningsboken a.ipynb: "
        "ZeroDivisionError: division by zero." in proc.stderr
    )
    out = scratch_project / "reports"
    assert not (out / "a.html").exists()
    index = (out / "index.html").read_text()
    assert "<b><span>A</span></b>" in index and 'href="a.html"' not in index  # not linked
    assert "(ingen lyckad version finns)" in index


def test_same_inputs_give_identical_files(scratch_project):
    write_notebook(
        scratch_project / "notebooks" / "a.ipynb",
        "x = 3  # x",
        # a chart as the reports draw one (with its alt text: a bare plt chart stops the export)
        "from kuanalysis.reports import charts\n"
        "ax = charts.lines([1, 2, 3], {'Prov': [1, 2, 3]}, title='Prov', unit='')",
    )
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    first = (scratch_project / "reports" / "a.html").read_bytes()
    assert run_cli("render", "--alla", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    assert (scratch_project / "reports" / "a.html").read_bytes() == first


#: The render with its workers started by ``spawn``, the one start method Windows has.
SPAWN = (
    "import sys\n"
    "from kuanalysis.render import forkserver\n"
    "forkserver.start_method = lambda: 'spawn'\n"
    "from kuanalysis.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_spawned_workers_give_the_same_report(scratch_project):
    """Linux and macOS start the workers with forkserver, Windows can only spawn: both give
    the same bytes."""
    write_notebook(scratch_project / "notebooks" / "a.ipynb", "x = 3  # x", "print(x * 2)")
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    forked = (scratch_project / "reports" / "a.html").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-c", SPAWN, "render", "--alla", "--tidpunkt", FIXED_TIME],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[1/1] a.html" in proc.stdout and "klar" in proc.stdout
    assert (scratch_project / "reports" / "a.html").read_bytes() == forked


def test_stderr_and_code_never_reach_the_report(scratch_project):
    write_notebook(
        scratch_project / "notebooks" / "a.ipynb",
        "x = 3  # x",
        "import sys\nprint('till stderr', file=sys.stderr)\nhemligt_namn = 42\nprint('synligt')",
    )
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "-p", "x=4", env=env).returncode == 0
    page = (scratch_project / "reports" / "a.html").read_text()
    assert "synligt" in page
    assert "till stderr" not in page and "hemligt_namn" not in page
    assert str(scratch_project) not in page


def test_list_shows_parameters(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    proc = run_cli("list", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 0
    assert 'kommun (text) = "0604"  # kommunkod, text' in proc.stdout
    assert "ar (heltal) = 2025" in proc.stdout


def test_outputs_of_the_index_are_reserved(scratch_project):
    write_notebook(scratch_project / "notebooks" / "index.ipynb", "x = 1  # x", "print(1)")
    with pytest.raises(ParameterError, match="index.html är upptaget av rapportlistan"):
        render.plan(None, {})


def test_variant_output_must_be_a_relative_html_path(scratch_project, monkeypatch, tmp_path):
    (tmp_path / "varianter.py").write_text(
        "def ut(parameters):\n"
        "    return [{'parameters': {}, 'output': '../utanfor.html', 'title': 'U'}]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    notebook(
        scratch_project / "notebooks" / "v.ipynb",
        "print(1)",
        metadata={"kuanalysis": {"variants": "varianter:ut"}},
    )
    with pytest.raises(ValueError, match="utfilen '../utanfor.html' ska vara en relativ sökväg"):
        render.plan(None, {})


def _job(notebook: str, output: str) -> Job:
    return Job(report=notebook[0], notebook=notebook, output=output, title="")


def test_spare_kernels_only_for_a_later_job_of_another_notebook():
    """A worker warms up a spare kernel while a job runs only if a later job is of another
    notebook: the variants of the notebook it runs reuse its kernel."""
    a, b = _job("a.ipynb", "a.html"), _job("b.ipynb", "b.html")
    k1, k2, k3 = (_job("k.ipynb", f"k/{i}.html") for i in (1, 2, 3))
    assert [(j.output, n, o) for j, n, o in run.ahead([a, b, k1, k2, k3])] == [
        ("a.html", 4, 4),
        ("b.html", 3, 3),
        ("k/1.html", 2, 0),
        ("k/2.html", 1, 0),
        ("k/3.html", 0, 0),
    ]
    assert [(j.output, n, o) for j, n, o in run.ahead([k1, a, k2])] == [
        ("k/1.html", 2, 1),
        ("a.html", 1, 1),
        ("k/2.html", 0, 0),
    ]


NAMES = "import gc; print(sorted(k for k in globals() if not k.startswith('_')), gc.get_freeze_count() > 0)"


def _printed(km, code: str) -> str:
    out: list[str] = []
    km.client().execute_interactive(
        code,
        timeout=60,
        output_hook=lambda m: out.append(m["content"].get("text", "")),
    )
    return "".join(out)


def test_a_warmed_up_kernel_has_the_names_of_a_fresh_one(scratch_project):
    """The warm-up imports, then freezes what is in memory out of the garbage collector's
    sweeps; it leaves no name behind for a notebook to lean on."""
    fresh = run._kernel_class()(kernel_name="python3")
    fresh.start_kernel(cwd=str(scratch_project))
    warm = run._Spare(str(scratch_project)).take()
    try:
        assert warm is not None
        names_fresh, names_warm = _printed(fresh, NAMES), _printed(warm, NAMES)
        assert names_fresh.endswith("False\n") and names_warm.endswith("True\n")
        assert names_fresh.rsplit(" ", 1)[0] == names_warm.rsplit(" ", 1)[0]
        assert "'gc'" in names_fresh and "pandas" not in names_warm  # the probe's own import
    finally:
        run._stop_kernel(fresh)
        run._stop_kernel(warm)
