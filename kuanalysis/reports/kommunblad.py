"""The kommunblad: one municipality's fees in one proposal year, and the years ahead, on one
printed page; one report per municipality and proposal year.

:func:`variants` tells the renderer which sheets to make; the other functions are what the
``kommunblad`` notebook shows, each from a :class:`~kuanalysis.reports.feedata.FeeReport` and a
kommun code. The sheet marks itself with the id ``kommunblad`` (the print CSS keys on it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from .. import paths
from ..data import load_table
from ..data.table import Table
from ..errors import ParameterError
from ..fees.balance import balance_overview
from ..fees.matrix import kommun_codes
from ..fees.proposals import proposal_year
from . import fmt, html
from .feedata import HISTORY_TABLES, FeeReport, check_inputs, proposals_chosen
from .feetables import (
    BLANK_READING_WORDS,
    NOT_INVOICED,
    history_table,
    kommun_fees,
    kommun_years,
    runs_out,
    share_vs_population,
)

#: The sheet the notebook shows in JupyterLab when ``kommuner`` is ``"alla"``.
DEFAULT_KOMMUN = "0680"

_WORDS = [
    "noll",
    "en",
    "två",
    "tre",
    "fyra",
    "fem",
    "sex",
    "sju",
    "åtta",
    "nio",
    "tio",
    "elva",
    "tolv",
    "tretton",
    "fjorton",
    "femton",
    "sexton",
    "sjutton",
    "arton",
    "nitton",
    "tjugo",
]


def ascii_slug(text: str) -> str:
    """A file-name-safe ASCII form: ``"Jönköping"`` -> ``"jonkoping"``, ``"Värnamo"`` -> ``"varnamo"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def codes_wanted(kommuner) -> list[str] | None:
    """The codes the parameter ``kommuner`` names, in its order; None for ``"alla"`` (or
    empty): every municipality."""
    text = str(kommuner).strip()
    if text in ("", "alla"):
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def shown_code(kommuner) -> str:
    """The one sheet the notebook shows: the first code ``kommuner`` names, or
    :data:`DEFAULT_KOMMUN` for ``"alla"`` (a rendered kommunblad is given exactly one)."""
    codes = codes_wanted(kommuner)
    return codes[0] if codes else DEFAULT_KOMMUN


def check_code(kommun_kod, names: Mapping[str, str]) -> str:
    """``kommun_kod`` if it is four digits as text and a municipality of ``names`` (code -> name).

    Raises
    ------
    ParameterError
        In Swedish, naming the valid codes.
    """
    if not (isinstance(kommun_kod, str) and re.fullmatch(r"\d{4}", kommun_kod)):
        raise ParameterError(
            f"parametern kommuner: en kommunkod är fyra siffror som text, t.ex. "
            f'"{DEFAULT_KOMMUN}" (med inledande nolla), fick {kommun_kod!r}'
        )
    if kommun_kod not in names:
        raise ParameterError(
            f"parametern kommuner: kommunkoden {kommun_kod} finns inte i "
            f"förslaget; välj bland {', '.join(sorted(names))} eller alla"
        )
    return kommun_kod


def variants(parameters: Mapping, matrix: Table | None = None) -> list[dict]:
    """Which kommunblad to render: one per municipality of each proposal year (newest first),
    in code order, or in the order ``kommuner`` names them.

    Parameters
    ----------
    parameters : Mapping
        The notebook's parameter values. ``kommuner``: ``"alla"`` (default) or kommun codes
        separated by commas (``"0604,0680"``: those sheets only). ``forslag``: one year's
        fee matrix (default: every proposal in ``data/raw``).
    matrix : Table, optional
        The fee matrix naming the municipalities (then only its year is rendered).

    Returns
    -------
    list of dict
        ``{"parameters": {"kommuner": "0604", "forslag": "data/raw/..."}, "output":
        "kommunblad/<år>/0604-aneby.html", "title": "Kommunblad Aneby: avgifter <år>",
        "sort": "<år>-12-31"}``.

    Raises
    ------
    ParameterError
        A code that is not four digits as text, or not a municipality of the proposal.
    """
    if matrix is not None:
        chosen = [(proposal_year(matrix), parameters.get("forslag", ""), matrix)]
    else:
        root = paths.project_root()
        years = proposals_chosen(parameters)
        check_inputs(parameters, years)  # bad scenarios etc. refused before anything runs
        chosen = [(y, rel, load_table(root / rel)) for y, rel in years]
    wanted = codes_wanted(parameters.get("kommuner", "alla"))
    out = []
    for year, rel, table in chosen:
        names = {code: label for label, code in kommun_codes(table).items()}
        codes = sorted(names) if wanted is None else [check_code(c, names) for c in wanted]
        folder = f"kommunblad/{year}" if year is not None else "kommunblad"
        out += [
            {
                "parameters": {"kommuner": c, "forslag": rel},
                "output": f"{folder}/{'-'.join(filter(None, [c, ascii_slug(names[c])]))}.html",
                "title": f"Kommunblad {names[c]}: avgifter {year}",
                "sort": f"{year}-12-31",
            }
            for c in dict.fromkeys(codes)  # a code named twice is one sheet
        ]
    return out


