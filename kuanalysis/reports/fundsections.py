"""The fund report's sections: sentences, tables and charts, one report per period (close or
tertial). Its data is :mod:`.funddata` (one period loaded and reconciled, the variants), its
figures as frames :mod:`.fundtables`; the fee report has the same shape (:mod:`.feedata`,
:mod:`.feetables`, :mod:`.feesections`).

A fund statement (kind ``fund_statement``) tells, per area, what money there was, what was
budgeted and spent, what was paid out and what remains. The report reads it like a Swedish
förvaltningsberättelse: key figures, pace of spending against the share of the year passed,
a full-year forecast with its method stated (tertials only), remaining funds by source, the
period's other tables, the bridge from the previous period, then the statement as printed
with every finding marked and explained.

Blank stays blank: a figure computed from a blank cell is blank (NaN), never 0. The one
documented exception is a blank "varav statliga": the part of the remaining funds that is
state money, left blank in print when there is none (see :func:`funds_by_source`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks.findings import Finding
from ..data.table import Table
from . import charts, fmt, html
from .finding_text import (
    count_line,
    explain,
    figure,
    findings_html,
    findings_sentence,
    statement_view,
)
from .funddata import FundReport
from .fundtables import (
    _ratio,
    ahead_of_pace,
    area_figures,
    bridge,
    elapsed_share,
    exported,
    funds_by_source,
    payouts,
    total_figures,
    where_exported,
)

FORECAST_METHOD = (
    "Prognosen är en linjär framskrivning: utfallet hittills delat med den andel "
    "av året som har gått ({manader}/12). Den antar att förbrukningen fortsätter i "
    "samma takt resten av året; utbetalningar av statliga medel och större inköp "
    "kommer ofta ojämnt, så prognosen är en tumregel, inte en budget."
)


# -- one period, loaded and reconciled -----------------------------------------------------


# -- figures per area ----------------------------------------------------------------------


def key_sentences(table: Table, manader: int, end: str, findings: list[Finding]) -> list[str]:
    """The key figures in plain Swedish, a few sentences, from the printed total row."""
    k = total_figures(table, manader)
    u = table.unit

    def a(x):
        return fmt.amount(x, u, source_unit=u)

    out = []
    if manader == 12:
        out.append(
            f"Under året till och med {end} förbrukade Kommunal utveckling "
            f"{a(k['utfall'])} av en budget på {a(k['budget'])}, en förbrukningsgrad på "
            f"{fmt.percent(k['forbrukningsgrad'], ratio=True)}."
        )
    else:
        out.append(
            f"Till och med {end}, när {manader} av årets 12 månader "
            f"({fmt.percent(k['andel_av_aret'], ratio=True)} av året) har gått, hade "
            f"Kommunal utveckling förbrukat {a(k['utfall'])} av årets budget på "
            f"{a(k['budget'])}, en förbrukningsgrad på "
            f"{fmt.percent(k['forbrukningsgrad'], ratio=True)}."
        )
        diff = k["budget"] - k["prognos"]
        if not np.isnan(diff):
            side = "under" if diff >= 0 else "över"
            out.append(
                f"Fortsätter förbrukningen i samma takt blir den cirka {a(k['prognos'])} "
                f"för helåret, {a(abs(diff))} {side} budget (linjär framskrivning, se "
                f"avsnittet Prognos)."
            )
    part = (
        f", varav {a(k['varav_statliga'])} statliga medel "
        f"({fmt.percent(_ratio(k['varav_statliga'], k['kvarvarande']), ratio=True)})"
        if not np.isnan(k["varav_statliga"])
        else ""
    )
    out.append(f"Kvarvarande medel vid periodens slut var {a(k['kvarvarande'])}{part}.")
    if not np.isnan(k["utbetalt"]):
        out.append(f"Till länets kommuner har {a(k['utbetalt'])} betalats ut.")
    out.append(findings_sentence(findings))
    return out


def key_figures(r: FundReport) -> html.Markup:
    """Key figures as boxes, then the key sentences in a box."""
    k = total_figures(r.fund, r.months)
    u = r.unit

    def a(x):
        return fmt.amount(x, u, source_unit=u)

    boxes = [
        ("Disponibla medel", a(k["disponibla"])),
        ("Budget förbrukning helår", a(k["budget"])),
        (f"Utfall till {r.end}", a(k["utfall"])),
        ("Förbrukningsgrad", fmt.percent(k["forbrukningsgrad"], ratio=True)),
        ("Andel av året", f"{r.months}/12 = {fmt.percent(k['andel_av_aret'], ratio=True)}"),
        ("Kvarvarande medel", a(k["kvarvarande"])),
        ("Varav statliga", a(k["varav_statliga"])),
    ]
    if r.months < 12:
        boxes.insert(4, ("Prognos helår (linjär)", a(k["prognos"])))
    return html.join(
        [
            html.boxes(boxes),
            html.paragraph(key_sentences(r.fund, r.months, r.end, r.findings), box=True),
        ]
    )


def budget_table(r: FundReport) -> html.Markup:
    fig = area_figures(r.fund, r.months)
    return html.table(
        fig[["Budget helår", "Utfall", "Förbrukningsgrad"]],
        id="budget-utfall",
        caption=f"Budget och utfall per område till {r.end} ({r.unit})",
        formats={"Förbrukningsgrad": lambda v: fmt.percent(v, ratio=True)},
    )


def budget_chart(r: FundReport):
    parts = area_figures(r.fund, r.months).drop("Totalt")
    return charts.barh(
        parts.index,
        {"Budget helår": parts["Budget helår"], f"Utfall till {r.end}": parts["Utfall"]},
        unit=r.unit,
        title=f"Budget helår och utfall till {r.end} per område ({r.unit})",
    )


def pace_sentences(figures: pd.DataFrame, manader: int) -> list[str]:
    """Which areas spend faster than the year passes, in plain Swedish."""
    share = elapsed_share(manader)
    fast = ahead_of_pace(figures, manader)
    rate = figures["Förbrukningsgrad"]
    out = [
        f"Efter {manader} av årets 12 månader har {fmt.percent(share, ratio=True)} av året "
        f"gått. Ett område som har förbrukat en större andel av sin helårsbudget än så "
        f"förbrukar snabbare än budgeterat."
    ]
    if fast:
        out.append(
            "Det gäller "
            + ", ".join(f"{a} ({fmt.percent(rate[a], ratio=True)})" for a in fast)
            + "."
        )
    else:
        out.append("Inget område förbrukar snabbare än året går.")
    nobudget = [a for a, r in rate.drop("Totalt", errors="ignore").items() if np.isnan(r)]
    if nobudget:
        out.append(
            "Utan budget i tabellen, och därför utan förbrukningsgrad: " + ", ".join(nobudget) + "."
        )
    return out


def pace(r: FundReport) -> html.Markup:
    return html.paragraph(pace_sentences(area_figures(r.fund, r.months), r.months))


def pace_chart(r: FundReport):
    parts = area_figures(r.fund, r.months).drop("Totalt")
    return charts.pace(
        parts.index,
        parts["Förbrukningsgrad"],
        elapsed_share(r.months),
        elapsed_label=f"{r.months}/12 av året",
        title=f"Förbrukningsgrad per område till {r.end} mot andel av året (%)",
    )


def forecast(r: FundReport) -> html.Markup:
    """The forecast method and table (empty at a close: the year is over)."""
    if r.months == 12:
        return html.Markup("")
    fig = area_figures(r.fund, r.months)
    return html.join(
        [
            html.paragraph([FORECAST_METHOD.format(manader=r.months)], box=True),
            html.table(
                fig[["Budget helår", "Utfall", "Prognos helår", "Budget − prognos"]],
                id="prognos",
                caption=f"Prognos för helåret per område ({r.unit}); "
                "positiv skillnad = prognosen under budget",
            ),
        ]
    )


def remaining_table(r: FundReport) -> html.Markup:
    return html.table(
        funds_by_source(r.fund),
        id="kvarvarande",
        caption=f"Kvarvarande medel {r.end} per område ({r.unit})",
    )


def remaining_chart(r: FundReport):
    kv = funds_by_source(r.fund).drop("Totalt")
    return charts.stacked_barh(
        kv.index,
        {
            "Statliga medel": kv["Varav statliga"],
            "Kommunala och övriga medel": kv["Kommunala och övriga"],
        },
        unit=r.unit,
        title=f"Kvarvarande medel {r.end} per område och källa ({r.unit})",
    )


def payouts_table(r: FundReport) -> html.Markup:
    return html.table(
        payouts(r.fund),
        id="utbetalt",
        caption=f"Utbetalt till länets kommuner till {r.end}, områden med utbetalningar ({r.unit})",
    )


def origin(r: FundReport) -> str:
    """Where the report's figures come from, in one sentence for its introduction."""
    shown = [r.fund] + r.other_tables()
    from_exports = [t for t in shown if exported(t)]
    if not from_exports:
        return (
            "Siffrorna är inskrivna exakt som de är tryckta i källan; fel i källan redovisas "
            "i avsnittet Avstämning."
        )
    files = list(dict.fromkeys(t.meta["export"].get("file", "") for t in from_exports))
    sheets = [t.meta["export"]["sheet"] for t in from_exports if t.meta["export"].get("sheet")]
    where = " och ".join(files) + (
        f" ({'bladen' if len(sheets) > 1 else 'bladet'} "
        + ", ".join(f"”{x}”" for x in sheets)
        + ")"
        if sheets
        else ""
    )
    printed = (
        " Övriga tabeller är inskrivna som de är tryckta i källan."
        if len(from_exports) < len(shown)
        else ""
    )
    return (
        f"Siffrorna är hämtade ur exporten {where}, som de står där; fel i dem redovisas i "
        f"avsnittet Avstämning.{printed}"
    )


