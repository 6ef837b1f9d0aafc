"""``index.html`` of the output folder and its state file ``_index.json``.

The state holds one entry per HTML file, describing the file that is on disk: after a failed
render the entry keeps the title, parameters and time of the last good file and only notes
the failure. One ``kuanalysis render`` at a time writes to a folder: a run holds the folder's
render lock (:func:`one_render`) from reading the state until it has written it, and a
second run waits (saying so); so the state always describes the files on disk. Every update
of the state is also made under the index lock (read, merge, write), so no entry is lost
whoever writes it. A state that cannot be
read (damaged by hand or by a full disk) is rebuilt from the HTML files in the folder, under
the lock, and the user is told so in one line.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from ..paths import atomic_path, relative
from ..provenance import sha256
from ..publish import FIELD
from ..reports.html import Markup, element, link
from .export import TEMPLATES

STATE = "_index.json"
_LOCK = ".index.lock"
#: Where Windows holds a render's lock (it locks files, not folders); elsewhere the lock is
#: on the output folder itself, and no file is made for it.
RENDER_LOCK = ".render.lock"


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


@contextmanager
def one_render(out_dir: Path):
    """Hold the output folder's render lock for a whole run; a second run into the same
    folder waits here, with one line on stderr, until the first has written its state.

    It is another lock than the index lock, which the run takes too (an ``flock`` is per
    open file: one process would wait on itself)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with _render_handle(out_dir) as handle:
        if not _try_lock(handle):
            print(
                f"Väntar: en annan körning av kuanalysis render skriver till "
                f"{relative(out_dir)}/; den här fortsätter när den är klar.",
                file=sys.stderr,
                flush=True,
            )
            _lock(handle, True)
        try:
            yield
        finally:
            _lock(handle, False)


@contextmanager
def _render_handle(out_dir: Path):
    if os.name == "nt":  # Windows locks files, not folders: a file beside the state
        with open(out_dir / RENDER_LOCK, "a+b") as f:
            yield f
    else:  # the folder itself (flock takes a folder's descriptor): nothing is written
        fd = os.open(out_dir, os.O_RDONLY)
        try:
            yield fd
        finally:
            os.close(fd)


def _try_lock(f) -> bool:
    """Take the lock if it is free; False if another process holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


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
    """The saved state: output (relative to ``out_dir``) -> entry; empty when there is none.

    A state that cannot be read is rebuilt from the files on disk (:func:`from_disk`) and
    written, under the lock, with one line on stderr saying so.
    """
    state = _read(out_dir)
    if state is None:
        with locked(out_dir):
            state = _read(out_dir)  # another process may have rebuilt it meanwhile
            if state is None:
                state = _rebuilt(out_dir)
                _write(out_dir, state)
    return state


def _read(out_dir: Path) -> dict | None:
    """The saved state, or None when the file is there but cannot be read as a state."""
    path = out_dir / STATE
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON
        return None
    if not isinstance(state, dict) or not all(_valid(k, e) for k, e in state.items()):
        return None
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


def _texts(value, *keys: str) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k, ""), str) for k in keys)


def _valid(output, e) -> bool:
    """Whether ``e`` is an entry as :func:`update` writes it (or an older one with status)."""
    mappings = ("parameters", "files", "inputs")
    return (
        _texts(e, "report", "report_title", "title", "sort", "generated_at", "sha256", "key")
        and e.get("output") == output
        and isinstance(e.get("report"), str)
        and isinstance(e.get("title"), str)
        and isinstance(e.get("parameters"), dict)
        and all(isinstance(e.get(k, {}), dict) for k in mappings)
        and all(_texts(e.get(k, {}), *e.get(k, {})) for k in ("files", "inputs"))
        and (
            "failure" not in e
            or (_texts(e["failure"], "at") and isinstance(e["failure"].get("parameters"), dict))
        )
    )


_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def from_disk(out_dir: Path) -> dict:
    """A state describing the HTML files in ``out_dir`` (not ``index.html``, not ``_failed/``).

    What the files do not tell is left empty: no parameters, no time, no cache key (each is
    rendered again on the next run, which then writes its whole entry). The report is the
    first folder of the path (``kommunblad/2025/0604-aneby.html``: kommunblad), else the
    file's name without ``.html``; the title is the page's ``<title>``.
    """
    state = {}
    for path in sorted(out_dir.rglob("*.html")):
        rel = path.relative_to(out_dir)
        if rel.as_posix() == "index.html" or rel.parts[0] == "_failed":
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        head = path.read_bytes()[:20_000].decode("utf-8", "replace")
        found = _TITLE.search(head)
        title = " ".join(html.unescape(found[1]).split()) if found else rel.stem
        state[rel.as_posix()] = {
            "report": rel.parts[0] if len(rel.parts) > 1 else rel.stem,
            "report_title": "",
            "output": rel.as_posix(),
            "title": title or rel.stem,
            "parameters": {},
            "sort": "",
            "sha256": sha256(path),
        }
    return state


def _rebuilt(out_dir: Path) -> dict:
    print(
        f"Obs: {relative(out_dir / STATE)} gick inte att läsa; rapportlistan byggs om från "
        f"HTML-filerna i mappen",
        file=sys.stderr,
    )
    return from_disk(out_dir)


def _write(out_dir: Path, state: dict) -> None:
    with atomic_path(out_dir / STATE) as tmp:
        tmp.write_text(
            json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
    with atomic_path(out_dir / "index.html") as tmp:
        tmp.write_text(page(state), encoding="utf-8")


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
        state = _read(out_dir)
        if state is None:  # damaged since the run began
            state = _rebuilt(out_dir)
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
        _write(out_dir, state)
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
