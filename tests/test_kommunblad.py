"""Tests of kuanalysis.reports.kommunblad: which sheets to render, and what one sheet shows.
Expected values are worked out by hand in the comments (the tiny report: tests/fees_fixtures)."""

from __future__ import annotations

import dataclasses
import json
import re

import fees_fixtures as F
import pytest
from conftest import shipped_project

from kuanalysis import render
from kuanalysis.errors import ParameterError
from kuanalysis.paths import notebooks_dir
from kuanalysis.reports import feedata, feetables, html, kommunblad

FORSLAG = "data/raw/000-pks-2024/finansiering-2025.csv"


@pytest.fixture
def report():
    return F.report()


def cells(markup: str, tag: str = "td") -> list[str]:
    return re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", markup)


# ---------------------------------------------------------------------------------------
# File names and variants
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, slug",
    [
        ("Jönköping", "jonkoping"),
        ("Värnamo", "varnamo"),
        ("Sävsjö", "savsjo"),
        ("Eksjö", "eksjo"),
        ("Aneby", "aneby"),
        ("Kval.arb öppen fritid", "kval-arb-oppen-fritid"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
    ],
)
def test_ascii_slug(name, slug):
    assert kommunblad.ascii_slug(name) == slug


def test_variants_one_per_municipality():
    # one page per municipality and proposal year; the shipped proposal is 2025's
    variants = [v for v in kommunblad.variants({}) if v["parameters"]["forslag"] == FORSLAG]
    assert len(variants) == 13
    assert variants[0] == {
        "parameters": {"kommuner": "0604", "forslag": FORSLAG},
        "output": "kommunblad/2025/0604-aneby.html",
        "title": "Kommunblad Aneby: avgifter 2025",
        "sort": "2025-12-31",
    }
    jkp = [v for v in variants if v["parameters"]["kommuner"] == "0680"]
    assert jkp[0]["output"] == "kommunblad/2025/0680-jonkoping.html"
    assert jkp[0]["title"] == "Kommunblad Jönköping: avgifter 2025"
    assert all(v["output"].isascii() for v in variants)
    codes = [v["parameters"]["kommuner"] for v in variants]
    assert codes == sorted(codes) and len(set(codes)) == 13


def test_variants_selection_in_the_order_named():
    chosen = kommunblad.variants({"kommuner": "0686, 0604, 0686", "forslag": FORSLAG})
    assert [v["output"] for v in chosen] == [
        "kommunblad/2025/0686-eksjo.html",
        "kommunblad/2025/0604-aneby.html",
    ]


def test_one_code_is_one_sheet():
    assert kommunblad.variants({"kommuner": "0604", "forslag": FORSLAG}) == [
        {
            "parameters": {"kommuner": "0604", "forslag": FORSLAG},
            "output": "kommunblad/2025/0604-aneby.html",
            "title": "Kommunblad Aneby: avgifter 2025",
            "sort": "2025-12-31",
        }
    ]


@pytest.mark.parametrize(
    "kommuner, shown",
    [("alla", "0680"), ("", "0680"), ("0604", "0604"), (" 0686 , 0604", "0686")],
)
def test_the_notebook_shows_the_first_code_or_jonkoping_for_all(kommuner, shown):
    assert kommunblad.shown_code(kommuner) == shown


@pytest.mark.parametrize(
    "overrides, outputs",
    [
        ({"kommuner": "0680"}, ["kommunblad/2025/0680-jonkoping.html"]),
        (
            {"kommuner": "0686,0604"},
            ["kommunblad/2025/0686-eksjo.html", "kommunblad/2025/0604-aneby.html"],
        ),
    ],
)
def test_the_plan_renders_the_sheets_kommuner_names(tmp_path, monkeypatch, overrides, outputs):
    monkeypatch.setenv("KUANALYSIS_ROOT", str(shipped_project(tmp_path)))
    assert [j.output for j in render.plan(["kommunblad"], overrides)] == outputs
    assert len(render.plan(["kommunblad"], {})) == 13  # nothing given: every municipality
    assert len(render.plan(["kommunblad"], {"kommuner": "alla"})) == 13


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"kommuner": "680"}, "fyra siffror som text"),
        ({"kommuner": "0604,68O"}, "fyra siffror som text"),
        ({"kommuner": "9999"}, "kommunkoden 9999 finns inte"),
        ({"kommuner": "0604,9999"}, "kommunkoden 9999 finns inte"),
    ],
)
def test_variants_refuse_codes_that_do_not_fit(parameters, message):
    with pytest.raises(ParameterError, match=message):
        kommunblad.variants(parameters)


