"""Charts in one house style: Swedish number formatting, readable in greyscale, titled.

Every chart says what it shows (title with unit and date) and is drawn so it survives a
black-and-white printer: distinct grey levels plus hatching, direct labels where they fit.
Every chart also says it in words: the function that draws it writes a Swedish alt text of
its own (what kind of chart, what it shows, its main figures) with :func:`describe`; the
notebook's output carries it as the image's ``alt`` metadata, and the exporter puts it in
``<img alt>`` through :mod:`kuanalysis.reports.html`.
"""

from __future__ import annotations

import re

import numpy as np

from . import fmt


def _subplots(*args, **kwargs):
    """``plt.subplots``, importing pyplot only when a chart is drawn (the renderer imports
    this module to plan reports, and pyplot takes half a second to import)."""
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def describe(fig, text: str) -> None:
    """Give ``fig`` its alt text: what the chart shows, in Swedish.

    The text rides with the figure's display: IPython merges the metadata of the figure's
    ``_repr_mimebundle_`` with the PNG the inline backend draws, so the notebook's output
    holds ``{"image/png": {"alt": text}}``.
    """
    text = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()  # no-break spaces stay
    fig.ku_alt = text

    def bundle(include=None, exclude=None):
        return {}, {"image/png": {"alt": text}}

    fig._repr_mimebundle_ = bundle


def alt_text(fig) -> str | None:
    """The alt text :func:`describe` gave ``fig`` (None: none)."""
    return getattr(fig, "ku_alt", None)


def _value(v: float, unit: str, decimals: int) -> str:
    """A figure as the alt text says it: ``81 %``, ``1 234 tkr``, ``0,04``."""
    if unit == "%":
        return fmt.percent(v, decimals)
    text = fmt.number(v, decimals)
    return f"{text}{fmt.NBSP}{unit}" if unit else text


def extremes(labels, values, unit: str, decimals: int = 0) -> str:
    """``högst A 81 %, lägst B 12 %`` over the values that are not blank (NaN).

    One value gives ``A 81 %``; none gives ``inga värden``. Ties go to the first label.
    """
    pairs = [
        (str(lab), float(v))
        for lab, v in zip(labels, values)
        if v is not None and not np.isnan(float(v))
    ]
    if not pairs:
        return "inga värden"
    if len(pairs) == 1:
        return f"{pairs[0][0]} {_value(pairs[0][1], unit, decimals)}"
    hi = max(pairs, key=lambda p: p[1])
    lo = min(pairs, key=lambda p: p[1])
    return (
        f"högst {hi[0]} {_value(hi[1], unit, decimals)}, "
        f"lägst {lo[0]} {_value(lo[1], unit, decimals)}"
    )


def _strip_unit(title: str) -> str:
    return title.rstrip(". ")


