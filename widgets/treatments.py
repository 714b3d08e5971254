"""What helped, in how many, and how sure can we be? Treatment outcomes (chapter 4).

``data/treatments.csv`` holds one row per reported outcome: the study, the
treatment and its type, the condition treated (back mice, the iliac crest pain
syndrome, or superior cluneal nerve entrapment), what counted as a good result,
the study design (evidence level), the number treated ``n`` and the number with
the outcome (``events``), whether the count was back-calculated from a reported
percentage (``derived``), and the ``references.bib`` key.

Wilson 95% intervals are computed from the counts (:mod:`widgets.stats`); nothing
derived is stored in the CSV. :func:`forest_figure` plots the share of patients
who improved per study; :func:`sample_size_figure` shows how the width of the
interval depends on the number of patients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .checks import check_choice, check_number
from .data import (
    Cites,
    StudyRow,
    between,
    check_count,
    citation,
    field,
    load_rows,
    require,
    row_model,
)
from .forest import Dot, dots, legend_key, percent_layout, sort_buttons
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

#: Study designs and the marker symbol that shows each (the legend explains them).
DESIGN_SYMBOLS: dict[str, str] = {
    "RCT": style.symbol(1),  # diamond
    "Case series": style.symbol(0),  # circle
    "Case report": style.symbol(2),  # square
}

TREATED: tuple[str, ...] = (
    "Back mice (painful nodules)",
    "Iliac crest pain syndrome",
    "SCN entrapment",
)

MEASURES: tuple[str, ...] = ("improved", "recurred")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low/medium", "low")
ALL = "All types"

#: Sort orders offered by the sort buttons: argument value -> button label.
SORTS: dict[str, str] = {"proportion": "By proportion", "n": "By n", "year": "By year"}

#: Proportions offered by the sample-size slider (50% to 95% in steps of 5).
PROPORTIONS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))

#: Study sizes on the sample-size figure's x axis: about 30 points from 3 to 1000.
N_GRID: tuple[int, ...] = tuple(sorted({round(3 * (1000 / 3) ** (i / 29)) for i in range(30)}))

GREY = "#595959"
BOTTOM = 190  # pixels below it: axis title and legend


@row_model
class OutcomeRow(StudyRow):
    """One reported treatment outcome."""

    NO_SIZE = "n per arm not given"

    treatment: str
    type: Literal[*TYPES]
    condition: Literal[*TREATED]
    outcome: str
    measure: Literal[*MEASURES]
    evidence: Literal[*DESIGN_SYMBOLS]
    n: int | None = field(validator=between(1, 100_000))
    events: int | None = field(validator=between(0, 100_000))
    percent: float | None = field(validator=between(0, 100))
    derived: Literal["yes", "no"]
    followup: str | None
    confidence: Literal[*CONFIDENCE]
    note: str | None
    source: Cites

    def check(self) -> None:
        """Counts agree with the percent; a row has counts or a percent."""
        check_count(self, "events")
        require(
            self.n is not None or self.percent is not None,
            "percent",
            "give n and events, or a percent",
        )
        require(
            self.derived == "no" or None not in (self.events, self.percent),
            "derived",
            "a derived count needs n, events and the percent",
        )

    @property
    def proportion(self) -> float:
        """The share with the outcome (a fraction): events/n, else the reported percent."""
        return self.percent / 100 if self.n is None else self.events / self.n

    @property
    def interval(self) -> tuple[float, float] | None:
        """The Wilson 95% interval (fractions), where ``n`` is known."""
        return None if self.n is None else wilson_interval(self.events, self.n)


def load() -> list[OutcomeRow]:
    """The validated rows of ``data/treatments.csv``, in file order."""
    return load_rows("treatments", OutcomeRow)


def outcomes(measure: str = "improved") -> list[OutcomeRow]:
    """Rows of one ``measure`` (``"improved"`` or ``"recurred"``)."""
    check_choice("measure", measure, MEASURES)
    return [row for row in load() if row.measure == measure]


def sort_order(rows: list[OutcomeRow], sort: str) -> list[OutcomeRow]:
    """Rows from the bottom of the forest plot to the top for one sort order.

    ``"proportion"``: highest share improved at the top; ``"n"``: largest study at
    the top (rows without ``n`` at the bottom); ``"year"``: oldest at the top.
    """
    check_choice("sort", sort, tuple(SORTS))
    if sort == "proportion":
        return sorted(rows, key=lambda r: (r.proportion, r.n or 0, -r.year))
    if sort == "n":
        return sorted(rows, key=lambda r: (r.n or 0, r.proportion))
    return sorted(rows, key=lambda r: (-r.year, r.study, r.proportion))


def percent(value: float) -> str:
    """A fraction as a whole percentage, e.g. ``0.886`` -> ``89%``."""
    return f"{100 * value:.0f}%"


def counts_text(row: OutcomeRow) -> str:
    """``9 of 10 (55% to 98%)``, or the percent where the arm size is not given."""
    if row.interval is None:
        return f"{row.percent:g}% (n per arm not given: no interval)"
    low, high = row.interval
    flag = ", a count derived from a percentage" if row.derived == "yes" else ""
    return f"{row.events} of {row.n} ({percent(low)} to {percent(high)}){flag}"


# ------------------------------------------------------------------- forest plot


def _hover(row: OutcomeRow) -> str:
    """Hover text: treatment, outcome, counts, interval, design and citation."""
    lines = [
        f"<b>{row.study} {row.year}</b>: {row.treatment}",
        f"Condition: {row.condition}",
        f"Outcome: {row.outcome}",
        f"{percent(row.proportion)} improved: {counts_text(row)}",
        f"Design: {row.evidence}; confidence {row.confidence}",
    ]
    if row.followup:
        lines.append(f"Follow-up: {row.followup}")
    if row.note:
        lines.append(f"Note: {row.note}")
    return "<br>".join(lines + [citation(key) for key in row.source])


def _dot(row: OutcomeRow) -> Dot:
    """One outcome as a dot: open, without a whisker, where the arm size is not given."""
    low, high = (100 * edge for edge in row.interval) if row.interval else (None, None)
    symbol = DESIGN_SYMBOLS[row.evidence]
    return Dot(
        round(100 * row.proportion, 1), row.tick, low, high, _hover(row), symbol, row.n is None
    )


def _type_trace(rows: list[OutcomeRow], kind: str, shown: bool) -> go.Scatter:
    """One trace per treatment type: colour by type, symbol by study design."""
    # A case series with n comes first: the legend shows the first point's symbol.
    members = sorted(
        (r for r in rows if r.type == kind),
        key=lambda r: (r.n is None, r.evidence != "Case series"),
    )
    return dots(
        kind,
        [_dot(r) for r in members],
        style.colour(TYPES.index(kind)),
        legendgroup=kind,
        visible=True if shown else "legendonly",
    )


def _sort_helper(rows: list[OutcomeRow], kind: str, sort: str, shown: bool) -> go.Scatter:
    """An invisible trace whose x values carry the sort order of one type's rows.

    The y axis orders its categories by the sum of x over visible traces
    (``categoryorder: "sum ascending"``): a helper point adds ``1000 x (rank + 1)``
    minus the plotted value, so a hidden type leaves no empty row and the order
    follows ``sort``. Hidden types are ``"legendonly"``, not ``False``: plotly.js
    cannot order categories by value when a trace is fully hidden.
    """
    rank = {r.tick: i for i, r in enumerate(sort_order(rows, sort))}
    members = [r for r in rows if r.type == kind]
    return go.Scatter(
        x=[round(1000 * (rank[r.tick] + 1) - round(100 * r.proportion, 1), 1) for r in members],
        y=[r.tick for r in members],
        mode="markers",
        name=f"{kind} (sort order)",
        legendgroup=kind,
        showlegend=False,
        hoverinfo="skip",
        marker={"opacity": 0, "size": 1},
        visible=True if shown else "legendonly",
    )


def _table_row(row: OutcomeRow) -> tuple[Any, ...]:
    """One row of the forest plot's data table."""
    interval = (
        None
        if row.interval is None
        else "{:.1f}–{:.1f}".format(*(100 * edge for edge in row.interval))
    )
    return (
        row.study,
        row.year,
        row.treatment,
        row.type,
        row.condition,
        row.outcome,
        row.evidence,
        row.n,
        row.events,
        round(100 * row.proportion, 1),
        interval,
        row.derived,
        row.followup,
        row.note,
        row.source,
    )


