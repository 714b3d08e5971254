"""What helped, in how many, and how sure can we be? Treatment outcomes (chapter 4).

``data/treatments.csv`` holds one row per reported outcome: the study, the
treatment and its type, the condition treated (back mice, the iliac crest pain
syndrome, or superior cluneal nerve entrapment), what counted as a good result,
the study design (evidence level), the number treated ``n`` and the number with
the outcome (``events``), whether the count was back-calculated from a reported
percentage (``derived``), and the ``references.bib`` key.

The model (:func:`outcomes`, :func:`interval_for_proportion`) computes Wilson 95%
intervals; nothing is stored in the CSV. :func:`forest_figure` plots the share of
patients who improved per study; :func:`sample_size_figure` shows how the width of
the interval depends on the number of patients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from . import style
from .data import (
    DataError,
    Field,
    Row,
    check_choice,
    check_count,
    check_number,
    citation,
    load_table,
    parse_rows,
    row_error,
)
from .render import BookFigure
from .stats import Z95, wilson_interval

TYPES: tuple[str, ...] = (
    "Local injection",
    "Excision",
    "Nerve release",
    "Nerve block",
    "Hydrodissection",
    "Manual therapy",
)

#: Evidence levels and the marker symbol that shows each (legend explains them).
EVIDENCE: dict[str, str] = {
    "RCT": style.symbol(1),  # diamond
    "Case series": style.symbol(0),  # circle
    "Case report": style.symbol(2),  # square
}

CONDITIONS: tuple[str, ...] = (
    "Back mice (painful nodules)",
    "Iliac crest pain syndrome",
    "SCN entrapment",
)

MEASURES: tuple[str, ...] = ("improved", "recurred")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low/medium", "low")

ALL = "All types"

#: Sort orders offered by the sort buttons: argument value -> button label.
SORTS: dict[str, str] = {
    "proportion": "By proportion",
    "n": "By n",
    "year": "By year",
}

#: Proportions offered by the sample-size slider (50% to 95% in steps of 5).
PROPORTIONS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))

#: Study sizes on the sample-size figure's x axis: about 30 points from 3 to 1000.
N_GRID: tuple[int, ...] = tuple(sorted({round(3 * (1000 / 3) ** (i / 29)) for i in range(30)}))

FIELDS = (
    Field("study"),
    Field("year", "int", minimum=1900, maximum=2030),
    Field("label"),
    Field("treatment"),
    Field("type", choices=TYPES),
    Field("condition", choices=CONDITIONS),
    Field("outcome"),
    Field("measure", choices=MEASURES),
    Field("evidence", choices=tuple(EVIDENCE)),
    Field("n", "int", required=False, minimum=1, maximum=100_000),
    Field("events", "int", required=False, minimum=0, maximum=100_000),
    Field("percent", "float", required=False, minimum=0, maximum=100),
    Field("derived", choices=("yes", "no")),
    Field("followup", required=False),
    Field("confidence", choices=CONFIDENCE),
    Field("note", required=False),
    Field("source", "cite"),
)

FILE = "data/treatments.csv"
GREY = "#595959"

# Layout in pixels: height of one row, and the margins above and below the plot.
ROW_HEIGHT = 36
TOP = 150
BOTTOM = 190


# --------------------------------------------------------------------------- model


def _fail(number: int, field: str, message: str) -> DataError:
    """The error for one row of ``data/treatments.csv``."""
    return row_error(FILE, number, field, message)


def check_rows(rows: list[Row]) -> list[Row]:
    """Rules across the columns of one row; raise ``DataError`` naming row and field.

    A row has ``n`` and ``events`` together (``events`` <= ``n``), or only a
    ``percent`` (group size not reported); a derived count also gives the
    percentage it came from, and every count agrees with its percentage.
    """
    for number, row in enumerate(rows, start=1):
        check_count(row, number, FILE, "events")
        if row["n"] is None and row["percent"] is None:
            raise _fail(number, "percent", "give n and events, or a percent")
        if row["derived"] == "yes" and (row["events"] is None or row["percent"] is None):
            raise _fail(number, "derived", "a derived count needs n, events and the percent")
    return rows


def parse(lines: Any, filename: str = FILE) -> list[Row]:
    """Parse and check CSV ``lines`` (used by :func:`load` and by the tests)."""
    return check_rows(parse_rows(lines, FIELDS, filename))


def load() -> list[Row]:
    """The validated rows of ``data/treatments.csv``, in file order."""
    return check_rows(load_table("treatments", FIELDS))


def with_interval(row: Row) -> Row:
    """A copy of ``row`` with ``proportion``, ``ci_low`` and ``ci_high`` (fractions).

    The interval is the Wilson 95% interval from :func:`widgets.stats.wilson_interval`;
    a row without ``n`` keeps its reported percentage and gets no interval.
    """
    out = dict(row)
    if row["n"] is None:
        out["proportion"] = row["percent"] / 100
        out["ci_low"] = out["ci_high"] = None
    else:
        out["proportion"] = row["events"] / row["n"]
        out["ci_low"], out["ci_high"] = wilson_interval(row["events"], row["n"])
    return out


def outcomes(measure: str = "improved") -> list[Row]:
    """Rows of one ``measure`` (``"improved"`` or ``"recurred"``) with their intervals."""
    check_choice("measure", measure, MEASURES)
    return [with_interval(row) for row in load() if row["measure"] == measure]


def check_proportion(proportion: Any) -> float:
    """Return ``proportion`` if it is a number strictly between 0 and 1, else raise."""
    valid = (
        isinstance(proportion, (int, float))
        and not isinstance(proportion, bool)
        and math.isfinite(proportion)
        and 0 < proportion < 1
    )
    if not valid:
        raise ValueError(
            f"argument 'proportion' must be a number greater than 0 and less than 1, "
            f"got {proportion!r}"
        )
    return float(proportion)


def interval_for_proportion(proportion: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson interval for an observed ``proportion`` in ``n`` patients (fractions).

    The same formula as :func:`widgets.stats.wilson_interval`, written for a
    proportion so that ``proportion * n`` need not be a whole number; it gives the
    same result when it is.
    """
    check_number("proportion", proportion, 0.0, 1.0)
    check_number("n", n, 1, 10**9, integer=True)
    z2 = z * z
    centre = (proportion + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if proportion == 0 else max(0.0, centre - half)
    high = 1.0 if proportion == 1 else min(1.0, centre + half)
    return low, high


def sort_order(rows: list[Row], sort: str) -> list[Row]:
    """Rows from the bottom of the forest plot to the top for one sort order.

    ``"proportion"``: highest share improved at the top; ``"n"``: largest study at
    the top (rows without ``n`` at the bottom); ``"year"``: oldest at the top.
    """
    check_choice("sort", sort, tuple(SORTS))
    if sort == "proportion":
        return sorted(rows, key=lambda r: (r["proportion"], r["n"] or 0, -r["year"]))
    if sort == "n":
        return sorted(rows, key=lambda r: (r["n"] or 0, r["proportion"]))
    return sorted(rows, key=lambda r: (-r["year"], r["study"], r["proportion"]))


# ------------------------------------------------------------------- forest plot


def tick_label(row: Row) -> str:
    """The y-axis label: first author, year, n and the arm or outcome (unique)."""
    size = f"n = {row['n']}" if row["n"] is not None else "n per arm not given"
    first = row["study"].split(" ")[0]
    return f"{first} {row['year']} · {size}<br>{row['label']}"


def _percent(value: float) -> str:
    """A fraction as a whole percentage, e.g. ``0.886`` -> ``89%``."""
    return f"{100 * value:.0f}%"


def _hover(row: Row) -> str:
    """Hover text: treatment, outcome, counts, interval, design and citation."""
    if row["n"] is None:
        counts = f"{row['percent']:g}% (n per arm not reported: no interval)"
    else:
        flag = " (count derived from a reported %)" if row["derived"] == "yes" else ""
        counts = (
            f"{row['events']}/{row['n']} = {_percent(row['proportion'])}{flag}; "
            f"95% Wilson interval {_percent(row['ci_low'])}–{_percent(row['ci_high'])}"
        )
    cites = "<br>".join(citation(key) for key in row["source"])
    lines = [
        f"<b>{row['study']} {row['year']}</b>: {row['treatment']}",
        f"Condition: {row['condition']}",
        f"Outcome: {row['outcome']}",
        counts,
        f"Design: {row['evidence']}; confidence {row['confidence']}",
    ]
    if row["followup"]:
        lines.append(f"Follow-up: {row['followup']}")
    if row["note"]:
        lines.append(f"Note: {row['note']}")
    lines.append(f"{cites} [{', '.join(row['source'])}]")
    return "<br>".join(lines)


def _type_trace(rows: list[Row], kind: str) -> go.Scatter:
    """One trace per treatment type: colour by type, symbol by evidence level."""
    index = TYPES.index(kind)
    # A case series with n comes first: the legend shows the first point's symbol.
    members = sorted(
        (r for r in rows if r["type"] == kind),
        key=lambda r: (r["n"] is None, r["evidence"] != "Case series"),
    )
    colour = style.colour(index)

    def bar(r: Row, side: str) -> float | None:
        if r["ci_low"] is None:
            return None
        gap = r["ci_high"] - r["proportion"] if side == "high" else r["proportion"] - r["ci_low"]
        return round(100 * gap, 1)

    return go.Scatter(
        x=[round(100 * r["proportion"], 1) for r in members],
        y=[tick_label(r) for r in members],
        mode="markers",
        name=kind,
        legendgroup=kind,
        cliponaxis=False,
        hovertext=[_hover(r) for r in members],
        hoverinfo="text",
        marker={
            "size": 12,
            "color": colour,
            "symbol": [
                EVIDENCE[r["evidence"]] + ("" if r["n"] is not None else "-open") for r in members
            ],
            "line": {"width": 1.5, "color": colour},
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [bar(r, "high") for r in members],
            "arrayminus": [bar(r, "low") for r in members],
            "color": colour,
            "thickness": 2,
            "width": 0,
        },
    )


def _helper_x(rows: list[Row], members: list[Row], sort: str) -> list[float]:
    """Sort helper values: with the plotted x they sum to 1000 x (rank + 1).

    The y axis orders its categories by the sum of x over visible traces
    (``categoryorder: "sum ascending"``), so a hidden type leaves no empty row and
    the order follows ``sort``. The helper points sit far outside the x range.
    """
    rank = {tick_label(r): i for i, r in enumerate(sort_order(rows, sort))}
    return [
        round(1000 * (rank[tick_label(r)] + 1) - round(100 * r["proportion"], 1), 1)
        for r in members
    ]


def _helper_trace(rows: list[Row], kind: str, sort: str) -> go.Scatter:
    """An invisible trace that carries the sort order for one treatment type."""
    members = [r for r in rows if r["type"] == kind]
    return go.Scatter(
        x=_helper_x(rows, members, sort),
        y=[tick_label(r) for r in members],
        mode="markers",
        name=f"{kind} (sort order)",
        legendgroup=kind,
        showlegend=False,
        hoverinfo="skip",
        marker={"opacity": 0, "size": 1},
    )


def _key_trace(name: str, symbol: str) -> go.Scatter:
    """A legend-only entry that explains a marker symbol."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup="evidence",
        legendgrouptitle={"text": "Study design"},
        hoverinfo="skip",
        marker={"symbol": symbol, "size": 11, "color": GREY, "line": {"color": GREY}},
    )


def _shown(present: list[str], choice: str) -> list[bool | str]:
    """``visible`` for the (main, helper) trace pairs: one type or all of them."""
    return [True if choice in (ALL, kind) else "legendonly" for kind in present for _ in (0, 1)]


def _filter_menu(present: list[str], extra: int, active: int, y: float) -> dict[str, Any]:
    """Dropdown that shows all treatment types or one type.

    Hidden types become ``"legendonly"`` (greyed in the legend), not ``False``:
    plotly.js cannot order categories by value when a trace is fully hidden.
    """
    buttons = [
        {
            "label": choice,
            "method": "restyle",
            "args": [{"visible": _shown(present, choice) + [True] * extra}],
        }
        for choice in (ALL, *present)
    ]
    return {
        "buttons": buttons,
        "active": active,
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
    }


def _sort_menu(rows: list[Row], present: list[str], active: int, y: float) -> dict[str, Any]:
    """Buttons that re-order the rows (by proportion, by n, by year)."""
    helpers = [2 * i + 1 for i in range(len(present))]
    buttons = []
    for sort, label in SORTS.items():
        xs = [_helper_x(rows, [r for r in rows if r["type"] == k], sort) for k in present]
        buttons.append({"label": label, "method": "restyle", "args": [{"x": xs}, helpers]})
    return {
        "type": "buttons",
        "direction": "left",
        "buttons": buttons,
        "active": active,
        "showactive": True,
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
    }


def forest_figure(treatment_type: str = ALL, sort: str = "proportion") -> BookFigure:
    """Share of patients improved per study and treatment, with Wilson 95% intervals.

    ``treatment_type`` (``"All types"`` or one of :data:`TYPES`) and ``sort``
    (``"proportion"``, ``"n"``, ``"year"``) set the first view; the figure's own
    dropdown and buttons change both in the browser without a kernel.
    """
    check_choice("treatment_type", treatment_type, (ALL, *TYPES))
    check_choice("sort", sort, tuple(SORTS))
    rows = outcomes("improved")
    present = [kind for kind in TYPES if any(r["type"] == kind for r in rows)]
    traces: list[go.Scatter] = []
    for kind in present:
        traces += [_type_trace(rows, kind), _helper_trace(rows, kind, sort)]
    for trace, shown in zip(traces, _shown(present, treatment_type), strict=True):
        trace.visible = shown
    keys = [_key_trace(level, symbol) for level, symbol in EVIDENCE.items()]
    keys.append(_key_trace("Open marker: n per arm not given, no interval", "diamond-open"))
    fig = BookFigure(
        data=[*traces, *keys],
        caption=_forest_caption(),
        alt=_forest_alt(rows),
        columns=(
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
        ),
        rows=[_table_row(r) for r in sort_order(rows, sort)[::-1]],
    )
    plot_height = ROW_HEIGHT * len(rows) + 10
    fig.update_layout(
        template=style.template(),
        height=plot_height + TOP + BOTTOM,
        title={
            "text": "Share of patients who improved, by study and treatment",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.995,
            "yanchor": "top",
        },
        xaxis={
            "range": [0, 102],
            "title": {"text": "Patients who improved (%)", "standoff": 8},
            "ticksuffix": "%",
            "dtick": 10,
        },
        yaxis={
            "categoryorder": "sum ascending",
            "automargin": True,
            "showgrid": True,
            "tickfont": {"size": 12},
        },
        legend={
            "orientation": "h",
            "x": 0,
            "y": -75 / plot_height,
            "yanchor": "top",
            "font": {"size": 12},
            "title": {"text": "Treatment type:"},
        },
        updatemenus=[
            _filter_menu(
                present, len(keys), (ALL, *present).index(treatment_type), 1 + 52 / plot_height
            ),
            _sort_menu(rows, present, tuple(SORTS).index(sort), 1 + 8 / plot_height),
        ],
        margin={"t": TOP, "b": BOTTOM, "l": 10, "r": 15},
        hoverlabel={"align": "left"},
    )
    return fig


def _table_row(row: Row) -> tuple[Any, ...]:
    """One row of the forest plot's data table."""
    interval = (
        None if row["ci_low"] is None else f"{100 * row['ci_low']:.1f}–{100 * row['ci_high']:.1f}"
    )
    return (
        row["study"],
        row["year"],
        row["treatment"],
        row["type"],
        row["condition"],
        row["outcome"],
        row["evidence"],
        row["n"],
        row["events"],
        round(100 * row["proportion"], 1),
        interval,
        row["derived"],
        row["followup"],
        row["note"],
        row["source"],
    )


def recurrence_text() -> str:
    """The recurrence rows as one sentence (kept off the improvement axis)."""
    parts = []
    for row in outcomes("recurred"):
        parts.append(
            f"{row['study']} {row['year']}: {row['events']} of {row['n']} "
            f"({_percent(row['proportion'])}; 95% interval {_percent(row['ci_low'])}–"
            f"{_percent(row['ci_high'])}) {row['outcome'].lower()}"
        )
    return "; ".join(parts)


def _forest_caption() -> str:
    """The forest plot's caption: what is plotted, what is not, and why."""
    return (
        "Share of patients who improved after each treatment, by study. Bars are Wilson "
        "95% intervals computed from the reported counts; marker shape shows the study "
        "design and colour the type of treatment. Each study used its own definition of "
        "'improved' and treated a different condition (painful nodules, the iliac crest "
        "pain syndrome, or superior cluneal nerve entrapment), and only Collée 1991 had "
        "a control group, so the rows cannot be ranked against each other. Collée 1991 "
        "is shown without intervals because the size of each arm is not reported here. "
        "Takayama & Utsumi's 174/200 is back-calculated from 87% and assumes all 200 "
        "were operated. Not plotted: recurrence, which is a different outcome ("
        f"{recurrence_text()}); and Hucherson & Gandy 1948, whose number of operated "
        "patients differs between sources (42 or 32)."
    )


def _forest_alt(rows: list[Row]) -> str:
    """Alt text for the forest plot, written from the rows themselves."""

    def describe(row: Row) -> str:
        return (
            f"{row['study']} {row['year']}, {row['events']} of {row['n']} "
            f"({_percent(row['ci_low'])} to {_percent(row['ci_high'])})"
            + (", a count derived from a percentage" if row["derived"] == "yes" else "")
        )

    counted = [r for r in rows if r["n"] is not None]
    small = [r for r in counted if r["n"] <= 12]
    large = [r for r in counted if r["n"] >= 35]
    trial = [r for r in rows if r["evidence"] == "RCT"]
    years = [r["year"] for r in rows]
    return (
        f"Forest plot of {len(rows)} outcome rows from {min(years)} to {max(years)}. "
        "Small series have wide intervals: "
        + "; ".join(describe(r) for r in small)
        + ". Larger series have narrower ones: "
        + "; ".join(describe(r) for r in large)
        + ". The only randomised trial reported "
        + " and ".join(f"{r['percent']:g}% improved in the {r['label']}" for r in trial)
        + ", without arm sizes, so it has no intervals."
    )


# ------------------------------------------------------------ sample-size figure


def _band(proportion: float) -> tuple[list[float], list[float]]:
    """Lower and upper Wilson limits (percent) over :data:`N_GRID`."""
    limits = [interval_for_proportion(proportion, n) for n in N_GRID]
    return [round(100 * lo, 1) for lo, _ in limits], [round(100 * hi, 1) for _, hi in limits]


def _size_table(steps: list[float]) -> list[tuple[float, ...]]:
    """Every slider step's band as table rows.

    The figure's data dropdown then holds everything the slider shows: the keyboard
    path to the same numbers.
    """
    rows: list[tuple[float, ...]] = []
    for proportion in steps:
        lows, highs = _band(proportion)
        rows += [
            (size, round(100 * proportion, 1), lo, hi, round(hi - lo, 1))
            for size, lo, hi in zip(N_GRID, lows, highs, strict=True)
        ]
    return rows


def _reference_sizes() -> dict[int, list[str]]:
    """Study sizes from the forest plot (n >= 3), each with the studies of that size."""
    sizes: dict[int, list[str]] = {}
    for row in outcomes("improved"):
        if row["n"] is not None and row["n"] >= min(N_GRID):
            name = f"{row['study']} {row['year']} ({row['label']})"
            sizes.setdefault(row["n"], []).append(name)
    return dict(sorted(sizes.items()))


def _segments(proportion: float, sizes: list[int]) -> list[float | None]:
    """The y values of the vertical interval segments at each study size."""
    y: list[float | None] = []
    for n in sizes:
        low, high = interval_for_proportion(proportion, n)
        y += [round(100 * low, 1), round(100 * high, 1), None]
    return y


def _state(proportion: float, sizes: list[int], highlight: int | None) -> list[list[Any]]:
    """The y arrays of every trace for one proportion (one slider step)."""
    low, high = _band(proportion)
    centre = round(100 * proportion, 1)
    state: list[list[Any]] = [
        low,
        high,
        [centre] * len(N_GRID),
        _segments(proportion, sizes),
        [centre] * len(sizes),
    ]
    if highlight is not None:
        state.append([*_segments(proportion, [highlight]), centre])
    return state


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


def _snap(proportion: float) -> float:
    """``proportion``, or the slider step it is within 0.1 percentage point of.

    Plotted values are rounded to 0.1 point, so a proportion that close to a step
    would give the slider two identical states.
    """
    nearest = min(PROPORTIONS, key=lambda step: abs(step - proportion))
    return nearest if abs(nearest - proportion) < 0.001 else proportion


def interval_text(proportion: float, n: int) -> str:
    """One sentence: the Wilson interval for ``proportion`` observed in ``n`` patients."""
    check_proportion(proportion)
    check_number("n", n, 1, 100_000, integer=True)
    low, high = interval_for_proportion(proportion, n)
    return (
        f"If {100 * proportion:.0f}% of {n} patients improved (about "
        f"{round(proportion * n)} of {n}), the 95% Wilson interval runs from "
        f"{100 * low:.0f}% to {100 * high:.0f}%: {100 * (high - low):.0f} percentage "
        "points wide."
    )


def sample_size_figure(proportion: float = 0.8, n: int | None = None) -> BookFigure:
    """How sample size limits certainty: the Wilson 95% interval against n.

    ``proportion`` (strictly between 0 and 1) is the observed share improved shown
    first; the figure's slider switches between 50% and 95% in the browser. The
    study sizes of the forest plot are marked. ``n`` (3 to 1000) adds one
    highlighted study size, as the live app does.
    """
    proportion = _snap(check_proportion(proportion))
    if n is not None:
        check_number("n", n, min(N_GRID), max(N_GRID), integer=True)
    steps = sorted({*PROPORTIONS, proportion})
    sizes_named = _reference_sizes()
    sizes = list(sizes_named)
    state = _state(proportion, sizes, n)
    seg_x: list[float | None] = []
    for size in sizes:
        seg_x += [size, size, None]
    blue = style.colour(0)
    traces = [
        go.Scatter(
            x=list(N_GRID),
            y=state[0],
            mode="lines",
            name="Lower limit",
            showlegend=False,
            line={"color": blue, "width": 1.5},
            hovertemplate="n = %{x}: lower limit %{y}%<extra></extra>",
        ),
        go.Scatter(
            x=list(N_GRID),
            y=state[1],
            mode="lines",
            name="95% Wilson interval",
            fill="tonexty",
            fillcolor="rgba(0, 114, 178, 0.18)",
            line={"color": blue, "width": 1.5},
            hovertemplate="n = %{x}: upper limit %{y}%<extra></extra>",
        ),
        go.Scatter(
            x=list(N_GRID),
            y=state[2],
            mode="lines",
            name="Observed share improved",
            line={"color": style.TEXT, "width": 1.5, "dash": "dash"},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=seg_x,
            y=state[3],
            mode="lines",
            name="Interval at a study size in the forest plot",
            line={"color": style.colour(1), "width": 3},
            hovertemplate="n = %{x}: %{y}%<extra></extra>",
        ),
        go.Scatter(
            x=sizes,
            y=state[4],
            mode="markers",
            name="Study size in the forest plot",
            showlegend=False,
            marker={"symbol": style.symbol(1), "size": 9, "color": style.colour(1)},
            customdata=["<br>".join(names) for names in sizes_named.values()],
            hovertemplate="n = %{x}<br>%{customdata}<extra></extra>",
        ),
    ]
    if n is not None:
        traces.append(
            go.Scatter(
                x=[n, n, None, n],
                y=state[5],
                mode="lines+markers",
                name=f"Your study size (n = {n})",
                line={"color": style.TEXT, "width": 4},
                marker={"symbol": ["line-ew", "line-ew", "circle", "circle"], "size": 12},
                hovertemplate="n = %{x}: %{y}%<extra></extra>",
            )
        )
    indices = list(range(len(traces)))
    traces.append(_size_labels(sizes))
    slider_steps = [
        {
            "label": f"{round(100 * p, 1):g}%",
            "method": "restyle",
            "args": [{"y": _state(p, sizes, n)}, indices],
        }
        for p in steps
    ]
    fig = BookFigure(
        data=traces,
        caption=_size_caption(proportion, sizes),
        alt=_size_alt(proportion),
        columns=("n", "Proportion %", "Wilson 95% lower %", "Wilson 95% upper %", "Width (points)"),
        rows=_size_table(steps),
    )
    fig.update_layout(
        template=style.template(),
        height=560,
        title={
            "text": "How sample size limits certainty",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.98,
            "yanchor": "top",
        },
        xaxis={
            "type": "log",
            "range": [math.log10(2.5), math.log10(1100)],
            "tickvals": [3, 5, 10, 20, 50, 100, 200, 500, 1000],
            "title": {"text": "Number of patients in the study (n, log scale)", "standoff": 6},
        },
        yaxis={
            "range": [0, 108],
            "dtick": 20,
            "ticksuffix": "%",
            "title": {"text": "Share improved, with 95% interval"},
            "automargin": True,
        },
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 12}},
        sliders=[
            {
                "active": steps.index(proportion),
                "steps": slider_steps,
                "currentvalue": {"prefix": "Observed share improved: "},
                "x": 0,
                "len": 1,
                "y": -0.2,
                "yanchor": "top",
                "pad": {"t": 10},
            }
        ],
        margin={"t": 110, "b": 160, "l": 10, "r": 20},
    )
    return fig


