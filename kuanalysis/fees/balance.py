"""The balance account (the municipalities' own unspent money), year by year."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .scenarios import Scenario


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
