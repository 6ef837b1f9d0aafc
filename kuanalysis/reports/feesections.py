"""What the fee report (``avgifter-<år>``, one per proposal year) shows, section by section:
the proposal checked, its keys, the alternatives over the years ahead, the balance account,
a comparison with another proposal year and the history, as tables, sentences and charts,
each from a :class:`~kuanalysis.reports.feedata.FeeReport`. The figures are the frames of
:mod:`kuanalysis.reports.feetables`; every text passes through :mod:`kuanalysis.reports.html`.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError
from ..fees.balance import balance_overview
from ..fees.keys import key_groups, key_vs_population
from ..fees.matrix import kommun_codes, post_labels, total_row
from ..fees.proposals import printed_scenario, proposal_year
from . import charts, fmt, html
from .feedata import HISTORY_TABLES, FeeReport, title
from .feetables import (
    assumptions,
    blank_readings,
    difference_to_base,
    findings_frame,
    findings_overview,
    group_identical_columns,
    history_table,
    key_panels,
    nonzero,
    printed_fees,
    runs_out,
    scenario_comparison,
    scenario_descriptions,
    share_vs_population,
    year_comparison,
    yearly_invoiced,
)
from .finding_text import count_line, errors_html

# -- what the avgifter notebook shows, section by section ----------------------------------


def _signed_kr(x) -> str:
    return fmt.kr(x, sign=True)


def _percent2(x) -> str:
    return fmt.percent(x, 2)


def _start(r: FeeReport, balanskonto_kr: int | None) -> int | None:
    """The opening balance a section uses: the argument, else the report's (-1/None: own)."""
    if balanskonto_kr is None or balanskonto_kr == -1:
        return r.start_kr
    return balanskonto_kr


def balance_start(r: FeeReport, balanskonto_kr: int | None = None) -> str:
    """The base scenario's opening balance as text: ``20,5 mnkr``."""
    start = _start(r, balanskonto_kr)
    return fmt.mnkr(r.scenarios[0].balance.opening if start is None else start, source_unit="kr")


def fields(r: FeeReport) -> dict[str, str]:
    """The Markdown fields of the avgifter notebook: ``titel``, ``ar`` (the proposal's year),
    ``bas`` (the base scenario's name)."""
    return {"titel": title(r.year), "ar": str(r.year), "bas": r.base}


