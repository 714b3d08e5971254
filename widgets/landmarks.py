"""Where the superior cluneal nerves cross the iliac crest (chapter 2, landmarks).

``data/landmarks.csv`` holds one row per distance reported by a cadaver study (and
one clinical criterion): the study, its size and unit, the branch, the reference
point (the midline or the posterior superior iliac spine, PSIS), the mean with the
spread as printed (``sd_mm``, labelled ``SD`` or a bare ``±`` in ``spread``), or
a range, and the ``references.bib`` key.

Two figures use it:

* :func:`map_figure`, the crossings measured from the midline drawn on the
  schematic pelvis of :mod:`widgets.pelvis`, with switchable layers;
* :func:`forest_figure`, the studies side by side, from the midline or the PSIS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import pelvis, style
from .checks import check_choice
from .data import Cites, Model, between, citation, field, load_rows, require, row_model
from .forest import Dot, dots
from .options import Interactive, Option, flag
from .render import BookFigure

UNITS: tuple[str, ...] = ("cadavers", "sides", "ilia", "dissections", "patients")
BRANCHES: tuple[str, ...] = ("medial", "intermediate", "lateral", "unspecified")
REFERENCES: tuple[str, ...] = ("midline", "psis")
KINDS: tuple[str, ...] = ("cadaver", "clinical")
#: How a study printed its spread: explicitly as an SD, or as a bare "±".
SPREAD_LABELS: tuple[str, ...] = ("SD", "±")

ALL = "All studies"
REFERENCE_LABELS: dict[str, str] = {"midline": "the midline", "psis": "the PSIS"}

#: Plotting groups: the four branch values, plus the clinical criterion on its own.
GROUPS: tuple[str, ...] = (*BRANCHES, "clinical")
GROUP_LABELS: dict[str, str] = {
    "medial": "Medial branch",
    "intermediate": "Intermediate branch",
    "lateral": "Lateral branch",
    "unspecified": "Branch not stated",
    "clinical": "Clinical criterion (not cadaveric)",
}
#: Shorter legend names for the narrower forest plot.
SHORT_LABELS: dict[str, str] = {**GROUP_LABELS, "clinical": "Clinical criterion"}
GROUP_STYLE: dict[str, tuple[int, int]] = {  # (colour index, symbol index)
    "medial": (0, 0),
    "intermediate": (1, 1),
    "lateral": (2, 2),
    "unspecified": (3, 3),
    "clinical": (7, 6),
}

ROW_BASE = 6.6  # height (cm) of the lowest row of markers on the map, above the crest
ROW_STEP = 1.0
LABEL_X = 10.0  # where the map's row labels start, right of every whisker
#: Left margin (px) of the forest plot: room for the longest two-line row label, the
#: same for both references so the plot does not jump when the menu switches them.
FOREST_LEFT = 235


@row_model
class CrossingRow(Model):
    """One reported distance of a nerve crossing (or the clinical criterion)."""

    UNIQUE = ("study", "branch", "reference", "mean_mm")

    study: str
    year: int | None = field(validator=between(1900, 2030))
    specimens: int = field(validator=between(1, 100_000))
    unit: Literal[*UNITS]
    branch: Literal[*BRANCHES]
    reference: Literal[*REFERENCES]
    mean_mm: float | None = field(validator=between(0, 300))
    sd_mm: float | None = field(validator=between(0, 100))
    spread: Literal[*SPREAD_LABELS] | None
    low_mm: float | None = field(validator=between(0, 300))
    high_mm: float | None = field(validator=between(0, 300))
    kind: Literal[*KINDS]
    note: str | None
    source: Cites

    def check(self) -> None:
        """A mean or a low-high range; SD with its label; clinical rows count patients."""
        mean, low, high = self.mean_mm, self.low_mm, self.high_mm
        require((low is None) == (high is None), "high_mm", "give low_mm and high_mm together")
        require(low is None or low <= high, "high_mm", f"{high} is below low_mm {low}")
        require(mean is not None or low is not None, "mean_mm", "give a mean or a range")
        require(
            mean is None or low is None or low <= mean <= high,
            "mean_mm",
            f"{mean} lies outside the range {low}-{high}",
        )
        require(self.sd_mm is None or mean is not None, "sd_mm", "is given without mean_mm")
        require(
            (self.sd_mm is None) == (self.spread is None),
            "spread",
            "must be given exactly when sd_mm is given",
        )
        require(
            (self.kind == "clinical") == (self.unit == "patients"),
            "unit",
            f"{self.unit!r} does not fit kind {self.kind!r}",
        )

    @property
    def group(self) -> str:
        """The plotting group: the branch, or ``"clinical"``."""
        return "clinical" if self.kind == "clinical" else self.branch

    @property
    def centre(self) -> float:
        """The plotted value in mm: the mean, or the middle of a reported range."""
        return self.mean_mm if self.mean_mm is not None else (self.low_mm + self.high_mm) / 2

    @property
    def is_range(self) -> bool:
        """True when the study reported a range rather than a mean."""
        return self.mean_mm is None

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The whisker ends in mm: mean ± the printed spread, the range, or none."""
        if self.sd_mm is not None:
            return self.mean_mm - self.sd_mm, self.mean_mm + self.sd_mm
        return self.low_mm, self.high_mm

    @property
    def size(self) -> str:
        """The study size with its unit, e.g. ``n = 20 sides``."""
        return f"n = {self.specimens} {self.unit}"


