"""A render: the plan, what is unchanged, the workers' run, the index (:func:`render`), and
the text of ``kuanalysis list`` (:func:`describe`)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .. import paths, provenance
from ..errors import ParameterError
from . import cache, forkserver, index, run
from .parameters import TYPE_SV
from .planning import FAILED_DIR, Job, Report, discover, plan
from .run import Result, Settings, generation_time

__all__ = ["describe", "render"]


def render(
    names: list[str] | None = None,
    overrides: dict | None = None,
    jobs: int | None = None,
    out_dir: Path | str | None = None,
    generated_at: str | None = None,
    everything: bool = False,
    echo=print,
) -> int:
    """Render reports; a report whose inputs are unchanged since its last good render is kept.

    Parameters
    ----------
    names : list of str, optional
        Reports to render (all when empty).
    overrides : dict, optional
        Parameter values as text, ``{"kommuner": "0604"}``.
    jobs : int, optional
        Worker processes (default: one per core; at most
        :func:`~kuanalysis.render.forkserver.max_workers`, two per core). No more are used than
        there are reports to render.
    out_dir : path-like, optional
        Output folder (default: ``reports/``).
    generated_at : str, optional
        The time written into the reports, ``YYYY-MM-DD HH:MM`` (default:
        ``SOURCE_DATE_EPOCH`` when set, else now). A fixed time gives identical files.
    everything : bool
        Render every report, changed or not (``--alla``).
    echo : callable
        Prints one line.

    Returns
    -------
    int
        0 when every report is rendered or unchanged, 1 when any failed (one Swedish
        paragraph each is printed on stderr, without local paths).

    Raises
    ------
    kuanalysis.errors.InputError
        For bad input (time, output folder, report name, parameter, number of workers);
        nothing is written then.
    """
    _check_jobs(jobs)
    moment, fixed = generation_time(generated_at)
    out = paths.output(out_dir if out_dir is not None else paths.reports_dir(), "dir", "--ut")
    # the output folder's render lock: taken once the plan stands, released once the
    # state describes this run's files
    with contextlib.ExitStack() as held:
        # the workers start, and warm up a kernel each, while the run is planned
        pool = run.Pool(jobs or min(os.cpu_count() or 1, forkserver.max_workers()))
        held.callback(pool.end)  # after the lock below is released
        reports = discover()
        todo = plan(names, overrides or {}, reports)
        # one render at a time in a folder: from reading its state to writing it
        held.enter_context(index.one_render(out))
        keys = _Keys(reports, todo, names, overrides, out, moment if fixed else "")
        state = index.read_state(out)
        started = time.perf_counter()
        unchanged = [] if everything else [j for j in todo if keys.same(j, state)]
        outcomes: list[tuple[Job, Result]] = []
        done = _recorder(keys, outcomes, len(todo), echo)
        for job in unchanged:
            done(job, Result(job.output, "oförändrad"))
        pending = [j for j in todo if j not in unchanged]
        if pending:
            _run(
                pool,
                pending,
                {j.output: state[j.output] for j in unchanged},
                keys,
                moment,
                echo,
                done,
            )
        index.update(out, outcomes, moment)
    return _summary(outcomes, len(todo), len(unchanged), started, out, echo)


def _recorder(keys: _Keys, outcomes: list, total: int, echo):
    """What is done as each report ends: its key recorded (a good render) or its last failed
    notebook removed (unchanged), the outcome kept and the progress line printed."""
    tty = sys.stdout.isatty() and not os.environ.get("CI")

    def done(job: Job, r: Result) -> None:
        if r.status == "ok":
            r.key = keys.recorded(job, r)
        elif r.status == "oförändrad":
            failed = keys.out / FAILED_DIR / Path(job.output).with_suffix(".ipynb")
            failed.unlink(missing_ok=True)
        outcomes.append((job, r))
        _progress(r, len(outcomes), total, tty, echo)

    return done


def _run(pool, pending: list[Job], kept: dict, keys: _Keys, moment: str, echo, done) -> None:
    """Render ``pending`` in the pool's workers; the files of the ``kept`` reports (output ->
    state entry) stay, and no job may take their names."""
    workers = min(pool.workers, len(pending))
    echo(f"Renderar {len(pending)} rapport(er) med {workers} parallella processer.")
    with tempfile.TemporaryDirectory(prefix="kuanalysis-", ignore_cleanup_errors=True) as scratch:
        for output, entry in kept.items():
            run.claim_files(scratch, output, entry.get("files", {}))
        settings = Settings(str(keys.root), str(keys.out), scratch, moment, keys.context["commit"])
        pool.run(_ordered(pending), settings, done)


def _check_jobs(jobs: int | None) -> None:
    most = forkserver.max_workers()
    if jobs is not None and not 1 <= jobs <= most:
        raise ParameterError(
            f"--jobb ska vara ett heltal från 1 till {most} (högst två per kärna), fick {jobs!r}"
        )


class _Keys:
    """What decides whether a report is unchanged: the code, the commit, a fixed time, the
    notebooks' hashes, the inputs' listings and, for a report listing the others, what it
    lists (:mod:`.cache`)."""

    def __init__(self, reports, todo, names, overrides, out: Path, fixed_time: str):
        self.reports, self.out = reports, out
        self.listed = None  # what a report listing the others shows: part of its key
        if any(reports[j.report].lists_reports for j in todo):
            every = todo if not names and not overrides else plan(None, {}, reports)
            self.listed = cache.catalogue(reports, every)
        self.root = paths.project_root()
        self.context = {
            "code": cache.code_digest(),
            "commit": provenance.git_commit(),
            "time": fixed_time,
        }
        self.listings = cache.Listings(self.root)
        self.notebook_sha = {j.notebook: cache.file_sha(j.notebook) for j in todo}

    def _listed(self, job: Job):
        return self.listed if self.reports[job.report].lists_reports else None

    def same(self, job: Job, state: dict) -> bool:
        """Whether ``job``'s last good render still holds."""
        entry = state.get(job.output, {})
        return "key" in entry and entry["key"] == cache.current_key(
            job,
            entry,
            self.notebook_sha[job.notebook],
            self.root,
            self.out,
            self.context,
            self.listings,
            self._listed(job),
        )

    def recorded(self, job: Job, r: Result) -> str:
        """The key recorded after a good render, from what the notebook published."""
        written = {job.output: r.sha256, **r.files}
        return cache.key(
            job,
            self.notebook_sha[job.notebook],
            r.inputs,
            written,
            self.context,
            self.listings,
            self._listed(job),
        )


