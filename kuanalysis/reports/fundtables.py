"""The fund report's figures as frames: per area, by source of funds, the totals, the
payouts and the bridge from the previous period. Blank stays blank: a figure computed from a
blank cell is blank (NaN), never 0. The one documented exception is a blank "varav
statliga": the part of the remaining funds that is state money, left blank in print when
there is none (see :func:`funds_by_source`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks.continuity import mapped
from ..data.table import Table
from ..errors import DataError
from ..tolerance import EXACT


def elapsed_share(manader: int) -> float:
    """The share of the year passed after ``manader`` months (8 -> 0,667)."""
    if isinstance(manader, bool) or not isinstance(manader, int) or not 1 <= manader <= 12:
        raise ValueError(f"antal månader ska vara 1–12, fick {manader!r}")
    return manader / 12


def _get(table: Table, row: str, key: str) -> float:
    label = table.column(key)
    return float(table.values.at[row, label]) if label is not None else np.nan


def _ratio(a: float, b: float) -> float:
    """a / b, blank when either is blank or b is 0 (no budget means no rate)."""
    if np.isnan(a) or np.isnan(b) or b == 0:
        return np.nan
    return a / b


def area_figures(table: Table, manader: int) -> pd.DataFrame:
    """Budget, outcome, pace and forecast per area, then the printed total row.

    Returns
    -------
    pandas.DataFrame
        Index: area labels as printed, then ``Totalt`` (the printed total row); columns
        ``Budget helår``, ``Utfall``, ``Förbrukningsgrad`` (utfall / budget, a share),
        ``Prognos helår`` (utfall / (manader / 12)), ``Budget − prognos`` (positive = the
        forecast stays under budget). Blank budget or outcome gives blank results.
    """
    share = elapsed_share(manader)
    rows = table.rows_with_role("area")
    totals = table.rows_with_role("total")
    records = []
    for row in rows + totals[:1]:
        budget, utfall = _get(table, row, "budget"), _get(table, row, "utfall")
        forecast = utfall / share
        records.append(
            {
                "Område": "Totalt" if row in totals else row,
                "Budget helår": budget,
                "Utfall": utfall,
                "Förbrukningsgrad": _ratio(utfall, budget),
                "Prognos helår": forecast,
                "Budget − prognos": budget - forecast,
            }
        )
    return pd.DataFrame.from_records(records, index="Område")


def ahead_of_pace(figures: pd.DataFrame, manader: int) -> list[str]:
    """Areas (not the total) whose spending rate is above the share of the year passed."""
    share = elapsed_share(manader)
    rate = figures["Förbrukningsgrad"].drop("Totalt", errors="ignore")
    return [a for a, r in rate.items() if not np.isnan(r) and r > share]


def funds_by_source(table: Table) -> pd.DataFrame:
    """Remaining funds per area split into state money and the rest.

    Returns
    -------
    pandas.DataFrame
        Index: area labels, then ``Totalt``; columns ``Kvarvarande medel``, ``Varav
        statliga``, ``Kommunala och övriga`` (= kvarvarande − statliga). A blank "varav
        statliga" is printed where an area holds no state money, so the rest is then the
        whole of kvarvarande; "Varav statliga" itself stays blank. A blank kvarvarande
        leaves the split blank.
    """
    rows = table.rows_with_role("area")
    totals = table.rows_with_role("total")
    records = []
    for row in rows + totals[:1]:
        whole, state = _get(table, row, "kvarvarande"), _get(table, row, "varav_statliga")
        rest = whole - (0.0 if np.isnan(state) else state)
        records.append(
            {
                "Område": "Totalt" if row in totals else row,
                "Kvarvarande medel": whole,
                "Varav statliga": state,
                "Kommunala och övriga": rest,
            }
        )
    return pd.DataFrame.from_records(records, index="Område")


def total_figures(table: Table, manader: int) -> dict[str, float]:
    """Key figures from the printed total row (blank stays NaN)."""
    totals = table.rows_with_role("total")
    if not totals:
        raise DataError(f"{table.id}: tabellen har ingen summarad")
    row = totals[0]
    keys = (
        "disponibla",
        "budget",
        "utfall",
        "utbetalt",
        "overforda",
        "kvarvarande",
        "varav_statliga",
    )
    out = {k: _get(table, row, k) for k in keys}
    out["forbrukningsgrad"] = _ratio(out["utfall"], out["budget"])
    out["andel_av_aret"] = elapsed_share(manader)
    out["prognos"] = out["utfall"] / out["andel_av_aret"]
    return out


def payouts(table: Table) -> pd.DataFrame:
    """Paid out to the municipalities per area (areas that print a figure), and the total."""
    col = table.column("utbetalt")
    if col is None:
        return pd.DataFrame(columns=["Utbetalt"])
    rows = [r for r in table.rows_with_role("area") if not np.isnan(table.values.at[r, col])]
    frame = pd.DataFrame(
        {"Utbetalt": [table.values.at[r, col] for r in rows]}, index=pd.Index(rows, name="Område")
    )
    for t in table.rows_with_role("total")[:1]:
        frame.loc["Totalt"] = table.values.at[t, col]
    return frame


def bridge(previous: Table, current: Table, spec: dict) -> pd.DataFrame:
    """From the previous period's closing balance to this period's opening balance.

    Only printed figures are used; a blank cell is left out of a sum, not counted as 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``Post``, ``Belopp``, ``Typ`` (``start``, ``steg``, ``slut``). The first row
        is the previous total (printed kvarvarande), the last the current total (printed
        ingående balans); between them a step per mapping group whose printed figures
        differ, plus a step where a printed total differs from its rows. Start + steps = slut.
    """
    a_col = previous.column(spec["from"].get("column", "kvarvarande"))
    b_col = current.column(spec["to"].get("column", "ib"))

    def printed(t, col, rows):
        return float(t.values.loc[rows, col].sum(min_count=1)) if rows else np.nan

    def total(t, col, areas):
        rows = t.rows_with_role("total")
        v = float(t.values.at[rows[0], col]) if rows else np.nan
        return (printed(t, col, areas) if np.isnan(v) else v), v

    a_areas, b_areas = previous.rows_with_role("area"), current.rows_with_role("area")
    a_total, a_printed_total = total(previous, a_col, a_areas)
    b_total, _ = total(current, b_col, b_areas)
    a_end = str(previous.meta.get("period", "")).split("/")[-1]
    b_start = str(current.meta.get("period", "")).split("/")[0]
    records = [{"Post": f"Kvarvarande medel {a_end}", "Belopp": a_total, "Typ": "start"}]

    def step(label, value):
        if not np.isnan(value) and abs(value) > EXACT:
            records.append({"Post": label, "Belopp": value, "Typ": "steg"})

    a_sum = np.nansum([previous.values.at[r, a_col] for r in a_areas])
    if not np.isnan(a_printed_total):
        step(f"Summaraden {a_end} skiljer sig från raderna", a_sum - a_printed_total)
    groups, unmapped = mapped(spec, previous, current)
    for u in unmapped:  # an area the mapping does not follow: its whole balance is a step
        if u.problem == "unmapped" and u.table == current.id:
            step(f"{u.area} (ursprung okänt)", np.nansum([current.values.at[u.area, b_col]]))
        elif u.problem == "unmapped":
            step(f"{u.area} (okänt vad det blev)", -np.nansum([previous.values.at[u.area, a_col]]))
    for frm, to in groups:
        if not frm:
            label = f"{to[0]} (nytt område)"
        else:
            label = to[0] if len(to) == 1 else f"{frm[0]} (delat på {len(to)} områden)"
        step(
            label,
            np.nansum([current.values.at[r, b_col] for r in to])
            - np.nansum([previous.values.at[r, a_col] for r in frm]),
        )
    for lab in spec.get("ended") or []:
        step(f"{lab} (avslutat område)", -np.nansum([previous.values.at[lab, a_col]]))
    b_sum = np.nansum([current.values.at[r, b_col] for r in b_areas])
    step(f"Summaraden {b_start} skiljer sig från raderna", b_total - b_sum)
    records.append({"Post": f"Ingående balans {b_start}", "Belopp": b_total, "Typ": "slut"})
    return pd.DataFrame.from_records(records, columns=["Post", "Belopp", "Typ"])


def exported(table: Table) -> bool:
    """Whether the table's figures came from an export (``kuanalysis import``), not a print."""
    return isinstance(table.meta.get("export"), dict)


def where_exported(table: Table) -> str:
    """The export a table came from: ``export.xlsx, blad ”4.1”`` (or the file alone)."""
    export = table.meta["export"]
    sheet = f", blad ”{export['sheet']}”" if export.get("sheet") else ""
    return f"{export.get('file', '')}{sheet}"
