"""``index.html`` of the output folder and its state file ``_index.json``.

The state holds one entry per HTML file, describing the file that is on disk: after a failed
render the entry keeps the title, parameters and time of the last good file and only notes
the failure. Several ``kuanalysis render`` processes may share a folder: each updates the
state under a file lock (read, merge, write), so no entry is lost.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from ..paths import atomic_path
from ..publish import FIELD
from ..reports.html import Markup, element, link
from .export import TEMPLATES

STATE = "_index.json"
_LOCK = ".index.lock"


@contextmanager
def locked(out_dir: Path):
    """Hold the output folder's index lock (``fcntl.flock``; ``msvcrt.locking`` on Windows)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / _LOCK, "a+b") as f:
        _lock(f, True)
        try:
            yield
        finally:
            _lock(f, False)


def _lock(f, on: bool) -> None:
    if os.name == "nt":
        import msvcrt

        f.seek(0)
        while True:
            try:
                msvcrt.locking(f.fileno(), msvcrt.LK_LOCK if on else msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
                return
            except OSError:  # LK_LOCK gives up after 10 s: keep waiting
                if not on:
                    raise
    else:
        import fcntl

        fcntl.flock(f, fcntl.LOCK_EX if on else fcntl.LOCK_UN)


def read_state(out_dir: Path) -> dict:
    """The saved state: output (relative to ``out_dir``) -> entry; empty when there is none."""
    path = out_dir / STATE
    state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for entry in state.values():
        old = entry.pop("status", None)  # written before the state held hashes and failures
        if old == "fel":
            entry["failure"] = {
                "at": entry.get("generated_at", ""),
                "parameters": entry["parameters"],
            }
        elif old is not None:
            entry["sha256"] = ""
    return state


def update(out_dir: Path, outcomes: list, generated_at: str) -> dict:
    """Merge one run's outcomes into the state, then write the state and ``index.html``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The output folder.
    outcomes : list of (Job, Result)
        ``Result.status`` is ``"ok"`` (a new file: its entry replaces the old one),
        ``"oförändrad"`` (the file on disk is current: a noted failure is cleared) or
        ``"fel"`` (the file on disk, if any, is kept: its entry only notes the failure).
    generated_at : str
        The run's time.

    Returns
    -------
    dict
        The state written.
    """
    with locked(out_dir):
        state = read_state(out_dir)
        for job, r in outcomes:
            about = {
                "report": job.report,
                "report_title": job.report_title,
                "output": job.output,
                "title": job.title,
                "parameters": job.parameters,
                "sort": job.sort,
            }
            prev = state.get(job.output, {})
            if r.status == "ok":
                state[job.output] = {
                    **about,
                    "title": r.title or job.title,
                    "generated_at": generated_at,
                    "sha256": r.sha256,
                    "files": r.files,
                    "inputs": r.inputs,
                    "key": r.key,
                }
            elif r.status == "oförändrad":
                prev.pop("failure", None)
            else:
                failure = {"at": generated_at, "parameters": job.parameters}
                state[job.output] = (
                    {**prev, "failure": failure}
                    if "sha256" in prev
                    else {**about, "failure": failure}
                )
        for output, entry in list(state.items()):
            if "sha256" in entry and not (out_dir / output).exists():  # deleted by hand
                good = ("generated_at", "sha256", "files", "inputs", "key")
                state[output] = {k: v for k, v in entry.items() if k not in good}
                if "failure" not in entry:
                    del state[output]
        with atomic_path(out_dir / STATE) as tmp:
            tmp.write_text(
                json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
            )
        with atomic_path(out_dir / "index.html") as tmp:
            tmp.write_text(page(state), encoding="utf-8")
    return state


def _row(e: dict) -> Markup:
    params = (
        ", ".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(e["parameters"].items())
        )
        or "–"
    )
    good = "sha256" in e
    if "failure" not in e:
        status = "klar"
    elif good:
        status = f"fel vid körningen {e['failure']['at']} (senaste lyckade versionen visas)"
    else:
        status = f"fel vid körningen {e['failure']['at']} (ingen lyckad version finns)"
    title = link(e["output"], e["title"]) if good else e["title"]
    return element(
        "tr",
        element("td", title),
        element("td", params),
        element("td", e.get("generated_at", "–")),
        element("td", status),
    )


def _heading(title: str, report: str) -> str:
    # a report's title may hold fields its variants fill in differently: leave them out
    return " ".join(FIELD.sub(" ", title).split()).rstrip(":–-, ") or report


def page(state: dict) -> str:
    """``index.html``: every report, its variants newest first, relative links, Swedish."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup as Safe

    groups: dict[str, list] = {}
    for e in state.values():
        groups.setdefault(e["report"], []).append(e)
    head = element(
        "thead",
        element(
            "tr",
            *(element("th", h, scope="col") for h in ("Rapport", "Parametrar", "Skapad", "Status")),
        ),
    )
    sections = []
    for report in sorted(groups):
        entries = sorted(groups[report], key=lambda e: e["output"])
        entries.sort(key=lambda e: e.get("sort", ""), reverse=True)  # stable: output breaks ties
        sections.append(
            element(
                "section",
                element("h2", _heading(entries[0].get("report_title", ""), report)),
                element(
                    "table",
                    head,
                    element("tbody", *map(_row, entries)),
                    class_="ku-tabell",
                    id=f"rapport-{report}",
                ),
            )
        )
    body = element(
        "div",
        element("h1", "Rapporter"),
        element(
            "p",
            "Alla rapporter i den här mappen. Öppna en rapport genom att klicka på "
            "titeln; sidorna fungerar utan internetuppkoppling.",
        ),
        *(sections or [element("p", "Inga rapporter ännu.")]),
        id="rapporter",
    )
    env = Environment(loader=FileSystemLoader(str(TEMPLATES / "kuanalysis")), autoescape=True)
    return env.get_template("rapportindex.html.j2").render(body=Safe(body))
