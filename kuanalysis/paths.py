"""Where the project's folders are, and the one place that checks paths given by a user.

The package is installed in editable mode from the project checkout, so the project root is
the parent of the package folder. ``KUANALYSIS_ROOT`` overrides it (tests use a copy).

:func:`output` checks a place a command will write to (never under ``data/raw``, of the right
kind) and :func:`project_input` a file or folder a report reads (inside the project), both
before anything is written; :func:`atomic_path` writes a file all or nothing.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import PathError


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


def _shown(path: Path | str) -> str:
    """A path for an error message: relative to the project when inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(project_root()).as_posix() or "."
    except ValueError:
        return str(path)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def output(path: Path | str, kind: str) -> Path:
    """Check a place a command will write to, before anything is written.

    Parameters
    ----------
    path : path-like
        As given on the command line (relative to the current folder).
    kind : {"dir", "file"}
        What the command writes there: a folder of files, or one file.

    Returns
    -------
    pathlib.Path
        The path, resolved (symbolic links followed).

    Raises
    ------
    kuanalysis.errors.PathError
        When the path lies under ``data/raw`` (symbolic links followed), or is an existing
        file where a folder is expected or the other way round, or lies under a file, or
        the folder it would be made in cannot be written to (``/proc``, a read-only drive).
    """
    if kind not in ("dir", "file"):
        raise ValueError(f"okänd sorts utdata {kind!r}")
    target = Path(path).resolve()
    shown = _shown(path)
    if _inside(target, raw_dir().resolve()):
        raise PathError(f"{shown}: ligger i data/raw, som aldrig skrivs till; välj en annan mapp")
    if kind == "dir" and target.exists() and not target.is_dir():
        raise PathError(f"{shown}: är en fil, men här behövs en mapp")
    if kind == "file" and target.is_dir():
        raise PathError(f"{shown}: är en mapp, men här behövs ett filnamn")
    above = next((p for p in target.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise PathError(f"{shown}: {_shown(above)} är en fil, inte en mapp")
    # where the first file or folder will be made: the folder itself, or the nearest above
    place = target if kind == "dir" and target.is_dir() else above
    if place is not None and not _writable(place):
        raise PathError(
            f"{shown}: i mappen {_shown(place)} går det inte att skriva (behörighet saknas "
            f"eller så är den skrivskyddad); välj en annan mapp"
        )
    return target


def _writable(folder: Path) -> bool:
    """Whether a file can be made in ``folder``: tried with a nameless temporary file, which
    leaves nothing behind."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def project_input(path: Path | str, what: str) -> Path:
    """A file or folder a report reads, given as a parameter: it must lie in the project.

    Parameters
    ----------
    path : path-like
        Relative to the project root (as the notebooks' parameters are), or absolute.
    what : str
        What the path is, for the message (e.g. the parameter's name ``"data_dir"``).

    Returns
    -------
    pathlib.Path
        The path, absolute, with ``..`` resolved.

    Raises
    ------
    kuanalysis.errors.PathError
        When the path, written out, lies outside the project root. A symbolic link inside
        the project (``data/raw`` on a shared drive, say) was put there by its owner and is
        followed.
    """
    root = project_root()
    target = Path(os.path.normpath(root / Path(path)))
    if not _inside(target, root):
        raise PathError(
            f"{what} = {str(path)!r}: ligger utanför projektmappen; ange en sökväg "
            f"i projektet, relativt dess rot (t.ex. data/raw/…)"
        )
    return target


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path | str):
    """Yield a temporary path beside ``target``; on success rename it onto ``target``.

    A reader never sees half a file, and a failed write leaves the last good file untouched.
    The file gets the mode the umask gives a new file (``mkstemp`` makes it 0600).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
