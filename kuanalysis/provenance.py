"""Where a report's figures come from: input files with SHA-256, parameters, version, commit.

A loaded table carries its :class:`Source` files (``Table.sources``); a notebook hands the
sources of what it used to the renderer with :func:`kuanalysis.publish.inputs`, and the
renderer appends :func:`block_html` to the report. Nothing is collected behind the scenes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .markup import element as e
from .paths import project_root, relative


@dataclass(frozen=True)
class Source:
    """One file a figure came from: its path as shown to readers, and its SHA-256."""

    path: str
    sha256: str


def sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def source(path: Path | str) -> Source:
    """The file at ``path`` as a :class:`Source` (path relative to the project root)."""
    return Source(relative(path), sha256(path))


#: What the code of a report is, relative to the project root: a change elsewhere (a scenario,
#: a table, a report) is an input, not a new version of the code.
CODE_PATHS = ("kuanalysis", "notebooks", "pyproject.toml", "requirements.lock")


def git_commit() -> str:
    """The version of the code: the last commit that changed :data:`CODE_PATHS`, with
    ``+ändringar`` when those files differ from it in the work tree.

    Edits and commits of data or scenarios leave it unchanged, so a report that does not read
    them keeps its bytes and need not be rendered again.
    """
    root = project_root()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("log", "-1", "--format=%h", "--abbrev=12", "--", *CODE_PATHS)
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", *CODE_PATHS)
    except (OSError, subprocess.CalledProcessError):
        return "okänd"
    if not commit:
        return "okänd"
    return commit + ("+ändringar" if dirty else "")


#: How much of a SHA-256 the short line shows: enough to tell two versions of a file apart.
SHORT_HASH = 8


def short_line(inputs: dict[str, str], generated_at: str, commit: str):
    """The sources in one line, for a page that must print on one sheet (the kommunblad):
    each file's name and the start of its SHA-256, the time and the code's version. The
    full table stays in the block (on screen) and in ``_index.json``."""
    files = (
        ", ".join(f"{Path(p).name} ({h[:SHORT_HASH]})" for p, h in sorted(inputs.items()))
        or "inga indatafiler"
    )
    return e(
        "p",
        f"Källor: {files}. Skapad {generated_at}, kod {commit}; SHA-256 förkortade, "
        "hela i webbversionen.",
        class_="kallor-kort",
    )


def block_html(inputs: dict[str, str], parameters: dict, generated_at: str, commit: str):
    """The provenance block shown at the end of every report (Swedish, escaped)."""
    rows_in = [e("tr", e("td", p), e("td", e("code", h))) for p, h in sorted(inputs.items())]
    rows_in = rows_in or [e("tr", e("td", "Inga indatafiler lästes.", colspan="2"))]
    rows_p = [
        e("tr", e("td", k), e("td", json.dumps(v, ensure_ascii=False)))
        for k, v in sorted(parameters.items())
    ]
    rows_p = rows_p or [e("tr", e("td", "Inga parametrar.", colspan="2"))]

    def table(id_, caption, headings, rows):
        head = e("thead", e("tr", *(e("th", h, scope="col") for h in headings)))
        return e("table", e("caption", caption), head, e("tbody", *rows), id=id_)

    return e(
        "section",
        e("h2", "Om rapporten"),
        short_line(inputs, generated_at, commit),
        e(
            "p",
            f"Skapad {generated_at} med kuanalysis {__version__}, version ",
            e("code", commit),
            " av koden.",
        ),
        table("proveniens-indata", "Indatafiler (SHA-256)", ("Fil", "SHA-256"), rows_in),
        table("proveniens-parametrar", "Parametrar", ("Namn", "Värde"), rows_p),
        class_="proveniens",
        id="proveniens",
    )
