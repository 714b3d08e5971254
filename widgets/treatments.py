"""What helped, in how many, and how sure can we be? Treatment outcomes (chapter 4).

``data/treatments.csv`` holds one row per reported outcome, with its counts and citation;
Wilson 95% intervals are computed from the counts (:mod:`widgets.stats`), never stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import plotly.graph_objects as go

from . import data, style
from .checks import check_choice, check_number
from .forest import SHORT_KEYS, Dot, dots, legend_key, percent_layout, sort_buttons
from .options import Interactive, Option
from .render import BookFigure
from .stats import wilson, wilson_interval

TYPES: tuple[str, ...] = (
    "Local injection",
    "Excision",
    "Nerve release",
    "Nerve block",
    "Hydrodissection",
    "Manual therapy",
)
#: Study designs and the marker symbol that shows each: diamond, circle, square.
DESIGN_SYMBOLS: dict[str, str] = {
    "RCT": style.symbol(1),
    "Case series": style.symbol(0),
    "Case report": style.symbol(2),
}
MEASURES: tuple[str, ...] = ("improved", "recurred")
ALL = "All types"
SORTS: dict[str, str] = {"proportion": "By proportion", "n": "By n", "year": "By year"}
#: The sample-size slider's proportions: 50% to 95% in steps of 5.
PROPORTIONS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
#: Study sizes on the sample-size figure's x axis: about 30 points from 3 to 1000.
N_GRID: tuple[int, ...] = tuple(sorted({round(3 * (1000 / 3) ** (i / 29)) for i in range(30)}))
QUIET = {"showlegend": False, "hoverinfo": "skip"}  # a trace without legend entry or hover


@data.row_model
class OutcomeRow(data.StudyRow):
    """One reported treatment outcome."""

    NO_SIZE = "n per arm not given"

    treatment: str
    type: Literal[*TYPES]
    condition: Literal["Back mice (painful nodules)", "Iliac crest pain syndrome", "SCN entrapment"]
    outcome: str
    measure: Literal[*MEASURES]
    evidence: Literal[*DESIGN_SYMBOLS]
    n: int | None = data.field(validator=data.between(1, 100_000))
    events: int | None = data.field(validator=data.between(0, 100_000))
    percent: float | None = data.field(validator=data.between(0, 100))
    derived: Literal["yes", "no"]
    followup: str | None
    confidence: Literal["high", "medium", "low/medium", "low"]
    note: str | None
    source: data.Cites

    def check(self) -> None:
        """Counts agree with the percent; a row has counts or a percent."""
        data.check_count(self, "events")
        has_data = self.n is not None or self.percent is not None
        data.require(has_data, "percent", "give n and events, or a percent")
        complete = self.derived == "no" or None not in (self.events, self.percent)
        data.require(complete, "derived", "a derived count needs n, events and the percent")

    @property
    def proportion(self) -> float:
        """The share with the outcome (a fraction): events/n, else the reported percent."""
        return self.percent / 100 if self.n is None else self.events / self.n

    @property
    def share(self) -> float:
        """The share with the outcome in percent, to 0.1 point."""
        return round(100 * self.proportion, 1)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The Wilson 95% interval (fractions), where ``n`` is known."""
        return None if self.n is None else wilson_interval(self.events, self.n)


#: The forest plot's data table: column title -> the cell of one row.
FOREST_TABLE: dict[str, Callable[[OutcomeRow], Any]] = {
    "Study": lambda r: r.study,
    "Year": lambda r: r.year,
    "Treatment": lambda r: r.treatment,
    "Type": lambda r: r.type,
    "Condition": lambda r: r.condition,
    "Outcome": lambda r: r.outcome,
    "Design": lambda r: r.evidence,
    "n": lambda r: r.n,
    "Improved": lambda r: r.events,
    "Improved %": lambda r: r.share,
    "Wilson 95% CI %": lambda r: r.interval and "–".join(f"{100 * e:.1f}" for e in r.interval),
    "Count derived from a %": lambda r: r.derived,
    "Follow-up": lambda r: r.followup,
    "Note": lambda r: r.note,
    "Source": lambda r: r.source,
}