def test_variants_name_the_municipalities_of_the_forslag_parameter():
    out = kommunblad.variants({"forslag": "data/raw/000-pks-2024/finansiering-2025.csv"})
    assert len(out) == 13
    # the year comes from the matrix's period (2025 in the tiny fixture)
    assert kommunblad.variants({"forslag": "t.csv"}, matrix=F.matrix(x_name="Ö")) == [
        {
            "parameters": {"kommuner": "0001", "forslag": "t.csv"},
            "output": "kommunblad/2025/0001-o.html",
            "title": "Kommunblad Ö: avgifter 2025",
            "sort": "2025-12-31",
        },
        {
            "parameters": {"kommuner": "0002", "forslag": "t.csv"},
            "output": "kommunblad/2025/0002-y.html",
            "title": "Kommunblad Y: avgifter 2025",
            "sort": "2025-12-31",
        },
    ]
    # a name without a single ASCII letter or digit: the code alone names the file
    assert kommunblad.variants({}, matrix=F.matrix(x_name="ÅÄ<>"))[0]["output"] == (
        "kommunblad/2025/0001-aa.html"
    )
    assert kommunblad.variants({}, matrix=F.matrix(x_name="東京"))[0]["output"] == (
        "kommunblad/2025/0001.html"
    )


def test_one_parameter_says_which_municipalities():
    nb = json.loads((notebooks_dir() / "kommunblad.ipynb").read_text(encoding="utf-8"))
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    assert 'kommuner = "alla"' in "".join(params["source"])
    assert "kommun_kod =" not in "".join(params["source"])  # the code is derived, not given
    assert nb["metadata"]["kuanalysis"]["variants"] == "kuanalysis.reports.kommunblad:variants"


def test_the_renderer_plans_one_sheet_for_one_code():
    jobs = render.plan(["kommunblad"], {"kommuner": "0604", "forslag": FORSLAG})
    assert [j.output for j in jobs] == ["kommunblad/2025/0604-aneby.html"]
    with pytest.raises(ParameterError, match="ingen parameter 'kommun_kod'"):
        render.plan(["kommunblad"], {"kommun_kod": "0604"})


# ---------------------------------------------------------------------------------------
# One sheet
# ---------------------------------------------------------------------------------------
def test_kommun_name_checks_the_code(report):
    assert kommunblad.kommun_name(report, "0001") == "X"
    with pytest.raises(ParameterError, match="välj bland 0001, 0002 eller alla"):
        kommunblad.kommun_name(report, "0003")


@pytest.mark.parametrize(
    "n, words", [(2, "två"), (13, "tretton"), (20, "tjugo"), (21, "21"), (1234, "1\u00a0234")]
)
def test_in_words(n, words):
    assert kommunblad.in_words(n) == words


def test_summary(report):
    text = kommunblad.summary(report, "0001")
    assert isinstance(text, html.Markup)
    assert text.startswith('<p class="ruta" id="kommunblad">')  # the print CSS keys on the id
    # X pays 600 of the proposal's 1 000 kr (60 %), has 300 of 400 inhabitants (75 %), and
    # GRUND is shown but not invoiced; two municipalities in the matrix
    assert re.sub("<[^>]+>", "", text) == (
        "Enligt förslaget faktureras X 600\u00a0kr för 2025. Det är 60,00\u00a0% av det som "
        "faktureras alla två kommuner. X har 75,00\u00a0% av länets invånare (2024-12-31), så "
        "kommunen betalar något mindre än sin andel av folkmängden. 1 post står i förslagets "
        f"tabell men faktureras inte: {F.GRUND}."
    )
    assert "<b>600\u00a0kr</b>" in text


