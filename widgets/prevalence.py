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

from typing import Any, Literal

import plotly.graph_objects as go

from . import style
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
from .forest import FILLED_KEY, Dot, dots, legend_key, percent_layout, sort_buttons
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

CONFIDENCE: tuple[str, ...] = ("high", "medium", "low/medium", "low")

#: What the colour menu can group by: argument value -> the groups, in legend order.
COLOUR_BY: dict[str, tuple[str, ...]] = {"definition": DEFINITIONS, "population": POPULATIONS}

#: Sort orders offered by the sort buttons: argument value -> button label.
SORTS: dict[str, str] = {
    "year": "By year",
    "percent": "By percent",
    "definition": "By definition",
    "population": "By population",
}

BOTTOM = 200  # pixels below it: axis title and legend
GREY = "#595959"
RANGE_NAME = "Range given without a source"


@row_model
class PrevalenceRow(StudyRow):
    """One reported prevalence figure."""

    population: Literal[*POPULATIONS]
    setting: str
    definition: Literal[*DEFINITIONS]
    detail: str
    method: str
    n: int | None = field(validator=between(1, 100_000))
    cases: int | None = field(validator=between(0, 100_000))
    percent: float | None = field(validator=between(0, 100))
    percent_low: float | None = field(validator=between(0, 100))
    percent_high: float | None = field(validator=between(0, 100))
    derived: Literal["yes", "no"]
    confidence: Literal[*CONFIDENCE]
    note: str | None
    source: Cites

    def check(self) -> None:
        """A percent or a low < high range (never both); counts agree with the percent."""
        has_range = self.percent_low is not None or self.percent_high is not None
        require(
            has_range != (self.percent is not None),
            "percent",
            "give either a percent or a low/high range",
        )
        if has_range:
            require(
                None not in (self.percent_low, self.percent_high)
                and self.percent_low < self.percent_high,
                "percent_high",
                "a range needs percent_low < percent_high",
            )
        check_count(self, "cases")
        require(
            self.derived == "no" or self.cases is not None,
            "derived",
            "a derived count needs n and cases",
        )

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
    def reported(self) -> str:
        """The reported figure as text, e.g. ``18/76 (23%)`` or ``10–58% (range)``."""
        if self.percent is None:
            return f"{self.percent_low:g}–{self.percent_high:g}% (range)"
        if self.cases is None:
            return f"{self.percent:g}%"
        flag = ", count derived from a rounded %" if self.derived == "yes" else ""
        return f"{self.cases}/{self.n} ({self.percent:g}% reported{flag})"


def load() -> list[PrevalenceRow]:
    """The validated rows of ``data/prevalence.csv``, in file order."""
    return load_rows("prevalence", PrevalenceRow)


def _hover(row: PrevalenceRow) -> str:
    """Hover text: what was counted, in whom, how, and the citation."""
    interval = row.interval
    ci = "no interval: n not reported" if interval is None else "{:.0f}–{:.0f}%".format(*interval)
    lines = [
        f"<b>{row.study} {row.year}</b> ({row.label})",
        f"Reported: {row.reported}",
        f"95% Wilson interval: {ci}",
        f"Population: {row.population}; setting: {row.setting}",
        f"Counted: {row.definition} ({row.detail})",
        f"Method: {row.method}",
        f"Confidence: {row.confidence}",
    ]
    if row.note:
        lines.append(f"Note: {row.note}")
    lines += [citation(key) for key in row.source]
    return "<br>".join(lines)


def _dot(row: PrevalenceRow, symbol: str) -> Dot:
    """One row as a dot: filled with a whisker where n is known, else open."""
    low, high = row.interval or (None, None)
    return Dot(round(row.estimate, 1), row.tick, low, high, _hover(row), symbol, row.n is None)


def _groups(rows: list[PrevalenceRow], by: str, shown: bool) -> list[go.Scatter]:
    """One dot trace per group of ``by`` (definition or population) present in ``rows``."""
    traces = []
    for index, group in enumerate(COLOUR_BY[by]):
        members = [r for r in rows if getattr(r, by) == group and r.percent is not None]
        if members:
            traces.append(
                dots(
                    group,
                    [_dot(r, style.symbol(index)) for r in members],
                    style.colour(index),
                    size=11,
                    legendgroup=by,
                    visible=shown,
                )
            )
    return traces


def _range_trace(rows: list[PrevalenceRow]) -> go.Scatter:
    """Ranges (no sample size, no source) as dashed lines between their ends."""
    x: list[float | None] = []
    y: list[str | None] = []
    hover: list[str | None] = []
    for row in rows:
        x += [row.percent_low, row.percent_high, None]
        y += [row.tick] * 2 + [None]
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


def _order(rows: list[PrevalenceRow], sort: str) -> list[str]:
    """Tick labels from the bottom of the plot to the top for one sort order."""
    if sort == "year":
        ordered = sorted(rows, key=lambda r: (r.year, r.study, -r.estimate))[::-1]
    elif sort == "percent":
        ordered = sorted(rows, key=lambda r: (r.estimate, r.year))
    else:
        groups = COLOUR_BY[sort]
        ordered = sorted(rows, key=lambda r: (-groups.index(getattr(r, sort)), r.estimate))
    return [row.tick for row in ordered]


