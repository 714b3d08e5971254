"""Colours and layout defaults shared by every figure in the book.

The palette is Okabe & Ito's (2008) colour-blind-safe set: its eight colours stay
distinguishable under the common forms of colour-vision deficiency. Figures never
rely on colour alone: markers also differ in symbol, and every figure has a text
alternative and a data table.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

#: Okabe-Ito colours in the order figures use them: blue, vermilion, bluish green,
#: reddish purple, orange, sky blue, yellow (never for text or thin lines), black.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: Marker symbols paired with the colours, so no figure relies on colour alone.
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "star", "hexagon")

TEXT = "#1a1a1a"
GRID = "#d9d9d9"
PAPER = "#ffffff"
GREY = "#595959"  # legend keys and range lines

#: Dark mode: each light colour a figure uses and the colour that replaces it when the
#: reader's page is dark (the browser swaps them; see ``_static/backmice-figures.js``).
#: The paper takes the theme's dark background, text the theme's text colour; the
#: Okabe-Ito data colours stay, except black, which turns near-white. Every target is
#: distinct, so the swap can be undone.
MENU_FACE = "#f8f9fa"  # menus: not swapped in dark mode (see template())
MENU_EDGE = "#8c9196"
MENU_TEXT = "#1f2328"
DARK_PAPER = "#14181e"
DARK: dict[str, str] = {
    PAPER: DARK_PAPER,
    TEXT: "#ced6dd",
    "#000000": "#f3f4f5",
    GRID: "#3b4350",
    GREY: "#a9b1ba",
    "#555555": "#8d96a0",  # bone outlines
    "#eeeeee": "#29313d",  # bone
    "#f5f5f5": "#222832",  # sacrum
}
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def template() -> go.layout.Template:
    """The book's template: white card, dark text, Okabe-Ito colours, shared defaults.

    Every figure takes its title position, legend, hover label, menu and annotation
    defaults from here, so a figure sets only what is particular to it. The white
    paper keeps figures readable in the book's dark mode too (the plot is shown as a
    light card), and it keeps the serialised figure small.
    """
    return go.layout.Template(
        layout={
            "colorway": list(OKABE_ITO),
            "font": {"family": FONT_FAMILY, "size": 14, "color": TEXT},
            "paper_bgcolor": PAPER,
            "plot_bgcolor": PAPER,
            "title": {"x": 0, "xanchor": "left", "y": 0.99, "yanchor": "top"},
            "xaxis": {"gridcolor": GRID, "linecolor": TEXT, "zeroline": False},
            "yaxis": {"gridcolor": GRID, "linecolor": TEXT, "zeroline": False},
            "legend": {"orientation": "h", "x": 0, "font": {"size": 12}},
            "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}, "align": "left"},
            "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
            # Menus keep dark text on a light face in dark mode too: plotly draws the
            # active button in a fixed light blue that the page cannot restyle.
            "updatemenudefaults": {
                "x": 0,
                "xanchor": "left",
                "yanchor": "bottom",
                "bgcolor": MENU_FACE,
                "bordercolor": MENU_EDGE,
                "font": {"color": MENU_TEXT},
            },
            "annotationdefaults": {
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "xanchor": "left",
                "align": "left",
                "font": {"size": 12},
            },
        }
    )


def colour(index: int) -> str:
    """The palette colour for series ``index`` (cycling)."""
    return OKABE_ITO[index % len(OKABE_ITO)]


def symbol(index: int) -> str:
    """The marker symbol for series ``index`` (cycling)."""
    return SYMBOLS[index % len(SYMBOLS)]


def wrap_hover(text: str, width: int = 60) -> str:
    """Break hover ``text`` into lines of about ``width`` characters with ``<br>``."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def count(number: int, noun: str) -> str:
    """``number`` with ``noun``, plural unless it is one: ``1 figure``, ``3 figures``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def year_span(years: list[int]) -> str:
    """``in 1991`` or ``from 1991 to 2022``."""
    low, high = min(years), max(years)
    return f"in {low}" if low == high else f"from {low} to {high}"
