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


def _trace(rows: list[NameRow], discipline: str, opacity: float, narrow: bool) -> go.Scatter:
    """The names of one discipline; each name sits on its own row of the y axis.

    On a phone (``narrow``) the names move to the row labels (see :func:`_row_label`).
    """
    index = DISCIPLINES.index(discipline)
    members = [(i, row) for i, row in enumerate(rows) if row.discipline == discipline]
    return go.Scatter(
        x=[row.year for _, row in members],
        y=[i for i, _ in members],
        mode="markers" if narrow else "markers+text",
        name=discipline,
        text=None if narrow else [row.term for _, row in members],
        textposition=None
        if narrow
        else ["middle right" if row.year < LABEL_FLIP else "middle left" for _, row in members],
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


def _row_label(row: NameRow, narrow: bool) -> str:
    """The y-axis label: first author and year; on a phone the name below it, wrapped."""
    who = f"{row.authors.split(' ')[0]} {row.year}"
    return f"<b>{who}</b><br>{style.wrap_hover(row.term, 24)}" if narrow else who


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


def draw(discipline: str = ALL, era: str = "All years", narrow: bool = False) -> BookFigure:
    """The timeline for one highlighted ``discipline`` and one ``era`` (no controls).

    ``narrow`` lays it out for a phone.
    """
    rows = load()
    present = [name for name in DISCIPLINES if any(r.discipline == name for r in rows)]
    traces = [
        _trace(rows, name, 1.0 if discipline in (ALL, name) else FADED, narrow) for name in present
    ]
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
        height=(330 if narrow else 280) + (40 if narrow else 24) * len(rows),
        title=style.title("Names for back mice over time", narrow, y=0.995),
        legend={
            "y": -0.05,
            "yanchor": "top",
            "title": {"text": "Journal's discipline", "side": "top" if narrow else None},
            "font": {"size": 12 if narrow else 14},
        },
        xaxis={"range": x_range, "title": {"text": ""}},
        yaxis={
            "range": y_range,
            "tickvals": list(range(len(rows))),
            "ticktext": [_row_label(r, narrow) for r in rows],
            "showgrid": True,
            "automargin": True,
            "tickfont": {"size": 9 if narrow else 14},
        },
        margin={
            "t": 130,
            "b": 200 if narrow else 150,
            "l": 10 if narrow else 20,
            "r": 10 if narrow else 20,
        },
    )
    return fig


OPTIONS = {
    "discipline": Option(
        (ALL, *DISCIPLINES),
        "Journal's discipline",
        place={"y": 1.0, "pad": {"b": 48}},
        narrow={"place": {"y": 1.0, "pad": {"b": 46}, "font": {"size": 10}}},
    ),
    "era": Option(
        tuple(ERAS),
        "Era",
        place={"y": 1.0, "pad": {"b": 8}},
        narrow={
            "labels": ("All years", "1937–1949", "1950–1979", "1980–1999", "2000 on"),
            "place": {"y": 1.0, "pad": {"b": 6}, "font": {"size": 11}},
        },
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
