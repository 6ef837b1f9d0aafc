"""Render notebooks into self-contained Swedish HTML reports.

Each report is one notebook in ``notebooks/`` executed with papermill's Python API in a fresh
kernel, exported with the package's own nbconvert template (no code, no prompts, no stderr, no
scripts) and written to ``reports/<name>.html`` through a temporary file and a rename, so a
failed run never destroys the last good report. Reports run in parallel worker processes, one
per core by default, each exporting its own HTML. ``reports/index.html`` lists them all.
"""
from __future__ import annotations

import ast
import datetime as dt
import html
import importlib
import json
import multiprocessing as mp
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty

import nbformat

from . import provenance, publish
from .paths import atomic_path, notebooks_dir, reports_dir

INDEX_STATE = "_index.json"
FAILED_DIR = "_failed"


class ParameterError(ValueError):
    """A parameter given on the command line does not fit the notebook."""


# -- parameters ---------------------------------------------------------------------------

@dataclass
class Parameter:
    name: str
    default: object
    type: str  # str | int | float | bool | list | dict
    comment: str = ""


_TYPES = {str: "str", bool: "bool", int: "int", float: "float", list: "list", dict: "dict"}
_TYPE_SV = {"str": "text", "int": "heltal", "float": "tal", "bool": "sant/falskt",
            "list": "lista", "dict": "tabell"}