def load() -> list[CrossingRow]:
    """The validated rows of ``data/landmarks.csv``, in file order (chronological)."""
    return load_rows("landmarks", CrossingRow)


def map_studies(rows: Sequence[CrossingRow] | None = None) -> tuple[str, ...]:
    """The studies that measured from the midline (the map's study choices)."""
    rows = load() if rows is None else rows
    return tuple(dict.fromkeys(r.study for r in rows if r.reference == "midline"))


def tunnel_span(rows: Sequence[CrossingRow] | None = None) -> tuple[float, float]:
    """Lowest and highest medial-branch crossing from the midline (mm), cadaver rows."""
    rows = load() if rows is None else rows
    values = [
        r.centre
        for r in rows
        if r.reference == "midline" and r.branch == "medial" and r.kind == "cadaver"
    ]
    return min(values), max(values)


# ------------------------------------------------------------ text for both figures


def value_text(row: CrossingRow) -> str:
    """The reported value, e.g. ``81.0 ± 9.2 mm (± as printed)`` or ``70–80 mm (range)``."""
    if row.is_range:
        return f"{row.low_mm:g}–{row.high_mm:g} mm (range; no mean or SD)"
    if row.kind == "clinical":
        return f"{row.mean_mm:g} mm (a set criterion, not a measured mean)"
    if row.sd_mm is None:
        return f"{row.mean_mm:g} mm (no SD reported)"
    label = "SD" if row.spread == "SD" else "± as printed"
    return f"{row.mean_mm:.1f} ± {row.sd_mm:.1f} mm ({label})"


def _short_value(row: CrossingRow) -> str:
    """A compact value for the forest plot's right-hand column."""
    if row.is_range:
        return f"{row.low_mm:g}–{row.high_mm:g} (range)"
    return f"{row.mean_mm:g}" if row.sd_mm is None else f"{row.mean_mm:.1f} ± {row.sd_mm:.1f}"


def _hover(row: CrossingRow) -> str:
    """Hover text: study, branch, value, size, note and citation."""
    what = "Clinical criterion" if row.kind == "clinical" else GROUP_LABELS[row.group]
    note = f"<br><i>{style.wrap_hover(row.note)}</i>" if row.note else ""
    cites = "<br>".join(citation(key) for key in row.source)
    return (
        f"<b>{row.study}</b> · {what}<br>"
        f"From {REFERENCE_LABELS[row.reference]}: {value_text(row)}<br>"
        f"{row.size} · {row.kind} study{note}<br>{cites}"
    )


def _dot(row: CrossingRow, y: Any, scale: float = 1.0) -> Dot:
    """One row as a dot (``scale`` 0.1 turns mm into the map's cm)."""
    low, high = (None if edge is None else edge * scale for edge in row.bounds)
    symbol = style.symbol(GROUP_STYLE[row.group][1])
    return Dot(row.centre * scale, y, low, high, _hover(row), symbol, row.is_range)