def key_figures(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Four boxes: invoiced by the proposal in its year, posts not invoiced, when the balance
    runs out, how many alternatives."""
    comparison = scenario_comparison(r.fees)
    _, summary = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    not_summed = sum(f.rule == "fee_not_summed" for f in r.findings)
    return html.boxes(
        [
            (
                f"Fakturerat {r.year} enligt förslaget",
                fmt.mnkr(comparison.at["Summa", r.base], source_unit="kr"),
            ),
            (
                "Poster i tabellen som inte faktureras",
                f"{not_summed} av {len(post_labels(r.matrix))}",
            ),
            (
                "Balanskontot tar slut enligt förslaget",
                runs_out(summary.at[r.base, "tar_slut"], int(summary.at[r.base, "sista_år"])),
            ),
            ("Alternativ som jämförs", str(len(r.scenarios) - 1)),
        ]
    )


def totals_note(r: FeeReport) -> html.Markup:
    """A sentence when the base scenario invoices another total than the proposal's
    Summa column prints (empty when they agree)."""
    from ..fees.matrix import total_column

    printed = float(r.matrix.values.at[total_row(r.matrix), total_column(r.matrix)])
    invoiced = int(scenario_comparison(r.fees).at["Summa", r.base])
    if abs(invoiced - printed) < 0.5:
        return html.Markup("")
    return html.paragraph(
        [
            f"Förslagets tabell summerar till {fmt.kr(printed)} i kolumnen Summa, men "
            f"{r.base} fakturerar {fmt.kr(invoiced)} ({fmt.kr(invoiced - printed, sign=True)}): "
            "se avstämningen och hur tomma celler läses nedan."
        ],
        box=True,
    )


def findings_summary(r: FeeReport) -> html.Markup:
    """The proposal's findings counted by rule and status."""
    return html.table(
        findings_overview(r.findings),
        id="avstamning-oversikt",
        index=False,
        caption="Avstämningen av förslaget: vad som hittades, antal iakttagelser",
    )


def findings_list(r: FeeReport) -> html.Markup:
    """Every finding in the proposal's table, its status marked, with the cell that explains
    it where one does; then, in a box, the checks that could not run (nothing when all ran)."""
    frame, marks = findings_frame(r.findings, r.matrix)
    return html.join(
        [
            html.table(
                frame,
                id="avstamning",
                index=False,
                marks=marks,
                formats={"Tryckt": fmt.kr, "Beräknat": fmt.kr, "Skillnad": _signed_kr},
                caption="Varje iakttagelse i förslagets tabell, kronor (tomt = inget att "
                "jämföra med; Förklaras av = cellen vars fel förklarar den)",
            ),
            errors_html(r.findings),
        ]
    )


def blanks_table(r: FeeReport) -> html.Markup:
    """How each alternative reads the blank cells the column total gives an amount (empty
    markup when the proposal has none)."""
    frame = blank_readings(r.scenarios)
    if frame.empty:
        return html.Markup("")
    return html.table(
        frame,
        id="tomma-celler",
        index=False,
        formats={"Beräknat belopp": fmt.kr},
        caption="Tomma celler som postens summarad ger ett belopp, och hur varje "
        "alternativ läser dem",
    )


def key_groups_table(r: FeeReport) -> html.Markup:
    """The key groups: posts with the same key, and the population date each is nearest."""
    summary, _ = key_vs_population(r.keyed_matrix, r.population)
    return html.table(
        summary,
        id="nyckelgrupper",
        formats={"Största avvikelse": lambda x: fmt.points(x, 2)},
        caption="Nyckelgrupper: poster med samma fördelning, och folkmängden de ligger närmast",
    )


def key_chart(r: FeeReport):
    """Each key group's share minus the population share, one panel per group."""
    groups = key_groups(r.keyed_matrix)
    summary, deviations = key_vs_population(r.keyed_matrix, r.population, groups)
    names = {code: label for label, code in kommun_codes(r.matrix).items()}
    return charts.panels_barh(
        [names[k] for k in deviations.index],
        key_panels(summary, deviations, groups),
        unit="",
        decimals=2,
        title="Nyckelns andel minus andelen av folkmängden, procentenheter",
    )


def scenario_list(r: FeeReport) -> html.Markup:
    """The alternatives, each with its description and the amounts that differ from the
    printed proposal."""
    printed = printed_scenario(r.matrix, r.year)
    return html.table(
        scenario_descriptions(r.scenarios, printed),
        id="alternativ",
        index=False,
        caption="Alternativen som jämförs",
    )


def assumptions_table(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Every alternative's assumptions about the years ahead, in plain Swedish."""
    start = _start(r, balanskonto_kr)
    frame = pd.DataFrame(
        {
            "Alternativ": [s.name for s in r.scenarios],
            "Antaganden": [assumptions(s, start) for s in r.scenarios],
        }
    )
    return html.table(
        frame, id="antaganden", index=False, caption="Vad varje alternativ antar om åren framåt"
    )


def years_table(r: FeeReport) -> html.Markup:
    """Invoiced kronor per alternative and year (all municipalities)."""
    frame = yearly_invoiced(r.fees_years)
    frame.columns = [str(c) for c in frame.columns]
    return html.table(
        frame,
        id="per-ar",
        formats={c: fmt.kr for c in frame.columns},
        caption="Fakturerat per år i varje alternativ, alla kommuner, kronor "
        "(– = året ingår inte i alternativet)",
    )


def _comparison_caption(r: FeeReport, by: str) -> tuple[str, str]:
    if by == "kommun":
        return "per-kommun", f"Fakturerat per kommun {r.year} i varje alternativ, kronor"
    return "per-post", (
        f"Fakturerat per post {r.year} i varje alternativ, kronor (0 kr = faktureras inte)"
    )


def comparison_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Invoiced kronor per municipality (``by="kommun"``) or post, one column per alternative."""
    frame = scenario_comparison(r.fees, by)
    id_, caption = _comparison_caption(r, by)
    return html.table(frame, id=id_, formats={c: fmt.kr for c in frame.columns}, caption=caption)


def difference_table(r: FeeReport, by: str = "kommun") -> html.Markup:
    """Each alternative minus the proposal: every municipality, or the posts that differ."""
    diff = difference_to_base(scenario_comparison(r.fees, by), r.base)
    if by == "kommun":
        id_, caption = (
            "per-kommun-skillnad",
            "Skillnad mot förslaget per kommun, kronor (plus = kommunen betalar mer)",
        )
    else:
        diff = nonzero(diff)
        id_, caption = (
            "per-post-skillnad",
            "Poster där ett alternativ skiljer sig från förslaget: skillnad, kronor",
        )
    return html.table(diff, id=id_, formats={c: _signed_kr for c in diff.columns}, caption=caption)


def difference_chart(r: FeeReport):
    """The alternatives that differ from the proposal, per municipality (tkr); None if none."""
    shown = nonzero(
        difference_to_base(scenario_comparison(r.fees), r.base).drop(index="Summa"), rows=False
    )
    if shown.empty:
        return None
    return charts.barh(
        shown.index,
        {c: shown[c] / 1000 for c in shown.columns},
        unit="tkr",
        title=f"Skillnad mot förslaget {r.year} per kommun och alternativ (tkr)",
    )


def shares_table(r: FeeReport) -> html.Markup:
    """Each municipality's share of what is invoiced, per alternative, beside its population."""
    shares = share_vs_population(r.fees, r.population, r.date_key).set_index("kommun")
    shares.index.name = "Kommun"
    shares = shares.rename(columns={"befolkning_andel": f"Folkmängd {r.date}"})
    return html.table(
        shares,
        id="andelar",
        formats={c: _percent2 for c in shares.columns},
        caption=f"Kommunens andel av det fakturerade i varje alternativ och av "
        f"folkmängden {r.date}, procent",
    )


def balance_table(r: FeeReport, balanskonto_kr: int | None = None) -> html.Markup:
    """Per alternative: what is taken from the balance in the first year, the balance at each
    year's end, and the first year below zero."""
    closing, summary = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    frame = closing.T
    frame.columns = [f"Vid slutet av {y}" for y in frame.columns]
    frame.insert(0, "Tas från balanskontot första året", summary["från_balanskonto_kr"])
    frame["Första året under noll"] = [
        runs_out(y, int(e)) for y, e in zip(summary["tar_slut"], summary["sista_år"])
    ]
    frame.index.name = "Alternativ"
    return html.table(
        frame,
        id="balanskonto",
        caption="Balanskontot i varje alternativ, kronor",
        formats={c: fmt.kr for c in frame.columns[:-1]},
    )


def balance_chart(r: FeeReport, balanskonto_kr: int | None = None):
    """The balance at each year's end, alternatives with the same path drawn as one line."""
    closing, _ = balance_overview(r.scenarios, start_kr=_start(r, balanskonto_kr))
    shown = group_identical_columns(closing)
    return charts.lines(
        shown.index,
        {c: shown[c] / 1e6 for c in shown.columns},
        unit="mnkr",
        decimals=0,
        title=f"Balanskontot vid årets slut {closing.index.min()}–{closing.index.max()} (mnkr)",
    )


def years_compared(r: FeeReport, by: str = "kommun") -> html.Markup:
    """This year's proposal beside another year's, both as printed (empty when there is no
    other year)."""
    if r.other is None:
        return html.Markup("")
    try:
        this, other = printed_fees(r.matrix, r.population), printed_fees(r.other, r.population)
    except DataError as exc:  # the other year's blank cells are not read yet: say so
        return html.paragraph(
            [
                f"Förslaget för {proposal_year(r.other)} kan inte jämföras "
                f"ännu: {' '.join(exc.errors)}"
            ],
            box=True,
        )
    other_year = proposal_year(r.other)
    if other_year is None:
        raise DataError(
            f"{r.other.id}: förslaget att jämföra med säger inte vilket år det gäller (fältet "
            "period i beskrivningsfilen)"
        )
    a, b = (other, this) if other_year < r.year else (this, other)
    frame = year_comparison(a, b, by)
    kr_cols = list(frame.columns[:3])
    formats: dict = {c: fmt.kr for c in kr_cols[:2]}
    formats["Skillnad"] = _signed_kr
    formats.update({c: _percent2 for c in frame.columns[3:5]})
    formats["Skillnad, procentenheter"] = lambda x: fmt.points(x, 2, sign=True)
    what = "fakturerat per kommun" if by == "kommun" else "postens summa"
    return html.table(
        frame,
        id=f"ar-mot-ar-{by}",
        formats=formats,
        caption=f"Förslagen {kr_cols[0]} och {kr_cols[1]} som tryckta: {what}, "
        f"kronor, och andel av summan, procent",
    )


def history(r: FeeReport) -> html.Markup:
    """Social välfärd and administration 2016 and 2018 beside the nearest posts of the
    proposal (tkr)."""
    social, administration = (r.history[t] for t in HISTORY_TABLES)
    return html.table(
        history_table(social, administration, r.matrix, r.year),
        id="historik",
        caption=f"Finansiering per kommun 2016, 2018 och {r.year}, tkr (Summa som tryckt)",
    )


def workbook_link(r: FeeReport, name: str) -> html.Markup:
    """The link to the workbook beside the report, with its number of sheets."""
    sheets = 1 + r.fees_years["år"].nunique() + r.fees["scenario"].nunique()
    return html.element("p", html.link(name, f"Ladda ner {name}"), f" ({sheets} blad).")


def workbook(r: FeeReport) -> bytes:
    """The report's workbook (:func:`kuanalysis.reports.xlsx.workbook`)."""
    from .xlsx import workbook as make

    return make(r.fees_years, r.scenarios)


def summary(r: FeeReport) -> str:
    """What the fee report found and compares, in one line for the reader's index:
    ``2 avvikelser, 3 tomma celler i förslaget; 6 alternativ``."""
    n = len(r.scenarios)
    return f"{count_line(r.findings)} i förslaget; {fmt.number(n)} alternativ jämförda"