def test_summary_when_every_post_is_invoiced(report):
    # alt invoices both posts: make it the proposal by name
    s = F.scenarios()
    s[1] = dataclasses.replace(s[1], name="forslag-2025", description="Allt faktureras.")
    r = feedata.FeeReport(F.matrix(), F.population(), F.history(), [s[1]])
    text = kommunblad.summary(r, "0002")
    # Y: 500 + 30 = 530 of 1 100 kr = 48,18 %, population 25 %: pays more
    assert "48,18\u00a0% av det som faktureras" in text and "något mer än" in text
    assert text.endswith("Alla poster i förslagets tabell faktureras.</p>")


def test_fees_frame_and_table(report):
    shares = feetables.share_vs_population(report.fees, report.population)
    frame = kommunblad.fees_frame(report.fees, "0001", shares)
    # X: MEDLEM 600 / 500, GRUND not invoiced / 70; invoiced 600 / 570: −30 kr; shares
    # 600 / 1 000 = 60 % and 570 / 1 100 = 51,82 %
    assert frame.loc[F.MEDLEM].tolist() == [600, 500]
    assert frame.loc[F.GRUND].tolist() == ["faktureras ej", 70]
    assert frame.loc["Skillnad mot förslaget"].tolist() == ["0\u00a0kr", "\u221230\u00a0kr"]
    assert frame.loc["Andel av alla kommuners avgifter"].tolist() == [
        "60,00\u00a0%",
        "51,82\u00a0%",
    ]
    table = kommunblad.fees_table(report, "0001")
    assert (
        "<caption>X: avgift per post 2025 i förslaget och alternativen, kronor</caption>" in table
    )
    assert cells(table)[:4] == ["600\u00a0kr", "500\u00a0kr", "faktureras ej", "70\u00a0kr"]


def test_history_frame_and_table(report):
    h = feetables.history_table(*(report.history[t] for t in feedata.HISTORY_TABLES), report.matrix)
    frame = kommunblad.history_frame(h, "X", 2025)
    # X: social 10 / 20 and GRUND 70 kr = 0,07 tkr; administration 1 / 2 and MEDLEM 0,6 tkr
    assert list(frame.index) == ["2016", "2018", "2025 (förslaget)"]
    assert frame["Social välfärd"].tolist() == [10, 20, pytest.approx(0.07)]
    assert frame["Administration / medlemsavgift"].tolist() == [1, 2, pytest.approx(0.6)]
    table = kommunblad.history(report, "0001")
    assert "<caption>X: finansieringen förr och nu, tkr</caption>" in table
    assert cells(table) == ["10", "1", "20", "2", "0", "1"]


def test_years_frame_and_table(report):
    # each year (2025, 2026; no uprating): X pays 600 in forslag-2025 and 500 + 70 = 570 in
    # alt; forslag takes 100 kr a year from 20,5 − 10 mnkr, alt nothing: neither runs out
    # within its years (to 2026)
    frame = kommunblad.years_frame(report, "0001")
    assert list(frame.columns) == ["2025", "2026", "Balanskontot tar slut"]
    assert frame.loc["forslag-2025"].tolist() == [600, 600, "inte före 2027"]
    assert frame.loc["alt"].tolist() == [570, 570, "inte före 2027"]
    # with 10 000 050 kr at the start: −50 kr after 2025 under forslag-2025
    assert (
        kommunblad.years_frame(report, "0001", 10_000_050).at[
            "forslag-2025", "Balanskontot tar slut"
        ]
        == "2025"
    )
    table = kommunblad.years_table(report, "0002")
    assert 'id="per-ar"' in table and cells(table)[:3] == [
        "400\u00a0kr",
        "400\u00a0kr",
        "inte före 2027",
    ]


def test_fields(report):
    assert kommunblad.fields(report, "0001") == {
        "titel": "Kommunblad: avgifter 2025",
        "kommun": "X",
        "kommun_kod": "0001",
    }


