"""Where a report's figures come from: input files with SHA-256, parameters, version, commit.

Inside a notebook, ``kuanalysis.io`` notes every file it reads (:func:`note_input`); the last
cell calls :func:`publish`, which hands the list to the renderer as an invisible output. The
renderer (``kuanalysis.render``) then appends the provenance block to the HTML.
"""
from __future__ import annotations

import hashlib
import html
import json
import subprocess
from pathlib import Path

from . import __version__
from .paths import project_root, relative

MIMETYPE = "application/vnd.kuanalysis.inputs+json"
_inputs: dict[str, str] = {}


def sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def note_input(path: Path | str) -> None:
    """Record that the running report read this file."""
    _inputs[relative(path)] = sha256(path)


def publish() -> None:
    """Hand the recorded inputs to the renderer (call in a notebook's last cell)."""
    from IPython.display import display

    display({MIMETYPE: dict(sorted(_inputs.items()))}, raw=True)


def git_commit() -> str:
    """The checkout's commit, with ``+ändringar`` when the work tree differs from it."""
    root = project_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "okänd"
    return commit + ("+ändringar" if dirty else "")


def block_html(inputs: dict[str, str], parameters: dict, generated_at: str, commit: str) -> str:
    """The provenance block shown at the end of every report (Swedish, escaped)."""
    esc = html.escape
    rows_in = "".join(
        f"<tr><td>{esc(p)}</td><td><code>{esc(h)}</code></td></tr>" for p, h in sorted(inputs.items())
    ) or '<tr><td colspan="2">Inga indatafiler lästes.</td></tr>'
    rows_p = "".join(
        f"<tr><td>{esc(k)}</td><td>{esc(json.dumps(v, ensure_ascii=False))}</td></tr>"
        for k, v in sorted(parameters.items())
    ) or '<tr><td colspan="2">Inga parametrar.</td></tr>'
    return (
        '<section class="proveniens" id="proveniens"><h2>Om rapporten</h2>'
        f"<p>Skapad {esc(generated_at)} med kuanalysis {esc(__version__)}, "
        f"version <code>{esc(commit)}</code> av koden.</p>"
        '<table id="proveniens-indata"><caption>Indatafiler (SHA-256)</caption>'
        '<thead><tr><th scope="col">Fil</th><th scope="col">SHA-256</th></tr></thead>'
        f"<tbody>{rows_in}</tbody></table>"
        '<table id="proveniens-parametrar"><caption>Parametrar</caption>'
        '<thead><tr><th scope="col">Namn</th><th scope="col">Värde</th></tr></thead>'
        f"<tbody>{rows_p}</tbody></table></section>"
    )
