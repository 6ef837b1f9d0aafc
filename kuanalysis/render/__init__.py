"""Render notebooks into self-contained Swedish HTML reports (``kuanalysis render``).

Each report is one notebook in ``notebooks/`` executed with papermill in a fresh kernel and
exported with the package's own nbconvert template (no code, no prompts, no stderr, no
scripts) to ``reports/<name>.html``; ``reports/index.html`` lists them all. A report whose
inputs have not changed since its last good render is not run again. One render at a time
writes to an output folder (a second waits); it uses at most two worker processes per core,
and no more than it has jobs.

Modules: :mod:`.command` (a render: plan, cache, run, index), :mod:`.parameters` (a
notebook's parameters), :mod:`.planning` (reports and jobs), :mod:`.run` (worker processes),
:mod:`.export` (executed notebook -> HTML and files), :mod:`.cache` (when a report is
unchanged), :mod:`.index` (``index.html`` and its state), :mod:`.speed` (all that exists
only for speed), :mod:`.forkserver` (the process workers are forked from).

This module imports nothing heavy: the names below are loaded when first used, so that
:func:`command_line` can start the workers' server before pandas and papermill are imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import speed

speed.block_unused_imports()

if TYPE_CHECKING:
    from ..errors import ParameterError
    from .command import describe, render
    from .parameters import Parameter, coerce, validate_parameters
    from .planning import FAILED_DIR, Job, Report, discover, plan
    from .run import Result

#: Each public name and the module it lives in (imported on first use).
_WHERE = {
    "FAILED_DIR": ".planning",
    "Job": ".planning",
    "Parameter": ".parameters",
    "ParameterError": "..errors",
    "Report": ".planning",
    "Result": ".run",
    "coerce": ".parameters",
    "describe": ".command",
    "discover": ".planning",
    "plan": ".planning",
    "render": ".command",
    "validate_parameters": ".parameters",
}

__all__ = [
    "FAILED_DIR",
    "Job",
    "Parameter",
    "ParameterError",
    "Report",
    "Result",
    "coerce",
    "command_line",
    "describe",
    "discover",
    "plan",
    "render",
    "validate_parameters",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)


def command_line(*args, **kwargs) -> int:
    """``kuanalysis render``: :func:`render` with the command's speed work around it
    (:func:`.speed.start`)."""
    speed.start()
    from .command import render

    return render(*args, **kwargs)