#: Grey-safe palette (dark to light) and hatches, used in this order.
COLORS = ["#1f4e79", "#8fb3d9", "#4d4d4d", "#c7c7c7", "#b35806", "#fdb863"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo"]


def style() -> None:
    """House style; call once per notebook (deterministic fonts, no timestamps in output)."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4.2),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.6,
            "axes.axisbelow": True,
            "legend.frameon": False,
            "axes.formatter.use_locale": False,
            "svg.hashsalt": "kuanalysis",
            "hatch.linewidth": 0.6,
        }
    )


def barh(
    labels,
    series: dict,
    *,
    title: str,
    unit: str,
    decimals: int = 0,
    ax=None,
    xlabel: str | None = None,
):
    """Horizontal grouped bars: one group per label, one bar per series (name -> values)."""
    labels = list(labels)
    n = len(series)
    ax = ax or _subplots(figsize=(8, 0.45 * len(labels) * max(1, n) ** 0.5 + 1.2))[1]
    y = np.arange(len(labels))
    height = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        ax.barh(
            y - 0.4 + height * (i + 0.5),
            values,
            height,
            label=name,
            color=COLORS[i % len(COLORS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.4,
        )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if n > 1:
        ax.legend(loc="lower right")
    ax.figure.tight_layout()
    parts = [
        (f"{name}: " if n > 1 else "") + extremes(labels, values, unit, decimals)
        for name, values in series.items()
    ]
    describe(ax.figure, f"Liggande stapeldiagram: {_strip_unit(title)}. " + "; ".join(parts) + ".")
    return ax


def panels_barh(
    labels, panels: dict, *, title: str, unit: str, decimals: int = 0, reference: float | None = 0.0
):
    """Small multiples: one horizontal bar panel per entry (panel title -> values), side by side.

    The panels share the row labels but each has its own x scale, so a panel with large
    values does not flatten the others. ``reference`` draws a vertical line (e.g. at 0).
    Values that are NaN leave the bar out (a blank is not a zero).
    """
    labels = list(labels)
    n = len(panels)
    fig, axes = _subplots(
        1, n, sharey=True, squeeze=False, figsize=(max(8, 2.6 * n), 0.32 * len(labels) + 1.6)
    )
    y = np.arange(len(labels))
    for ax, (name, values) in zip(axes[0], panels.items()):
        values = np.asarray(values, dtype=float)
        ax.barh(y, values, 0.7, color=COLORS[0], edgecolor="black", linewidth=0.4)
        if reference is not None:
            ax.axvline(reference, color="black", linewidth=0.8)
        ax.set_title(name, loc="left", fontsize=9, fontweight="normal", wrap=True)
        ax.xaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
        ax.tick_params(axis="x", labelsize=8)
        ax.locator_params(axis="x", nbins=3)
    axes[0][0].set_yticks(y, labels)
    axes[0][0].invert_yaxis()
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    parts = [
        f"{name}: {extremes(labels, values, unit, decimals)}" for name, values in panels.items()
    ]
    describe(
        fig,
        f"Liggande stapeldiagram i {n} {'del' if n == 1 else 'delar'}: {_strip_unit(title)}. "
        + "; ".join(parts)
        + ".",
    )
    return axes[0]


def sweep(frame, variable: str, uprating: bool):
    """A sweep (:func:`kuanalysis.fees.whatif.sweep`): the balance account at the end of the
    last year and the invoiced total of the year shown, in mnkr, against the swept value
    (mnkr for a post, per cent for the uprating)."""
    last, year = int(frame["sista_år"].iloc[0]), int(frame["år"].iloc[0])
    x = [int(v) / 100 if uprating else int(v) / 1e6 for v in frame["värde"]]
    return lines(
        x,
        {
            f"Balanskontot vid slutet av {last}": frame["balanskonto_kr"] / 1e6,
            f"Fakturerat {year}": frame["summa_kr"] / 1e6,
        },
        unit="mnkr",
        decimals=1,
        xlabel=("uppräkning per år, %" if uprating else f"{variable}, mnkr"),
        title=f"Svep: {variable} (mnkr)",
    )


def lines(
    x,
    series: dict,
    *,
    title: str,
    unit: str,
    decimals: int = 0,
    ax=None,
    xlabel: str | None = None,
    zero_line: bool = True,
):
    """Lines over time, one per series (name -> values), told apart by marker and dash too.

    ``zero_line`` draws y = 0, so a balance that goes below zero is seen at once.
    """
    ax = ax or _subplots(figsize=(8, 4.2))[1]
    markers = ["o", "s", "^", "D", "v", "x"]
    dashes = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1))]
    x = list(x)
    for i, (name, values) in enumerate(series.items()):
        ax.plot(
            x,
            list(values),
            label=name,
            color=COLORS[i % len(COLORS)],
            marker=markers[i % len(markers)],
            linestyle=dashes[i % len(dashes)],
            linewidth=1.6,
            markersize=5,
        )
    if zero_line:
        ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ticks = x[:: max(1, -(-len(x) // 12))]  # at most 12 labels, with a decimal comma
    ax.set_xticks(ticks, [str(v).replace(".", ",") for v in ticks])
    ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if len(series) > 1:
        ax.legend(loc="best")
    ax.figure.tight_layout()
    describe(ax.figure, _lines_alt(x, series, title, unit, decimals))
    return ax


def _x_text(v) -> str:
    return str(v).replace(".", ",")


def _lines_alt(x, series: dict, title: str, unit: str, decimals: int) -> str:
    """``Linjediagram: title, x0–xn. name: från a till b, lägst c (x).``"""
    parts = []
    for name, values in series.items():
        values = [float(v) for v in values]
        shown = [(xi, v) for xi, v in zip(x, values) if not np.isnan(v)]
        if not shown:
            parts.append(f"{name}: inga värden")
            continue
        text = (
            f"{name}: från {_value(shown[0][1], unit, decimals)} "
            f"till {_value(shown[-1][1], unit, decimals)}"
        )
        low = min(shown, key=lambda p: p[1])
        if low not in (shown[0], shown[-1]):
            text += f", lägst {_value(low[1], unit, decimals)} vid {_x_text(low[0])}"
        parts.append(text)
    span = f", {_x_text(x[0])}–{_x_text(x[-1])}" if x else ""
    if span[2:] in title:  # the title says it already
        span = ""
    return f"Linjediagram: {_strip_unit(title)}{span}. " + "; ".join(parts) + "."


# -- fund reports (bokslut, tertial): appended for kuanalysis.report_fund ------------------


def _bar_labels(ax, bars, values, unit, decimals, horizontal=True):
    """Write each bar's value at its end (blank bars get no label)."""
    for bar, v in zip(bars, values):
        if v is None or np.isnan(v):
            continue
        text = fmt.number(v, decimals)
        if horizontal:
            x = bar.get_x() + bar.get_width()
            ax.annotate(
                text,
                (x, bar.get_y() + bar.get_height() / 2),
                xytext=(3 if v >= 0 else -3, 0),
                textcoords="offset points",
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=8,
            )
        else:
            y = bar.get_y() + bar.get_height()
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, y),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )


