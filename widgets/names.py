"""Timeline of the names given to back mice (chapter 1, terminology and history).

``data/names.csv`` holds one row per published name: the year, the term as the
authors used it, the authors, the discipline of the journal it appeared in, and
its ``references.bib`` key.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from . import style
from .data import Field, Row, check_choice, citation, load_table
from .render import BookFigure

DISCIPLINES: tuple[str, ...] = (
    "Gynaecology",
    "Internal medicine & rheumatology",
    "Surgery",
    "Family medicine",
    "Pain medicine",
    "Radiology & physiotherapy",
)

#: Eras offered by the era buttons: label -> (first year, last year).
ERAS: dict[str, tuple[int, int]] = {
    "All years": (1930, 2026),
    "First reports (1937-1949)": (1935, 1950),
    "Surgical series (1950-1979)": (1949, 1980),
    "Syndromes and 'back mouse' (1980-1999)": (1985, 2002),
    "Imaging and reviews (2000-)": (1998, 2026),
}

FIELDS = (
    Field("year", "int", minimum=1900, maximum=2030),
    Field("term"),
    Field("authors"),
    Field("discipline", choices=DISCIPLINES),
    Field("source", "cite"),
)

ALL = "All disciplines"
FADED = 0.15
LABEL_FLIP = 1985  # names from this year on are labelled to the left of their marker


def load() -> list[Row]:
    """The validated rows of ``data/names.csv``, oldest first."""
    return sorted(load_table("names", FIELDS), key=lambda row: row["year"])


def _hover(row: Row) -> str:
    """Hover text: the term, who named it, and the citation."""
    keys = ", ".join(row["source"])
    cites = "<br>".join(citation(key) for key in row["source"])
    return f"<b>{row['term']}</b><br>{row['authors']}, {row['year']}<br>{cites}<br>[{keys}]"


def _trace(rows: list[Row], positions: list[int], discipline: str) -> go.Scatter:
    """One marker trace per discipline; each name sits on its own row."""
    index = DISCIPLINES.index(discipline)
    return go.Scatter(
        x=[row["year"] for row in rows],
        y=positions,
        mode="markers+text",
        name=discipline,
        text=[row["term"] for row in rows],
        textposition=[
            "middle right" if row["year"] < LABEL_FLIP else "middle left" for row in rows
        ],
        textfont={"size": 12},
        hovertext=[_hover(row) for row in rows],
        hoverinfo="text",
        marker={
            "size": 12,
            "color": style.colour(index),
            "symbol": style.symbol(index),
            "line": {"width": 1, "color": style.TEXT},
        },
    )


def _era_span(rows: list[Row], era: str) -> tuple[list[int], list[float]]:
    """The x range (years) and y range (rows, top to bottom) that show one era."""
    first, last = ERAS[era]
    inside = [i for i, row in enumerate(rows) if first <= row["year"] <= last]
    return [first, last], [max(inside) + 0.6, min(inside) - 0.6]


def _highlight_menu(present: list[str]) -> dict[str, Any]:
    """Dropdown that highlights one discipline (the others fade)."""
    buttons = [{"label": ALL, "method": "restyle", "args": [{"opacity": [1.0] * len(present)}]}]
    for name in present:
        opacity = [1.0 if other == name else FADED for other in present]
        buttons.append({"label": name, "method": "restyle", "args": [{"opacity": opacity}]})
    return {
        "buttons": buttons,
        "x": 0,
        "xanchor": "left",
        "y": 1.0,
        "yanchor": "bottom",
        "pad": {"b": 8},
    }


def _era_menu(rows: list[Row]) -> dict[str, Any]:
    """Dropdown that zooms to one era of the timeline."""
    buttons = []
    for label in ERAS:
        x_range, y_range = _era_span(rows, label)
        buttons.append(
            {
                "label": label,
                "method": "relayout",
                "args": [{"xaxis.range": x_range, "yaxis.range": y_range}],
            }
        )
    return {
        "buttons": buttons,
        "x": 1,
        "xanchor": "right",
        "y": 1.0,
        "yanchor": "bottom",
        "pad": {"b": 8},
    }


def figure(discipline: str = ALL, era: str = "All years") -> BookFigure:
    """The timeline of names, with its own highlight and era dropdowns.

    ``discipline`` picks the discipline highlighted first and ``era`` the era shown
    first; the figure's own menus change both in the browser without a kernel.
    """
    check_choice("discipline", discipline, (ALL, *DISCIPLINES))
    check_choice("era", era, tuple(ERAS))
    rows = load()
    present = [name for name in DISCIPLINES if any(r["discipline"] == name for r in rows)]
    traces = []
    for name in present:
        positions = [i for i, row in enumerate(rows) if row["discipline"] == name]
        trace = _trace([rows[i] for i in positions], positions, name)
        trace.opacity = 1.0 if discipline in (ALL, name) else FADED
        traces.append(trace)
    fig = BookFigure(
        data=traces,
        caption=(
            "Names given to painful fibro-fatty nodules of the low back, 1937 to 2023, "
            "coloured by the discipline of the journal in which each name appeared."
        ),
        alt=(
            f"Timeline of {len(rows)} published names from Ries's 'episacroiliac lipoma' "
            "(1937) through 'herniation of fascial fat' (Herz, 1945), 'iliac crest pain "
            "syndrome' (Collée, 1990) and Curtis's 'back mouse' (1993) to imaging and "
            "review papers (2018 to 2023). Surgery and internal medicine dominate before "
            "1980; family medicine, pain medicine and radiology afterwards."
        ),
        columns=("Year", "Name", "Authors", "Discipline", "Source"),
        rows=[(r["year"], r["term"], r["authors"], r["discipline"], r["source"]) for r in rows],
    )
    x_range, y_range = _era_span(rows, era)
    fig.update_layout(
        template=style.template(),
        height=240 + 24 * len(rows),
        title={
            "text": "Names for back mice over time",
            "x": 0,
            "xanchor": "left",
            "y": 0.995,
            "yanchor": "top",
        },
        legend={
            "orientation": "h",
            "x": 0,
            "y": -0.05,
            "yanchor": "top",
            "title": {"text": "Journal's discipline"},
        },
        xaxis={"range": x_range, "title": {"text": ""}},
        yaxis={
            "range": y_range,
            "tickvals": list(range(len(rows))),
            "ticktext": [f"{r['authors'].split(' ')[0]} {r['year']}" for r in rows],
            "showgrid": True,
            "automargin": True,
        },
        updatemenus=[_highlight_menu(present), _era_menu(rows)],
        margin={"t": 90, "b": 150, "l": 20, "r": 20},
    )
    return fig


def app() -> Any:
    """Live version: a discipline dropdown and an era selector (needs a kernel)."""
    import ipywidgets as w

    from .live import LiveApp

    controls = {
        "discipline": w.Dropdown(options=[ALL, *DISCIPLINES], description="Discipline"),
        "era": w.Dropdown(options=list(ERAS), description="Era"),
    }
    return LiveApp(controls, figure, "Names for back mice over time")