def _ordered(pending: list[Job]) -> list[Job]:
    """A notebook's variants share a kernel and go fast one after another: the single
    reports first, so they run beside the variants instead of after them."""
    per_notebook = Counter(j.notebook for j in pending)
    return sorted(pending, key=lambda j: per_notebook[j.notebook])


def _summary(outcomes, todo: int, unchanged: int, started: float, out: Path, echo) -> int:
    failed = [r for _, r in outcomes if r.status == "fel"]
    written = sum(r.status == "ok" for _, r in outcomes)
    summary = (
        f"Klart på {time.perf_counter() - started:.1f} s: {written} av {todo} "
        f"rapporter skrivna till {out.name}/"
    )
    if unchanged:
        summary += f", {unchanged} oförändrade (--alla renderar om dem)"
    echo(summary + "." + (f" {len(failed)} misslyckades:" if failed else ""))
    for r in failed:  # errors on stderr, without local paths
        print(f"\n{paths.local_paths_removed(r.message)}", file=sys.stderr)
    return 1 if failed else 0


def _progress(r: Result, i: int, n: int, tty: bool, echo) -> None:
    if r.status == "oförändrad":
        line = f"[{i}/{n}] {r.output} oförändrad"
    else:
        mark = "klar" if r.status == "ok" else "FEL"
        line = f"[{i}/{n}] {r.output:<40} {mark:<4} {r.seconds:5.1f} s"
    echo(("\r\033[K" if tty else "") + line)


def describe(reports: dict[str, Report] | None = None) -> str:
    """Text for ``kuanalysis list``: each report with its parameters, defaults and types."""
    reports = reports if reports is not None else discover()
    lines = []
    for r in reports.values():
        title = r.title if "{{" not in r.title else "titeln sätts av data"
        many = " (en rapport per variant)" if r.variants else ""
        lines.append(f"{r.name}: {title}{many}")
        for p in r.parameters.values():
            c = f"  # {p.comment}" if p.comment else ""
            lines.append(
                f"    {p.name} ({TYPE_SV[p.type]}) = {json.dumps(p.default, ensure_ascii=False)}{c}"
            )
        if not r.parameters:
            lines.append("    (inga parametrar)")
    return "\n".join(lines)
