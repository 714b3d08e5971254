"""How common are back mice? Reported prevalence by study (chapter 1).

``data/prevalence.csv`` holds one row per reported figure: the study, the people
examined (population and setting), what was counted (the definition), how it was
counted (method), the size of the group ``n`` and the number of ``cases`` where
they are known, the reported percentage (or a range), whether the count was
back-calculated from a rounded percentage (``derived``), the dossier's confidence
and the ``references.bib`` key.

The figures differ mainly because the studies counted different things in
different people: any palpable lump in the general population, a painful lump in
patients with low back pain, tenderness of the iliac crest, or entrapment of a
cluneal nerve. The figure lets the reader colour and sort the rows by definition
or by population to see this.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from . import style
from .data import (
    DataError,
    Field,
    Row,
    check_choice,
    check_count,
    citation,
    load_table,
    parse_rows,
    row_error,
)
from .render import BookFigure
from .stats import wilson_interval

DEFINITIONS: tuple[str, ...] = (
    "Any palpable nodule",
    "Painful nodule",
    "Iliac-crest tenderness (ICPS)",
    "SCN entrapment",
    "MCN entrapment",
    "Not stated",
)

POPULATIONS: tuple[str, ...] = (
    "General population (estimate)",
    "Women on routine examination",
    "Low-back-pain patients",
    "Not stated",
)

CONFIDENCE: tuple[str, ...] = ("high", "medium", "low/medium", "low")

#: What the colour dropdown can group by: argument value -> (row field, groups).
COLOUR_BY: dict[str, tuple[str, tuple[str, ...]]] = {
    "definition": ("definition", DEFINITIONS),
    "population": ("population", POPULATIONS),
}

#: Sort orders offered by the sort buttons: argument value -> button label.
SORTS: dict[str, str] = {
    "year": "By year",
    "percent": "By percent",
    "definition": "By definition",
    "population": "By population",
}

#: Layout in pixels: height of one row, and the margins above and below the plot.
ROW_HEIGHT = 36
TOP = 150
BOTTOM = 200

FIELDS = (
    Field("study"),
    Field("year", "int", minimum=1900, maximum=2030),
    Field("label"),
    Field("population", choices=POPULATIONS),
    Field("setting"),
    Field("definition", choices=DEFINITIONS),
    Field("detail"),
    Field("method"),
    Field("n", "int", required=False, minimum=1, maximum=100_000),
    Field("cases", "int", required=False, minimum=0, maximum=100_000),
    Field("percent", "float", required=False, minimum=0, maximum=100),
    Field("percent_low", "float", required=False, minimum=0, maximum=100),
    Field("percent_high", "float", required=False, minimum=0, maximum=100),
    Field("derived", choices=("yes", "no")),
    Field("confidence", choices=CONFIDENCE),
    Field("note", required=False),
    Field("source", "cite"),
)

FILE = "data/prevalence.csv"
GREY = "#595959"
RANGE_NAME = "Range given without a source"


def _fail(number: int, field: str, message: str) -> DataError:
    """The error for one row of ``data/prevalence.csv``."""
    return row_error(FILE, number, field, message)


def check_rows(rows: list[Row]) -> list[Row]:
    """Rules across the columns of one row; raise ``DataError`` naming row and field.

    A row has either a ``percent`` or a range (``percent_low`` < ``percent_high``),
    never both; ``cases`` needs ``n`` and may not exceed it; a count must agree with
    the percentage it came with; a derived row must have a count.
    """
    for number, row in enumerate(rows, start=1):
        has_range = row["percent_low"] is not None or row["percent_high"] is not None
        if has_range == (row["percent"] is not None):
            raise _fail(number, "percent", "give either a percent or a low/high range")
        if has_range and not (
            row["percent_low"] is not None
            and row["percent_high"] is not None
            and row["percent_low"] < row["percent_high"]
        ):
            raise _fail(number, "percent_high", "a range needs percent_low < percent_high")
        check_count(row, number, FILE, "cases")
        if row["derived"] == "yes" and row["cases"] is None:
            raise _fail(number, "derived", "a derived count needs n and cases")
    return rows


def parse(lines: Any, filename: str = FILE) -> list[Row]:
    """Parse and check CSV ``lines`` (used by :func:`load` and by the tests)."""
    return check_rows(parse_rows(lines, FIELDS, filename))


def load() -> list[Row]:
    """The validated rows of ``data/prevalence.csv``, each with its estimate added.

    ``estimate`` is the plotted percentage (``cases / n`` when both are known, else
    the reported percentage, else the middle of a range); ``ci_low`` and
    ``ci_high`` are the Wilson 95% interval in percent when ``n`` is known.
    """
    return [with_estimate(row) for row in check_rows(load_table("prevalence", FIELDS))]


def with_estimate(row: Row) -> Row:
    """A copy of ``row`` with ``estimate``, ``ci_low`` and ``ci_high`` (percent)."""
    out = dict(row)
    out["ci_low"] = out["ci_high"] = None
    if row["cases"] is not None:
        low, high = wilson_interval(row["cases"], row["n"])
        out["estimate"] = 100 * row["cases"] / row["n"]
        out["ci_low"], out["ci_high"] = 100 * low, 100 * high
    elif row["percent"] is not None:
        out["estimate"] = row["percent"]
    else:
        out["estimate"] = (row["percent_low"] + row["percent_high"]) / 2
    return out


def tick_label(row: Row) -> str:
    """The y-axis label: study, year, subgroup and n (unique per row)."""
    size = f"n = {row['n']}" if row["n"] is not None else "n not given"
    return f"{row['study'].split(' ')[0]} {row['year']} · {size}<br>{row['label']}"


def _reported(row: Row) -> str:
    """The reported figure as text, e.g. ``18/76 (23%)`` or ``10-58%``."""
    if row["percent"] is None:
        return f"{row['percent_low']:g}–{row['percent_high']:g}% (range)"
    if row["cases"] is None:
        return f"{row['percent']:g}%"
    flag = ", count derived from a rounded %" if row["derived"] == "yes" else ""
    return f"{row['cases']}/{row['n']} ({row['percent']:g}% reported{flag})"


def _interval(row: Row) -> str:
    """The Wilson interval as text, or why there is none."""
    if row["ci_low"] is None:
        return "no interval: n not reported"
    return f"{row['ci_low']:.0f}–{row['ci_high']:.0f}%"


def _hover(row: Row) -> str:
    """Hover text: what was counted, in whom, how, and the citation."""
    cites = "<br>".join(citation(key) for key in row["source"])
    keys = ", ".join(row["source"])
    lines = [
        f"<b>{row['study']} {row['year']}</b> ({row['label']})",
        f"Reported: {_reported(row)}",
        f"95% Wilson interval: {_interval(row)}",
        f"Population: {row['population']}; setting: {row['setting']}",
        f"Counted: {row['definition']} ({row['detail']})",
        f"Method: {row['method']}",
        f"Confidence: {row['confidence']}",
    ]
    if row["note"]:
        lines.append(f"Note: {row['note']}")
    lines.append(f"{cites} [{keys}]")
    return "<br>".join(lines)


def _order(rows: list[Row], sort: str) -> list[str]:
    """Tick labels from the bottom of the plot to the top for one sort order."""
    if sort == "year":
        ordered = sorted(rows, key=lambda r: (r["year"], r["study"], -r["estimate"]))
        ordered.reverse()  # oldest at the top
    elif sort == "percent":
        ordered = sorted(rows, key=lambda r: (r["estimate"], r["year"]))
    else:
        field, groups = COLOUR_BY[sort]
        ordered = sorted(rows, key=lambda r: (-groups.index(r[field]), r["estimate"]))
    return [tick_label(row) for row in ordered]


def _group_trace(rows: list[Row], field: str, groups: tuple[str, ...], group: str) -> go.Scatter:
    """One marker trace for one group: filled with a bar where n is known, else open."""
    index = groups.index(group)
    members = [r for r in rows if r[field] == group and r["percent"] is not None]
    shape = style.symbol(index)
    return go.Scatter(
        x=[round(r["estimate"], 1) for r in members],
        y=[tick_label(r) for r in members],
        mode="markers",
        name=group,
        cliponaxis=False,
        legendgroup=field,
        hovertext=[_hover(r) for r in members],
        hoverinfo="text",
        marker={
            "size": 11,
            "color": style.colour(index),
            "symbol": [shape if r["n"] is not None else f"{shape}-open" for r in members],
            "line": {"width": 1.5, "color": style.colour(index)},
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [
                None if r["ci_high"] is None else round(r["ci_high"] - r["estimate"], 1)
                for r in members
            ],
            "arrayminus": [
                None if r["ci_low"] is None else round(r["estimate"] - r["ci_low"], 1)
                for r in members
            ],
            "color": style.colour(index),
            "thickness": 2,
            "width": 0,
        },
    )


def _range_trace(rows: list[Row]) -> go.Scatter:
    """Ranges (no sample size, no source) as dashed lines between their ends."""
    x: list[float | None] = []
    y: list[str | None] = []
    hover: list[str | None] = []
    for row in rows:
        x += [row["percent_low"], row["percent_high"], None]
        y += [tick_label(row)] * 2 + [None]
        hover += [_hover(row)] * 2 + [None]
    return go.Scatter(
        x=x,
        y=y,
        mode="lines+markers",
        name=RANGE_NAME,
        hovertext=hover,
        hoverinfo="text",
        line={"color": GREY, "dash": "dash", "width": 2},
        marker={"symbol": "line-ns-open", "size": 12, "color": GREY},
    )


def _key_trace(name: str, symbol: str) -> go.Scatter:
    """A legend-only entry that explains the filled and open markers."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        hoverinfo="skip",
        marker={"symbol": symbol, "size": 11, "color": GREY, "line": {"color": GREY}},
    )


