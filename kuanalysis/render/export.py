"""From an executed notebook to what readers get: one HTML page and the files it published.

:func:`export_html` cleans the notebook (no parameter cells, no stderr, no error outputs, no
papermill metadata), collects what it published through :mod:`kuanalysis.publish` (inputs,
fields, files), leaves out empty optional sections (markdown cells tagged ``valfri``),
appends the provenance block and exports with the package's nbconvert template (no code, no
prompts, no scripts, HTML sanitised), filling the ``{{name}}`` fields of the markdown cells
after the sanitiser.
:func:`scrub` makes a failed notebook safe to keep: no local absolute paths.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import nbformat

from .. import provenance, publish
from ..markup import Markup, escape, markdown_literal

#: Tag of a markdown cell that is left out when its section shows nothing.
OPTIONAL = "valfri"
_PARAMETER_TAGS = {"parameters", "injected-parameters"}
PROVENANCE = "proveniens"  # id of the cell holding the provenance block (no fields in it)

_ALLOWED_TAGS = sorted(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_ALLOWED_ATTRS = {
    "*": ["class", "id", "title", "role", "aria-label", "lang"],
    "a": ["href", "title"],
    "img": ["src", "alt", "width", "height"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
}
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class ReportError(Exception):
    """A report that cannot be finished; the message is one complete Swedish sentence."""


@dataclass
class Published:
    """What a notebook handed the renderer besides what it shows."""

    inputs: dict[str, str] = field(default_factory=dict)  # path -> SHA-256
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> content
    summary: dict[str, str] = field(default_factory=dict)  # {"text": ..., "label": ...}


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def clean(nb) -> Published:
    """Drop what a reader must not see, in place; return what the notebook published.

    Raises
    ------
    ReportError
        When the notebook publishes a file with a name that is not a plain file name, or
        two files of the same name.
    """
    found = Published()
    nb.cells = [c for c in nb.cells if not _PARAMETER_TAGS & _tags(c)]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" or out.get("name") == "stderr":
                continue
            data = out.get("data", {})
            found.inputs.update(data.pop(publish.MIME_INPUTS, {}))
            found.fields.update(data.pop(publish.MIME_FIELDS, {}))
            if publish.MIME_SUMMARY in data:
                said = data.pop(publish.MIME_SUMMARY)
                found.summary = {k: str(said.get(k, "")) for k in ("text", "label")}
            if publish.MIME_FILE in data:
                f = data.pop(publish.MIME_FILE)
                if not publish.FILE_NAME.fullmatch(str(f["name"])):  # a name only, never a path
                    raise ReportError(
                        f"anteckningsboken publicerar filen {f['name']!r}; ett "
                        f"filnamn som slutar på .xlsx eller .csv behövs."
                    )
                if f["name"] in found.files:
                    raise ReportError(f"anteckningsboken publicerar filen {f['name']} två gånger.")
                found.files[f["name"]] = base64.b64decode(f["base64"])
            if "data" in out and not data:
                continue  # it held only what the renderer takes
            if any(kind.startswith("image/") for kind in data) and not alt_text(out):
                raise ReportError(
                    "ett diagram i anteckningsboken saknar alt-text (vad det visar, i ord); "
                    "rita det med kuanalysis.reports.charts, som skriver den."
                )
            kept.append(out)
        cell.outputs = kept
    nb.metadata.pop("papermill", None)
    return found


def alt_text(output) -> str:
    """The alt text of an image output (``metadata["image/png"]["alt"]``, as
    :func:`kuanalysis.reports.charts.describe` gives it); empty when there is none."""
    metadata = output.get("metadata", {})
    for kind, value in metadata.items():
        if kind.startswith("image/") and isinstance(value, dict) and value.get("alt"):
            return re.sub(r"[ \t\r\n]+", " ", str(value["alt"])).strip()
    return ""


def _alt_filter(output) -> Markup:
    """Template filter ``ku_alt``: an image's alt text as an attribute value, escaped by the
    one escaping path."""
    return escape(alt_text(output))


def drop_empty_sections(nb) -> None:
    """Leave out each markdown cell tagged ``valfri`` whose section shows nothing.

    Its section is the code cells after it up to the next markdown cell; it shows nothing
    when none of them has an output left after :func:`clean`.
    """
    kept = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and OPTIONAL in _tags(cell):
            section = takewhile(lambda c: c.cell_type != "markdown", nb.cells[i + 1 :])
            if not any(c.get("outputs") for c in section):
                continue
        kept.append(cell)
    nb.cells = kept


def check_fields(cells, fields: dict[str, str]) -> None:
    """Every ``{{name}}`` in the markdown cells must have a text.

    Parameters
    ----------
    cells : list
        The notebook's cells, numbered as the analyst sees them (the first is cell 1).
    fields : dict of str to str
        The texts the notebook published with :func:`kuanalysis.publish.fields`.

    Raises
    ------
    ReportError
        For a field without a text (naming the field and its cell).
    """
    for number, cell in enumerate(cells, 1):
        if cell.cell_type == "markdown":
            for name in publish.FIELD.findall(cell.source):
                if name not in fields:
                    raise ReportError(
                        f"fältet {{{{{name}}}}} i cell {number} har inget värde; "
                        f"anteckningsboken ska ge det med publish.fields({name}=...) i en kodcell."
                    )


def _fill_fields(nb, resources):
    """nbconvert preprocessor, run after the sanitiser: each ``{{name}}`` becomes its text
    as literal Markdown (the sanitiser would mangle the backslash escapes)."""
    fields = resources["ku_fields"]
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.get("id") != PROVENANCE:
            cell.source = publish.FIELD.sub(
                lambda m: markdown_literal(fields[m.group(1)]), cell.source
            )
    return nb, resources


def reproducible_zip(data: bytes, moment: dt.datetime) -> bytes:
    """A zip-based file (xlsx) with every date set to ``moment``: same content, same bytes.

    openpyxl stamps the save time into every zip entry and into ``<dcterms:created>`` and
    ``<dcterms:modified>`` of ``docProps/core.xml``; both become ``moment``.

    Parameters
    ----------
    data : bytes
        The zip file.
    moment : datetime.datetime
        The report's generation time (minutes; seconds are dropped).

    Returns
    -------
    bytes
        The zip file with the same entries, in the same order, re-dated.
    """
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)
    iso = moment.strftime("%Y-%m-%dT%H:%M:00Z").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            content = src.read(entry)
            if entry.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    lambda m: m.group(1) + iso,
                    content,
                )
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.create_system = 0  # the same bytes on every platform
            dst.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors.sanitize import SanitizeHTML
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True
    c.SanitizeHTML.tags = _ALLOWED_TAGS
    c.SanitizeHTML.attributes = _ALLOWED_ATTRS
    c.SanitizeHTML.strip = True
    exporter = HTMLExporter(
        config=c, template_name="kuanalysis", extra_template_basedirs=[str(TEMPLATES)]
    )
    exporter.register_preprocessor(SanitizeHTML(config=c), enabled=True)
    exporter.register_preprocessor(_fill_fields, enabled=True)
    exporter.register_filter("ku_alt", _alt_filter)
    return exporter


_EXPORTER: list = []  # one per process: building it costs more than an export


def exporter():
    """This process's HTML exporter, built on first use."""
    if not _EXPORTER:
        _EXPORTER.append(_exporter())
    return _EXPORTER[0]


