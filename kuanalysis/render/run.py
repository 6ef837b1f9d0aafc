"""Running jobs: worker processes, one per core, each executing notebooks and writing files.

Each job runs with papermill's Python API; the worker that ran it exports its HTML and writes
it, and the files the notebook published, beside each other (through a temporary file and a
rename, so a failed job leaves the last good files untouched). A notebook gets a fresh kernel;
the next variant of the same notebook (the next kommunblad, the next period) runs in the same
kernel with its variables cleared (``%reset -f``), which a test shows gives the same bytes.
The workers (:class:`Pool`) start while the run is planned, at a lower priority than the
planner, and each starts and warms up (the common imports) a kernel at once; while one
notebook runs, the worker warms up a kernel for a later job that may need one (not for the
variants of the notebook it runs). A kernel keeps one connected client for all its jobs.
When the last job is done, or the plan finds nothing to render, the workers kill their
kernels (nothing in them is kept) and remove their connection files.

Workers are started with ``forkserver`` where the platform has it, else ``spawn`` (never
``fork``: Windows lacks it, macOS makes it unsafe); see :mod:`kuanalysis.render.forkserver`. A
worker dies with its parent: a thread waits on the parent's sentinel, kills the worker's
kernels and exits, so nothing is written after ``kuanalysis render`` is killed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import multiprocessing as mp
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from queue import Empty

from ..data.numbers import NumberTextError, typed_number
from ..errors import ParameterError
from ..paths import atomic_path
from . import export, forkserver, speed
from .planning import FAILED_DIR, Job

_CODE = Path(__file__).resolve().parent.parent.parent  # where the package lives
TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass
class Result:
    """What a worker reports about one job."""

    output: str
    status: str  # "ok" | "fel" | "oförändrad"
    seconds: float = 0.0
    message: str = ""
    title: str = ""  # the page's title, its fields filled in
    inputs: dict = field(default_factory=dict)  # what the notebook published: path -> SHA-256
    sha256: str = ""  # of the HTML written
    files: dict = field(default_factory=dict)  # published files written (relative) -> SHA-256
    summary: dict = field(default_factory=dict)  # what the report found, for the index
    key: str = ""  # set by the parent (see cache)


@dataclass
class Settings:
    """What every job of a run shares."""

    root: str  # project root
    out_dir: str
    scratch: str  # this run's temporary folder
    generated_at: str
    commit: str


def generation_time(given: str | None) -> tuple[str, bool]:
    """The time written into the reports, and whether it is fixed (not now).

    ``given`` (``--tidpunkt``) is ``YYYY-MM-DD HH:MM``; else ``SOURCE_DATE_EPOCH`` (seconds
    since 1970, UTC) when set; else now. Local time.

    Raises
    ------
    kuanalysis.errors.ParameterError
        When ``given`` or ``SOURCE_DATE_EPOCH`` is not a valid time.
    """
    if given is not None:
        try:
            # [0-9], never \d: \d and strptime also take Arabic-Indic digits
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}", given):
                raise ValueError
            moment = dt.datetime.strptime(given, TIME_FORMAT)
        except ValueError:
            raise ParameterError(
                f"--tidpunkt ska vara en tidpunkt på formen "
                f"ÅÅÅÅ-MM-DD TT:MM, t.ex. '2024-10-25 08:00'; fick {given!r}"
            ) from None
        if moment.year < 1980:
            raise ParameterError(f"--tidpunkt ska vara 1980 eller senare; fick {given!r}")
        return moment.strftime(TIME_FORMAT), True
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now().strftime(TIME_FORMAT), False
    try:
        seconds = typed_number(epoch, sign=False)  # isdigit() takes "١٧٠٠٠٠٠٠٠٠"
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone()
    except (NumberTextError, ValueError, OverflowError, OSError):
        raise ParameterError(
            f"miljövariabeln SOURCE_DATE_EPOCH ska vara ett heltal (sekunder "
            f"sedan 1970-01-01 UTC); fick {epoch!r}"
        ) from None
    if moment.year < 1980:
        raise ParameterError(
            f"SOURCE_DATE_EPOCH ska ge en tidpunkt 1980 eller senare; fick {epoch!r}"
        )
    return moment.strftime(TIME_FORMAT), True


# -- one job ------------------------------------------------------------------------------


def _cell_number(executed: Path, err) -> int:
    """The failing cell's number as the analyst sees it (papermill's own cells not counted)."""
    import nbformat

    try:
        cells = [
            c
            for c in nbformat.read(executed, as_version=4).cells
            if not {"injected-parameters", "papermill-error-cell-tag"}
            & set(c.metadata.get("tags", []))
        ]
        for i, c in enumerate(cells, 1):
            if any(o.get("output_type") == "error" for o in c.get("outputs", [])):
                return i
    except Exception:  # noqa: BLE001 - fall back to papermill's own count
        pass
    return err.cell_index + 1


def _claim(scratch: str, path: str, owner: str) -> None:
    """Reserve a published file's path for one job of this run (an O_EXCL marker file)."""
    marker = Path(scratch) / "filer" / hashlib.sha256(path.encode()).hexdigest()
    marker.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        other = marker.read_text(encoding="utf-8")
        if other != owner:
            raise export.ReportError(
                f"filen {path} publiceras också av {other}; två rapporter "
                f"kan inte skriva samma fil."
            ) from None
        return
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(owner)


