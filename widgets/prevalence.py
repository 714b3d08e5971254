"""How common are back mice? Reported prevalence by study (chapter 1).

One row of ``data/prevalence.csv`` per reported figure; the reader can colour and sort
the rows by what was counted (definition) or in whom (population).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import plotly.graph_objects as go

from . import data, style
from .forest import FILLED_KEY, SHORT_KEYS, Dot, dots, legend_key, percent_layout, sort_buttons
from .options import Interactive, Option
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
#: What the colour menu can group by: argument value -> the groups, in legend order.
COLOUR_BY: dict[str, tuple[str, ...]] = {"definition": DEFINITIONS, "population": POPULATIONS}
#: Sort orders offered by the sort buttons: argument value -> button label.
SORTS: dict[str, str] = {sort: f"By {sort}" for sort in ("year", "percent", *COLOUR_BY)}
RANGE_NAME = "Range given without a source"
X_TITLE = "Percent of the group examined (%)"


@data.row_model
class PrevalenceRow(data.StudyRow):
    """One reported prevalence figure."""

    population: Literal[*POPULATIONS]
    setting: str
    definition: Literal[*DEFINITIONS]
    detail: str
    method: str
    n: int | None = data.field(validator=data.between(1, 100_000))
    cases: int | None = data.field(validator=data.between(0, 100_000))
    percent: float | None = data.field(validator=data.between(0, 100))
    percent_low: float | None = data.field(validator=data.between(0, 100))
    percent_high: float | None = data.field(validator=data.between(0, 100))
    derived: Literal["yes", "no"]
    confidence: Literal["high", "medium", "low/medium", "low"]
    note: str | None
    source: data.Cites

    def check(self) -> None:
        """A percent or a low < high range (never both); counts agree with the percent."""
        low, high = self.percent_low, self.percent_high
        ranged = low is not None or high is not None
        either = "give either a percent or a low/high range"
        data.require(ranged != (self.percent is not None), "percent", either)
        valid = not ranged or (None not in (low, high) and low < high)
        data.require(valid, "percent_high", "a range needs percent_low < percent_high")
        data.check_count(self, "cases")
        needs = self.derived == "no" or self.cases is not None
        data.require(needs, "derived", "a derived count needs n and cases")

    @property
    def estimate(self) -> float:
        """The plotted percentage: cases/n, else the reported %, else a range's middle."""
        if self.cases is not None:
            return 100 * self.cases / self.n
        if self.percent is not None:
            return self.percent
        return (self.percent_low + self.percent_high) / 2

    @property
    def interval(self) -> tuple[float, float] | None:
        """The Wilson 95% interval in percent, where ``n`` is known."""
        if self.cases is None:
            return None
        low, high = wilson_interval(self.cases, self.n)
        return 100 * low, 100 * high

    @property
    def span(self) -> str | None:
        """A reported range as text, ``10–58``, or None."""
        return None if self.percent_low is None else f"{self.percent_low:g}–{self.percent_high:g}"

    @property
    def reported(self) -> str:
        """The reported figure as text, e.g. ``18/76 (23%)`` or ``10–58% (range)``."""
        if self.percent is None:
            return f"{self.span}% (range)"
        if self.cases is None:
            return f"{self.percent:g}%"
        flag = ", count derived from a rounded %" if self.derived == "yes" else ""
        return f"{self.cases}/{self.n} ({self.percent:g}% reported{flag})"


#: The figure's data table: column -> the cell of one row.
TABLE: dict[str, Callable[[PrevalenceRow], Any]] = {
    "Study": lambda r: r.study,
    "Year": lambda r: r.year,
    "Group": lambda r: r.label,
    "Population": lambda r: r.population,
    "Setting": lambda r: r.setting,
    "Counted (definition)": lambda r: f"{r.definition}: {r.detail}",
    "Method": lambda r: r.method,
    "n": lambda r: r.n,
    "Cases": lambda r: r.cases,
    "Reported %": lambda r: r.percent,
    "Range %": lambda r: r.span,
    "Wilson 95% CI %": lambda r: r.interval and "{:.1f}–{:.1f}".format(*r.interval),
    "Count derived from rounded %": lambda r: r.derived,
    "Confidence": lambda r: r.confidence,
    "Source": lambda r: r.source,
}


def load() -> list[PrevalenceRow]:
    """The validated rows of ``data/prevalence.csv``, in file order."""
    return data.load_rows("prevalence", PrevalenceRow)


def _hover(row: PrevalenceRow) -> str:
    """Hover text: what was counted, in whom, how, and the citation."""
    ci = "{:.0f}–{:.0f}%".format(*row.interval) if row.interval else "no interval: n not reported"
    text = (
        f"<b>{row.study} {row.year}</b> ({row.label})<br>Reported: {row.reported}<br>"
        f"95% Wilson interval: {ci}<br>Population: {row.population}; setting: {row.setting}<br>"
        f"Counted: {row.definition} ({row.detail})<br>Method: {row.method}<br>"
        f"Confidence: {row.confidence}" + (f"<br>Note: {row.note}" if row.note else "")
    )
    return f"{text}<br>{row.source.lines()}"


def _dot(row: PrevalenceRow, symbol: str) -> Dot:
    """One row as a dot: filled with a whisker where n is known, else open."""
    low, high = row.interval or (None, None)
    return Dot(round(row.estimate, 1), row.tick, low, high, _hover(row), symbol, row.n is None)


