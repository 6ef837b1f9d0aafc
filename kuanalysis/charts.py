"""Charts in one house style: Swedish number formatting, readable in greyscale, titled.

Every chart says what it shows (title with unit and date) and is drawn so it survives a
black-and-white printer: distinct grey levels plus hatching, direct labels where they fit.
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import fmt

#: Grey-safe palette (dark to light) and hatches, used in this order.
COLORS = ["#1f4e79", "#8fb3d9", "#4d4d4d", "#c7c7c7", "#b35806", "#fdb863"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo"]


def style() -> None:
    """House style; call once per notebook (deterministic fonts, no timestamps in output)."""
    mpl.rcParams.update({
        "figure.figsize": (8, 4.2), "figure.dpi": 110, "savefig.dpi": 150,
        "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold",
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True,
        "legend.frameon": False, "axes.formatter.use_locale": False,
        "svg.hashsalt": "kuanalysis", "hatch.linewidth": 0.6,
    })


def barh(labels, series: dict, *, title: str, unit: str, decimals: int = 0, ax=None,
         xlabel: str | None = None):
    """Horizontal grouped bars: one group per label, one bar per series (name -> values)."""
    labels = list(labels)
    n = len(series)
    ax = ax or plt.subplots(figsize=(8, 0.45 * len(labels) * max(1, n) ** 0.5 + 1.2))[1]
    y = np.arange(len(labels))
    height = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        ax.barh(y - 0.4 + height * (i + 0.5), values, height, label=name,
                color=COLORS[i % len(COLORS)], hatch=HATCHES[i % len(HATCHES)],
                edgecolor="black", linewidth=0.4)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if n > 1:
        ax.legend(loc="lower right")
    ax.figure.tight_layout()
    return ax


def panels_barh(labels, panels: dict, *, title: str, unit: str, decimals: int = 0,
                reference: float | None = 0.0):
    """Small multiples: one horizontal bar panel per entry (panel title -> values), side by side.

    The panels share the row labels but each has its own x scale, so a panel with large
    values does not flatten the others. ``reference`` draws a vertical line (e.g. at 0).
    Values that are NaN leave the bar out (a blank is not a zero).
    """
    labels = list(labels)
    n = len(panels)
    fig, axes = plt.subplots(1, n, sharey=True, squeeze=False,
                             figsize=(max(8, 2.6 * n), 0.32 * len(labels) + 1.6))
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
    return axes[0]


def lines(x, series: dict, *, title: str, unit: str, decimals: int = 0, ax=None,
          xlabel: str | None = None, zero_line: bool = True):
    """Lines over time, one per series (name -> values), told apart by marker and dash too.

    ``zero_line`` draws y = 0, so a balance that goes below zero is seen at once.
    """
    ax = ax or plt.subplots(figsize=(8, 4.2))[1]
    markers = ["o", "s", "^", "D", "v", "x"]
    dashes = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1))]
    x = list(x)
    for i, (name, values) in enumerate(series.items()):
        ax.plot(x, list(values), label=name, color=COLORS[i % len(COLORS)],
                marker=markers[i % len(markers)], linestyle=dashes[i % len(dashes)],
                linewidth=1.6, markersize=5)
    if zero_line:
        ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(fmt.axis_formatter(unit, decimals))
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if len(series) > 1:
        ax.legend(loc="best")
    ax.figure.tight_layout()
    return ax