def load() -> list[OutcomeRow]:
    """The validated rows of ``data/treatments.csv``, in file order."""
    return data.load_rows("treatments", OutcomeRow)


def outcomes(measure: str = "improved") -> list[OutcomeRow]:
    """Rows of one ``measure`` (``"improved"`` or ``"recurred"``)."""
    check_choice("measure", measure, MEASURES)
    return [row for row in load() if row.measure == measure]


def sort_order(rows: list[OutcomeRow], sort: str) -> list[OutcomeRow]:
    """Rows from the bottom of the forest plot to the top, for one of :data:`SORTS`."""
    keys = {
        "proportion": lambda r: (r.proportion, r.n or 0, -r.year),
        "n": lambda r: (r.n or 0, r.proportion),
        "year": lambda r: (-r.year, r.study, r.proportion),
    }
    return sorted(rows, key=keys[check_choice("sort", sort, tuple(SORTS))])


def percent(value: float) -> str:
    """A fraction as a whole percentage, e.g. ``0.886`` -> ``89%``."""
    return f"{100 * value:.0f}%"


def counts_text(row: OutcomeRow) -> str:
    """``9 of 10 (55% to 98%)``, or the percent where the arm size is not given."""
    if row.interval is None:
        return f"{row.percent:g}% (n per arm not given: no interval)"
    low, high = map(percent, row.interval)
    flag = ", a count derived from a percentage" if row.derived == "yes" else ""
    return f"{row.events} of {row.n} ({low} to {high}){flag}"


def recurrence_text() -> str:
    """The recurrence rows as one sentence (kept off the improvement axis)."""
    return "; ".join(
        f"{row.study} {row.year}: {row.outcome.lower()} in {counts_text(row)}"
        for row in outcomes("recurred")
    )


def _dot(row: OutcomeRow) -> Dot:
    """One outcome as a dot with its hover text; open, no whisker, without an arm size."""
    hover = [
        f"<b>{row.study} {row.year}</b>: {row.treatment}",
        f"Condition: {row.condition}",
        f"Outcome: {row.outcome}",
        f"{percent(row.proportion)} improved: {counts_text(row)}",
        f"Design: {row.evidence}; confidence {row.confidence}",
        row.followup and f"Follow-up: {row.followup}",
        row.note and f"Note: {row.note}",
        row.source.lines(),
    ]
    low, high = (100 * edge for edge in row.interval) if row.interval else (None, None)
    text = "<br>".join(filter(None, hover))
    return Dot(row.share, row.tick, low, high, text, DESIGN_SYMBOLS[row.evidence], row.n is None)


def _type_traces(rows: list[OutcomeRow], kind: str, sort: str, shown: bool) -> list[go.Scatter]:
    """One type's dots, then an invisible helper trace that sorts them.

    The y axis orders rows by the sum of x over visible (or ``"legendonly"``, never ``False``)
    traces: a helper point adds ``1000 x (rank + 1)`` minus its dot's x.
    """
    rank = {r.tick: i for i, r in enumerate(sort_order(rows, sort))}
    members = [r for r in rows if r.type == kind]
    # A case series with n first: the legend shows the first point's symbol.
    first = sorted(members, key=lambda r: (r.n is None, r.evidence != "Case series"))
    look = {"legendgroup": kind, "visible": True if shown else "legendonly"}
    return [
        dots(kind, [_dot(r) for r in first], style.colour(TYPES.index(kind)), **look),
        go.Scatter(
            x=[round(1000 * (rank[r.tick] + 1) - r.share, 1) for r in members],
            y=[r.tick for r in members],
            mode="markers",
            name=f"{kind} (sort order)",
            marker={"opacity": 0, "size": 1},
            **look,
            **QUIET,
        ),
    ]