def table_html(table: Table, numbered: list[tuple[int, Finding]], id: str) -> html.Markup:
    """A source table as printed, its flagged cells marked, with a ``Fynd`` column."""
    values, marks = statement_view(table, numbered)
    formats = {
        c: (lambda v, u=table.unit: fmt.percent(v) if u == "%" else figure(v))
        for c in table.values.columns
    }
    caption = (
        f"{table.heading} ({table.unit}), {'som i exporten' if exported(table) else 'som tryckt'}"
    )
    return html.scroll(html.table(values, id=id, caption=caption, formats=formats, marks=marks))


def other_tables(r: FundReport) -> html.Markup:
    """The period's other tables as printed, findings marked (empty when there are none)."""
    return html.join([table_html(t, r.numbered, id=f"tabell-{t.id}") for t in r.other_tables()])


# -- from one period to the next -----------------------------------------------------------


def bridge_table(r: FundReport) -> html.Markup:
    """The bridge as a table; without a preceding period, the sentence that says so."""
    if r.previous is None or r.continuity is None:
        missing = [f for f in r.findings if f.rule == "continuity_missing_period"]
        return html.paragraph([explain(f) for f in missing], box=True)
    br = bridge(r.previous, r.fund, r.continuity.data)
    return html.table(
        br.set_index("Post")[["Belopp"]],
        id="brygga",
        caption=f"Från kvarvarande medel till ingående balans ({r.unit})",
    )


