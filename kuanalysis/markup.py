"""The one escaping path: every text that reaches a report's HTML passes through here.

Markup is built from elements, never from strings: :func:`element` escapes every text child
and every attribute value; :class:`Markup` marks HTML this module built, so it is embedded as
it is. It sits at the base of the package (the provenance block, the notebooks' publishing
protocol and the reports all build markup with it); :mod:`kuanalysis.reports.html` adds the
reports' building blocks (paragraphs, tables) on top. :func:`markdown_literal` is the same
for text placed in a notebook's Markdown (a report's title fields).
"""

from __future__ import annotations

import html as _html
import re

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
