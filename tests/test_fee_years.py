"""The fee analysis for any year: a proposal for 2026, made here from the printed 2025 table by
a rule written in this test (every post's total raised by 3 %, rounded half up to whole
kronor, split by largest remainder in proportion to the printed 2025 amounts; each
municipality's Summa = the 13 posts the 2025 Summa adds up; the total row = the sum of the
municipalities), with Habo's Skola cell left blank while the total row still counts it (rule
``fee_blank_cell``, status saknas).

Fast tests use the table in memory; the slow one places it in a temporary copy of the project
(``KUANALYSIS_ROOT``) and renders the reports."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from conftest import shipped_project
from proposal_2026 import NOT_SUMMED, proposal_2026

from kuanalysis import paths
from kuanalysis.data import load_table
from kuanalysis.data.periods import proposal_files
from kuanalysis.errors import DataError
from kuanalysis.fees.proposals import printed_scenario, require_readings
from kuanalysis.fees.scenarios import ScenarioLoader, allocate_scenario, default_population
from kuanalysis.reports import feedata, feesections, feetables

BLANK = ("Habo", "Skola")


@pytest.fixture(scope="module")
def y2025():
    return load_table(paths.raw_dir() / "000-pks-2024" / "finansiering-2025.csv")


def values_2026(m) -> pd.DataFrame:
    """The 2026 figures by the rule of the module docstring (Habo's Skola not yet blank)."""
    return proposal_2026(m).values


def meta_2026(m, placed: str | None) -> dict:
    meta = {k: v for k, v in m.meta.items() if k not in ("ambiguities", "notes")}
    meta.update(
        table="finansiering-2026",
        heading="FÖRSLAG finansiering Kommunal Utveckling 2026",
        period="2026-01-01/2026-12-31",
    )
    if placed:
        meta["ambiguities"] = [
            {"row": BLANK[0], "column": BLANK[1], "printed": "tom cell", "placed": placed}
        ]
    return meta


def table_2026(m, placed: str | None = "beräknat belopp (summaraden minus de andra)"):
    values = values_2026(m)
    values.at[BLANK] = math.nan
    text = values.map(lambda v: "" if math.isnan(v) else f"{v:.0f} kr")
    return dataclasses.replace(
        m,
        meta=meta_2026(m, placed),
        values=values,
        text=text,
        source_file="data/raw/000-pks-2024/finansiering-2026.csv",
        sources=(),
    )


# ---------------------------------------------------------------------------------------
# A blank cell is read as stated, never silently
# ---------------------------------------------------------------------------------------
def test_an_unstated_blank_stops_the_fees(y2025):
    t = table_2026(y2025, placed=None)
    printed = printed_scenario(t)
    (blank,) = printed.blanks
    # the column total counts Habo's amount: implied = the amount the rule gave Habo
    assert (blank.row, blank.post, blank.reading) == ("Habo", "Skola", None)
    assert blank.implied_kr == values_2026(y2025).at[BLANK]
    with pytest.raises(DataError) as exc:
        require_readings(printed, "finansiering-2026.csv")
    (message,) = exc.value.errors
    assert "Habo / Skola" in message and "fee_blank_cell" in message
    assert "tomma_celler" in message and "ambiguities" in message


@pytest.mark.parametrize(
    "placed, habo_pays", [("beräknat belopp", True), ("utanför posten", False)]
)
def test_the_bill_uses_the_sidecars_reading(y2025, placed, habo_pays):
    t = table_2026(y2025, placed)
    printed = printed_scenario(t)
    assert printed.blanks[0].stated_in == "data/raw/000-pks-2024/finansiering-2026.yaml"
    out = allocate_scenario(printed, t, default_population())
    skola = out[(out["post"] == "Skola") & (out["år"] == 2026)].set_index("kommun")["belopp_kr"]
    total = math.floor(2_702_752 * 1.03 + 0.5)  # 2 783 834,56 -> 2 783 835
    assert skola.sum() == total
    if habo_pays:
        # read as the implied amount, Habo's share of the key is the cell the rule gave it,
        # and the split reproduces every cell (the key and total are the printed ones)
        expected = values_2026(y2025)["Skola"]
        assert skola.to_dict() == {k: int(expected[k]) for k in skola.index}
    else:
        # outside: Habo pays nothing and the other twelve share the printed total
        assert skola["Habo"] == 0
        assert (skola.drop("Habo") > values_2026(y2025)["Skola"].drop(["Habo", "Summa"])).all()


def test_a_scenario_states_another_reading(y2025, tmp_path):
    t = table_2026(y2025, "beräknat belopp")
    (tmp_path / "habo-utanfor.yaml").write_text(
        'beskrivning: "Habo utanför skolposten"\nutgår_från: förslaget 2026\n'
        'tomma_celler:\n  "Habo / Skola": utanför\n',
        encoding="utf-8",
    )
    (tmp_path / "fel.yaml").write_text(
        'beskrivning: "Fel cell"\nutgår_från: förslaget 2026\n'
        'tomma_celler:\n  "Aneby / Skola": utanför\n',
        encoding="utf-8",
    )
    loader = ScenarioLoader(default_population(), {2026: t})
    s = loader.load(tmp_path / "habo-utanfor.yaml")
    (blank,) = s.blanks
    assert (blank.reading, blank.stated_in) == ("utanför", "habo-utanfor.yaml:4")
    assert "0643" not in s.posts["Skola"].participants
    with pytest.raises(
        Exception, match="fel.yaml:4: tomma_celler.Aneby / Skola: är ingen tom cell"
    ):
        loader.load(tmp_path / "fel.yaml")
    # the report lists each reading and where it is stated
    frame = feetables.blank_readings([printed_scenario(t), s])
    assert frame[["Alternativ", "Cell", "Läsning", "Angiven i"]].values.tolist() == [
        [
            "förslaget 2026",
            "Habo / Skola",
            "beräknat belopp: kommunen betalar sin del",
            "data/raw/000-pks-2024/finansiering-2026.yaml",
        ],
        [
            "habo-utanfor",
            "Habo / Skola",
            "utanför posten: kommunen deltar inte",
            "habo-utanfor.yaml:4",
        ],
    ]


# ---------------------------------------------------------------------------------------
# Two proposal years compared
# ---------------------------------------------------------------------------------------
def test_year_comparison_by_hand():
    def lines(year, rows):
        return pd.DataFrame(
            [("s", k, k, p, kr, f, year) for k, p, kr, f in rows],
            columns=["scenario", "kommun_kod", "kommun", "post", "belopp_kr", "fakturerad", "år"],
        )

    a = lines(2025, [("X", "A", 60, True), ("Y", "A", 40, True), ("X", "B", 5, False)])
    b = lines(
        2026,
        [("X", "A", 66, True), ("Y", "A", 44, True), ("X", "B", 5, False), ("Y", "C", 10, True)],
    )
    k = feetables.year_comparison(a, b)
    # X: 60 -> 66 (+6), 60 % -> 66/120 = 55 % (−5 pp); Y: 40 -> 54 (+14), 40 % -> 45 %
    assert list(k.columns) == [
        "2025",
        "2026",
        "Skillnad",
        "Andel 2025",
        "Andel 2026",
        "Skillnad, procentenheter",
    ]
    assert k.loc["X"].tolist() == pytest.approx([60, 66, 6, 60, 55, -5])
    assert k.loc["Y"].tolist() == pytest.approx([40, 54, 14, 40, 45, 5])
    assert k.loc["Summa"].tolist() == pytest.approx([100, 120, 20, 100, 100, 0])
    p = feetables.year_comparison(a, b, by="post")
    # by post every post counts, invoiced or not; C is new in 2026 (blank in 2025)
    assert p.loc["B"].tolist()[:3] == [5, 5, 0]
    assert math.isnan(p.loc["C", "2025"]) and p.loc["C", "2026"] == 10
    assert p.loc["Summa"].tolist()[:3] == [105, 125, 20]  # 66 + 44 + 5 + 10 = 125


def test_the_fee_report_compares_with_the_other_year(y2025):
    t = table_2026(y2025)
    population = default_population()
    r = feedata.FeeReport(t, population, {}, [printed_scenario(t)], other=y2025)
    assert (r.year, r.base) == (2026, "förslaget 2026")
    shown = feesections.years_compared(r)
    assert 'id="ar-mot-ar-kommun"' in shown
    assert "Förslagen 2025 och 2026 som tryckta" in shown
    # the Summa row: 2025 as printed (27 902 191) and 2026 by the rule, each summed
    # over the 13 posts the Summa column adds up
    included = [p for p in y2025.values.columns if p not in NOT_SUMMED + ["Summa"]]
    total_2026 = sum(math.floor(y2025.values.at["Summa", p] * 1.03 + 0.5) for p in included)
    row = re.search(r'<th scope="row">Summa</th>(.*?)</tr>', shown).group(1)
    figures = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert figures[:3] == [
        "27\u00a0902\u00a0191\u00a0kr",
        f"{total_2026:,}".replace(",", "\u00a0") + "\u00a0kr",
        f"+{total_2026 - 27_902_191:,}".replace(",", "\u00a0") + "\u00a0kr",
    ]
    assert (
        feesections.years_compared(feedata.FeeReport(t, population, {}, [printed_scenario(t)]))
        == ""
    )
    # another year whose blank cell nobody has read yet: said, not a failure
    unread = table_2026(y2025, placed=None)
    note = feesections.years_compared(
        feedata.FeeReport(y2025, population, {}, [printed_scenario(y2025)], other=unread)
    )
    assert "Förslaget för 2026 kan inte jämföras ännu" in note and "Habo / Skola" in note


# ---------------------------------------------------------------------------------------
# Rendered in a copy of the project
# ---------------------------------------------------------------------------------------
def write_2026(root, m) -> None:
    """The 2026 table and its sidecar beside the 2025 one in a project copy."""
    values = values_2026(m)
    values.at[BLANK] = math.nan
    folder = root / "data/raw/000-pks-2024"
    header = ",".join([m.meta["label_column"], *values.columns])
    rows = [
        ",".join([label] + ["" if math.isnan(v) else f"{v:,.0f} kr".replace(",", " ") for v in row])
        for label, row in values.iterrows()
    ]
    (folder / "finansiering-2026.csv").write_text(
        "\n".join([header, *rows]) + "\n", encoding="utf-8"
    )
    side = meta_2026(m, "beräknat belopp (summaraden minus de andra kommunerna)")
    (folder / "finansiering-2026.yaml").write_text(
        yaml.safe_dump(side, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def rendered_2026(y2025, tmp_path_factory):
    root = shipped_project(tmp_path_factory.mktemp("ar-2026"))
    write_2026(root, y2025)
    (root / "scenarios/habo-utanfor.yaml").write_text(
        'beskrivning: "Förslaget 2026, men Habo deltar inte i skolposten"\n'
        'utgår_från: förslaget 2026\ntomma_celler:\n  "Habo / Skola": utanför\n',
        encoding="utf-8",
    )
    out = root / "ut"
    env = {**os.environ, "KUANALYSIS_ROOT": str(root)}
    run = [
        sys.executable,
        "-m",
        "kuanalysis",
        "render",
        "--out",
        str(out),
        "--tidpunkt",
        "2024-10-25 08:00",
    ]
    for args in (
        ["avgifter"],
        ["kommunblad", "-p", "forslag=data/raw/000-pks-2024/finansiering-2026.csv"],
    ):
        proc = subprocess.run(run + args, capture_output=True, text=True, env=env, cwd=root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return root, out


@pytest.mark.slow
def test_each_year_gets_its_own_reports(rendered_2026):
    root, out = rendered_2026
    env_root = os.environ.get("KUANALYSIS_ROOT")
    try:
        os.environ["KUANALYSIS_ROOT"] = str(root)
        assert sorted(proposal_files()) == [2025, 2026]
    finally:
        if env_root is None:
            os.environ.pop("KUANALYSIS_ROOT")
        else:
            os.environ["KUANALYSIS_ROOT"] = env_root
    page = (out / "avgifter-2026.html").read_text(encoding="utf-8")
    assert "<title>Avgifterna 2026: förslaget, nycklarna och alternativen</title>" in page
    assert "2025" not in re.sub(
        r"<(table|img)[^>]*>.*?</\1>", "", page.split('id="proveniens"')[0], flags=re.S
    ).replace("Förslagen 2025 och 2026", "").replace("Förslaget jämfört", ""), (
        "the 2026 report names 2025 outside the comparison"
    )
    assert 'id="ar-mot-ar-kommun"' in page and 'id="ar-mot-ar-post"' in page
    assert 'id="ar-mot-ar-kommun"' in (out / "avgifter-2025.html").read_text(encoding="utf-8")
    # the blank cell: its reading and where it is stated
    assert 'id="tomma-celler"' in page and "Habo / Skola" in page
    assert "data/raw/000-pks-2024/finansiering-2026.yaml" in page
    sheets = sorted(p.name for p in (out / "kommunblad/2026").glob("*.html"))
    assert len(sheets) == 13 and "0643-habo.html" in sheets
    assert not (out / "kommunblad/2025").exists()  # only the 2026 ones were asked for
    habo = (out / "kommunblad/2026/0643-habo.html").read_text(encoding="utf-8")
    assert "Kommunblad: avgifter 2026" in habo and "för 2026" in habo


@pytest.mark.slow
def test_the_2026_workbook_bills_the_stated_reading(rendered_2026, y2025):
    from openpyxl import load_workbook

    _, out = rendered_2026
    wb = load_workbook(out / "avgifter-2026.xlsx")
    assert wb.sheetnames[:5] == ["Jämförelse", "År 2026", "År 2027", "År 2028", "År 2029"]
    assert {"förslaget 2026", "habo-utanfor"} <= set(wb.sheetnames)

    def cell(sheet, row_label, column_label):
        ws = wb[sheet]
        header = [c.value for c in ws[4]]
        row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == row_label)
        return row[header.index(column_label)].value

    # read as stated in the sidecar (beräknat): Habo pays the amount the rule gave it;
    # the scenario that states utanför bills Habo nothing for Skola
    assert cell("förslaget 2026", "Habo", "Skola") == int(values_2026(y2025).at[BLANK])
    assert cell("habo-utanfor", "Habo", "Skola") == 0
    assert cell("habo-utanfor", "Summa", "Skola") == math.floor(2_702_752 * 1.03 + 0.5)
