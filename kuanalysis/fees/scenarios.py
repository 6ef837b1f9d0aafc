"""Scenarios: budget alternatives in ``scenarios/*.yaml`` and the fees each gives.

Format: ``scenarios/README.md``. Every error of a file is collected and reported with file,
line and field, in Swedish.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from yaml.constructor import SafeConstructor

from ..data.table import Table
from ..errors import ScenarioError
from ..paths import raw_dir, relative
from ..provenance import Source, source
from .allocation import allocate_largest_remainder
from .keys import IMPLIED_KEY, population_frame
from .matrix import kommun_codes, post_labels


#: Where the printed proposal and the population live in ``data/raw``.
MATRIX_FILE = ("000-pks-2024", "finansiering-2025.csv")

POPULATION_FILE = ("referens", "kommuner-befolkning.csv")

#: Columns of ``kuanalysis fees``' CSV: a contract, keep stable.
FEE_COLUMNS = ["scenario", "kommun_kod", "kommun", "post", "belopp_kr", "fakturerad"]

#: The scenario that is the printed proposal: other scenarios are compared with it.
BASE_SCENARIO = "forslag-2025"

@dataclass(frozen=True)
class PostSpec:
    """One post of a scenario (see ``scenarios/README.md``)."""

    post: str                         # printed label in the fee matrix
    total: int                        # kr
    key: str | dict                   # implied_2025 | befolkning_YYYY_12_31 | {kod: vikt}
    invoiced: bool
    participants: tuple[str, ...] | None   # None = alla
    from_balance: bool
    line: int

@dataclass(frozen=True)
class Scenario:
    name: str                         # file stem, shown to readers
    path: str
    description: str
    posts: dict                       # printed post label -> PostSpec
    source: Source | None = None      # the file with its SHA-256 (a report's provenance)

_POST_FIELDS = ("total", "key", "invoiced", "participants", "from_balance")

_REQUIRED = ("total", "key", "invoiced", "participants")

_constructor = SafeConstructor()

def _value(node):
    return _constructor.construct_object(node, deep=True)

def _is_number(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in (
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

def default_matrix() -> Table:
    """The printed proposal ``data/raw/000-pks-2024/finansiering-2025.csv``."""
    from ..data import load_table
    return load_table(raw_dir().joinpath(*MATRIX_FILE))

def default_population() -> Table:
    """The reference population ``data/raw/referens/kommuner-befolkning.csv``."""
    from ..data import load_table
    return load_table(raw_dir().joinpath(*POPULATION_FILE))

def load_scenario(path, matrix: Table | None = None, population=None) -> Scenario:
    """Read and validate one scenario file (format: ``scenarios/README.md``).

    Top level ``beskrivning`` and ``poster``; every post of the matrix once, by printed
    label or key, with ``total``, ``key``, ``invoiced``, ``participants`` and optionally
    ``from_balance``. Kommun codes must be quoted text. Every error is collected and reported with file, line and field, in Swedish.

    Parameters
    ----------
    path : str or Path
        The YAML file; its stem is the scenario's name.
    matrix : Table, optional
        The fee matrix naming the posts and municipalities (default: the printed proposal).
    population : Table or DataFrame, optional
        Population, to check ``befolkning_YYYY_12_31`` keys (default: the reference file).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With one message per error: ``file:line: field: message``.
    """
    path = Path(path)
    matrix = default_matrix() if matrix is None else matrix
    population = default_population() if population is None else population
    dates = set(population_frame(population).columns)
    shown = relative(path)
    errors: list[str] = []

    def err(node, where: str, message: str):
        line = node.start_mark.line + 1 if node is not None else 1
        errors.append(f"{shown}:{line}: {where}: {message}")

    codes = kommun_codes(matrix)                      # label -> code
    by_ref = {**{c: c for c in codes.values()}, **codes}   # code or name -> code
    posts = post_labels(matrix)
    post_by_ref = {p: p for p in posts}
    post_by_ref.update({k: lbl for k, lbl in matrix.keys().items() if lbl in posts})

    def kommun(node, where: str) -> str | None:
        # A plain 0604 is the int 388 in YAML 1.1 but a plain 0686 is the text "0686":
        # require quotes on every code so the file reads the same whichever digits it has.
        if (isinstance(node, yaml.ScalarNode) and node.style is None
                and re.fullmatch(r"[0-9_]+", node.value)):
            read = _value(node)
            how = f"läses som talet {read}" if isinstance(read, int) else "ska stå inom citattecken"
            err(node, where, f"kommunkoden {node.value} är skriven utan citattecken och {how}; "
                f'skriv "{node.value.zfill(4)}" (fyra siffror inom citattecken)')
            return None
        if not isinstance(node, yaml.ScalarNode) or _value(node) not in by_ref:
            err(node, where, f"okänd kommun {getattr(node, 'value', '?')!r}")
            return None
        return by_ref[_value(node)]

    try:
        with open(path, encoding="utf-8") as fh:
            root = yaml.compose(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError([f"{shown}:1: fil: kan inte läsas som YAML ({exc})"]) from None
    if not isinstance(root, yaml.MappingNode):
        raise ScenarioError([f"{shown}:1: fil: väntade nycklarna beskrivning och poster"])

    top, top_keys = {}, {}
    for k, v in root.value:
        if k.value in top:
            err(k, k.value, "står två gånger")
        elif k.value not in ("beskrivning", "poster"):
            err(k, k.value, "okänt fält (väntade beskrivning, poster)")
        top[k.value], top_keys[k.value] = v, k
    description = ""
    if "beskrivning" not in top:
        err(root, "beskrivning", "saknas")
    elif not isinstance(top["beskrivning"], yaml.ScalarNode) or not str(
            _value(top["beskrivning"]) or "").strip():
        err(top["beskrivning"], "beskrivning", "måste vara en mening text")
    else:
        description = str(_value(top["beskrivning"]))

    specs: dict[str, PostSpec] = {}
    poster = top.get("poster")
    if poster is None:
        err(root, "poster", "saknas")
    elif not isinstance(poster, yaml.MappingNode):
        err(poster, "poster", "väntade en post per rad: 'Postnamn: {total: ..., key: ...}'")
    else:
        for name_node, body in poster.value:
            name = str(name_node.value)
            where = f"poster.{name}"
            post = post_by_ref.get(name)
            if post is None:
                err(name_node, where, f"okänd post {name!r}; väntade en av: {', '.join(posts)}")
                continue
            if post in specs:
                err(name_node, where, f"posten {post!r} står två gånger")
                continue
            spec = _post_spec(post, name_node, body, where, err, kommun, dates)
            if spec is not None:
                specs[post] = spec
        for post in posts:
            if post not in specs and not any(
                    post_by_ref.get(str(k.value)) == post for k, _ in poster.value):
                err(top_keys["poster"], f"poster.{post}", "posten saknas i scenariot")
    if errors:
        raise ScenarioError(errors)
    return Scenario(name=path.stem, path=shown, description=description, posts=specs,
                    source=source(path))

def _post_spec(post, name_node, body, where, err, kommun, dates) -> PostSpec | None:
    if not isinstance(body, yaml.MappingNode):
        err(body, where, "väntade fälten total, key, invoiced, participants")
        return None
    fields = {}
    for k, v in body.value:
        if k.value not in _POST_FIELDS:
            err(k, f"{where}.{k.value}", f"okänt fält (väntade {', '.join(_POST_FIELDS)})")
        elif k.value in fields:
            err(k, f"{where}.{k.value}", "står två gånger")
        fields[k.value] = v
    ok = True
    for f in _REQUIRED:
        if f not in fields:
            err(name_node, f"{where}.{f}", "fältet saknas")
            ok = False

    total = None
    if "total" in fields:
        node = fields["total"]
        value = _value(node) if _is_number(node) else None
        if value is None:
            err(node, f"{where}.total", f"måste vara ett tal i kronor, fick {node.value!r}")
        elif not math.isfinite(value) or value < 0:
            err(node, f"{where}.total", f"får inte vara negativ, fick {node.value}")
        elif value != int(value):
            err(node, f"{where}.total", f"måste vara hela kronor, fick {node.value}")
        else:
            total = int(value)
        ok &= total is not None

    key = None
    if "key" in fields:
        node = fields["key"]
        if isinstance(node, yaml.MappingNode):
            key = {}
            for kn, vn in node.value:
                code = kommun(kn, f"{where}.key")
                if not _is_number(vn) or _value(vn) < 0:
                    err(vn, f"{where}.key.{kn.value}", f"vikten måste vara ett tal ≥ 0, fick "
                        f"{getattr(vn, 'value', '?')!r}")
                    code = None
                if code is not None:
                    key[code] = float(_value(vn))
            if not key or sum(key.values()) <= 0:
                err(node, f"{where}.key", "nyckeltabellen har ingen vikt över noll")
                key = None
        elif isinstance(node, yaml.ScalarNode) and (
                node.value == IMPLIED_KEY or node.value in dates):
            key = node.value
        else:
            err(node, f"{where}.key", f"okänd nyckel {getattr(node, 'value', '?')!r}; väntade "
                f"{IMPLIED_KEY}, en av {', '.join(sorted(dates))} eller en tabell kommun: vikt")
        ok &= key is not None

    flags = {}
    for f in ("invoiced", "from_balance"):
        node = fields.get(f)
        if node is None:
            flags[f] = False
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            flags[f] = _value(node)
        else:
            err(node, f"{where}.{f}", f"måste vara true eller false, fick {node.value!r}")
            ok = False
    if flags.get("from_balance") and flags.get("invoiced"):
        err(fields["from_balance"], f"{where}.from_balance",
            "en fakturerad post kan inte samtidigt tas från balanskontot")
        ok = False

    participants = None
    if "participants" in fields:
        node = fields["participants"]
        if isinstance(node, yaml.ScalarNode) and node.value == "alla":
            participants = None
        elif isinstance(node, yaml.SequenceNode) and node.value:
            found = [kommun(n, f"{where}.participants") for n in node.value]
            if None in found:
                ok = False
            else:
                participants = tuple(found)
                if isinstance(key, dict):
                    for code in participants:
                        if code not in key:
                            err(node, f"{where}.participants",
                                f"kommun {code} deltar men saknar vikt i nyckeln")
                            ok = False
        else:
            err(node, f"{where}.participants", "väntade 'alla' eller en lista med kommunkoder")
            ok = False
    if not ok:
        return None
    return PostSpec(post=post, total=total, key=key, invoiced=flags["invoiced"],
                    participants=participants, from_balance=flags["from_balance"],
                    line=name_node.start_mark.line + 1)

def _weights(spec: PostSpec, matrix: Table, pop: pd.DataFrame) -> dict[str, float]:
    codes = kommun_codes(matrix)
    if spec.key == IMPLIED_KEY:
        weights = {codes[r]: matrix.values.at[r, spec.post] for r in codes}
    elif isinstance(spec.key, dict):
        weights = {c: spec.key.get(c, math.nan) for c in codes.values()}
    else:
        weights = {c: pop.at[c, spec.key] for c in codes.values()}
    if spec.participants is None:
        return weights
    for c in spec.participants:
        if pd.isna(weights[c]):
            raise ValueError(f"{spec.post}: kommun {c} deltar men har ingen andel i nyckeln")
    return {c: (w if c in spec.participants else math.nan) for c, w in weights.items()}

def allocate_scenario(scenario: Scenario, matrix: Table, population) -> pd.DataFrame:
    """Every municipality's fee for every post under one scenario.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, kommun_kod, kommun, post, belopp_kr, fakturerad`` (the contract
        of ``kuanalysis fees``): one line per municipality and post, in the matrix's order;
        kommun_kod text, belopp_kr int (0 for a municipality outside the post),
        fakturerad bool.
    """
    pop = population_frame(population)
    names = {code: label for label, code in kommun_codes(matrix).items()}
    lines = []
    for post in post_labels(matrix):
        spec = scenario.posts[post]
        parts = allocate_largest_remainder(spec.total, _weights(spec, matrix, pop))
        for code, name in names.items():
            lines.append((scenario.name, code, name, post, parts[code], spec.invoiced))
    frame = pd.DataFrame(lines, columns=FEE_COLUMNS)
    return frame.astype({"kommun_kod": str, "kommun": str, "post": str,
                         "belopp_kr": "int64", "fakturerad": bool})

def _load_each(paths, matrix: Table, population) -> tuple[list[Scenario], list[str]]:
    """Load every scenario file, collecting the errors of all of them (none stops the rest)."""
    scenarios, errors = [], []
    for p in paths:
        try:
            scenarios.append(load_scenario(p, matrix, population))
        except ScenarioError as exc:
            errors.extend(exc.messages)
    return scenarios, errors

def load_scenarios(folder, matrix: Table, population) -> list[Scenario]:
    """Every ``*.yaml`` scenario in a folder; the proposal first, the others by name.

    Raises
    ------
    ScenarioError
        With every error of every file (nothing is half-loaded), or when there is no file.
    """
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise ScenarioError([f"{relative(folder)}: inga scenariofiler (*.yaml)"])
    scenarios, errors = _load_each(files, matrix, population)
    if errors:
        raise ScenarioError(errors)
    return sorted(scenarios, key=lambda s: (s.name != BASE_SCENARIO, s.name))
