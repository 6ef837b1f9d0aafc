"""The 2025 fees: what the printed fee matrix adds up to, its allocation keys, scenarios.

Four parts, each usable on its own:

- Checks of the printed matrix (``check_fee_matrix``): which posts the Summa column adds up,
  blanks, row and column sums, one key rounded to two figures.
- Keys (``implied_keys``, ``key_groups``, ``compare_with_population``): the share each
  municipality pays of each post, which posts share a key, which population date it fits.
- Allocation (``allocate_largest_remainder``, ``allocate_many``): whole kronor that add up
  exactly to the total.
- Scenarios (``load_scenario``, ``allocate_scenario``, ``project_balance``, ``cli_fees``):
  budget alternatives in ``scenarios/*.yaml`` and the balance account year by year.

Rounding rule used throughout: every printed figure is rounded to whole kronor, so each is
off its exact value by at most 0.5 kr. A sum over n printed figures compared with a printed
total (also rounded) can therefore be off by up to ``(n + 1) * 0.5`` kr without any error:
that is the default tolerance, and a difference within it has status ``avrundning``.
"""
from __future__ import annotations

import itertools
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from yaml.constructor import SafeConstructor

from .findings import Finding
from .paths import atomic_path, raw_dir, relative, reports_dir
from .table import Table

#: Where the printed proposal and the population live in ``data/raw``.
MATRIX_FILE = ("000-pks-2024", "finansiering-2025.csv")
POPULATION_FILE = ("referens", "kommuner-befolkning.csv")

#: Columns of ``kuanalysis fees``' CSV: a contract, keep stable.
FEE_COLUMNS = ["scenario", "kommun_kod", "kommun", "post", "belopp_kr", "fakturerad"]

IMPLIED_KEY = "implied_2025"
_POPULATION_KEY = re.compile(r"^befolkning_(\d{4})_12_31$")


# ----------------------------------------------------------------------------------------
# The printed matrix
# ----------------------------------------------------------------------------------------
def _total_column(table: Table) -> str:
    for c in table.meta.get("columns", []):
        if c.get("role") == "total" or c.get("key") == "summa":
            return c["label"]
    raise ValueError(f"{table.id}: avgiftstabellen saknar summakolumn")


def _total_row(table: Table) -> str:
    rows = table.rows_with_role("total")
    if len(rows) != 1:
        raise ValueError(f"{table.id}: väntade exakt en summarad, fann {len(rows)}")
    return rows[0]


def post_labels(table: Table) -> list[str]:
    """The printed labels of the posts (every value column except the Summa column)."""
    total = _total_column(table)
    return [c for c in table.values.columns if c != total]


def kommun_codes(table: Table) -> dict[str, str]:
    """Row label -> kommun code (text, "0604") for the municipality rows of a table."""
    out = {}
    for r in table.meta.get("rows", []):
        if r.get("role") == "kommun":
            out[r["label"]] = str(r["kommun_kod"])
    return out


def _tolerance(n_figures: int, tolerance_kr: float | None) -> float:
    # n rounded parts plus the rounded total: each off by at most half a krona.
    return (n_figures + 1) * 0.5 if tolerance_kr is None else float(tolerance_kr)


def _status(difference: float, tolerance: float) -> str:
    return "avrundning" if abs(difference) <= tolerance else "avvikelse"


def implied_blanks(table: Table, tolerance_kr: float | None = None) -> dict[tuple[str, str], float]:
    """Blank cells inside a post that others pay, with the value the column total implies.

    Implied value = column total − sum of the other municipalities. A blank whose implied
    value is within rounding of zero means "outside the post" and is not returned.

    Returns
    -------
    dict
        ``(row label, column label) -> implied kronor``.
    """
    kommuner = list(kommun_codes(table))
    total_row = _total_row(table)
    out = {}
    for col in table.values.columns:
        cells = table.values.loc[kommuner, col]
        blanks = cells[cells.isna()].index
        if len(blanks) != 1 or pd.isna(table.values.at[total_row, col]):
            continue  # two blanks in one column cannot be told apart; nothing to imply
        implied = table.values.at[total_row, col] - cells.sum()
        if abs(implied) > _tolerance(len(kommuner) - 1, tolerance_kr):
            out[(blanks[0], col)] = float(implied)
    return out


@dataclass
class SummaComposition:
    """Which posts the printed Summa column adds up.

    Attributes
    ----------
    included, excluded : list of str
        Post labels summed / shown but not summed.
    residuals : pandas.Series
        Per row: printed Summa − sum of the included posts.
    alternatives : list of tuple
        The next best choices: ``(excluded posts, sum of squared residuals, largest |residual|)``.
    """

    included: list[str]
    excluded: list[str]
    residuals: pd.Series
    alternatives: list[tuple[tuple[str, ...], float, float]] = field(default_factory=list)


