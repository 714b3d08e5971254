"""Timeline of the names given to back mice (chapter 1, terminology and history).

``data/names.csv`` holds one row per published name: the year, the term as the
authors used it, the authors, the discipline of the journal it appeared in, and
its ``references.bib`` key.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .data import Cites, Model, between, citation, field, load_rows, row_model
from .options import Interactive, Option
from .render import BookFigure

DISCIPLINES: tuple[str, ...] = (
    "Gynaecology",
    "Internal medicine & rheumatology",
    "Surgery",
    "Family medicine",
    "Pain medicine",
    "Radiology & physiotherapy",
)

#: Eras offered by the era menu: label -> (first year, last year) shown.
ERAS: dict[str, tuple[int, int]] = {
    "All years": (1930, 2026),
    "First reports (1937-1949)": (1935, 1950),
    "Surgical series (1950-1979)": (1949, 1980),
    "Syndromes and 'back mouse' (1980-1999)": (1985, 2002),
    "Imaging and reviews (2000-)": (1998, 2026),
}

ALL = "All disciplines"
FADED = 0.15
LABEL_FLIP = 1985  # names from this year on are labelled to the left of their marker


@row_model
class NameRow(Model):
    """One published name for back mice."""

    UNIQUE = ("term", "authors")

    year: int = field(validator=between(1900, 2030))
    term: str
    authors: str
    discipline: Literal[*DISCIPLINES]
    source: Cites


def load() -> list[NameRow]:
    """The validated rows of ``data/names.csv``, oldest first."""
    return sorted(load_rows("names", NameRow), key=lambda row: row.year)


def _hover(row: NameRow) -> str:
    """Hover text: the term, who named it, and the citation."""
    cites = "<br>".join(citation(key) for key in row.source)
    return f"<b>{row.term}</b><br>{row.authors}, {row.year}<br>{cites}"


def _trace(rows: list[NameRow], discipline: str, opacity: float) -> go.Scatter:
    """The names of one discipline; each name sits on its own row of the y axis."""
    index = DISCIPLINES.index(discipline)
    members = [(i, row) for i, row in enumerate(rows) if row.discipline == discipline]
    return go.Scatter(
        x=[row.year for _, row in members],
        y=[i for i, _ in members],
        mode="markers+text",
        name=discipline,
        text=[row.term for _, row in members],
        textposition=[
            "middle right" if row.year < LABEL_FLIP else "middle left" for _, row in members
        ],
        textfont={"size": 12},
        hovertext=[_hover(row) for _, row in members],
        hoverinfo="text",
        opacity=opacity,
        marker={
            "size": 12,
            "color": style.colour(index),
            "symbol": style.symbol(index),
            "line": {"width": 1, "color": style.TEXT},
        },
    )


def _era_span(rows: list[NameRow], era: str) -> tuple[list[int], list[float]]:
    """The x range (years) and y range (rows, top to bottom) that show one era."""
    first, last = ERAS[era]
    inside = [i for i, row in enumerate(rows) if first <= row.year <= last] or [0]
    return [first, last], [max(inside) + 0.6, min(inside) - 0.6]


def _alt(rows: list[NameRow]) -> str:
    """Alt text written from the rows: span, first and last names, disciplines."""
    first, last = rows[0], rows[-1]
    counts = Counter(row.discipline for row in rows)
    per = "; ".join(f"{name}: {counts[name]}" for name in DISCIPLINES if counts[name])
    return (
        f"Timeline of {len(rows)} published names from {first.year} to {last.year}, from "
        f"'{first.term}' ({first.authors}, {first.year}) to '{last.term}' ({last.authors}, "
        f"{last.year}). Names per discipline of the journal: {per}."
    )


def draw(discipline: str = ALL, era: str = "All years") -> BookFigure:
    """The timeline for one highlighted ``discipline`` and one ``era`` (no controls)."""
    rows = load()
    present = [name for name in DISCIPLINES if any(r.discipline == name for r in rows)]
    traces = [_trace(rows, name, 1.0 if discipline in (ALL, name) else FADED) for name in present]
    fig = BookFigure(
        data=traces,
        caption=(
            f"Names given to painful fibro-fatty nodules of the low back, {rows[0].year} to "
            f"{rows[-1].year}, coloured by the discipline of the journal in which each name "
            "appeared."
        ),
        alt=_alt(rows),
        columns=("Year", "Name", "Authors", "Journal's discipline", "Source"),
        rows=[(r.year, r.term, r.authors, r.discipline, r.source) for r in rows],
    )
    x_range, y_range = _era_span(rows, era)
    fig.update_layout(
        template=style.template(),
        height=240 + 24 * len(rows),
        title={"text": "Names for back mice over time", "y": 0.995},
        legend={
            "y": -0.05,
            "yanchor": "top",
            "title": {"text": "Journal's discipline"},
            "font": {"size": 14},
        },
        xaxis={"range": x_range, "title": {"text": ""}},
        yaxis={
            "range": y_range,
            "tickvals": list(range(len(rows))),
            "ticktext": [f"{r.authors.split(' ')[0]} {r.year}" for r in rows],
            "showgrid": True,
            "automargin": True,
        },
        margin={"t": 90, "b": 150, "l": 20, "r": 20},
    )
    return fig


OPTIONS = {
    "discipline": Option(
        (ALL, *DISCIPLINES), "Journal's discipline", place={"y": 1.0, "pad": {"b": 8}}
    ),
    "era": Option(
        tuple(ERAS), "Era", place={"x": 1, "xanchor": "right", "y": 1.0, "pad": {"b": 8}}
    ),
}
TIMELINE = Interactive(draw, OPTIONS)


def figure(discipline: str = ALL, era: str = "All years") -> BookFigure:
    """The timeline of names, with its own highlight and era dropdowns.

    ``discipline`` picks the discipline highlighted first and ``era`` the era shown
    first; the figure's own menus change both in the browser without a kernel.
    """
    return TIMELINE.figure(discipline=discipline, era=era)


def app() -> Any:
    """Live version: a discipline dropdown and an era selector (needs a kernel)."""
    return TIMELINE.app("Names for back mice over time", {"discipline": ALL, "era": "All years"})
