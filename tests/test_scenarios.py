"""Tests of the fee scenarios: validation messages, the shipped files, `kuanalysis fees`."""
from __future__ import annotations

import pandas as pd
import pytest

from kuanalysis.checks.fee_matrix import summa_composition
from kuanalysis.errors import ScenarioError
from kuanalysis.fees.balance import project_balance
from kuanalysis.fees.cli import cli_fees
from kuanalysis.fees.matrix import post_labels
from kuanalysis.fees.scenarios import (FEE_COLUMNS, allocate_scenario, default_matrix,
                                       default_population, load_scenario)
from kuanalysis.paths import project_root, scenarios_dir
from kuanalysis.reports.fees import invoiced_totals

SHIPPED = ["avtal", "befolkning-2024", "forslag-2025", "iot-digitalisering-text",
           "socialchefer-15-mars"]
GRUND = "Grundfinansiering Social välfärd"


@pytest.fixture(scope="module")
def matrix():
    return default_matrix()


@pytest.fixture(scope="module")
def population():
    return default_population()


@pytest.fixture(scope="module")
def shipped(matrix, population):
    return {name: load_scenario(scenarios_dir() / f"{name}.yaml", matrix, population)
            for name in SHIPPED}


def _errors(tmp_path, text, matrix, population) -> list[str]:
    path = tmp_path / "fel.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, matrix, population)
    return exc.value.messages


BAD = """\
beskrivning: "Test"
poster:
  Barnahus:
    total: -5
    key: implied_2025
    invoiced: true
    participants: [0604, 604, "9999"]
  Skola:
    total: många
    key: befolkning_1999_12_31
    participants: alla
  Nöjesparken:
    total: 1
  fritid:
    total: 1.5
    key: {0686: 1, "0604": 2, 0617: 1}
    invoiced: ja
    participants: ["0604"]
"""


def test_every_error_named_with_file_line_and_field(tmp_path, matrix, population):
    msgs = _errors(tmp_path, BAD, matrix, population)

    def find(prefix: str, word: str) -> str:
        hits = [m for m in msgs if m.startswith(prefix) and word in m]
        assert hits, f"inget fel {prefix!r} med {word!r} bland:\n" + "\n".join(msgs)
        return hits[0]

    find("fel.yaml:4: poster.Barnahus.total:", "negativ")
    unquoted = find("fel.yaml:7: poster.Barnahus.participants:", "388")
    assert '"0604"' in unquoted
    short = find("fel.yaml:7: poster.Barnahus.participants:", "kommunkoden 604 ")
    assert '"0604"' in short
    find("fel.yaml:7: poster.Barnahus.participants:", "okänd kommun '9999'")
    find("fel.yaml:9: poster.Skola.total:", "tal")
    find("fel.yaml:10: poster.Skola.key:", "okänd nyckel")
    find("fel.yaml:8: poster.Skola.invoiced:", "saknas")
    find("fel.yaml:12: poster.Nöjesparken:", "okänd post")
    # a post may be named by its key ("fritid" = Fritid)
    find("fel.yaml:15: poster.fritid.total:", "hela kronor")
    # unquoted codes are errors whether YAML 1.1 reads them as a number (0617 -> 399)
    # or as text (0686): quotes everywhere, so a file reads the same whatever the digits
    find("fel.yaml:16: poster.fritid.key:", "kommunkoden 0686")
    find("fel.yaml:16: poster.fritid.key:", "talet 399")
    find("fel.yaml:17: poster.fritid.invoiced:", "true eller false")
    find(f"fel.yaml:2: poster.{GRUND}:", "saknas i scenariot")
    assert not any("Fritid:" in m and "saknas i scenariot" in m for m in msgs)


def test_missing_top_fields(tmp_path, matrix, population):
    msgs = _errors(tmp_path, "titel: x\n", matrix, population)
    assert "fel.yaml:1: titel: okänt fält (väntade beskrivning, poster)" in msgs
    assert "fel.yaml:1: beskrivning: saknas" in msgs
    assert "fel.yaml:1: poster: saknas" in msgs


