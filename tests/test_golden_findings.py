"""The findings on the real source documents, against a golden file checked line by line.

Every line of ``tests/golden/avstamning.csv`` was worked out by hand from the source text;
the reasoning is in ``tests/golden/README.md``, one line per finding. The test fails when a
finding appears, disappears, changes status or number. Regenerate only on purpose:
``KUANALYSIS_UPDATE_GOLDEN=1 pytest tests/test_golden_findings.py`` (then check the diff by
hand against the sources and update the README).

Findings of the fee-matrix rules (``kuanalysis.checks.fee_matrix``) are left out, except the
readings (``ambiguity``): ``tests/test_fees.py`` owns and tests them. Only the shipped tables
are pinned, by name: an analyst who adds a period adds findings about new tables, and the test
stays green.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import pytest

from kuanalysis import paths
from kuanalysis.checks.findings import write_csv
from kuanalysis.checks.runner import check_folder

GOLDEN = Path(__file__).parent / "golden" / "avstamning.csv"
KEY = ("table", "row", "column", "check", "status", "rule")

#: The tables shipped with the suite, pinned by name (new tables may be added freely).
SHIPPED = {
    "bokslut-2023",
    "finansiering-2025",
    "pastaenden-000",
    "delar-2024-t2-4-1",
    "delar-2024-t2-4-2",
    "delar-2024-t2-4-3",
    "delar-2024-t2-4-5",
    "pastaenden-001",
    "pks-2016-administration",
    "pks-2016-ovriga-omraden",
    "pks-2016-social-valfard",
    "askersund-driftredovisning",
    "askersund-driftresultat",
    "askersund-investeringsanalys",
    "askersund-verksamhet-51",
    "kommuner-befolkning",
}


@pytest.fixture(scope="module")
def findings():
    if os.environ.get("KUANALYSIS_ROOT"):
        pytest.fail("KUANALYSIS_ROOT är satt; det gyllene testet läser projektets data/raw")
    tables, _, out = check_folder(paths.raw_dir())
    assert set(tables) >= SHIPPED, f"saknade tabeller: {sorted(SHIPPED - set(tables))}"
    fee_tables = {t for t, tab in tables.items() if tab.kind == "fee_matrix"}
    kept = [
        f
        for f in out
        if f.table in SHIPPED and (f.table not in fee_tables or f.rule == "ambiguity")
    ]
    return out, kept


def _read(path: Path) -> dict[tuple, dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        key = tuple(r[k] for k in KEY)
        assert key not in out, f"dubblett i golden-filen: {key}"
        out[key] = r
    return out


def _num(text: str):
    return None if text == "" else float(text)


def test_no_check_failed(findings):
    out, _ = findings
    assert [e for e in out.errors if e.table in SHIPPED or e.document == ""] == []


def test_findings_match_golden(findings, tmp_path):
    _, kept = findings
    if os.environ.get("KUANALYSIS_UPDATE_GOLDEN") == "1":
        write_csv(kept, GOLDEN)
        pytest.skip("golden-filen skrevs om; granska ändringen mot källorna")
    assert GOLDEN.exists(), f"{GOLDEN} saknas (skapas bara med KUANALYSIS_UPDATE_GOLDEN=1)"
    actual = _read(write_csv(kept, tmp_path / "a.csv"))
    golden = _read(GOLDEN)
    appeared = sorted(set(actual) - set(golden))
    disappeared = sorted(set(golden) - set(actual))
    assert not appeared and not disappeared, f"nya fynd: {appeared}\nförsvunna fynd: {disappeared}"
    for key, g in golden.items():
        a = actual[key]
        for col in ("reported", "expected", "difference"):
            x, y = _num(a[col]), _num(g[col])
            assert (x is None) == (y is None), (key, col, a[col], g[col])
            if x is not None:
                assert math.isclose(x, y, rel_tol=0, abs_tol=1e-9), (key, col, x, y)
        assert a["source"] == g["source"] and a["document"] == g["document"], key


def test_askersund_control_is_consistent(findings):
    out, _ = findings
    assert [f for f in out if f.table.startswith("askersund")] == []


def test_golden_readme_explains_every_line():
    """One justification line per golden finding (``table | row | column | status``)."""
    readme = (GOLDEN.parent / "README.md").read_text(encoding="utf-8")
    for key in _read(GOLDEN):
        table, row, column, _check, status, _rule = key
        assert f"`{table}` | {row} | {column or '-'} | {status}" in readme, key
