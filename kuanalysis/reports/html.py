"""The one escaping path: every text that reaches a report's HTML passes through here.

Markup is built from elements, never from strings: :func:`element` escapes every text child
and every attribute value; :class:`Markup` marks HTML this module built, so it is embedded as
it is. Notebooks show markup with :func:`show`, which refuses plain strings, so a name, a
label or a description can never become a tag, whatever it holds.
"""

from __future__ import annotations

import html as _html
import re
from numbers import Real

import pandas as pd

#: Tags this module builds (the renderer's sanitiser allows the same and a few more).
TAGS = frozenset(
    {
        "a",
        "b",
        "caption",
        "code",
        "details",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "i",
        "li",
        "ol",
        "p",
        "section",
        "small",
        "span",
        "strong",
        "summary",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9-]*$")
#: An href may only name a file beside the report or an anchor: no scheme, no host.
_SAFE_HREF = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!//)[^\s\\]*$")


class Markup(str):
    """HTML built by this module: safe to embed as it is."""

    __slots__ = ()


def escape(value) -> Markup:
    """Text as HTML: ``<``, ``>``, ``&`` and quotes escaped; :class:`Markup` is kept."""
    if isinstance(value, Markup):
        return value
    return Markup(_html.escape(str(value)))


def join(parts, sep: str = "") -> Markup:
    """Several pieces of text or markup as one piece of markup (text parts are escaped)."""
    return Markup(escape(sep).join(escape(p) for p in parts))


def element(tag: str, *children, **attributes) -> Markup:
    """``<tag attr="...">children</tag>``: children and attribute values escaped.

    Attribute names are given as keywords; a trailing underscore is dropped (``class_``)
    and other underscores become hyphens (``aria_label``). ``None`` leaves an attribute out.
    """
    if tag not in TAGS:
        raise ValueError(f"okänd tagg {tag!r}")
    attrs = []
    for key, value in attributes.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if not _ATTRIBUTE.match(name):
            raise ValueError(f"ogiltigt attributnamn {key!r}")
        attrs.append(" " + name + '="' + _html.escape(str(value)) + '"')
    return Markup("<" + tag + "".join(attrs) + ">" + join(children) + "</" + tag + ">")


def link(href: str, label) -> Markup:
    """A link to a file beside the report (relative path) or an anchor; nothing else."""
    if not _SAFE_HREF.match(str(href)):
        raise ValueError(f"länken {href!r} är ingen relativ sökväg")
    return element("a", label, href=href)


def paragraph(sentences, box: bool = False) -> Markup:
    """Sentences as one paragraph; in a ``div.ruta`` box when asked."""
    p = element("p", " ".join(str(s) for s in sentences))
    return element("div", p, class_="ruta") if box else p


def items(texts, ordered: bool = False) -> Markup:
    """A list (``<ol>`` when ordered), one item per text."""
    return element("ol" if ordered else "ul", *(element("li", t) for t in texts))


def boxes(pairs) -> Markup:
    """Key figures as boxes: ``(label, value)`` pairs in a ``div.nyckeltal`` grid."""
    return element(
        "div",
        *(element("div", label, element("b", value)) for label, value in pairs),
        class_="nyckeltal",
    )


def scroll(content: Markup) -> Markup:
    """A frame that keeps a wide table inside the page on screen."""
    return element("div", content, class_="tabellram")


def _is_missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, Real) and x != x)


def table(
    df: pd.DataFrame,
    *,
    id: str,
    caption: str | None = None,
    formats: dict | None = None,
    default=None,
    index: bool = True,
    marks: pd.DataFrame | None = None,
    classes: str = "ku-tabell",
) -> Markup:
    """A DataFrame as an accessible HTML table with a fixed id, every text escaped.

    Numbers are right-aligned and formatted with ``formats[column]`` (a callable) or
    ``default`` (:func:`kuanalysis.reports.fmt.number`); text cells are shown as they are.
    ``marks`` (same shape, strings or "") adds a CSS class per cell, e.g. ``"avvikelse"``.
    Deterministic: no random ids, so the same input gives the same HTML.
    """
    from .fmt import number

    formats = formats or {}
    default = default or number
    head = [element("th", str(df.index.name or ""), scope="col")] if index else []
    head += [element("th", str(col), scope="col") for col in df.columns]
    rows = []
    for i, (label, row) in enumerate(df.iterrows()):
        cells = [element("th", str(label), scope="row")] if index else []
        for j, col in enumerate(df.columns):
            value = row[col]
            cls = []
            if isinstance(value, Real) and not isinstance(value, bool) or _is_missing(value):
                text = formats.get(col, default)(value)
                cls.append("tal")
            else:
                text = str(formats[col](value)) if col in formats else str(value)
            if marks is not None:
                m = marks.iat[i, j]
                if isinstance(m, str) and m:
                    cls.append(m)
            cells.append(element("td", text, class_=" ".join(cls) or None))
        rows.append(element("tr", *cells))
    parts = [element("caption", caption)] if caption else []
    parts += [element("thead", element("tr", *head)), element("tbody", *rows)]
    return element("table", *parts, id=id, class_=classes)


#: Written as character references in Markdown: a sanitiser that reads the Markdown source
#: as HTML (nbconvert's SanitizeHTML does) then sees neither a tag nor an entity to undo.
_MARKDOWN_REFERENCES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def markdown_literal(text) -> str:
    """Text to place in Markdown so that it reads literally: no emphasis, link or tag.

    ``<``, ``>`` and ``&`` become character references; every other ASCII punctuation
    character is backslash-escaped (CommonMark lets any of them be), so ``*``, ``_`` and
    ``[`` stay characters; line breaks become spaces.
    """
    flat = re.sub(r"\s+", " ", str(text))
    return re.sub(r"[!-/:-@\[-`{-~]", lambda m: _MARKDOWN_REFERENCES.get(m[0], "\\" + m[0]), flat)


def show(markup: Markup) -> None:
    """Display markup in a notebook; empty markup shows nothing.

    Only :class:`Markup` is accepted: every text must have passed this module's escaping.
    """
    if not isinstance(markup, Markup):
        raise TypeError("show() tar bara HTML byggd av kuanalysis.reports.html (Markup)")
    if not markup:
        return
    from IPython.display import HTML, display

    display(HTML(str(markup)))