def _table_row(row: PrevalenceRow) -> tuple[Any, ...]:
    """One row of the figure's data table."""
    ranged = None if row.percent_low is None else f"{row.percent_low:g}–{row.percent_high:g}"
    interval = None if row.interval is None else "{:.1f}–{:.1f}".format(*row.interval)
    return (
        row.study,
        row.year,
        row.label,
        row.population,
        row.setting,
        f"{row.definition}: {row.detail}",
        row.method,
        row.n,
        row.cases,
        row.percent,
        ranged,
        interval,
        row.derived,
        row.confidence,
        row.source,
    )


TABLE_COLUMNS = (
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
)


def _spans(rows: list[PrevalenceRow]) -> str:
    """Per definition, the span of plotted estimates: ``painful nodule: 0–24% (2)``."""
    parts = []
    for definition in DEFINITIONS:
        values = [r.estimate for r in rows if r.definition == definition and r.percent is not None]
        if values:
            low, high = min(values), max(values)
            span = f"{low:.3g}%" if low == high else f"{low:.3g}–{high:.3g}%"
            parts.append(f"{definition}, {span} ({style.count(len(values), 'figure')})")
    return "; ".join(parts)


def _caption(rows: list[PrevalenceRow]) -> str:
    """The caption: what is plotted and why the numbers differ, numbers from the rows."""
    derived = sorted({f"{r.study} {r.year}" for r in rows if r.derived == "yes"})
    ranges = [
        f"{r.study} {r.year}, {r.percent_low:g}–{r.percent_high:g}%"
        for r in rows
        if r.percent is None
    ]
    parts = [
        "Reported prevalence of back mice and of related findings, by study. The figures "
        "differ mainly because the studies counted different things in different people."
    ]
    if _spans(rows):
        parts.append(f"Plotted estimates by what was counted: {_spans(rows)}.")
    parts.append(
        "Bars are Wilson 95% intervals, drawn only where the group size is known; open "
        "markers have no group size."
    )
    if derived:
        parts.append(
            f"Counts for {' and '.join(derived)} were back-calculated from rounded percentages."
        )
    if ranges:
        parts.append(f"Dashed: a range given without a source, {'; '.join(ranges)}.")
    parts.append(
        "Not plotted: Earl et al. (1995), whose result was not seen, and cadaver studies, "
        "which describe anatomy, not symptoms."
    )
    return " ".join(parts)


def _alt(rows: list[PrevalenceRow]) -> str:
    """Alt text written from the plotted rows."""
    years = [r.year for r in rows]
    groups = []
    for definition in DEFINITIONS:
        members = [r for r in rows if r.definition == definition]
        if members:
            items = ", ".join(f"{r.study} {r.year} {r.label} {r.reported}" for r in members)
            groups.append(f"{definition}: {items}")
    return (
        f"Dot plot of {style.count(len(rows), 'reported prevalence figure')} "
        f"{style.year_span(years)}. " + ". ".join(groups) + "."
    )


def draw(
    colour_by: str = "definition",
    sort: str = "year",
    definitions: tuple[str, ...] = DEFINITIONS,
    narrow: bool = False,
) -> BookFigure:
    """The dot plot for one choice of colour, sort order and definitions (no controls).

    ``narrow`` lays it out for a phone.
    """
    rows = [row for row in load() if row.definition in definitions]
    traces = [trace for by in COLOUR_BY for trace in _groups(rows, by, by == colour_by)]
    ranges = [row for row in rows if row.percent is None]
    extra = [_range_trace(ranges)] if ranges else []
    extra += [
        legend_key(FILLED_KEY[narrow], "circle", GREY),
        legend_key(
            f"Open{'' if narrow else ' marker'}: n not given, no interval", "circle-open", GREY
        ),
    ]
    fig = BookFigure(
        data=[*traces, *extra],
        caption=_caption(rows),
        alt=_alt(rows),
        columns=TABLE_COLUMNS,
        rows=[_table_row(row) for row in rows],
    )
    percent_layout(
        fig,
        len(rows),
        "Reported prevalence of back mice and related findings",
        {
            "range": [0, 80],
            "title": f"Percent of {'group' if narrow else 'the group examined'} (%)",
        },
        f"{colour_by.capitalize()}:",
        BOTTOM,
        {row.tick: row.short_tick for row in rows} if narrow else None,
        categoryorder="array",
        categoryarray=_order(rows, sort),
    )
    return fig


OPTIONS = {
    "colour_by": Option(
        tuple(COLOUR_BY),
        "Colour by",
        labels=("Colour by definition", "Colour by population"),
        place={"above": 52},
        narrow={"place": {"above": 48}},
    ),
    "sort": sort_buttons(SORTS),
    "definitions": Option(DEFINITIONS, "Show definitions", "checkboxes"),
}
PLOT = Interactive(draw, OPTIONS)


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
    return PLOT.figure(colour_by=colour_by, sort=sort, definitions=definitions)


def _live(colour_by: str, sort: str, definitions: tuple[str, ...]) -> Any:
    """The live app's render function: the figure, or a hint when nothing is ticked."""
    if not definitions:
        from IPython.display import HTML

        return HTML("<p>Tick at least one definition to see its rows.</p>")
    return draw(colour_by, sort, definitions)


def app() -> Any:
    """Live version: colour and sort dropdowns and a checkbox per definition."""
    return PLOT.app(
        "How common are back mice? Reported prevalence",
        {"colour_by": "definition", "sort": "year", "definitions": DEFINITIONS},
        render=_live,
    )
