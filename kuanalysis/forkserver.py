"""The process the renderer's workers are forked from, started before anything heavy.

``kuanalysis render`` starts it first: it imports what every worker needs (papermill,
nbconvert, the renderer) on the second core while the command itself imports and plans on
the first. Only the standard library is imported here. Where the platform has no forkserver
(Windows), the workers are spawned; ``fork`` is never used (macOS makes it unsafe).
"""

from __future__ import annotations

import multiprocessing as mp
import os

#: Imported once by the server; every worker forked from it starts with them.
PRELOAD = [
    "kuanalysis.render.run",
    "papermill",
    "jupyter_client.manager",
    "kuanalysis.render.export",
]


#: The most worker processes a render may use, per core (``kuanalysis render --jobb``).
WORKERS_PER_CORE = 2


def max_workers() -> int:
    """The most worker processes a render may use: :data:`WORKERS_PER_CORE` per core."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def start_method() -> str:
    """``forkserver`` where the platform has it, else ``spawn``."""
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def context():
    """The workers' multiprocessing context; with ``forkserver`` the server is started now
    (once: a later call finds it running)."""
    ctx = mp.get_context(start_method())
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        ctx.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()
    return ctx


def stop(seconds: float = 10.0) -> None:
    """End this process's forkserver and multiprocessing's resource tracker, and wait for
    them: a render returns only when every process it started is gone. The next
    :func:`context` starts a new server.

    Both are ended through the standard library's own stop methods (private, used by its
    tests); where they are missing, or a process does not end within ``seconds``, the
    process is left to end with this one, as it would without this call.
    """
    import gc
    import threading
    from multiprocessing import forkserver, resource_tracker

    def wait() -> None:
        stop_server = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
        if stop_server is not None:
            stop_server()
        gc.collect()  # the queues' semaphores leave the tracker's list before it ends
        stop_tracker = getattr(getattr(resource_tracker, "_resource_tracker", None), "_stop", None)
        if stop_tracker is not None:
            stop_tracker()

    ender = threading.Thread(target=wait, daemon=True, name="forkserver-stop")
    ender.start()
    ender.join(seconds)
