"""Treatment outcomes: cited counts, Wilson intervals, sort orders, sample size, live apps."""

from __future__ import annotations

import math

import ipywidgets as w
import pytest
from csvedit import line_of, with_cells
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import phone, treatments
from widgets.data import DATA_DIR, DataError, bib_keys, parse_rows
from widgets.live import LiveApp
from widgets.stats import wilson, wilson_interval

FILE = "data/treatments.csv"
CSV_LINES = (DATA_DIR / "treatments.csv").read_text(encoding="utf-8").splitlines()


def _row(study: str, label: str, measure: str = "improved") -> treatments.OutcomeRow:
    matches = [
        r for r in treatments.outcomes(measure) if r.study.startswith(study) and r.label == label
    ]
    assert len(matches) == 1, (study, label)
    return matches[0]


# ----------------------------------------------------------------------------- data


@pytest.mark.parametrize(
    ("study", "label", "events", "n"),
    [
        ("Motyka", "injection", 31, 35),
        ("Kuniya", "block, >20 mm", 96, 113),
        ("Kuniya", "block, >50%", 77, 113),
        ("Maigne", "nerve release", 13, 19),
        ("Maigne", "block alone", 10, 29),
        ("Wu", "hydrodissection", 28, 36),
        ("Sicard", "excision", 7, 12),
        ("Nocentini", "excision", 9, 9),
        ("Herz", "excision", 6, 6),
        ("Yang", "endoscopic excision", 1, 1),
        ("Rovers", "manual therapy", 3, 3),
    ],
)
def test_counts_match_the_dossier_facts_table(study, label, events, n):
    row = _row(study, label)
    assert (row.events, row.n, row.derived) == (events, n, "no")


def test_derived_and_incomplete_rows_are_flagged():
    takayama = _row("Takayama", "nerve surgery")
    assert (takayama.events, takayama.n, takayama.percent) == (174, 200, 87)
    assert takayama.derived == "yes"
    assert takayama.source == ("isu2018",)
    assert "a count derived from a percentage" in treatments.counts_text(takayama)
    lignocaine = _row("Collée", "lignocaine arm")
    saline = _row("Collée", "saline arm")
    assert (lignocaine.percent, saline.percent) == (52, 30)
    assert lignocaine.n is None and saline.n is None
    assert lignocaine.evidence == "RCT"
    assert lignocaine.interval is None
    assert lignocaine.proportion == 0.52
    assert "n per arm not given" in lignocaine.tick
    assert "no interval" in treatments.counts_text(lignocaine)


def test_recurrence_is_a_separate_outcome():
    recurrence = _row("Wu", "recurrence", measure="recurred")
    assert (recurrence.events, recurrence.n) == (7, 28)
    assert all(r.label != "recurrence" for r in treatments.outcomes("improved"))
    assert "7 of 28" in treatments.recurrence_text()
    assert treatments.recurrence_text() in treatments.forest_figure().caption


def test_disputed_study_is_not_plotted():
    assert all("Hucherson" not in r.study for r in treatments.load())


def test_caption_says_why_the_disputed_study_is_not_plotted():
    caption = treatments.forest_figure().caption
    assert "Hucherson" in caption and "sources disagree" in caption


def test_every_row_is_cited_and_ticks_are_unique():
    rows = treatments.load()
    assert all(set(r.source) <= bib_keys() for r in rows)
    forbidden = {"chiba2016", "trescot2016_ch51", "scn_rfa_46"}
    assert not forbidden & {key for r in rows for key in r.source}
    ticks = [r.tick for r in treatments.outcomes("improved")]
    assert len(set(ticks)) == len(ticks)


def test_intervals_are_the_wilson_intervals_from_widgets_stats():
    for row in treatments.outcomes("improved") + treatments.outcomes("recurred"):
        if row.n is None:
            assert row.interval is None
            continue
        assert row.interval == wilson_interval(row.events, row.n)
        assert row.proportion == row.events / row.n
        assert row.interval[0] <= row.proportion <= row.interval[1]


