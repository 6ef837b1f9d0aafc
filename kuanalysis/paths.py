"""Where the project's folders are, and the one place that checks paths given by a user.

The package is installed in editable mode from the project checkout, so the project root is
the parent of the package folder. ``KUANALYSIS_ROOT`` overrides it (tests use a copy).

:func:`output` checks a place a command will write to (never under ``data/raw``, of the right
kind) and :func:`project_input` a file or folder a report reads (inside the project), both
before anything is written; :func:`atomic_path` writes a file all or nothing.

Every name that becomes a path (a table, a folder, a scenario and the scenario it starts from,
a diagram, an explorer save, ``--ut``) is checked here before the file system sees it:
:func:`check_name` for one name, :func:`check_path` for a path given whole. A name over
:data:`MAX_NAME_BYTES` bytes would make ``Path.exists()`` raise (Python 3.11), which the
commands would report as a fault in the code; here it is bad input naming the field.
:func:`local_paths_removed` takes local paths out of a message about a fault in the code.
"""

from __future__ import annotations

import os
import re
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


#: Longest name of one file or folder, in bytes of UTF-8 (Linux, macOS and Windows: 255).
MAX_NAME_BYTES = 255
#: Longest path, in bytes of UTF-8, written out from the root (Linux: 4096 with the final NUL).
MAX_PATH_BYTES = 4095
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _length_fault(name: str, suffix: str = "") -> str | None:
    size = len(os.fsencode(name + suffix))
    if size <= MAX_NAME_BYTES:
        return None
    with_suffix = f" med {suffix}" if suffix else ""
    return (
        f"namnet {_short(name)} är för långt: {size} byte{with_suffix}; ett fil- eller "
        f"mappnamn får vara högst {MAX_NAME_BYTES} byte (å, ä och ö räknas som 2 byte)"
    )


def _control_fault(name: str) -> str | None:
    if _CONTROL.search(name):
        return (
            f"namnet {_short(name)} innehåller ett styrtecken (t.ex. en radbrytning), som inte "
            f"får stå i ett fil- eller mappnamn"
        )
    return None


def _total_fault(path: Path) -> str | None:
    size = len(os.fsencode(str(Path(os.path.abspath(path)))))
    if size <= MAX_PATH_BYTES:
        return None
    return f"sökvägen är för lång: {size} byte; en sökväg får vara högst {MAX_PATH_BYTES} byte"


def name_fault(name: str, suffix: str = "", folder: Path | str | None = None) -> str | None:
    """What is wrong with ``name`` as one file or folder name, or None.

    Parameters
    ----------
    name : str
        A name as a user gave it (a table, a folder, a scenario, a file).
    suffix : str
        What is added to it on disk (``.yaml``): counted in the length.
    folder : path-like, optional
        The folder it is made in: the whole path must not be too long either.

    Returns
    -------
    str or None
        A Swedish reason (empty, ``.`` or ``..``, a slash or backslash, a control character,
        more than :data:`MAX_NAME_BYTES` bytes, a path over :data:`MAX_PATH_BYTES` bytes).
    """
    if not name:
        return "namnet är tomt"
    if name in (".", ".."):
        return f"{name!r} är inget fil- eller mappnamn"
    for sign, what in (("/", "ett snedstreck (/)"), ("\\", "ett bakstreck (\\)")):
        if sign in name:
            return (
                f"namnet {_short(name)} innehåller {what}; ett fil- eller mappnamn har inga "
                f"mappar i sig"
            )
    fault = _control_fault(name) or _length_fault(name, suffix)
    if fault is None and folder is not None:
        fault = _total_fault(Path(folder) / (name + suffix))
    return fault


def check_name(name: str, field: str, suffix: str = "", folder: Path | str | None = None) -> None:
    """Check one file or folder name before it becomes a path (:func:`name_fault`).

    Raises
    ------
    kuanalysis.errors.PathError
        ``"<field>: <reason>"``, e.g. ``--table: namnet '…' är för långt: 305 byte med .yaml; …``.
    """
    fault = name_fault(name, suffix, folder)
    if fault is not None:
        raise PathError(f"{field}: {fault}")


def path_fault(path: Path | str) -> str | None:
    """What is wrong with a path given whole (every name in it, and its length), or None."""
    for part in Path(path).parts:
        if part == Path(path).anchor:
            continue
        fault = _control_fault(part) or _length_fault(part)
        if fault is not None:
            return fault
    return _total_fault(Path(path))


def check_path(path: Path | str, field: str) -> None:
    """Check a path given whole (``--ut``, ``--diagram``, a path parameter) before the file
    system sees it: no name in it over :data:`MAX_NAME_BYTES` bytes or with a control
    character, the whole at most :data:`MAX_PATH_BYTES` bytes.

    Raises
    ------
    kuanalysis.errors.PathError
        ``"<field>: <reason>"``.
    """
    fault = path_fault(path)
    if fault is not None:
        raise PathError(f"{field}: {fault}")


def local_paths_removed(text: str) -> str:
    """``text`` (a message about a fault in the code) without local paths: a path in the
    project is written relative to its root, any other absolute path as its last name."""
    root = project_root()
    for prefix in dict.fromkeys([str(root), os.path.realpath(root)]):
        text = text.replace(prefix + os.sep, "").replace(prefix, ".")
    # what is left: /a/b/c -> c (a slash after a letter or digit is no path: 0..5/0,5)
    return re.sub(r"(?<![\w.\-/~])(?:/[^\s'\"/:]+)+/(?=[^\s'\"/])", "", text)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def output(path: Path | str, kind: str, field: str | None = None) -> Path:
    """Check a place a command will write to, before anything is written.

    Parameters
    ----------
    path : path-like
        As given on the command line (relative to the current folder).
    kind : {"dir", "file"}
        What the command writes there: a folder of files, or one file.
    field : str, optional
        The option that gave it (``--ut``), for a message about a name in it
        (:func:`check_path`).

    Returns
    -------
    pathlib.Path
        The path, resolved (symbolic links followed).

    Raises
    ------
    kuanalysis.errors.PathError
        When a name in the path is too long (:func:`check_path`), the path lies under
        ``data/raw`` (symbolic links followed), or is an existing
        file where a folder is expected or the other way round, or lies under a file, or
        the folder it would be made in cannot be written to (``/proc``, a read-only drive).
    """
    if kind not in ("dir", "file"):
        raise ValueError(f"okänd sorts utdata {kind!r}")
    check_path(path, field or str(path))
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
        When the path, written out, lies outside the project root, or a name in it is too
        long (:func:`check_path`). A symbolic link inside the project (``data/raw`` on a
        shared drive, say) was put there by its owner and is followed.
    """
    root = project_root()
    check_path(root / Path(path), what)
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
