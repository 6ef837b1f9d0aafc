"""The balance account (the municipalities' own unspent money), year by year.

Method: the opening balance of the first year is the scenario's ``balanskonto.ingående``.
Each year its deposits are added and its other withdrawals taken (``insättningar``,
``uttag``), and the posts marked ``från_balanskontot`` are taken at their amount that year
(uprated like every post). No interest. A negative closing balance is kept (it shows the
shortfall) rather than clipped to zero; the first such year is when the account runs out.
"""

from __future__ import annotations

import pandas as pd

from .model import Scenario
from .projection import FeeModel

BALANCE_COLUMNS = [
    "år",
    "ingående_kr",
    "insättningar_kr",
    "uttag_kr",
    "från_balanskontot_kr",
    "utgående_kr",
]


def project_balance(
    scenario: Scenario, start_kr: int | None = None
) -> tuple[pd.DataFrame, int | None]:
    """The balance account year by year under one scenario (method: module docstring).

    Parameters
    ----------
    scenario : Scenario
    start_kr : int, optional
        Opening balance instead of the scenario's own.

    Returns
    -------
    (pandas.DataFrame, int or None)
        Columns :data:`BALANCE_COLUMNS`, one row per year; and the first year whose closing
        balance is below zero (None if none within the scenario's years).
    """
    model = FeeModel.of(scenario)  # no proposal needed: amounts and flags only
    totals = model.totals()
    taken = (totals * model.from_balance).sum(axis=-1)
    rows, balance, runs_out = (
        [],
        int(scenario.balance.opening if start_kr is None else start_kr),
        None,
    )
    for i, year in enumerate(model.years):
        closing = balance + int(model.deposits[i]) - int(model.withdrawals[i]) - int(taken[i])
        rows.append(
            (
                year,
                balance,
                int(model.deposits[i]),
                int(model.withdrawals[i]),
                int(taken[i]),
                closing,
            )
        )
        if closing < 0 and runs_out is None:
            runs_out = year
        balance = closing
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS), runs_out


def balance_overview(
    scenarios: list[Scenario], start_kr: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The balance account under each scenario (see :func:`project_balance`).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Closing balance (kr) by year (rows, every scenario's years) and scenario (columns;
        NaN for a year a scenario does not cover); and per scenario: the first year's
        withdrawal for posts taken from the balance (``från_balanskonto_kr``), the first
        year the balance is below zero (``tar_slut``: an int, or ``None`` if not within its
        years) and its last year (``sista_år``).
    """
    closing, summary = {}, []
    for s in scenarios:
        frame, runs_out = project_balance(s, start_kr)
        closing[s.name] = frame.set_index("år")["utgående_kr"]
        summary.append(
            (
                s.name,
                int(frame["från_balanskontot_kr"].iloc[0]),
                runs_out,
                int(frame["år"].iloc[-1]),
            )
        )
    table = pd.DataFrame(
        summary, columns=["scenario", "från_balanskonto_kr", "tar_slut", "sista_år"]
    )
    # a year is a label, not an amount: keep it an int (or None), never the float 2026.0
    table["tar_slut"] = pd.Series([r[2] for r in summary], dtype=object)
    frame = pd.DataFrame(closing).sort_index()
    frame.index.name = "år"
    return frame, table.set_index("scenario")
