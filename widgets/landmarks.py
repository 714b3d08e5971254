"""Where the superior cluneal nerves cross the iliac crest (chapter 2, landmarks).

``data/landmarks.csv`` holds one row per distance reported by a cadaver study (and
one clinical criterion): the study, its size and unit, the branch, the reference
point (the midline or the posterior superior iliac spine, PSIS), the mean with its
reported spread, or a range, and the ``references.bib`` key.

Two figures use it:

* :func:`map_figure`, a schematic map of one side of the back of the pelvis with
  the crossings measured from the midline, and switchable layers;
* :func:`forest_figure`, the studies side by side, from the midline or the PSIS.

Everything drawn on the map except the measured distances is schematic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import plotly.graph_objects as go

from . import style
from .data import (
    Field,
    Row,
    check_choice,
    citation,
    load_table,
    parse_rows,
    row_error,
)
from .render import BookFigure

FILE = "data/landmarks.csv"

UNITS: tuple[str, ...] = ("cadavers", "sides", "ilia", "dissections", "patients")
BRANCHES: tuple[str, ...] = ("medial", "intermediate", "lateral", "unspecified")
REFERENCES: tuple[str, ...] = ("midline", "psis")
KINDS: tuple[str, ...] = ("cadaver", "clinical")
#: How a study printed its spread: explicitly as an SD, or as a bare "±".
SPREADS: tuple[str, ...] = ("SD", "±")

FIELDS = (
    Field("study"),
    Field("year", "int", required=False, minimum=1900, maximum=2030),
    Field("specimens", "int", minimum=1, maximum=100_000),
    Field("unit", choices=UNITS),
    Field("branch", choices=BRANCHES),
    Field("reference", choices=REFERENCES),
    Field("mean_mm", "float", required=False, minimum=0, maximum=300),
    Field("sd_mm", "float", required=False, minimum=0, maximum=100),
    Field("spread", required=False, choices=SPREADS),
    Field("low_mm", "float", required=False, minimum=0, maximum=300),
    Field("high_mm", "float", required=False, minimum=0, maximum=300),
    Field("kind", choices=KINDS),
    Field("note", required=False),
    Field("source", "cite"),
)

ALL = "All studies"
REFERENCE_LABELS: dict[str, str] = {"midline": "the midline", "psis": "the PSIS"}

#: Plotting groups: the four branch values, plus the clinical criterion on its own.
CATEGORIES: tuple[str, ...] = (*BRANCHES, "clinical")
CATEGORY_LABELS: dict[str, str] = {
    "medial": "Medial branch",
    "intermediate": "Intermediate branch",
    "lateral": "Lateral branch",
    "unspecified": "Branch not stated",
    "clinical": "Clinical criterion (not cadaveric)",
}
#: Shorter legend names for the narrower forest plot.
SHORT_LABELS: dict[str, str] = {**CATEGORY_LABELS, "clinical": "Clinical criterion"}
_CATEGORY_STYLE: dict[str, tuple[int, int]] = {  # (colour index, symbol index)
    "medial": (0, 0),
    "intermediate": (1, 1),
    "lateral": (2, 2),
    "unspecified": (3, 3),
    "clinical": (7, 6),
}

# ----------------------------------------------------------------------------
# Schematic geometry of the map, in centimetres (x: from the midline; y: up).
# None of it is measured: it only gives the crossings a recognisable setting.
# ----------------------------------------------------------------------------
#: The posterior iliac crest, from the PSIS laterally.
CREST: tuple[tuple[float, float], ...] = (
    (3.5, -1.0),
    (4.2, 1.2),
    (5.5, 2.8),
    (7.0, 3.9),
    (8.5, 4.6),
    (10.0, 4.9),
    (11.5, 4.8),
    (12.8, 4.2),
)
#: The rest of the ilium outline, from the lateral end of the crest back to the PSIS.
_ILIUM_REST: tuple[tuple[float, float], ...] = (
    (13.3, 1.0),
    (12.9, -3.0),
    (10.5, -5.8),
    (7.5, -7.2),
    (5.6, -6.3),
    (4.6, -4.2),
    (3.9, -2.6),
)
_SACRUM: tuple[tuple[float, float], ...] = (
    (-3.4, 0.5),
    (3.4, 0.5),
    (3.8, -1.5),
    (3.0, -5.0),
    (1.2, -8.5),
    (-1.2, -8.5),
    (-3.0, -5.0),
    (-3.8, -1.5),
)
PSIS: tuple[float, float] = CREST[0]
X_RANGE: tuple[float, float] = (-4.5, 17.8)
Y_RANGE: tuple[float, float] = (-9.8, 15.6)
ROW_BASE = 6.6  # height of the lowest row of markers, above the crest
ROW_STEP = 1.0
LABEL_X = 10.0  # where the row labels start, right of every error bar
NERVE_TOP = 15.0
NERVE_END = -9.0
TUNNEL_HALF_WIDTH = 0.55
BACK_MICE_CENTRE: tuple[float, float] = (4.0, -0.8)
BACK_MICE_RADII: tuple[float, float] = (2.2, 2.8)

# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


def _fail(filename: str, number: int, field: str, message: str) -> NoReturn:
    """Raise the DataError for one row and field."""
    raise row_error(filename, number, field, message)


def check_rows(rows: Sequence[Row], filename: str = FILE) -> list[Row]:
    """Apply the rules that link columns of one row; return the rows unchanged.

    A row needs a mean or a range (``low_mm`` and ``high_mm`` together, low first);
    a mean given with a range lies inside it; ``sd_mm`` and ``spread`` come together
    and only with a mean; clinical rows count patients and cadaver rows do not.
    """
    for number, row in enumerate(rows, start=1):
        mean, sd, low, high = row["mean_mm"], row["sd_mm"], row["low_mm"], row["high_mm"]
        if (low is None) != (high is None):
            missing = "low_mm" if low is None else "high_mm"
            _fail(filename, number, missing, "low_mm and high_mm must be given together")
        if low is not None and high < low:
            _fail(filename, number, "high_mm", f"{high} is below low_mm {low}")
        if mean is None and low is None:
            _fail(filename, number, "mean_mm", "is empty and no range (low_mm, high_mm) is given")
        if mean is not None and low is not None and not low <= mean <= high:
            _fail(filename, number, "mean_mm", f"{mean} lies outside the range {low}-{high}")
        if sd is not None and mean is None:
            _fail(filename, number, "sd_mm", "is given without mean_mm")
        if (sd is None) != (row["spread"] is None):
            _fail(filename, number, "spread", "must be given exactly when sd_mm is given")
        if (row["kind"] == "clinical") != (row["unit"] == "patients"):
            _fail(filename, number, "unit", f"{row['unit']!r} does not fit kind {row['kind']!r}")
    return list(rows)


def parse(lines: Iterable[str], filename: str = FILE) -> list[Row]:
    """Parse CSV ``lines`` of the landmarks table: cell checks, then row rules."""
    return check_rows(parse_rows(lines, FIELDS, filename), filename)


def load() -> list[Row]:
    """The validated rows of ``data/landmarks.csv``, in file order (chronological)."""
    return check_rows(load_table("landmarks", FIELDS), FILE)


def category(row: Row) -> str:
    """The plotting group of a row: its branch, or ``"clinical"``."""
    return "clinical" if row["kind"] == "clinical" else row["branch"]


def centre(row: Row) -> float:
    """The plotted value in mm: the mean, or the middle of a reported range."""
    if row["mean_mm"] is not None:
        return float(row["mean_mm"])
    return (row["low_mm"] + row["high_mm"]) / 2


def spread(row: Row) -> tuple[float | None, float | None]:
    """Error-bar lengths (above, below) in mm: the ± value, the range, or none."""
    if row["sd_mm"] is not None:
        return row["sd_mm"], row["sd_mm"]
    if row["low_mm"] is not None:
        mid = centre(row)
        return row["high_mm"] - mid, mid - row["low_mm"]
    return None, None


def is_range(row: Row) -> bool:
    """True when the study reported a range rather than a mean."""
    return row["mean_mm"] is None


def map_studies(rows: Sequence[Row] | None = None) -> tuple[str, ...]:
    """The studies that measured from the midline (the map's study choices)."""
    rows = load() if rows is None else rows
    names: list[str] = []
    for row in rows:
        if row["reference"] == "midline" and row["study"] not in names:
            names.append(row["study"])
    return tuple(names)


def tunnel_span(rows: Sequence[Row] | None = None) -> tuple[float, float]:
    """Lowest and highest medial-branch crossing from the midline (mm), cadaver rows."""
    rows = load() if rows is None else rows
    values = [
        centre(r)
        for r in rows
        if r["reference"] == "midline" and r["branch"] == "medial" and r["kind"] == "cadaver"
    ]
    return min(values), max(values)


# ----------------------------------------------------------------------------
# Text shared by both figures
# ----------------------------------------------------------------------------


def _value_text(row: Row) -> str:
    """The reported value, e.g. ``81.0 ± 9.2 mm`` or ``70–80 mm (range)``."""
    if is_range(row):
        return f"{row['low_mm']:g}–{row['high_mm']:g} mm (range; no mean or SD)"
    text = f"{row['mean_mm']:.1f} mm" if row["mean_mm"] % 1 else f"{row['mean_mm']:g} mm"
    if row["kind"] == "clinical":
        return f"{text} (a set criterion, not a measured mean)"
    if row["sd_mm"] is None:
        return f"{text} (no SD reported)"
    label = "SD" if row["spread"] == "SD" else "± as printed"
    return f"{row['mean_mm']:.1f} ± {row['sd_mm']:.1f} mm ({label})"


def _short_value(row: Row) -> str:
    """A compact value for the forest plot's right-hand column."""
    if is_range(row):
        return f"{row['low_mm']:g}–{row['high_mm']:g} (range)"
    if row["sd_mm"] is None:
        return f"{row['mean_mm']:g}"
    return f"{row['mean_mm']:.1f} ± {row['sd_mm']:.1f}"


def _n_text(row: Row) -> str:
    """The study size with its unit, e.g. ``n = 20 sides``."""
    return f"n = {row['specimens']} {row['unit']}"


def _hover(row: Row) -> str:
    """Hover text: study, branch, value, size, note, citation and key."""
    keys = ", ".join(row["source"])
    cites = "<br>".join(citation(key) for key in row["source"])
    what = CATEGORY_LABELS[category(row)]
    if row["kind"] == "clinical":
        what = "Clinical criterion"
    note = f"<br><i>{style.wrap_hover(row['note'])}</i>" if row["note"] else ""
    return (
        f"<b>{row['study']}</b> · {what}<br>"
        f"From {REFERENCE_LABELS[row['reference']]}: {_value_text(row)}<br>"
        f"{_n_text(row)} · {row['kind']} study{note}<br>{cites}<br>[{keys}]"
    )


def _marker_symbol(row: Row) -> str:
    """The branch's symbol; open for a range (a midpoint, not a reported mean)."""
    base = style.symbol(_CATEGORY_STYLE[category(row)][1])
    return f"{base}-open" if is_range(row) else base


def _table(rows: Sequence[Row]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The data table that goes with both figures."""
    columns = (
        "Study",
        "Specimens",
        "Branch",
        "From",
        "Mean (mm)",
        "± (mm)",
        "Range (mm)",
        "Kind",
        "Source",
    )
    body = [
        (
            r["study"],
            f"{r['specimens']} {r['unit']}",
            r["branch"],
            "midline" if r["reference"] == "midline" else "PSIS",
            r["mean_mm"],
            None if r["sd_mm"] is None else f"{r['sd_mm']:g} ({r['spread']})",
            None if r["low_mm"] is None else f"{r['low_mm']:g}–{r['high_mm']:g}",
            r["kind"],
            r["source"],
        )
        for r in rows
    ]
    return columns, body


def _check_flag(argument: str, value: Any) -> bool:
    """Return ``value`` if it is exactly True or False, else raise a ``ValueError``."""
    if not isinstance(value, bool):
        raise ValueError(f"argument '{argument}' must be True or False, got {value!r}")
    return value


# ----------------------------------------------------------------------------
# The schematic map
# ----------------------------------------------------------------------------


def crest_height(x_cm: float) -> float:
    """Height (cm) of the schematic crest at ``x_cm`` from the midline.

    Linear interpolation between the outline's points, held flat beyond its ends.
    """
    points = sorted(CREST)
    if x_cm <= points[0][0]:
        return float(points[0][1])
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x_cm <= x1:
            return float(y0 + (y1 - y0) * (x_cm - x0) / (x1 - x0))
    return float(points[-1][1])


def _spaced(low: float, high: float, count: int) -> list[float]:
    """``count`` evenly spaced values from ``low`` to ``high`` inclusive."""
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def _path(points: Iterable[tuple[float, float]]) -> str:
    """An SVG path through ``points``, closed."""
    pts = list(points)
    head = f"M{pts[0][0]},{pts[0][1]}"
    return head + "".join(f"L{x},{y}" for x, y in pts[1:]) + "Z"


def _anatomy_shapes() -> list[dict[str, Any]]:
    """Static schematic anatomy: sacrum, both ilia, spinous processes, midline."""
    ilium = [*CREST, *_ILIUM_REST]
    mirrored = [(-x, y) for x, y in ilium]
    bone = {"fillcolor": "#eeeeee", "line": {"color": "#555555", "width": 1}, "layer": "below"}
    shapes: list[dict[str, Any]] = [
        {"type": "path", "path": _path(_SACRUM), **bone, "fillcolor": "#f5f5f5"},
        {"type": "path", "path": _path(ilium), **bone},
        {"type": "path", "path": _path(mirrored), **bone},
    ]
    for centre_y in (1.8, 4.4, 7.0, 9.6):
        shapes.append(
            {
                "type": "rect",
                "x0": -0.5,
                "x1": 0.5,
                "y0": centre_y - 0.7,
                "y1": centre_y + 0.7,
                **bone,
            }
        )
    shapes.append(
        {
            "type": "line",
            "x0": 0,
            "x1": 0,
            "y0": Y_RANGE[0],
            "y1": NERVE_TOP,
            "line": {"color": style.TEXT, "width": 1.5, "dash": "dash"},
            "layer": "below",
        }
    )
    crest_line = "".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(CREST))
    shapes.append(
        {
            "type": "path",
            "path": crest_line,
            "line": {"color": style.TEXT, "width": 3},
            "layer": "below",
        }
    )
    return shapes


def _anatomy_labels() -> list[dict[str, Any]]:
    """Static labels on the map."""
    small = {"size": 12, "color": style.TEXT}
    labels = [
        (0.25, Y_RANGE[1] - 0.3, "Midline", "top", "left"),
        (13.5, 3.6, "Iliac crest", "middle", "left"),
        (9.8, -1.5, "Ilium", "middle", "center"),
        (0, -7.2, "Sacrum", "middle", "center"),
        (11.0, -9.6, "↓ towards the buttock", "bottom", "left"),
    ]
    return [
        {
            "x": x,
            "y": y,
            "text": text,
            "showarrow": False,
            "yanchor": yanchor,
            "xanchor": xanchor,
            "font": small,
        }
        for x, y, text, yanchor, xanchor in labels
    ]


def _map_rows(rows: Sequence[Row], study: str) -> list[Row]:
    """The midline-referenced rows shown for ``study`` (or for all studies)."""
    return [r for r in rows if r["reference"] == "midline" and study in (ALL, r["study"])]


def _row_heights(count: int) -> list[float]:
    """Heights of the marker rows, first row on top."""
    return [ROW_BASE + (count - 1 - i) * ROW_STEP for i in range(count)]


def _map_label(row: Row, rows: Sequence[Row]) -> str:
    """Row label: study (and branch when a study has several rows) with n."""
    several = sum(r["study"] == row["study"] for r in rows) > 1
    branch = f", {row['branch']}" if several else ""
    kind = "clinical, " if row["kind"] == "clinical" else ""
    return f"{row['study']}{branch} · {kind}n={row['specimens']}"


def _map_state(rows: Sequence[Row], study: str) -> dict[str, Any]:
    """Everything the study menu changes: per-trace data and the row labels."""
    shown = _map_rows(rows, study)
    heights = _row_heights(len(shown))
    points: dict[str, dict[str, list[Any]]] = {
        c: {"x": [], "y": [], "plus": [], "minus": [], "hover": [], "symbol": []}
        for c in CATEGORIES
    }
    nerve_x: list[float | None] = []
    nerve_y: list[float | None] = []
    for row, height in zip(shown, heights, strict=True):
        x_cm = centre(row) / 10
        plus, minus = spread(row)
        group = points[category(row)]
        group["x"].append(round(x_cm, 2))
        group["y"].append(height)
        group["plus"].append(None if plus is None else round(plus / 10, 2))
        group["minus"].append(None if minus is None else round(minus / 10, 2))
        group["hover"].append(_hover(row))
        group["symbol"].append(_marker_symbol(row))
        crest_y = round(crest_height(x_cm), 2)
        nerve_x += [round(x_cm, 2), round(x_cm, 2), round(x_cm + 0.7, 2), round(x_cm + 1.5, 2)]
        nerve_y += [NERVE_TOP, crest_y, round(crest_y - 3.5, 2), NERVE_END]
        nerve_x.append(None)
        nerve_y.append(None)
    return {
        "points": points,
        "nerves": (nerve_x, nerve_y),
        "heights": heights,
        "labels": [_map_label(r, shown) for r in shown],
    }


def _point_trace(cat: str, state: dict[str, Any]) -> go.Scatter:
    """One marker trace per branch group, with horizontal spread bars."""
    colour_index, _ = _CATEGORY_STYLE[cat]
    group = state["points"][cat]
    return go.Scatter(
        x=group["x"],
        y=group["y"],
        mode="markers",
        name=CATEGORY_LABELS[cat],
        hovertext=group["hover"],
        hoverinfo="text",
        marker={
            "size": 12,
            "color": style.colour(colour_index),
            "symbol": group["symbol"],
            "line": {"width": 1.5, "color": style.colour(colour_index)},
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "array": group["plus"],
            "arrayminus": group["minus"],
            "color": style.colour(colour_index),
            "thickness": 2,
            "width": 5,
        },
    )


def _zone(
    points: list[tuple[float, float]],
    name: str,
    hover: str,
    label: tuple[int, str, str],
    **line: Any,
) -> go.Scatter:
    """A shaded schematic zone (closed polygon) with a label and its own hover text.

    ``label`` is (vertex index, text, text position): the label is drawn at that vertex.
    """
    xs = [round(x, 2) for x, _ in points]
    ys = [round(y, 2) for _, y in points]
    at, text, position = label
    texts = [""] * (len(xs) + 1)
    texts[at] = text
    return go.Scatter(
        x=[*xs, xs[0]],
        y=[*ys, ys[0]],
        mode="lines+text",
        text=texts,
        textposition=position,
        textfont={"size": 12, "color": style.TEXT},
        fill="toself",
        name=name,
        hoveron="fills+points",
        hovertemplate=hover + "<extra></extra>",
        line=line,
    )


def _tunnel_trace(rows: Sequence[Row], visible: bool) -> go.Scatter:
    """The osteofibrous tunnel zone: a band along the crest over the medial crossings."""
    low, high = (v / 10 for v in tunnel_span(rows))
    xs = _spaced(low, high, 9)
    upper = [(x, crest_height(x) + TUNNEL_HALF_WIDTH) for x in xs]
    lower = [(x, crest_height(x) - TUNNEL_HALF_WIDTH) for x in xs[::-1]]
    hover = style.wrap_hover(
        "<b>Osteofibrous tunnel zone (schematic)</b> "
        f"Drawn over the span of reported medial-branch crossings ({low * 10:.0f}–"
        f"{high * 10:.0f} mm from the midline). Lu 1998: the medial branch runs in a tunnel "
        "of thoracolumbar fascia and crest rim, constricted in 2 specimens (15 cadavers). "
        "Kuniya 2013: at least one branch ran in a tunnel in 61 of 109 specimens (56%), the "
        "medial branch in 42 (39%). Konno 2017: 13 of 81 branches passed through a tunnel, "
        "10 of them visibly entrapped. [lu1998, kuniya2013, konno2017]",
        64,
    )
    trace = _zone(
        [*upper, *lower],
        "Osteofibrous tunnel zone (schematic)",
        hover,
        (len(upper) + len(lower) // 2, "Tunnel zone", "bottom center"),
        color=style.colour(1),
        width=1.5,
    )
    trace.fillcolor = "rgba(213, 94, 0, 0.35)"
    trace.fillpattern = {"shape": "/", "fgcolor": style.colour(1), "size": 6}
    trace.visible = visible
    return trace


def _back_mice_trace(visible: bool) -> go.Scatter:
    """Where back mice are usually described: around the PSIS and sacroiliac region."""
    (cx, cy), (rx, ry) = BACK_MICE_CENTRE, BACK_MICE_RADII
    angles = _spaced(0, 2 * math.pi, 25)[:-1]
    points = [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]
    hover = style.wrap_hover(
        "<b>Where back mice are usually felt (schematic)</b> "
        "Described over the sacroiliac region (Pace & Henning 1972; Bicket 2016) and, on "
        "ultrasound, near the PSIS (Tiegs-Heiden 2018). 'Back mouse' is Curtis's 1993 "
        "name. The outline is drawn by hand, not measured. "
        "[pace1972, bicket2016, tiegsheiden2018, curtis1993]",
        64,
    )
    trace = _zone(
        points,
        "Back-mouse area (schematic)",
        hover,
        (18, "Back mice", "bottom center"),
        color=style.colour(0),
        width=2,
        dash="dot",
    )
    trace.fillcolor = "rgba(86, 180, 233, 0.3)"
    trace.visible = visible
    return trace


def _psis_trace() -> go.Scatter:
    """The PSIS, at a schematic position."""
    return go.Scatter(
        x=[PSIS[0]],
        y=[PSIS[1]],
        mode="markers+text",
        name="PSIS (position schematic)",
        text=["PSIS"],
        textposition="bottom right",
        textfont={"size": 12},
        hovertext=[
            "<b>Posterior superior iliac spine (PSIS)</b><br>Position schematic: the "
            "studies give no PSIS-to-midline distance.<br>Studies measured only from the "
            "PSIS are in the forest plot."
        ],
        hoverinfo="text",
        marker={
            "size": 11,
            "symbol": "hexagon-open",
            "color": style.TEXT,
            "line": {"width": 2},
        },
    )


def _nerve_trace(state: dict[str, Any], visible: bool) -> go.Scatter:
    """Schematic nerve courses through each crossing, down towards the buttock."""
    x, y = state["nerves"]
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name="Nerves (schematic course)",
        line={"color": style.colour(4), "width": 1.5, "shape": "spline", "smoothing": 0.5},
        opacity=0.8,
        hoverinfo="skip",
        visible=visible,
        error_x={"visible": False},
    )


def _label_trace(state: dict[str, Any]) -> go.Scatter:
    """The row labels, in a column right of the error bars."""
    return go.Scatter(
        x=[LABEL_X] * len(state["heights"]),
        y=state["heights"],
        mode="text",
        text=state["labels"],
        textposition="middle right",
        textfont={"size": 12, "color": style.TEXT},
        hoverinfo="skip",
        showlegend=False,
        error_x={"visible": False},
    )


#: Trace order on the map: layers first (drawn underneath), then the data.
BACK_MICE_TRACE, TUNNEL_TRACE, PSIS_TRACE, NERVE_TRACE, LABEL_TRACE = range(5)
POINT_TRACES: tuple[int, ...] = tuple(range(5, 5 + len(CATEGORIES)))


def _study_update(rows: Sequence[Row], study: str) -> dict[str, Any]:
    """Restyle data for the nerve, label and point traces when ``study`` is chosen."""
    state = _map_state(rows, study)
    pts = state["points"]
    nerve_x, nerve_y = state["nerves"]
    label_x = [LABEL_X] * len(state["heights"])
    return {
        "x": [nerve_x, label_x, *(pts[c]["x"] for c in CATEGORIES)],
        "y": [nerve_y, state["heights"], *(pts[c]["y"] for c in CATEGORIES)],
        "text": [None, state["labels"], *(None for _ in CATEGORIES)],
        "hovertext": [None, None, *(pts[c]["hover"] for c in CATEGORIES)],
        "marker.symbol": [None, None, *(pts[c]["symbol"] for c in CATEGORIES)],
        "error_x.array": [None, None, *(pts[c]["plus"] for c in CATEGORIES)],
        "error_x.arrayminus": [None, None, *(pts[c]["minus"] for c in CATEGORIES)],
    }


def _study_menu(rows: Sequence[Row], studies: Sequence[str], active: int) -> dict[str, Any]:
    """Dropdown: which study's crossings (and nerves) the map shows."""
    trace_ids = [NERVE_TRACE, LABEL_TRACE, *POINT_TRACES]
    buttons = []
    for name in (ALL, *studies):
        heights = _map_state(rows, name)["heights"]
        data = _study_update(rows, name)
        layout = {"yaxis.tickvals": heights}
        buttons.append({"label": name, "method": "update", "args": [data, layout, trace_ids]})
    return {
        "buttons": buttons,
        "active": active,
        "x": 0,
        "xanchor": "left",
        "y": 1.0,
        "yanchor": "bottom",
        "pad": {"b": 6},
    }


def _toggle(label: str, trace_id: int, on: bool, x: float) -> dict[str, Any]:
    """A one-button menu: a click shows the layer, a second click hides it again.

    The button is highlighted while its layer is shown (``active`` 0, else -1).
    """
    return {
        "type": "buttons",
        "buttons": [
            {
                "label": label,
                "method": "restyle",
                "args": [{"visible": True}, [trace_id]],
                "args2": [{"visible": False}, [trace_id]],
            }
        ],
        "active": 0 if on else -1,
        "showactive": True,
        "x": x,
        "xanchor": "left",
        "y": 1.0,
        "yanchor": "bottom",
        "pad": {"b": 6},
    }


def map_figure(
    study: str = ALL,
    nerves: bool = True,
    tunnel: bool = False,
    back_mice: bool = False,
) -> BookFigure:
    """A schematic map of the posterior pelvis with the crest crossings.

    Shows, on one side of a schematic pelvis seen from behind, where each study
    puts the superior cluneal nerves as they cross the iliac crest, measured from
    the midline (mean ± reported spread, or a range). ``study`` picks the study
    shown first (:data:`ALL` or one of :func:`map_studies`); ``nerves``, ``tunnel``
    and ``back_mice`` pick the schematic layers shown first. The figure's own
    dropdown and toggle buttons change all of these in the browser.
    """
    rows = load()
    studies = map_studies(rows)
    check_choice("study", study, (ALL, *studies))
    _check_flag("nerves", nerves)
    _check_flag("tunnel", tunnel)
    _check_flag("back_mice", back_mice)
    state = _map_state(rows, study)
    traces = [
        _back_mice_trace(back_mice),
        _tunnel_trace(rows, tunnel),
        _psis_trace(),
        _nerve_trace(state, nerves),
        _label_trace(state),
        *(_point_trace(c, state) for c in CATEGORIES),
    ]
    midline_rows = _map_rows(rows, ALL)
    low, high = tunnel_span(rows)
    columns, table = _table(midline_rows)
    fig = BookFigure(
        data=traces,
        caption=(
            "Schematic map of the back of the pelvis, right side seen from behind; not to "
            "scale of any one person. Each marker is a study's distance from the midline to "
            "where a superior cluneal nerve branch crosses the iliac crest, with the spread "
            "the study printed (Maigne 1989 gave a range, drawn as a bar with an open "
            "marker). Markers are lifted into rows above the crest so that they do not "
            "overlap: only their horizontal position is data. Kuniya 2014's 70 mm is a "
            "clinical examination criterion, not a dissection. The crest outline, the PSIS "
            "position, the nerve courses, the osteofibrous tunnel zone (drawn over the "
            f"span of medial-branch crossings, {low:.0f}–{high:.0f} mm; tunnels described "
            "by Lu 1998, Kuniya 2013 and Konno 2017) and the back-mouse area (over the "
            "sacroiliac region near the PSIS, as described by Pace & Henning 1972, Bicket "
            "2016 and Tiegs-Heiden 2018) are all schematic. Studies that measured only "
            "from the PSIS are in the forest plot."
        ),
        alt=(
            "Schematic outline of the sacrum and right ilium with the midline at 0 cm. "
            f"{len(midline_rows)} distances from the midline, from {len(studies)} sources "
            "(one a clinical criterion), sit between about 6.5 and 9 cm: Iwanaga 2019's groove "
            "(65.3 ± 8.2 mm) is the most medial, Loubser 2017's lateral branch "
            "(89.5 ± 4.5 mm) the most lateral; Maigne 1989's 70 to 80 mm range, Maigne "
            "1991's 70 mm and Kuniya 2014's 70 mm clinical criterion lie between. "
            "Optional layers draw schematic nerve courses, a tunnel zone on the crest and "
            "the area near the PSIS where back mice are usually felt."
        ),
        columns=columns,
        rows=table,
    )
    fig.update_layout(
        template=style.template(),
        height=800,
        title={
            "text": "Where the superior cluneal nerves cross the iliac crest",
            "subtitle": {
                "text": "Schematic, not to scale of any one person · one side, seen from behind",
                "font": {"size": 13},
            },
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
        },
        xaxis={
            "range": list(X_RANGE),
            "tickvals": list(range(0, int(X_RANGE[1]) + 1)),
            "title": {"text": "Distance from the midline (cm)"},
            "showgrid": True,
            "zeroline": False,
        },
        yaxis={
            "range": list(Y_RANGE),
            "tickvals": state["heights"],
            "showticklabels": False,
            "showgrid": True,
            "griddash": "dot",
            "showline": False,
        },
        shapes=_anatomy_shapes(),
        annotations=_anatomy_labels(),
        updatemenus=[
            _study_menu(rows, studies, (ALL, *studies).index(study)),
            _toggle("Nerves", NERVE_TRACE, nerves, 0.25),
            _toggle("Tunnel zone", TUNNEL_TRACE, tunnel, 0.36),
            _toggle("Back-mouse area", BACK_MICE_TRACE, back_mice, 0.525),
        ],
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 12},
            "entrywidth": 0.5,
            "entrywidthmode": "fraction",
        },
        margin={"t": 110, "b": 175, "l": 15, "r": 15},
        hoverlabel={"align": "left"},
    )
    return fig