def notebook_parameters(nb) -> dict[str, Parameter]:
    """The parameters declared in the cell tagged ``parameters``: literals only."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            src = cell.source
            tree = ast.parse(src)
            lines = src.splitlines()
            params = {}
            for node in tree.body:
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name)):
                    raise ParameterError("parametercellen får bara innehålla tilldelningar")
                value = ast.literal_eval(node.value)
                line = lines[node.lineno - 1]
                comment = line.split("#", 1)[1].strip() if "#" in line else ""
                params[node.targets[0].id] = Parameter(
                    node.targets[0].id, value, _TYPES.get(type(value), "str"), comment)
            return params
    return {}


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
            f"parametern {param.name!r} ska vara sant/falskt (true/false), fick {raw!r}")
    elif param.type in ("int", "float"):
        try:
            return int(raw) if param.type == "int" else float(raw.replace(",", "."))
        except ValueError:
            raise ParameterError(
                f"parametern {param.name!r} ska vara {_TYPE_SV[param.type]}, fick {raw!r}") from None
    else:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise ParameterError(
                f"parametern {param.name!r} ska vara {_TYPE_SV[param.type]} i JSON, fick {raw!r}"
            ) from None
    expected = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list,
                "dict": dict}[param.type]
    if isinstance(value, bool) and param.type in ("int", "float") or not isinstance(value, expected):
        raise ParameterError(
            f"parametern {param.name!r} ska vara {_TYPE_SV[param.type]}, fick {value!r}")
    return float(value) if param.type == "float" else value


def validate_parameters(params: dict[str, Parameter], given: dict, report: str) -> dict:
    """Defaults overlaid with the given values; unknown names and wrong types are errors."""
    unknown = sorted(set(given) - set(params))
    if unknown:
        known = ", ".join(sorted(params)) or "inga"
        raise ParameterError(
            f"rapporten {report!r} har ingen parameter {', '.join(map(repr, unknown))} "
            f"(den har: {known})")
    values = {k: p.default for k, p in params.items()}
    for k, raw in given.items():
        values[k] = coerce(params[k], raw)
    return values


# -- reports and jobs ---------------------------------------------------------------------

@dataclass
class Report:
    name: str
    path: Path
    title: str
    parameters: dict[str, Parameter]
    variants: str | None = None  # "module:function" giving one job per variant


@dataclass
class Job:
    report: str
    notebook: str
    output: str  # relative to reports/
    title: str
    parameters: dict = field(default_factory=dict)


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def discover(nb_dir: Path | None = None) -> dict[str, Report]:
    """Every report: each notebook in ``notebooks/`` whose name does not start with ``_``."""
    nb_dir = nb_dir or notebooks_dir()
    reports = {}
    for path in sorted(nb_dir.glob("*.ipynb")):
        if path.name.startswith("_"):
            continue
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("kuanalysis", {})
        reports[path.stem] = Report(path.stem, path, _title(nb, path.stem),
                                    notebook_parameters(nb), meta.get("variants"))
    return reports


def _call(spec: str, **kwargs):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)(**kwargs)


def plan(names: list[str] | None, overrides: dict, reports: dict[str, Report] | None = None
         ) -> list[Job]:
    """The jobs for the named reports (all if none); parameters validated here, not in papermill."""
    reports = reports if reports is not None else discover()
    names = names or list(reports)
    missing = [n for n in names if n not in reports]
    if missing:
        raise ParameterError(
            f"okänd rapport {', '.join(map(repr, missing))} (finns: {', '.join(reports)})")
    jobs = []
    for name in names:
        rep = reports[name]
        values = validate_parameters(rep.parameters, overrides_for(overrides, name, reports, names),
                                     name)
        if rep.variants:
            for var in _call(rep.variants, parameters=values):
                params = validate_parameters(rep.parameters, {**values, **var["parameters"]}, name)
                jobs.append(Job(name, str(rep.path), var["output"], var["title"], params))
        else:
            jobs.append(Job(name, str(rep.path), f"{name}.html", rep.title, values))
    return jobs


def overrides_for(overrides: dict, name: str, reports: dict[str, Report], names: list[str]) -> dict:
    """With several reports, a parameter applies to those that declare it; one report must."""
    if len(names) == 1:
        return overrides
    unknown = [k for k in overrides if not any(k in reports[n].parameters for n in names)]
    if unknown:
        raise ParameterError(
            f"ingen av rapporterna har parametern {', '.join(map(repr, unknown))}")
    return {k: v for k, v in overrides.items() if k in reports[name].parameters}


# -- HTML export --------------------------------------------------------------------------

_ALLOWED_TAGS = sorted({"a", "abbr", "b", "blockquote", "br", "caption", "code", "col",
                        "colgroup", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
                        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
                        "mark", "ol", "p", "pre", "section", "small", "span", "strong", "sub",
                        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
                        "ul"})
_ALLOWED_ATTRS = {"*": ["class", "id", "title", "role", "aria-label", "lang"],
                  "a": ["href", "title"], "img": ["src", "alt", "width", "height"],
                  "th": ["scope", "colspan", "rowspan"], "td": ["colspan", "rowspan"]}


def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors.sanitize import SanitizeHTML
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True
    c.SanitizeHTML.tags = _ALLOWED_TAGS
    c.SanitizeHTML.attributes = _ALLOWED_ATTRS
    c.SanitizeHTML.strip = True
    exporter = HTMLExporter(
        config=c, template_name="kuanalysis",
        extra_template_basedirs=[str(Path(__file__).parent / "templates")],
    )
    exporter.register_preprocessor(SanitizeHTML(config=c), enabled=True)
    return exporter


def _clean(nb) -> tuple[dict[str, str], list[dict]]:
    """Drop what a reader must not see; return the published inputs and files.

    Interim version (the render package replaces it): fills ``{{fields}}``, drops empty
    ``valfri`` sections, collects published files.
    """
    import base64

    from .reports.html import markdown_literal

    inputs: dict[str, str] = {}
    fields: dict[str, str] = {}
    files: list[dict] = []
    # parameter cells carry no outputs, and papermill gives the injected one a random id
    nb.cells = [c for c in nb.cells
                if not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            if out.get("output_type") == "error":
                continue
            data = out.get("data", {})
            if publish.MIME_INPUTS in data:
                inputs.update(data[publish.MIME_INPUTS])
                continue
            if publish.MIME_FIELDS in data:
                fields.update(data[publish.MIME_FIELDS])
                continue
            if publish.MIME_FILE in data:
                f = data.pop(publish.MIME_FILE)
                files.append({"name": f["name"], "data": base64.b64decode(f["base64"])})
            kept.append(out)
        cell.outputs = kept
    cells, i = [], 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "valfri" in cell.metadata.get("tags", []):
            following = []
            for c in nb.cells[i + 1:]:
                if c.cell_type == "markdown":
                    break
                following.append(c)
            if not any(c.get("outputs") for c in following):
                continue
        if cell.cell_type == "markdown":
            def fill(m):
                if m[1] not in fields:
                    raise ValueError(f"fältet {{{{{m[1]}}}}} fick inget värde")
                return markdown_literal(fields[m[1]])
            cell.source = publish.FIELD.sub(fill, cell.source)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return inputs, files


def export_html(nb, title: str, parameters: dict, generated_at: str, commit: str,
                index_href: str) -> str:
    inputs, files = _clean(nb)
    cell = nbformat.v4.new_markdown_cell(
        str(provenance.block_html(inputs, parameters, generated_at, commit)))
    cell.id = "proveniens"  # fixed, so that two runs give identical files
    nb.cells.append(cell)
    body, _ = _EXPORTER_CACHE.setdefault("x", _exporter()).from_notebook_node(
        nb, resources={"ku_title": title, "ku_index_href": index_href})
    return body, files


_EXPORTER_CACHE: dict = {}


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write through a temporary file in the same folder and rename: all or nothing."""
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")


