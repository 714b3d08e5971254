"""Reported prevalence: cited rows, Wilson intervals, working controls, a live app."""

from __future__ import annotations

from pathlib import Path

import pytest
from csvedit import with_cell
from hypothesis import given
from hypothesis import strategies as st
from plotlyapply import apply_control

from widgets import prevalence
from widgets.data import DATA_DIR, DataError, bib_keys
from widgets.stats import wilson_interval

CSV_LINES = (DATA_DIR / "prevalence.csv").read_text(encoding="utf-8").splitlines()


def _row(study: str, year: int, label: str):
    matches = [
        r
        for r in prevalence.load()
        if r["study"] == study and r["year"] == year and r["label"] == label
    ]
    assert len(matches) == 1, (study, year, label)
    return matches[0]


# ----------------------------------------------------------------------------- data


def test_numbers_match_the_dossier_facts_table():
    nacir_women = _row("Nacir", 2011, "women")
    assert (nacir_women["cases"], nacir_women["n"], nacir_women["percent"]) == (18, 76, 23)
    nacir_men = _row("Nacir", 2011, "men")
    assert (nacir_men["cases"], nacir_men["n"]) == (0, 14)
    kuniya = _row("Kuniya", 2014, "LBP or leg symptoms")
    assert (kuniya["cases"], kuniya["n"]) == (113, 834)
    maigne = _row("Maigne & Doursounian", 1997, "LBP patients")
    assert (maigne["cases"], maigne["n"], maigne["percent"]) == (29, 1800, 1.6)
    assert maigne["source"] == ("isu2018",)
    fujihara = _row("Fujihara", 2021, "LBP patients")
    assert (fujihara["cases"], fujihara["n"], fujihara["definition"]) == (
        50,
        383,
        "MCN entrapment",
    )
    assert _row("Curtis", 2000, "general population")["percent"] == 15
    assert _row("Curtis", 1993, "people")["percent"] == 16
    assert _row("Curtis", 1993, "women")["percent"] == 25
    assert _row("Curtis", 2004, "population")["percent"] == 25
    swezey = _row("Swezey", 1991, "lumbar nodules")
    assert (swezey["percent"], swezey["confidence"]) == (25, "low")


def test_collee_counts_are_flagged_as_derived_from_reported_percentages():
    expected = {
        "all settings": (204, 41),
        "general practice": (40, 53),
        "occupational health": (124, 33),
        "rheumatology": (40, 58),
    }
    for label, (n, percent) in expected.items():
        row = _row("Collée", 1991, label)
        assert (row["n"], row["percent"], row["derived"]) == (n, percent, "yes")
        assert round(100 * row["cases"] / n + 1e-9) == percent
        assert row["definition"] == "Iliac-crest tenderness (ICPS)"
    loubser = _row("Loubser", 2017, "patient files")
    assert (loubser["cases"], loubser["n"], loubser["derived"]) == (112, 400, "yes")


def test_uncited_range_has_no_number_and_says_so():
    wiki = _row("WikiMSK", 2022, "web page")
    assert (wiki["percent"], wiki["percent_low"], wiki["percent_high"]) == (None, 10, 58)
    assert wiki["n"] is None
    assert wiki["confidence"] == "low"
    assert "no source" in wiki["note"].lower()


def test_earl_1995_is_not_plotted_because_its_result_was_not_seen():
    assert all(row["study"] != "Earl" for row in prevalence.load())
    assert "Earl" in prevalence.figure().caption


def test_every_row_is_cited_and_labels_are_unique():
    rows = prevalence.load()
    assert all(set(row["source"]) <= bib_keys() for row in rows)
    assert "earl1995" not in {key for row in rows for key in row["source"]}
    labels = [prevalence.tick_label(row) for row in rows]
    assert len(set(labels)) == len(labels)


def test_intervals_are_the_wilson_intervals_from_widgets_stats():
    for row in prevalence.load():
        if row["n"] is None:
            assert row["ci_low"] is None and row["ci_high"] is None
            continue
        low, high = wilson_interval(row["cases"], row["n"])
        assert row["ci_low"] == pytest.approx(100 * low)
        assert row["ci_high"] == pytest.approx(100 * high)
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    women = _row("Nacir", 2011, "women")
    assert (women["ci_low"], women["ci_high"]) == pytest.approx((15.5, 34.4), abs=0.1)


# ------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (6, "n", "seventy-six", r"row 6, field 'n': expected int"),
        (3, "percent", "150", r"row 3, field 'percent': 150.0 is above the maximum"),
        (2, "source", "curtis1993;nobody2099", r"row 2, field 'source': cites \['nobody2099'\]"),
        (4, "definition", "Vibes", r"row 4, field 'definition': 'Vibes' is not one of"),
        (6, "cases", "80", r"row 6, field 'cases': 80 cases is more than n = 76"),
        (6, "cases", "30", r"row 6, field 'cases': 30/76 does not match"),
        (8, "cases", "90", r"row 8, field 'cases': 90/204 does not match"),
        (16, "percent", "30", r"row 16, field 'percent': give either a percent or"),
        (16, "percent_high", "5", r"row 16, field 'percent_high': a range needs"),
        (1, "derived", "yes", r"row 1, field 'derived': a derived count needs"),
        (13, "n", "", r"row 13, field 'cases': give both n and cases"),
    ],
)
def test_broken_rows_name_file_row_and_field(row, column, value, message):
    with pytest.raises(DataError, match=r"data/prevalence\.csv, " + message):
        prevalence.parse(with_cell(CSV_LINES, row, column, value))


