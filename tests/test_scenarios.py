"""Tests of the fee scenarios: the Swedish file format and its validation messages, chains
(``utgår_från``), the years ahead, the shipped files, and ``kuanalysis fees``. Expected
values are worked out by hand in the comments."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from kuanalysis.commands.fees import cli_fees
from kuanalysis.errors import ScenarioError
from kuanalysis.fees.balance import project_balance
from kuanalysis.fees.matrix import post_labels, summa_composition
from kuanalysis.fees.projection import uprate
from kuanalysis.fees.scenariofile import read_head
from kuanalysis.fees.scenarios import (
    FEE_COLUMNS,
    ScenarioLoader,
    allocate_scenario,
    default_matrix,
    default_population,
    load_scenario,
)
from kuanalysis.paths import project_root, scenarios_dir
from kuanalysis.reports.feetables import invoiced_totals

SHIPPED = [
    "avtal",
    "befolkning-2024",
    "forslag-2025",
    "iot-digitalisering-text",
    "socialchefer-15-mars",
]
GRUND = "Grundfinansiering Social välfärd"
MEDLEM = "Medlemsavgift Kommunal utveckling"
MILJO = "Miljösamverkan"


@pytest.fixture(scope="module")
def matrix():
    return default_matrix(2025)


@pytest.fixture(scope="module")
def population():
    return default_population()


@pytest.fixture(scope="module")
def shipped(matrix, population):
    loader = ScenarioLoader(population, matrix)
    return {name: loader.load(scenarios_dir() / f"{name}.yaml") for name in SHIPPED}


@pytest.fixture
def folder(tmp_path):
    """A scenario folder with the shipped proposal scenario in it."""
    shutil.copy(scenarios_dir() / "forslag-2025.yaml", tmp_path / "forslag-2025.yaml")
    return tmp_path


def write(folder, name: str, text: str):
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(path, matrix, population):
    return ScenarioLoader(population, matrix).load(path)


def errors(path, matrix, population) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load(path, matrix, population)
    return exc.value.messages


def find(msgs: list[str], prefix: str, word: str) -> str:
    hits = [m for m in msgs if m.startswith(prefix) and word in m]
    assert hits, f"inget fel {prefix!r} med {word!r} bland:\n" + "\n".join(msgs)
    return hits[0]


# ---------------------------------------------------------------------------------------
# Validation: every error with file, line and field
# ---------------------------------------------------------------------------------------
BAD = """\
beskrivning: "Test"
utgår_från: förslaget 2025
uppräkning: 2
poster:
  Barnahus:
    belopp: -5
    nyckel: tryckt
    faktureras: true
    deltagare: [0604, 604, "9999"]
  Skola:
    belopp: många
    nyckel: befolkning 1999-12-31
  Nöjesparken:
    belopp: 1
  fritid:
    belopp: 1.5
    nyckel: {0686: 1, "0604": 2, 0617: 1}
    faktureras: ja
  Digitalisering:
    belopp: 1
    ändring: "+3 %"
  IoT projekt:
    ändring: tre procent
    nyckel: {"0604": .nan, "0680": .inf, "0686": -1}
  VO-collage:
    faktureras: true
    från_balanskontot: true