def pace(labels, rates, elapsed: float, *, title: str, elapsed_label: str):
    """Spending rate per area (a share, 0.64 = 64 %) against the share of the year passed.

    Bars are the rates; the dashed vertical line is ``elapsed``. A bar past the line spends
    faster than the year goes. NaN (no budget) leaves the bar out and says so in the label.
    """
    labels = list(labels)
    rates = np.asarray(rates, dtype=float)
    shown = [f"{lab} (ingen budget)" if np.isnan(r) else lab for lab, r in zip(labels, rates)]
    fig, ax = _subplots(figsize=(8, 0.38 * len(labels) + 1.4))
    y = np.arange(len(labels))
    over = np.where(np.isnan(rates), False, rates > elapsed)
    colors = [COLORS[0] if o else COLORS[3] for o in over]
    hatches = ["//" if o else "" for o in over]
    bars = ax.barh(
        y,
        np.nan_to_num(rates * 100, nan=0.0),
        0.7,
        color=colors,
        hatch=hatches,
        edgecolor="black",
        linewidth=0.4,
    )
    _bar_labels(ax, bars, [r * 100 for r in rates], "%", 0)
    ax.axvline(elapsed * 100, color="black", linestyle="--", linewidth=1.2)
    ax.annotate(
        elapsed_label,
        (elapsed * 100, -0.6),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        va="bottom",
    )
    ax.set_yticks(y, shown)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(fmt.axis_formatter("%", 0))
    ax.set_title(title, loc="left")
    ax.set_xlim(0, max(110.0, np.nanmax(np.append(rates * 100, 0)) * 1.12))
    ax.set_xlabel(
        "Förbrukningsgrad (utfall i procent av helårsbudget); "
        "mörk, streckad stapel = snabbare än året"
    )
    fig.tight_layout()
    fast = int(over.sum())
    counted = int((~np.isnan(rates)).sum())
    describe(
        fig,
        f"Stapeldiagram: {_strip_unit(title)}; förbrukning i procent av helårsbudget per "
        f"område, {extremes(labels, rates * 100, '%')}. Linjen vid "
        f"{fmt.percent(elapsed, ratio=True)} är {elapsed_label}; {fast} av {counted} "
        f"områden förbrukar snabbare än året går.",
    )
    return ax