def _colour_menu(counts: dict[str, int], extra: int, y: float) -> dict[str, Any]:
    """Dropdown that switches the colours and legend between definition and population."""
    buttons = []
    for choice, (field, _groups) in COLOUR_BY.items():
        visible: list[bool] = []
        for other, count in counts.items():
            visible += [other == choice] * count
        buttons.append(
            {
                "label": f"Colour by {field}",
                "method": "update",
                "args": [
                    {"visible": visible + [True] * extra},
                    {"legend.title.text": f"{field.capitalize()}:"},
                ],
            }
        )
    return {
        "buttons": buttons,
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
    }


def _sort_menu(rows: list[Row], active: int, y: float) -> dict[str, Any]:
    """Buttons that re-order the rows (year, percent, definition, population)."""
    return {
        "type": "buttons",
        "direction": "left",
        "active": active,
        "buttons": [
            {
                "label": label,
                "method": "relayout",
                "args": [{"yaxis.categoryarray": _order(rows, sort)}],
            }
            for sort, label in SORTS.items()
        ],
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
        "showactive": True,
    }


def check_definitions(definitions: Any) -> tuple[str, ...]:
    """Return ``definitions`` as a tuple if every entry is known and it is not empty."""
    if isinstance(definitions, str) or not isinstance(definitions, (tuple, list, set)):
        raise ValueError(
            f"argument 'definitions' must be a tuple of names from {list(DEFINITIONS)}, "
            f"got {definitions!r}"
        )
    for name in definitions:
        check_choice("definitions", name, DEFINITIONS)
    if not definitions:
        raise ValueError(
            f"argument 'definitions' must name at least one of {list(DEFINITIONS)}, got none"
        )
    return tuple(name for name in DEFINITIONS if name in definitions)