def _table(rows: Sequence[CrossingRow]) -> dict[str, Any]:
    """The data table that goes with both figures, as BookFigure arguments."""
    columns = ("Study", "Specimens", "Branch", "From", "Mean (mm)", "± (mm)", "Range (mm)")
    body = [
        (
            r.study,
            f"{r.specimens} {r.unit}",
            r.branch,
            "midline" if r.reference == "midline" else "PSIS",
            r.mean_mm,
            None if r.sd_mm is None else f"{r.sd_mm:g} ({r.spread})",
            None if r.low_mm is None else f"{r.low_mm:g}–{r.high_mm:g}",
            r.kind,
            r.source,
        )
        for r in rows
    ]
    return {"columns": (*columns, "Kind", "Source"), "rows": body}


def _list_values(rows: Sequence[CrossingRow]) -> str:
    """Rows as words, e.g. ``Lu 1998 medial 81.0 ± 9.2 mm (± as printed)``."""
    return "; ".join(f"{r.study} {r.branch} {value_text(r)}" for r in rows)


# -------------------------------------------------------------------------- map


def _map_label(row: CrossingRow, rows: Sequence[CrossingRow], narrow: bool) -> str:
    """Row label: study (and branch when a study has several rows) with n.

    On a phone (``narrow``): the study and a short branch or kind only.
    """
    several = sum(r.study == row.study for r in rows) > 1
    if narrow:
        return (
            row.study
            + (f" {row.branch[:3]}." if several else "")
            + (" (clinical)" if row.kind == "clinical" else "")
        )
    branch = f", {row.branch}" if several else ""
    kind = "clinical, " if row.kind == "clinical" else ""
    return f"{row.study}{branch} · {kind}n={row.specimens}"


def _nerve_path(rows: Sequence[CrossingRow], heights: Sequence[float]) -> go.Scatter:
    """Schematic nerve courses through each crossing, down towards the buttock."""
    x: list[float | None] = []
    y: list[float | None] = []
    for row in rows:
        at = round(row.centre / 10, 2)
        crest = round(pelvis.crest_height(at), 2)
        x += [at, at, round(at + 0.7, 2), round(at + 1.5, 2), None]
        y += [pelvis.NERVE_TOP, crest, round(crest - 3.5, 2), pelvis.NERVE_END, None]
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name="Nerves (schematic course)",
        line={"color": style.colour(4), "width": 1.5, "shape": "spline", "smoothing": 0.5},
        opacity=0.8,
        hoverinfo="skip",
    )


def _map_traces(
    rows: Sequence[CrossingRow], study: str, layers: dict[str, bool], narrow: bool
) -> tuple[list[Any], list[float]]:
    """Layers first (drawn underneath), then the nerves, row labels and crossings."""
    shown = [r for r in rows if r.reference == "midline" and study in (ALL, r.study)]
    heights = [ROW_BASE + (len(shown) - 1 - i) * ROW_STEP for i in range(len(shown))]
    labels = go.Scatter(
        x=[LABEL_X] * len(shown),
        y=heights,
        mode="text",
        text=[_map_label(r, shown, narrow) for r in shown],
        textposition="middle right",
        textfont={"size": 10 if narrow else 12, "color": style.TEXT},
        hoverinfo="skip",
        showlegend=False,
    )
    nerves = _nerve_path(shown, heights)
    nerves.visible = layers["nerves"]
    points = []
    for group in GROUPS:
        members = [(r, h) for r, h in zip(shown, heights, strict=True) if r.group == group]
        colour = style.colour(GROUP_STYLE[group][0])
        points.append(
            dots(GROUP_LABELS[group], [_dot(r, h, 0.1) for r, h in members], colour, cap=5)
        )
    return [
        pelvis.back_mouse_area(layers["back_mice"]),
        pelvis.tunnel_zone(tunnel_span(rows), layers["tunnel"]),
        pelvis.psis_marker(),
        nerves,
        labels,
        *points,
    ], heights


