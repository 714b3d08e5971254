"""Where the superior cluneal nerves cross the iliac crest (chapter 2, landmarks).

``data/landmarks.csv`` holds one distance per row, reported by a cadaver study (or a
clinical criterion) from the midline or the posterior superior iliac spine (PSIS), as a
mean with the spread as printed or as a range. :func:`map_figure` draws the midline
crossings on the schematic pelvis of :mod:`widgets.pelvis`; :func:`forest_figure` sets
the studies side by side.
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
SPREAD_LABELS: tuple[str, ...] = ("SD", "±")  # the spread as printed: an SD, or a bare ±
ALL = "All studies"
REFERENCE_LABELS: dict[str, str] = {"midline": "the midline", "psis": "the PSIS"}
#: Plotting groups: the four branch values, plus the clinical criterion on its own.
GROUPS: tuple[str, ...] = (*BRANCHES, "clinical")
GROUP_LABELS: dict[str, str] = {
    **{branch: f"{branch.capitalize()} branch" for branch in BRANCHES[:3]},
    "unspecified": "Branch not stated",
    "clinical": "Clinical criterion (not cadaveric)",
}
SHORT_LABELS: dict[str, str] = {**GROUP_LABELS, "clinical": "Clinical criterion"}
COLOURS: dict[str, str] = {g: style.colour(i) for g, i in zip(GROUPS, (0, 1, 2, 3, 7), strict=True)}
SYMBOLS: dict[str, str] = {g: style.symbol(i) for g, i in zip(GROUPS, (0, 1, 2, 3, 6), strict=True)}
FOREST_LEFT = 235  # px: room for the longest row label, the same for both references


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
        mean, sd, low, high = self.mean_mm, self.sd_mm, self.low_mm, self.high_mm
        require((low is None) == (high is None), "high_mm", "give low_mm and high_mm together")
        require(low is None or low <= high, "high_mm", f"{high} is below low_mm {low}")
        require(mean is not None or low is not None, "mean_mm", "give a mean or a range")
        inside = mean is None or low is None or low <= mean <= high
        require(inside, "mean_mm", f"{mean} lies outside the range {low}-{high}")
        require(sd is None or mean is not None, "sd_mm", "is given without mean_mm")
        paired = (sd is None) == (self.spread is None)
        require(paired, "spread", "must be given exactly when sd_mm is given")
        fits = (self.kind == "clinical") == (self.unit == "patients")
        require(fits, "unit", f"{self.unit!r} does not fit kind {self.kind!r}")

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
    medial = [
        r for r in rows if (r.reference, r.branch, r.kind) == ("midline", "medial", "cadaver")
    ]
    return min(r.centre for r in medial), max(r.centre for r in medial)


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


def _list_values(rows: Sequence[CrossingRow]) -> str:
    """Rows as words, e.g. ``Lu 1998 medial 81.0 ± 9.2 mm (± as printed)``."""
    return "; ".join(f"{r.study} {r.branch} {value_text(r)}" for r in rows)


def _groups(rows: Sequence[CrossingRow], ys: Sequence[Any], scale: float) -> dict[str, list[Dot]]:
    """The rows as dots at ``ys`` by plotting group (``scale`` 0.1 turns mm into cm)."""
    by_group: dict[str, list[Dot]] = {group: [] for group in GROUPS}
    for row, y in zip(rows, ys, strict=True):
        low, high = (None if edge is None else edge * scale for edge in row.bounds)
        what = "Clinical criterion" if row.kind == "clinical" else GROUP_LABELS[row.group]
        note = f"<br><i>{style.wrap_hover(row.note)}</i>" if row.note else ""
        cites = "<br>".join(citation(key) for key in row.source)
        hover = (
            f"<b>{row.study}</b> · {what}<br>From {REFERENCE_LABELS[row.reference]}: "
            f"{value_text(row)}<br>{row.size} · {row.kind} study{note}<br>{cites}"
        )
        dot = Dot(row.centre * scale, y, low, high, hover, SYMBOLS[row.group], row.is_range)
        by_group[row.group].append(dot)
    return by_group


def _table(rows: Sequence[CrossingRow]) -> dict[str, Any]:
    """The data table that goes with both figures, as BookFigure arguments."""
    columns = ("Study", "Specimens", "Branch", "From", "Mean (mm)", "± (mm)", "Range (mm)")
    body = []
    for r in rows:
        size, where = f"{r.specimens} {r.unit}", "PSIS" if r.reference == "psis" else "midline"
        sd = None if r.sd_mm is None else f"{r.sd_mm:g} ({r.spread})"
        span = None if r.low_mm is None else f"{r.low_mm:g}–{r.high_mm:g}"
        body.append((r.study, size, r.branch, where, r.mean_mm, sd, span, r.kind, r.source))
    return {"columns": (*columns, "Kind", "Source"), "rows": body}


def _lay_out(fig: go.Figure, narrow: bool, margin: Sequence[int], **layout: Any) -> None:
    """Layout shared by both figures: margins (top, bottom, left, right), legend at the foot."""
    legend = {
        "y": 0,
        "yref": "container",
        "yanchor": "bottom",
        "font": {"size": 11 if narrow else 12},
    }
    fig.update_layout(
        template=style.template(),
        legend=legend | layout.pop("legend", {}),
        margin=dict(zip("tblr", margin, strict=True)),
        **layout,
    )


# -------------------------------------------------------------------------- map


def _map_label(row: CrossingRow, rows: Sequence[CrossingRow], narrow: bool) -> str:
    """Row label: study (and branch when it has several rows) with n; short on a phone."""
    several = sum(r.study == row.study for r in rows) > 1
    clinical = row.kind == "clinical"
    if narrow:
        branch = f" {row.branch[:3]}." if several else ""
        return row.study + branch + (" (clinical)" if clinical else "")
    branch = f", {row.branch}" if several else ""
    return f"{row.study}{branch} · {'clinical, ' if clinical else ''}n={row.specimens}"


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
    ordered = sorted((r for r in rows if r.reference == "midline"), key=lambda r: r.centre)
    return (
        "Schematic outline of the sacrum and right ilium with the midline at 0 cm. "
        f"{style.count(len(ordered), 'distance')} from the midline, from "
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
    shown = [r for r in rows if r.reference == "midline" and study in (ALL, r.study)]
    heights = [pelvis.ROW_BASE + (len(shown) - 1 - i) * pelvis.ROW_STEP for i in range(len(shown))]
    x: list[float | None] = []
    y: list[float | None] = []
    for row in shown:  # schematic nerve courses through each crossing, down to the buttock
        at = round(row.centre / 10, 2)
        crest = round(pelvis.crest_height(at), 2)
        x += [at, at, round(at + 0.7, 2), round(at + 1.5, 2), None]
        y += [pelvis.NERVE_TOP, crest, round(crest - 3.5, 2), pelvis.NERVE_END, None]
    course = {"color": style.colour(4), "width": 1.5, "shape": "spline", "smoothing": 0.5}
    fig = BookFigure(
        data=[
            *pelvis.layers(tunnel_span(rows), tunnel, back_mice),
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name="Nerves (schematic course)",
                line=course,
                opacity=0.8,
                hoverinfo="skip",
                visible=nerves,
            ),
            go.Scatter(
                x=[pelvis.LABEL_X] * len(shown),
                y=heights,
                mode="text",
                text=[_map_label(r, shown, narrow) for r in shown],
                textposition="middle right",
                textfont={"size": 10 if narrow else 12, "color": style.TEXT},
                hoverinfo="skip",
                showlegend=False,
            ),
            *(
                dots(GROUP_LABELS[group], group_dots, COLOURS[group], cap=5)
                for group, group_dots in _groups(shown, heights, 0.1).items()
            ),
        ],
        caption=_map_caption(rows),
        alt=_map_alt(rows),
        **_table([r for r in rows if r.reference == "midline"]),
    )
    subtitle = "Schematic, not to scale" + (
        " · one side, from behind" if narrow else " of any one person · one side, seen from behind"
    )
    ticks = list(range(0, int(pelvis.X_RANGE[1]) + 1, 2 if narrow else 1))
    _lay_out(
        fig,
        narrow,
        (175, 215, 15, 15) if narrow else (110, 175, 15, 15),
        height=800,
        title=style.title(
            "Where the superior cluneal nerves cross the iliac crest",
            narrow,
            subtitle={"text": subtitle, "font": {"size": 13}},
            y=0.985,
        ),
        xaxis={"range": list(pelvis.X_RANGE), "tickvals": ticks, "showgrid": True},
        xaxis_title_text="Distance from the midline (cm)",
        yaxis={"range": list(pelvis.Y_RANGE), "tickvals": heights, "showticklabels": False},
        yaxis_showgrid=True,
        yaxis_griddash="dot",
        yaxis_showline=False,
        shapes=pelvis.anatomy_shapes(),
        annotations=pelvis.anatomy_labels(narrow),
        legend={"entrywidth": None if narrow else 0.5, "entrywidthmode": "fraction"}
        | {"orientation": "v" if narrow else "h"},
    )
    return fig


def _toggle_at(x: float, narrow_x: float) -> dict[str, Any]:
    """A layer toggle: in the row of controls above the map (a second row on a phone)."""
    small = {"x": narrow_x, "y": 1.0, "pad": {"b": 6}, "font": {"size": 12}}
    return {"place": {"x": x, "y": 1.0, "pad": {"b": 6}}, "narrow": {"place": small}}


MAP = Interactive(
    draw_map,
    {
        "study": Option(
            (ALL, *map_studies()),
            "Study",
            place={"y": 1.0, "pad": {"b": 6}},
            narrow={"place": {"y": 1.0, "pad": {"b": 44}}},
        ),
        "nerves": flag("Nerves", **_toggle_at(0.26, 0)),
        "tunnel": flag("Tunnel zone", **_toggle_at(0.385, 0.23)),
        "back_mice": flag("Back-mouse area", **_toggle_at(0.565, 0.56)),
    },
)


def map_figure(
    study: str = ALL, nerves: bool = True, tunnel: bool = False, back_mice: bool = False
) -> BookFigure:
    """A schematic map of the posterior pelvis with the crest crossings from the midline.

    ``study`` (:data:`ALL` or one of :func:`map_studies`) and the schematic layers
    ``nerves``, ``tunnel`` and ``back_mice`` pick what is shown first; the figure's
    own dropdown and toggle buttons change them in the browser.
    """
    return MAP.figure(study=study, nerves=nerves, tunnel=tunnel, back_mice=back_mice)


# ------------------------------------------------------------------- forest plot


def _forest_tick(row: CrossingRow, narrow: bool = False) -> str:
    """Row label: study and n, then branch and what to know before comparing, smaller."""
    if row.kind == "clinical":
        flags = ["clinical criterion" if narrow else "clinical criterion, not cadaveric"]
    else:
        flags = ["branch not stated" if row.branch == "unspecified" else row.branch]
    if row.is_range:
        flags.append("range, no SD")
    elif row.sd_mm is None and row.kind == "cadaver":
        flags.append("no SD")
    if "by their order" in (row.note or ""):
        flags.append("named by order")
    if narrow:
        return f"{row.study}<br><span style='font-size:9px'>{row.size}<br>{', '.join(flags)}</span>"
    return f"{row.study} · {row.size}<br><span style='font-size:11px'>{', '.join(flags)}</span>"


def _short_value(row: CrossingRow) -> str:
    """A compact value for the forest plot's right-hand column."""
    if row.is_range:
        return f"{row.low_mm:g}–{row.high_mm:g} (range)"
    return f"{row.mean_mm:g}" if row.sd_mm is None else f"{row.mean_mm:.1f} ± {row.sd_mm:.1f}"