def summa_composition(table: Table, n_alternatives: int = 3) -> SummaComposition:
    """Find the set of posts whose sum best reproduces the Summa column, for all rows at once.

    Every subset of the posts is tried (2**16 for 16 posts, one matrix product). The best is
    the one with the smallest sum of squared residuals over all rows: one rule for the whole
    table, not one per row, so a coincidence in a single row cannot pick the posts.

    Parameters
    ----------
    table : Table
        A ``fee_matrix`` table.
    n_alternatives : int
        How many runner-up subsets to keep for the reader.

    Returns
    -------
    SummaComposition
    """
    posts = post_labels(table)
    values = table.values[posts].copy()
    for (row, col), implied in implied_blanks(table).items():
        values.at[row, col] = implied  # a missing cell counts with its implied value
    data = values.fillna(0.0).to_numpy()  # blank = outside the post: pays nothing
    summa = table.values[_total_column(table)].to_numpy()
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=len(posts))))
    residuals = summa[None, :] - masks @ data.T
    sse = np.nansum(residuals**2, axis=1)
    order = np.argsort(sse, kind="stable")
    best = masks[order[0]].astype(bool)

    def excluded(mask) -> tuple[str, ...]:
        return tuple(p for p, m in zip(posts, mask.astype(bool)) if not m)

    alternatives = [
        (excluded(masks[i]), float(sse[i]), float(np.nanmax(np.abs(residuals[i]))))
        for i in order[1 : 1 + n_alternatives]
    ]
    return SummaComposition(
        included=[p for p, m in zip(posts, best) if m],
        excluded=[p for p, m in zip(posts, best) if not m],
        residuals=pd.Series(residuals[order[0]], index=table.values.index),
        alternatives=alternatives,
    )


def check_fee_matrix(table: Table, tolerance_kr: float | None = None) -> list[Finding]:
    """Check a printed fee matrix; every failure is collected.

    Checks (the ``check`` field of each finding):

    - ``summa_utan_post``: a post shown in the table but not part of the Summa column
      (status ``oklar``: the reader must know what the Summa leaves out), see
      :func:`summa_composition`.
    - ``saknad_cell``: a blank inside a post where the column total implies an amount
      (status ``saknas``, expected = the implied amount). A blank whose implied amount is
      zero within rounding is a municipality outside the post, not a finding.
    - ``radsumma``: each row's Summa against the sum of the included posts.
    - ``kolumnsumma``: each column's total row against the sum of the municipalities.
    - ``samma_nyckel``: two posts with the same printed total and the same key (see
      :func:`key_groups`) must give each municipality the same kronor.

    Parameters
    ----------
    table : Table
        A ``fee_matrix`` table (rows ``kommun`` + one ``total``; a ``total`` column).
    tolerance_kr : float, optional
        Largest difference, in kr, reported as ``avrundning`` rather than ``avvikelse``.
        Default: ``(n + 1) * 0.5`` for a sum of n whole-krona figures (see module docstring);
        for ``samma_nyckel`` 1 kr (two roundings of one quota).

    Returns
    -------
    list of Finding
    """
    findings: list[Finding] = []

    def add(row, column, check, reported, expected, status):
        diff = None if reported is None or expected is None else float(reported - expected)
        findings.append(Finding(
            document=table.document, table=table.id, row=row, column=column, check=check,
            reported=None if reported is None else float(reported),
            expected=None if expected is None else float(expected),
            difference=diff, status=status, source=table.source(row),
        ))

    kommuner = list(kommun_codes(table))
    total_row, total_col = _total_row(table), _total_column(table)
    values = table.values

    composition = summa_composition(table)
    for post in composition.excluded:
        add(total_row, post, "summa_utan_post", values.at[total_row, post], None, "oklar")

    blanks = implied_blanks(table, tolerance_kr)
    for (row, col), implied in blanks.items():
        add(row, col, "saknad_cell", None, implied, "saknas")

    filled = values.copy()
    for (row, col), implied in blanks.items():
        filled.at[row, col] = implied
    n_included = len(composition.included)
    for row in values.index:
        reported = values.at[row, total_col]
        expected = filled.loc[row, composition.included].sum()
        if pd.notna(reported) and reported != expected:
            add(row, total_col, "radsumma", reported, expected,
                _status(reported - expected, _tolerance(n_included, tolerance_kr)))

    for col in values.columns:
        reported = values.at[total_row, col]
        expected = filled.loc[kommuner, col].sum()
        if pd.notna(reported) and reported != expected:
            add(total_row, col, "kolumnsumma", reported, expected,
                _status(reported - expected, _tolerance(len(kommuner), tolerance_kr)))

    same_key_tol = 1.0 if tolerance_kr is None else float(tolerance_kr)
    for group in key_groups(table):
        for a, b in itertools.combinations(group, 2):
            if values.at[total_row, a] != values.at[total_row, b]:
                continue
            for row in kommuner:
                va, vb = values.at[row, a], values.at[row, b]
                if pd.notna(va) and pd.notna(vb) and va != vb:
                    # reported = the later post, expected = the earlier one with the same key
                    add(row, b, "samma_nyckel", vb, va, _status(vb - va, same_key_tol))
    return findings