# ----------------------------------------------------------------------------
# The forest plot
# ----------------------------------------------------------------------------


def _forest_rows(rows: Sequence[Row], reference: str) -> list[Row]:
    """The rows measured from ``reference``, in file order."""
    return [r for r in rows if r["reference"] == reference]


def _flags(row: Row) -> str:
    """What a reader should know about a row before comparing it."""
    flags = []
    if row["kind"] == "clinical":
        flags.append("clinical criterion, not cadaveric")
    elif row["branch"] == "unspecified":
        flags.append("branch not stated")
    else:
        flags.append(row["branch"])
    if is_range(row):
        flags.append("range, no SD")
    elif row["sd_mm"] is None and row["kind"] == "cadaver":
        flags.append("no SD")
    if "by their order" in (row["note"] or ""):
        flags.append("named by order")
    return ", ".join(flags)


def _forest_tick(row: Row) -> str:
    """Two-line row label: study and n; then branch and flags, smaller."""
    return f"{row['study']} · {_n_text(row)}<br><span style='font-size:11px'>{_flags(row)}</span>"


def _forest_traces(rows: Sequence[Row], reference: str, visible: bool) -> list[go.Scatter]:
    """Marker traces (one per branch group) for one reference."""
    shown = _forest_rows(rows, reference)
    traces = []
    for cat in CATEGORIES:
        members = [(i, r) for i, r in enumerate(shown) if category(r) == cat]
        if not members:
            continue
        colour_index, _ = _CATEGORY_STYLE[cat]
        plus = [spread(r)[0] for _, r in members]
        minus = [spread(r)[1] for _, r in members]
        traces.append(
            go.Scatter(
                x=[round(centre(r), 2) for _, r in members],
                y=[i for i, _ in members],
                mode="markers",
                name=SHORT_LABELS[cat],
                legendgroup=cat,
                meta=reference,
                hovertext=[_hover(r) for _, r in members],
                hoverinfo="text",
                marker={
                    "size": 12,
                    "color": style.colour(colour_index),
                    "symbol": [_marker_symbol(r) for _, r in members],
                    "line": {"width": 1.5, "color": style.colour(colour_index)},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": plus,
                    "arrayminus": minus,
                    "color": style.colour(colour_index),
                    "thickness": 2,
                    "width": 6,
                },
                visible=visible,
            )
        )
    return traces


