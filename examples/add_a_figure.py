"""Add a figure: a small, complete figure, as CONTRIBUTING.md's "Add a figure" describes.

A dot plot of the prevalence figures in ``data/prevalence.csv`` with one menu, the sort
order. It takes the steps every figure of the book takes: rows from a loader, a
``draw`` that takes every option as an argument, the options declared once (with their
defaults), a generated public ``figure()`` and a live ``app()``.
``tests/test_example_figure.py`` runs the book's generic figure checks on it. In a
notebook at the repository root: ``from examples.add_a_figure import figure; figure()``.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from widgets import prevalence, style
from widgets.options import Interactive, Option
from widgets.prevalence import PrevalenceRow
from widgets.render import BookFigure

TITLE = "Reported prevalence of back mice (example)"


def rows(sort: str) -> list[PrevalenceRow]:
    """The rows that report a percent (not only a range), in ``sort`` order, top first."""
    reported = [row for row in prevalence.load() if row.percent is not None]
    if sort == "percent":
        return sorted(reported, key=lambda row: -row.estimate)
    return sorted(reported, key=lambda row: row.year)


def draw(sort: str) -> BookFigure:
    """The dot plot with its rows in ``sort`` order (no controls: the engine adds them)."""
    shown = rows(sort)
    low = min(shown, key=lambda row: row.estimate)
    high = max(shown, key=lambda row: row.estimate)
    years = style.year_span([row.year for row in shown])
    fig = BookFigure(
        data=[
            go.Scatter(
                x=[round(row.estimate, 1) for row in shown],
                y=list(range(len(shown))),
                mode="markers",
                name="Reported prevalence",
                marker={"size": 11, "color": style.colour(0), "symbol": style.symbol(0)},
                hovertext=[
                    f"<b>{row.study} {row.year}</b>, {row.label}: {row.estimate:.3g}%<br>"
                    f"{row.source.lines()}"
                    for row in shown
                ],
                hoverinfo="text",
            )
        ],
        caption=(
            f"Reported prevalence of back mice and related findings, {len(shown)} figures "
            f"{years}, from {low.estimate:.3g}% ({low.study} {low.year}, {low.label}) to "
            f"{high.estimate:.3g}% ({high.study} {high.year}, {high.label}). Figures given "
            "only as a range are left out."
        ),
        alt=f"Dot plot of {style.count(len(shown), 'reported prevalence figure')} {years}: "
        + "; ".join(f"{r.study} {r.year}, {r.label}, {r.estimate:.3g}%" for r in shown)
        + ".",
        columns=("Study", "Year", "Group", "Percent", "Source"),
        rows=[(r.study, r.year, r.label, round(r.estimate, 1), r.source) for r in shown],
        short={row.tick: row.short_tick for row in shown},  # shorter y labels on a phone
    )
    fig.update_layout(
        height=180 + 36 * len(shown),
        title={"text": TITLE},
        showlegend=False,
        xaxis={"range": [0, 100], "title": {"text": "Percent of the group examined (%)"}},
        yaxis={
            "tickvals": list(range(len(shown))),
            "ticktext": [row.tick for row in shown],
            "autorange": "reversed",
            "automargin": True,
        },
        margin={"t": 110},
    )
    return fig


SORT = Option(("year", "percent"), "Sort", "year", "buttons", ("By year", "By percent"))
PLOT = Interactive(draw, {"sort": SORT})
figure = PLOT.entry("The example dot plot, with buttons for the ``sort`` order.")


def app() -> Any:
    """Live version: the same option as a control in a notebook (needs a kernel)."""
    return PLOT.app(TITLE)
