"""Timeline of the names given to back mice (chapter 1): one row of ``data/names.csv`` each."""

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


def _trace(rows: list[NameRow], index: int, opacity: float) -> go.Scatter:
    """The names of one discipline, each on its own y row, labelled beside its marker."""
    members = [row for row in rows if row.discipline == DISCIPLINES[index]]
    sides = ["middle right" if row.year < LABEL_FLIP else "middle left" for row in members]
    colour, line = style.colour(index), {"width": 1, "color": style.TEXT}
    return go.Scatter(
        x=[row.year for row in members],
        y=[rows.index(row) for row in members],
        mode="markers+text",
        name=DISCIPLINES[index],
        text=[row.term for row in members],
        textposition=sides,
        textfont={"size": 12},
        hovertext=[f"<b>{row.term}</b><br>{row.source.lines()}" for row in members],
        hoverinfo="text",
        opacity=opacity,
        marker={"size": 12, "color": colour, "symbol": style.symbol(index), "line": line},
    )


def draw(discipline: str, era: str) -> BookFigure:
    """The timeline for one highlighted ``discipline`` and ``era`` (no controls).

    Where space is short, each row's tick also carries its name (``short``).
    """
    rows = load()
    first, last = rows[0], rows[-1]
    who = [f"{row.authors.split(' ')[0]} {row.year}" for row in rows]
    counts = Counter(row.discipline for row in rows)
    per = "; ".join(f"{name}: {counts[name]}" for name in DISCIPLINES if counts[name])
    fig = BookFigure(
        data=[
            _trace(rows, i, 1.0 if discipline in (ALL, name) else FADED)
            for i, name in enumerate(DISCIPLINES)
            if counts[name]
        ],
        caption=(
            f"Names given to painful fibro-fatty nodules of the low back, {first.year} to "
            f"{last.year}, coloured by the discipline of the journal in which each name appeared."
        ),
        alt=(
            f"Timeline of {len(rows)} published names from {first.year} to {last.year}, from "
            f"'{first.term}' ({citation(first.source[0])}) to '{last.term}' "
            f"({citation(last.source[0])}). Names per discipline of the journal: {per}."
        ),
        columns=("Year", "Name", "Authors", "Journal's discipline", "Source"),
        rows=[(r.year, r.term, r.authors, r.discipline, r.source) for r in rows],
        short={w: f"{w}<br>{r.term}" for w, r in zip(who, rows, strict=True)},
    )
    start, end = ERAS[era]
    inside = [i for i, row in enumerate(rows) if start <= row.year <= end] or [0]
    fig.update_layout(
        height=280 + 24 * len(rows),
        title={"text": "Names for back mice over time", "y": 0.995},
        legend={"y": -0.05, "yanchor": "top", "font": {"size": 14}},
        legend_title={"text": "Journal's discipline"},
        xaxis={"range": [start, end], "title": {"text": ""}},
        yaxis={"showgrid": True, "automargin": True, "tickfont": {"size": 14}},
        yaxis_range=[max(inside) + 0.6, min(inside) - 0.6],
        yaxis_tickvals=list(range(len(rows))),
        yaxis_ticktext=who,
        margin={"t": 130, "b": 150, "l": 20, "r": 20},
    )
    return fig


TIMELINE = Interactive(
    draw,
    {
        "discipline": Option(
            (ALL, *DISCIPLINES),
            "Journal's discipline",
            ALL,
            place={"y": 1.0, "pad": {"b": 48}},
            short=(
                ALL,
                *DISCIPLINES[:1],
                "Medicine & rheumatology",
                *DISCIPLINES[2:5],
                "Radiology & physio",
            ),
        ),
        "era": Option(
            tuple(ERAS),
            "Era",
            "All years",
            place={"y": 1.0, "pad": {"b": 8}},
            short=("All years", "1937–1949", "1950–1979", "1980–1999", "2000 on"),
        ),
    },
)

figure = TIMELINE.entry(
    "The timeline of names, with menus for the highlighted ``discipline`` and the ``era``."
)


def app() -> Any:
    """Live version: a discipline dropdown and an era selector (needs a kernel)."""
    return TIMELINE.app("Names for back mice over time")