def bridge_chart(r: FundReport):
    if r.previous is None or r.continuity is None:
        return None
    br = bridge(r.previous, r.fund, r.continuity.data)
    return charts.waterfall(
        br["Post"],
        br["Belopp"],
        br["Typ"],
        unit=r.unit,
        title=f"Från kvarvarande medel föregående period till ingående balans ({r.unit})",
    )


# -- reconciliation and sources ------------------------------------------------------------


def reconciliation(r: FundReport) -> html.Markup:
    """The statement as printed with its flagged cells, the explanations and the list."""
    from .finding_text import errors_html

    return html.join(
        [
            table_html(r.fund, r.numbered, id="avstamning-tabell"),
            findings_html(r.numbered, r.all_tables),
            errors_html(r.findings),
        ]
    )


def sources(r: FundReport) -> html.Markup:
    """One line per source table, and the mapping between the periods."""
    tables = [r.fund] + [t for t in r.tables.values() if t is not r.fund]
    tables += [r.previous] if r.previous is not None else []
    lines = [
        (
            f"{t.meta['document_title']}: ”{t.heading}” ({t.document})"
            if t.meta.get("document_title")
            else f"{t.document}: ”{t.heading}”"  # no title: the document once, not twice
        )
        + (
            f", importerad från {where_exported(t)} till {t.source_file}"
            if exported(t)
            else f", avskriven i {t.source_file}"
        )
        for t in tables
    ]
    if r.continuity is not None and r.continuity.source is not None:
        lines.append(f"Mappning mellan perioderna: {r.continuity.path}")
    elif r.continuity is not None:
        lines.append("Områdena följs mellan perioderna under samma namn (ingen mappningsfil).")
    return html.items(lines)


def summary(r: FundReport) -> str:
    """What the period's reconciliation found, in one line for the reader's index."""
    return count_line(r.findings)
