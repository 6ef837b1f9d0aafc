"""``index.html`` of the output folder and its state file ``_index.json``.

The state holds one entry per HTML file, describing the file that is on disk (with the
one-line ``summary`` of what the report found, when it published one): after a failed
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
from pathlib import Path, PurePosixPath

from ..markup import Markup, element, link
from ..paths import atomic_path, relative
from ..provenance import sha256
from ..publish import FIELD
from ..reports.fmt import long_date
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
        and _texts(e.get("summary", {}), "text", "label")
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
                    **({"summary": r.summary} if r.summary else {}),
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
                good = ("generated_at", "sha256", "files", "inputs", "key", "summary")
                state[output] = {k: v for k, v in entry.items() if k not in good}
                if "failure" not in entry:
                    del state[output]
        _write(out_dir, state)
    return state


#: How readers think of the reports: a group per notebook, its heading and what it holds.
#: Reports of other notebooks get a group of their own after these, headed by their title.
GROUPS = {
    "fondredovisning": ("ekonomi", "Ekonomi: bokslut och delårsrapporter"),
    "avgifter": ("avgifter", "Avgifter"),
    "kommunblad": ("kommunblad", "Kommunblad"),
}


def _heading(title: str, report: str) -> str:
    # a report's title may hold fields its variants fill in differently: leave them out
    return " ".join(FIELD.sub(" ", title).split()).rstrip(":–-, ") or report


def _period(e: dict) -> str:
    """What period a report covers, in words, from its sort key (its period's last day)."""
    sort = e.get("sort", "")
    if not sort:
        return ""
    if e["report"] in ("avgifter", "kommunblad") and re.fullmatch(r"\d{4}-12-31", sort):
        return f"år {sort[:4]}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", sort):
        return f"till och med {long_date(sort)}"
    return sort


def _newest_first(entries: list) -> list:
    entries = sorted(entries, key=lambda e: e["output"])
    return sorted(entries, key=lambda e: e.get("sort", ""), reverse=True)  # stable


def _failure(e: dict) -> Markup | str:
    if "failure" not in e:
        return ""
    if "sha256" in e:
        text = f"fel vid körningen {e['failure']['at']} (senaste lyckade versionen visas)"
    else:
        text = f"fel vid körningen {e['failure']['at']} (ingen lyckad version finns)"
    return element("span", text, class_="fel")


def _title(e: dict, text: str | None = None) -> Markup:
    """The report's link (its title, or ``text``); only the title when there is no file."""
    text = text or e["title"]
    return link(e["output"], text) if "sha256" in e else element("span", text)


def _entry(e: dict) -> Markup:
    """A report for a reader: its title, period, when it was made and what it found."""
    facts = [p for p in (_period(e), e.get("generated_at") and f"skapad {e['generated_at']}") if p]
    files = [
        link(path, f"Arbetsbok för Excel ({PurePosixPath(path).name})")
        for path in sorted(e.get("files", {}))
        if path.endswith(".xlsx")
    ]
    found = e.get("summary", {}).get("text", "")
    return element(
        "li",
        element("b", _title(e)),
        element("span", " · ".join(facts), class_="om") if facts else "",
        element("span", found, class_="fynd") if found else "",
        *(element("span", f, class_="fil") for f in files),
        _failure(e),
    )


def _sheets_line(year: str, entries: list) -> Markup:
    """One line per year: the year, then one link per sheet (its short name)."""
    links = []
    for i, e in enumerate(sorted(entries, key=lambda e: e["output"])):
        label = e.get("summary", {}).get("label") or e["title"]
        links += [", " if i else "", _title(e, label), _failure(e)]
    made = sorted({e["generated_at"] for e in entries if e.get("generated_at")})
    about = f"{len(entries)} blad" + (f", skapade {made[-1]}" if made else "")
    return element(
        "li",
        element("b", f"{year}: " if year else ""),
        *links,
        element("span", about, class_="om"),
    )


def _group(group_id: str, heading: str, entries: list) -> Markup:
    if group_id == "kommunblad":
        by_year: dict[str, list] = {}
        for e in entries:
            by_year.setdefault(e.get("sort", "")[:4], []).append(e)
        items = [_sheets_line(y, by_year[y]) for y in sorted(by_year, reverse=True)]
        intro = element("p", "En sida per kommun med kommunens avgifter, för varje förslag.")
    else:
        items = [_entry(e) for e in _newest_first(entries)]
        intro = Markup("")
    return element(
        "section",
        element("h2", heading),
        intro,
        element("ul", *items, class_="rapportlista"),
        id=f"grupp-{group_id}",
    )


def _technical(state: dict) -> Markup:
    """Notebooks, parameters and hashes: for whoever maintains the reports, at the end."""
    rows = []
    for e in sorted(state.values(), key=lambda e: e["output"]):
        params = (
            ", ".join(
                f"{k} = {json.dumps(v, ensure_ascii=False)}"
                for k, v in sorted(e["parameters"].items())
            )
            or "–"
        )
        rows.append(
            element(
                "li",
                element("code", e["output"]),
                f": anteckningsboken {e['report']}.ipynb; parametrar ",
                element("code", params),
                "; SHA-256 ",
                element("code", (e.get("sha256") or "–")[:12]),
            )
        )
    return element(
        "details",
        element("summary", "Teknisk information"),
        element(
            "p",
            "För den som underhåller rapporterna: anteckningsbok, parametrar och "
            "kontrollsumma (början av SHA-256) för varje fil. Allt finns också i _index.json.",
        ),
        element("ul", *rows, class_="teknik"),
        id="teknik",
    )


def page(state: dict) -> str:
    """``index.html`` for readers: groups as readers think (economy per period, fees per year,
    kommunblad per year), newest first, each report with its period, time and findings; the
    technical details (notebooks, parameters, hashes) in a section at the end."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup as Safe

    groups: dict[str, tuple[str, list]] = {}
    others: dict[str, list] = {}
    for e in state.values():
        if e["report"] in GROUPS:
            gid, heading = GROUPS[e["report"]]
            groups.setdefault(gid, (heading, []))[1].append(e)
        else:
            others.setdefault(e["report"], []).append(e)
    sections = [
        _group(gid, groups[gid][0], groups[gid][1]) for gid, _ in GROUPS.values() if gid in groups
    ]
    for report in sorted(others):  # by notebook name: the overview, then the others
        entries = others[report]
        newest = _newest_first(entries)[0]
        heading = _heading(newest.get("report_title", ""), "") or _heading(newest["title"], report)
        sections.append(_group(report, heading, entries))
    body = element(
        "div",
        element("h1", "Rapporter"),
        element(
            "p",
            "Rapporterna om Kommunal utvecklings ekonomi och avgifter, den nyaste först. "
            "Klicka på en titel för att öppna rapporten; sidorna fungerar utan "
            "internetuppkoppling och kan skrivas ut.",
        ),
        *(sections or [element("p", "Inga rapporter ännu.")]),
        *([_technical(state)] if state else []),
        id="rapporter",
    )
    env = Environment(loader=FileSystemLoader(str(TEMPLATES / "kuanalysis")), autoescape=True)
    return env.get_template("rapportindex.html.j2").render(body=Safe(body))
