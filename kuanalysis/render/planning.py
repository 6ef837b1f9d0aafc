"""Which reports exist and what one run renders: :class:`Report`, :class:`Job`, :func:`plan`.

A report is a notebook in ``notebooks/`` (names starting with ``_`` are not). A report gives one
job, or one job per variant when its metadata names a variants function:
``"kuanalysis": {"variants": "module:function"}``. The function is called with
``parameters=`` (the validated values) and returns a list of
``{"parameters": {...}, "output": "folder/file.html", "title": "...", "sort": "..."}``
(``sort`` optional: a string; the index lists a report's variants by it, highest first).
A report that lists the others (the overview) says so, ``"lists_reports": true``: its cache
key then holds every report's title and jobs (:func:`kuanalysis.render.cache.catalogue`).
Every parameter is validated here, before anything runs.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from ..errors import ParameterError
from ..paths import notebooks_dir, project_input
from .parameters import Parameter, read_parameters, validate_parameters

#: The folder beside the reports where the executed notebook of a failed report is kept.
FAILED_DIR = "_failed"


@dataclass
class Report:
    """A notebook that renders into one or more HTML files."""

    name: str
    path: Path
    title: str
    parameters: dict[str, Parameter]
    variants: str | None = None  # "module:function" giving one job per variant
    check: str | None = None  # "module:function" checking the parameters' inputs
    #: parameters that name a file or folder: checked to lie in the project before running
    paths: tuple[str, ...] = ()
    #: it shows the other reports' titles and files (``"lists_reports": true``)
    lists_reports: bool = False


@dataclass
class Job:
    """One HTML file to render: a notebook with validated parameter values."""

    report: str
    notebook: str
    output: str  # relative to the output folder, with "/"
    title: str
    parameters: dict = field(default_factory=dict)
    sort: str = ""
    report_title: str = ""


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def discover(nb_dir: Path | None = None) -> dict[str, Report]:
    """Every report: each notebook in ``notebooks/`` whose name does not start with ``_``.

    Raises
    ------
    kuanalysis.errors.ParameterError
        When a notebook's parameters cell cannot be read (the message names the line).
    """
    nb_dir = nb_dir or notebooks_dir()
    reports = {}
    for path in sorted(nb_dir.glob("*.ipynb")):
        if path.name.startswith("_"):
            continue
        nb = nbformat.read(path, as_version=4)
        source = next(
            (
                c.source
                for c in nb.cells
                if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
            ),
            "",
        )
        meta = nb.metadata.get("kuanalysis", {})
        reports[path.stem] = Report(
            path.stem,
            path,
            _title(nb, path.stem),
            read_parameters(path, source),
            meta.get("variants"),
            meta.get("check"),
            tuple(meta.get("paths", ())),
            meta.get("lists_reports") is True,
        )
    return reports


_OUTPUT = re.compile(r"[\w.-]+(/[\w.-]+)*\.html")


def _call(target: str, values: dict):
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)(parameters=values)


def _variants(report: Report, values: dict) -> list[dict]:
    assert report.variants is not None
    found = _call(report.variants, values)
    for v in found:
        out = str(v.get("output", ""))
        if not _OUTPUT.fullmatch(out) or ".." in PurePosixPath(out).parts:
            raise ValueError(
                f"{report.variants}: utfilen {out!r} ska vara en relativ sökväg "
                f"(bokstäver, siffror, . _ - och /) som slutar på .html"
            )
        if not isinstance(v.get("sort", ""), str):
            raise ValueError(f"{report.variants}: 'sort' ska vara en text, fick {v['sort']!r}")
    return found


def plan(
    names: list[str] | None, overrides: dict, reports: dict[str, Report] | None = None
) -> list[Job]:
    """The jobs for the named reports (all if none); parameters validated here, not in papermill.

    Parameters
    ----------
    names : list of str or None
        Report names (notebook names without ``.ipynb``); all reports when empty.
    overrides : dict
        Parameter values from the command line (text, converted to each parameter's type).
    reports : dict, optional
        As from :func:`discover` (default: discovered now).

    Raises
    ------
    kuanalysis.errors.InputError
        For an unknown report or parameter, a value of the wrong type, or an error a
        variants function raises about its input.
    """
    reports = reports if reports is not None else discover()
    names = list(dict.fromkeys(names)) if names else list(reports)
    missing = [n for n in names if n not in reports]
    if missing:
        raise ParameterError(
            f"okänd rapport {', '.join(map(repr, missing))} (finns: {', '.join(reports)})"
        )
    jobs = []
    for name in names:
        rep = reports[name]
        mine = overrides_for(overrides, name, reports, names)
        values = validate_parameters(rep.parameters, mine, name)
        for key in rep.paths:  # a path parameter names something that is in the project
            if values.get(key) and not project_input(values[key], f"parametern {key}").exists():
                raise ParameterError(f"parametern {key}: {values[key]} finns inte i projektet")
        if rep.check:  # the inputs the parameters name, read as the notebook will read them
            _call(rep.check, values)
        if rep.variants:
            for var in _variants(rep, values):
                params = validate_parameters(rep.parameters, {**values, **var["parameters"]}, name)
                jobs.append(
                    Job(
                        name,
                        str(rep.path),
                        var["output"],
                        var["title"],
                        params,
                        var.get("sort", ""),
                        rep.title,
                    )
                )
        else:
            jobs.append(Job(name, str(rep.path), f"{name}.html", rep.title, values, "", rep.title))
    outputs = [j.output for j in jobs]
    twice = sorted({o for o in outputs if outputs.count(o) > 1})
    if twice:
        raise ParameterError(f"flera rapporter skulle skriva {', '.join(twice)}")
    taken = [o for o in outputs if o == "index.html" or o.startswith(FAILED_DIR + "/")]
    if taken:
        raise ParameterError(
            f"{', '.join(taken)} är upptaget av rapportlistan; byt namn på rapporten"
        )
    return jobs


def overrides_for(overrides: dict, name: str, reports: dict[str, Report], names: list[str]) -> dict:
    """With several reports, a parameter applies to those that declare it; one report must."""
    if len(names) == 1:
        return overrides
    unknown = [k for k in overrides if not any(k in reports[n].parameters for n in names)]
    if unknown:
        raise ParameterError(f"ingen av rapporterna har parametern {', '.join(map(repr, unknown))}")
    return {k: v for k, v in overrides.items() if k in reports[name].parameters}
