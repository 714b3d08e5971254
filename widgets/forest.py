"""One dot-and-whisker builder for every forest-type figure in the book.

A :class:`Dot` is one estimate with its interval; :func:`dots` draws a group of them
as one trace: one colour, a symbol per dot, whiskers where there is an interval, and
open markers for less certain values (no sample size, the middle of a range).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import plotly.graph_objects as go

from .options import Option


class Dot(NamedTuple):
    """One plotted estimate: position, optional interval, hover text and marker."""

    x: float
    y: Any
    low: float | None
    high: float | None
    hover: str
    symbol: str = "circle"
    hollow: bool = False


def _arm(edge: float | None, x: float) -> float | None:
    """Length of one whisker arm, rounded, or None where there is no interval."""
    return None if edge is None else round(abs(edge - x), 2)


def dots(
    name: str, group: Sequence[Dot], colour: str, cap: int = 0, size: int = 12, **trace: Any
) -> go.Scatter:
    """One trace of ``group`` in ``colour``; ``cap``: whisker end width (px); ``trace``: more."""
    trace.setdefault("cliponaxis", False)
    return go.Scatter(
        x=[round(dot.x, 2) for dot in group],
        y=[dot.y for dot in group],
        mode="markers",
        name=name,
        hovertext=[dot.hover for dot in group],
        hoverinfo="text",
        marker={
            "size": size,
            "color": colour,
            "symbol": [f"{dot.symbol}-open" if dot.hollow else dot.symbol for dot in group],
            "line": {"width": 1.5, "color": colour},
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [_arm(dot.high, dot.x) for dot in group],
            "arrayminus": [_arm(dot.low, dot.x) for dot in group],
            "color": colour,
            "thickness": 2,
            "width": cap,
        },
        **trace,
    )


FILLED_KEY = "Filled marker, bar: n known, 95% interval"
#: Shorter wordings of the forest plots' legend keys, where space is short.
SHORT_KEYS = {
    FILLED_KEY: "Filled, bar: n known, 95% CI",
    "Open marker: n not given, no interval": "Open: n not given, no interval",
    "Open marker: n per arm not given, no interval": "Open: n per arm not given",
}


def legend_key(name: str, symbol: str, colour: str, **trace: Any) -> go.Scatter:
    """A legend-only entry that explains a marker (no data, no hover)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        hoverinfo="skip",
        marker={"symbol": symbol, "size": 11, "color": colour, "line": {"color": colour}},
        **trace,
    )


ROW_HEIGHT = 36  # pixels per row of a forest plot
TOP = 150  # pixels above the plot: title and two rows of controls


def percent_layout(
    fig: go.Figure,
    rows: int,
    title: str,
    x: dict[str, Any],
    legend: str,
    bottom: int,
    **y: Any,
) -> None:
    """Lay out a forest plot of ``rows`` rows on a percent axis, each row at a fixed height.

    ``x``: the axis ``range`` and ``title``; ``legend``: the legend title; ``bottom``:
    pixels below the plot; ``y``: more y-axis settings.
    """
    plot_height = ROW_HEIGHT * rows + 10
    fig.update_layout(
        height=plot_height + TOP + bottom,
        title={"text": title, "xref": "container", "y": 0.995},
        xaxis={
            "range": x["range"],
            "title": {"text": x["title"], "standoff": 8},
            "ticksuffix": "%",
            "dtick": 10,
        },
        yaxis={"automargin": True, "showgrid": True, "tickfont": {"size": 12}, **y},
        legend={"y": -75 / plot_height, "yanchor": "top", "title": {"text": legend}},
        margin={"t": TOP, "b": bottom, "l": 10, "r": 15},
    )


def sort_buttons(sorts: dict[str, str], default: str) -> Option:
    """The sort control (``sorts``: order -> label), a row of buttons first on ``default``."""
    return Option(tuple(sorts), "Sort", default, "buttons", tuple(sorts.values()), {"above": 8})
