"""The command line's exit codes: 2 for bad input (nothing written), 1 for a fault in the code."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest
from conftest import run_cli
from render_support import notebook

from kuanalysis.cli import main

VARIANTS = """from kuanalysis.errors import ParameterError

def by_code(parameters):
    if parameters["kommuner"] == "fel":
        raise ParameterError("okänd kommunkod 'fel' i parametern kommuner")
    if parameters["kommuner"] == "bugg":
        raise RuntimeError("oväntat i varianterna")
    return [{"parameters": {}, "output": "v.html", "title": "V"}]
"""


@pytest.fixture
def project(scratch_project, tmp_path):
    """A scratch project with one report, a data/raw folder and a private temporary folder."""
    notebook(scratch_project / "notebooks" / "a.ipynb", "print(1)")
    (scratch_project / "data" / "raw").mkdir(parents=True)
    (tmp_path / "tmp").mkdir()
    return scratch_project


def run(project, *args, **env):
    return run_cli(
        *args,
        env={"KUANALYSIS_ROOT": str(project), "TMPDIR": str(project / "tmp"), **env},
        cwd=project,
    )


def nothing_written(project):
    return (
        list((project / "reports").iterdir()) == []
        and list((project / "data" / "raw").iterdir()) == []
        and list((project / "tmp").iterdir()) == []
    )


@pytest.mark.parametrize(
    "args, env, message",
    [
        (
            ["render", "--tidpunkt", "2024-13-01 08:00"],
            {},
            "Fel: --tidpunkt ska vara en tidpunkt på formen ÅÅÅÅ-MM-DD TT:MM, t.ex. '2024-10-25 08:00'; "
            "fick '2024-13-01 08:00'",
        ),
        (["render", "--tidpunkt", "2023-02-29 08:00"], {}, "fick '2023-02-29 08:00'"),
        (["render", "--tidpunkt", "25/10/2024"], {}, "fick '25/10/2024'"),
        (
            ["render"],
            {"SOURCE_DATE_EPOCH": "abc"},
            "Fel: miljövariabeln SOURCE_DATE_EPOCH ska vara ett heltal (sekunder sedan 1970-01-01 UTC); "
            "fick 'abc'",
        ),
        (
            ["render", "--out", "notebooks/a.ipynb"],
            {},
            "Fel: notebooks/a.ipynb: är en fil, men här behövs en mapp",
        ),
        (
            ["render", "--out", "data/raw"],
            {},
            "Fel: data/raw: ligger i data/raw, som aldrig skrivs till",
        ),
        (["render", "--out", "data/raw/ny"], {}, "Fel: data/raw/ny: ligger i data/raw"),
        (["render", "--out", "genvag"], {}, "Fel: data/raw: ligger i data/raw"),
        (
            ["render", "--out", "notebooks/a.ipynb/x"],
            {},
            "Fel: notebooks/a.ipynb/x: notebooks/a.ipynb är en fil",
        ),
        (["data", "--out", "data/raw"], {}, "Fel: data/raw: ligger i data/raw"),
        (
            ["check", "--out", "data/raw/avstamning.csv"],
            {},
            "Fel: data/raw/avstamning.csv: ligger i data/raw",
        ),
        (
            ["check", "--out", "notebooks"],
            {},
            "Fel: notebooks: är en mapp, men här behövs ett filnamn",
        ),
        (
            ["fees", "x.yaml", "--out", "genvag/avgifter.csv"],
            {},
            "Fel: data/raw/avgifter.csv: ligger i data/raw",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(project, args, env, message):
    (project / "genvag").symlink_to(project / "data" / "raw")
    proc = run(project, *args, **env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert nothing_written(project)


def test_source_date_epoch_is_the_time(project):
    proc = run(project, "render", SOURCE_DATE_EPOCH="1729843200", TZ="UTC")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Skapad 2024-10-25 08:00" in (project / "reports" / "a.html").read_text()
    assert list((project / "tmp").iterdir()) == []  # the run's scratch folder removed


def test_variants_input_error_exits_2_and_fault_exits_1(project, tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "varianter.py").write_text(VARIANTS)
    notebook(
        project / "notebooks" / "v.ipynb",
        "print(1)",
        params='kommuner = "alla"  # koder',
        metadata={"kuanalysis": {"variants": "varianter:by_code"}},
    )
    mods = str(tmp_path / "mods")

    proc = run(project, "render", "v", "-p", "kommuner=fel", PYTHONPATH=mods)
    assert (proc.returncode, proc.stderr) == (
        2,
        "Fel: okänd kommunkod 'fel' i parametern kommuner\n",
    )

    proc = run(project, "render", "v", "-p", "kommuner=bugg", PYTHONPATH=mods)
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "Ett fel i programmet (inte i indata) stoppade kommandot render: "
        "RuntimeError: oväntat i varianterna. Kör kommandot igen med --felsok"
    )
    assert "Traceback" not in proc.stderr

    proc = run(project, "--debug", "render", "v", "-p", "kommuner=bugg", PYTHONPATH=mods)
    assert proc.returncode == 1
    assert (
        "Traceback" in proc.stderr and 'raise RuntimeError("oväntat i varianterna")' in proc.stderr
    )
    assert nothing_written(project)


FREEZE_PROBE = (
    "import atexit, gc, sys\n"
    "from kuanalysis import cli\n"
    "atexit.register(lambda: print('vid slutet', gc.get_freeze_count() > 0))\n"
    "code = cli.main(['render'])\n"
    "print('efter main', code, gc.get_freeze_count() > 0)\n"
)


def test_a_render_spares_its_last_garbage_collections_a_caller_goes_on_unfrozen(
    scratch_project,
):
    """``kuanalysis render`` freezes what is left when the process ends (Python's collections
    at exit would walk it all again); a caller of ``main`` goes on with nothing frozen."""
    notebook(scratch_project / "notebooks" / "a.ipynb", "print(1)")
    proc = subprocess.run(
        [sys.executable, "-c", FREEZE_PROBE], capture_output=True, text=True, env=os.environ
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == ["efter main 0 False", "vid slutet True"]
    before = gc.get_freeze_count()
    assert main(["list"]) == 0
    assert gc.get_freeze_count() == before


# -- issue 19: bounded workers, faults said without local paths ------------------------------


def test_more_workers_than_two_per_core_are_refused_before_any_starts(project, monkeypatch):
    """``render(jobs=1000)`` used to start 1 000 worker processes (each warming a kernel)
    before it knew whether anything needed rendering."""
    from kuanalysis import render
    from kuanalysis.errors import ParameterError
    from kuanalysis.render import run as render_run

    started = []
    monkeypatch.setattr(render_run, "Pool", lambda n: started.append(n))
    most = 2 * (os.cpu_count() or 1)
    for jobs in (0, -1, most + 1, 1000):
        with pytest.raises(ParameterError) as e:
            render.render(jobs=jobs)
        assert e.value.errors == [
            f"--jobb ska vara ett heltal från 1 till {most} (högst två per kärna), fick {jobs}"
        ]
    assert started == []
    assert nothing_written(project)


def test_a_fault_in_the_code_is_said_without_local_paths(project, monkeypatch, capsys):
    from kuanalysis import cli

    def fault(args):
        raise FileNotFoundError(2, "No such file or directory", f"{project}/reports/x/y.csv")

    monkeypatch.setattr(cli, "_dispatch", fault)
    assert cli.main(["list"]) == 1
    err = capsys.readouterr().err
    assert "FileNotFoundError: [Errno 2] No such file or directory: 'reports/x/y.csv'." in err
    assert str(project) not in err


def test_a_failed_report_is_said_on_stderr_without_local_paths(project):
    notebook(
        project / "notebooks" / "b.ipynb",
        "import os\nopen(os.path.join(os.environ['KUANALYSIS_ROOT'], 'data', 'saknas.csv'))",
        title="B",
    )
    proc = run(project, "render", "b")
    assert proc.returncode == 1
    assert (
        "Rapporten b.html misslyckades i cell 3 av anteckningsboken b.ipynb: FileNotFoundError: "
        "[Errno 2] No such file or directory: 'data/saknas.csv'."
    ) in proc.stderr
    assert "misslyckades i cell" not in proc.stdout
    assert str(project) not in proc.stdout + proc.stderr


def test_a_deep_temporary_folder_still_renders(scratch_project, tmp_path):
    """The workers' server listens on a socket under TMPDIR; a path too long for a socket
    (over 107 bytes) made every render a fault in the code (exit 1)."""
    notebook(scratch_project / "notebooks" / "a.ipynb", "print(1)")
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    assert len(str(deep)) + len("/pymp-12345678/listener-12345678") > 107
    proc = run_cli("render", env={"KUANALYSIS_ROOT": str(scratch_project), "TMPDIR": str(deep)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (scratch_project / "reports" / "a.html").exists()
    assert list(deep.iterdir()) == []  # nothing left behind in TMPDIR
