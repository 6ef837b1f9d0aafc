"""Allocation keys: each municipality's share of each post, which posts share a key, and
which population date a key follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.table import Table
from ..errors import DataError
from ..tolerance import UNIT_ERRORS, tolerance
from .matrix import kommun_codes, post_labels, total_row

#: The key "as printed": each municipality's cell / the post's printed total (a scenario
#: file writes it ``nyckel: tryckt``).
PRINTED_KEY = "tryckt"
IMPLIED_KEY = PRINTED_KEY

_POPULATION_KEY = re.compile(r"^befolkning_(\d{4})_12_31$")


def implied_keys(table: Table) -> pd.DataFrame:
    """Each municipality's share of each post as printed: cell / the post's printed total.

    Returns
    -------
    pandas.DataFrame
        Index = post labels, columns = kommun codes; NaN where the cell is blank.
    """
    codes = kommun_codes(table)
    posts = post_labels(table)
    totals = table.values.loc[total_row(table), posts]
    shares = table.values.loc[list(codes), posts].div(totals, axis=1).T
    shares.columns = [codes[r] for r in shares.columns]
    shares.columns.name = "kommun_kod"
    shares.index.name = "post"
    return shares


def key_groups(table: Table) -> list[list[str]]:
    """Group the posts that share one allocation key.

    Two posts share a key when the same municipalities take part and one post's amounts are
    a multiple of the other's, municipality by municipality, within what the rounding of
    whole kronor explains, but for at most one municipality (a wrong cell must not hide its
    post from its group: :func:`fit_key`). A post joins the first group whose every member
    it fits (in column order).

    Returns
    -------
    list of list of str
        Post labels, groups in order of their first post.
    """
    cells = table.values.loc[list(kommun_codes(table)), post_labels(table)]
    groups: list[list[str]] = []
    for post in cells.columns:
        for g in groups:
            if all(fit_key(cells[post], cells[other]) is not None for other in g):
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
    trow = total_row(table)
    rows = {}
    for g in groups:
        cells = table.values.loc[list(codes), g]
        pooled = cells.sum(axis=1, min_count=1) / table.values.loc[trow, g].sum()
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

    Raises
    ------
    kuanalysis.errors.DataError
        When the Table is not a population table (``kind: population``) or a row has no
        kommun code, naming the file.
    """
    if isinstance(population, Table):
        if population.kind != "population":
            raise DataError(
                f"{population.source_file}: är ingen befolkningstabell (väntade kind: "
                f"population i sidecaren, fann kind: {population.kind})"
            )
        label_to_key = {v: k for k, v in population.keys().items()}
        frame = population.values.rename(columns=label_to_key)
        by_label = {
            r["label"]: str(r["kommun_kod"])
            for r in population.meta.get("rows", [])
            if "kommun_kod" in r
        }
        frame.index = [by_label.get(r, str(r)) for r in frame.index]
    else:
        frame = population.copy()
        if "kommun_kod" in frame.columns:
            frame = frame.set_index("kommun_kod")
        frame.index = frame.index.astype(str)
    frame = frame[[c for c in frame.columns if _POPULATION_KEY.match(str(c))]]
    bad = [c for c in frame.index if not re.fullmatch(r"\d{4}", c)]
    if bad and isinstance(population, Table):
        raise DataError(
            f"{population.source_file}: raden {bad[0]!r} saknar kommun_kod (fyra siffror "
            f"som text) i sidecaren"
        )
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
            m = _POPULATION_KEY.match(col)
            assert m is not None  # population_frame keeps only the columns that match
            year = m.group(1)
            p = pop.loc[shares.index, col]
            row[f"{year}-12-31"] = float((shares - p / p.sum()).abs().max() * 100)
        best = min(row, key=row.__getitem__)
        row["närmast"], row["avvikelse_pe"] = best, row[best]  # type: ignore[assignment]
        out[post] = row
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index.name = "post"
    return frame


def key_vs_population(
    matrix: Table, population, groups: list[list[str]] | None = None
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
    table = pd.DataFrame(
        summary,
        columns=["Poster", "Kommuner", "Närmast folkmängden", "Största avvikelse"],
        index=names,
    )
    table.index.name = "Nyckel"
    return table, frame


# -- does one post follow another's key? ---------------------------------------------------


@dataclass(frozen=True)
class KeyFit:
    """How post p's amounts follow post q's key.

    Attributes
    ----------
    scale : float
        p ≈ scale × q, fitted on the municipalities that agree.
    outliers : tuple of str
        Row labels where p is further from scale × q than rounding explains.
    residuals : dict
        Row label -> p − scale × q (kr).
    """

    scale: float
    outliers: tuple[str, ...]
    residuals: dict


def fit_key(
    p: pd.Series, q: pd.Series, max_outliers: int | None = None, precision: str = "allocated_twice"
) -> KeyFit | None:
    """Whether the amounts ``p`` follow the key of the amounts ``q``, but for a few cells.

    The scale is fitted on the municipalities that agree (not taken from the printed totals,
    which a wrong cell moves too); a municipality whose amount is off ``scale × q`` by more
    than the rounding of both amounts and of the fitted scale explains is an outlier, the
    worst first, refitting after each.

    ``max_outliers`` defaults to one when at least six municipalities take part (five or more
    must then agree), else none: with few municipalities any two of them fit some scale.

    The error of each amount is ``precision`` (:data:`~kuanalysis.tolerance.UNIT_ERRORS`:
    ``allocated_twice``, 1,5 kr, the precision of rule ``fee_share``: a split
    in whole kronor puts each part within one krona of its quota, and a post scaled from an
    earlier year's amounts moves it half a krona further). The tolerance of one cell
    (:func:`~kuanalysis.tolerance.tolerance`) adds the errors of p's amount, of
    ``scale`` × q's amount, and of the fitted scale (the n amounts of each sum, carried over
    to ``scale`` × q).

    Returns
    -------
    KeyFit or None
        None when the two posts have different participants, or when more than
        ``max_outliers`` municipalities do not fit (a different key).
    """
    pv, qv = p.to_numpy(dtype=float), q.to_numpy(dtype=float)
    if not (np.isnan(pv) == np.isnan(qv)).all():
        return None
    present = ~np.isnan(pv)
    pv, qv, labels = pv[present], qv[present], [r for r, x in zip(p.index, present) if x]
    if max_outliers is None:
        max_outliers = 1 if len(pv) >= 6 else 0
    prec = UNIT_ERRORS[precision]
    kept = np.ones(len(pv), dtype=bool)
    while True:
        sp, sq = pv[kept].sum(), qv[kept].sum()
        if sq <= 0 or sp <= 0:
            return None
        scale = sp / sq
        n = kept.sum()
        residuals = pv - scale * qv
        bounds = [
            tolerance([prec], [scale * prec, scale * x * n * prec / sp, scale * x * n * prec / sq])
            for x in qv
        ]
        excess = [
            abs(r) / t.bound if k and not t.explains(r) else 0.0
            for r, t, k in zip(residuals, bounds, kept)
        ]
        if max(excess) == 0:
            return KeyFit(
                float(scale),
                tuple(lab for lab, k in zip(labels, kept) if not k),
                dict(zip(labels, residuals.tolist())),
            )
        kept[int(np.argmax(excess))] = False
        if (~kept).sum() > max_outliers:
            return None