def _forest_axes(rows: Sequence[Row], reference: str) -> dict[str, Any]:
    """Layout changes for one reference: row labels, values column, x title."""
    shown = _forest_rows(rows, reference)
    ticks = list(range(len(shown)))
    span = [len(shown) - 0.5, -0.5]
    return {
        "yaxis.tickvals": ticks,
        "yaxis.ticktext": [_forest_tick(r) for r in shown],
        "yaxis.range": span,
        "yaxis2.tickvals": ticks,
        "yaxis2.ticktext": [_short_value(r) for r in shown],
        "yaxis2.range": span,
        "xaxis.title.text": f"Distance from {REFERENCE_LABELS[reference]} (mm)",
    }


#: Left margin (px) of the forest plot: room for the longest two-line row label, the
#: same for both references so the plot does not jump when the menu switches them.
FOREST_LEFT = 235


def forest_figure(reference: str = "midline") -> BookFigure:
    """The studies side by side: distance of the crossings from one reference point.

    ``reference`` is ``"midline"`` or ``"psis"`` and picks the reference shown
    first; the figure's dropdown switches between them in the browser. Each row is
    one study and branch, with n; markers show the mean (open markers: the middle
    of a reported range) and bars the spread each study printed.
    """
    check_choice("reference", reference, REFERENCES)
    rows = load()
    traces: list[go.Scatter] = []
    owner: list[str] = []
    for ref in REFERENCES:
        made = _forest_traces(rows, ref, ref == reference)
        traces += made
        owner += [ref] * len(made)
    # An invisible point on the right-hand axis, so that axis (the values) is drawn.
    anchor = go.Scatter(
        x=[None], y=[0], yaxis="y2", showlegend=False, hoverinfo="skip", mode="markers"
    )
    buttons = []
    for ref in REFERENCES:
        visible = [o == ref for o in owner] + [True]
        label = f"From {REFERENCE_LABELS[ref]}"
        buttons.append(
            {
                "label": label,
                "method": "update",
                "args": [{"visible": visible}, _forest_axes(rows, ref)],
            }
        )
    table_rows = [r for ref in REFERENCES for r in _forest_rows(rows, ref)]
    most = max(len(_forest_rows(rows, ref)) for ref in REFERENCES)
    fig = BookFigure(
        data=[*traces, anchor],
        caption=(
            "Reported distances of the superior cluneal nerve crest crossings, from the "
            "midline or from the PSIS (use the menu). Markers show means (open marker: the "
            "middle of a reported range, Maigne 1989) and bars the spread each study printed "
            "(SD where the study says so, otherwise the bare ± value). Branch is shown by "
            "marker shape. Tubbs 2010 gave three unnamed means, placed medial to lateral by "
            "their order. Kuniya 2014's 70 mm is a clinical criterion, not a cadaver "
            "measurement. Units of n differ: cadavers, sides, ilia or dissections."
        ),
        alt=(
            "Forest plot. From the midline: Maigne 1989 70 to 80 mm (range), Maigne 1991 "
            "70 mm, Lu 1998 81.0 ± 9.2 mm, Loubser 2017 77.9 ± 4.2, 79.6 ± 4.4 and "
            "89.5 ± 4.5 mm (medial, intermediate, lateral), Iwanaga 2019 65.3 ± 8.2 mm, "
            "Loubser (SAJAA) 72.1 ± 10.2 mm, and Kuniya 2014's clinical criterion of 70 mm. "
            "From the PSIS: Lu 1998 64.7 ± 5.3 mm, Tubbs 2010 50, 65 and 73 mm, "
            "Sittitavornwong 2013 57 ± 12.2 mm, Loubser 2017 72.6 ± 4.2, 76.6 ± 4.4 and "
            "79.6 ± 4.4 mm, Iwanaga 2019 45.2 ± 11.2 mm and Loubser (SAJAA) 69.6 ± 15.0 mm."
        ),
        columns=_table(table_rows)[0],
        rows=_table(table_rows)[1],
    )
    axes = _forest_axes(rows, reference)
    fig.update_layout(
        template=style.template(),
        height=200 + 46 * most,
        title={
            "text": "Superior cluneal nerve crossings: the studies compared",
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
        },
        xaxis={
            "range": [30, 100],
            "dtick": 10,
            "title": {"text": axes["xaxis.title.text"]},
            "showgrid": True,
        },
        yaxis={
            "tickvals": axes["yaxis.tickvals"],
            "ticktext": axes["yaxis.ticktext"],
            "range": axes["yaxis.range"],
            "tickfont": {"size": 12},
            "showgrid": True,
            "automargin": False,
        },
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickvals": axes["yaxis2.tickvals"],
            "ticktext": axes["yaxis2.ticktext"],
            "range": axes["yaxis2.range"],
            "tickfont": {"size": 12},
            "showgrid": False,
            "automargin": True,
        },
        updatemenus=[
            {
                "buttons": buttons,
                "active": REFERENCES.index(reference),
                "x": 0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
                "pad": {"b": 6},
            }
        ],
        annotations=[
            {
                "text": "mean ± (mm)",
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        ],
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 12},
        },
        margin={"t": 95, "b": 135, "l": FOREST_LEFT, "r": 100},
        hoverlabel={"align": "left"},
    )
    return fig


# ----------------------------------------------------------------------------
# Live app
# ----------------------------------------------------------------------------


def app(figure: str = "map") -> Any:
    """Live version (needs a kernel): ``figure="map"`` or ``figure="forest"``.

    The map app has a study dropdown and three layer checkboxes; the forest app has
    a reference dropdown.
    """
    check_choice("figure", figure, ("map", "forest"))
    import ipywidgets as w

    from .live import LiveApp

    if figure == "map":
        controls = {
            "study": w.Dropdown(options=[ALL, *map_studies()], description="Study"),
            "nerves": w.Checkbox(value=True, description="Nerves (schematic)"),
            "tunnel": w.Checkbox(value=False, description="Tunnel zone (schematic)"),
            "back_mice": w.Checkbox(value=False, description="Back-mouse area (schematic)"),
        }
        return LiveApp(controls, map_figure, "Superior cluneal nerves at the iliac crest")
    controls = {
        "reference": w.Dropdown(
            options=[("Midline", "midline"), ("PSIS", "psis")], description="From"
        )
    }
    return LiveApp(controls, forest_figure, "Superior cluneal nerve crossings compared")
