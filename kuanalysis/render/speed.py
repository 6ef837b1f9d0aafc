"""All the renderer does only for speed, in one place (standard library only).

- :func:`block_unused_imports`: jsonschema (imported by nbformat, papermill) imports
  rfc3987_syntax when it is installed, which builds a grammar for 1.3 s, only for IRI format
  checks that notebook validation never makes. The renderer and each worker would pay it.
- :func:`start`: the workers' forkserver is started before anything heavy is imported, so it
  imports what workers need on the second core while the command plans; and at exit what is
  left is frozen out of the garbage collector (Python's last collections would walk every
  object once more, a third of a second after a render).
- :func:`warm_up_code`: what a spare kernel runs while it waits for its job: the modules the
  notebooks import (and pandas and pyplot for notebooks of the report modules), then frozen
  out of the collector's sweeps (they would otherwise walk all of pandas and matplotlib again
  at every reset, 0.15 s, and during runs).
"""

from __future__ import annotations

import ast
import atexit
import gc
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import cast

#: What the report modules draw and tabulate with, imported by a kernel whose notebooks import
#: them (pyplot is imported only when a chart is drawn): pandas and pyplot take a good part of
#: a second each. A notebook that imports no report module (a small one of the user's, a
#: test's) gets only its own imports.
REPORTS = "kuanalysis.reports"
REPORTS_NEED = ("pandas", "matplotlib.pyplot")


def block_unused_imports() -> None:
    """Block the import of rfc3987_syntax (unless done): None in sys.modules blocks it."""
    cast("dict[str, ModuleType | None]", sys.modules).setdefault("rfc3987_syntax", None)


def start() -> None:
    """At the start of ``kuanalysis render``: the workers' server started now, and what is
    left frozen at exit."""
    from .forkserver import context

    context()
    atexit.register(gc.freeze)


def notebook_imports(folder: Path) -> list[str]:
    """The modules the notebooks in ``folder`` import at the top level of their code cells
    (``import a.b``, ``from a import b`` gives ``a`` and, if a module, ``a.b``), sorted."""
    found: set[str] = set()
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", ""))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names)
    return sorted(found)


def warm_up_code(folder: Path) -> str:
    """Code for a spare kernel: import what the notebooks in ``folder`` import (a name that
    is not a module is skipped) and, when they import the report modules, what those need
    (:data:`REPORTS_NEED`); collect, freeze; silent, and it leaves no names."""
    own = notebook_imports(folder)
    uses_reports = any(m == REPORTS or m.startswith(REPORTS + ".") for m in own)
    first = REPORTS_NEED if uses_reports else ()
    modules = [*first, *(m for m in own if m not in first)]
    return (
        "import gc, importlib, importlib.util\n"
        "m = None\n"
        f"for m in {modules!r}:\n"
        "    try:\n"
        "        if importlib.util.find_spec(m) is not None:\n"
        "            importlib.import_module(m)\n"
        "    except Exception:\n"
        "        pass\n"
        "gc.collect()\n"
        "gc.freeze()\n"
        "del gc, importlib, m\n"
    )