FOREST_COLUMNS = (
    "Study",
    "Year",
    "Treatment",
    "Type",
    "Condition",
    "Outcome",
    "Design",
    "n",
    "Improved",
    "Improved %",
    "Wilson 95% CI %",
    "Count derived from a %",
    "Follow-up",
    "Note",
    "Source",
)


def recurrence_text() -> str:
    """The recurrence rows as one sentence (kept off the improvement axis)."""
    return "; ".join(
        f"{row.study} {row.year}: {row.outcome.lower()} in {counts_text(row)}"
        for row in outcomes("recurred")
    )


def _forest_caption(rows: list[OutcomeRow]) -> str:
    """The forest plot's caption; its numbers come from the rows."""
    no_arms = sorted({f"{r.study} {r.year}" for r in rows if r.n is None})
    derived = [
        f"{r.study} {r.year}'s {r.events}/{r.n}" + (f" ({r.note})" if r.note else "")
        for r in rows
        if r.derived == "yes"
    ]
    text = (
        "Share of patients who improved after each treatment, by study. Bars are Wilson 95% "
        "intervals computed from the reported counts; marker shape shows the study design "
        "and colour the type of treatment. Each study used its own definition of 'improved' "
        "and treated a different condition, and most series had no control group, so the "
        "rows cannot be ranked against each other."
    )
    if no_arms:
        text += f" {' and '.join(no_arms)}: no intervals, because arm sizes are not reported."
    if derived:
        text += f" Back-calculated from a reported percentage: {'; '.join(derived)}."
    return text + (
        f" Not plotted: recurrence, a different outcome ({recurrence_text()}); and Hucherson "
        "& Gandy 1948, because sources disagree on how many patients were operated."
    )


