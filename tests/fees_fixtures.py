"""A tiny fee report built by hand, for the report tests (figures worked out in the comments).

Two municipalities X (0001) and Y (0002), two posts:

- MEDLEM: X 600, Y 400, total 1 000; the Summa column adds up only this post.
- GRUND: X 70, Y 30, total 100; shown but not summed.

Scenarios, both 2025-2026 without uprating, the balance account 20 500 000 kr at the start
of 2025 and 10 000 000 kr paid out in 2025: ``forslag-2025`` invoices MEDLEM as printed
(X 600, Y 400) and takes GRUND (100 kr a year) from the balance account; ``alt`` splits
MEDLEM 50/50 (X 500, Y 500) and invoices GRUND as printed (X 70, Y 30). Invoiced each year:
forslag X 600, Y 400 (1 000); alt X 570, Y 530 (1 100). Population 2024-12-31: X 300,
Y 100 (75 % and 25 %).
"""

from __future__ import annotations

import pandas as pd

from kuanalysis.data.table import Table
from kuanalysis.fees.keys import IMPLIED_KEY
from kuanalysis.fees.scenarios import Balance, PostSpec, Scenario
from kuanalysis.reports.feedata import FeeReport

GRUND, MEDLEM = "Grundfinansiering Social välfärd", "Medlemsavgift Kommunal utveckling"

#: The posts of the printed 2025 proposal in source 000, in order (the headings of
#: data/raw/000-pks-2024/finansiering-2025.csv but Kommun and Summa).
POSTS = [
    "Grundfinansiering Social välfärd",
    "Arbete och delaktighet",
    "Familjecentralsamordnare",
    "Barnahus",
    "Familjehemsresurs",
    "Medlemsavgift Kommunal utveckling",
    "Digitalisering",
    "IoT projekt",
    "Skola",
    "Fjärrundervisning",
    "Fritid",
    "Kval.arb öppen fritid",
    "Utvecklingsarbete friluftsliv",
    "Miljösamverkan",
    "VO-collage",
    "Yrkesresorna",
]


def matrix(x_name: str = "X") -> Table:
    meta = {
        "table": "finansiering-test",
        "document": "test.txt",
        "kind": "fee_matrix",
        "unit": "kr",
        "heading": "Förslag",
        "period": "2025-01-01/2025-12-31",
        "columns": [
            {"label": MEDLEM, "key": "medlem"},
            {"label": GRUND, "key": "grund"},
            {"label": "Summa", "key": "summa", "role": "total"},
        ],
        "rows": [
            {"label": x_name, "role": "kommun", "kommun_kod": "0001"},
            {"label": "Y", "role": "kommun", "kommun_kod": "0002"},
            {"label": "Summa", "role": "total"},
        ],
    }
    return Table.from_rows(
        meta, {x_name: [600, 70, 600], "Y": [400, 30, 400], "Summa": [1000, 100, 1000]}
    )


def population() -> pd.DataFrame:
    return pd.DataFrame({"kommun_kod": ["0001", "0002"], "befolkning_2024_12_31": [300, 100]})


def _by_year(name: str, order: list[str], values, total) -> Table:
    """A PKS 2016 table (tkr, 2016 and 2018), municipalities printed in ``order``."""
    codes = {"X": "0001", "Y": "0002"}
    meta = {
        "table": name,
        "document": "test.txt",
        "kind": "amount_by_kommun",
        "unit": "tkr",
        "columns": [{"label": "2016", "key": "ar_2016"}, {"label": "2018", "key": "ar_2018"}],
        "rows": [{"label": k, "role": "kommun", "kommun_kod": codes[k]} for k in order]
        + [{"label": "Summa", "role": "total"}],
    }
    return Table.from_rows(meta, {**dict(zip(order, values)), "Summa": total})


def history() -> dict[str, Table]:
    # social: X 10 / 20, Y 30 / 40 (printed total 61, not 60); administration printed Y first
    return {
        "pks-2016-social-valfard": _by_year("soc", ["X", "Y"], [[10, 20], [30, 40]], [40, 61]),
        "pks-2016-administration": _by_year("adm", ["Y", "X"], [[None, 5], [1, 2]], [1, 7]),
    }


def scenarios(alt_name: str = "alt", alt_description: str = "Ett alternativ.") -> list[Scenario]:
    def post(name, total, key, invoiced, from_balance=False):
        return PostSpec(name, total, key, invoiced, None, from_balance, 1)

    years = {
        "proposal_year": 2025,
        "years": (2025, 2026),
        "balance": Balance(20_500_000, {2025: 10_000_000}),
    }
    forslag = Scenario(
        "forslag-2025",
        "forslag-2025.yaml",
        "Förslaget.",
        {
            MEDLEM: post(MEDLEM, 1000, IMPLIED_KEY, True),
            GRUND: post(GRUND, 100, IMPLIED_KEY, False, from_balance=True),
        },
        base="förslaget 2025",
        **years,
    )
    alt = Scenario(
        alt_name,
        f"{alt_name}.yaml",
        alt_description,
        {
            MEDLEM: post(MEDLEM, 1000, {"0001": 1.0, "0002": 1.0}, True),
            GRUND: post(GRUND, 100, IMPLIED_KEY, True),
        },
        base="forslag-2025",
        **years,
    )
    return [forslag, alt]


def report(
    x_name: str = "X", alt_name: str = "alt", alt_description: str = "Ett alternativ."
) -> FeeReport:
    return FeeReport(matrix(x_name), population(), history(), scenarios(alt_name, alt_description))