def _size_caption(proportion: float, sizes: list[int]) -> str:
    """Caption for the sample-size figure."""
    small, large = min(sizes), max(sizes)
    low_s, high_s = interval_for_proportion(proportion, small)
    low_l, high_l = interval_for_proportion(proportion, large)
    return (
        "How sample size limits certainty. The shaded band is the Wilson 95% interval "
        "for a study that finds the chosen share of patients improved, drawn for study "
        "sizes from 3 to 1000; the slider changes the share. The vertical bars mark "
        "the sizes of the studies in the forest plot. At "
        f"the starting value of {100 * proportion:.0f}% improved, the interval for a "
        f"study of {small} patients runs from {100 * low_s:.0f}% to {100 * high_s:.0f}%; "
        f"for a study of {large} it narrows to {100 * low_l:.0f}-{100 * high_l:.0f}%. "
        "The interval only reflects chance: it does not correct for an uncontrolled "
        "design, selected patients or a generous definition of 'improved'."
    )


def _size_alt(proportion: float) -> str:
    """Alt text for the sample-size figure."""
    return (
        "Line chart with a logarithmic x axis from 3 to 1000 patients. A shaded band "
        f"around a dashed line at {100 * proportion:.0f}% shows the 95% Wilson interval; "
        "it is very wide for a handful of patients and narrows steadily as n grows, "
        "roughly halving in width for every four-fold increase in n. Vertical bars "
        "mark the sizes of the published studies, most of which are below 40 patients."
    )


