"""A report's parameters: read from the notebook with papermill, checked before anything runs.

The cell tagged ``parameters`` holds one literal per line with a trailing comment, e.g.
``kommun = "0604"  # kommunkod, text``. papermill's :func:`~papermill.inspect_notebook` reads
it (its ``default`` is the literal as written, its ``help`` the comment); papermill silently
skips a line it cannot parse, so every assignment in the cell must also be one papermill read,
with the same value. Command-line values are converted to the default's type; strings stay
strings (``"0604"``, never 604).
"""

from __future__ import annotations

import ast
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ..data.numbers import NumberTextError, typed_decimal, typed_number
from ..errors import ParameterError

#: Swedish names of the parameter types, as ``kuanalysis list`` shows them.
TYPE_SV = {
    "str": "text",
    "int": "heltal",
    "float": "tal",
    "bool": "sant/falskt",
    "list": "lista",
    "dict": "tabell",
}
_TYPES = {str: "str", bool: "bool", int: "int", float: "float", list: "list", dict: "dict"}


@dataclass
class Parameter:
    """One parameter: its name, default value, type (a key of :data:`TYPE_SV`) and comment."""

    name: str
    default: object
    type: str
    comment: str = ""


def _cell_assignments(source: str, where: str) -> dict[str, tuple[int, object]]:
    """Name -> (line number, value) of every assignment in the parameters cell, by Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ParameterError(
            f"{where}, rad {e.lineno}: parametercellen är ingen giltig Python-kod"
        ) from None
    found = {}
    for node in tree.body:
        target = (
            node.targets[0]
            if isinstance(node, ast.Assign) and len(node.targets) == 1
            else node.target
            if isinstance(node, ast.AnnAssign) and node.value
            else None
        )
        if not isinstance(target, ast.Name):
            raise ParameterError(
                f"{where}, rad {node.lineno}: parametercellen får bara "
                f"innehålla tilldelningar av enkla värden, en per rad"
            )
        try:
            found[target.id] = (node.lineno, ast.literal_eval(node.value))  # type: ignore[attr-defined]
        except ValueError:
            raise ParameterError(
                f"{where}, rad {node.lineno}: {target.id} ska vara ett enkelt "
                f"värde (text, tal, sant/falskt, lista eller tabell)"
            ) from None
    return found


def read_parameters(path: Path | str, source: str) -> dict[str, Parameter]:
    """The parameters of the notebook at ``path``, read with papermill's ``inspect_notebook``.

    Parameters
    ----------
    path : path-like
        The notebook.
    source : str
        The source of its ``parameters`` cell ("" if it has none), to compare with what
        papermill read.

    Returns
    -------
    dict of str to Parameter
        In the order of the cell.

    Raises
    ------
    kuanalysis.errors.ParameterError
        When a line of the cell is not a plain assignment of a literal, or papermill cannot
        read it (it would skip it silently, e.g. a comment containing ``=``) or reads another
        value than Python does. The message names the notebook and the line.
    """
    from papermill import inspect_notebook

    where = f"notebooks/{Path(path).name}"
    assigned = _cell_assignments(source, where)
    if not assigned:
        return {}
    log = logging.getLogger("papermill")  # its warnings would only repeat ours, in English
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        inspected = inspect_notebook(str(path))
    except ValueError as e:
        raise ParameterError(f"{where}: papermill kan inte läsa anteckningsboken ({e})") from None
    finally:
        log.setLevel(level)
    lines = source.splitlines()
    params = {}
    for name, (lineno, value) in assigned.items():
        line = lines[lineno - 1].strip()
        read = inspected.get(name)
        try:
            read_value = ast.literal_eval(read["default"]) if read else None
        except (ValueError, SyntaxError):
            read = None
        if read is None or read_value != value or type(read_value) is not type(value):
            raise ParameterError(
                f"{where}, rad {lineno} i parametercellen: papermill kan inte läsa raden "
                f"{line!r}; ta bort '=' ur kommentaren och '#' ur värdet, så att raden har "
                f"formen: namn = värde  # kommentar"
            )
        params[name] = Parameter(name, value, _TYPES.get(type(value), "str"), read["help"])
    return params


def coerce(param: Parameter, raw) -> object:
    """Convert a command-line value to the parameter's type; strings stay strings ("0604")."""
    if not isinstance(raw, str):
        value = raw
    elif param.type == "str":
        return raw
    elif param.type == "bool":
        low = raw.strip().lower()
        if low in ("true", "ja", "1", "sant"):
            return True
        if low in ("false", "nej", "0", "falskt"):
            return False
        raise ParameterError(
            f"parametern {param.name!r} ska vara sant/falskt (true/false), fick {raw!r}"
        )
    elif param.type in ("int", "float"):
        try:  # the tables' grammar: ASCII digits, at most 15 of them (int() takes "٥٠٠٠")
            if param.type == "int":
                return typed_number(raw, underscores=True)
            return typed_decimal(raw, underscores=True)
        except NumberTextError as e:
            reason = f" ({e.reason})" if e.reason else ""
            raise ParameterError(
                f"parametern {param.name!r} ska vara {TYPE_SV[param.type]}, fick {raw!r}{reason}"
            ) from None
    else:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise ParameterError(
                f"parametern {param.name!r} ska vara {TYPE_SV[param.type]} i JSON, fick {raw!r}"
            ) from None
    expected = {
        "str": str,
        "int": int,
        "float": (int, float),
        "bool": bool,
        "list": list,
        "dict": dict,
    }[param.type]
    if (
        isinstance(value, bool)
        and param.type in ("int", "float")
        or not isinstance(value, expected)  # type: ignore[arg-type]
    ):
        raise ParameterError(
            f"parametern {param.name!r} ska vara {TYPE_SV[param.type]}, fick {value!r}"
        )
    return float(value) if param.type == "float" else value


def validate_parameters(params: dict[str, Parameter], given: dict, report: str) -> dict:
    """Defaults overlaid with the given values; unknown names and wrong types are errors.

    Raises
    ------
    kuanalysis.errors.ParameterError
        For a name the notebook does not declare, or a value that does not fit its type.
    """
    unknown = sorted(set(given) - set(params))
    if unknown:
        known = ", ".join(sorted(params)) or "inga"
        raise ParameterError(
            f"rapporten {report!r} har ingen parameter {', '.join(map(repr, unknown))} "
            f"(den har: {known})"
        )
    values = {k: p.default for k, p in params.items()}
    for k, raw in given.items():
        values[k] = coerce(params[k], raw)
    return values