def _forest_alt(rows: list[OutcomeRow]) -> str:
    """Alt text for the forest plot, written from the rows themselves."""
    counted = sorted((r for r in rows if r.n is not None), key=lambda r: r.n)
    trials = [r for r in rows if r.n is None]
    text = (
        f"Forest plot of {style.count(len(rows), 'outcome row')} "
        f"{style.year_span([r.year for r in rows])}, smallest study first: "
        + "; ".join(f"{r.study} {r.year}, {counts_text(r)}" for r in counted)
        + "."
    )
    if trials:
        text += " Without arm sizes, so without intervals: " + "; ".join(
            f"{r.study} {r.year} {r.label}, {r.percent:g}% improved" for r in trials
        )
        text += "."
    return text


def draw_forest(
    treatment_type: str = ALL, sort: str = "proportion", narrow: bool = False
) -> BookFigure:
    """The forest plot for one type filter and sort order (no controls); ``narrow``: phone."""
    rows = outcomes("improved")
    traces: list[go.Scatter] = []
    for kind in (k for k in TYPES if any(r.type == k for r in rows)):
        shown = treatment_type in (ALL, kind)
        traces += [_type_trace(rows, kind, shown), _sort_helper(rows, kind, sort, shown)]
    keys = [
        legend_key(
            level, symbol, GREY, legendgroup="evidence", legendgrouptitle={"text": "Study design"}
        )
        for level, symbol in DESIGN_SYMBOLS.items()
    ]
    keys.append(
        legend_key(
            "Open: n per arm not given"
            if narrow
            else "Open marker: n per arm not given, no interval",
            "diamond-open",
            GREY,
            legendgroup="evidence",
        )
    )
    fig = BookFigure(
        data=[*traces, *keys],
        caption=_forest_caption(rows),
        alt=_forest_alt(rows),
        columns=FOREST_COLUMNS,
        rows=[_table_row(r) for r in sort_order(rows, sort)[::-1]],
    )
    percent_layout(
        fig,
        len(rows),
        "Share of patients who improved, by study and treatment",
        {"range": [0, 102], "title": "Patients who improved (%)"},
        "Treatment type:",
        BOTTOM,
        {row.tick: row.short_tick for row in rows} if narrow else None,
        categoryorder="sum ascending",
    )
    return fig


