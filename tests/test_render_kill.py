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


def _alive_descendants(pid: int) -> set[int]:
    """Processes below ``pid`` (zombies waiting for their new parent to reap them are dead)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        children = {c for c, pp in parents.items() if pp == p}
        todo += children - found
        found |= children
    return found


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