# ----------------------------------------------------------------------------------------
# Keys
# ----------------------------------------------------------------------------------------
def implied_keys(table: Table) -> pd.DataFrame:
    """Each municipality's share of each post as printed: cell / the post's printed total.

    Returns
    -------
    pandas.DataFrame
        Index = post labels, columns = kommun codes; NaN where the cell is blank.
    """
    codes = kommun_codes(table)
    posts = post_labels(table)
    totals = table.values.loc[_total_row(table), posts]
    shares = table.values.loc[list(codes), posts].div(totals, axis=1).T
    shares.columns = [codes[r] for r in shares.columns]
    shares.columns.name = "kommun_kod"
    shares.index.name = "post"
    return shares


def key_groups(table: Table, tolerance_kr: float = 1.0) -> list[list[str]]:
    """Group the posts that share one allocation key.

    Posts a (total A) and b (total B) share a key when the same municipalities take part and
    for every municipality ``|a/A − b/B| <= t/A + t/B``. With exact whole-krona rounding
    t would be 0.5 kr; the document itself rounds one quota of one total to two figures 1 kr
    apart (Jönköping 3 562 623 and 3 562 624 of 9 000 000), so the default is t = 1 kr.
    A post joins the first group whose every member it matches (in column order).

    Returns
    -------
    list of list of str
        Post labels, groups in order of their first post.
    """
    keys = implied_keys(table)
    totals = table.values.loc[_total_row(table), post_labels(table)]

    def same(a: str, b: str) -> bool:
        ka, kb = keys.loc[a], keys.loc[b]
        if not (ka.isna() == kb.isna()).all():
            return False
        both = ka.notna()
        bound = tolerance_kr / totals[a] + tolerance_kr / totals[b]
        return bool(((ka[both] - kb[both]).abs() <= bound + 1e-12).all())

    groups: list[list[str]] = []
    for post in keys.index:
        for g in groups:
            if all(same(post, other) for other in g):
                g.append(post)
                break
        else:
            groups.append([post])
    return groups


def common_keys(table: Table, groups: list[list[str]] | None = None) -> pd.DataFrame:
    """The key of each key group: the group's cells pooled (sum of cells / sum of totals).

    Pooling weights each post by its total, so the large posts (least rounding noise) count
    most. Returns a frame like :func:`implied_keys` (post x kommun code), each post carrying
    its group's common key.
    """
    groups = key_groups(table) if groups is None else groups
    codes = kommun_codes(table)
    total_row = _total_row(table)
    rows = {}
    for g in groups:
        cells = table.values.loc[list(codes), g]
        pooled = cells.sum(axis=1, min_count=1) / table.values.loc[total_row, g].sum()
        pooled.index = [codes[r] for r in pooled.index]
        for post in g:
            rows[post] = pooled
    out = pd.DataFrame(rows).T
    out.index.name, out.columns.name = "post", "kommun_kod"
    return out


def population_frame(population) -> pd.DataFrame:
    """Population as a frame: index kommun code (text), columns ``befolkning_YYYY_12_31``.

    Accepts a ``population`` Table (sidecar rows with ``kommun_kod``, columns keyed
    ``befolkning_YYYY_12_31``) or a DataFrame with a ``kommun_kod`` column (the reference CSV).
    """
    if isinstance(population, Table):
        label_to_key = {v: k for k, v in population.keys().items()}
        frame = population.values.rename(columns=label_to_key)
        by_label = {r["label"]: str(r["kommun_kod"]) for r in population.meta.get("rows", [])
                    if "kommun_kod" in r}
        frame.index = [by_label.get(r, str(r)) for r in frame.index]
    else:
        frame = population.copy()
        if "kommun_kod" in frame.columns:
            frame = frame.set_index("kommun_kod")
        frame.index = frame.index.astype(str)
    frame = frame[[c for c in frame.columns if _POPULATION_KEY.match(str(c))]]
    bad = [c for c in frame.index if not re.fullmatch(r"\d{4}", c)]
    if bad:
        raise ValueError(f"befolkning: ogiltiga kommunkoder {bad} (fyra siffror som text)")
    frame.index.name = "kommun_kod"
    return frame.astype(float)


def compare_with_population(keys: pd.DataFrame, population) -> pd.DataFrame:
    """How close each post's key is to the population shares at each date.

    Population shares are taken over the post's participants only (non-blank key cells).

    Parameters
    ----------
    keys : pandas.DataFrame
        Post x kommun code shares (:func:`implied_keys` or :func:`common_keys`).
    population : Table or pandas.DataFrame
        See :func:`population_frame`.

    Returns
    -------
    pandas.DataFrame
        Index = post; one column per date ("2023-12-31": the largest |key share −
        population share| over the municipalities, in percentage points), then
        ``närmast`` (the date with the smallest such deviation) and ``avvikelse_pe`` (it).
    """
    pop = population_frame(population)
    out = {}
    for post, shares in keys.iterrows():
        shares = shares.dropna()
        row = {}
        for col in pop.columns:
            year = _POPULATION_KEY.match(col).group(1)
            p = pop.loc[shares.index, col]
            row[f"{year}-12-31"] = float((shares - p / p.sum()).abs().max() * 100)
        best = min(row, key=row.get)
        row["närmast"], row["avvikelse_pe"] = best, row[best]
        out[post] = row
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index.name = "post"
    return frame