def export_html(
    nb, title: str, parameters: dict, generated_at: str, commit: str, index_href: str
) -> tuple[str, str, Published]:
    """The reader's HTML page of an executed notebook, its title, and what it published.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        As papermill returns it; changed in place.
    title : str
        The page title; its ``{{name}}`` fields are filled in.
    parameters : dict
        The values the notebook ran with (shown in the provenance block).
    generated_at, commit : str
        Shown in the provenance block.
    index_href : str
        Relative link to ``index.html``.

    Returns
    -------
    (str, str, Published)
        The page, its title, and the inputs, fields and files the notebook published (the
        files as published: :func:`reproducible_zip` is the caller's step).

    Raises
    ------
    ReportError
        For a field without a text or a file published twice.
    """
    numbered = [c for c in nb.cells if "injected-parameters" not in _tags(c)]
    published = clean(nb)
    check_fields(numbered, published.fields)
    drop_empty_sections(nb)
    title = publish.FIELD.sub(lambda m: published.fields.get(m.group(1), m.group(0)), title)
    cell = nbformat.v4.new_markdown_cell(
        str(provenance.block_html(published.inputs, parameters, generated_at, commit))
    )
    cell.id = PROVENANCE  # fixed, so that two runs give identical files
    nb.cells.append(cell)
    body, _ = exporter().from_notebook_node(
        nb,
        resources={"ku_title": title, "ku_index_href": index_href, "ku_fields": published.fields},
    )
    return focusable_tables(body), title, published


def focusable_tables(page: str) -> str:
    """Every table and table frame can take the keyboard's focus (``tabindex="0"``): on a
    narrow screen they scroll sideways, and a region that scrolls must be reachable without
    a mouse (axe-core's rule ``scrollable-region-focusable``)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    for frame in soup.select("div.tabellram, table.ku-tabell"):
        frame["tabindex"] = "0"
    return str(soup)


def scrub(nb, replacements: dict[str, str]) -> None:
    """Make an executed notebook safe to keep: no papermill metadata, no local paths.

    Every occurrence of a key of ``replacements`` (e.g. the project root, the temporary
    folder) in any text of the notebook, tracebacks included, becomes its value.
    """
    nb.metadata.pop("papermill", None)
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in _tags(c)]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    # a folder, never a root such as "/" (a home folder can be one)
    pairs = sorted(
        ((k, v) for k, v in replacements.items() if Path(k).name), key=lambda kv: -len(kv[0])
    )

    def clean_text(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                node[k] = walk(v)
        elif isinstance(node, list):
            node[:] = [walk(v) for v in node]
        elif isinstance(node, str):
            return clean_text(node)
        return node

    walk(nb)