def test_motyka_interval():
    assert _row("Motyka", "injection").interval == pytest.approx((0.74, 0.95), abs=0.006)


def test_counts_text_gives_count_and_interval_in_whole_percent():
    row = _row("Motyka", "injection")
    low, high = wilson_interval(31, 35)
    assert treatments.counts_text(row) == f"31 of 35 ({100 * low:.0f}% to {100 * high:.0f}%)"
    assert treatments.percent(0.886) == "89%"


@pytest.mark.parametrize(("argument", "value"), [("measure", "cured"), ("measure", None)])
def test_outcomes_rejects_an_unknown_measure(argument, value):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be one of"):
        treatments.outcomes(value)


# ---------------------------------------------------------------------- broken rows


@pytest.mark.parametrize(
    ("row", "column", "value", "field", "reason"),
    [
        (("Motyka et al.", "injection"), "n", "3.5", "n", "expected a whole number"),
        (("Motyka et al.", "injection"), "events", "-1", "events", "-1 is outside the range"),
        (
            ("Motyka et al.", "injection"),
            "source",
            "motyka2000;madeup1999",
            "source",
            "cites ['madeup1999']",
        ),
        (
            ("Motyka et al.", "injection"),
            "evidence",
            "Anecdote",
            "evidence",
            "'Anecdote' is not one of",
        ),
        (
            ("Motyka et al.", "injection"),
            "type",
            "Acupuncture",
            "type",
            "'Acupuncture' is not one of",
        ),
        (("Motyka et al.", "injection"), "measure", "cured", "measure", "'cured' is not one of"),
        (("Motyka et al.", "injection"), "events", "36", "events", "36 events is more than n = 35"),
        (
            ("Takayama & Utsumi", "nerve surgery"),
            "events",
            "150",
            "events",
            "150/200 does not match the reported 87%",
        ),
        (
            ("Collée et al.", "lignocaine arm"),
            "percent",
            "",
            "percent",
            "give n and events, or a percent",
        ),
        (("Motyka et al.", "injection"), "n", "", "events", "give both n and events"),
        (
            ("Herz", "excision"),
            "derived",
            "yes",
            "derived",
            "a derived count needs n, events and the percent",
        ),
        (("Herz", "excision"), "year", "2099", "year", "2099 is outside the range"),
    ],
)
def test_broken_rows_name_line_and_field(row, column, value, field, reason):
    line = line_of(CSV_LINES, *row)
    with pytest.raises(DataError) as error:
        parse_rows(with_cells(CSV_LINES, line, **{column: value}), treatments.OutcomeRow, FILE)
    message = str(error.value)
    assert message.startswith(f"{FILE}, line {line}, field '{field}': "), message
    assert reason in message


def test_the_real_file_parses_with_the_same_rules():
    text = "\n".join(CSV_LINES) + "\n"
    assert parse_rows(text, treatments.OutcomeRow, FILE) == treatments.load()


# ------------------------------------------------------------------ forest plot


def _category_order(fig):
    """The y categories as plotly orders them: sum of x over the visible traces."""
    sums: dict[str, float] = {}
    for trace in fig.data:
        if trace.visible not in (None, True):
            continue
        for x, y in zip(trace.x, trace.y, strict=True):
            if y is not None:
                sums[y] = sums.get(y, 0) + x
    return sorted(sums, key=sums.get)


def _type_traces(fig):
    return [t for t in fig.data if t.name in treatments.TYPES]