# ----------------------------------------------------------------------------------------
# Allocation
# ----------------------------------------------------------------------------------------
def allocate_largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split a whole-krona total by weights into whole kronor that add up exactly to it.

    Each part gets the whole kronor of its exact quota; the kronor left over go one each to
    the largest remainders, equal remainders in ascending order of the key (the kommun
    code). Exact rational arithmetic, so ties are real ties.

    Parameters
    ----------
    total : int
        Non-negative whole kronor.
    weights : Mapping
        Kommun code -> non-negative weight (a key share, a population, ...). NaN or None =
        outside the post: gets 0. Scaling all weights changes nothing.

    Returns
    -------
    dict
        Kommun code -> kronor, same keys as ``weights``.
    """
    if isinstance(total, bool) or int(total) != total or total < 0:
        raise ValueError(f"summan måste vara hela kronor och minst 0, fick {total!r}")
    total = int(total)
    exact = {}
    for code, w in weights.items():
        if w is None or (isinstance(w, float) and math.isnan(w)):
            continue
        if w < 0 or not math.isfinite(w):
            raise ValueError(f"vikten för {code} måste vara ett tal ≥ 0, fick {w!r}")
        exact[code] = Fraction(w)
    weight_sum = sum(exact.values(), Fraction(0))
    if weight_sum == 0:
        if total == 0:
            return {code: 0 for code in weights}
        raise ValueError("alla vikter är noll: summan kan inte fördelas")
    quotas = {code: total * w / weight_sum for code, w in exact.items()}
    parts = {code: math.floor(q) for code, q in quotas.items()}
    left = total - sum(parts.values())
    ranked = sorted(quotas, key=lambda c: (-(quotas[c] - parts[c]), c))
    for code in ranked[:left]:
        parts[code] += 1
    return {code: parts.get(code, 0) for code in weights}


def allocate_many(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder allocation of many totals at once (floating point, vectorised).

    Parameters
    ----------
    totals : numpy.ndarray
        Whole kronor, any shape ``S`` (e.g. scenarios x posts).
    weights : numpy.ndarray
        Shape ``S + (K,)`` or broadcastable to it (e.g. posts x municipalities), ≥ 0;
        NaN = outside. Columns in ascending kommun code order: equal remainders go to the
        lower column first. Every row of weights must have a positive sum.

    Returns
    -------
    numpy.ndarray
        int64, shape ``S + (K,)``; each row sums exactly to its total. Ties that exact
        arithmetic would see may, in float, fall either way (see
        :func:`allocate_largest_remainder` for the exact version).
    """
    totals = np.asarray(totals, dtype=np.int64)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    if (w < 0).any():
        raise ValueError("vikterna måste vara ≥ 0")
    sums = w.sum(axis=-1, keepdims=True)
    if (sums <= 0).any():
        raise ValueError("alla vikter är noll i någon rad: summan kan inte fördelas")
    quotas = totals[..., None] * (w / sums)
    parts = np.floor(quotas)
    remainders = quotas - parts
    parts = parts.astype(np.int64)
    left = totals - parts.sum(axis=-1)
    order = np.argsort(-remainders, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(order.shape[-1]), axis=-1)
    return parts + (rank < left[..., None])


# ----------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------
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


class ScenarioError(ValueError):
    """All errors of one or more scenario files, one message per line."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


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
    from .io import load_table
    return load_table(raw_dir().joinpath(*MATRIX_FILE))


def default_population() -> Table:
    """The reference population ``data/raw/referens/kommuner-befolkning.csv``."""
    from .io import load_table
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
    return Scenario(name=path.stem, path=shown, description=description, posts=specs)


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


def invoiced_totals(fees: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and municipality: the invoiced kronor (sum of invoiced posts)."""
    billed = fees[fees["fakturerad"]]
    return (billed.groupby(["scenario", "kommun_kod", "kommun"], sort=False)["belopp_kr"]
            .sum().rename("fakturerat_kr").reset_index())


def project_balance(scenario: Scenario, start_kr: int = 20_500_000,
                    payouts: Mapping[int, int] | None = None,
                    years=range(2025, 2035)) -> tuple[pd.DataFrame, int | None]:
    """The balance account (the municipalities' own unspent money) year by year.

    Method: the opening balance of the first year is ``start_kr`` (20,5 mnkr, the forecast
    for 2024-12-31 in the text). Each year the scenario's posts marked ``from_balance``
    (not invoiced: in the shipped scenarios the social välfärd base fee, 9 mnkr per the
    agreement) are taken from the balance at their total, the same every year (no
    indexation, no interest). ``payouts`` are other withdrawals by year (default: the
    10 mnkr mental-health money paid out in 2025, the socialchefer's decision in the text).
    Nothing is added to the account. A negative closing balance is kept (it shows the
    shortfall) rather than clipped to zero.

    Returns
    -------
    (pandas.DataFrame, int or None)
        Columns ``år, ingående_kr, grundavgift_från_balanskonto_kr, övriga_utbetalningar_kr,
        utgående_kr``; and the first year whose closing balance is below zero (None if none
        in the horizon).
    """
    payouts = {2025: 10_000_000} if payouts is None else dict(payouts)
    taken = sum(s.total for s in scenario.posts.values() if s.from_balance)
    rows, balance, runs_out = [], int(start_kr), None
    for year in years:
        other = int(payouts.get(year, 0))
        closing = balance - taken - other
        rows.append((year, balance, taken, other, closing))
        if closing < 0 and runs_out is None:
            runs_out = year
        balance = closing
    frame = pd.DataFrame(rows, columns=["år", "ingående_kr", "grundavgift_från_balanskonto_kr",
                                        "övriga_utbetalningar_kr", "utgående_kr"])
    return frame, runs_out