FOREST_OPTIONS = {
    "treatment_type": Option(
        (ALL, *TYPES), "Type", place={"above": 52}, narrow={"place": {"above": 48}}
    ),
    "sort": sort_buttons(SORTS),
}
FOREST = Interactive(draw_forest, FOREST_OPTIONS)


def forest_figure(treatment_type: str = ALL, sort: str = "proportion") -> BookFigure:
    """Share of patients improved per study and treatment, with Wilson 95% intervals.

    ``treatment_type`` (``"All types"`` or one of :data:`TYPES`) and ``sort``
    (``"proportion"``, ``"n"``, ``"year"``) set the first view; the figure's own
    dropdown and buttons change both in the browser without a kernel.
    """
    return FOREST.figure(treatment_type=treatment_type, sort=sort)


# ------------------------------------------------------------ sample-size figure


def _band(proportion: float) -> tuple[list[float], list[float]]:
    """Lower and upper Wilson limits (percent) over :data:`N_GRID`."""
    limits = [wilson(proportion, n) for n in N_GRID]
    return [round(100 * lo, 1) for lo, _ in limits], [round(100 * hi, 1) for _, hi in limits]


def _size_table(proportion: float) -> list[tuple[float, ...]]:
    """Every slider step's band as table rows: the keyboard path to what the slider shows."""
    rows: list[tuple[float, ...]] = []
    for step in sorted({*PROPORTIONS, proportion}):
        lows, highs = _band(step)
        rows += [
            (size, round(100 * step, 1), lo, hi, round(hi - lo, 1))
            for size, lo, hi in zip(N_GRID, lows, highs, strict=True)
        ]
    return rows


def _reference_sizes() -> dict[int, list[str]]:
    """Study sizes from the forest plot (n >= 3), each with the studies of that size."""
    sizes: dict[int, list[str]] = {}
    for row in outcomes("improved"):
        if row.n is not None and row.n >= min(N_GRID):
            sizes.setdefault(row.n, []).append(f"{row.study} {row.year} ({row.label})")
    return dict(sorted(sizes.items()))


def _segments(proportion: float, sizes: list[int]) -> tuple[list[Any], list[Any]]:
    """The x and y of the vertical interval segments at each study size."""
    x: list[Any] = []
    y: list[Any] = []
    for n in sizes:
        low, high = wilson(proportion, n)
        x += [n, n, None]
        y += [round(100 * low, 1), round(100 * high, 1), None]
    return x, y


def _size_labels(sizes: list[int]) -> go.Scatter:
    """The study sizes written above the plot; sizes within 30% share one label."""
    x: list[int] = []
    text: list[str] = []
    for size in sizes:
        if x and size / x[-1] < 1.3:
            text[-1] += f", {size}"
        else:
            x.append(size)
            text.append(str(size))
    return go.Scatter(
        x=x,
        y=[104] * len(x),
        mode="text",
        text=text,
        textfont={"size": 11, "color": style.TEXT},
        name="Study sizes (n)",
        showlegend=False,
        hoverinfo="skip",
    )


def _line(y: list[float], name: str, colour: str, **trace: Any) -> go.Scatter:
    """A line over :data:`N_GRID`."""
    return go.Scatter(
        x=list(N_GRID), y=y, mode="lines", name=name, line={"color": colour, "width": 1.5}, **trace
    )


