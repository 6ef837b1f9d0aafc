"""Where the project's folders are.

The package is installed in editable mode from the project checkout, so the project root is
the parent of the package folder. ``KUANALYSIS_ROOT`` overrides it (tests use a copy).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("KUANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def scenarios_dir() -> Path:
    return project_root() / "scenarios"


def relative(path: Path | str) -> str:
    """A path as shown to readers: relative to the project root, never a local absolute path."""
    p = Path(path).resolve()
    try:
        return p.relative_to(project_root()).as_posix()
    except ValueError:
        return p.name


@contextmanager
def atomic_path(target: Path | str):
    """Yield a temporary path beside ``target``; on success rename it onto ``target``.

    A reader never sees half a file, and a failed write leaves the last good file untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