def test_forest_has_every_improvement_row_and_a_matching_table():
    fig = treatments.forest_figure()
    rows = treatments.outcomes("improved")
    assert sorted(y for t in _type_traces(fig) for y in t.y) == sorted(r.tick for r in rows)
    columns, table = fig.table
    assert columns == tuple(treatments.FOREST_TABLE)
    assert len(table) == len(rows)
    motyka = next(r for r in table if r[0] == "Motyka et al.")
    low, high = wilson_interval(31, 35)
    assert motyka[7:11] == (35, 31, 88.6, f"{100 * low:.1f}–{100 * high:.1f}")
    hover = " ".join(h for t in _type_traces(fig) for h in t.hovertext)
    assert "n per arm not given: no interval" in hover
    assert "a count derived from a percentage" in hover


def test_dots_and_whiskers_are_the_share_and_its_wilson_interval():
    by_tick = {r.tick: r for r in treatments.outcomes("improved")}
    for trace in _type_traces(treatments.forest_figure()):
        for i, tick in enumerate(trace.y):
            row = by_tick[tick]
            assert trace.x[i] == round(100 * row.proportion, 1)
            if row.interval is None:
                assert trace.error_x.array[i] is None
                assert trace.marker.symbol[i].endswith("-open")
            else:
                low, high = (100 * edge for edge in row.interval)
                assert trace.error_x.arrayminus[i] == pytest.approx(trace.x[i] - low, abs=0.06)
                assert trace.error_x.array[i] == pytest.approx(high - trace.x[i], abs=0.06)


def test_marker_symbols_show_the_design():
    fig = treatments.forest_figure()
    symbols = {
        (t.name, label.split("<br>")[0]): symbol
        for t in _type_traces(fig)
        for label, symbol in zip(t.y, t.marker.symbol, strict=True)
    }
    assert symbols[("Local injection", "Collée 1991 · n per arm not given")] == "diamond-open"
    assert symbols[("Local injection", "Motyka 2000 · n = 35")] == "circle"
    assert symbols[("Excision", "Yang 2015 · n = 1")] == "square"
    keys = [t.name for t in fig.data if t.x == (None,)]
    assert keys[:3] == list(treatments.DESIGN_SYMBOLS)


@pytest.mark.parametrize("kind", [treatments.ALL, *treatments.TYPES])
def test_type_filter_shows_only_that_type(kind):
    fig = treatments.forest_figure(treatment_type=kind)
    rows = treatments.outcomes()
    expected = {r.tick for r in rows if kind in (treatments.ALL, r.type)}
    assert set(_category_order(fig)) == expected
    hidden = {t.visible for t in fig.data if t.name.split(" (")[0] in treatments.TYPES}
    assert hidden <= {True, "legendonly"}  # never False: plotly could not sort the rows


@pytest.mark.parametrize("kind", [treatments.ALL, "Nerve block", "Excision"])
@pytest.mark.parametrize("sort", list(treatments.SORTS))
def test_sort_orders_the_rows(kind, sort):
    fig = treatments.draw_forest(treatment_type=kind, sort=sort)
    rows = [r for r in treatments.outcomes() if kind in (treatments.ALL, r.type)]
    assert _category_order(fig) == [r.tick for r in treatments.sort_order(rows, sort)]


def test_sort_orders_put_the_right_row_on_top():
    rows = treatments.outcomes()
    orders = {sort: treatments.sort_order(rows, sort) for sort in treatments.SORTS}
    assert len({tuple(r.tick for r in order) for order in orders.values()}) == 3
    assert orders["n"][-1].n == max(r.n or 0 for r in rows)  # largest n on top
    assert orders["n"][0].n is None  # no n at the bottom
    assert orders["year"][-1].year == min(r.year for r in rows)  # oldest on top
    shares = [r.proportion for r in orders["proportion"]]
    assert shares == sorted(shares)  # highest share on top
    with pytest.raises(ValueError, match="argument 'sort' must be one of"):
        treatments.sort_order(rows, "alphabet")


# ------------------------------------------------------------ sample-size figure