def claim_files(scratch: str, owner: str, paths) -> None:
    """Reserve the published files of a job that is not run (its files stay on disk)."""
    for path in paths:
        _claim(scratch, path, owner)


def _keep_failed(executed: Path, target: Path, settings: Settings) -> None:
    """Save the executed notebook for the analyst, without local paths in it."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    export.scrub(
        nb,
        {
            settings.root: "<projekt>",
            str(Path(settings.root).resolve()): "<projekt>",
            str(_CODE): "<kuanalysis>",
            settings.scratch: "<tmp>",
            tempfile.gettempdir(): "<tmp>",
            sys.prefix: "<python>",
            sys.base_prefix: "<python>",
            str(Path.home()): "~",
        },
    )
    with atomic_path(target) as tmp:
        nbformat.write(nb, tmp)


def _write(job: Job, settings: Settings, nb, started: float) -> Result:
    """An executed notebook exported: its HTML and published files written in place of the
    last good ones (each atomically), its last failed notebook removed."""
    out_dir = Path(settings.out_dir)
    target = out_dir / job.output
    folder = PurePosixPath(job.output).parent
    failed_name = PurePosixPath(FAILED_DIR, job.output).with_suffix(".ipynb")
    page, title, published = export.export_html(
        nb,
        job.title,
        job.parameters,
        settings.generated_at,
        settings.commit,
        "../" * (len(folder.parts)) + "index.html",
    )
    moment = dt.datetime.strptime(settings.generated_at, TIME_FORMAT)
    files = {
        (folder / name).as_posix(): export.reproducible_zip(data, moment)
        if data[:4] == b"PK\x03\x04"
        else data
        for name, data in published.files.items()
    }
    for path in files:
        _claim(settings.scratch, path, job.output)
    html = page.encode("utf-8")
    _exit_if_orphaned()
    with atomic_path(target) as tmp:
        tmp.write_bytes(html)
    for path, data in files.items():
        with atomic_path(out_dir / path) as tmp:
            tmp.write_bytes(data)
    (out_dir / failed_name).unlink(missing_ok=True)
    return Result(
        job.output,
        "ok",
        time.perf_counter() - started,
        title=title,
        inputs=published.inputs,
        sha256=hashlib.sha256(html).hexdigest(),
        files={p: hashlib.sha256(d).hexdigest() for p, d in files.items()},
        summary=published.summary,
    )


def run_job(job: Job, settings: Settings, km=None) -> Result:
    """Execute one notebook and write its HTML and published files; never raises.

    Parameters
    ----------
    job : Job
    settings : Settings
    km : jupyter_client.KernelManager, optional
        A kernel already started for this job (papermill starts one when not given).

    Returns
    -------
    Result
        ``"ok"`` with what was written, or ``"fel"`` with one Swedish paragraph; then the
        executed notebook is in ``_failed/`` beside the reports and the last good files are
        untouched.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    out_dir = Path(settings.out_dir)
    failed_name = PurePosixPath(FAILED_DIR, job.output).with_suffix(".ipynb")
    executed = Path(settings.scratch) / (hashlib.sha256(job.output.encode()).hexdigest() + ".ipynb")
    try:
        nb = pm.execute_notebook(
            job.notebook,
            str(executed),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(Path(settings.root) / "notebooks"),
            request_save_on_cell_execute=False,
            km=km,
        )
        return _write(job, settings, nb, started)
    except PapermillExecutionError as e:
        message = (
            f"Rapporten {job.output} misslyckades i cell {_cell_number(executed, e)} "
            f"av anteckningsboken {Path(job.notebook).name}: {e.ename}: {e.evalue}"
        )
    except export.ReportError as e:
        message = f"Rapporten {job.output} misslyckades: {e}"
    except Exception as e:  # noqa: BLE001 - any failure must become one readable paragraph
        message = f"Rapporten {job.output} misslyckades: {type(e).__name__}: {e}"
    message = message.rstrip(".") + "."
    if executed.exists():
        _exit_if_orphaned()
        _keep_failed(executed, out_dir / failed_name, settings)
        message += f" Den körda anteckningsboken finns i {failed_name}."
    message += " Den senaste lyckade rapporten, om någon, är orörd."
    return Result(job.output, "fel", time.perf_counter() - started, message)