def _load_each(paths, matrix: Table, population) -> tuple[list[Scenario], list[str]]:
    """Load every scenario file, collecting the errors of all of them (none stops the rest)."""
    scenarios, errors = [], []
    for p in paths:
        try:
            scenarios.append(load_scenario(p, matrix, population))
        except ScenarioError as exc:
            errors.extend(exc.messages)
    return scenarios, errors


def cli_fees(paths: list[str], out: str | None = None) -> int:
    """``kuanalysis fees SCENARIO.yaml ... [--out FILE]``: allocate and write one CSV.

    Writes the columns :data:`FEE_COLUMNS` for all scenarios to ``out`` (default
    ``reports/avgifter.csv``), through a temporary file renamed into place so a reader never
    sees half a file. On any scenario error prints every message and returns 2, writing
    nothing.
    """
    matrix, population = default_matrix(), default_population()
    scenarios, errors = _load_each(paths, matrix, population)
    names = [s.name for s in scenarios]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"scenariot {name!r} anges två gånger")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    try:
        frame = pd.concat([allocate_scenario(s, matrix, population) for s in scenarios],
                          ignore_index=True) if scenarios else pd.DataFrame(columns=FEE_COLUMNS)
    except ValueError as exc:
        print(f"fel vid fördelningen: {exc}", file=sys.stderr)
        return 2
    target = Path(out) if out else reports_dir() / "avgifter.csv"
    with atomic_path(target) as tmp:
        # the contract: kommun_kod as text, fakturerad as true/false
        frame.assign(fakturerad=frame["fakturerad"].map({True: "true", False: "false"})).to_csv(
            tmp, index=False, encoding="utf-8")
    print(f"{len(frame)} rader ({len(scenarios)} scenarier) skrivna till {relative(target)}")
    return 0


# ----------------------------------------------------------------------------------------
# Reports: the avgifter-2025 report, the kommunblad and the workbook
# ----------------------------------------------------------------------------------------
#: The scenario that is the printed proposal: other scenarios are compared with it.
BASE_SCENARIO = "forslag-2025"


