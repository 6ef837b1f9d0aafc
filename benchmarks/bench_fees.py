"""Benchmarks of the fee model (not tests): allocation, a sweep, the target search and one
explorer update, on the shipped 2025 proposal and ``scenarios/forslag-2025.yaml``.

Run: ``.venv/bin/python benchmarks/bench_fees.py``. Prints seconds (best of 5; for the
explorer the slowest of 20 updates too). Targets on the project machine (2 cores):

- 10 000 scenarios x 16 posts x 13 municipalities x 4 years allocated: under 1 s;
- a sweep of 100 values with the balance runway: under 1 s;
- the largest value for which the balance lasts (search and its check): under 1 s;
- one explorer update (the view recomputed after a change): under 0,2 s.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from kuanalysis.fees import whatif
from kuanalysis.fees.projection import FeeModel
from kuanalysis.fees.scenarios import ScenarioLoader, default_population
from kuanalysis.paths import scenarios_dir

GRUND = "Grundfinansiering Social välfärd"


def best(f, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(n_scenarios: int = 10_000) -> dict[str, float]:
    population = default_population()
    loader = ScenarioLoader(population)
    scenario = loader.load(scenarios_dir() / "forslag-2025.yaml")
    matrix = loader.table(scenario.proposal_year)
    model = FeeModel.of(scenario, matrix, population)
    out = {}

    rng = np.random.default_rng(2025)
    n_posts, n_years, n_codes = len(model.posts), len(model.years), len(model.codes)
    amounts = rng.integers(0, 10_000_000, size=(n_scenarios, n_posts))
    uprating = rng.integers(0, 500, size=(n_scenarios, n_posts))  # 0-5 % a year

    def allocate():
        totals = model.totals(amounts, uprating)
        return totals, model.allocate(totals), model.balance(totals)

    out["allocation"], (totals, parts, _) = best(allocate)
    if not (parts.sum(axis=-1) == totals).all():
        raise SystemExit("fel: delarna summerar inte till totalen")
    print(
        f"{n_scenarios} scenarier x {n_posts} poster x {n_codes} kommuner x {n_years} år "
        f"fördelade (med balanskontot): {out['allocation']:.3f} s (bäst av 5)"
    )

    var = whatif.Variable(GRUND)
    values = list(range(0, 10_000_000, 100_000))
    out["sweep"], frame = best(lambda: whatif.sweep(scenario, matrix, population, var, values))
    print(
        f"svep över {len(frame)} värden av {GRUND} med balanskontot: {out['sweep']:.3f} s "
        f"(bäst av 5)"
    )

    out["search"], answer = best(
        lambda: whatif.largest_value(scenario, matrix, population, var, 2028)
    )
    print(
        f"högsta värde för {GRUND} till och med 2028 ({answer.value} kr, kontrollerat): "
        f"{out['search']:.3f} s (bäst av 5)"
    )

    from kuanalysis.reports.explorer import Explorer

    explorer = Explorer(scenarios_dir(), loader)
    start = explorer.start("forslag-2025")
    explorer.view(start)
    times = []
    for i in range(20):
        choice = dataclasses.replace(
            start, uprating_bp=10 * i, amounts={**start.amounts, GRUND: 100_000 * i}
        )
        t = time.perf_counter()
        explorer.view(choice)
        times.append(time.perf_counter() - t)
    out["explorer"], out["explorer_worst"] = min(times), max(times)
    print(
        f"utforskaren, en uppdatering (tabellerna räknade om): {out['explorer']:.3f} s "
        f"(bäst av 20), {out['explorer_worst']:.3f} s (sämst)"
    )
    return out


if __name__ == "__main__":
    main()