"""


def test_every_error_named_with_file_line_and_field(folder, matrix, population):
    msgs = errors(write(folder, "fel", BAD), matrix, population)
    find(msgs, "fel.yaml:3: uppräkning:", "procenttecken")
    find(msgs, "fel.yaml:6: poster.Barnahus.belopp:", "negativ")
    unquoted = find(msgs, "fel.yaml:9: poster.Barnahus.deltagare:", "388")
    assert '"0604"' in unquoted
    assert '"0604"' in find(msgs, "fel.yaml:9: poster.Barnahus.deltagare:", "kommunkoden 604 ")
    find(msgs, "fel.yaml:9: poster.Barnahus.deltagare:", "okänd kommun '9999'")
    find(msgs, "fel.yaml:11: poster.Skola.belopp:", "hela kronor")
    find(msgs, "fel.yaml:12: poster.Skola.nyckel:", "okänd nyckel")
    find(msgs, "fel.yaml:13: poster.Nöjesparken:", "okänd post")
    # a post may be named by its sidecar key ("fritid" = Fritid)
    find(msgs, "fel.yaml:16: poster.fritid.belopp:", "hela kronor")
    # unquoted codes are errors whether YAML 1.1 reads them as a number (0617 -> 399)
    # or as text (0686): quotes everywhere, so a file reads the same whatever the digits
    find(msgs, "fel.yaml:17: poster.fritid.nyckel:", "kommunkoden 0686")
    find(msgs, "fel.yaml:17: poster.fritid.nyckel:", "talet 399")
    find(msgs, "fel.yaml:18: poster.fritid.faktureras:", "true eller false")
    find(msgs, "fel.yaml:21: poster.Digitalisering.ändring:", "inte båda")
    find(msgs, "fel.yaml:23: poster.IoT projekt.ändring:", "procenttecken")
    # NaN, infinity and a negative weight are refused, each at its own line
    find(msgs, "fel.yaml:24: poster.IoT projekt.nyckel.0604:", "ändligt tal ≥ 0")
    find(msgs, "fel.yaml:24: poster.IoT projekt.nyckel.0680:", "ändligt tal ≥ 0")
    find(msgs, "fel.yaml:24: poster.IoT projekt.nyckel.0686:", "ändligt tal ≥ 0")
    find(msgs, "fel.yaml:27: poster.VO-collage.från_balanskontot:", "fakturerad post")
    assert all(m.startswith("fel.yaml:") for m in msgs)


def test_old_english_keys_are_refused_naming_the_swedish_key(folder, matrix, population):
    old = write(
        folder,
        "gammal",
        """\
beskrivning: "Gammalt format"
utgår_från: förslaget 2025
poster:
  Barnahus:
    total: 9_000_000
    key: implied_2025
    invoiced: true
    participants: alla
    from_balance: false
  Skola:
    nyckel: befolkning_2024_12_31