def figure(
    colour_by: str = "definition",
    sort: str = "year",
    definitions: tuple[str, ...] = DEFINITIONS,
) -> BookFigure:
    """Reported prevalence by study, with Wilson 95% intervals where n is known.

    ``colour_by`` (``"definition"`` or ``"population"``) and ``sort`` (``"year"``,
    ``"percent"``, ``"definition"``, ``"population"``) set the first view; the
    figure's own dropdown and buttons change both in the browser. ``definitions``
    keeps only the rows that counted one of the given things.
    """
    check_choice("colour_by", colour_by, tuple(COLOUR_BY))
    check_choice("sort", sort, tuple(SORTS))
    keep = check_definitions(definitions)
    rows = [row for row in load() if row["definition"] in keep]
    traces: list[go.Scatter] = []
    counts: dict[str, int] = {}
    for choice, (field, groups) in COLOUR_BY.items():
        present = [
            g for g in groups if any(r[field] == g and r["percent"] is not None for r in rows)
        ]
        for group in present:
            trace = _group_trace(rows, field, groups, group)
            trace.visible = choice == colour_by
            traces.append(trace)
        counts[choice] = len(present)
    ranges = [row for row in rows if row["percent"] is None]
    extra = [_range_trace(ranges)] if ranges else []
    extra += [
        _key_trace("Filled marker, bar: n known, 95% interval", "circle"),
        _key_trace("Open marker: n not given, no interval", "circle-open"),
    ]
    fig = BookFigure(
        data=[*traces, *extra],
        caption=_caption(),
        alt=_alt(rows),
        columns=(
            "Study",
            "Year",
            "Group",
            "Population",
            "Setting",
            "Counted (definition)",
            "Method",
            "n",
            "Cases",
            "Reported %",
            "Range %",
            "Wilson 95% CI %",
            "Count derived from rounded %",
            "Confidence",
            "Source",
        ),
        rows=[_table_row(row) for row in rows],
    )
    field = COLOUR_BY[colour_by][0]
    plot_height = ROW_HEIGHT * len(rows) + 10
    fig.update_layout(
        template=style.template(),
        height=plot_height + TOP + BOTTOM,
        title={
            "text": "Reported prevalence of back mice and related findings",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.995,
            "yanchor": "top",
        },
        xaxis={
            "range": [0, 80],
            "title": {"text": "Percent of the group examined (%)", "standoff": 8},
            "ticksuffix": "%",
            "dtick": 10,
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": _order(rows, sort),
            "automargin": True,
            "showgrid": True,
            "tickfont": {"size": 12},
        },
        legend={
            "orientation": "h",
            "x": 0,
            "y": -75 / plot_height,
            "yanchor": "top",
            "title": {"text": f"{field.capitalize()}:"},
            "font": {"size": 12},
        },
        updatemenus=[
            _colour_menu(counts, len(extra), 1 + 52 / plot_height),
            _sort_menu(rows, tuple(SORTS).index(sort), 1 + 8 / plot_height),
        ],
        margin={"t": TOP, "b": BOTTOM, "l": 10, "r": 15},
        hoverlabel={"align": "left"},
    )
    fig.layout.updatemenus[0].active = tuple(COLOUR_BY).index(colour_by)
    return fig


