"""Variants of one notebook share a kernel (cleared between them): the bytes must be those a
fresh kernel gives."""

from __future__ import annotations

from conftest import FIXED_TIME, run_cli


def test_a_kommunblad_from_a_shared_kernel_equals_one_rendered_alone(tmp_path):
    batch, alone = tmp_path / "alla", tmp_path / "ensam"
    shipped = "forslag=data/raw/000-pks-2024/finansiering-2025.csv"  # whatever an analyst adds
    # one worker: Aneby, Gnosjö, Mullsjö, Habo run before Gislaved in the same kernel
    proc = run_cli(
        "render",
        "kommunblad",
        "-p",
        "kommuner=0604,0617,0642,0643,0662",
        "-p",
        shipped,
        "-j",
        "1",
        "--out",
        str(batch),
        "--tidpunkt",
        FIXED_TIME,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[5/5] kommunblad/2025/0662-gislaved.html" in proc.stdout  # the last of the five
    proc = run_cli(
        "render",
        "kommunblad",
        "-p",
        "kommuner=0662",
        "-p",
        shipped,
        "--out",
        str(alone),
        "--tidpunkt",
        FIXED_TIME,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shared = sorted(batch.rglob("0662-gislaved.html"))
    fresh = sorted(alone.rglob("0662-gislaved.html"))
    assert len(shared) == len(fresh) == 1
    assert shared[0].read_bytes() == fresh[0].read_bytes()