def _forest_texts(rows: list[OutcomeRow]) -> dict[str, str]:
    """The forest plot's caption and alt text; their numbers come from the rows."""
    unsized = [r for r in rows if r.n is None]
    counted = sorted((r for r in rows if r.n is not None), key=lambda r: r.n)
    no_arms = " and ".join(sorted({f"{r.study} {r.year}" for r in unsized}))
    derived = "; ".join(
        f"{r.study} {r.year}'s {r.events}/{r.n}" + (f" ({r.note})" if r.note else "")
        for r in rows
        if r.derived == "yes"
    )
    caption = [
        "Share of patients who improved after each treatment, by study. Bars are Wilson 95% "
        "intervals computed from the reported counts; marker shape shows the study design "
        "and colour the type of treatment.",
        no_arms and f"{no_arms}: no intervals, because arm sizes are not reported.",
        derived and f"Back-calculated from a reported percentage: {derived}.",
        f"Not plotted: recurrence, a different outcome ({recurrence_text()}); and Hucherson "
        "& Gandy 1948, because sources disagree on how many patients were operated.",
    ]
    sized = "; ".join(f"{r.study} {r.year}, {counts_text(r)}" for r in counted)
    trials = "; ".join(f"{r.study} {r.year} {r.label}, {r.percent:g}% improved" for r in unsized)
    alt = [
        f"Forest plot of {style.count(len(rows), 'outcome row')} "
        f"{style.year_span([r.year for r in rows])}, smallest study first: {sized}.",
        trials and f"Without arm sizes, so without intervals: {trials}.",
    ]
    return {"caption": " ".join(filter(None, caption)), "alt": " ".join(filter(None, alt))}


def draw_forest(treatment_type: str, sort: str) -> BookFigure:
    """The forest plot for one type filter and sort order (no controls)."""
    rows = outcomes("improved")
    traces: list[go.Scatter] = []
    for kind in (k for k in TYPES if any(r.type == k for r in rows)):
        traces += _type_traces(rows, kind, sort, treatment_type in (ALL, kind))
    design = {"legendgroup": "evidence", "legendgrouptitle": {"text": "Study design"}}
    traces += [legend_key(*key, style.GREY, **design) for key in DESIGN_SYMBOLS.items()]
    hollow = "Open marker: n per arm not given, no interval"
    traces.append(legend_key(hollow, "diamond-open", style.GREY, legendgroup="evidence"))
    table = [tuple(cell(r) for cell in FOREST_TABLE.values()) for r in sort_order(rows, sort)]
    short = SHORT_KEYS | {row.tick: row.short_tick for row in rows}
    texts = _forest_texts(rows)
    fig = BookFigure(traces, columns=tuple(FOREST_TABLE), rows=table[::-1], short=short, **texts)
    percent_layout(
        fig,
        len(rows),
        "Share of patients who improved, by study and treatment",
        {"range": [0, 102], "title": "Patients who improved (%)"},
        "Treatment type:",
        190,  # pixels below the plot: axis title and legend
        categoryorder="sum ascending",
    )
    return fig


TYPE_OPTION = Option((ALL, *TYPES), "Type", ALL, place={"above": 52})
FOREST = Interactive(
    draw_forest, {"treatment_type": TYPE_OPTION, "sort": sort_buttons(SORTS, "proportion")}
)
forest_figure = FOREST.entry(
    "Share improved per study with Wilson 95% intervals; first ``treatment_type`` and ``sort``."
)


def _limits(proportion: float, n: int) -> tuple[float, float]:
    """The Wilson 95% interval for ``proportion`` among ``n``, in percent to 0.1 point."""
    low, high = wilson(proportion, n)
    return round(100 * low, 1), round(100 * high, 1)


def _line(x: list[Any], y: list[Any], name: str, colour: str, **trace: Any) -> go.Scatter:
    """A line in ``colour``, 1.5 px wide unless ``trace`` sets ``line_width``."""
    trace.setdefault("mode", "lines")
    return go.Scatter(x=x, y=y, name=name, line={"color": colour, "width": 1.5}, **trace)