def ascii_slug(text: str) -> str:
    """A file-name-safe ASCII form: ``"Jönköping"`` -> ``"jonkoping"``, ``"Värnamo"`` -> ``"varnamo"``."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def kommunblad_variants(parameters: Mapping, matrix: Table | None = None) -> list[dict]:
    """One ``kommunblad`` per municipality of the fee matrix, in kommun code order.

    Parameters
    ----------
    parameters : Mapping
        The notebook's parameter values. ``kommuner`` (optional): ``"alla"`` (default) or
        kommun codes separated by commas (``"0604,0680"``) to render only those.
    matrix : Table, optional
        The fee matrix naming the municipalities (default: the printed proposal).

    Returns
    -------
    list of dict
        ``{"parameters": {"kommun_kod": "0604"}, "output": "kommunblad/0604-aneby.html",
        "title": "Kommunblad Aneby: avgifter 2025"}``.
    """
    matrix = default_matrix() if matrix is None else matrix
    by_code = {code: label for label, code in kommun_codes(matrix).items()}
    wanted = str(parameters.get("kommuner", "alla")).strip()
    if wanted in ("", "alla"):
        codes = sorted(by_code)
    else:
        codes = [c.strip() for c in wanted.split(",") if c.strip()]
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise ValueError(f"okända kommunkoder {', '.join(unknown)}; "
                             f"väntade några av {', '.join(sorted(by_code))}")
    return [{"parameters": {"kommun_kod": c},
             "output": f"kommunblad/{c}-{ascii_slug(by_code[c])}.html",
             "title": f"Kommunblad {by_code[c]}: avgifter 2025"} for c in codes]


def load_scenarios(folder, matrix: Table, population) -> list[Scenario]:
    """Every ``*.yaml`` scenario in a folder; the proposal first, the others by name.

    Raises
    ------
    ScenarioError
        With every error of every file (nothing is half-loaded), or when there is no file.
    """
    from . import provenance

    files = sorted(Path(folder).glob("*.yaml"))
    for f in files:
        provenance.note_input(f)  # a report's figures depend on these files too
    if not files:
        raise ScenarioError([f"{relative(folder)}: inga scenariofiler (*.yaml)"])
    scenarios, errors = _load_each(files, matrix, population)
    if errors:
        raise ScenarioError(errors)
    return sorted(scenarios, key=lambda s: (s.name != BASE_SCENARIO, s.name))


def scenario_comparison(fees: pd.DataFrame, by: str = "kommun") -> pd.DataFrame:
    """Invoiced kronor per municipality (or per post), one column per scenario, with a Summa row.

    Parameters
    ----------
    fees : pandas.DataFrame
        Lines as from :func:`allocate_scenario` (several scenarios concatenated).
    by : {"kommun", "post"}
        Rows: municipalities (printed names) or posts. A post that a scenario does not
        invoice counts 0 kr there: the municipalities are not billed for it.

    Returns
    -------
    pandas.DataFrame
        int kronor; columns in the scenarios' order of appearance; last row ``Summa``.
    """
    if by not in ("kommun", "post"):
        raise ValueError(f"by måste vara 'kommun' eller 'post', fick {by!r}")
    billed = fees.assign(kr=fees["belopp_kr"].where(fees["fakturerad"], 0))
    frame = billed.pivot_table(index=by, columns="scenario", values="kr", aggfunc="sum", sort=False)
    frame = frame[list(dict.fromkeys(fees["scenario"]))].astype("int64")
    frame.loc["Summa"] = frame.sum()
    frame.index.name, frame.columns.name = ("Kommun" if by == "kommun" else "Post"), None
    return frame


def difference_to_base(comparison: pd.DataFrame, base: str = BASE_SCENARIO) -> pd.DataFrame:
    """Each scenario minus the base scenario (kr), the base column dropped."""
    if base not in comparison.columns:
        raise ValueError(f"jämförelsen saknar scenariot {base!r}")
    return comparison.drop(columns=base).sub(comparison[base], axis=0)


def share_vs_population(fees: pd.DataFrame, population, date: str = "befolkning_2024_12_31"
                        ) -> pd.DataFrame:
    """Each municipality's share of the invoiced total, per scenario, beside its population share.

    Returns
    -------
    pandas.DataFrame
        Index kommun code; columns ``kommun``, ``befolkning_andel`` (%), one column per
        scenario (% of that scenario's invoiced total), all in per cent (0-100).
    """
    pop = population_frame(population)[date]
    billed = fees.assign(kr=fees["belopp_kr"].where(fees["fakturerad"], 0))
    kr_ = billed.pivot_table(index="kommun_kod", columns="scenario", values="kr", aggfunc="sum",
                             sort=False)[list(dict.fromkeys(fees["scenario"]))]
    shares = kr_.div(kr_.sum()) * 100
    names = fees.drop_duplicates("kommun_kod").set_index("kommun_kod")["kommun"]
    out = pd.DataFrame({"kommun": names.reindex(shares.index),
                        "befolkning_andel": pop.reindex(shares.index) / pop.sum() * 100})
    out = out.join(shares)
    out.index.name, out.columns.name = "kommun_kod", None
    return out


def history_table(social: Table, administration: Table, matrix: Table) -> pd.DataFrame:
    """Social välfärd and administration per municipality 2016 and 2018, beside 2025 (tkr).

    2016/2018: the printed PKS 2016 tables (tkr; administration in 2016 price level).
    2025: the proposal's printed cells for ``Grundfinansiering Social välfärd`` and
    ``Medlemsavgift Kommunal utveckling`` (the nearest posts), converted from kr to tkr.
    Rows matched by kommun code (the two 2016 tables print the municipalities in different
    orders); the ``Summa`` row is the printed totals, not recomputed. A blank stays NaN.

    Returns
    -------
    pandas.DataFrame
        Index printed name in the matrix's order, then ``Summa``; six float columns.
    """
    def by_code(table: Table) -> pd.DataFrame:
        codes = kommun_codes(table)
        frame = table.values.loc[list(codes)].rename(index=codes)
        frame.loc["Summa"] = table.values.loc[_total_row(table)]
        return frame

    soc, adm = by_code(social), by_code(administration)
    names = {code: label for label, code in kommun_codes(matrix).items()}
    mat = by_code(matrix) / 1000
    order = list(names) + ["Summa"]
    out = pd.DataFrame({
        "Social välfärd 2016": soc.iloc[:, 0], "Social välfärd 2018": soc.iloc[:, 1],
        "Grundfinansiering social välfärd 2025": mat["Grundfinansiering Social välfärd"],
        "Administration 2016": adm.iloc[:, 0], "Administration 2018": adm.iloc[:, 1],
        "Medlemsavgift 2025": mat["Medlemsavgift Kommunal utveckling"],
    }).reindex(order)
    out.index = [names.get(c, c) for c in out.index]
    out.index.name = "Kommun"
    return out


def balance_overview(scenarios: list[Scenario], **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The balance account under each scenario (see :func:`project_balance`).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Closing balance (kr) by year (rows) and scenario (columns); and per scenario the
        yearly withdrawal for posts taken from the balance (``från_balanskonto_kr``) and the
        first year the balance is below zero (``tar_slut``: an int, or ``None`` if not
        within the horizon).
    """
    closing, summary = {}, []
    for s in scenarios:
        frame, runs_out = project_balance(s, **kw)
        closing[s.name] = frame.set_index("år")["utgående_kr"]
        summary.append((s.name, int(frame["grundavgift_från_balanskonto_kr"].iloc[0]), runs_out))
    table = pd.DataFrame(summary, columns=["scenario", "från_balanskonto_kr", "tar_slut"])
    # a year is a label, not an amount: keep it an int (or None), never the float 2026.0
    table["tar_slut"] = pd.Series([r[2] for r in summary], dtype=object)
    return pd.DataFrame(closing), table.set_index("scenario")


#: One plain-Swedish sentence per kind of finding of :func:`check_fee_matrix`.
CHECK_SENTENCES = {
    "summa_utan_post": "Posten står i tabellen men ingår inte i kolumnen Summa: den faktureras "
                       "alltså inte enligt förslaget, och tabellen säger inte vem som betalar den.",
    "saknad_cell": "Cellen är tom, men postens summarad visar att kommunen borde ha ett belopp.",
    "radsumma": "Kommunens Summa skiljer sig från summan av de poster som ingår i den.",
    "kolumnsumma": "Postens summarad skiljer sig från summan av kommunernas belopp.",
    "samma_nyckel": "Två poster med samma totalbelopp och samma fördelningsnyckel ger kommunen "
                    "olika belopp.",
}
#: What each status means, in the same plain Swedish.
STATUS_TEXT = {
    "avvikelse": "fel som inte förklaras av avrundning",
    "avrundning": "avrundning till hela kronor, inget fel",
    "saknas": "tomt i källan",
    "oklar": "oklart, behöver förklaras",
}


def findings_overview(findings: list[Finding]) -> pd.DataFrame:
    """Findings counted by check and status, each with its plain-Swedish sentence.

    Returns
    -------
    pandas.DataFrame
        Columns ``Kontroll`` (sentence), ``Status`` (meaning), ``Antal``, one row per
        (check, status) pair found, in the order of :data:`CHECK_SENTENCES`.
    """
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        counts[(f.check, f.status)] = counts.get((f.check, f.status), 0) + 1
    order = list(CHECK_SENTENCES)
    rows = [(CHECK_SENTENCES.get(c, c), f"{s}: {STATUS_TEXT.get(s, s)}", n)
            for (c, s), n in sorted(counts.items(),
                                    key=lambda kv: (order.index(kv[0][0])
                                                    if kv[0][0] in order else len(order)))]
    return pd.DataFrame(rows, columns=["Kontroll", "Status", "Antal"])


def key_vs_population(matrix: Table, population, groups: list[list[str]] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each key group against the population at the date it fits best.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Summary, one row per group (index ``Nyckel 1``, ``Nyckel 2``, ...): ``Poster`` (labels joined), ``Kommuner`` (how many take
        part), ``Närmast folkmängden`` (date) and ``Största avvikelse`` (percentage points);
        and the deviations: index kommun code, one column per group (``Nyckel 1``, ...), the
        group's common key minus the population share at that date among the participants,
        in percentage points (NaN for a municipality outside the group).
    """
    groups = key_groups(matrix) if groups is None else groups
    keys = common_keys(matrix, groups)
    close = compare_with_population(keys, population)
    pop = population_frame(population)
    summary, deviations = [], {}
    for g in groups:
        share = keys.loc[g[0]].dropna()
        date = close.at[g[0], "närmast"]
        p = pop.loc[share.index, f"befolkning_{date[:4]}_12_31"]
        deviations[g[0]] = (share - p / p.sum()) * 100
        summary.append((", ".join(g), len(share), date, float(close.at[g[0], "avvikelse_pe"])))
    names = [f"Nyckel {i}" for i in range(1, len(groups) + 1)]
    frame = pd.DataFrame(deviations).reindex(keys.columns)
    frame.columns, frame.index.name = names, "kommun_kod"
    table = pd.DataFrame(summary, columns=["Poster", "Kommuner", "Närmast folkmängden",
                                           "Största avvikelse"], index=names)
    table.index.name = "Nyckel"
    return table, frame


def kommun_fees(fees: pd.DataFrame, kommun_kod: str) -> pd.DataFrame:
    """One municipality's fee per post and scenario, as a kommunblad shows it.

    Returns
    -------
    pandas.DataFrame
        Index post, one column per scenario: kronor (int) for an invoiced post, the text
        ``"faktureras ej"`` for a post the scenario does not invoice; last row
        ``Fakturerat totalt`` (the invoiced posts' sum).
    """
    mine = fees[fees["kommun_kod"] == kommun_kod]
    if mine.empty:
        raise ValueError(f"kommunkoden {kommun_kod!r} finns inte i avgifterna")
    order = list(dict.fromkeys(mine["scenario"]))
    cells = mine.assign(visa=[int(k) if f else "faktureras ej"
                              for k, f in zip(mine["belopp_kr"], mine["fakturerad"])])
    frame = cells.pivot(index="post", columns="scenario", values="visa")
    frame = frame.loc[list(dict.fromkeys(mine["post"])), order].astype(object)
    frame.loc["Fakturerat totalt"] = [
        int(mine.loc[(mine["scenario"] == s) & mine["fakturerad"], "belopp_kr"].sum())
        for s in order]
    frame.index.name, frame.columns.name = "Post", None
    return frame


def group_identical_columns(frame: pd.DataFrame, sep: str = ", ") -> pd.DataFrame:
    """Merge columns with identical values into one, named by all of them (``"a, c"``).

    For charts: three scenarios with the same balance path are one line, not three lines
    drawn on top of each other. Column order: each group where its first member was.
    """
    groups: list[list[str]] = []
    for col in frame.columns:
        for g in groups:
            if frame[g[0]].equals(frame[col]):
                g.append(col)
                break
        else:
            groups.append([col])
    return pd.DataFrame({sep.join(map(str, g)): frame[g[0]] for g in groups}, index=frame.index)


#: Excel number formats: Excel shows these with the reader's own separators (space, comma).
XLSX_KR = '#,##0 "kr";-#,##0 "kr"'
XLSX_SHARE = '0.00 "%"'


def write_xlsx(path, fees: pd.DataFrame, scenarios: list[Scenario],
               population=None) -> Path:
    """Write the workbook: a comparison sheet, then one sheet per scenario.

    Sheet ``Jämförelse``: invoiced kr per municipality and scenario, then each scenario's
    difference to the proposal. Each scenario sheet: kr per municipality and post, a column
    ``Fakturerat`` (sum of invoiced posts), a ``Summa`` row and a line saying which posts are
    not invoiced. Numbers are stored as numbers with a kr format; written through a
    temporary file renamed into place, so a reader never sees half a file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)

    def put(ws, frame: pd.DataFrame, first_row: int, number_format: str) -> int:
        ws.cell(first_row, 1, frame.index.name or "").font = bold
        for j, col in enumerate(frame.columns, 2):
            ws.cell(first_row, j, str(col)).font = bold
        for i, (label, row) in enumerate(frame.iterrows(), first_row + 1):
            ws.cell(i, 1, str(label)).font = bold if label == "Summa" else Font()
            for j, value in enumerate(row, 2):
                if pd.notna(value):  # blank stays blank, never 0
                    c = ws.cell(i, j, int(value) if float(value).is_integer() else float(value))
                    c.number_format = number_format
        ws.column_dimensions["A"].width = max(14, *(len(str(x)) + 2 for x in frame.index))
        for j, col in enumerate(frame.columns, 2):
            ws.column_dimensions[get_column_letter(j)].width = max(14, min(len(str(col)) + 2, 36))
        return first_row + len(frame) + 2

    wb = Workbook()
    ws = wb.active
    ws.title = "Jämförelse"
    ws["A1"] = "Fakturerat per kommun 2025, kr, per scenario och skillnad mot förslaget"
    ws["A1"].font = Font(bold=True, size=12)
    comparison = scenario_comparison(fees)
    nxt = put(ws, comparison, 3, XLSX_KR)
    if BASE_SCENARIO in comparison.columns and comparison.shape[1] > 1:
        diff = difference_to_base(comparison)
        diff.columns = [f"{c} − förslaget" for c in diff.columns]
        put(ws, diff, nxt, XLSX_KR)
    ws.freeze_panes = "B4"

    described = {s.name: s for s in scenarios}
    for name, lines in fees.groupby("scenario", sort=False):
        sheet = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", name)[:31])
        scen = described.get(name)
        sheet["A1"] = f"Scenario {name}: avgift per kommun och post 2025, kr"
        sheet["A1"].font = Font(bold=True, size=12)
        if scen is not None:
            sheet["A2"] = scen.description
        matrix = lines.pivot_table(index="kommun", columns="post", values="belopp_kr",
                                   aggfunc="sum", sort=False).astype("int64")
        invoiced_posts = lines.loc[lines["fakturerad"], "post"].unique()
        matrix["Fakturerat"] = matrix[list(invoiced_posts)].sum(axis=1)
        matrix.loc["Summa"] = matrix.sum()
        matrix.index.name, matrix.columns.name = "Kommun", None
        end = put(sheet, matrix, 4, XLSX_KR)
        not_invoiced = [p for p in matrix.columns[:-1] if p not in set(invoiced_posts)]
        sheet.cell(end, 1, "Faktureras inte: " + (", ".join(not_invoiced) or "inga poster"))
        sheet.freeze_panes = "B5"

    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
        _make_reproducible(tmp)
    return target


def _make_reproducible(path: Path) -> None:
    """Same inputs, same bytes: fix the zip entries' times and the workbook's own dates.

    openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry; use the
    report's generation time (``KUANALYSIS_GENERATED_AT``, set by ``kuanalysis render``) or
    else a fixed date instead.
    """
    import zipfile

    stamp = os.environ.get("KUANALYSIS_GENERATED_AT", "2000-01-01 00:00")
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})", stamp)
    parts = tuple(int(x) for x in m.groups()) if m else (2000, 1, 1, 0, 0)
    iso = "%04d-%02d-%02dT%02d:%02d:00Z" % parts
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              lambda mm: mm.group(1) + iso.encode(), data)
            z.writestr(zipfile.ZipInfo(name, date_time=parts + (0,)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
