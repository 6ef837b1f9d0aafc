"""Allocation: whole kronor that add up exactly to a total (largest remainder)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import numpy as np


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
    """Largest-remainder allocation of many totals at once (vectorised).

    With whole-number weights (printed kronor, populations: every key the scenarios use but
    a weight table with decimals) the arithmetic is exact integer arithmetic, so the result
    is the same as :func:`allocate_largest_remainder`'s, ties included. Other weights use
    floating point, where a tie that exact arithmetic would see may fall either way.

    Parameters
    ----------
    totals : numpy.ndarray
        Whole kronor, any shape ``S`` (e.g. scenarios x years x posts).
    weights : numpy.ndarray
        Shape ``S + (K,)`` or broadcastable to it (e.g. posts x municipalities), ≥ 0;
        NaN = outside. Columns in ascending kommun code order: equal remainders go to the
        lower column first. Every row of weights must have a positive sum.

    Returns
    -------
    numpy.ndarray
        int64, shape ``S + (K,)``; each row sums exactly to its total.
    """
    totals = np.asarray(totals, dtype=np.int64)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("vikterna måste vara ändliga tal ≥ 0")
    sums = w.sum(axis=-1, keepdims=True)
    if (sums <= 0).any():
        raise ValueError("alla vikter är noll i någon rad: summan kan inte fördelas")
    k = w.shape[-1]
    biggest = float(np.abs(totals).max()) if totals.size else 0.0
    if (w == np.floor(w)).all():
        # exact: quota = total x weight / sum, all in integers; in a row the remainders share
        # one denominator, so they compare exactly. Ranking key: the remainder, then the
        # lower column (a unique integer per row); the `left` largest keys get a krona each.
        # Beyond int64 (a total of 10^13 kr by printed kronor) in Python's integers: the same
        # arithmetic, exact, slower; never a float that would lose kronor.
        wide = max(biggest, k) * float(sums.max()) >= 2.0**62
        wi = w.astype(np.int64).astype(object) if wide else w.astype(np.int64)
        t = totals.astype(object) if wide else totals
        product = t[..., None] * wi
        whole = wi.sum(axis=-1, keepdims=True)
        parts, remainders = product // whole, product % whole
        left = (t - parts.sum(axis=-1)).astype(np.int64)
        keys = remainders * k + np.arange(k - 1, -1, -1)
        ordered = np.sort(keys, axis=-1)
        end = np.full(ordered.shape[:-1] + (1,), np.iinfo(np.int64).max, dtype=keys.dtype)
        padded = np.concatenate([ordered, end], axis=-1)
        threshold = np.take_along_axis(padded, (k - left)[..., None], axis=-1)
        return (parts + (keys >= threshold)).astype(np.int64, copy=False)
    quotas = totals[..., None] * (w / sums)
    floors = np.floor(quotas)
    parts, remainders = floors.astype(np.int64), quotas - floors
    left = totals - parts.sum(axis=-1)
    order = np.argsort(-remainders, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(order.shape[-1]), axis=-1)
    return parts + (rank < left[..., None])