def _map_caption(rows: Sequence[CrossingRow]) -> str:
    """The map's caption; the tunnel span comes from the rows."""
    low, high = tunnel_span(rows)
    ranges = [r.study for r in rows if r.reference == "midline" and r.is_range]
    clinical = [f"{r.study}'s {r.mean_mm:g} mm" for r in rows if r.kind == "clinical"]
    return (
        "Schematic map of the back of the pelvis, right side seen from behind; not to scale "
        "of any one person. Each marker is a study's distance from the midline to where a "
        "superior cluneal nerve branch crosses the iliac crest, with the spread the study "
        f"printed (a range, for {' and '.join(ranges) or 'no study'}, is drawn with an open "
        "marker). Markers are lifted into rows above the crest so that they do not overlap: "
        f"only their horizontal position is data. {' and '.join(clinical)} is a clinical "
        "examination criterion, not a dissection. The crest, the PSIS position, the nerve "
        "courses, the tunnel zone (drawn over the span of medial-branch crossings, "
        f"{low:.0f}–{high:.0f} mm) and the back-mouse area are schematic. Studies that "
        "measured only from the PSIS are in the forest plot."
    )


def _map_alt(rows: Sequence[CrossingRow]) -> str:
    """The map's alt text, written from the midline rows."""
    midline = [r for r in rows if r.reference == "midline"]
    ordered = sorted(midline, key=lambda r: r.centre)
    return (
        "Schematic outline of the sacrum and right ilium with the midline at 0 cm. "
        f"{style.count(len(midline), 'distance')} from the midline, from "
        f"{style.count(len(map_studies(rows)), 'source')}, lie between "
        f"{ordered[0].centre / 10:.1f} and {ordered[-1].centre / 10:.1f} cm, most medial "
        f"first: {_list_values(ordered)}. Optional layers draw schematic nerve courses, a "
        "tunnel zone on the crest and the area near the PSIS where back mice are usually felt."
    )


def draw_map(
    study: str = ALL,
    nerves: bool = True,
    tunnel: bool = False,
    back_mice: bool = False,
    narrow: bool = False,
) -> BookFigure:
    """The map for one study and set of layers (no controls); ``narrow``: for a phone."""
    rows = load()
    layers = {"nerves": nerves, "tunnel": tunnel, "back_mice": back_mice}
    traces, heights = _map_traces(rows, study, layers, narrow)
    fig = BookFigure(
        data=traces,
        caption=_map_caption(rows),
        alt=_map_alt(rows),
        **_table([r for r in rows if r.reference == "midline"]),
    )
    fig.update_layout(
        template=style.template(),
        height=800,
        title=style.title(
            "Where the superior cluneal nerves cross the iliac crest",
            narrow,
            subtitle={"text": _SUBTITLE_NARROW if narrow else _SUBTITLE, "font": {"size": 13}},
            y=0.985,
        ),
        xaxis={
            "range": list(pelvis.X_RANGE),
            "tickvals": list(range(0, int(pelvis.X_RANGE[1]) + 1, 2 if narrow else 1)),
            "title": {"text": "Distance from the midline (cm)"},
            "showgrid": True,
        },
        yaxis={
            "range": list(pelvis.Y_RANGE),
            "tickvals": heights,
            "showticklabels": False,
            "showgrid": True,
            "griddash": "dot",
            "showline": False,
        },
        shapes=pelvis.anatomy_shapes(),
        annotations=pelvis.anatomy_labels(narrow),
        legend={
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "entrywidth": None if narrow else 0.5,
            "entrywidthmode": "fraction",
            "orientation": "v" if narrow else "h",
            "font": {"size": 11 if narrow else 12},
        },
        margin={"t": 175 if narrow else 110, "b": 215 if narrow else 175, "l": 15, "r": 15},
    )
    return fig


_SUBTITLE = "Schematic, not to scale of any one person · one side, seen from behind"
_SUBTITLE_NARROW = "Schematic, not to scale · one side, from behind"