def stacked_barh(labels, series: dict, *, title: str, unit: str, decimals: int = 0):
    """Horizontal stacked bars (name -> values); negatives stack to the left of zero.

    NaN draws no segment (a blank is not a zero; say so in the text beside the chart).
    """
    labels = list(labels)
    fig, ax = _subplots(figsize=(8, 0.38 * len(labels) + 1.6))
    y = np.arange(len(labels))
    pos, neg = np.zeros(len(labels)), np.zeros(len(labels))
    for i, (name, values) in enumerate(series.items()):
        v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        left = np.where(v >= 0, pos, neg)
        ax.barh(
            y,
            v,
            0.7,
            left=left,
            label=name,
            color=COLORS[i % len(COLORS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.4,
        )
        pos, neg = pos + np.where(v > 0, v, 0), neg + np.where(v < 0, v, 0)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right")
    fig.tight_layout()
    totals = np.nansum(np.array([np.asarray(v, dtype=float) for v in series.values()]), axis=0)
    describe(
        fig,
        f"Staplat liggande stapeldiagram: {_strip_unit(title)}, delarna "
        f"{' och '.join(series)}. Summa per rad: {extremes(labels, totals, unit, decimals)}.",
    )
    return ax


def waterfall(labels, amounts, kinds, *, title: str, unit: str, decimals: int = 0):
    """A bridge: full bars for ``start``/``slut``, floating bars for each ``steg``.

    Increases and decreases differ by grey level and hatch, each bar carries its value, so
    the chart reads in greyscale.
    """
    labels, amounts, kinds = list(labels), [float(a) for a in amounts], list(kinds)
    fig, ax = _subplots(figsize=(max(8, 0.9 * len(labels) + 2), 4.8))
    level, bottoms, heights, colors, hatches = 0.0, [], [], [], []
    for a, k in zip(amounts, kinds):
        if k in ("start", "slut"):
            bottoms.append(0.0)
            heights.append(a)
            colors.append(COLORS[0])
            hatches.append("")
            level = a
        else:
            bottoms.append(level)
            heights.append(a)
            colors.append(COLORS[3] if a >= 0 else COLORS[2])
            hatches.append("" if a >= 0 else "//")
            level += a
    x = np.arange(len(labels))
    ax.bar(
        x,
        heights,
        0.6,
        bottom=bottoms,
        color=colors,
        hatch=hatches,
        edgecolor="black",
        linewidth=0.4,
    )
    for xi, b, h, k in zip(x, bottoms, heights, kinds):
        text = fmt.number(h, decimals, sign=(k == "steg"))
        ax.annotate(
            text,
            (xi, max(b, b + h)),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(x, [fmt_wrap(lab) for lab in labels], fontsize=8)
    ax.yaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ax.set_title(title, loc="left")
    ends = [h for h, k in zip(heights, kinds) if k != "steg"]
    lo = min(min(bottoms[i] + min(0, heights[i]) for i in range(len(x))), 0)
    hi = max(b + max(h, 0) for b, h in zip(bottoms, heights))
    if ends and kinds.count("steg"):
        # the steps are small next to the totals: zoom the axis so they can be seen,
        # and say so (the bars then do not start at zero)
        span = max(abs(a) for a, k in zip(amounts, kinds) if k == "steg")
        base = min(
            min(ends), min(b + min(h, 0) for b, h, k in zip(bottoms, heights, kinds) if k == "steg")
        )
        lo = max(lo, base - 4 * span)
        ax.set_ylabel("Obs: axeln börjar inte på noll")
    ax.set_ylim(lo, hi + (hi - lo) * 0.08)
    fig.tight_layout()
    describe(fig, _waterfall_alt(labels, amounts, kinds, title, unit, decimals))
    return ax


def _waterfall_alt(labels, amounts, kinds, title: str, unit: str, decimals: int) -> str:
    """``Vattenfallsdiagram: title. Från A x till B y i n steg; störst S +z.``"""
    ends = [(lab, a) for lab, a, k in zip(labels, amounts, kinds) if k != "steg"]
    steps = [(lab, a) for lab, a, k in zip(labels, amounts, kinds) if k == "steg"]
    text = f"Vattenfallsdiagram: {_strip_unit(title)}."
    if len(ends) >= 2:
        text += (
            f" Från {ends[0][0]} {_value(ends[0][1], unit, decimals)} "
            f"till {ends[-1][0]} {_value(ends[-1][1], unit, decimals)}"
        )
    if steps:
        big = max(steps, key=lambda p: abs(p[1]))
        word = "steg" if len(steps) == 1 else f"{len(steps)} steg"
        sign = fmt.number(big[1], decimals, sign=True)
        text += f" via {word}; störst {big[0]} {sign}{fmt.NBSP if unit else ''}{unit}"
    elif len(ends) >= 2:
        text += " utan steg emellan"
    return text.rstrip(".") + "."


def fmt_wrap(text: str, width: int = 16) -> str:
    """Break a long label into lines of about ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def small_multiples(
    x,
    series: dict,
    *,
    title: str,
    unit: str,
    decimals: int = 0,
    columns: int = 4,
    each: str = "område",
):
    """One small line chart per series (name -> values over ``x``), each with its own scale.

    ``each`` names what a series is, for the alt text (``ett per område``).

    For trends of many areas at once: thirteen lines in one chart cannot be told apart in
    greyscale, thirteen small panels can. NaN leaves a gap (a blank is not a zero).
    """
    names = list(series)
    rows = max(1, -(-len(names) // columns))
    fig, axes = _subplots(rows, columns, squeeze=False, figsize=(8, 1.9 * rows + 0.8))
    positions = np.arange(len(x))
    for ax, name in zip(axes.flat, names):
        values = np.asarray(series[name], dtype=float)
        if np.isnan(values).all():
            ax.text(
                0.5,
                0.5,
                "inga tryckta tal",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
            )
            ax.set_yticks([])
        else:
            ax.plot(positions, values, color=COLORS[0], marker="o", markersize=4, linewidth=1.4)
            ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(fmt_wrap(name, 28), loc="left", fontsize=8, fontweight="normal")
        ax.set_xticks(positions, [fmt_wrap(str(v), 14) for v in x], fontsize=7)
        ax.yaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
        ax.tick_params(axis="y", labelsize=7)
        ax.locator_params(axis="y", nbins=3)
        ax.set_xlim(-0.4, len(x) - 0.6)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    parts = []
    for name in names:
        shown = [float(v) for v in series[name] if not np.isnan(float(v))]
        if not shown:
            parts.append(f"{name}: inga tryckta tal")
        elif len(shown) == 1:
            parts.append(f"{name}: {_value(shown[0], unit, decimals)}")
        else:
            parts.append(
                f"{name}: från {_value(shown[0], unit, decimals)} "
                f"till {_value(shown[-1], unit, decimals)}"
            )
    span = f" {x[0]}–{x[-1]}" if len(x) > 1 else ""
    describe(
        fig,
        f"{len(names)} små linjediagram, ett per {each}{span}: {_strip_unit(title)}. "
        + "; ".join(parts)
        + ".",
    )
    return axes