def _table_row(row: Row) -> tuple[Any, ...]:
    """One row of the figure's data table."""
    ranged = (
        None if row["percent_low"] is None else f"{row['percent_low']:g}–{row['percent_high']:g}"
    )
    interval = None if row["ci_low"] is None else f"{row['ci_low']:.1f}–{row['ci_high']:.1f}"
    return (
        row["study"],
        row["year"],
        row["label"],
        row["population"],
        row["setting"],
        f"{row['definition']}: {row['detail']}",
        row["method"],
        row["n"],
        row["cases"],
        row["percent"],
        ranged,
        interval,
        row["derived"],
        row["confidence"],
        row["source"],
    )


def _caption() -> str:
    """The caption: what is plotted and why the numbers differ."""
    return (
        "Reported prevalence of back mice and of related findings, by study. The "
        "figures differ mainly because the studies counted different things in "
        "different people: any palpable lump in the general population (estimates of "
        "15-25%, without a stated sample size), a painful lump in patients with low "
        "back pain, tenderness over the iliac crest (the iliac crest pain syndrome, "
        "33-58% depending on the clinic), or entrapment of a cluneal nerve (1.6-28%). "
        "Bars are Wilson 95% intervals, drawn only where the group size is known; "
        "counts for Collée 1991 and Loubser 2017 were back-calculated from rounded "
        "percentages. The WikiMSK range of 10-58% gives no source. Earl et al. (1995) "
        "examined 100 family-practice patients, but its result was not seen, so it "
        "is not plotted. Cadaver studies are left out: they describe anatomy, not "
        "how many people have symptoms."
    )


def _alt(rows: list[Row]) -> str:
    """Alt text: the pattern the figure shows."""
    return (
        f"Dot plot of {len(rows)} reported prevalence figures from 1991 to 2022. "
        "Estimates of palpable nodules in the general population, given without a "
        "sample size, are 15 to 25%. In patients with low back pain, Nacir 2011 found "
        "painful nodules in 18 of 76 women and none of 14 men. Iliac-crest tenderness "
        "was found in 41% of 204 patients (53% in general practice, 33% in occupational "
        "health, 58% in rheumatology). Superior cluneal nerve entrapment ranged from "
        "1.6% of 1,800 to 14% of 834 and an estimated 28% of 400 files; middle cluneal "
        "nerve entrapment was 13% of 383. An uncited web range of 10 to 58% is shown as "
        "a dashed line."
    )


#: Names of the app's definition checkboxes, one per definition.
CHECKBOX_NAMES: dict[str, str] = {
    "Any palpable nodule": "any_nodule",
    "Painful nodule": "painful_nodule",
    "Iliac-crest tenderness (ICPS)": "icps",
    "SCN entrapment": "scn_entrapment",
    "MCN entrapment": "mcn_entrapment",
    "Not stated": "not_stated",
}


def _render(colour_by: str, sort: str, **shown: bool) -> Any:
    """The app's render function: checked definitions -> figure (or a message)."""
    keep = tuple(d for d in DEFINITIONS if shown[CHECKBOX_NAMES[d]])
    if not keep:
        import ipywidgets as w

        return w.HTML("<p>Tick at least one definition to see its rows.</p>")
    return figure(colour_by=colour_by, sort=sort, definitions=keep)


def app() -> Any:
    """Live version: colour and sort dropdowns and a checkbox per definition."""
    import ipywidgets as w

    from .live import LiveApp

    controls: dict[str, Any] = {
        "colour_by": w.Dropdown(options=list(COLOUR_BY), description="Colour by"),
        "sort": w.Dropdown(
            options=[(label, sort) for sort, label in SORTS.items()], description="Sort by"
        ),
    }
    for definition, name in CHECKBOX_NAMES.items():
        controls[name] = w.Checkbox(value=True, description=definition, indent=False)
    return LiveApp(controls, _render, "How common are back mice? Reported prevalence")
