"""The reports' building blocks (paragraphs, lists, tables), built with
:mod:`kuanalysis.markup`, the one escaping path (its names are available here too).

Notebooks show markup with :func:`show`, which refuses plain strings, so a name, a label or a
description can never become a tag, whatever it holds.
"""

from __future__ import annotations

from numbers import Real

import pandas as pd

from ..markup import TAGS, Markup, element, escape, join, link, markdown_literal

__all__ = [
    "TAGS",
    "Markup",
    "boxes",
    "element",
    "escape",
    "items",
    "join",
    "link",
    "markdown_literal",
    "paragraph",
    "scroll",
    "show",
    "table",
]


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
