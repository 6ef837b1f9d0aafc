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
        _short_socket_folder()
        forkserver.ensure_running()
    return ctx


#: The most bytes of a Unix socket's path (Linux's limit, 108, less its end byte).
MAX_SOCKET_PATH = 107


def _short_socket_folder() -> None:
    """The server listens on a Unix socket in a folder multiprocessing makes under TMPDIR
    (``<TMPDIR>/pymp-XXXXXXXX/listener-XXXXXXXX``). Under a deep TMPDIR that path is longer
    than a socket's path may be, and the server cannot start: then the folder is made in the
    system's own temporary folder instead (removed at exit, as multiprocessing's own is)."""
    import shutil
    import tempfile
    from multiprocessing import process, util

    config: dict = getattr(process.current_process(), "_config", {})
    if config.get("tempdir") is not None:
        return
    made = len(os.fsencode(tempfile.gettempdir())) + len("/pymp-12345678/listener-12345678")
    if made <= MAX_SOCKET_PATH:
        return
    short = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    if short is None:
        return  # nowhere shorter: multiprocessing's own error says what is wrong
    folder = tempfile.mkdtemp(prefix="pymp-", dir=short)
    util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-100)
    config["tempdir"] = folder


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