def _size_traces(proportion: float, sizes: dict[int, list[str]], n: int | None) -> list[Any]:
    """The band, the observed share, the study-size bars, the chosen n and the size labels."""
    grid, hover = list(N_GRID), "n = %{x}: %{y}%<extra></extra>"
    low, high = map(list, zip(*(_limits(proportion, k) for k in grid), strict=True))
    lower, upper = (hover.replace(": ", f": {side} limit ") for side in ("lower", "upper"))
    blue, vermilion, ink = style.colour(0), style.colour(1), style.TEXT
    centre = round(100 * proportion, 1)
    flat = [centre] * len(grid)
    shade = {"fill": "tonexty", "fillcolor": "rgba(0, 114, 178, 0.18)"}
    bars_x = [x for k in sizes for x in (k, k, None)]  # a vertical interval at each size
    bars_y = [y for k in sizes for y in (*_limits(proportion, k), None)]
    bar = {"line_width": 3, "hovertemplate": hover}
    traces = [
        _line(grid, low, "Lower limit", blue, showlegend=False, hovertemplate=lower),
        _line(grid, high, "95% Wilson interval", blue, hovertemplate=upper, **shade),
        _line(grid, flat, "Observed share improved", ink, line_dash="dash", hoverinfo="skip"),
        _line(bars_x, bars_y, "Interval at a study size in the forest plot", vermilion, **bar),
        go.Scatter(
            x=list(sizes),
            y=[centre] * len(sizes),
            mode="markers",
            name="Study size in the forest plot",
            showlegend=False,
            marker={"symbol": style.symbol(1), "size": 9, "color": vermilion},
            customdata=["<br>".join(names) for names in sizes.values()],
            hovertemplate="n = %{x}<br>%{customdata}<extra></extra>",
        ),
    ]
    if n is not None:
        marker = {"symbol": ["line-ew", "line-ew", "circle", "circle"], "size": 12}
        look = {"mode": "lines+markers", "line_width": 4, "marker": marker, "hovertemplate": hover}
        x, y = [n, n, None, n], [*_limits(proportion, n), None, centre]  # its interval and share
        traces.append(_line(x, y, f"Your study size (n = {n})", ink, **look))
    labels: dict[int, str] = {}  # a size within 30% of the last label's first size joins it
    for size in sizes:
        if labels and size / max(labels) < 1.3:
            labels[max(labels)] += f", {size}"
        else:
            labels[size] = str(size)
    text = {"x": list(labels), "y": [104] * len(labels), "text": list(labels.values())}
    font = {"size": 11, "color": ink}
    traces.append(go.Scatter(mode="text", name=SIZE_LABELS, textfont=font, **text, **QUIET))
    return traces


def interval_text(proportion: float, n: int) -> str:
    """One sentence: the Wilson interval for ``proportion`` observed in ``n`` patients."""
    SIZE_OPTIONS["proportion"].check("proportion", proportion)
    check_number("n", n, 1, 100_000, integer=True)
    low, high = wilson(proportion, n)
    return (
        f"If {100 * proportion:.0f}% of {n} patients improved (about {round(proportion * n)} of "
        f"{n}), the 95% Wilson interval runs from {100 * low:.0f}% to {100 * high:.0f}%: "
        f"{100 * (high - low):.0f} percentage points wide."
    )


def _size_texts(proportion: float, sizes: list[int]) -> dict[str, str]:
    """Caption and alt text for the sample-size figure, their numbers computed."""
    small, large = min(sizes), max(sizes)
    (low_s, high_s), (low_l, high_l) = (map(percent, wilson(proportion, k)) for k in (small, large))
    caption = (
        "How sample size limits certainty. The shaded band is the Wilson 95% interval for a study "
        "that finds the chosen share of patients improved, drawn for study sizes from "
        f"{N_GRID[0]} to {N_GRID[-1]}; the slider changes the share. The vertical bars mark the "
        f"sizes of the studies in the forest plot. At the starting value of {percent(proportion)} "
        f"improved, the interval for a study of {small} patients runs from {low_s} to {high_s}; "
        f"for a study of {large} it shrinks to {low_l}–{high_l}."
    )
    alt = (
        f"Line chart with a logarithmic x axis from {N_GRID[0]} to {N_GRID[-1]} patients. A "
        f"shaded band around a dashed line at {percent(proportion)} shows the 95% Wilson "
        "interval; it is very wide for a handful of patients and shrinks steadily as n grows. "
        f"Vertical bars mark {style.count(len(sizes), 'study size')} from {small} to "
        f"{large}, {sum(size < 40 for size in sizes)} of them below 40 patients."
    )
    return {"caption": caption, "alt": alt}