def _toggle_at(x: float, narrow_x: float) -> dict[str, Any]:
    """A layer toggle: in the row of controls above the map (a second row on a phone)."""
    small = {"x": narrow_x, "y": 1.0, "pad": {"b": 6}, "font": {"size": 12}}
    return {"place": {"x": x, "y": 1.0, "pad": {"b": 6}}, "narrow": {"place": small}}


MAP_OPTIONS = {
    "study": Option(
        (ALL, *map_studies()),
        "Study",
        place={"y": 1.0, "pad": {"b": 6}},
        narrow={"place": {"y": 1.0, "pad": {"b": 44}}},
    ),
    "nerves": flag("Nerves", **_toggle_at(0.26, 0)),
    "tunnel": flag("Tunnel zone", **_toggle_at(0.385, 0.23)),
    "back_mice": flag("Back-mouse area", **_toggle_at(0.565, 0.56)),
}
MAP = Interactive(draw_map, MAP_OPTIONS)


def map_figure(
    study: str = ALL, nerves: bool = True, tunnel: bool = False, back_mice: bool = False
) -> BookFigure:
    """A schematic map of the posterior pelvis with the crest crossings.

    Shows, on one side of a schematic pelvis seen from behind, where each study
    puts the superior cluneal nerves as they cross the iliac crest, measured from
    the midline (mean ± reported spread, or a range). ``study`` picks the study
    shown first (:data:`ALL` or one of :func:`map_studies`); ``nerves``, ``tunnel``
    and ``back_mice`` pick the schematic layers shown first. The figure's own
    dropdown and toggle buttons change all of these in the browser.
    """
    return MAP.figure(study=study, nerves=nerves, tunnel=tunnel, back_mice=back_mice)


# ------------------------------------------------------------------- forest plot


def _flags(row: CrossingRow) -> str:
    """What a reader should know about a row before comparing it."""
    if row.kind == "clinical":
        flags = ["clinical criterion, not cadaveric"]
    else:
        flags = ["branch not stated" if row.branch == "unspecified" else row.branch]
    if row.is_range:
        flags.append("range, no SD")
    elif row.sd_mm is None and row.kind == "cadaver":
        flags.append("no SD")
    if "by their order" in (row.note or ""):
        flags.append("named by order")
    return ", ".join(flags)


def _forest_tick(row: CrossingRow, narrow: bool = False) -> str:
    """Row label: study and n, then branch and flags, smaller (three short lines if narrow)."""
    if narrow:
        flags = _flags(row).replace(", not cadaveric", "")
        return f"{row.study}<br><span style='font-size:9px'>{row.size}<br>{flags}</span>"
    return f"{row.study} · {row.size}<br><span style='font-size:11px'>{_flags(row)}</span>"


def _forest_traces(rows: Sequence[CrossingRow], reference: str, shown: bool) -> list[Any]:
    """Dot traces (one per branch group) for one reference."""
    these = [r for r in rows if r.reference == reference]
    traces = []
    for group in GROUPS:
        members = [(i, r) for i, r in enumerate(these) if r.group == group]
        if members:
            colour = style.colour(GROUP_STYLE[group][0])
            group_dots = [_dot(r, i) for i, r in members]
            traces.append(
                dots(
                    SHORT_LABELS[group],
                    group_dots,
                    colour,
                    cap=6,
                    legendgroup=group,
                    visible=shown,
                    cliponaxis=True,
                )
            )
    return traces


def _forest_alt(rows: Sequence[CrossingRow]) -> str:
    """The forest plot's alt text, written from the rows."""
    parts = [
        f"From {REFERENCE_LABELS[ref]}: {_list_values([r for r in rows if r.reference == ref])}"
        for ref in REFERENCES
    ]
    return "Forest plot. " + ". ".join(parts) + "."


def _rows_axis(ticks: list[int], text: list[str], span: list[float], **extra: Any) -> dict:
    """A y axis with one labelled tick per row (the row labels, or the values column)."""
    labels = {"tickvals": ticks, "ticktext": text, "range": span, "tickfont": {"size": 12}}
    return {**labels, "showgrid": False, "automargin": extra.get("side") == "right", **extra}


