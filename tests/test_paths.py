"""The one place that checks paths, and all-or-nothing writes with the umask's mode."""

from __future__ import annotations

import os
import stat

import pytest

from kuanalysis import paths
from kuanalysis.errors import PathError

RAW = ", som aldrig skrivs till; välj en annan mapp"


@pytest.fixture
def project(scratch_project):
    (scratch_project / "data" / "raw" / "t").mkdir(parents=True)
    (scratch_project / "fil.txt").write_text("x")
    return scratch_project


@pytest.mark.parametrize(
    "given, kind, message",
    [
        ("data/raw", "dir", "data/raw: ligger i data/raw" + RAW),
        ("data/raw/t/ny.csv", "file", "data/raw/t/ny.csv: ligger i data/raw" + RAW),
        ("data/../data/raw/x", "dir", "data/raw/x: ligger i data/raw" + RAW),
        ("lank/x.csv", "file", "data/raw/x.csv: ligger i data/raw" + RAW),  # a link into data/raw
        ("fil.txt", "dir", "fil.txt: är en fil, men här behövs en mapp"),
        ("reports", "file", "reports: är en mapp, men här behövs ett filnamn"),
        ("fil.txt/under.csv", "file", "fil.txt/under.csv: fil.txt är en fil, inte en mapp"),
    ],
)
def test_output_refuses(project, monkeypatch, given, kind, message):
    (project / "lank").symlink_to(project / "data" / "raw")
    monkeypatch.chdir(project)
    with pytest.raises(PathError) as e:
        paths.output(given, kind)
    assert e.value.errors == [message]


def test_output_accepts_and_resolves(project, monkeypatch):
    monkeypatch.chdir(project / "reports")
    assert paths.output("ny/mapp", "dir") == project / "reports" / "ny" / "mapp"
    assert (
        paths.output("../data/processed/t.csv", "file") == project / "data" / "processed" / "t.csv"
    )
    assert not (project / "reports" / "ny").exists()  # checking writes nothing


def test_project_input(project):
    assert paths.project_input("data/raw/t", "data_dir") == project / "data" / "raw" / "t"
    assert paths.project_input(project / "fil.txt", "fil") == project / "fil.txt"
    for outside in ("/etc", "../", "data/../../x", "data/raw/t/../../../../etc/passwd"):
        with pytest.raises(PathError, match=r"^data_dir = .*: ligger utanför projektmappen"):
            paths.project_input(outside, "data_dir")


def test_project_input_follows_a_link_the_owner_put_in_the_project(project, tmp_path_factory):
    # data/raw on a shared drive is a symbolic link inside the project: it is read
    share = tmp_path_factory.mktemp("delad")
    (project / "delad").symlink_to(share)
    assert paths.project_input("delad/t.csv", "fil") == project / "delad" / "t.csv"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_atomic_path_gives_the_umask_mode(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        with paths.atomic_path(tmp_path / "a.html") as tmp:
            tmp.write_text("ny")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.html").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_atomic_path_failure_keeps_the_old_file(tmp_path):
    (tmp_path / "a.html").write_text("gammal")
    with pytest.raises(RuntimeError), paths.atomic_path(tmp_path / "a.html") as tmp:
        tmp.write_text("halv")
        raise RuntimeError
    assert (tmp_path / "a.html").read_text() == "gammal"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
