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
