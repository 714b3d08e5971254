"""The schematic pelvis, one side seen from behind, behind the landmarks map (chapter 2).

In cm (x: from the midline; y: up). Not measured: it only gives the crossings a setting.
What the hovers of its schematic zones cite is in ``data/pelvis.csv``, one statement a row.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .data import Cites, Model, citation, load_rows, require, row_model

Points = Sequence[tuple[float, float]]
YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b")


@row_model
class ZoneNote(Model):
    """One cited statement in the hover of a schematic zone of the map."""

    UNIQUE = ("zone", "text")

    zone: Literal["back_mice", "tunnel"]
    text: str
    source: Cites

    def check(self) -> None:
        """The text names no year: its citation is printed from ``source``."""
        require(not YEAR.search(self.text), "text", "cites by hand; the source column is cited")

    @property
    def sentence(self) -> str:
        """The statement with its citations, as the hover prints it."""
        return f"{self.text} ({'; '.join(map(citation, self.source))})."


def load() -> list[ZoneNote]:
    """The validated rows of ``data/pelvis.csv``, in file order."""
    return load_rows("pelvis", ZoneNote)


def _notes(zone: str) -> str:
    """The cited statements of one ``zone``, one sentence each."""
    return " ".join(row.sentence for row in load() if row.zone == zone)


def _outline(text: str) -> Points:
    """The points of an SVG-style ``"x,y x,y ..."`` string."""
    pairs = (pair.split(",") for pair in text.split())
    return tuple((float(x), float(y)) for x, y in pairs)


#: The posterior iliac crest, from the PSIS laterally; then the ilium back to the PSIS.
CREST: Points = _outline("3.5,-1 4.2,1.2 5.5,2.8 7,3.9 8.5,4.6 10,4.9 11.5,4.8 12.8,4.2")
ILIUM: Points = (*CREST, *_outline("13.3,1 12.9,-3 10.5,-5.8 7.5,-7.2 5.6,-6.3 4.6,-4.2 3.9,-2.6"))
SACRUM: Points = _outline("-3.4,0.5 3.4,0.5 3.8,-1.5 3,-5 1.2,-8.5 -1.2,-8.5 -3,-5 -3.8,-1.5")
PSIS: tuple[float, float] = CREST[0]
X_RANGE: tuple[float, float] = (-4.5, 17.8)
Y_RANGE: tuple[float, float] = (-9.8, 15.6)
ROW_BASE = 6.6  # height of the lowest row of markers, above the crest; rows 1 cm apart
LABEL_X = 10.0  # where the row labels start, right of every error bar
NERVE_TOP = 15.0


def crest_height(x_cm: float) -> float:
    """Height (cm) of the crest at ``x_cm``: linear between its points, flat beyond its ends."""
    for (x0, y0), (x1, y1) in itertools.pairwise(CREST):
        if x0 <= x_cm <= x1:
            return y0 + (y1 - y0) * (x_cm - x0) / (x1 - x0)
    return CREST[0][1] if x_cm < CREST[0][0] else CREST[-1][1]


def _path(points: Points, end: str = "Z") -> str:
    """An SVG path through ``points``, closed unless ``end`` is empty."""
    return "M" + "L".join(f"{x},{y}" for x, y in points) + end


#: The buttock label, and a shorter wording for where space is short.
BUTTOCK = "↓ towards the buttock"
SHORT = {BUTTOCK: "↓ buttock"}


def anatomy() -> dict[str, list[dict[str, Any]]]:
    """Layout shapes (sacrum, ilia, spinous processes, midline, crest) and their labels."""
    bone = {"fillcolor": "#eeeeee", "line": {"color": "#555555", "width": 1}}
    midline = {"color": style.TEXT, "width": 1.5, "dash": "dash"}
    shapes = [
        {"type": "path", "path": _path(SACRUM), **bone, "fillcolor": "#f5f5f5"},
        {"type": "path", "path": _path(ILIUM), **bone},
        {"type": "path", "path": _path(tuple((-x, y) for x, y in ILIUM)), **bone},
        *(
            {"type": "rect", "x0": -0.5, "x1": 0.5, "y0": y - 0.7, "y1": y + 0.7, **bone}
            for y in (1.8, 4.4, 7.0, 9.6)
        ),
        {"type": "line", "x0": 0, "x1": 0, "y0": Y_RANGE[0], "y1": NERVE_TOP, "line": midline},
        {"type": "path", "path": _path(CREST, ""), "line": {"color": style.TEXT, "width": 3}},
    ]
    labels = [
        (0.25, Y_RANGE[1] - 0.3, "Midline", "top", "left"),
        (13.5, 3.6, "Iliac crest", "middle", "left"),
        (9.8, -1.5, "Ilium", "middle", "center"),
        (0, -7.2, "Sacrum", "middle", "center"),
        (11.0, -9.6, BUTTOCK, "bottom", "left"),
    ]
    keys = ("x", "y", "text", "yanchor", "xanchor")
    font = {"size": 12, "color": style.TEXT}
    annotations = [
        dict(zip(keys, row, strict=True), xref="x", yref="y", font=font) for row in labels
    ]
    return {"shapes": [{**shape, "layer": "below"} for shape in shapes], "annotations": annotations}


def _zone(points: Points, label: tuple[int, str], hover: str, **trace: Any) -> go.Scatter:
    """A shaded closed polygon, labelled at vertex ``label[0]``, with its own hover text."""
    xs = [round(x, 2) for x, _ in points]
    ys = [round(y, 2) for _, y in points]
    return go.Scatter(
        x=[*xs, xs[0]],
        y=[*ys, ys[0]],
        mode="lines+text",
        text=[label[1] if i == label[0] else "" for i in range(len(xs) + 1)],
        textposition="bottom center",
        textfont={"size": 12, "color": style.TEXT},
        fill="toself",
        hoveron="fills+points",
        hovertemplate=style.wrap_hover(hover, 64) + "<extra></extra>",
        **trace,
    )


def traces(span: Sequence[float], crest_x: list[float], shown: dict[str, bool]) -> list[go.Scatter]:
    """Back-mouse area, tunnel zone over ``span`` (mm), PSIS, nerves through each ``crest_x``."""
    angles = [2 * math.pi * i / 24 for i in range(24)]
    area = [(4.0 + 2.2 * math.cos(a), -0.8 + 2.8 * math.sin(a)) for a in angles]
    low, high = (v / 10 for v in span)
    xs = [low + (high - low) * i / 8 for i in range(9)]
    band = [(x, crest_height(x) + d) for d, side in ((0.55, xs), (-0.55, xs[::-1])) for x in side]
    x: list[float | None] = []
    y: list[float | None] = []
    for at in crest_x:  # each nerve from the top of the plot, over the crest, to its end
        crest = round(crest_height(at), 2)
        x += [at, at, round(at + 0.7, 2), round(at + 1.5, 2), None]
        y += [NERVE_TOP, crest, round(crest - 3.5, 2), -9.0, None]
    psis = {"size": 11, "symbol": "hexagon-open", "color": style.TEXT, "line": {"width": 2}}
    course = {"color": style.colour(4), "width": 1.5, "shape": "spline", "smoothing": 0.5}
    return [
        _zone(
            area,
            (18, "Back mice"),
            f"<b>Where back mice are usually felt (schematic)</b> {_notes('back_mice')} The "
            "outline is drawn by hand, not measured.",
            name="Back-mouse area (schematic)",
            line={"color": style.colour(0), "width": 2, "dash": "dot"},
            fillcolor="rgba(86, 180, 233, 0.3)",
            visible=shown["back_mice"],
        ),
        _zone(
            band,
            (13, "Tunnel zone"),
            "<b>Osteofibrous tunnel zone (schematic)</b> Drawn over the span of reported "
            f"medial-branch crossings ({low * 10:.0f}–{high * 10:.0f} mm from the midline). "
            + _notes("tunnel"),
            name="Osteofibrous tunnel zone (schematic)",
            line={"color": style.colour(1), "width": 1.5},
            fillcolor="rgba(213, 94, 0, 0.35)",
            fillpattern={"shape": "/", "fgcolor": style.colour(1), "size": 6},
            visible=shown["tunnel"],
        ),
        go.Scatter(
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
            marker=psis,
        ),
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            name="Nerves (schematic course)",
            line=course,
            opacity=0.8,
            hoverinfo="skip",
            visible=shown["nerves"],
        ),
    ]