def test_sample_size_band_is_the_wilson_interval_over_the_grid():
    fig = treatments.draw_sample_size(0.5)
    assert len(treatments.N_GRID) >= 25
    assert (min(treatments.N_GRID), max(treatments.N_GRID)) == (3, 1000)
    assert list(treatments.N_GRID) == sorted(set(treatments.N_GRID))
    lower, upper = fig.data[0], fig.data[1]
    for i, n in enumerate(treatments.N_GRID):
        low, high = wilson(0.5, n)
        assert (lower.y[i], upper.y[i]) == (round(100 * low, 1), round(100 * high, 1))
    widths = [hi - lo for lo, hi in zip(lower.y, upper.y, strict=True)]
    assert widths == sorted(widths, reverse=True)  # narrows as n grows


def test_sample_size_marks_the_study_sizes_of_the_forest():
    fig = treatments.sample_size_figure()
    marks = next(t for t in fig.data if t.name == "Study size in the forest plot")
    sizes = {r.n for r in treatments.outcomes() if r.n is not None and r.n >= 3}
    assert set(marks.x) == sizes
    assert {6, 12, 19, 35, 113} <= sizes and 1 not in marks.x  # below the grid
    assert "Motyka et al. 2000" in " ".join(marks.customdata)


def test_sample_size_table_covers_every_slider_value():
    columns, table = treatments.sample_size_figure().table
    assert columns[-1] == "Width (points)"
    assert len(table) == len(treatments.N_GRID) * len(treatments.PROPORTIONS)
    assert {row[1] for row in table} == {round(100 * p, 1) for p in treatments.PROPORTIONS}
    off_grid = treatments.sample_size_figure(proportion=0.73).table[1]
    assert {row[1] for row in off_grid} == {73.0} | {row[1] for row in table}


def test_chosen_study_size_is_highlighted():
    fig = treatments.sample_size_figure(proportion=0.73, n=50)
    highlight = next(t for t in fig.data if t.name == "Your study size (n = 50)")
    low, high = wilson(0.73, 50)
    assert highlight.y[:2] == (round(100 * low, 1), round(100 * high, 1))
    assert not any(
        t.name.startswith("Your study size") for t in treatments.draw_sample_size(0.8).data
    )


def test_interval_text_matches_the_wilson_interval():
    text = treatments.interval_text(0.8, 35)
    low, high = wilson(0.8, 35)
    assert "If 80% of 35 patients" in text and "about 28 of 35" in text
    assert f"from {100 * low:.0f}% to {100 * high:.0f}%" in text
    assert f"{100 * (high - low):.0f} percentage points wide" in text


@pytest.mark.parametrize(
    ("value", "steps"),
    [(0.7995, 10), (0.8005, 10), (0.5 + 1e-12, 10), (0.9505, 10), (0.801, 11), (0.799, 11)],
)
def test_proportions_near_a_step_snap_to_it_and_never_duplicate_it(value, steps):
    slider = treatments.sample_size_figure(proportion=value).layout.sliders[0]
    labels = [step.label for step in slider.steps]
    assert len(set(labels)) == len(labels) == steps


@given(st.floats(min_value=0.5, max_value=0.95))
@settings(max_examples=15, deadline=None)
def test_any_proportion_in_the_slider_range_is_accepted_with_unique_steps(value):
    slider = treatments.sample_size_figure(proportion=value).layout.sliders[0]
    labels = [step.label for step in slider.steps]
    assert len(set(labels)) == len(labels)
    nearest = min(treatments.PROPORTIONS, key=lambda step: abs(step - value))
    shown = nearest if abs(nearest - value) < 0.001 else value  # close values snap to a step
    assert slider.steps[slider.active].label == f"{round(100 * shown, 1):g}%"