# -- running ------------------------------------------------------------------------------

@dataclass
class Result:
    report: str
    output: str
    title: str
    parameters: dict
    status: str  # "ok" | "fel"
    seconds: float
    generated_at: str
    message: str = ""


def run_job(job: Job, out_dir: str, generated_at: str, commit: str) -> Result:
    """Execute one notebook in a fresh kernel and write its HTML; never raises."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    out_dir_p = Path(out_dir)
    target = out_dir_p / job.output
    depth = len(Path(job.output).parts) - 1
    index_href = "../" * depth + "index.html"
    scratch = Path(tempfile.mkdtemp(prefix="kuanalysis-"))
    executed = scratch / "executed.ipynb"
    try:
        nb = pm.execute_notebook(
            job.notebook, str(executed), parameters=job.parameters, kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(notebooks_dir()),
            request_save_on_cell_execute=False,
        )
        page, files = export_html(nb, job.title, job.parameters, generated_at, commit,
                                  index_href)
        atomic_write(target, page)
        for f in files:
            from .reports.xlsx import _make_reproducible
            path = target.parent / f["name"]
            atomic_write(path, f["data"])
            if path.suffix == ".xlsx":
                _make_reproducible(path, generated_at)
        shutil.rmtree(scratch, ignore_errors=True)
        return Result(job.report, job.output, job.title, job.parameters, "ok",
                      time.perf_counter() - started, generated_at)
    except PapermillExecutionError as e:
        message = (f"Rapporten {job.output} misslyckades i cell {_cell_number(executed, e)} "
                   f"av anteckningsboken {Path(job.notebook).name}: {e.ename}: {e.evalue}")
    except Exception as e:  # noqa: BLE001 - any failure must become one readable paragraph
        message = f"Rapporten {job.output} misslyckades: {type(e).__name__}: {e}"
    failed = out_dir_p / FAILED_DIR / Path(job.output).with_suffix(".ipynb")
    if executed.exists():
        failed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(executed), failed)
        message += (f" Den körda anteckningsboken finns i "
                    f"{FAILED_DIR}/{Path(job.output).with_suffix('.ipynb').as_posix()}."
                    f" Den senaste lyckade rapporten, om någon, är orörd.")
    shutil.rmtree(scratch, ignore_errors=True)
    return Result(job.report, job.output, job.title, job.parameters, "fel",
                  time.perf_counter() - started, generated_at, message)


def _cell_number(executed: Path, err) -> int:
    """The failing cell's number as the analyst sees it (papermill's injected cell not counted)."""
    try:
        cells = [c for c in nbformat.read(executed, as_version=4).cells
                 if not {"injected-parameters", "papermill-error-cell-tag"}
                 & set(c.metadata.get("tags", []))]
        for i, c in enumerate(cells, 1):
            if any(o.get("output_type") == "error" for o in c.get("outputs", [])):
                return i
    except Exception:  # noqa: BLE001 - fall back to papermill's own count
        pass
    return err.cell_index + 1


def _worker(queue, results, out_dir, generated_at, commit):
    # Kernels inherit this process's stderr: keep their start-up chatter off the terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    while True:
        job = queue.get()
        if job is None:
            return
        results.put(asdict(run_job(Job(**job), out_dir, generated_at, commit)))


def render(names=None, overrides=None, jobs: int | None = None, out_dir: Path | None = None,
           generated_at: str | None = None, echo=print) -> int:
    """Render reports; returns the exit code (0 when every report rendered)."""
    out_dir = Path(out_dir or reports_dir())
    plan_jobs = plan(names, overrides or {})
    generated_at = generated_at or _now()
    commit = provenance.git_commit()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(plan_jobs)))
    tty = sys.stdout.isatty() and not os.environ.get("CI")
    echo(f"Renderar {len(plan_jobs)} rapport(er) med {jobs} parallella processer.")
    started = time.perf_counter()
    results = []
    # Worker processes (one per core) pull jobs from a queue; each runs its own kernels and
    # writes its own HTML, so only small result records come back.
    ctx = mp.get_context("fork")
    queue, resq = ctx.Queue(), ctx.Queue()
    for j in plan_jobs:
        queue.put(asdict(j))
    procs = [ctx.Process(target=_worker, args=(queue, resq, str(out_dir), generated_at, commit))
             for _ in range(jobs)]
    for p in procs:
        queue.put(None)
        p.start()
    while len(results) < len(plan_jobs):
        try:
            results.append(Result(**resq.get(timeout=2)))
        except Empty:
            if any(p.is_alive() for p in procs):
                continue
            # every worker died without reporting: name the reports that never finished
            done = {r.output for r in results}
            for j in plan_jobs:
                if j.output not in done:
                    results.append(Result(j.report, j.output, j.title, j.parameters, "fel", 0.0,
                                          generated_at, f"Rapporten {j.output} avbröts: "
                                          "arbetsprocessen avslutades oväntat."))
            break
        _progress(results[-1], len(results), len(plan_jobs), tty, echo)
    for p in procs:
        p.join()
    write_index(out_dir, results)
    failed = [r for r in results if r.status != "ok"]
    took = time.perf_counter() - started
    echo(f"Klart på {took:.1f} s: {len(results) - len(failed)} av {len(results)} rapporter "
         f"skrivna till {out_dir.name}/." + (f" {len(failed)} misslyckades:" if failed else ""))
    for r in failed:
        echo("")
        echo(r.message)
    return 1 if failed else 0


def _progress(r: Result, i: int, n: int, tty: bool, echo) -> None:
    mark = "klar" if r.status == "ok" else "FEL"
    line = f"[{i}/{n}] {r.output:<40} {mark:<4} {r.seconds:5.1f} s"
    echo(("\r\033[K" if tty else "") + line)


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch
              else dt.datetime.now(dt.timezone.utc))
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


# -- index --------------------------------------------------------------------------------

def write_index(out_dir: Path, results: list[Result]) -> None:
    """Merge this run's results into the saved state and write ``index.html``."""
    state_path = out_dir / INDEX_STATE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    for r in results:
        prev = state.get(r.output, {})
        entry = asdict(r)
        if r.status != "ok" and prev.get("status") == "ok":
            # the last good report is still there: keep its time, note the failure
            entry["generated_at"] = prev["generated_at"]
            entry["status"] = "fel (senaste lyckade versionen visas)"
        elif r.status != "ok":
            entry["status"] = "fel"
        state[r.output] = entry
    state = {k: v for k, v in state.items() if (out_dir / k).exists() or v["status"] != "ok"}
    atomic_write(state_path, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True))
    atomic_write(out_dir / "index.html", index_html(state))


