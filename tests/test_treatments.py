"""Treatment outcomes: cited counts, Wilson intervals, working controls, a live app."""

from __future__ import annotations

import math

import pytest
from csvedit import with_cell
from hypothesis import given
from hypothesis import strategies as st
from plotlyapply import apply_control

from widgets import treatments
from widgets.data import DATA_DIR, DataError, bib_keys
from widgets.stats import wilson_interval

CSV_LINES = (DATA_DIR / "treatments.csv").read_text(encoding="utf-8").splitlines()


def _row(study: str, label: str, measure: str = "improved"):
    matches = [
        r
        for r in treatments.outcomes(measure)
        if r["study"].startswith(study) and r["label"] == label
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
    assert (row["events"], row["n"], row["derived"]) == (events, n, "no")


def test_derived_and_incomplete_rows_are_flagged():
    takayama = _row("Takayama", "nerve surgery")
    assert (takayama["events"], takayama["n"], takayama["percent"]) == (174, 200, 87)
    assert takayama["derived"] == "yes"
    assert takayama["source"] == ("isu2018",)
    lignocaine = _row("Collée", "lignocaine arm")
    saline = _row("Collée", "saline arm")
    assert (lignocaine["percent"], saline["percent"]) == (52, 30)
    assert lignocaine["n"] is None and saline["n"] is None
    assert lignocaine["evidence"] == "RCT"
    assert lignocaine["ci_low"] is None


def test_recurrence_is_a_separate_outcome():
    recurrence = _row("Wu", "recurrence", measure="recurred")
    assert (recurrence["events"], recurrence["n"]) == (7, 28)
    assert all(r["label"] != "recurrence" for r in treatments.outcomes("improved"))
    assert "7 of 28" in treatments.forest_figure().caption


def test_disputed_study_is_not_plotted_but_mentioned():
    assert all("Hucherson" not in r["study"] for r in treatments.load())
    caption = treatments.forest_figure().caption
    assert "Hucherson" in caption and "42" in caption and "32" in caption


def test_every_row_is_cited():
    rows = treatments.load()
    assert all(set(r["source"]) <= bib_keys() for r in rows)
    forbidden = {"chiba2016", "trescot2016_ch51", "scn_rfa_46"}
    assert not forbidden & {key for r in rows for key in r["source"]}


def test_model_intervals_are_the_wilson_intervals_from_widgets_stats():
    for row in treatments.outcomes("improved") + treatments.outcomes("recurred"):
        if row["n"] is None:
            continue
        assert (row["ci_low"], row["ci_high"]) == wilson_interval(row["events"], row["n"])
        assert row["proportion"] == row["events"] / row["n"]


def test_motyka_interval():
    row = _row("Motyka", "injection")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.74, 0.95), abs=0.006)


@given(n=st.integers(1, 2000), data=st.data())
def test_proportion_formula_agrees_with_widgets_stats(n, data):
    events = data.draw(st.integers(0, n))
    got = treatments.interval_for_proportion(events / n, n)
    assert got == pytest.approx(wilson_interval(events, n), abs=1e-12)


# ------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (9, "n", "3.5", r"row 9, field 'n': expected int"),
        (9, "events", "-1", r"row 9, field 'events': -1 is below the minimum"),
        (9, "source", "motyka2000;madeup1999", r"row 9, field 'source': cites \['madeup1999'\]"),
        (9, "evidence", "Anecdote", r"row 9, field 'evidence': 'Anecdote' is not one of"),
        (9, "events", "36", r"row 9, field 'events': 36 events is more than n = 35"),
        (4, "events", "150", r"row 4, field 'events': 150/200 does not match"),
        (5, "percent", "", r"row 5, field 'percent': give n and events, or a percent"),
        (9, "n", "", r"row 9, field 'events': give both n and events"),
        (1, "derived", "yes", r"row 1, field 'derived': a derived count needs"),
    ],
)
def test_broken_rows_name_file_row_and_field(row, column, value, message):
    with pytest.raises(DataError, match=r"data/treatments\.csv, " + message):
        treatments.parse(with_cell(CSV_LINES, row, column, value))


def test_wrong_header_is_rejected():
    lines = [CSV_LINES[0].replace("events", "improved"), *CSV_LINES[1:]]
    with pytest.raises(DataError, match=r"data/treatments\.csv: header must be"):
        treatments.parse(lines)


def test_the_real_file_parses_with_the_same_rules():
    assert len(treatments.parse(CSV_LINES)) == len(treatments.load()) == 15


# ------------------------------------------------------------------ forest plot


def _apply(fig, method, args):
    """Apply one control's args the way plotly.js would, in Python."""
    return apply_control(fig, method, args)