def test_shipped_scenarios_load(shipped, matrix):
    for name, s in shipped.items():
        assert s.name == name
        assert s.description.strip()
        assert set(s.posts) == set(post_labels(matrix))


def test_proposal_invoices_what_the_summa_column_sums(shipped, matrix):
    invoiced = [p for p, s in shipped["forslag-2025"].posts.items() if s.invoiced]
    assert sorted(invoiced) == sorted(summa_composition(matrix).included)


def test_text_figures_in_scenarios(shipped):
    iot = shipped["iot-digitalisering-text"].posts
    assert (iot["IoT projekt"].total, iot["Digitalisering"].total) == (1_800_000, 1_500_000)
    assert shipped["socialchefer-15-mars"].posts[GRUND].total == 0
    avtal = shipped["avtal"].posts[GRUND]
    assert (avtal.total, avtal.invoiced) == (9_000_000, True)


def test_allocation_contract(shipped, matrix, population):
    out = allocate_scenario(shipped["forslag-2025"], matrix, population)
    assert list(out.columns) == FEE_COLUMNS
    assert len(out) == 13 * 16
    assert out["belopp_kr"].dtype == "int64" and out["fakturerad"].dtype == bool
    aneby = out[(out["kommun"] == "Aneby") & (out["post"] == "Barnahus")]
    assert aneby["kommun_kod"].tolist() == ["0604"]
    assert aneby["belopp_kr"].tolist() == [58_698]  # as printed
    mullsjo = out[(out["kommun_kod"] == "0642") & (out["post"] == "Miljösamverkan")]
    assert mullsjo["belopp_kr"].tolist() == [0]


def test_golden_invoiced_totals(shipped, matrix, population):
    golden = pd.read_csv(project_root() / "tests" / "golden" / "fees_totals.csv",
                         dtype={"kommun_kod": str})
    assert sorted(golden["scenario"].unique()) == SHIPPED
    fees_all = pd.concat([allocate_scenario(s, matrix, population)
                          for s in shipped.values()])
    got = invoiced_totals(fees_all)
    merged = golden.merge(got[["scenario", "kommun_kod", "fakturerat_kr"]],
                          on=["scenario", "kommun_kod"], how="outer",
                          suffixes=("", "_beraknat"), indicator=True)
    assert (merged["_merge"] == "both").all()
    off = merged[(merged["fakturerat_kr_beraknat"] - merged["fakturerat_kr"]).abs()
                 > merged["tolerans_kr"]]
    assert off.empty, off.to_string()


def test_balance_per_scenario(shipped):
    _, year = project_balance(shipped["forslag-2025"])
    assert year == 2026  # 20,5 − 10 − 9 = 1,5 mnkr left after 2025
    _, year = project_balance(shipped["avtal"])
    assert year is None  # base fee invoiced: only the 10 mnkr leave the account


def test_cli_writes_csv(tmp_path, capsys):
    out = tmp_path / "avgifter.csv"
    rc = cli_fees([str(scenarios_dir() / "avtal.yaml")], str(out))
    assert rc == 0
    text = out.read_text(encoding="utf-8").splitlines()
    assert text[0] == ",".join(FEE_COLUMNS)
    assert text[1] == "avtal,0604,Aneby,Grundfinansiering Social välfärd,166730,true"
    assert len(text) == 1 + 13 * 16
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_cli_reports_errors_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "trasig.yaml"
    bad.write_text(BAD, encoding="utf-8")
    out = tmp_path / "avgifter.csv"
    rc = cli_fees([str(bad), str(scenarios_dir() / "avtal.yaml")], str(out))
    assert rc == 2
    assert "trasig.yaml:4: poster.Barnahus.total:" in capsys.readouterr().err
    assert not out.exists()
