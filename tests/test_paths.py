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


# -- names of any length, one place --------------------------------------------------------

LIMIT = "ett fil- eller mappnamn får vara högst 255 byte (å, ä och ö räknas som 2 byte)"


@pytest.mark.parametrize(
    "name, suffix, reason",
    [
        # 255 bytes is the most a file system takes: 250 + ".yaml" fits, 251 + ".yaml" not
        ("a" * 250, ".yaml", None),
        ("a" * 251, ".yaml", f"namnet '{'a' * 40}…' är för långt: 256 byte med .yaml; {LIMIT}"),
        ("a" * 255, "", None),
        ("a" * 256, "", f"namnet '{'a' * 40}…' är för långt: 256 byte; {LIMIT}"),
        # å is two bytes in UTF-8: 128 of them are 256 bytes, though only 128 characters
        ("å" * 127, "", None),
        ("å" * 128, "", f"namnet '{'å' * 40}…' är för långt: 256 byte; {LIMIT}"),
        ("", "", "namnet är tomt"),
        ("..", "", "'..' är inget fil- eller mappnamn"),
        (
            "../x",
            "",
            "namnet '../x' innehåller ett snedstreck (/); ett fil- eller mappnamn har inga mappar "
            "i sig",
        ),
        (
            "a\\b",
            "",
            "namnet 'a\\\\b' innehåller ett bakstreck (\\); ett fil- eller mappnamn har inga mappar "
            "i sig",
        ),
        (
            "rad\nbrytning",
            "",
            "namnet 'rad\\nbrytning' innehåller ett styrtecken (t.ex. en radbrytning), som inte "
            "får stå i ett fil- eller mappnamn",
        ),
        ("noll\0byte", "", "namnet 'noll\\x00byte' innehåller ett styrtecken"),
    ],
)
def test_name_fault(name, suffix, reason):
    found = paths.name_fault(name, suffix)
    if reason is None:
        assert found is None
    else:
        assert found is not None and found.startswith(reason)


def test_check_name_names_the_field_and_touches_nothing(tmp_path):
    with pytest.raises(PathError) as e:
        paths.check_name("b" * 300, "--table", ".yaml", tmp_path)
    assert e.value.errors == [
        f"--table: namnet '{'b' * 40}…' är för långt: 305 byte med .yaml; {LIMIT}"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_whole_path_is_bounded_too(tmp_path):
    # each name 200 bytes (fine), 25 of them under tmp_path: over 4095 bytes in all
    deep = tmp_path.joinpath(*(["c" * 200] * 25))
    size = len(str(deep).encode())
    assert paths.path_fault(deep) == (
        f"sökvägen är för lång: {size} byte; en sökväg får vara högst 4095 byte"
    )
    with pytest.raises(PathError, match="^--ut: sökvägen är för lång"):
        paths.output(deep, "dir", "--ut")
    # a name in the folder given as the place of a name counts in the whole
    assert paths.name_fault("d" * 200, ".yaml", deep.parent).startswith("sökvägen är för lång")


def test_output_and_project_input_check_names_before_the_file_system(project, monkeypatch):
    monkeypatch.chdir(project)
    # Path("…300 bytes…").exists() raises OSError (File name too long) in Python 3.11
    with pytest.raises(PathError) as e:
        paths.output("reports/" + "e" * 300 + ".csv", "file", "--ut")
    assert e.value.errors == [f"--ut: namnet '{'e' * 40}…' är för långt: 304 byte; {LIMIT}"]
    with pytest.raises(PathError) as e:
        paths.project_input("data/" + "f" * 256, "parametern data_dir")
    assert e.value.errors == [
        f"parametern data_dir: namnet '{'f' * 40}…' är för långt: 256 byte; {LIMIT}"
    ]


def test_local_paths_are_taken_out_of_a_message(project):
    root = str(project)
    message = (
        f"OSError: [Errno 36] File name too long: '{root}/reports/x.csv'; "
        f"FileNotFoundError: '/etc/kuanalysis/inställningar.yaml'; svep 0..5/0,5; {root}"
    )
    # in the project: relative to its root; elsewhere: the last name; a range is no path
    assert paths.local_paths_removed(message) == (
        "OSError: [Errno 36] File name too long: 'reports/x.csv'; "
        "FileNotFoundError: 'inställningar.yaml'; svep 0..5/0,5; ."
    )