def _category_order(fig):
    """The y categories as plotly orders them: sum of x over visible traces."""
    sums: dict[str, float] = {}
    for trace in fig.data:
        if trace.visible not in (None, True):
            continue
        for x, y in zip(trace.x, trace.y, strict=True):
            if y is not None:
                sums[y] = sums.get(y, 0) + x
    return sorted(sums, key=sums.get)


def test_forest_has_every_improvement_row_and_a_matching_table():
    fig = treatments.forest_figure()
    rows = treatments.outcomes("improved")
    type_traces = [t for t in fig.data if t.name in treatments.TYPES]
    assert sum(len(t.x) for t in type_traces) == len(rows) == 14
    assert len(fig.data) == 2 * len(type_traces) + 4  # + helpers + legend keys
    columns, table = fig.table
    assert len(table) == len(rows)
    assert "Wilson 95% CI %" in columns
    motyka = next(r for r in table if r[0] == "Motyka et al.")
    assert motyka[7:11] == (35, 31, 88.6, "74.0–95.5")
    hover = " ".join(h for t in type_traces for h in t.hovertext)
    assert "n per arm not reported" in hover
    assert "count derived from a reported %" in hover
    assert "$" not in fig.to_json()


def test_marker_symbols_show_the_design():
    fig = treatments.forest_figure()
    symbols = {
        (t.name, label.split("<br>")[0]): symbol
        for t in fig.data
        if t.name in treatments.TYPES
        for label, symbol in zip(t.y, t.marker.symbol, strict=True)
    }
    assert symbols[("Local injection", "Collée 1991 · n per arm not given")] == "diamond-open"
    assert symbols[("Local injection", "Motyka 2000 · n = 35")] == "circle"
    assert symbols[("Excision", "Yang 2015 · n = 1")] == "square"
    keys = [t.name for t in fig.data if t.x == (None,)]
    assert keys[:3] == ["RCT", "Case series", "Case report"]


def test_filter_entries_give_distinct_states_with_the_right_rows():
    fig = treatments.forest_figure()
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == [treatments.ALL, *treatments.TYPES]
    states = [_apply(fig, b.method, b.args) for b in menu.buttons]
    assert len({str(s.to_plotly_json()) for s in states}) == len(states)
    rows = treatments.outcomes("improved")
    for button, state in zip(menu.buttons, states, strict=True):
        expected = {
            treatments.tick_label(r) for r in rows if button.label in (treatments.ALL, r["type"])
        }
        assert set(_category_order(state)) == expected


@pytest.mark.parametrize("kind", [treatments.ALL, "Nerve block", "Excision"])
def test_sort_buttons_order_the_rows(kind):
    fig = treatments.forest_figure(treatment_type=kind)
    menu = fig.layout.updatemenus[1]
    assert [b.label for b in menu.buttons] == list(treatments.SORTS.values())
    rows = [r for r in treatments.outcomes() if kind in (treatments.ALL, r["type"])]
    orders = []
    for sort, button in zip(treatments.SORTS, menu.buttons, strict=True):
        state = _apply(fig, button.method, button.args)
        expected = [treatments.tick_label(r) for r in treatments.sort_order(rows, sort)]
        assert _category_order(state) == expected
        orders.append(tuple(expected))
    if kind == treatments.ALL:
        assert len(set(orders)) == 3
        assert orders[1][-1].startswith("Takayama 1961 · n = 200")  # largest n on top
        assert orders[2][-1].startswith("Herz 1945")  # oldest on top


def test_initial_arguments_set_the_first_view():
    fig = treatments.forest_figure(treatment_type="Nerve block", sort="n")
    assert fig.layout.updatemenus[0].active == 1 + treatments.TYPES.index("Nerve block")
    assert fig.layout.updatemenus[1].active == 1
    nerve_block = [r for r in treatments.outcomes() if r["type"] == "Nerve block"]
    expected = [treatments.tick_label(r) for r in treatments.sort_order(nerve_block, "n")]
    assert _category_order(fig) == expected


# ------------------------------------------------------------ sample-size figure


def test_sample_size_slider_steps_are_distinct_and_correct():
    fig = treatments.sample_size_figure()
    slider = fig.layout.sliders[0]
    assert slider.steps[0].label == "50%"
    assert len(slider.steps) == 10
    assert slider.steps[slider.active].label == "80%"
    states = [_apply(fig, s.method, s.args) for s in slider.steps]
    assert len({str(s.to_plotly_json()) for s in states}) == 10
    half = states[0]
    n_index = treatments.N_GRID.index(10)
    low, high = treatments.interval_for_proportion(0.5, 10)
    assert half.data[0].y[n_index] == round(100 * low, 1)
    assert half.data[1].y[n_index] == round(100 * high, 1)
    assert len(treatments.N_GRID) >= 25
    assert (min(treatments.N_GRID), max(treatments.N_GRID)) == (3, 1000)