def _size_traces(proportion: float, sizes: dict[int, list[str]], n: int | None) -> list[Any]:
    """The band, the observed line, the study-size segments and the chosen n."""
    low, high = _band(proportion)
    centre = round(100 * proportion, 1)
    seg_x, seg_y = _segments(proportion, list(sizes))
    blue, vermilion = style.colour(0), style.colour(1)
    traces = [
        _line(
            low,
            "Lower limit",
            blue,
            showlegend=False,
            hovertemplate="n = %{x}: lower limit %{y}%<extra></extra>",
        ),
        _line(
            high,
            "95% Wilson interval",
            blue,
            fill="tonexty",
            fillcolor="rgba(0, 114, 178, 0.18)",
            hovertemplate="n = %{x}: upper limit %{y}%<extra></extra>",
        ),
        _line([centre] * len(N_GRID), "Observed share improved", style.TEXT, hoverinfo="skip"),
        go.Scatter(
            x=seg_x,
            y=seg_y,
            mode="lines",
            name="Interval at a study size in the forest plot",
            line={"color": vermilion, "width": 3},
            hovertemplate="n = %{x}: %{y}%<extra></extra>",
        ),
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
    traces[2].line.dash = "dash"
    if n is not None:
        x, y = _segments(proportion, [n])
        traces.append(
            go.Scatter(
                x=[*x, n],
                y=[*y, centre],
                mode="lines+markers",
                name=f"Your study size (n = {n})",
                line={"color": style.TEXT, "width": 4},
                marker={"symbol": ["line-ew", "line-ew", "circle", "circle"], "size": 12},
                hovertemplate="n = %{x}: %{y}%<extra></extra>",
            )
        )
    return [*traces, _size_labels(list(sizes))]


def interval_text(proportion: float, n: int) -> str:
    """One sentence: the Wilson interval for ``proportion`` observed in ``n`` patients."""
    SIZE_OPTIONS["proportion"].check("proportion", proportion)
    check_number("n", n, 1, 100_000, integer=True)
    low, high = wilson(proportion, n)
    return (
        f"If {100 * proportion:.0f}% of {n} patients improved (about "
        f"{round(proportion * n)} of {n}), the 95% Wilson interval runs from "
        f"{100 * low:.0f}% to {100 * high:.0f}%: {100 * (high - low):.0f} percentage "
        "points wide."
    )


def _size_caption(proportion: float, sizes: list[int]) -> str:
    """Caption for the sample-size figure, its numbers computed."""
    small, large = min(sizes), max(sizes)
    low_s, high_s = wilson(proportion, small)
    low_l, high_l = wilson(proportion, large)
    return (
        "How sample size limits certainty. The shaded band is the Wilson 95% interval for a "
        "study that finds the chosen share of patients improved, drawn for study sizes from "
        f"{N_GRID[0]} to {N_GRID[-1]}; the slider changes the share. The vertical bars mark "
        f"the sizes of the studies in the forest plot. At the starting value of "
        f"{percent(proportion)} improved, the interval for a study of {small} patients runs "
        f"from {percent(low_s)} to {percent(high_s)}; for a study of {large} it narrows to "
        f"{percent(low_l)}–{percent(high_l)}. The interval only reflects chance: it does not "
        "correct for an uncontrolled design, selected patients or a generous definition of "
        "'improved'."
    )


def _size_alt(proportion: float, sizes: list[int]) -> str:
    """Alt text for the sample-size figure, its numbers computed."""
    below = sum(size < 40 for size in sizes)
    return (
        f"Line chart with a logarithmic x axis from {N_GRID[0]} to {N_GRID[-1]} patients. A "
        f"shaded band around a dashed line at {percent(proportion)} shows the 95% Wilson "
        "interval; it is very wide for a handful of patients and narrows steadily as n grows. "
        f"Vertical bars mark {style.count(len(sizes), 'study size')} from {min(sizes)} to "
        f"{max(sizes)}, {below} of them below 40 patients."
    )


def draw_sample_size(
    proportion: float = 0.8, n: int | None = None, narrow: bool = False
) -> BookFigure:
    """The sample-size figure for one ``proportion`` and study size (no controls).

    ``narrow`` lays it out for a phone: wrapped title, smaller legend, more room above.
    """
    sizes = _reference_sizes()
    fig = BookFigure(
        data=_size_traces(proportion, sizes, n),
        caption=_size_caption(proportion, list(sizes)),
        alt=_size_alt(proportion, list(sizes)),
        columns=("n", "Proportion %", "Wilson 95% lower %", "Wilson 95% upper %", "Width (points)"),
        rows=_size_table(proportion),
    )
    fig.update_layout(
        template=style.template(),
        height=600 if narrow else 560,
        title=style.title("How sample size limits certainty", narrow, xref="container", y=0.98),
        xaxis={
            "type": "log",
            "range": [math.log10(2.5), math.log10(1100)],
            "tickvals": [3, 5, 10, 20, 50, 100, 200, 500, 1000],
            "title": {
                "text": "Number of patients (n, log scale)"
                if narrow
                else "Number of patients in the study (n, log scale)",
                "standoff": 6,
            },
        },
        yaxis={
            "range": [0, 108],
            "dtick": 20,
            "ticksuffix": "%",
            "title": {"text": "Share improved, with 95% interval"},
            "automargin": True,
        },
        legend={"y": 1.02, "yanchor": "bottom", "font": {"size": 10 if narrow else 12}},
        margin={"t": 150 if narrow else 110, "b": 160, "l": 10, "r": 20},
    )
    return fig


_UNDER_PLOT = {"x": 0, "len": 1, "y": -0.2, "yanchor": "top", "pad": {"t": 10}}
SIZE_OPTIONS = {
    "proportion": Option(
        PROPORTIONS,
        "Improved",
        "slider",
        fmt=lambda p: f"{round(100 * p, 1):g}%",
        limits=(0.01, 0.99),
        place={"currentvalue": {"prefix": "Observed share improved: "}, **_UNDER_PLOT},
        narrow={
            "place": {
                "currentvalue": {"prefix": "Share improved: "},
                "font": {"size": 9},
                **_UNDER_PLOT,
            }
        },
    ),
    "n": Option((3, 1000), "Your n", "number"),
}
SAMPLE_SIZE = Interactive(draw_sample_size, SIZE_OPTIONS)


def _snap(proportion: Any) -> Any:
    """``proportion``, or the slider step it is within 0.1 percentage point of.

    Plotted values are rounded to 0.1 point, so a proportion that close to a step
    would give the slider two identical states.
    """
    if isinstance(proportion, bool) or not isinstance(proportion, (int, float)):
        return proportion
    nearest = min(PROPORTIONS, key=lambda step: abs(step - proportion))
    return nearest if abs(nearest - proportion) < 0.001 else float(proportion)


def sample_size_figure(proportion: float = 0.8, n: int | None = None) -> BookFigure:
    """How sample size limits certainty: the Wilson 95% interval against n.

    ``proportion`` (from 0.01 to 0.99) is the observed share improved shown first;
    the figure's slider switches between 50% and 95% in the browser. The study
    sizes of the forest plot are marked. ``n`` (3 to 1000) adds one highlighted
    study size, as the live app does.
    """
    return SAMPLE_SIZE.figure(proportion=_snap(proportion), n=n)


# ------------------------------------------------------------------------ live app


@dataclass
class SizeView:
    """What the live sample-size app shows: one sentence, then the figure."""

    text: str
    figure: BookFigure

    def _ipython_display_(self) -> None:
        """Show the sentence above the figure."""
        from IPython.display import Markdown, display

        display(Markdown(self.text))
        display(self.figure)


def _size_view(proportion: float, n: int) -> SizeView:
    """The sample-size app's render function."""
    return SizeView(interval_text(proportion, n), draw_sample_size(proportion, n))


def app() -> Any:
    """Live version: the forest plot's type and sort, then the sample-size controls."""
    import ipywidgets as w

    forest = FOREST.app(
        "Treatment outcomes: share improved", {"treatment_type": ALL, "sort": "proportion"}
    )
    size = SAMPLE_SIZE.app(
        "How sure can we be? Sample size and the 95% interval",
        {"proportion": 0.8, "n": 35},
        render=_size_view,
    )
    return w.VBox([forest, size])