def test_wrong_header_is_rejected():
    lines = [CSV_LINES[0].replace("cases", "count"), *CSV_LINES[1:]]
    with pytest.raises(DataError, match=r"data/prevalence\.csv: header must be"):
        prevalence.parse(lines)


def test_the_real_file_parses_with_the_same_rules():
    assert len(prevalence.parse(CSV_LINES)) == len(prevalence.load()) == 16
    assert Path(prevalence.FILE).name == "prevalence.csv"


# ------------------------------------------------------------------------ figure


def _apply(fig, button):
    """Apply one updatemenu button the way plotly.js would, in Python."""
    return apply_control(fig, button.method, button.args)


def _points(fig):
    return [
        (trace.name, x, y)
        for trace in fig.data
        if trace.visible is not False
        for x, y in zip(trace.x, trace.y, strict=True)
        if x is not None
    ]


def test_figure_has_every_row_and_the_table_matches():
    fig = prevalence.figure()
    rows = prevalence.load()
    point_rows = [r for r in rows if r["percent"] is not None]
    shown = [t for t in fig.data if t.visible is not False and t.x != (None,)]
    dots = [p for p in _points(fig) if p[0] != prevalence.RANGE_NAME]
    assert len(dots) == len(point_rows)
    assert sum(t.name == prevalence.RANGE_NAME for t in shown) == 1
    columns, table = fig.table
    assert len(table) == len(rows)
    assert columns[0] == "Study"
    assert "Count derived from rounded %" in columns
    assert fig.caption and fig.alt
    hover = " ".join(h for t in fig.data for h in (t.hovertext or ()) if h)
    assert "[collee1991freq]" in hover
    assert "count derived from a rounded %" in hover
    assert "$" not in fig.to_json()  # no LaTeX anywhere


def test_bars_only_where_n_is_known():
    fig = prevalence.figure()
    for trace in fig.data:
        if trace.error_x.array is None:
            continue
        for x, plus, symbol in zip(trace.x, trace.error_x.array, trace.marker.symbol, strict=True):
            assert (plus is None) == symbol.endswith("-open"), (trace.name, x)


def test_colour_menu_switches_between_two_complete_groupings():
    fig = prevalence.figure()
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["Colour by definition", "Colour by population"]
    states = [_apply(fig, b) for b in menu.buttons]
    assert len({str(s.to_plotly_json()) for s in states}) == 2
    groups = [{t.name for t in s.data if t.visible is not False} for s in states]
    assert "Iliac-crest tenderness (ICPS)" in groups[0]
    assert "Low-back-pain patients" in groups[1]
    for state in states:  # each grouping shows every point once
        assert sorted(p[1:] for p in _points(state)) == sorted(p[1:] for p in _points(fig))


def test_sort_buttons_give_distinct_complete_orders():
    fig = prevalence.figure()
    menu = fig.layout.updatemenus[1]
    assert len(menu.buttons) == 4
    labels = {prevalence.tick_label(r) for r in prevalence.load()}
    orders = [tuple(_apply(fig, b).layout.yaxis.categoryarray) for b in menu.buttons]
    assert len(set(orders)) == 4
    assert all(set(order) == labels for order in orders)
    by_percent = orders[list(prevalence.SORTS).index("percent")]
    top = _row("Collée", 1991, "rheumatology")
    assert by_percent[-1] == prevalence.tick_label(top)  # highest at the top
    by_year = orders[list(prevalence.SORTS).index("year")]
    assert by_year[0].startswith("WikiMSK 2022")  # newest at the bottom


def test_definition_filter_keeps_only_those_rows():
    fig = prevalence.figure(definitions=("SCN entrapment",), colour_by="population")
    _, table = fig.table
    assert {row[0] for row in table} == {"Maigne & Doursounian", "Kuniya", "Loubser"}
    assert all(t.name != prevalence.RANGE_NAME for t in fig.data)


# -------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"colour_by": "colour"}, "colour_by"),
        ({"sort": "alphabet"}, "sort"),
        ({"definitions": ("Cadaver dissection",)}, "definitions"),
        ({"definitions": "Painful nodule"}, "definitions"),
        ({"definitions": ()}, "definitions"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must"):
        prevalence.figure(**kwargs)


@given(st.text().filter(lambda t: t not in prevalence.SORTS))
def test_any_unknown_sort_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'sort'"):
        prevalence.figure(sort=text)


@given(st.lists(st.text().filter(lambda t: t not in prevalence.DEFINITIONS), min_size=1))
def test_any_unknown_definition_is_rejected(names):
    with pytest.raises(ValueError, match="argument 'definitions'"):
        prevalence.check_definitions(tuple(names))


# -------------------------------------------------------------------------- app


def test_app_responds_to_its_controls():
    app = prevalence.app()
    assert len(app.figure.table[1]) == 16
    app.controls["icps"].value = False
    assert len(app.figure.table[1]) == 12
    assert all(row[0] != "Collée" for row in app.figure.table[1])
    before = app.figure.layout.yaxis.categoryarray
    app.controls["sort"].value = "percent"
    assert app.figure.layout.yaxis.categoryarray != before
    app.controls["colour_by"].value = "population"
    visible = {t.name for t in app.figure.data if t.visible is not False}
    assert "Low-back-pain patients" in visible
    for name in prevalence.CHECKBOX_NAMES.values():
        app.controls[name].value = False
    assert "Tick at least one definition" in app.result.value