def test_sample_size_marks_the_study_sizes_of_the_forest():
    fig = treatments.sample_size_figure()
    marks = next(t for t in fig.data if t.name == "Study size in the forest plot")
    assert {6, 12, 19, 35, 113} <= set(marks.x)
    assert 1 not in marks.x  # below the grid
    hover = " ".join(marks.customdata)
    assert "Motyka et al. 2000" in hover
    columns, table = fig.table
    steps = fig.layout.sliders[0].steps
    assert len(table) == len(treatments.N_GRID) * len(steps)  # every slider state
    assert {f"{row[1]:g}%" for row in table} == {step.label for step in steps}
    assert columns[-1] == "Width (points)"


def test_sample_size_off_grid_proportion_and_highlight():
    fig = treatments.sample_size_figure(proportion=0.73, n=50)
    slider = fig.layout.sliders[0]
    assert slider.steps[slider.active].label == "73%"
    assert len(slider.steps) == 11
    highlight = next(t for t in fig.data if t.name == "Your study size (n = 50)")
    low, high = treatments.interval_for_proportion(0.73, 50)
    assert highlight.y[:2] == (round(100 * low, 1), round(100 * high, 1))
    state = _apply(fig, slider.steps[0].method, slider.steps[0].args)
    assert state.data[5].y != highlight.y  # the slider moves the highlight too


def test_interval_text():
    text = treatments.interval_text(0.8, 35)
    assert "28 of 35" in text and "64%" in text and "90%" in text


# -------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: treatments.forest_figure(treatment_type="Acupuncture"), "treatment_type"),
        (lambda: treatments.forest_figure(sort="alphabet"), "sort"),
        (lambda: treatments.sample_size_figure(proportion=0), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=1), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=1.5), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=-0.2), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=math.nan), "proportion"),
        (lambda: treatments.sample_size_figure(proportion="0.8"), "proportion"),
        (lambda: treatments.sample_size_figure(proportion=True), "proportion"),
        (lambda: treatments.sample_size_figure(n=2), "n"),
        (lambda: treatments.sample_size_figure(n=35.0), "n"),
        (lambda: treatments.outcomes("cured"), "measure"),
        (lambda: treatments.interval_text(0.5, 0), "n"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must"):
        call()


@given(
    st.one_of(
        st.floats(max_value=0),
        st.floats(min_value=1),
        st.just(math.nan),
        st.text(),
        st.none(),
    )
)
def test_any_proportion_outside_zero_to_one_is_rejected(value):
    with pytest.raises(ValueError, match="argument 'proportion'"):
        treatments.sample_size_figure(proportion=value)


@given(st.floats(min_value=0.001, max_value=0.999))
def test_any_proportion_inside_is_accepted_and_its_step_is_active(value):
    fig = treatments.sample_size_figure(proportion=value)
    slider = fig.layout.sliders[0]
    centre = slider.steps[slider.active].args[0]["y"][2][0]
    assert centre == pytest.approx(100 * value, abs=0.11)
    labels = [step.label for step in slider.steps]
    assert len(set(labels)) == len(labels)


@given(st.text().filter(lambda t: t not in (treatments.ALL, *treatments.TYPES)))
def test_any_unknown_type_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'treatment_type'"):
        treatments.forest_figure(treatment_type=text)


# -------------------------------------------------------------------------- app


def test_app_responds_to_its_controls():
    app = treatments.app()
    view = app.result
    assert "28 of 35" in view.text
    app.controls["treatment_type"].value = "Excision"
    shown = {t.name for t in app.result.forest.data if t.visible is True}
    assert "Excision" in shown and "Nerve block" not in shown
    app.controls["sort"].value = "year"
    assert app.result.forest.layout.updatemenus[1].active == 2
    app.controls["n"].value = 113
    assert "of 113 patients" in app.result.text
    assert any(t.name == "Your study size (n = 113)" for t in app.result.sample_size.data)
    app.controls["proportion"].value = 0.5
    assert "If 50% of 113" in app.result.text
    assert app.result.sample_size.layout.sliders[0].steps[0].label == "50%"


@pytest.mark.parametrize("value", [0.7995, 0.8005, 0.801, 0.799, 0.5 + 1e-12])
def test_proportions_near_a_step_never_duplicate_it(value):
    slider = treatments.sample_size_figure(proportion=value).layout.sliders[0]
    labels = [step.label for step in slider.steps]
    assert len(set(labels)) == len(labels)
    states = {str(step.args[0]["y"]) for step in slider.steps}
    assert len(states) == len(labels)