def kommun_name(r: FeeReport, kommun_kod) -> str:
    """The municipality's printed name (checks the code: :func:`check_code`)."""
    names = {code: label for label, code in kommun_codes(r.matrix).items()}
    return names[check_code(kommun_kod, names)]


def fields(r: FeeReport, kommun_kod) -> dict[str, str]:
    """The Markdown fields of the kommunblad notebook: ``titel``, ``kommun``, ``kommun_kod``."""
    return {
        "titel": f"Kommunblad: avgifter {r.year}",
        "kommun": kommun_name(r, kommun_kod),
        "kommun_kod": kommun_kod,
    }


def in_words(n: int) -> str:
    """A count as Swedish prose writes it: words up to twenty (13 -> ``tretton``), then digits."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else fmt.number(n)


def summary(r: FeeReport, kommun_kod: str) -> html.Markup:
    """What the municipality is invoiced, its share against its population share, and the
    posts not invoiced, as one paragraph in a box (the element with id ``kommunblad``)."""
    name = kommun_name(r, kommun_kod)
    sheet = kommun_fees(r.fees, kommun_kod)
    share = share_vs_population(r.fees, r.population, r.date_key).loc[kommun_kod]
    invoiced = sheet.at["Fakturerat totalt", r.base]
    not_invoiced = [p for p in sheet.index if sheet.at[p, r.base] == NOT_INVOICED]
    more = "mer" if share[r.base] > share["befolkning_andel"] else "mindre"
    n_kommuner = len(kommun_codes(r.matrix))
    if not_invoiced:
        posts = (
            f"{len(not_invoiced)} {'post står' if len(not_invoiced) == 1 else 'poster står'}"
            f" i förslagets tabell men faktureras inte: {', '.join(not_invoiced)}."
        )
    else:
        posts = "Alla poster i förslagets tabell faktureras."
    return html.element(
        "p",
        f"Enligt förslaget faktureras {name} ",
        html.element("b", fmt.kr(invoiced)),
        f" för {r.year}. Det är {fmt.percent(share[r.base], 2)} av det som faktureras alla "
        f"{in_words(n_kommuner)} kommuner. {name} har "
        f"{fmt.percent(share['befolkning_andel'], 2)} av länets invånare ({r.date}), så "
        f"kommunen betalar något {more} än sin andel av folkmängden. {posts}",
        class_="ruta",
        id="kommunblad",
    )


def fees_frame(fees: pd.DataFrame, kommun_kod: str, shares: pd.DataFrame) -> pd.DataFrame:
    """The sheet's table: :func:`~kuanalysis.reports.feetables.kommun_fees`, then the difference
    of the invoiced total to the proposal (the first scenario; ``+3 562 623 kr``) and the
    municipality's share of all municipalities' fees (``38,92 %``) as text.

    ``shares`` as from :func:`~kuanalysis.reports.feetables.share_vs_population`.
    """
    frame = kommun_fees(fees, kommun_kod)
    total = frame.loc["Fakturerat totalt"]
    base = frame.columns[0]
    frame.loc["Skillnad mot förslaget"] = [
        fmt.kr(total[c] - total[base], sign=True) for c in frame.columns
    ]
    frame.loc["Andel av alla kommuners avgifter"] = [
        fmt.percent(shares.at[kommun_kod, c], 2) for c in frame.columns
    ]
    return frame


def _kr_or_text(x) -> str:
    return x if isinstance(x, str) else fmt.kr(x)


def fees_table(r: FeeReport, kommun_kod: str) -> html.Markup:
    """The municipality's fee per post in the proposal and each alternative."""
    frame = fees_frame(r.fees, kommun_kod, share_vs_population(r.fees, r.population, r.date_key))
    return html.table(
        frame,
        id="per-post",
        formats={c: _kr_or_text for c in frame.columns},
        caption=f"{kommun_name(r, kommun_kod)}: avgift per post {r.year} i "
        "förslaget och alternativen, kronor",
    )