def _describe(rows: list[PrevalenceRow]) -> dict[str, str]:
    """Caption and alt text, with every number written from the rows."""
    spans, groups = [], []
    for definition in DEFINITIONS:
        members = [r for r in rows if r.definition == definition]
        if members:
            items = ", ".join(f"{r.study} {r.year} {r.label} {r.reported}" for r in members)
            groups.append(f"{definition}: {items}")
        values = [r.estimate for r in members if r.percent is not None]
        if values:
            low, high = min(values), max(values)
            span = f"{low:.3g}%" if low == high else f"{low:.3g}–{high:.3g}%"
            spans.append(f"{definition}, {span} ({style.count(len(values), 'figure')})")
    derived = sorted({f"{r.study} {r.year}" for r in rows if r.derived == "yes"})
    ranges = [f"{r.study} {r.year}, {r.span}%" for r in rows if r.percent is None]
    parts = [
        "Reported prevalence of back mice and of related findings, by study.",
        spans and f"Plotted estimates by what was counted: {'; '.join(spans)}.",
        "Bars are Wilson 95% intervals, drawn only where the group size is known; open "
        "markers have no group size.",
        derived
        and f"Counts for {' and '.join(derived)} were back-calculated from rounded percentages.",
        ranges and f"Dashed: a range given without a source, {'; '.join(ranges)}.",
        "Not plotted: Earl et al. (1995), whose result was not seen, and cadaver studies.",
    ]
    count = style.count(len(rows), "reported prevalence figure")
    years = style.year_span([r.year for r in rows])
    return {
        "caption": " ".join(part for part in parts if part),
        "alt": f"Dot plot of {count} {years}. " + ". ".join(groups) + ".",
    }


def draw(
    colour_by: str,
    sort: str,
    definitions: tuple[str, ...] = DEFINITIONS,
) -> BookFigure:
    """The dot plot for one colour, sort order and set of definitions (no controls)."""
    rows = [row for row in load() if row.definition in definitions]
    plotted = [row for row in rows if row.percent is not None]
    ranges = [row for row in rows if row.percent is None]
    traces = [
        dots(group, members, style.colour(i), size=11, legendgroup=by, visible=by == colour_by)
        for by, groups in COLOUR_BY.items()
        for i, group in enumerate(groups)
        if (members := [_dot(r, style.symbol(i)) for r in plotted if getattr(r, by) == group])
    ]
    if ranges:
        traces.append(
            go.Scatter(
                x=[x for row in ranges for x in (row.percent_low, row.percent_high, None)],
                y=[y for row in ranges for y in (row.tick, row.tick, None)],
                mode="lines+markers",
                name=RANGE_NAME,
                hovertext=[text for row in ranges for text in (_hover(row), _hover(row), None)],
                hoverinfo="text",
                line={"color": style.GREY, "dash": "dash", "width": 2},
                marker={"symbol": "line-ns-open", "size": 12, "color": style.GREY},
            )
        )
    traces += [legend_key(FILLED_KEY, "circle", style.GREY)]
    traces += [legend_key("Open marker: n not given, no interval", "circle-open", style.GREY)]
    table = [[cell(row) for cell in TABLE.values()] for row in rows]
    short = (
        SHORT_KEYS | {row.tick: row.short_tick for row in rows} | {X_TITLE: "Percent of group (%)"}
    )
    fig = BookFigure(traces, columns=tuple(TABLE), rows=table, short=short, **_describe(rows))
    if sort == "year":
        order = sorted(rows, key=lambda r: (r.year, r.study, -r.estimate))[::-1]
    elif sort == "percent":
        order = sorted(rows, key=lambda r: (r.estimate, r.year))
    else:
        order = sorted(rows, key=lambda r: (-COLOUR_BY[sort].index(getattr(r, sort)), r.estimate))
    percent_layout(
        fig,
        len(rows),
        "Reported prevalence of back mice and related findings",
        # Room past 0 (a 0% row keeps its marker off the labels) and past 80 (its tick label).
        {"range": [-2, 82], "title": X_TITLE},
        f"{colour_by.capitalize()}:",
        200,
        categoryorder="array",
        categoryarray=[row.tick for row in order],
    )
    return fig


PLOT = Interactive(
    draw,
    {
        "colour_by": Option(
            tuple(COLOUR_BY),
            "Colour by",
            "definition",
            labels=tuple(f"Colour by {by}" for by in COLOUR_BY),
            place={"above": 52},
        ),
        "sort": sort_buttons(SORTS, "year"),
        "definitions": Option(DEFINITIONS, "Show definitions", DEFINITIONS, "checkboxes"),
    },
)

figure = PLOT.entry(
    "Reported prevalence by study, with menus to colour and sort; ``definitions`` filters."
)


def _live(colour_by: str, sort: str, definitions: tuple[str, ...]) -> Any:
    """The live app's render function: the figure, or a hint when nothing is ticked."""
    if not definitions:
        from IPython.display import HTML

        return HTML("<p>Tick at least one definition to see its rows.</p>")
    return draw(colour_by, sort, definitions)


def app() -> Any:
    """Live version: colour and sort dropdowns and a checkbox per definition."""
    return PLOT.app("How common are back mice? Reported prevalence", render=_live)