# -- workers ------------------------------------------------------------------------------

_KERNELS: list = []  # this worker's kernel managers, killed with it
#: Held while a kernel's connection file and process are made, so that a worker that must
#: die does not leave one half made behind.
_STARTING = threading.Lock()


def _exit_if_orphaned() -> None:
    parent = mp.parent_process()
    if parent is not None and not parent.is_alive():
        _die()


def _kill(km) -> None:
    """End a kernel at once (it holds nothing to keep) and remove its connection file.

    Its client is left alone: a spare's thread may be using it (zmq sockets are not to be
    closed from another thread); the process ends right after, or the caller closes it.
    """
    with contextlib.suppress(Exception):  # already gone
        km.provisioner.process.kill()
    with contextlib.suppress(Exception):
        km.cleanup_connection_file()
    if km in _KERNELS:
        _KERNELS.remove(km)


def _die(code: int = 1) -> None:
    _STARTING.acquire(timeout=10)  # a kernel being started is started, or not begun
    for km in list(_KERNELS):
        _kill(km)
    os._exit(code)


def _watch_parent() -> None:
    """Exit as soon as the parent process is gone (killed, say), taking the kernels along."""
    from multiprocessing.connection import wait

    parent = mp.parent_process()

    def watch():
        wait([parent.sentinel])
        _die()

    threading.Thread(target=watch, daemon=True, name="vakt").start()


@functools.cache
def _warm_up(notebooks: str) -> str:
    """What a spare kernel runs while it waits for its job (:func:`.speed.warm_up_code`)."""
    return speed.warm_up_code(Path(notebooks))


@functools.cache
def _kernel_class():
    """A kernel manager whose one client stays connected for all the kernel's jobs.

    papermill (nbclient) asks the manager for a new client at every job, and a new client
    waits at least 0.2 s for its IOPub channel to connect; so did the warm-up and the reset
    between variants. Here the client is connected once, and papermill gets it again.
    """
    from jupyter_client import KernelManager
    from jupyter_client.blocking import BlockingKernelClient
    from traitlets import default

    class Client(BlockingKernelClient):
        ready = False

        def start_channels(self, *args, **kwargs) -> None:
            if not self.ready:
                super().start_channels(*args, **kwargs)

        def wait_for_ready(self, timeout=None) -> None:
            if not self.ready:
                super().wait_for_ready(timeout)
                self.ready = True

    class Kernel(KernelManager):
        kept: BlockingKernelClient | None = None  # a Client

        @default("client_factory")
        def _client_factory_default(self):
            return Client

        def client(self, **kwargs) -> BlockingKernelClient:
            if self.kept is None:
                self.kept = super().client(**kwargs)
                self.kept.start_channels()
                self.kept.wait_for_ready(timeout=60)
            return self.kept

        def close(self) -> None:
            if self.kept is not None:
                self.kept.stop_channels()

    return Kernel


