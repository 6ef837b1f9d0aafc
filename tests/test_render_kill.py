"""Workers die with their parent: after ``kill -9`` of ``kuanalysis render`` nothing runs on."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import KUANALYSIS
from render_support import notebook

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

SLOW = (
    "import os, time\n"
    "open(f'../kernel-{os.getpid()}.pid', 'w').close()\n"
    "time.sleep(4)\n"
    "open('../kernel-survived', 'w').close()\n"
    "print('klar')"
)


def _living() -> dict[int, list[str]]:
    """Every live process: its pid and the fields of /proc/PID/stat after the name (state,
    parent, group, session, …); zombies waiting for a parent to reap them are dead."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = fields
    return found


def _alive_descendants(pid: int) -> set[int]:
    """Processes below ``pid``."""
    parents = {p: int(fields[1]) for p, fields in _living().items()}
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        children = {c for c, pp in parents.items() if pp == p}
        todo += children - found
        found |= children
    return found


def _in_session(sid: int) -> list[int]:
    """The live processes of session ``sid`` (a render started with its own session): only
    the render's own processes, whatever else runs on the machine."""
    return [p for p, fields in _living().items() if int(fields[3]) == sid]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_9_leaves_no_worker_and_writes_nothing(scratch_project, tmp_path_factory):
    for name in ("a", "b"):  # one worker: a runs, b's kernel is started ahead
        notebook(scratch_project / "notebooks" / f"{name}.ipynb", SLOW)
    # the killed run cannot remove its scratch folder: keep it among pytest's
    scratch = tmp_path_factory.mktemp("tmp")
    proc = subprocess.Popen(
        [KUANALYSIS, "render", "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KUANALYSIS_ROOT": str(scratch_project), "TMPDIR": str(scratch)},
    )
    deadline = time.monotonic() + 60
    while not list(scratch_project.glob("kernel-*.pid")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    below = _alive_descendants(proc.pid)
    kernels = {int(p.stem.split("-")[1]) for p in scratch_project.glob("kernel-*.pid")}
    assert kernels <= below and len(below) >= 3  # at least the worker and two kernels

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in below) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in below if _alive(p)] == []
    time.sleep(4.5)  # past the end of the notebook's sleep
    assert not (scratch_project / "kernel-survived").exists()
    assert list((scratch_project / "reports").iterdir()) == []


def _render(env: dict, folder: Path) -> tuple[subprocess.Popen, str]:
    """``kuanalysis render -j 2`` in a session of its own; once it has returned, no process
    of that session (its workers, forkserver, resource tracker) may be alive.

    Its output goes to a file, not a pipe: waiting for a pipe's end would also wait for every
    process that inherited it, and hide one that outlives the command.
    """
    log = folder / "render.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [KUANALYSIS, "render", "-j", "2"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its session holds the render and what it starts
        )
        proc.wait()
    assert _in_session(proc.pid) == []
    out = log.read_text()
    assert "resource_tracker" not in out  # no semaphore left behind when the tracker ended
    return proc, out


VARIANTS = """
def three(parameters):
    return [{"parameters": {"x": i}, "output": f"b/{i}.html", "title": f"B {i}"} for i in (1, 2, 3)]
"""
PID = "import os\nopen(f'../kernel-{os.getpid()}.pid', 'w').close()"


@pytest.mark.parametrize("variants", [False, True])
def test_a_finished_render_leaves_no_kernel_and_no_connection_file(
    scratch_project, tmp_path_factory, variants
):
    """The workers kill their kernels at the end instead of shutting them down one by one:
    none may live on, and none may leave its connection file in the temporary folder."""
    mods = tmp_path_factory.mktemp("mods")
    (mods / "varianter.py").write_text(VARIANTS)
    for name in ("a", "b", "c"):
        notebook(scratch_project / "notebooks" / f"{name}.ipynb", PID)
    if variants:  # b's three variants after a and c: the spare kernel policy's other branch
        meta = {"kuanalysis": {"variants": "varianter:three"}}
        notebook(scratch_project / "notebooks" / "b.ipynb", PID, metadata=meta)
    scratch = tmp_path_factory.mktemp("tmp")
    env = {
        **os.environ,
        "KUANALYSIS_ROOT": str(scratch_project),
        "TMPDIR": str(scratch),
        "PYTHONPATH": str(mods),
    }
    proc, out = _render(env, tmp_path_factory.mktemp("out"))
    assert proc.returncode == 0, out
    kernels = {int(p.stem.split("-")[1]) for p in scratch_project.glob("kernel-*.pid")}
    assert len(kernels) >= 2  # the notebooks ran, in at least two kernels
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in kernels) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in kernels if _alive(p)] == []
    assert sorted(p.name for p in scratch.rglob("*.json")) == []
    # unchanged: the workers started for the run are abandoned, their kernels too
    proc, out = _render(env, tmp_path_factory.mktemp("out"))
    assert proc.returncode == 0 and "oförändrad" in out, out
    assert sorted(p.name for p in scratch.rglob("*.json")) == []
