"""The overview page: which reports exist, what the reconciliation found per document, the
source tables and the municipalities."""

from __future__ import annotations

import re

import pandas as pd

from .. import paths
from ..checks.continuity import links, mapped
from ..checks.findings import Findings, status_counts
from ..data.load import load_all
from ..data.periods import periods, preceding
from ..data.table import Table
from ..errors import ParameterError
from . import charts, fmt, html
from .finding_text import count_line


def check(parameters) -> None:
    """The renderer's check before anything runs (notebook metadata ``check``): ``data_dir``
    is a folder of source tables (read, so a faulty table stops the run), the population
    table among them.

    Raises
    ------
    kuanalysis.errors.InputError
        A file or empty folder, a folder without the population table, or a table's faults.
    """
    given = str(parameters.get("data_dir", "data/raw"))
    folder = paths.project_input(given, "parametern data_dir")
    wanted = "en mapp med källtabeller, t.ex. data/raw"
    if not folder.is_dir():
        raise ParameterError(f"parametern data_dir: {given} är en fil; väntade {wanted}")
    tables = load_all(folder)
    if not tables:
        raise ParameterError(
            f"parametern data_dir: mappen {given} har inga källtabeller (csv- eller xlsx-filer "
            f"med en yaml-fil bredvid); väntade {wanted}"
        )
    if not any(t.kind == "population" for t in tables.values()):
        raise ParameterError(
            f"parametern data_dir: mappen {given} saknar befolkningstabellen (en tabell med "
            f"kind: population, som referens/kommuner-befolkning); väntade {wanted}"
        )


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
        elif mine:  # a title with fields ({{titel}}) is filled in per file: name the report
            name_ = " ".join(re.sub(r"\{\{[^}]*\}\}", " ", report.title).split()).strip(":–-, ")
            label = name_ or name.replace("-", " ").capitalize()
            entries.append(html.link("index.html", label))
    return html.element("ul", *(html.element("li", e) for e in entries), class_="rapportlista")


def findings_per_document(findings: Findings, tables: dict[str, Table]) -> html.Markup:
    counts = status_counts(findings, document_titles(tables))
    return html.table(
        counts,
        id="fynd-per-dokument",
        caption=f"Fynd per källdokument ({fmt.number(len(findings))} sammanlagt)",
    )


def inventory(tables: dict[str, Table]) -> pd.DataFrame:
    """One line per source table: document, heading, unit, kind, printed figures, blank cells."""
    kinds = {
        "fund_statement": "fondredovisning",
        "fee_matrix": "avgiftsmatris",
        "share_table": "andelstabell",
        "amount_table": "beloppstabell",
        "amount_by_kommun": "belopp per kommun",
        "budget_followup": "budgetuppföljning",
        "claims": "belopp i löptexten",
        "population": "befolkning",
    }
    rows = []
    for t in tables.values():
        rows.append(
            {
                "Dokument": t.meta.get("document_title", t.document),
                "Tabell": t.heading,
                "Enhet": t.unit,
                "Slag": kinds.get(t.kind, t.kind),
                "Tryckta tal": int(t.values.notna().sum().sum()),
                "Tomma celler": int(t.values.isna().sum().sum()),
            }
        )
    return pd.DataFrame(rows).sort_values(["Dokument", "Tabell"], kind="stable").set_index("Tabell")


def document_titles(tables: dict[str, Table]) -> dict[str, str]:
    """Source document file name -> its title, as the sidecars give them."""
    return {t.document: t.meta.get("document_title", t.document) for t in tables.values()}


def inventory_table(tables: dict[str, Table]) -> html.Markup:
    frame = inventory(tables)
    return html.table(
        frame,
        id="kalltabeller",
        caption=f"{len(frame)} källtabeller med "
        f"sammanlagt {fmt.number(frame['Tryckta tal'].sum())} tryckta tal",
    )


def population_chart(tables: dict[str, Table], date: str = "2024-12-31"):
    """Population per municipality on one date, largest first."""
    population = next(t for t in tables.values() if t.kind == "population")
    label = population.column("befolkning_" + date.replace("-", "_"))
    pop = population.values[label].sort_values(ascending=False)
    return charts.barh(
        pop.index,
        {f"Folkmängd {date}": pop},
        unit="",
        title=f"Folkmängd per kommun den {fmt.long_date(date)} (antal invånare)",
    )


# -- the areas across the periods ----------------------------------------------------------


