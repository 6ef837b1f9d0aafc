"""An invented fee proposal for 2026, made from the printed 2025 table by a rule written here
(for the tests of the fee side for any year):

- every post's total raised by 3 %, rounded half up to whole kronor;
- split over the municipalities by largest remainder in proportion to their printed 2025
  amounts (a municipality blank in 2025 stays blank);
- each municipality's Summa = the sum of the 13 posts the 2025 Summa adds up (all but
  :data:`NOT_SUMMED`);
- the total row = the sum of the municipalities.
"""

from __future__ import annotations

import dataclasses
import math

from kuanalysis.data.table import Table
from kuanalysis.fees.allocation import allocate_largest_remainder

#: The posts the printed 2025 table shows but its Summa column does not add up.
NOT_SUMMED = ["Grundfinansiering Social välfärd", "Arbete och delaktighet", "Yrkesresorna"]


def proposal_2026(m: Table, changes=()) -> Table:
    """The 2026 table made from ``m`` (the 2025 table) by the rule above, then ``changes``:
    (row, column, new amount)."""
    values = m.values.copy()
    kommuner = [r["label"] for r in m.meta["rows"] if r["role"] == "kommun"]
    posts = [c for c in values.columns if c != "Summa"]
    for post in posts:
        total = math.floor(values.at["Summa", post] * 1.03 + 0.5)
        weights = {k: values.at[k, post] for k in kommuner}
        parts = allocate_largest_remainder(total, weights)
        for k in kommuner:
            values.at[k, post] = float(parts[k]) if not math.isnan(weights[k]) else math.nan
    for k in kommuner:
        values.at[k, "Summa"] = sum(
            values.at[k, p]
            for p in posts
            if p not in NOT_SUMMED and not math.isnan(values.at[k, p])
        )
    for col in values.columns:
        values.at["Summa", col] = values.loc[kommuner, col].sum()
    for row, col, amount in changes:
        values.at[row, col] = amount
    text = values.map(lambda v: "" if math.isnan(v) else f"{v:.0f} kr")
    return dataclasses.replace(m, values=values, text=text)
