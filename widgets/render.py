"""How a figure reaches the reader: static book page or live notebook.

:class:`BookFigure` is a plotly figure that also carries a caption, alt text and
its data table. In the book build (``BACKMICE_BOOK=1``, set by ``_ext``) it shows
as ``text/html``: a ``<figure>`` holding an empty plot box (its id a hash of the
figure, so builds are identical), the figure as JSON for the page script
``_static/backmice-figures.js`` (which draws it for the reader's colour scheme and
width, with no plotly.js or MathJax inside the page), the alt text and table in a
``<details>``, and the caption last. Anywhere else it shows as plotly would.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.utils import PlotlyJSONEncoder

from . import style

BOOK_ENV = "BACKMICE_BOOK"

#: plotly.js options used in the book: no logo, responsive, a modebar on hover with only
#: "download as PNG" and "reset axes" (dragging still zooms), narrow enough to stay clear
#: of the figure titles.
PLOT_CONFIG: dict[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoom2d",
        "pan2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
    ],
}


def in_book_build() -> bool:
    """True while the book is being built (the environment variable is set)."""
    return os.environ.get(BOOK_ENV) == "1"


class BookFigure(go.Figure):
    """A plotly figure in the book's template, with caption, alt text, data and phone patch.

    ``short``: shorter wordings of the figure's texts, for small screens; ``extras``:
    names of traces that only add labels, left out where there is no room for them.
    """

    caption = ""  # printed under the figure
    alt = ""  # a text alternative that says what the figure shows
    phone: dict[str, Any] | None = None  # the phone patch (widgets.phone), if any
    short: dict[str, str] | None = None  # shorter wordings of its texts
    extras: tuple[str, ...] = ()  # traces of labels alone, left out where space is short

    def __init__(
        self,
        *args: Any,
        caption: str = "",
        alt: str = "",
        columns: Sequence[str] = (),
        rows: Sequence[Sequence[Any]] = (),
        short: dict[str, str] | None = None,
        extras: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.update_layout(template=style.template())
        self.caption, self.alt, self.short = caption, alt, dict(short or {})
        self.extras = tuple(extras)
        self._columns = tuple(str(column) for column in columns)
        self._rows = tuple(tuple(row) for row in rows)

    @property
    def table(self) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
        """The plotted numbers: ``(columns, rows)``."""
        return self._columns, self._rows

    def element_id(self, text: str | None = None) -> str:
        """A stable id derived from the figure's content (``text``: its JSON, if at hand)."""
        digest = hashlib.sha1((text or self.to_json()).encode("utf-8")).hexdigest()
        return f"bm-{digest[:12]}"

    def to_book_html(self) -> str:
        """The figure as the static book shows it (drawn by the page script)."""
        plain = self.to_plotly_json()
        text = _compact(plain)  # serialised once: for the id and the dark colours
        element = self.element_id(text)
        spec = {**plain, "config": PLOT_CONFIG, "dark": self.dark_colours(text)}
        if self.phone:
            spec["phone"] = self.phone
        script = script_json(spec)
        return (
            f'<figure class="bm-figure" aria-label="{html.escape(self.alt)}">'
            f'<div id="{element}" class="plotly-graph-div bm-plot" '
            f'style="height:{self.layout.height or 450}px; width:100%;"></div>'
            f'<script type="application/json" class="bm-spec">{script}</script>'
            f'<details class="bm-alt"><summary>Text description and data</summary>'
            f"<p>{html.escape(self.alt)}</p>{self._table_html(element)}</details>"
            f'<figcaption class="bm-caption">{html.escape(self.caption)}</figcaption>'
            "</figure>"
        )

    def dark_colours(self, text: str | None = None) -> dict[str, str]:
        """The light-to-dark colour swaps (:data:`style.DARK`) that apply to this figure.

        ``text``: the figure's JSON, if at hand.
        """
        text = text or self.to_json()
        return {light: dark for light, dark in style.DARK.items() if f'"{light}"' in text}

    def _table_html(self, element: str) -> str:
        """The data table as accessible HTML (header cells with scope)."""
        if not self._columns:
            return ""
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self._columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
            for row in self._rows
        )
        return (
            f'<div class="bm-table-wrap" role="region" tabindex="0" '
            f'aria-labelledby="{element}-table-caption">'
            f'<table class="bm-table"><caption id="{element}-table-caption">'
            f"Data: {html.escape(self.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )

    def _ipython_display_(self) -> None:
        """Book build: our HTML. Without nbformat (Pyodide offline): plotly JSON. Else plotly's."""
        if in_book_build() or not _has_nbformat():
            from IPython.display import display

            display(self._repr_mimebundle_(), raw=True)
        else:
            super()._ipython_display_()

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, validate: bool = True, **kwargs: Any
    ) -> dict[str, Any]:
        """Book build: HTML only. Without nbformat: the plotly JSON. Else plotly's output."""
        if in_book_build():
            return {"text/html": self.to_book_html(), "text/plain": self.caption}
        if not _has_nbformat():
            return pio.renderers["plotly_mimetype"].to_mimebundle(self.to_dict())
        return super()._repr_mimebundle_(include, exclude, validate, **kwargs)


def script_json(value: Any) -> str:
    """``value`` as compact JSON to put inside ``<script>``: no ``<``, so nothing closes it."""
    return _compact(value).replace("<", "\\u003c")


def _compact(value: Any) -> str:
    """``value`` as compact JSON (plotly's encoder handles its own types)."""
    return json.dumps(value, separators=(",", ":"), cls=PlotlyJSONEncoder)


def _has_nbformat() -> bool:
    """True when nbformat can be imported (plotly's ``show`` needs it)."""
    import importlib.util

    return importlib.util.find_spec("nbformat") is not None


def _cell(value: Any) -> str:
    """Format a table cell: empty for None, tuples joined, floats trimmed."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