# -------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: treatments.forest_figure(treatment_type="Acupuncture"), "treatment_type"),
        (lambda: treatments.forest_figure(sort="alphabet"), "sort"),
        (lambda: treatments.sample_size_figure(proportion=0), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=1), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=1.5), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=0.005), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=-0.2), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=math.nan), "proportion"),
        (lambda: treatments.sample_size_figure(proportion="0.8"), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=True), "proportion"),
        (lambda: treatments.sample_size_figure(n=2), "n"),
        (lambda: treatments.sample_size_figure(n=1001), "n"),
        (lambda: treatments.sample_size_figure(n=35.0), "n"),
        (lambda: treatments.sample_size_figure(n=True), "n"),
        (lambda: treatments.outcomes("cured"), "measure"),
        (lambda: treatments.interval_text(0.5, 0), "n"),
        (lambda: treatments.interval_text(0.5, 3.5), "n"),
        (lambda: treatments.interval_text(1.2, 10), "proportion"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must"):
        call()


@given(
    st.one_of(
        st.floats(max_value=0.0099),
        st.floats(min_value=0.9901),
        st.just(math.nan),
        st.text(),
        st.none(),
    )
)
def test_any_proportion_outside_the_slider_range_is_rejected(value):
    with pytest.raises(ValueError, match="argument 'proportion'"):
        treatments.sample_size_figure(proportion=value)


@given(st.text().filter(lambda t: t not in (treatments.ALL, *treatments.TYPES)))
def test_any_unknown_type_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'treatment_type'"):
        treatments.forest_figure(treatment_type=text)


# -------------------------------------------------------------------------- app


def _apps():
    box = treatments.app()
    assert isinstance(box, w.VBox)
    forest, size = box.children
    assert isinstance(forest, LiveApp) and isinstance(size, LiveApp)
    return forest, size


def test_forest_app_responds_to_its_controls():
    forest, _ = _apps()
    assert set(forest.controls) == {"treatment_type", "sort"}
    before = _category_order(forest.figure)
    forest.controls["sort"].value = "n"
    assert _category_order(forest.figure) != before
    rows = treatments.outcomes()
    assert _category_order(forest.figure) == [r.tick for r in treatments.sort_order(rows, "n")]
    forest.controls["treatment_type"].value = "Excision"
    shown = {t.name for t in forest.figure.data if t.visible is True}
    assert "Excision" in shown and "Nerve block" not in shown


def test_sample_size_app_responds_to_its_controls():
    _, size = _apps()
    assert set(size.controls) == {"proportion", "n"}
    assert "about 28 of 35" in size.result.text
    size.controls["n"].value = 113
    assert "of 113 patients" in size.result.text
    assert any(t.name == "Your study size (n = 113)" for t in size.result.figure.data)
    before = size.result.figure.data[0].y
    size.controls["proportion"].value = 0.5
    assert "If 50% of 113" in size.result.text
    assert size.result.figure.data[0].y != before


def test_live_figures_have_no_static_controls_and_whole_labels():
    forest, size = _apps()
    for figure in (forest.figure, size.result.figure):
        assert not figure.layout.updatemenus
        assert not figure.layout.sliders
    assert [label for label, _ in forest.controls["sort"].options] == list(
        treatments.SORTS.values()
    )
    steps = [label for label, _ in size.controls["proportion"].options]
    assert steps == [f"{round(100 * p):d}%" for p in treatments.PROPORTIONS]
    assert size.controls["n"].description == "Your n"


def test_sample_size_labels_row_is_left_out_only_on_a_phone():
    """The row of study sizes over the plot is an extra: a phone hides it, the desktop not."""
    fig = treatments.sample_size_figure()
    names = [trace.name for trace in fig.data]
    index = names.index(treatments.SIZE_LABELS)
    assert fig.data[index].visible is not False  # drawn on the desktop
    assert fig.phone["set"][f"data[{index}].visible"] == [False, None]


def test_extras_that_name_no_trace_are_refused():
    fig = treatments.sample_size_figure()
    with pytest.raises(ValueError, match=r"argument 'extras' names no trace.*'Nobody'"):
        phone.patch(fig.to_plotly_json(), [], {}, {}, [], set(), ["Nobody"])