def _execute(km, code: str) -> bool:
    """Run ``code`` silently in the kernel; whether it succeeded."""
    reply = km.client().execute_interactive(code, silent=True, store_history=False, timeout=60)
    return reply["content"]["status"] == "ok"


class _Spare:
    """A kernel started, and warmed up, in the background while the worker runs a job."""

    def __init__(self, cwd: str):
        self.km: object | None = None
        self._thread = threading.Thread(target=self._start, args=(cwd,), daemon=True)
        self._thread.start()

    def _start(self, cwd: str) -> None:
        try:
            with _STARTING:
                km = _kernel_class()(kernel_name="python3")
                _KERNELS.append(km)
                # history in memory, as papermill's own kernels: not in the user's profile
                km.start_kernel(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"])
            if _execute(km, _warm_up(cwd)):
                self.km = km
                return
        except Exception:  # noqa: BLE001 - no spare then: papermill starts a kernel itself
            pass
        _stop_kernel(km if "km" in locals() else None)

    def take(self):
        """The ready kernel, or None (then papermill starts one, as for the first job)."""
        self._thread.join()
        return self.km


def _stop_kernel(km) -> None:
    """End a kernel that only the calling thread uses, its client too."""
    if km is not None:
        with contextlib.suppress(Exception):
            km.close()
        _kill(km)


def _worker(jobs, results, project_env: str | None, workers: int) -> None:
    # imported here, before the spare kernel's thread imports jupyter_client too: two threads
    # importing one package at once can see it half-initialised
    import jupyter_client.manager  # noqa: F401
    import papermill  # noqa: F401

    from ..paths import project_root

    # what the worker has imported lives as long as it: out of the garbage collector's sweeps,
    # which otherwise walk it all again and again while notebooks are exported
    gc.freeze()
    _watch_parent()
    # below the planner, which runs meanwhile and decides whether there is work at all
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(5)
    # the project root exactly as the parent sees it, also for the notebooks' kernels
    if project_env is None:
        os.environ.pop("KUANALYSIS_ROOT", None)
    else:
        os.environ["KUANALYSIS_ROOT"] = project_env
    # kernels inherit this process's stderr: keep their start-up chatter off the terminal
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    cwd = str(project_root() / "notebooks")
    # The worker starts while the run is planned: its first kernel warms up meanwhile.
    spare: _Spare | None = _Spare(cwd)  # a kernel warming up for this worker's next job
    last = None  # (notebook, kernel) of the last job that succeeded, for its next variant
    while (item := jobs.get()) is not None:
        if item == ABANDON:  # nothing to render after all: the kernels go at once
            _die(0)
        export.exporter()  # built at the first job, while its kernel warms up, if it still does
        job, settings, queued_after, others_after = item
        if last is not None and last[0] == job["notebook"] and _reset(last[1]):
            # The next variant of the same notebook (the next kommunblad, the next period)
            # runs in the same kernel, its variables cleared: a notebook is written to run
            # from the top, and its variants differ only in the parameters.
            km = last[1]
        else:
            if last is not None:
                _stop_kernel(last[1])
            starting = spare or _Spare(cwd)
            km = starting.take()  # None: papermill starts one itself
            spare = None
        last = None
        # While this notebook runs, start and warm up a kernel for a later job: with at least
        # one job per worker still queued, this worker will almost surely get one; but not
        # when all that follows are variants of this notebook (they run in this kernel).
        if spare is None and queued_after >= workers and others_after:
            spare = _Spare(cwd)
        result = run_job(Job(**job), settings, km)
        results.put(asdict(result))
        if km is not None and result.status == "ok":
            last = (job["notebook"], km)
        else:
            _stop_kernel(km)
    results.close()
    results.join_thread()  # every result is sent before the process ends
    _die(0)  # the kernels hold nothing to keep: killed at once, not shut down one by one


def _reset(km) -> bool:
    """Clear a kernel's variables for the next run; False if it cannot (then it is not used)."""
    try:
        return _execute(km, "%reset -f")
    except Exception:  # noqa: BLE001 - a kernel that does not answer is replaced
        return False


def ahead(jobs: list[Job]) -> list[tuple[Job, int, int]]:
    """Each job in queue order, with how many jobs follow it and how many of those are of
    another notebook (a worker starts a spare kernel only when a later job may need one)."""
    left = Counter(j.notebook for j in jobs)
    out = []
    for i, j in enumerate(jobs):
        left[j.notebook] -= 1
        after = len(jobs) - 1 - i
        out.append((j, after, after - left[j.notebook]))
    return out


#: Tells a worker that nothing will be rendered: it kills its kernels and exits at once.
ABANDON = "avbryt"


class Pool:
    """The worker processes of a run, started before the run is planned.

    Each worker starts and warms up a kernel at once, so the first job does not wait for
    one: on 2 cores the planning and the kernels' start share the time. The processes are
    started in a thread (the forkserver imports what workers need first), so planning is
    not held up. When nothing needs rendering, :meth:`abandon` ends them at once.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._ran = False  # once jobs are queued, the workers end with the last
        self._thread = threading.Thread(target=self._start, daemon=True, name="arbetare")
        self._thread.start()

    def _start(self) -> None:
        ctx = forkserver.context()
        self.queue, self.done = ctx.Queue(), ctx.Queue()
        self.procs = [
            ctx.Process(
                target=_worker,
                daemon=True,
                name=f"kuanalysis-{i}",
                args=(self.queue, self.done, os.environ.get("KUANALYSIS_ROOT"), self.workers),
            )
            for i in range(self.workers)
        ]
        for p in self.procs:
            p.start()

    def abandon(self) -> None:
        """End the workers now (nothing to render, or the plan failed)."""
        self._thread.join()
        for _ in self.procs:
            self.queue.put(ABANDON)
        for p in self.procs:
            p.join()

    def end(self) -> None:
        """After the run, or instead of it (nothing to render, the plan failed): the workers
        joined, their queues closed, and the forkserver and resource tracker ended, so no
        process outlives the render."""
        if not self._ran:
            self.abandon()
        self._thread.join()
        self.queue.close()
        self.done.close()
        self.queue.join_thread()
        self.done.join_thread()
        del self.queue, self.done, self.procs  # their semaphores go before the tracker
        forkserver.stop()

    def run(self, jobs: list[Job], settings: Settings, on_result) -> list[Result]:
        """Run ``jobs``; call ``on_result(job, result)`` as each ends. The workers end with
        the last job.

        A worker that dies without reporting (killed, out of memory) turns its unfinished jobs
        into failures instead of hanging the run.
        """
        self._ran = True
        self._thread.join()
        queue, done, procs = self.queue, self.done, self.procs
        for j, after, others in ahead(jobs):
            queue.put((asdict(j), settings, after, others))
        for _ in procs:
            queue.put(None)
        by_output = {j.output: j for j in jobs}
        results: list[Result] = []
        while len(results) < len(jobs):
            try:
                r = Result(**done.get(timeout=2))
            except Empty:
                if any(p.is_alive() for p in procs):
                    continue
                finished = {r.output for r in results}
                for j in jobs:
                    if j.output not in finished:
                        r = Result(
                            j.output,
                            "fel",
                            message=f"Rapporten {j.output} avbröts: "
                            "arbetsprocessen avslutades oväntat. Den senaste lyckade "
                            "rapporten, om någon, är orörd.",
                        )
                        results.append(r)
                        on_result(j, r)
                break
            results.append(r)
            on_result(by_output[r.output], r)
        for p in procs:
            p.join()
        return results
