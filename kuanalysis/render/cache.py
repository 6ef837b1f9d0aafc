"""When a report need not be rendered again: a key over everything its files depend on.

The key of a job is a SHA-256 over: the notebook file, the job's output name, title and
parameters, each input file the report published (its SHA-256), the file names in the top
folder each input lives under (``data/raw`` or ``scenarios``: a new table or scenario changes
the key of every report that reads that folder; the SHA-256 of each YAML file there, since
reports choose what to read from sidecars), the package's code and templates, the commit
shown in the provenance block, the generation time when it is fixed (``--tidpunkt``,
``SOURCE_DATE_EPOCH``), and the SHA-256 of every file the job wrote (the HTML and the files it
published), so a file deleted or edited by hand is written again. The key of a report that
lists the others (the overview) also holds what it lists: every report's name and title and
each job's file and title (:func:`catalogue`), so a new notebook, an edited title or a new
variant renders it again.

A key is recorded after a good render (from what the notebook published) and computed again
from the files on disk; equal keys mean the render would give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

from ..provenance import sha256
from .planning import Job, Report

#: Folders whose listing is part of the key of every report reading a file in them.
TOP_FOLDERS = ("data/raw", "scenarios")
_PACKAGE = Path(__file__).resolve().parent.parent


def file_sha(path: Path | str) -> str:
    """The file's SHA-256, or ``"saknas"`` when there is no such file."""
    try:
        return sha256(path)
    except OSError:
        return "saknas"


def code_digest() -> str:
    """One SHA-256 over the package's Python files and templates."""
    h = hashlib.sha256()
    files = sorted(
        p
        for p in _PACKAGE.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix == ".py" or "templates" in p.relative_to(_PACKAGE).parts)
    )
    for p in files:
        h.update(p.relative_to(_PACKAGE).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def top_folder(path: str) -> str:
    """The folder whose listing counts for an input: ``data/raw``, ``scenarios`` or its own."""
    for top in TOP_FOLDERS:
        if path.startswith(top + "/"):
            return top
    return PurePosixPath(path).parent.as_posix()


class Listings:
    """File names under project folders, each listed once per run (at the start, for the
    top folders, so that a file added during the run changes the next run's keys)."""

    def __init__(self, root: Path):
        self.root = root
        self._seen = {top: self._list(top) for top in TOP_FOLDERS}

    def _list(self, folder: str) -> list[str]:
        """The file names under ``folder``; a YAML file (a sidecar, a mapping, a scenario)
        with its SHA-256 too, because reports choose what to read from their contents (which
        tables are proposals or periods, and of which year)."""
        base = self.root / folder
        names = sorted(
            (Path(d) / f).relative_to(base).as_posix()
            for d, _, files in os.walk(base)
            for f in files
        )
        return [f"{n} {file_sha(base / n)}" if n.endswith(".yaml") else n for n in names]

    def __call__(self, folder: str) -> list[str]:
        if folder not in self._seen:
            self._seen[folder] = self._list(folder)
        return self._seen[folder]


def catalogue(reports: dict[str, Report], jobs: list[Job]) -> list:
    """What a report listing the others shows: each report's name and title, and the file
    and title of each of its jobs (``jobs``: the plan of every report with its defaults)."""
    return [
        [name, r.title, [[j.output, j.title] for j in jobs if j.report == name]]
        for name, r in reports.items()
    ]


def key(
    job: Job,
    notebook_sha: str,
    inputs: dict[str, str],
    written: dict[str, str],
    context: dict,
    listings: Listings,
    listed: list | None = None,
) -> str:
    """The key of ``job``.

    Parameters
    ----------
    job : Job
    notebook_sha : str
        SHA-256 of the notebook file.
    inputs : dict of str to str
        Input path (relative to the project root) -> SHA-256.
    written : dict of str to str
        Each file the job wrote (relative to the output folder) -> SHA-256.
    context : dict
        What is the same for every job of a run: code digest, commit, fixed time.
    listings : Listings
        The listings of the folders the inputs live under.
    listed : list, optional
        For a report that lists the others: the :func:`catalogue`.
    """
    payload = {
        "notebook": notebook_sha,
        "output": job.output,
        "title": job.title,
        "parameters": job.parameters,
        "inputs": inputs,
        "written": written,
        "folders": {f: listings(f) for f in sorted({top_folder(p) for p in inputs})},
        **context,
        **({"listed": listed} if listed is not None else {}),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_key(
    job: Job,
    entry: dict,
    notebook_sha: str,
    root: Path,
    out_dir: Path,
    context: dict,
    listings: Listings,
    listed: list | None = None,
) -> str:
    """The key of ``job`` from the files on disk now, for its last good index ``entry``."""
    inputs = {p: file_sha(root / p) for p in entry.get("inputs", {})}
    written = {rel: file_sha(out_dir / rel) for rel in [job.output, *entry.get("files", {})]}
    return key(job, notebook_sha, inputs, written, context, listings, listed)