def years_frame(r: FeeReport, kommun_kod: str, balanskonto_kr: int | None = None) -> pd.DataFrame:
    """The municipality's invoiced kr per alternative (rows) and year (columns), and when
    each alternative's balance account runs out (``Balanskontot tar slut``, text)."""
    frame = kommun_years(r.fees_years, kommun_kod).astype(object)
    frame.columns = [str(c) for c in frame.columns]
    start = r.start_kr if balanskonto_kr in (None, -1) else balanskonto_kr
    _, summary = balance_overview(r.scenarios, start_kr=start)
    frame["Balanskontot tar slut"] = [
        runs_out(summary.at[s, "tar_slut"], int(summary.at[s, "sista_år"])) for s in frame.index
    ]
    return frame


def years_table(r: FeeReport, kommun_kod: str) -> html.Markup:
    """What the municipality is invoiced each year ahead in every alternative, and when the
    balance account runs out."""
    frame = years_frame(r, kommun_kod)
    return html.table(
        frame,
        id="per-ar",
        formats={c: _kr_or_text for c in frame.columns},
        caption=f"{kommun_name(r, kommun_kod)}: fakturerat per år i förslaget och "
        "alternativen, kronor, och när balanskontot tar slut",
    )


def history_frame(history: pd.DataFrame, name: str, year: int) -> pd.DataFrame:
    """One municipality's row of :func:`~kuanalysis.reports.feetables.history_table` as years
    (``2016``, ``2018``, ``<år> (förslaget)``) by ``Social välfärd`` and
    ``Administration / medlemsavgift`` (tkr)."""
    row = history.loc[name]
    frame = pd.DataFrame(
        {
            "Social välfärd": [
                row["Social välfärd 2016"],
                row["Social välfärd 2018"],
                row[f"Grundfinansiering social välfärd {year}"],
            ],
            "Administration / medlemsavgift": [
                row["Administration 2016"],
                row["Administration 2018"],
                row[f"Medlemsavgift {year}"],
            ],
        },
        index=["2016", "2018", f"{year} (förslaget)"],
    )
    frame.index.name = "År"
    return frame


def history(r: FeeReport, kommun_kod: str) -> html.Markup:
    """The municipality's financing 2016 and 2018 beside the proposal (tkr)."""
    name = kommun_name(r, kommun_kod)
    social, administration = (r.history[t] for t in HISTORY_TABLES)
    frame = history_frame(history_table(social, administration, r.matrix, r.year), name, r.year)
    return html.table(frame, id="historik", caption=f"{name}: finansieringen förr och nu, tkr")


def blank_note(r: FeeReport, kommun_kod: str) -> html.Markup:
    """How the proposal's blank cells of this municipality that the column total gives an
    amount are read, in the proposal and each alternative (the data of the fee report's
    :func:`~kuanalysis.reports.feesections.blanks_table`); empty markup when it has none."""
    name = kommun_name(r, kommun_kod)
    readings = [(s, b) for s in r.scenarios for b in s.blanks if b.row == name]
    if not readings:
        return html.Markup("")
    parts: list = [html.element("b", "Tomma celler."), " "]
    for i, (s, b) in enumerate(readings):
        parts += [
            " " if i else "",
            f"{b.post} är tom i förslagets tabell; postens summarad ger {fmt.kr(b.implied_kr)}. ",
            html.element("i", s.name),
            f" läser cellen som {BLANK_READING_WORDS[b.reading]}",
            f" ({b.stated_in})." if b.stated_in else ".",
        ]
    return html.element("p", *parts, id="tomma-celler")


def alternatives(r: FeeReport) -> html.Markup:
    """The alternatives to the proposal, each name with its description (empty if none)."""
    others = r.scenarios[1:]
    if not others:
        return html.Markup("")
    parts: list = [html.element("b", "Alternativen."), " "]
    for i, s in enumerate(others):
        parts += ([" "] if i else []) + [html.element("i", s.name), f": {s.description}"]
    return html.element("p", *parts)


def index_summary(r: FeeReport, kommun_kod: str) -> tuple[str, str]:
    """The sheet in the reader's index: one line (what the municipality is invoiced in the
    proposal) and the short name its link shows (the municipality's name)."""
    name = kommun_name(r, kommun_kod)
    invoiced = kommun_fees(r.fees, kommun_kod).at["Fakturerat totalt", r.base]
    return f"{name}: {fmt.kr(invoiced)} enligt förslaget {r.year}", name
