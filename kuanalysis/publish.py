"""What a notebook hands to the renderer besides what it shows: invisible outputs.

- :func:`inputs`: the files the report's figures came from (tables, scenarios, mapping
  files), each with its SHA-256; the renderer lists them in the report's provenance block.
- :func:`fields`: texts for ``{{name}}`` fields in the notebook's Markdown cells (a title
  that depends on the data); the renderer fills them in, escaped, before converting.
- :func:`file`: a file (e.g. an xlsx workbook) that the renderer writes beside the report;
  the notebook shows a link to it.
- :func:`summary`: one line of what the report found (``8 avvikelser, 2 tomma celler``) and
  optionally a short name for it (``Aneby``); the renderer keeps them in ``_index.json`` and
  the reader's ``index.html`` shows them beside the report's link.

Run in JupyterLab these only display; nothing is written. Only ``kuanalysis render`` writes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping

from .markup import Markup
from .provenance import Source

MIME_INPUTS = "application/vnd.kuanalysis.inputs+json"
MIME_FIELDS = "application/vnd.kuanalysis.fields+json"
MIME_FILE = "application/vnd.kuanalysis.file+json"
MIME_SUMMARY = "application/vnd.kuanalysis.summary+json"
#: At most this many characters in a summary line and a short name (one line on a phone).
SUMMARY_LENGTH = 200

#: A field name in a Markdown cell: ``{{titel}}``.
FIELD = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
#: A published file's name: a plain file name beside the report, of a kind readers open.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(xlsx|csv)$")


def collect_sources(*items) -> dict[str, str]:
    """Path -> SHA-256 of every source named by ``items``.

    An item is a :class:`~kuanalysis.provenance.Source`, anything with ``sources`` (a table)
    or ``source`` (a scenario, a mapping file), or a mapping/iterable of such items.
    """
    out: dict[str, str] = {}

    def add(item):
        if item is None:
            return
        if isinstance(item, Source):
            out[item.path] = item.sha256
        elif hasattr(item, "sources"):
            for s in item.sources:
                add(s)
        elif hasattr(item, "source"):
            add(item.source)
        elif isinstance(item, Mapping):
            for v in item.values():
                add(v)
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            for v in item:
                add(v)
        else:
            raise TypeError(f"vet inte vilka filer {type(item).__name__} bygger på")

    for item in items:
        add(item)
    return dict(sorted(out.items()))


def _display(bundle: dict) -> None:
    from IPython.display import display

    display(bundle, raw=True)


def inputs(*items) -> None:
    """Hand the renderer the files the report read (call in the notebook's last cell)."""
    _display({MIME_INPUTS: collect_sources(*items)})


def fields(**texts: str) -> None:
    """Texts for the ``{{name}}`` fields of the notebook's Markdown cells."""
    for name in texts:
        if not FIELD.fullmatch("{{" + name + "}}"):
            raise ValueError(f"ogiltigt fältnamn {name!r}")
    _display({MIME_FIELDS: {k: str(v) for k, v in texts.items()}})


def file(name: str, data: bytes, link_html) -> None:
    """A file for the renderer to write beside the report, shown here as ``link_html``.

    ``link_html`` is markup from :mod:`kuanalysis.markup` (the link readers click).
    """
    if not FILE_NAME.match(name):
        raise ValueError(
            f"filnamnet {name!r} ska vara ett enkelt filnamn som slutar på .xlsx eller .csv"
        )
    if not isinstance(link_html, Markup):
        raise TypeError("link_html ska vara byggd av kuanalysis.markup")
    _display(
        {
            MIME_FILE: {"name": name, "base64": base64.b64encode(data).decode("ascii")},
            "text/html": str(link_html),
        }
    )


def summary(text: str, label: str = "") -> None:
    """One line of what the report found, for the reader's index (and a short name for it,
    e.g. the municipality of a kommunblad; empty: the report's title is used).

    Both are plain text: the index escapes them. Line breaks become spaces.

    Raises
    ------
    ValueError
        For an empty text, or one longer than :data:`SUMMARY_LENGTH` characters.
    """
    text, label = (" ".join(str(t).split()) for t in (text, label))
    if not text or len(text) > SUMMARY_LENGTH or len(label) > SUMMARY_LENGTH:
        raise ValueError(
            f"sammanfattningen ska vara en rad text, högst {SUMMARY_LENGTH} tecken: {text!r}"
        )
    _display({MIME_SUMMARY: {"text": text, "label": label}})
