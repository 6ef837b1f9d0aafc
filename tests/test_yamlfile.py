"""The one YAML reader: size, encoding, no aliases, no tags, bounded depth; errors say where."""

from __future__ import annotations

import os

import pytest

from kuanalysis import yamlfile
from kuanalysis.errors import DataError, InputError


def _load(tmp_path, content, name="f.yaml"):
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return yamlfile.load(p, DataError)


@pytest.mark.parametrize(
    "content, message",
    [
        ("a: &x [1, 2]\nb: *x\n", "f.yaml:1: alias och ankare"),
        # a billion laughs: nine levels of nine references; refused before anything expands
        (
            "a0: &a0 [lol]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)),
            "alias och ankare",
        ),
        ("total: !!float abc\n", "f.yaml:1: taggen !!float används inte"),
        ("x: !okand 1\n", "taggen !okand används inte"),
        ("x: !!python/object/apply:os.system ['ls']\n", "taggen !!python/object/apply:os.system"),
        (
            'beskrivning: "F\xf6rslag"\n'.encode("cp1252"),
            "f.yaml:1: filen är inte UTF-8 (byte 0xF6)",
        ),
        ("a: [1, 2\n", "f.yaml:2: går inte att läsa som YAML"),
        ("a: " + "[" * 25 + "]" * 25 + "\n", "för djup nästling"),
    ],
)
def test_what_is_refused_and_where(tmp_path, content, message):
    with pytest.raises(DataError) as e:
        _load(tmp_path, content)
    assert message in str(e.value)
    assert len(str(e.value)) < 300  # the message never expands the content


def test_size_limit(tmp_path):
    with pytest.raises(InputError, match="högst 1000 kB"):
        _load(tmp_path, 'beskrivning: "' + "x" * 1_100_000 + '"\n')


def test_reads_plain_yaml_with_bom(tmp_path):
    assert _load(tmp_path, "\ufeffa: 1\nb: [x, 'y']\nc: {d: 0604}\n") == {
        "a": 1,
        "b": ["x", "y"],
        "c": {"d": 388},
    }  # YAML 1.1: 0604 is octal; sidecars check it


@pytest.mark.parametrize(
    "content, message",
    [
        # a number Python will not convert to int (over 4300 digits), named by its keys
        (
            "rows:\n  - label: Summa\n    value: " + "9" * 5000 + "\n",
            "f.yaml:3: rows.value: talet ",
        ),
        ("a: {b: [1, " + "1" * 1001 + "]}\n", "f.yaml:1: a.b: talet har 1001 tecken"),
        ("a: -" + "1" * 1000 + ".5\n", "f.yaml:1: a: talet har 1003 tecken"),  # a float too
        ("1" * 1001 + ": x\n", "f.yaml:1: talet har 1001 tecken"),  # a key: no field to name
    ],
)
def test_a_number_too_long_to_read_is_refused_with_its_field(tmp_path, content, message):
    with pytest.raises(DataError) as e:
        _load(tmp_path, content)
    assert str(e.value).startswith(message)
    assert str(e.value).endswith("ett tal i den här filen har högst 1000")


def test_long_text_and_a_number_at_the_limit_are_read(tmp_path):
    quoted = '"' + "1" * 5000 + '"'  # text, not a number
    assert _load(tmp_path, f"a: {quoted}\nb: {'1' * 1000}\nc: {'x' * 5000}\n") == {
        "a": "1" * 5000,
        "b": int("1" * 1000),
        "c": "x" * 5000,
    }


NOT_A_FILE = "är ingen vanlig fil (en enhet, en namngiven pipe eller liknande); ange en YAML-fil"


def test_a_device_is_refused_before_reading():
    # /dev/zero has size 0 and never ends: reading it whole ran out of memory
    with pytest.raises(DataError) as e:
        yamlfile.load("/dev/zero", DataError)
    assert str(e.value) == f"zero: {NOT_A_FILE}"  # outside the project: its name only


def test_a_named_pipe_and_a_link_to_a_device_are_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "ror.yaml")  # no writer: opening it plainly would block for ever
    (tmp_path / "noll.yaml").symlink_to("/dev/zero")
    for name, shown in (("ror.yaml", "ror.yaml"), ("noll.yaml", "zero")):  # a link: its target
        with pytest.raises(DataError) as e:
            yamlfile.compose(tmp_path / name, DataError)
        assert str(e.value) == f"{shown}: {NOT_A_FILE}"


def test_a_file_that_grows_past_the_limit_is_not_read_beyond_it(tmp_path, monkeypatch):
    # the size the stat gives is not trusted: at most MAX_BYTES + 1 bytes are read
    p = tmp_path / "f.yaml"
    p.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    real_fstat = os.fstat

    class Small:
        def __init__(self, info):
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(yamlfile.os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(DataError) as e:
        yamlfile.load(p, DataError)
    assert str(e.value) == "f.yaml: filen är mer än 1000 kB; en YAML-fil här får vara högst 1000 kB"


def test_a_file_read_again_gives_its_current_content_and_a_copy(tmp_path):
    # the parse of an unchanged text is reused; an edit (even of the same size) is read anew
    p = tmp_path / "f.yaml"
    p.write_text("a: 1\n", encoding="utf-8")
    first = yamlfile.load(p, DataError)
    first["a"] = 99  # the caller's copy: the next read is not affected
    assert yamlfile.load(p, DataError) == {"a": 1}
    p.write_text("a: 2\n", encoding="utf-8")
    assert yamlfile.load(p, DataError) == {"a": 2}
    p.write_text("a: *x\n", encoding="utf-8")  # a fault is found again, not hidden by the memo
    with pytest.raises(DataError, match="alias"):
        yamlfile.load(p, DataError)
