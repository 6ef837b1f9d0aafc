"""Benchmark: largest-remainder allocation of 10 000 scenarios x 16 posts x 13 municipalities.

Run: ``.venv/bin/python benchmarks/bench_fees.py``. Prints seconds (best of 5). Not a test.
Target: under 1 s on the project machine (2 cores).
"""
from __future__ import annotations

import time

import numpy as np

from kuanalysis.fees import allocate_many


def main(n_scenarios: int = 10_000, n_posts: int = 16, n_kommuner: int = 13) -> float:
    rng = np.random.default_rng(2025)
    weights = rng.integers(5_000, 150_000, size=(n_posts, n_kommuner)).astype(float)
    totals = rng.integers(0, 10_000_000, size=(n_scenarios, n_posts))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        parts = allocate_many(totals, weights)
        best = min(best, time.perf_counter() - start)
    if not (parts.sum(axis=-1) == totals).all():
        raise SystemExit("fel: delarna summerar inte till totalen")
    print(f"{n_scenarios} scenarier x {n_posts} poster x {n_kommuner} kommuner: "
          f"{best:.3f} s (bäst av 5)")
    return best


if __name__ == "__main__":
    main()