def index_html(state: dict) -> str:
    esc = html.escape
    rows = []
    for output, e in sorted(state.items(), key=lambda kv: (kv[1]["report"], kv[0])):
        params = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}"
                           for k, v in sorted(e["parameters"].items())) or "–"
        status = "klar" if e["status"] == "ok" else e["status"]
        link = (f'<a href="{esc(output)}">{esc(e["title"])}</a>'
                if e["status"] != "fel" else esc(e["title"]))
        rows.append(f"<tr><td>{link}</td><td>{esc(params)}</td><td>{esc(e['generated_at'])}</td>"
                    f"<td>{esc(status)}</td></tr>")
    css = (Path(__file__).parent / "templates" / "kuanalysis" / "report.css").read_text("utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>Rapporter – Kommunal utveckling</title><style>{css}</style></head><body>"
        '<header class="sidhuvud"><span>Kommunal utveckling i Jönköpings län</span></header>'
        "<main><h1>Rapporter</h1><p>Alla rapporter i den här mappen. Öppna en rapport genom att "
        "klicka på titeln; sidorna fungerar utan internetuppkoppling.</p>"
        '<table id="rapporter"><thead><tr><th scope="col">Rapport</th><th scope="col">Parametrar</th>'
        '<th scope="col">Skapad</th><th scope="col">Status</th></tr></thead><tbody>'
        + "".join(rows) + "</tbody></table></main></body></html>\n"
    )


def describe(reports: dict[str, Report] | None = None) -> str:
    """Text for ``kuanalysis list``: each report with its parameters, defaults and types."""
    reports = reports if reports is not None else discover()
    lines = []
    for r in reports.values():
        lines.append(f"{r.name}: {r.title}")
        for p in r.parameters.values():
            c = f"  # {p.comment}" if p.comment else ""
            lines.append(f"    {p.name} ({_TYPE_SV[p.type]}) = {json.dumps(p.default, ensure_ascii=False)}{c}")
        if not r.parameters:
            lines.append("    (inga parametrar)")
    return "\n".join(lines)


def report_list_html(reports: dict[str, Report]) -> str:
    """A Swedish list of the suite's reports with relative links (for the overview page)."""
    esc = html.escape
    items = []
    for r in reports.values():
        href = "index.html" if r.variants else f"{r.name}.html"
        items.append(f'<li><a href="{esc(href)}">{esc(r.title)}</a></li>')
    return '<ul class="rapportlista">' + "".join(items) + "</ul>"
