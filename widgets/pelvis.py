"""The schematic pelvis behind the landmarks map (chapter 2).

One side of the back of the pelvis seen from behind, in centimetres (x: from the
midline; y: up), with the optional zones drawn on it. None of it is measured: it
only gives the measured nerve crossings (:mod:`widgets.landmarks`) a recognisable
setting.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from . import style

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


def spaced(low: float, high: float, count: int) -> list[float]:
    """``count`` evenly spaced values from ``low`` to ``high`` inclusive."""
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def _path(points: Iterable[tuple[float, float]]) -> str:
    """An SVG path through ``points``, closed."""
    pts = list(points)
    head = f"M{pts[0][0]},{pts[0][1]}"
    return head + "".join(f"L{x},{y}" for x, y in pts[1:]) + "Z"


def anatomy_shapes() -> list[dict[str, Any]]:
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


def anatomy_labels(narrow: bool = False) -> list[dict[str, Any]]:
    """Static labels on the map (smaller, and the last one shorter, on a phone)."""
    small = {"size": 10 if narrow else 12, "color": style.TEXT}
    labels = [
        (0.25, Y_RANGE[1] - 0.3, "Midline", "top", "left"),
        (13.5, 3.6, "Iliac crest", "middle", "left"),
        (9.8, -1.5, "Ilium", "middle", "center"),
        (0, -7.2, "Sacrum", "middle", "center"),
        (11.0, -9.6, "↓ buttock" if narrow else "↓ towards the buttock", "bottom", "left"),
    ]
    return [
        {
            "x": x,
            "y": y,
            "text": text,
            "xref": "x",
            "yref": "y",
            "yanchor": yanchor,
            "xanchor": xanchor,
            "font": small,
        }
        for x, y, text, yanchor, xanchor in labels
    ]


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


def tunnel_zone(span_mm: tuple[float, float], visible: bool) -> go.Scatter:
    """The osteofibrous tunnel zone: a band along the crest over ``span_mm`` from the midline."""
    low, high = (v / 10 for v in span_mm)
    xs = spaced(low, high, 9)
    upper = [(x, crest_height(x) + TUNNEL_HALF_WIDTH) for x in xs]
    lower = [(x, crest_height(x) - TUNNEL_HALF_WIDTH) for x in xs[::-1]]
    hover = style.wrap_hover(
        "<b>Osteofibrous tunnel zone (schematic)</b> "
        f"Drawn over the span of reported medial-branch crossings ({low * 10:.0f}–"
        f"{high * 10:.0f} mm from the midline). Lu 1998: the medial branch runs in a tunnel "
        "of thoracolumbar fascia and crest rim, constricted in 2 specimens (15 cadavers). "
        "Kuniya 2013: at least one branch ran in a tunnel in 61 of 109 specimens (56%), the "
        "medial branch in 42 (39%). Konno 2017: 13 of 81 branches passed through a tunnel, "
        "10 of them visibly entrapped. ",
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


def back_mouse_area(visible: bool) -> go.Scatter:
    """Where back mice are usually described: around the PSIS and sacroiliac region."""
    (cx, cy), (rx, ry) = BACK_MICE_CENTRE, BACK_MICE_RADII
    angles = spaced(0, 2 * math.pi, 25)[:-1]
    points = [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]
    hover = style.wrap_hover(
        "<b>Where back mice are usually felt (schematic)</b> "
        "Described over the sacroiliac region (Pace & Henning 1972; Bicket 2016) and, on "
        "ultrasound, near the PSIS (Tiegs-Heiden 2018). 'Back mouse' is Curtis's 1993 "
        "name. The outline is drawn by hand, not measured. "
        "",
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


def psis_marker() -> go.Scatter:
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
