"""Rendering: parameters, failures, index, determinism (on a scratch project of tiny notebooks)."""
from __future__ import annotations

import json

import pytest

from kuanalysis import render
from conftest import FIXED_TIME, run_cli, write_notebook

PARAMS = 'kommun = "0604"  # kommunkod, text\nar = 2025  # år\nandel = 0.5  # andel\nvisa = True  # visa\n'


def test_parameters_parsed_with_types_and_comments(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    rep = render.discover()["blad"]
    assert {k: (p.default, p.type) for k, p in rep.parameters.items()} == {
        "kommun": ("0604", "str"), "ar": (2025, "int"), "andel": (0.5, "float"),
        "visa": (True, "bool")}
    assert rep.parameters["kommun"].comment == "kommunkod, text"
    assert rep.title == "Prov"


def test_municipality_code_stays_text(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    (job,) = render.plan(["blad"], {"kommun": "0680"})
    assert job.parameters["kommun"] == "0680"
    assert isinstance(job.parameters["kommun"], str)


@pytest.mark.parametrize("given, message", [
    ({"kommn": "0680"}, "har ingen parameter 'kommn'"),
    ({"ar": "tjugo"}, "parametern 'ar' ska vara heltal, fick 'tjugo'"),
    ({"ar": "2025.5"}, "parametern 'ar' ska vara heltal"),
    ({"andel": "hälften"}, "parametern 'andel' ska vara tal"),
    ({"visa": "kanske"}, "parametern 'visa' ska vara sant/falskt"),
])
def test_bad_parameters_are_errors(scratch_project, given, message):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    with pytest.raises(render.ParameterError, match=message):
        render.plan(["blad"], given)


def test_typed_values_coerced(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    (job,) = render.plan(["blad"], {"ar": "2026", "andel": "0,25", "visa": "nej"})
    assert job.parameters == {"kommun": "0604", "ar": 2026, "andel": 0.25, "visa": False}


def test_unknown_parameter_on_cli_exits_nonzero(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    proc = run_cli("render", "blad", "-p", "okand=1", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 2
    assert "har ingen parameter 'okand'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_failing_notebook_keeps_last_good_report(scratch_project):
    nbdir, out = scratch_project / "notebooks", scratch_project / "reports"
    good = 'print("hej")\nfrom IPython.display import HTML, display\ndisplay(HTML("<p>bra version</p>"))'
    write_notebook(nbdir / "a.ipynb", "x = 1  # x", good)
    write_notebook(nbdir / "b.ipynb", "x = 1  # x", 'print("b")')
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    before = (out / "a.html").read_bytes()
    assert b"bra version" in before

    # a breaks in its fourth cell (markdown title, parameters, one good cell, then the error)
    write_notebook(nbdir / "a.ipynb", "x = 1  # x", good, "1 / 0")
    proc = run_cli("render", "--tidpunkt", "2030-01-01 00:00", env=env)
    assert proc.returncode == 1
    assert "a.html misslyckades i cell 4" in proc.stdout
    assert "ZeroDivisionError" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert (out / "a.html").read_bytes() == before           # last good report untouched
    assert (out / "_failed" / "a.ipynb").exists()            # executed notebook for the analyst
    assert "2030-01-01 00:00" in (out / "b.html").read_text(), proc.stdout  # the other report still rendered
    index = (out / "index.html").read_text()
    assert "fel (senaste lyckade versionen visas)" in index
    assert not list(out.glob(".*.tmp"))


def test_same_inputs_give_identical_files(scratch_project):
    write_notebook(scratch_project / "notebooks" / "a.ipynb", "x = 3  # x",
                   "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('Prov')\nplt.show()")
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    first = (scratch_project / "reports" / "a.html").read_bytes()
    assert run_cli("render", "--tidpunkt", FIXED_TIME, env=env).returncode == 0
    assert (scratch_project / "reports" / "a.html").read_bytes() == first


def test_stderr_and_code_never_reach_the_report(scratch_project):
    write_notebook(scratch_project / "notebooks" / "a.ipynb", "x = 3  # x",
                   "import sys\nprint('till stderr', file=sys.stderr)\nhemligt_namn = 42\nprint('synligt')")
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "-p", "x=4", env=env).returncode == 0
    page = (scratch_project / "reports" / "a.html").read_text()
    assert "synligt" in page
    assert "till stderr" not in page and "hemligt_namn" not in page
    assert str(scratch_project) not in page


def test_index_lists_every_report_with_relative_links(scratch_project):
    for name in ("a", "b", "c"):
        write_notebook(scratch_project / "notebooks" / f"{name}.ipynb", "x = 1  # x", "x",
                       title=f"Rapport {name}")
    env = {"KUANALYSIS_ROOT": str(scratch_project)}
    assert run_cli("render", "--jobs", "2", env=env).returncode == 0
    index = (scratch_project / "reports" / "index.html").read_text()
    for name in ("a", "b", "c"):
        assert f'<a href="{name}.html">Rapport {name}</a>' in index
    state = json.loads((scratch_project / "reports" / "_index.json").read_text())
    assert sorted(state) == ["a.html", "b.html", "c.html"]


def test_list_shows_parameters(scratch_project):
    write_notebook(scratch_project / "notebooks" / "blad.ipynb", PARAMS, "print(kommun)")
    proc = run_cli("list", env={"KUANALYSIS_ROOT": str(scratch_project)})
    assert proc.returncode == 0
    assert 'kommun (text) = "0604"  # kommunkod, text' in proc.stdout
    assert "ar (heltal) = 2025" in proc.stdout
