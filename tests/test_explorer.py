"""Tests of the functions behind the fee explorer's widgets (kuanalysis.reports.explorer),
not of the widgets (except that saving keeps the choice on screen): a choice as a scenario,
the view's figures, the sweep, the search and
saving. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import dataclasses
import shutil

import matplotlib
import pytest
from conftest import widget_parts

from kuanalysis.commands.fees import cli_fees
from kuanalysis.errors import InputError
from kuanalysis.fees.scenarios import ScenarioLoader, default_matrix, default_population
from kuanalysis.paths import scenarios_dir
from kuanalysis.reports import explorer as E

matplotlib.use("Agg")

GRUND = "Grundfinansiering Social välfärd"


@pytest.fixture(scope="module")
def loader():
    return ScenarioLoader(default_population(), {2025: default_matrix(2025)})


@pytest.fixture
def folder(tmp_path):
    for name in ("forslag-2025", "avtal"):
        shutil.copy(scenarios_dir() / f"{name}.yaml", tmp_path / f"{name}.yaml")
    return tmp_path


@pytest.fixture
def ex(folder, loader):
    return E.Explorer(folder, loader)


def test_bases_and_default(ex):
    # the printed proposal first, then the files (the proposal scenario first, the others by
    # name); the proposal scenario by default
    assert ex.names() == ["förslaget 2025", "forslag-2025", "avtal"]
    assert ex.default() == "forslag-2025"
    start = ex.start("forslag-2025")
    assert start.last_year == 2028 and start.uprating_bp == 0
    assert start.amounts[GRUND] == 9_000_000 and start.keys[GRUND] == "tryckt"


def test_an_unchanged_choice_is_its_base(ex):
    f = ex.frames(ex.start("avtal"))
    # avtal invoices the base fee: Aneby 548 399 + 166 730 = 715 129 each year (golden file)
    assert f["per_kommun"].loc["Aneby"].tolist() == [715_129] * 4
    # against forslag-2025: +166 730 for Aneby, +9 000 000 in all
    assert f["skillnad"].loc["Aneby", "Skillnad"] == 166_730
    assert f["skillnad"].loc["Summa", "Skillnad"] == 9_000_000
    assert f["balanskonto"]["utgående_kr"].tolist() == [10_500_000] * 4


def test_a_changed_choice(ex):
    start = ex.start("forslag-2025")
    choice = dataclasses.replace(
        start, last_year=2026, uprating_bp=1000, amounts={**start.amounts, GRUND: 1_000_000}
    )
    f = ex.frames(choice)
    # two years; the base fee from the balance: 1 000 000, then 1 100 000 (10 %):
    # 20 500 000 − 10 000 000 − 1 000 000 = 9 500 000; − 1 100 000 = 8 400 000
    assert list(f["per_kommun"].columns) == [2025, 2026]
    assert f["balanskonto"]["utgående_kr"].tolist() == [9_500_000, 8_400_000]
    # the invoiced total is uprated too: 27 902 191 x 1,1 summed post by post, each rounded
    # half up; it is at least 10 % more, at most 16 kronor (one per post) off
    total = f["per_kommun"].loc["Summa"]
    assert abs(total[2026] - 27_902_191 * 1.1) <= 16 / 2
    view = ex.view(choice)
    assert 'id="utforska-per-kommun"' in view and "Balanskontot räcker till och med 2026" in view


def test_a_key_change_and_bad_input(ex):
    start = ex.start("forslag-2025")
    choice = dataclasses.replace(start, keys={**start.keys, "Barnahus": "befolkning_2024_12_31"})
    assert ex.scenario(choice).posts["Barnahus"].key == "befolkning_2024_12_31"
    with pytest.raises(InputError, match="hela kronor"):
        ex.scenario(dataclasses.replace(start, amounts={**start.amounts, GRUND: -1}))
    with pytest.raises(InputError, match="okänd nyckel"):
        ex.scenario(dataclasses.replace(start, keys={**start.keys, GRUND: "folk"}))
    with pytest.raises(InputError, match="före 2025"):
        ex.scenario(dataclasses.replace(start, last_year=2020))


def test_changes_list_only_what_differs(ex):
    start = ex.start("forslag-2025")
    choice = dataclasses.replace(
        start,
        last_year=2026,
        uprating_bp=250,
        amounts={**start.amounts, "Skola": 1},
        keys={**start.keys, "Fritid": "befolkning_2023_12_31"},
    )
    c = ex.changes(choice)
    assert (c.years, c.uprating_bp) == ((2025, 2026), 250)
    assert set(c.posts) == {"Skola", "Fritid"}
    assert (c.posts["Skola"].amount, c.posts["Skola"].key) == (1, None)
    assert (c.posts["Fritid"].amount, c.posts["Fritid"].key) == (None, "befolkning_2023_12_31")
    assert ex.changes(start).posts == {} and ex.changes(start).years is None


def test_saved_scenario_is_accepted_by_kuanalysis_fees(ex, folder, tmp_path_factory, capsys):
    start = ex.start("forslag-2025")
    choice = dataclasses.replace(
        start,
        last_year=2027,
        uprating_bp=200,
        amounts={**start.amounts, GRUND: 2_000_000},
        keys={**start.keys, "Skola": "befolkning_2024_12_31"},
    )
    path = ex.save(choice, "mitt-val", "Grundavgiften 2 mnkr från balanskontot, 2 % om året.")
    assert path == folder / "mitt-val.yaml" and path.exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        "avtal.yaml",
        "forslag-2025.yaml",
        "mitt-val.yaml",
    ]  # no temporary file
    text = path.read_text(encoding="utf-8")
    assert "utgår_från: forslag-2025" in text and "uppräkning: +2 %" in text
    assert "nyckel: befolkning 2024-12-31" in text
    out = tmp_path_factory.mktemp("ut") / "avgifter.csv"
    assert cli_fees([str(path)], str(out)) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 3 * 16 * 13 and lines[1].startswith("mitt-val,0604,Aneby,")
    # what the file gives is what the explorer showed
    saved = ScenarioLoader(ex.population, {2025: ex.loader.table(2025)}).load(path)
    shown = ex.scenario(choice)
    assert saved.posts == {
        p: dataclasses.replace(s, line=saved.posts[p].line) for p, s in shown.posts.items()
    }
    assert (saved.years, saved.uprating_bp) == (shown.years, shown.uprating_bp)
    # the new scenario can be started from at once
    assert "mitt-val" in ex.names()


def test_save_refuses_to_overwrite_and_bad_names(ex, folder):
    start = ex.start("forslag-2025")
    before = (folder / "avtal.yaml").read_bytes()
    with pytest.raises(InputError, match="finns redan"):
        ex.save(start, "avtal", "Skriver över?")
    assert (folder / "avtal.yaml").read_bytes() == before
    with pytest.raises(InputError) as exc:
        ex.save(start, "../utanför", "")
    assert len(exc.value.errors) == 2  # the name and the missing description
    assert sorted(p.name for p in folder.iterdir()) == ["avtal.yaml", "forslag-2025.yaml"]


def test_save_from_the_printed_proposal(ex, folder):
    start = ex.start("förslaget 2025")
    path = ex.save(
        dataclasses.replace(start, amounts={**start.amounts, "Skola": 0}),
        "utan-skola",
        "Förslaget utan skolposten.",
    )
    assert "utgår_från: förslaget 2025" in path.read_text(encoding="utf-8")
    assert ex.bases["utan-skola"].posts["Skola"].total == 0


def test_sweep_and_largest(ex):
    start = ex.start("forslag-2025")
    frame = ex.sweep_frame(start, GRUND, [0, 2_625_000, 2_625_001])
    # 10 500 000 for four years: 2 625 000 a year leaves 0, one krona more −4 (4 years)
    assert frame["balanskonto_kr"].tolist() == [10_500_000, 0, -4]
    assert frame["tar_slut"].tolist() == [None, None, 2028]
    assert "Jönköping" in frame.columns
    table, ax = ex.sweep_view(start, GRUND, [0, 1_000_000])
    assert 'id="utforska-svep"' in table and len(ax.get_lines()) == 3  # two series, y = 0
    assert "2028: 2\u00a0625\u00a0000\u00a0kr" in ex.largest(start, GRUND, 2028)


def test_default_sweep_follows_the_balance_post(ex):
    start = ex.start("forslag-2025")
    assert E.sweep_variable(ex, start) == GRUND
    # 0 to twice 9 000 000 in 20 steps of 900 000
    values = E.default_values(ex, start, GRUND)
    assert (values[0], values[1], values[-1], len(values)) == (0, 900_000, 18_000_000, 21)
    assert E.sweep_variable(ex, ex.start("avtal")) == "uppräkning"
    assert E.default_values(ex, start, "uppräkning")[:3] == [0, 50, 100]


def test_exploring_writes_nothing(ex, folder):
    before = sorted(p.name for p in folder.iterdir())
    start = ex.start("forslag-2025")
    ex.view(start)
    ex.sweep_view(start, GRUND, [0, 1])
    ex.largest(start, GRUND, 2026)
    assert sorted(p.name for p in folder.iterdir()) == before


def test_saving_keeps_the_choice_on_screen(ex, folder):
    """The save button adds the file to the list of bases; the amounts, uprating and base
    the user set stay as they were (they used to be reset to the first base)."""
    parts = widget_parts(E.widget(ex))
    base = next(x for x in parts if getattr(x, "description", "") == "Utgå från")
    uprating = next(x for x in parts if getattr(x, "description", "") == "Uppräkning per år, %")
    name = next(x for x in parts if getattr(x, "description", "") == "Namn")
    text = next(x for x in parts if getattr(x, "description", "") == "Beskrivning")
    save = next(x for x in parts if getattr(x, "description", "") == "Spara som scenario")
    label = next(x for x in parts if getattr(x, "value", None) == "Skola")
    skola = next(iter(x for x in parts if label in getattr(x, "children", ()))).children[1]

    assert base.value == "forslag-2025"
    skola.value, uprating.value = "1 234 567", "2"
    name.value, text.value = "prov", "Skolposten ändrad."
    save.click()
    assert (folder / "prov.yaml").exists()
    assert "prov" in base.options
    assert (base.value, skola.value, uprating.value) == ("forslag-2025", "1 234 567", "2")
    assert "amount: 1234567" in (folder / "prov.yaml").read_text(encoding="utf-8") or (
        "1234567" in (folder / "prov.yaml").read_text(encoding="utf-8")
    )


def test_save_never_writes_under_data_raw(loader, tmp_path, monkeypatch):
    # a scenario folder that is (or links into) data/raw: refused, nothing written
    root = tmp_path / "projekt"
    raw = root / "data" / "raw" / "annat"
    raw.mkdir(parents=True)
    shutil.copy(scenarios_dir() / "forslag-2025.yaml", raw / "forslag-2025.yaml")
    monkeypatch.setenv("KUANALYSIS_ROOT", str(root))
    ex = E.Explorer(raw, loader)
    with pytest.raises(InputError, match="ligger i data/raw, som aldrig skrivs till"):
        ex.save(ex.start("forslag-2025"), "nytt", "Ett prov.")
    assert sorted(p.name for p in raw.iterdir()) == ["forslag-2025.yaml"]


def test_a_name_too_long_for_the_file_system_is_refused(ex, folder):
    # 300 letters + ".yaml" = 305 bytes, over the 255 a file name may have: refused before
    # the file system sees it (Path.exists() raised OSError here), nothing written
    with pytest.raises(InputError) as exc:
        ex.save(ex.start("forslag-2025"), "a" * 300, "Ett långt namn.")
    assert exc.value.errors == [
        f"Namn: namnet '{'a' * 40}…' är för långt: 305 byte med .yaml; ett fil- eller mappnamn "
        "får vara högst 255 byte (å, ä och ö räknas som 2 byte)"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["avtal.yaml", "forslag-2025.yaml"]


def test_the_save_button_shows_a_refused_name_in_the_widget(ex, folder):
    parts = widget_parts(E.widget(ex))
    name = next(x for x in parts if getattr(x, "description", "") == "Namn")
    text = next(x for x in parts if getattr(x, "description", "") == "Beskrivning")
    save = next(x for x in parts if getattr(x, "description", "") == "Spara som scenario")
    name.value, text.value = "b" * 300, "Ett långt namn."
    save.click()  # used to raise OSError (File name too long) inside the widget
    shown = [x.value for x in parts if "är för långt: 305 byte" in str(getattr(x, "value", ""))]
    assert len(shown) == 1 and "Namn: namnet" in shown[0]
    assert sorted(p.name for p in folder.iterdir()) == ["avtal.yaml", "forslag-2025.yaml"]