def draw_forest(reference: str = "midline", narrow: bool = False) -> BookFigure:
    """The forest plot for one reference point (no controls).

    ``narrow`` lays it out for a phone: shorter row labels, no values column.
    """
    rows = load()
    these = [r for r in rows if r.reference == reference]
    traces = [t for ref in REFERENCES for t in _forest_traces(rows, ref, ref == reference)]
    # An invisible point on the right-hand axis, so that axis (the values) is drawn.
    anchor = go.Scatter(x=[None], y=[0], yaxis="y2", showlegend=False, hoverinfo="skip")
    most = max(sum(r.reference == ref for r in rows) for ref in REFERENCES)
    ticks = list(range(len(these)))
    span = [len(these) - 0.5, -0.5]
    fig = BookFigure(
        data=[*traces, anchor],
        caption=(
            "Reported distances of the superior cluneal nerve crest crossings, from the midline "
            "or from the PSIS (use the menu). Markers show means (open marker: the middle of a "
            "reported range) and bars the spread each study printed (SD where the study says "
            "so, otherwise the bare ± value). Branch is shown by marker shape. Rows marked "
            "'named by order' gave unnamed means, placed medial to lateral by their order. "
            "Units of n differ: " + ", ".join(sorted({r.unit for r in rows})) + "."
        ),
        alt=_forest_alt(rows),
        **_table([r for ref in REFERENCES for r in rows if r.reference == ref]),
    )
    fig.update_layout(
        template=style.template(),
        height=(300 if narrow else 200) + 46 * most,
        title=style.title(
            "Superior cluneal nerve crossings: the studies compared", narrow, y=0.985
        ),
        xaxis={
            "range": [30, 100],
            "dtick": 20 if narrow else 10,
            "title": {
                "text": f"From {REFERENCE_LABELS[reference]} (mm)"
                if narrow
                else f"Distance from {REFERENCE_LABELS[reference]} (mm)"
            },
            "showgrid": True,
        },
        yaxis=_rows_axis(
            ticks,
            [_forest_tick(r, narrow) for r in these],
            span,
            showgrid=True,
            tickfont={"size": 11 if narrow else 12},
        ),
        yaxis2=_rows_axis(
            ticks,
            [_short_value(r) for r in these],
            span,
            overlaying="y",
            side="right",
            showticklabels=not narrow,
        ),
        annotations=[
            {
                "text": "mean ± (mm)",
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "visible": not narrow,
            }
        ],
        legend={
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 11 if narrow else 12},
        },
        margin={
            "t": 115 if narrow else 95,
            "b": 215 if narrow else 135,
            "l": 125 if narrow else FOREST_LEFT,
            "r": 15 if narrow else 100,
        },
    )
    return fig


FOREST_OPTIONS = {
    "reference": Option(
        REFERENCES,
        "From",
        labels=tuple(f"From {REFERENCE_LABELS[ref]}" for ref in REFERENCES),
        place={"y": 1.0, "pad": {"b": 6}},
    )
}
FOREST = Interactive(draw_forest, FOREST_OPTIONS)


def forest_figure(reference: str = "midline") -> BookFigure:
    """The studies side by side: distance of the crossings from one reference point.

    ``reference`` is ``"midline"`` or ``"psis"`` and picks the reference shown
    first; the figure's dropdown switches between them in the browser. Each row is
    one study and branch, with n; markers show the mean (open markers: the middle
    of a reported range) and bars the spread each study printed.
    """
    return FOREST.figure(reference=reference)


# ------------------------------------------------------------------------ live app


def app(figure: str = "map") -> Any:
    """Live version (needs a kernel): ``figure="map"`` or ``figure="forest"``.

    The map app has a study dropdown and three layer checkboxes; the forest app has
    a reference dropdown.
    """
    check_choice("figure", figure, ("map", "forest"))
    if figure == "map":
        defaults = {"study": ALL, "nerves": True, "tunnel": False, "back_mice": False}
        return MAP.app("Superior cluneal nerves at the iliac crest", defaults)
    return FOREST.app("Superior cluneal nerve crossings compared", {"reference": "midline"})
