"""The one escaping path: every text reaching HTML is escaped; markup only from elements."""

import pandas as pd
import pytest

from kuanalysis.reports import html

NB = "\u00a0"
HOSTILE = "<img src=x onerror=alert(1)> & \"x\" 'y'"


def test_table_escapes_html_and_has_fixed_id():
    df = pd.DataFrame(
        {"Belopp": [1234.0, float("nan")], "Namn": ["<b>x</b>", "A & B"]},
        index=pd.Index(["Rad <1>", "Rad 2"], name="Område"),
    )
    out = html.table(df, id="t-1", caption="Test & prov")
    assert out == html.table(df, id="t-1", caption="Test & prov")  # deterministic
    assert 'id="t-1"' in out
    assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "A &amp; B" in out and "Rad &lt;1&gt;" in out and "Test &amp; prov" in out
    assert f'<td class="tal">1{NB}234</td>' in out
    assert '<td class="tal">–</td>' in out  # blank shown as a dash


def test_table_marks_cells():
    df = pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "y"])
    marks = pd.DataFrame({"a": ["", "avvikelse"]}, index=["x", "y"])
    out = html.table(df, id="m", marks=marks)
    assert '<td class="tal avvikelse">2</td>' in out
    assert '<td class="tal">1</td>' in out


def test_element_escapes_text_and_attributes_but_keeps_markup():
    inner = html.element("b", HOSTILE)
    out = html.element("p", HOSTILE, inner, class_='a" onclick="x')
    assert out == (
        '<p class="a&quot; onclick=&quot;x">&lt;img src=x onerror=alert(1)&gt; '
        "&amp; &quot;x&quot; &#x27;y&#x27;<b>&lt;img src=x onerror=alert(1)&gt; "
        "&amp; &quot;x&quot; &#x27;y&#x27;</b></p>"
    )
    with pytest.raises(ValueError):
        html.element("script", "x")
    with pytest.raises(ValueError):
        html.element("p", "x", **{"on click": "y"})


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "https://evil.example/x",
        "//evil.example/x",
        "data:text/html,x",
        " javascript:x",
    ],
)
def test_link_refuses_anything_but_a_relative_path(href):
    with pytest.raises(ValueError):
        html.link(href, "x")


def test_link_to_a_file_beside_the_report():
    assert html.link("avgifter-2025.xlsx", "Ladda <ner>") == (
        '<a href="avgifter-2025.xlsx">Ladda &lt;ner&gt;</a>'
    )


def test_show_refuses_plain_strings():
    with pytest.raises(TypeError):
        html.show("<p>x</p>")


def test_paragraph_items_and_boxes():
    assert html.paragraph(["A <b>.", "B."], box=True) == (
        '<div class="ruta"><p>A &lt;b&gt;. B.</p></div>'
    )
    assert html.items(["<x>"], ordered=True) == "<ol><li>&lt;x&gt;</li></ol>"
    assert html.boxes([("Kvar", "5 tkr")]) == (
        '<div class="nyckeltal"><div>Kvar<b>5 tkr</b></div></div>'
    )


def test_markdown_literal_leaves_no_markup():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    out = markdown2html_mistune("# " + html.markdown_literal(HOSTILE + " *em* [l](u) _x_"))
    assert "<img" not in out and "<em>" not in out and '<a href="u"' not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "*em*" in out