def draw_forest(reference: str = "midline", narrow: bool = False) -> BookFigure:
    """The forest plot for one reference point (no controls); ``narrow``: for a phone."""
    rows = load()
    traces = []
    for ref in REFERENCES:
        these = [r for r in rows if r.reference == ref]
        for group, group_dots in _groups(these, range(len(these)), 1.0).items():
            if group_dots:
                colour, shown = COLOURS[group], ref == reference
                extra = {"legendgroup": group, "visible": shown, "cliponaxis": True}
                traces.append(dots(SHORT_LABELS[group], group_dots, colour, cap=6, **extra))
    # An invisible point on the right-hand axis, so that axis (the values) is drawn.
    anchor = go.Scatter(x=[None], y=[0], yaxis="y2", showlegend=False, hoverinfo="skip")
    these = [r for r in rows if r.reference == reference]
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
        alt="Forest plot. "
        + ". ".join(
            f"From {REFERENCE_LABELS[ref]}: {_list_values([r for r in rows if r.reference == ref])}"
            for ref in REFERENCES
        )
        + ".",
        **_table([r for ref in REFERENCES for r in rows if r.reference == ref]),
    )
    most = max(sum(r.reference == ref for r in rows) for ref in REFERENCES)
    axis = {"tickvals": list(range(len(these))), "range": [len(these) - 0.5, -0.5]}
    note = {"text": "mean ± (mm)", "x": 1, "xref": "paper", "xanchor": "left", "y": 1}
    _lay_out(
        fig,
        narrow,
        (115, 215, 125, 15) if narrow else (95, 135, FOREST_LEFT, 100),
        height=(300 if narrow else 200) + 46 * most,
        title=style.title(
            "Superior cluneal nerve crossings: the studies compared", narrow, y=0.985
        ),
        xaxis={"range": [30, 100], "dtick": 20 if narrow else 10, "showgrid": True},
        xaxis_title_text=("From " if narrow else "Distance from ")
        + f"{REFERENCE_LABELS[reference]} (mm)",
        yaxis=axis | {"ticktext": [_forest_tick(r, narrow) for r in these], "showgrid": True},
        yaxis_tickfont={"size": 11 if narrow else 12},
        yaxis_automargin=False,
        yaxis2=axis | {"ticktext": [_short_value(r) for r in these], "tickfont": {"size": 12}},
        yaxis2_showgrid=False,
        yaxis2_automargin=True,
        yaxis2_overlaying="y",
        yaxis2_side="right",
        yaxis2_showticklabels=not narrow,
        annotations=[note | {"yref": "paper", "yanchor": "bottom", "visible": not narrow}],
    )
    return fig


FOREST = Interactive(
    draw_forest,
    {
        "reference": Option(
            REFERENCES,
            "From",
            labels=tuple(f"From {REFERENCE_LABELS[ref]}" for ref in REFERENCES),
            place={"y": 1.0, "pad": {"b": 6}},
        )
    },
)


def forest_figure(reference: str = "midline") -> BookFigure:
    """The studies side by side: distance of the crossings from one reference point.

    ``reference`` (``"midline"`` or ``"psis"``) picks the reference shown first; the
    figure's dropdown switches between them in the browser.
    """
    return FOREST.figure(reference=reference)


def app(figure: str = "map") -> Any:
    """Live version (needs a kernel): ``figure="map"`` or ``figure="forest"``."""
    check_choice("figure", figure, ("map", "forest"))
    if figure == "map":
        defaults = {"study": ALL, "nerves": True, "tunnel": False, "back_mice": False}
        return MAP.app("Superior cluneal nerves at the iliac crest", defaults)
    return FOREST.app("Superior cluneal nerve crossings compared", {"reference": "midline"})
