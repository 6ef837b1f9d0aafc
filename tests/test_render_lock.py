"""One render at a time per output folder: the index always describes the files on disk.

Two renders into one folder used to run side by side: each read the state at its start and
merged its own outcomes at its end, so ``_index.json`` could describe one run's file while
the file on disk came from the other. A run now holds the folder's render lock from reading
the state to writing it; a second run waits, and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time

from conftest import KUANALYSIS
from render_support import FIXED_TIME, leftovers, notebook

from kuanalysis.render import index

WAITING = "Väntar: en annan körning av kuanalysis render skriver till reports/"


def _start(root, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [KUANALYSIS, "render", "--tidpunkt", FIXED_TIME, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "KUANALYSIS_ROOT": str(root)},
    )


def _consistent(out) -> dict:
    """The state, after checking that each entry's SHA-256 is that of the file on disk."""
    state = json.loads((out / "_index.json").read_text(encoding="utf-8"))
    for output, entry in state.items():
        on_disk = hashlib.sha256((out / output).read_bytes()).hexdigest()
        assert entry["sha256"] == on_disk, f"{output}: the index describes another file"
    return state


def test_a_second_render_waits_while_the_folder_is_held(scratch_project):
    notebook(scratch_project / "notebooks" / "a.ipynb", "print(1)", title="A")
    out = scratch_project / "reports"
    with index.one_render(out):  # another render holds the folder
        proc = _start(scratch_project)
        line = proc.stderr.readline()  # said once its plan stands, before it reads the state
        assert line.startswith(WAITING), line
        assert proc.poll() is None  # still waiting
        assert list(out.iterdir()) == []  # nothing written (the lock is on the folder)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stdout + stderr
    assert _consistent(out).keys() == {"a.html"}
    assert leftovers(out) == []


def test_two_renders_at_once_leave_an_index_of_the_files_on_disk(scratch_project):
    """Render 1 writes a.html (p = 1), then works on b until told to end; render 2 starts
    then and renders a.html with p = 2. Side by side, render 2 wrote a.html and the state
    first and render 1, ending last, put its own a.html back into the state: the state
    described a file no longer on disk. Now render 2 waits for render 1, then writes both.
    b ends when the test has seen render 2 say that it waits (no guess at how long)."""
    nb, flag = scratch_project / "notebooks", scratch_project / "b-kan-sluta"
    notebook(nb / "a.ipynb", "print(p)", params="p = 1  # p", title="A")
    notebook(
        nb / "b.ipynb",
        f"import pathlib, time\nflag = pathlib.Path({str(flag)!r})\n"
        "for _ in range(3000):  # at most 300 s\n"
        "    if flag.exists():\n"
        "        break\n"
        "    time.sleep(0.1)",
        params="q = 1  # q",
        title="B",
    )
    out = scratch_project / "reports"
    first = _start(scratch_project, "a", "b", "-j", "1")  # a, then b, one worker
    second = None
    try:
        deadline = time.monotonic() + 300
        while not (out / "a.html").exists():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.1)
        second = _start(scratch_project, "a", "-p", "p=2")
        line = second.stderr.readline()
        assert line.startswith(WAITING), line  # the second waits for the first
        assert first.poll() is None  # which is still at b
        flag.touch()
        results = [p.communicate(timeout=300) for p in (first, second)]
    finally:  # a failed test leaves no render behind
        flag.touch()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert [p.returncode for p in (first, second)] == [0, 0], results
    state = _consistent(out)
    assert state.keys() == {"a.html", "b.html"}
    assert state["a.html"]["parameters"] == {"p": 2}  # the second ran last
    assert leftovers(out) == []