def areas_over_time(tables: dict[str, Table], specs=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remaining funds and spending rate of each area in every period, oldest period first.

    An area is followed from one period to the next under its own label, or through a rename
    in the continuity mapping of their year boundary (among ``specs``); a split ends the old
    area and starts the new ones.
    Rows carry each area's latest label, in the newest period's order, then areas that ended.

    Returns
    -------
    (remaining, rate)
        Index area, one column per period (its short name, ``2024 T2``): kvarvarande as printed (NaN = blank or
        no such area then), and utfall / budget (NaN without a budget).
    """
    every = [p for p in periods() if p.table in tables]
    renames: dict[tuple[str, str], dict[str, str]] = {}
    mappings = [s for s in specs if "checks" not in s.data]  # not the cross-check files
    for s in links(every, mappings)[0]:
        a, b = s.data["from"]["table"], s.data["to"]["table"]
        groups, _ = mapped(s.data, tables[a], tables[b])
        renames[(a, b)] = {f[0]: t[0] for f, t in groups if len(f) == 1 and len(t) == 1}
    latest: dict[tuple[str, str], str] = {}  # (table, label) -> the area's latest label
    for p in reversed(every):
        t = tables[p.table]
        q = preceding(p, every)
        for r in t.rows_with_role("area"):
            latest.setdefault((p.table, r), r)
        if q is not None:
            mapping = renames.get((q.table, p.table))
            for r in tables[q.table].rows_with_role("area"):
                new = mapping.get(r) if mapping is not None else r
                if new is not None and new in t.rows_with_role("area"):
                    latest[(q.table, r)] = latest[(p.table, new)]
    remaining: dict[str, dict[str, float]] = {}
    rate: dict[str, dict[str, float]] = {}
    for p in every:
        t = tables[p.table]
        kv, bu, ut = (t.column(k) for k in ("kvarvarande", "budget", "utfall"))
        for r in t.rows_with_role("area"):
            name = latest[(p.table, r)]
            remaining.setdefault(name, {})[p.short] = t.values.at[r, kv] if kv else float("nan")
            b = t.values.at[r, bu] if bu else float("nan")
            u = t.values.at[r, ut] if ut else float("nan")
            rate.setdefault(name, {})[p.short] = (
                u / b if b == b and u == u and b != 0 else float("nan")
            )
    order = (
        list(
            dict.fromkeys(
                [
                    latest[(every[-1].table, r)]
                    for r in tables[every[-1].table].rows_with_role("area")
                ]
                + list(remaining)
            )
        )
        if every
        else []
    )
    columns = [p.short for p in every]
    frame = pd.DataFrame.from_dict(remaining, orient="index").reindex(index=order, columns=columns)
    rates = pd.DataFrame.from_dict(rate, orient="index").reindex(index=order, columns=columns)
    frame.index.name = rates.index.name = "Område"
    return frame, rates


def areas_over_time_tables(tables: dict[str, Table], specs=()) -> html.Markup:
    """The two tables of :func:`areas_over_time` (empty with fewer than two periods)."""
    remaining, rate = areas_over_time(tables, specs)
    if remaining.shape[1] < 2:
        return html.Markup("")
    unit = next(t.unit for t in tables.values() if t.kind == "fund_statement")
    return html.join(
        [
            html.scroll(
                html.table(
                    remaining,
                    id="omraden-kvarvarande",
                    caption=f"Kvarvarande medel vid periodens slut per område ({unit})",
                )
            ),
            html.scroll(
                html.table(
                    rate,
                    id="omraden-forbrukningsgrad",
                    caption="Förbrukningsgrad (utfall i procent av helårsbudgeten) "
                    "per område och period",
                    default=lambda v: fmt.percent(v, ratio=True),
                )
            ),
        ]
    )


def areas_over_time_chart(tables: dict[str, Table], specs=()):
    """Small multiples: remaining funds of each area over the periods (None with fewer than two)."""
    remaining, _ = areas_over_time(tables, specs)
    if remaining.shape[1] < 2:
        return None
    unit = next(t.unit for t in tables.values() if t.kind == "fund_statement")
    return charts.small_multiples(
        list(remaining.columns),
        {a: remaining.loc[a].to_numpy(dtype=float) for a in remaining.index},
        title=f"Kvarvarande medel per område vid varje periods slut ({unit})",
        unit=unit,
    )


def summary(findings, tables: dict[str, Table]) -> str:
    """The overview in one line for the reader's index: tables read and what they showed."""
    return f"{fmt.number(len(tables))} källtabeller; {count_line(findings)}"