""",
    )
    msgs = errors(old, matrix, population)
    for line, english, swedish in [
        (5, "total", "belopp"),
        (6, "key", "nyckel"),
        (7, "invoiced", "faktureras"),
        (8, "participants", "deltagare"),
        (9, "from_balance", "från_balanskontot"),
    ]:
        find(msgs, f"gammal.yaml:{line}: poster.Barnahus.{english}:", f"heter {swedish} på svenska")
    # an old key value is named with the new one
    assert "skriv befolkning 2024-12-31" in find(msgs, "gammal.yaml:11: poster.Skola.nyckel:", "")


def test_missing_top_fields(folder, matrix, population):
    msgs = errors(write(folder, "fel", "titel: x\n"), matrix, population)
    find(msgs, "fel.yaml:1: titel:", "okänt fält")
    assert "fel.yaml:1: beskrivning: saknas" in msgs
    find(msgs, "fel.yaml:1: utgår_från:", "saknas")


def test_unreadable_and_oversized_files_are_errors_not_tracebacks(folder, matrix, population):
    aliases = write(folder, "alias", 'beskrivning: &a "x"\nutgår_från: *a\n')
    assert "alias och ankare" in errors(aliases, matrix, population)[0]
    big = write(folder, "stor", "beskrivning: x\n# " + "x" * 1_100_000 + "\n")
    assert "högst 1000 kB" in errors(big, matrix, population)[0]


# ---------------------------------------------------------------------------------------
# Chains
# ---------------------------------------------------------------------------------------
def test_a_chain_resolves_and_lists_only_changes(folder, matrix, population):
    write(
        folder,
        "a",
        'beskrivning: "A"\nutgår_från: forslag-2025\nposter:\n  Barnahus: {ändring: "+3 %"}\n',
    )
    write(folder, "b", 'beskrivning: "B"\nutgår_från: a\nposter:\n  Skola: {belopp: 1_000_000}\n')
    b = load(folder / "b.yaml", matrix, population)
    # Barnahus 3 168 492 x 1,03 = 3 263 546,76 -> 3 263 547 (from a); Skola from b;
    # the base fee from the balance account (from forslag-2025); the rest as printed
    assert b.posts["Barnahus"].total == 3_263_547
    assert b.posts["Skola"].total == 1_000_000
    assert b.posts[GRUND].from_balance and not b.posts[GRUND].invoiced
    assert b.posts[MEDLEM].total == 9_000_000
    assert (b.base, b.proposal_year, b.years) == ("a", 2025, (2025, 2026, 2027, 2028))
    assert b.balance.opening == 20_500_000 and b.balance.withdrawals == {2025: 10_000_000}
    # its provenance names every file of the chain
    assert [s.path for s in b.sources][:3] == ["b.yaml", "a.yaml", "forslag-2025.yaml"]


def test_a_cycle_names_the_files(folder, matrix, population):
    write(folder, "a", 'beskrivning: "A"\nutgår_från: b\n')
    write(folder, "b", 'beskrivning: "B"\nutgår_från: a\n')
    msgs = errors(folder / "a.yaml", matrix, population)
    ring = find(msgs, "b.yaml:2: utgår_från:", "ring")
    assert "a.yaml → b.yaml → a.yaml" in ring
    assert find(msgs, "a.yaml:2: utgår_från:", "har fel")


def test_a_chain_of_a_thousand_files_resolves_without_recursion(folder, matrix, population):
    """Each file k starts from file k - 1 and sets Barnahus to 1 000 + k kr (file 0 from the
    printed proposal): the last file's Barnahus is 1 999 kr, and its provenance holds all
    1 000 files. (Resolved recursively, this chain hit Python's recursion limit.)"""
    for k in range(1000):
        base = "förslaget 2025" if k == 0 else f"k{k - 1:03d}"
        write(
            folder,
            f"k{k:03d}",
            f'beskrivning: "Fil {k}"\nutgår_från: {base}\nposter:\n  Barnahus: {{belopp: {1000 + k}}}\n',
        )
    last = load(folder / "k999.yaml", matrix, population)
    assert last.posts["Barnahus"].total == 1999
    assert [s.path for s in last.sources][:2] == ["k999.yaml", "k998.yaml"]
    # the 1 000 files, then the printed table and its sidecar
    assert len(last.sources) == 1000 + 2
    assert [s.path for s in last.sources][-2:] == [
        "data/raw/000-pks-2024/finansiering-2025.csv",
        "data/raw/000-pks-2024/finansiering-2025.yaml",
    ]


def test_an_error_at_the_foot_of_a_long_chain_is_named_through_it(folder, matrix, population):
    # file 0 has a negative amount; files 1 to 299 start from it, one after the other
    write(
        folder,
        "k000",
        'beskrivning: "0"\nutgår_från: förslaget 2025\nposter:\n  Barnahus: {belopp: -1}\n',
    )
    for k in range(1, 300):
        write(folder, f"k{k:03d}", f'beskrivning: "{k}"\nutgår_från: k{k - 1:03d}\n')
    msgs = errors(folder / "k299.yaml", matrix, population)
    # one line per file above the fault, from the top down, then the fault itself
    assert msgs[0] == "k299.yaml:2: utgår_från: k298.yaml som scenariot utgår från har fel"
    assert msgs[298] == "k001.yaml:2: utgår_från: k000.yaml som scenariot utgår från har fel"
    assert msgs[299:] == ["k000.yaml:4: poster.Barnahus.belopp: får inte vara negativ, fick -1"]


def test_a_missing_base_is_named(folder, matrix, population):
    msgs = errors(
        write(folder, "a", 'beskrivning: "A"\nutgår_från: finns-inte\n'), matrix, population
    )
    find(msgs, "a.yaml:2: utgår_från:", "finns-inte.yaml saknas")
    msgs = errors(
        write(folder, "c", 'beskrivning: "C"\nutgår_från: förslaget 2031\n'), matrix, population
    )
    find(msgs, "c.yaml:2: utgår_från:", "inget tryckt förslag för 2031")


def test_printed_proposal_is_what_the_table_prints(matrix, population, folder):
    s = load(
        write(folder, "tryckt", 'beskrivning: "T"\nutgår_från: förslaget 2025\n'),
        matrix,
        population,
    )
    invoiced = [p for p, spec in s.posts.items() if spec.invoiced]
    assert sorted(invoiced) == sorted(summa_composition(matrix).included)
    assert s.posts[GRUND].total == 9_000_000 and not s.posts[GRUND].from_balance
    # Mullsjö's Miljösamverkan cell is blank and the total leaves nothing for it: outside
    assert "0642" not in s.posts[MILJO].participants and len(s.posts[MILJO].participants) == 12
    assert s.posts["Barnahus"].participants is None  # all thirteen
    assert s.balance.opening == 0 and s.blanks == ()


# ---------------------------------------------------------------------------------------
# Each kind of change
# ---------------------------------------------------------------------------------------
def test_each_kind_of_change(folder, matrix, population):
    s = load(
        write(
            folder,
            "alla-slag",
            """\
beskrivning: "Varje slags ändring"
utgår_från: forslag-2025
poster:
  Barnahus: {belopp: 100}
  Skola: {ändring: "-10 %"}
  Fritid: {nyckel: {"0604": 1, "0680": 3}}
  Fjärrundervisning: {nyckel: befolkning 2024-12-31, deltagare: ["0604", "0680"]}
  Grundfinansiering Social välfärd: {faktureras: true}
  Yrkesresorna: {från_balanskontot: true}
  Miljösamverkan: {nyckel: befolkning 2024-12-31}
""",
        ),
        matrix,
        population,
    )
    out = allocate_scenario(s, matrix, population)
    first = out[out["år"] == 2025].set_index(["post", "kommun_kod"])["belopp_kr"]
    # Barnahus 100 kr by the printed key; Skola 2 702 752 x 0,9 = 2 432 476,8 -> 2 432 477
    assert first.loc["Barnahus"].sum() == 100
    assert first.loc["Skola"].sum() == 2_432_477
    # Fritid 1 144 526 by weights 1:3 between Aneby and Jönköping: 286 131,5 each quarter ->
    # Aneby 286 131 (+ the left-over krona goes to the larger remainder: equal, lower code),
    # so Aneby 286 132, Jönköping 858 394; the others take no part (a weight table says who)
    assert first.loc[("Fritid", "0604")] == 286_132
    assert first.loc[("Fritid", "0680")] == 858_394
    assert first.loc["Fritid"].drop(["0604", "0680"]).eq(0).all()
    # Fjärrundervisning by population between Aneby 6 797 and Jönköping 147 654:
    # 535 325 x 6 797 / 154 451 = 23 558,2... -> 23 558; Jönköping 511 767
    assert first.loc[("Fjärrundervisning", "0604")] == 23_558
    assert first.loc[("Fjärrundervisning", "0680")] == 511_767
    # the base fee invoiced, so no longer taken from the balance; Yrkesresorna taken instead
    assert s.posts[GRUND].invoiced and not s.posts[GRUND].from_balance
    assert s.posts["Yrkesresorna"].from_balance and not s.posts["Yrkesresorna"].invoiced
    # a population key keeps the participants: Mullsjö still outside Miljösamverkan
    assert first.loc[(MILJO, "0642")] == 0 and first.loc[MILJO].sum() == 1_050_979


def test_a_participant_without_a_weight_is_an_error(folder, matrix, population):
    msgs = errors(
        write(
            folder,
            "fel",
            """\
beskrivning: "Fel"
utgår_från: forslag-2025
poster:
  Miljösamverkan: {deltagare: alla}
  Fritid: {nyckel: {"0604": 1}, deltagare: ["0604", "0680"]}
""",
        ),
        matrix,
        population,
    )
    # Mullsjö's Miljösamverkan cell is blank in the printed key
    find(msgs, "fel.yaml:4: poster.Miljösamverkan:", "kommun 0642 deltar men har ingen andel")
    find(msgs, "fel.yaml:5: poster.Fritid:", "kommun 0680 deltar men har ingen andel")


def test_the_readmes_examples_are_valid(folder, matrix, population):
    """Every YAML example of scenarios/README.md that is a whole scenario loads."""
    import re

    readme = (scenarios_dir() / "README.md").read_text(encoding="utf-8")
    examples = [
        b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("beskrivning:")
    ]
    assert len(examples) == 2
    for i, text in enumerate(examples):
        s = load(write(folder, f"exempel-{i}", text), matrix, population)
        assert s.description
    every = load(folder / "exempel-1.yaml", matrix, population)
    # 1 571 166 -> 1 800 000; Barnahus 3 168 492 x 1,03 = 3 263 546,76 -> 3 263 547
    assert every.posts["IoT projekt"].total == 1_800_000
    assert every.posts["Barnahus"].total == 3_263_547
    assert every.years == (2025, 2026, 2027) and every.uprating_bp == 200
    assert every.balance.opening == 18_000_000
    assert every.balance.withdrawals == {2025: 10_000_000, 2026: 1_000_000}
    assert every.posts[GRUND].uprating_bp == 0 and every.posts[GRUND].invoiced


# ---------------------------------------------------------------------------------------
# Years ahead
# ---------------------------------------------------------------------------------------
def test_uprate_rounds_half_up_exactly():
    # 100 x 1,025 = 102,5 -> 103; 9 000 000 x 1,02 = 9 180 000; 1 x 0,5 = 0,5 -> 1
    assert int(uprate(100, 250)) == 103
    assert int(uprate(9_000_000, 200)) == 9_180_000
    assert int(uprate(1, -5_000)) == 1
    assert int(uprate(3, -5_000)) == 2  # 1,5 -> 2


def test_three_years_with_two_per_cent(folder, matrix, population):
    s = load(
        write(
            folder,
            "tre-ar",
            """\
beskrivning: "Tre år, 2 % om året"
utgår_från: forslag-2025
år: 2025–2027
uppräkning: "2 %"
poster:
  Skola: {uppräkning: "0 %"}
""",
        ),
        matrix,
        population,
    )
    assert s.years == (2025, 2026, 2027) and s.uprating_bp == 200
    out = allocate_scenario(s, matrix, population)
    assert len(out) == 3 * 16 * 13 and list(out.columns) == FEE_COLUMNS
    totals = out.groupby(["år", "post"])["belopp_kr"].sum()
    # Barnahus 3 168 492 -> x 1,02 = 3 231 861,84 -> 3 231 862 -> x 1,02 = 3 296 499,24
    assert [totals[(y, "Barnahus")] for y in (2025, 2026, 2027)] == [
        3_168_492,
        3_231_862,
        3_296_499,
    ]
    assert [totals[(y, "Skola")] for y in (2025, 2026, 2027)] == [2_702_752] * 3
    # the base fee taken from the balance is uprated too: 9 000 000, 9 180 000, 9 363 600;
    # 20 500 000 − 10 000 000 − 9 000 000 = 1 500 000; − 9 180 000 = −7 680 000
    frame, runs_out = project_balance(s)
    assert frame["utgående_kr"].tolist() == [1_500_000, -7_680_000, -17_043_600]
    assert runs_out == 2026


def test_balance_movements_and_horizon_errors(folder, matrix, population):
    msgs = errors(
        write(
            folder,
            "fel",
            """\
beskrivning: "Fel år"
utgår_från: forslag-2025
år: 2026–2028
balanskonto:
  ingående: 1.5
  uttag: {2031: 5}
  insättningar: [1, 2]
""",
        ),
        matrix,
        population,
    )
    find(msgs, "fel.yaml:3: år:", "förslagets år 2025")
    find(msgs, "fel.yaml:5: balanskonto.ingående:", "hela kronor")
    find(msgs, "fel.yaml:7: balanskonto.insättningar:", "ett belopp per år")
    msgs = errors(
        write(
            folder,
            "fel2",
            'beskrivning: "x"\nutgår_från: forslag-2025\nbalanskonto:\n  uttag: {2031: 5}\n',
        ),
        matrix,
        population,
    )
    find(msgs, "fel2.yaml:4: balanskonto.uttag:", "utanför scenariots år 2025–2028")


# ---------------------------------------------------------------------------------------
# The shipped scenarios
# ---------------------------------------------------------------------------------------
def test_shipped_scenarios_load_and_are_short(shipped, matrix):
    for name, s in shipped.items():
        assert s.name == name
        assert s.description.strip()
        assert set(s.posts) == set(post_labels(matrix))
        assert s.years == (2025, 2026, 2027, 2028)
    lines = (scenarios_dir() / "avtal.yaml").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 10
    assert read_head(scenarios_dir() / "avtal.yaml").base.stem == "forslag-2025"


# The former avtal.yaml, post by post as it was written (80 lines): every total as printed on
# the Summa row, the printed key, everyone taking part, invoiced but for Arbete och
# delaktighet and Yrkesresorna, nothing from the balance account.
OLD_AVTAL = [
    (GRUND, 9_000_000, True),
    ("Arbete och delaktighet", 900_000, False),
    ("Familjecentralsamordnare", 285_571, True),
    ("Barnahus", 3_168_492, True),
    ("Familjehemsresurs", 5_283_065, True),
    (MEDLEM, 9_000_000, True),
    ("Digitalisering", 1_583_550, True),
    ("IoT projekt", 1_571_166, True),
    ("Skola", 2_702_752, True),
    ("Fjärrundervisning", 535_325, True),
    ("Fritid", 1_144_526, True),
    ("Kval.arb öppen fritid", 219_801, True),
    ("Utvecklingsarbete friluftsliv", 451_966, True),
    (MILJO, 1_050_979, True),
    ("VO-collage", 904_998, True),
    ("Yrkesresorna", 1_742_870, False),
]


def test_avtal_gives_exactly_todays_fees(shipped, matrix, population):
    from kuanalysis.fees.keys import PRINTED_KEY
    from kuanalysis.fees.model import PostSpec, Scenario

    old = Scenario(
        "avtal",
        "avtal.yaml",
        "",
        {
            post: PostSpec(post, total, PRINTED_KEY, invoiced, None, False, 0)
            for post, total, invoiced in OLD_AVTAL
        },
        years=(2025,),
    )
    before = allocate_scenario(old, matrix, population)
    now = allocate_scenario(shipped["avtal"], matrix, population)
    now = now[now["år"] == 2025].reset_index(drop=True)
    pd.testing.assert_frame_equal(now, before)


def test_proposal_invoices_what_the_summa_column_sums(shipped, matrix):
    invoiced = [p for p, s in shipped["forslag-2025"].posts.items() if s.invoiced]
    assert sorted(invoiced) == sorted(summa_composition(matrix).included)


def test_text_figures_in_scenarios(shipped):
    iot = shipped["iot-digitalisering-text"].posts
    assert (iot["IoT projekt"].total, iot["Digitalisering"].total) == (1_800_000, 1_500_000)
    assert shipped["socialchefer-15-mars"].posts[GRUND].total == 0
    avtal = shipped["avtal"].posts[GRUND]
    assert (avtal.total, avtal.invoiced, avtal.from_balance) == (9_000_000, True, False)


def test_allocation_contract(shipped, matrix, population):
    out = allocate_scenario(shipped["forslag-2025"], matrix, population)
    assert list(out.columns) == FEE_COLUMNS
    assert len(out) == 4 * 13 * 16
    assert out["belopp_kr"].dtype == "int64" and out["fakturerad"].dtype == bool
    assert out["år"].tolist()[:1] == [2025] and out["år"].tolist()[-1] == 2028
    aneby = out[(out["kommun"] == "Aneby") & (out["post"] == "Barnahus") & (out["år"] == 2025)]
    assert aneby["kommun_kod"].tolist() == ["0604"]
    assert aneby["belopp_kr"].tolist() == [58_698]  # as printed
    mullsjo = out[(out["kommun_kod"] == "0642") & (out["post"] == MILJO)]
    assert mullsjo["belopp_kr"].tolist() == [0] * 4


def test_golden_invoiced_totals(shipped, matrix, population):
    """The 2025 fees of every shipped scenario are today's (the golden file, worked out from
    the printed table: tests/golden/README_fees.md)."""
    golden = pd.read_csv(
        project_root() / "tests" / "golden" / "fees_totals.csv", dtype={"kommun_kod": str}
    )
    assert sorted(golden["scenario"].unique()) == SHIPPED
    fees_all = pd.concat([allocate_scenario(s, matrix, population) for s in shipped.values()])
    got = invoiced_totals(fees_all[fees_all["år"] == 2025])
    merged = golden.merge(
        got[["scenario", "kommun_kod", "fakturerat_kr"]],
        on=["scenario", "kommun_kod"],
        how="outer",
        suffixes=("", "_beraknat"),
        indicator=True,
    )
    assert (merged["_merge"] == "both").all()
    off = merged[
        (merged["fakturerat_kr_beraknat"] - merged["fakturerat_kr"]).abs() > merged["tolerans_kr"]
    ]
    assert off.empty, off.to_string()


def test_balance_per_scenario(shipped):
    _, year = project_balance(shipped["forslag-2025"])
    assert year == 2026  # 20,5 − 10 − 9 = 1,5 mnkr left after 2025
    _, year = project_balance(shipped["avtal"])
    assert year is None  # base fee invoiced: only the 10 mnkr leave the account


def test_load_scenario_reads_the_base_from_the_same_folder(matrix, population):
    s = load_scenario(scenarios_dir() / "avtal.yaml", matrix, population)
    assert s.posts[GRUND].invoiced and s.proposal_year == 2025


# ---------------------------------------------------------------------------------------
# kuanalysis fees
# ---------------------------------------------------------------------------------------
def test_cli_writes_csv(tmp_path, capsys):
    out = tmp_path / "avgifter.csv"
    rc = cli_fees([str(scenarios_dir() / "avtal.yaml")], str(out))
    assert rc == 0
    text = out.read_text(encoding="utf-8").splitlines()
    # the contract: the six columns as before, år last
    assert text[0] == "scenario,kommun_kod,kommun,post,belopp_kr,fakturerad,år"
    assert text[1] == "avtal,0604,Aneby,Grundfinansiering Social välfärd,166730,true,2025"
    assert text[-1].endswith(",2028")
    assert len(text) == 1 + 4 * 13 * 16
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    assert "avtal: balanskontot räcker till och med 2028" in capsys.readouterr().out


def test_cli_reports_errors_and_writes_nothing(tmp_path, capsys):
    shutil.copy(scenarios_dir() / "forslag-2025.yaml", tmp_path)
    bad = tmp_path / "trasig.yaml"
    bad.write_text(BAD, encoding="utf-8")
    out = tmp_path / "avgifter.csv"
    rc = cli_fees([str(bad), str(scenarios_dir() / "avtal.yaml")], str(out))
    assert rc == 2
    assert "trasig.yaml:6: poster.Barnahus.belopp:" in capsys.readouterr().err
    assert not out.exists()


def test_cli_a_fault_in_the_code_is_not_called_bad_input(tmp_path, monkeypatch, capsys):
    # a ValueError from the computation is a fault in the code: it reaches main (exit 1, one
    # paragraph), it is not printed as bad input with exit 2
    import kuanalysis.commands.fees as fees_cli

    def broken(*args, **kwargs):
        raise ValueError("ett fel i koden")

    monkeypatch.setattr(fees_cli, "allocate_scenario", broken)
    out = tmp_path / "avgifter.csv"
    with pytest.raises(ValueError, match="ett fel i koden"):
        cli_fees([str(scenarios_dir() / "avtal.yaml")], str(out))
    assert capsys.readouterr().err == ""
    assert not out.exists()


def test_cli_sweep_prints_and_writes(tmp_path, capsys):
    out = tmp_path / "svep.csv"
    rc = cli_fees(
        [str(scenarios_dir() / "forslag-2025.yaml")], str(out), svep=f"{GRUND}=0..3000000/1500000"
    )
    assert rc == 0
    printed = capsys.readouterr().out
    assert "Jönköping" in printed and "Tar slut" in printed
    frame = pd.read_csv(out, dtype={"tar_slut": "Int64"})
    # from the balance: 20,5 − 10 = 10,5 mnkr for four years of the base fee:
    # 0 kr: 10,5 left; 1,5 mnkr: 10,5 − 6 = 4,5; 3 mnkr: 10,5 − 12 = −1,5 (below in 2028:
    # 10,5 − 3 x 3 = 1,5 after 2027)
    assert frame["värde"].tolist() == [0, 1_500_000, 3_000_000]
    assert frame["balanskonto_kr"].tolist() == [10_500_000, 4_500_000, -1_500_000]
    assert frame["tar_slut"].tolist()[2] == 2028 and frame["tar_slut"].isna().tolist()[:2] == [
        True,
        True,
    ]
    # the base fee is not invoiced: the municipalities pay the same at every value
    assert frame["0680"].nunique() == 1


def test_cli_largest_value(capsys):
    rc = cli_fees([str(scenarios_dir() / "forslag-2025.yaml")], hogsta=GRUND, till=2028)
    assert rc == 0
    text = capsys.readouterr().out
    # 10 500 000 kr for 2025–2028: 2 625 000 a year leaves exactly 0; one krona more, −4 kr
    assert "2 625 000 kr" in text and "0 kr vid slutet av 2028" in text
    assert "−4 kr vid slutet av 2028" in text


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"svep": "Skola=10..1/1"}, "FRÅN får inte vara större"),
        ({"svep": "Okänd=0..1/1"}, "okänd post 'Okänd'"),
        ({"svep": "Skola 0..1"}, "POST=FRÅN..TILL/STEG"),
        ({"svep": "Skola=0..100000/1"}, "för många"),
        ({"hogsta": GRUND}, "--till"),
        ({"hogsta": GRUND, "till": 2040}, "2040 ingår inte"),
        ({"svep": "Skola=0..1/1", "hogsta": GRUND, "till": 2028}, "inte båda"),
    ],
)
def test_cli_refuses_bad_options(capsys, kwargs, message):
    rc = cli_fees([str(scenarios_dir() / "forslag-2025.yaml")], **kwargs)
    assert rc == 2
    assert message in capsys.readouterr().err


