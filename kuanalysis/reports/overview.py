"""The overview page: which reports exist, what the reconciliation found per document, the
source tables and the municipalities."""
from __future__ import annotations

import pandas as pd

from ..checks.findings import Findings, status_counts
from ..data.table import Table
from . import charts, fmt, html


def report_list(reports, jobs) -> html.Markup:
    """The suite's reports as a list of relative links, in the order of ``reports``.

    Each report file at the top of the reports folder is listed; a report whose files lie in
    a subfolder (the kommunblad, one per municipality) is listed once, linking the index.
    """
    entries = []
    for name, report in reports.items():
        mine = [j for j in jobs if j.report == name]
        top = [j for j in mine if "/" not in j.output]
        if top:
            entries += [html.link(j.output, j.title) for j in top]
        elif mine:
            entries.append(html.link("index.html", report.title))
    return html.element("ul", *(html.element("li", e) for e in entries), class_="rapportlista")


def findings_per_document(findings: Findings, tables: dict[str, Table]) -> html.Markup:
    counts = status_counts(findings, document_titles(tables))
    return html.table(counts, id="fynd-per-dokument",
                      caption=f"Fynd per källdokument ({fmt.number(len(findings))} sammanlagt)")


def inventory(tables: dict[str, Table]) -> pd.DataFrame:
    """One line per source table: document, heading, unit, kind, printed figures, blank cells."""
    kinds = {"fund_statement": "fondredovisning", "fee_matrix": "avgiftsmatris",
             "share_table": "andelstabell", "amount_table": "beloppstabell",
             "amount_by_kommun": "belopp per kommun", "budget_followup": "budgetuppföljning",
             "claims": "belopp i löptexten", "population": "befolkning"}
    rows = []
    for t in tables.values():
        rows.append({
            "Dokument": t.meta.get("document_title", t.document),
            "Tabell": t.heading,
            "Enhet": t.unit,
            "Slag": kinds.get(t.kind, t.kind),
            "Tryckta tal": int(t.values.notna().sum().sum()),
            "Tomma celler": int(t.values.isna().sum().sum()),
        })
    return pd.DataFrame(rows).sort_values(["Dokument", "Tabell"], kind="stable").set_index("Tabell")


def document_titles(tables: dict[str, Table]) -> dict[str, str]:
    """Source document file name -> its title, as the sidecars give them."""
    return {t.document: t.meta.get("document_title", t.document) for t in tables.values()}


def inventory_table(tables: dict[str, Table]) -> html.Markup:
    frame = inventory(tables)
    return html.table(frame, id="kalltabeller", caption=f"{len(frame)} källtabeller med "
                      f"sammanlagt {fmt.number(frame['Tryckta tal'].sum())} tryckta tal")


def population_chart(tables: dict[str, Table], date: str = "2024-12-31"):
    """Population per municipality on one date, largest first."""
    population = next(t for t in tables.values() if t.kind == "population")
    label = population.column("befolkning_" + date.replace("-", "_"))
    pop = population.values[label].sort_values(ascending=False)
    return charts.barh(pop.index, {f"Folkmängd {date}": pop}, unit="",
                       title=f"Folkmängd per kommun den {_long_date(date)} (antal invånare)")


def _long_date(date: str) -> str:
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    y, m, d = (int(x) for x in date.split("-"))
    return f"{d} {months[m - 1]} {y}"