def test_alternatives(report):
    assert kommunblad.alternatives(report) == (
        "<p><b>Alternativen.</b> <i>alt</i>: Ett alternativ.</p>"
    )
    only = feedata.FeeReport(F.matrix(), F.population(), F.history(), F.scenarios()[:1])
    assert kommunblad.alternatives(only) == ""


def test_hostile_names_and_descriptions_are_text_on_the_sheet():
    r = F.report(
        x_name="<script>alert(1)</script>",
        alt_name="<img src=x onerror=alert(1)>",
        alt_description='<img src="https://evil.example/x.png">',
    )
    shown = html.join(
        [
            kommunblad.summary(r, "0001"),
            kommunblad.fees_table(r, "0001"),
            kommunblad.history(r, "0001"),
            kommunblad.alternatives(r),
        ]
    )
    assert "<script" not in shown and "<img" not in shown
    assert shown.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert "<i>&lt;img src=x onerror=alert(1)&gt;</i>" in shown
    assert ": &lt;img src=&quot;https://evil.example/x.png&quot;&gt;</p>" in shown


def test_a_heading_field_reads_literally_through_the_renderer():
    # the kommunblad's heading is a {{field}}: the renderer fills it with
    # html.markdown_literal, then sanitises the Markdown source and converts it
    import nbformat

    literal = html.markdown_literal("<script>alert(1)</script> & *x* &amp; [a](b)")
    assert literal == (
        "&lt;script&gt;alert\\(1\\)&lt;\\/script&gt; &amp; \\*x\\* &amp;amp\\; \\[a\\]\\(b\\)"
    )
    nb = nbformat.v4.new_notebook()
    fields = {
        "application/vnd.kuanalysis.fields+json": {"kommun": "<script>alert(1)</script> & *x*"}
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("## {{kommun}} kommun"),
        nbformat.v4.new_code_cell(
            "", outputs=[nbformat.v4.new_output("display_data", data=fields)]
        ),
    ]
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    from kuanalysis.render.export import export_html

    page, _, _ = export_html(nb, "t", {}, "2024-10-25 08:00", "x", "index.html")
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt; &amp; *x* kommun</h2>" in page


def test_the_sheet_says_how_a_blank_cell_is_read():
    from kuanalysis.fees.model import BlankReading

    def with_blank(post=F.GRUND):
        s = F.scenarios()
        # X's base fee as if printed blank with 70 kr implied: the proposal reads it as the
        # implied amount (its sidecar), the alternative as outside the post (its file, line 4)
        blanks = [
            BlankReading("X", post, 70.0, "beräknat", "forslag.yaml"),
            BlankReading("X", post, 70.0, "utanför", "alt.yaml:4"),
        ]
        s = [dataclasses.replace(sc, blanks=(b,)) for sc, b in zip(s, blanks)]
        return feedata.FeeReport(F.matrix(), F.population(), F.history(), s)

    note = kommunblad.blank_note(with_blank(), "0001")
    assert note == (
        f'<p id="tomma-celler"><b>Tomma celler.</b> {F.GRUND} är tom i förslagets tabell; '
        "postens summarad ger 70\u00a0kr. <i>forslag-2025</i> läser cellen som beräknat "
        "belopp: kommunen betalar sin del (forslag.yaml). "
        f"{F.GRUND} är tom i förslagets tabell; postens summarad ger 70\u00a0kr. <i>alt</i> "
        "läser cellen som utanför posten: kommunen deltar inte (alt.yaml:4).</p>"
    )
    # Y has no blank cell: nothing on its sheet; nor on a sheet of a proposal without blanks
    assert kommunblad.blank_note(with_blank(), "0002") == ""
    assert kommunblad.blank_note(F.report(), "0001") == ""
    # the labels are text
    hostile = kommunblad.blank_note(with_blank("<img src=x>"), "0001")
    assert "<img" not in hostile and hostile.count("&lt;img src=x&gt; är tom") == 2


def test_the_notebook_shows_the_blank_note():
    source = json.loads((notebooks_dir() / "kommunblad.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code")
    assert "kommunblad.blank_note(r, kommun_kod)" in code
