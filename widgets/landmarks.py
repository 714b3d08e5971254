"""Where the superior cluneal nerves cross the iliac crest (chapter 2, landmarks).

One reported distance per row of ``data/landmarks.csv``: :func:`map_figure` draws those
from the midline on the schematic pelvis, :func:`forest_figure` sets the studies side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import pelvis, style
from .checks import check_choice
from .data import Cites, Model, between, field, load_rows, require, row_model
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
    medial = [r.centre for r in rows if (r.group, r.reference) == ("medial", "midline")]
    return min(medial), max(medial)


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
        what = SHORT_LABELS[row.group]
        note = f"<br><i>{style.wrap_hover(row.note)}</i>" if row.note else ""
        hover = (
            f"<b>{row.study}</b> · {what}<br>From {REFERENCE_LABELS[row.reference]}: "
            f"{value_text(row)}<br>{row.size} · {row.kind} study{note}<br>{row.source.lines()}"
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


def _layout(fig: go.Figure, title: str, margin: Sequence[int], **layout: Any) -> None:
    """Layout of both figures: title, margins (top, bottom, left, right), legend at the foot."""
    legend = {"y": 0, "yref": "container", "yanchor": "bottom"}
    fig.update_layout(
        title={"text": title, "y": 0.985},
        legend=legend | {"font": {"size": 12}} | layout.pop("legend", {}),
        margin=dict(zip("tblr", margin, strict=True)),
        **layout,
    )


def _map_labels(row: CrossingRow, rows: Sequence[CrossingRow]) -> tuple[str, str]:
    """Row label, study (and branch when it has several rows) with n, and a shorter one.

    The shorter one leaves out that a row is clinical: its star marker and the legend say so.
    """
    several = sum(r.study == row.study for r in rows) > 1
    clinical = row.kind == "clinical"
    short = row.study + (f" {row.branch[:3]}." if several else "")
    branch = f", {row.branch}" if several else ""
    label = f"{row.study}{branch} · {'clinical, ' if clinical else ''}n={row.specimens}"
    return label, short


def draw_map(study: str, nerves: bool, tunnel: bool, back_mice: bool) -> BookFigure:
    """The map for one study and set of layers (no controls)."""
    rows = load()
    midline = [r for r in rows if r.reference == "midline"]
    shown = [r for r in midline if study in (ALL, r.study)]
    heights = [pelvis.ROW_BASE + i for i in reversed(range(len(shown)))]
    crossings = [round(r.centre / 10, 2) for r in shown]
    layers = {"nerves": nerves, "tunnel": tunnel, "back_mice": back_mice}
    low, high = tunnel_span(rows)
    ordered = sorted(midline, key=lambda r: r.centre)
    ranges = " and ".join(r.study for r in midline if r.is_range) or "no study"
    clinical = " and ".join(f"{r.study}'s {r.mean_mm:g} mm" for r in rows if r.kind == "clinical")
    fig = BookFigure(
        data=[
            *pelvis.traces((low, high), crossings, layers),
            go.Scatter(
                x=[pelvis.LABEL_X] * len(shown),
                y=heights,
                mode="text",
                text=[_map_labels(r, shown)[0] for r in shown],
                textposition="middle right",
                cliponaxis=False,  # a label may reach into the right margin
                textfont={"size": 12, "color": style.TEXT},
                hoverinfo="skip",
                showlegend=False,
            ),
            *(
                dots(GROUP_LABELS[group], group_dots, COLOURS[group], cap=5)
                for group, group_dots in _groups(shown, heights, 0.1).items()
            ),
        ],
        caption="Schematic map of the back of the pelvis, right side seen from behind; not to "
        "scale of any one person. Each marker is a study's distance from the midline to where a "
        "superior cluneal nerve branch crosses the iliac crest, with the spread the study "
        f"printed (a range, for {ranges}, is drawn with an open marker). {clinical} is a "
        "clinical examination criterion, not a dissection. The crest, the PSIS position, the "
        "nerve courses, the tunnel zone (drawn over the span of medial-branch crossings, "
        f"{low:.0f}–{high:.0f} mm) and the back-mouse area are schematic.",
        alt="Schematic outline of the sacrum and right ilium with the midline at 0 cm. "
        f"{style.count(len(midline), 'distance')} from the midline, from "
        f"{style.count(len(map_studies(rows)), 'source')}, lie between "
        f"{ordered[0].centre / 10:.1f} and {ordered[-1].centre / 10:.1f} cm, most medial "
        f"first: {_list_values(ordered)}. Optional layers draw schematic nerve courses, a "
        "tunnel zone on the crest and the area near the PSIS where back mice are usually felt.",
        **_table(midline),
        short=pelvis.SHORT | dict(_map_labels(r, midline) for r in midline) | {SUBTITLE: SHORTER},
    )
    grid = {"showticklabels": False, "showgrid": True, "griddash": "dot", "showline": False}
    ticks = list(range(0, int(pelvis.X_RANGE[1]) + 1))
    _layout(
        fig,
        "Where the superior cluneal nerves cross the iliac crest",
        (110, 175, 15, 15),
        height=800,
        title_subtitle={"text": SUBTITLE, "font": {"size": 13}},
        xaxis={"range": list(pelvis.X_RANGE), "tickvals": ticks, "showgrid": True},
        xaxis_title_text="Distance from the midline (cm)",
        yaxis={"range": list(pelvis.Y_RANGE), "tickvals": heights, **grid},
        legend={"entrywidthmode": "fraction", "entrywidth": 0.5, "orientation": "h"},
        **pelvis.anatomy(),
    )
    return fig


PLACE = {"y": 1.0, "pad": {"b": 6}}  # controls in one row just above the plot
SUBTITLE = "Schematic, not to scale of any one person · one side, seen from behind"
SHORTER = "Schematic, not to scale · one side, from behind"


def _toggle(title: str, default: bool, x: float, small_x: float) -> Option:
    """A layer toggle in the row of controls above the map (a row of its own when small)."""
    return flag(title, default, {**PLACE, "x": x}, small={**PLACE, "x": small_x})


MAP = Interactive(
    draw_map,
    {
        "study": Option(
            (ALL, *map_studies()), "Study", ALL, place=PLACE, small={**PLACE, "pad": {"b": 44}}
        ),
        "nerves": _toggle("Nerves", True, 0.26, 0),
        "tunnel": _toggle("Tunnel zone", False, 0.41, 0.255),
        "back_mice": _toggle("Back-mouse area", False, 0.59, 0.56),
    },
)
map_figure = MAP.entry(
    "A schematic map of the crest crossings from the midline; the arguments are shown first."
)


def _forest_ticks(row: CrossingRow) -> tuple[str, str]:
    """Row label (study and n, then the branch and caveats, smaller) and a short one.

    The short one puts each part on a line of its own.
    """
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
    tick = f"{row.study} · {row.size}<br><span style='font-size:11px'>{', '.join(flags)}</span>"
    flags[0] = flags[0].replace(", not cadaveric", "")
    return tick, "<br>".join((f"<b>{row.study}</b>", row.size, *flags))


def draw_forest(reference: str) -> BookFigure:
    """The forest plot for one reference point (no controls)."""
    rows = load()
    by_ref = {ref: [r for r in rows if r.reference == ref] for ref in REFERENCES}
    traces = []
    for ref, these in by_ref.items():
        for group, group_dots in _groups(these, range(len(these)), 1.0).items():
            extra = {"legendgroup": group, "visible": ref == reference, "cliponaxis": True}
            if group_dots:
                traces.append(dots(SHORT_LABELS[group], group_dots, COLOURS[group], cap=6, **extra))
    # An invisible point on the right-hand axis, so that axis (the values) is drawn.
    anchor = go.Scatter(x=[None], y=[0], yaxis="y2", showlegend=False, hoverinfo="skip")
    alt = ". ".join(
        f"From {REFERENCE_LABELS[ref]}: {_list_values(rs)}" for ref, rs in by_ref.items()
    )
    units = ", ".join(sorted({r.unit for r in rows}))
    fig = BookFigure(
        data=[*traces, anchor],
        caption="Reported distances of the superior cluneal nerve crest crossings, from the "
        "midline or from the PSIS (use the menu). Markers show means (open marker: the middle of "
        "a reported range) and bars the spread each study printed (SD where the study says so, "
        f"otherwise the bare ± value). Units of n differ: {units}.",
        alt=f"Forest plot. {alt}.",
        **_table([r for these in by_ref.values() for r in these]),
        short=dict(_forest_ticks(r) for r in rows)
        | {f"Distance from {w} (mm)": f"From {w} (mm)" for w in REFERENCE_LABELS.values()},
    )
    these, where = by_ref[reference], REFERENCE_LABELS[reference]
    axis = {"tickvals": list(range(len(these))), "range": [len(these) - 0.5, -0.5]}
    axis |= {"tickfont": {"size": 12}, "showgrid": False, "automargin": False}
    ticks = [_forest_ticks(r)[0] for r in these]
    # the right-hand column: the value without its note
    values = [value_text(r).split(" mm")[0] + (" (range)" if r.is_range else "") for r in these]
    note = {"text": "mean ± (mm)", "xanchor": "left", "yanchor": "bottom", "visible": True}
    _layout(
        fig,
        "Superior cluneal nerve crossings: the studies compared",
        (95, 135, FOREST_LEFT, 100),
        height=200 + 46 * max(map(len, by_ref.values())),
        xaxis={"range": [30, 100], "dtick": 10, "showgrid": True},
        xaxis_title_text=f"Distance from {where} (mm)",
        yaxis=axis | {"ticktext": ticks, "tickfont": {"size": 12}, "showgrid": True},
        yaxis2=axis | {"ticktext": values, "automargin": True, "overlaying": "y", "side": "right"},
        yaxis2_showticklabels=True,
        annotations=[note | {"x": 1, "y": 1, "xref": "paper", "yref": "paper"}],
    )
    return fig


FROM = Option(
    REFERENCES, "From", "midline", place=PLACE, fmt=lambda ref: f"From {REFERENCE_LABELS[ref]}"
)
FOREST = Interactive(draw_forest, {"reference": FROM})
forest_figure = FOREST.entry(
    'The studies side by side, from ``reference`` (``"midline"`` or ``"psis"``) first.'
)


def app(figure: str = "map") -> Any:
    """Live version (needs a kernel): ``figure="map"`` or ``figure="forest"``."""
    check_choice("figure", figure, ("map", "forest"))
    if figure == "map":
        return MAP.app("Superior cluneal nerves at the iliac crest")
    return FOREST.app("Superior cluneal nerve crossings compared")