# ------------------------------------------------------------------------ live app


@dataclass
class TreatmentsView:
    """What the live app shows: the forest plot, the interval sentence and figure."""

    forest: BookFigure
    text: str
    sample_size: BookFigure

    def _ipython_display_(self) -> None:
        """Show the three parts one under the other."""
        from IPython.display import Markdown, display

        display(self.forest)
        display(Markdown(self.text))
        display(self.sample_size)


def render(treatment_type: str, sort: str, proportion: float, n: int) -> TreatmentsView:
    """The app's render function: control values -> forest, text, sample-size figure."""
    return TreatmentsView(
        forest=forest_figure(treatment_type=treatment_type, sort=sort),
        text=interval_text(proportion, n),
        sample_size=sample_size_figure(proportion=proportion, n=n),
    )


def app() -> Any:
    """Live version: type filter and sort for the forest plot; proportion and n sliders."""
    import ipywidgets as w

    from .live import LiveApp

    controls = {
        "treatment_type": w.Dropdown(options=[ALL, *TYPES], description="Type"),
        "sort": w.Dropdown(
            options=[(label, sort) for sort, label in SORTS.items()], description="Sort"
        ),
        "proportion": w.FloatSlider(
            value=0.8, min=0.05, max=0.95, step=0.05, description="Improved", readout_format=".0%"
        ),
        "n": w.IntSlider(value=35, min=3, max=1000, description="n"),
    }
    return LiveApp(controls, render, "Treatment outcomes and how sure we can be")