def test_cli_largest_uprating_can_be_a_decrease(capsys):
    rc = cli_fees([str(scenarios_dir() / "forslag-2025.yaml")], hogsta="uppräkning", till=2026)
    assert rc == 0
    text = capsys.readouterr().out
    # after 2025 the account holds 20,5 − 10 − 9 = 1,5 mnkr; the base fee of 2026 is
    # 9 000 000 x (1 + u): u = −83,34 % gives 1 499 400 (600 kr left), −83,33 % gives
    # 1 500 300 (−300 kr)
    assert "alla poster" in text and ": −83,34 %." in text
    assert "600 kr vid slutet av 2026" in text and "−300 kr vid slutet av 2026" in text
    assert "Det är en minskning: balanskontot räcker inte till och med 2026" in text


def test_cli_sweep_draws_its_chart(tmp_path, capsys):
    """--diagram: the sweep as a chart, PNG or SVG by the suffix, the same bytes each time."""
    forslag = str(scenarios_dir() / "forslag-2025.yaml")
    svep = f"{GRUND}=0..9000000/1500000"
    files = [tmp_path / n for n in ("a.png", "b.png", "c.svg")]
    for f in files:
        assert cli_fees([forslag], svep=svep, diagram=str(f)) == 0
    assert files[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert files[0].read_bytes() == files[1].read_bytes()
    svg = files[2].read_text(encoding="utf-8")
    # what the chart says it shows, in Swedish, with the decimal comma on the swept axis
    assert "Svep: Grundfinansiering Social välfärd (mnkr)" in svg
    assert "Balanskontot vid slutet av 2028" in svg and "Fakturerat 2025" in svg
    assert "<!-- 1,5 -->" in svg and "<!-- 1.5 -->" not in svg
    assert "Diagrammet skrivet till" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"diagram": "x.png"}, "--diagram gäller bara --svep"),
        ({"svep": "Skola=0..1/1", "diagram": "x.pdf"}, "filen ska sluta på .png eller .svg"),
    ],
)
def test_cli_sweep_chart_refuses(kwargs, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli_fees([str(scenarios_dir() / "forslag-2025.yaml")], **kwargs) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