SIZE_LABELS = "Study sizes (n)"  # the trace of study-size labels over the plot


def draw_sample_size(proportion: float, n: int | None = None) -> BookFigure:
    """The sample-size figure for one ``proportion`` and ``n`` (no controls)."""
    sizes: dict[int, list[str]] = {}  # study sizes of the forest plot on the grid, with names
    for row in sorted(outcomes("improved"), key=lambda r: r.n or 0):
        if (row.n or 0) >= N_GRID[0]:
            sizes.setdefault(row.n, []).append(f"{row.study} {row.year} ({row.label})")
    table: list[tuple[float, ...]] = []  # every slider step's band: what the slider shows
    for step in sorted({*PROPORTIONS, proportion}):
        for k in N_GRID:
            low, high = _limits(step, k)
            table.append((k, round(100 * step, 1), low, high, round(high - low, 1)))
    texts = _size_texts(proportion, list(sizes))
    columns = ("n", "Proportion %", "Wilson 95% lower %", "Wilson 95% upper %", "Width (points)")
    x_title = "Number of patients in the study (n, log scale)"
    short = {x_title: "Number of patients (n, log scale)", SLIDER_PREFIX: "Share improved: "}
    traces = _size_traces(proportion, sizes, n)
    # The row of study sizes over the plot needs room; the bars, hovers and table keep them.
    extras = (SIZE_LABELS,)
    fig = BookFigure(traces, columns=columns, rows=table, short=short, extras=extras, **texts)
    ticks = [3, 5, 10, 20, 50, 100, 200, 500, 1000]
    fig.update_layout(
        height=560,
        title={"text": "How sample size limits certainty", "xref": "container", "y": 0.98},
        xaxis={"type": "log", "range": [math.log10(2.5), math.log10(1100)], "tickvals": ticks},
        xaxis_title={"text": x_title, "standoff": 6},
        yaxis={"range": [0, 108], "dtick": 20, "ticksuffix": "%", "automargin": True},
        yaxis_title_text="Share improved, with 95% interval",
        legend={"y": 1.02, "yanchor": "bottom", "font": {"size": 12}},
        margin={"t": 110, "b": 160, "l": 10, "r": 20},
    )
    return fig


SLIDER_PREFIX = "Observed share improved: "
_UNDER_PLOT = {"x": 0, "len": 1, "y": -0.2, "yanchor": "top", "pad": {"t": 10}}
SIZE_OPTIONS = {
    "proportion": Option(
        PROPORTIONS,
        "Improved",
        0.8,
        "slider",
        fmt=lambda p: f"{round(100 * p, 1):g}%",
        limits=(0.01, 0.99),
        place={"currentvalue": {"prefix": SLIDER_PREFIX}, **_UNDER_PLOT},
    ),
    "n": Option((3, 1000), "Your n", 35, "number"),
}
SAMPLE_SIZE = Interactive(draw_sample_size, SIZE_OPTIONS)
sample_size_figure = SAMPLE_SIZE.entry(
    "The Wilson 95% interval against n; ``n`` adds a highlighted study size.\n\n"
    "A ``proportion`` within 0.1 point of a slider step snaps to it (else it would show twice)."
)


class SizeView:
    """What the live sample-size app shows: one sentence, then the figure."""

    def __init__(self, proportion: float, n: int) -> None:
        """The sentence and the figure for ``proportion`` observed in ``n`` patients."""
        self.text = interval_text(proportion, n)
        self.figure = draw_sample_size(proportion, n)

    def _ipython_display_(self) -> None:
        """Show the sentence above the figure."""
        from IPython.display import Markdown, display

        display(Markdown(self.text))
        display(self.figure)


def app() -> Any:
    """Live version: the forest plot's type and sort, then the sample-size controls."""
    import ipywidgets as w

    forest = FOREST.app("Treatment outcomes: share improved")
    title = "How sure can we be? Sample size and the 95% interval"
    size = SAMPLE_SIZE.app(title, render=SizeView)
    return w.VBox([forest, size])
