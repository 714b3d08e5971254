"""The timeline of names: cited data, a figure whose menus work, a live app."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plotlyapply import apply_control

from widgets import names
from widgets.data import bib_keys


def test_rows_come_from_the_dossier():
    rows = names.load()
    by_key = {row["source"][0]: row for row in rows}
    assert by_key["ries1937"]["year"] == 1937
    assert by_key["ries1937"]["term"] == "episacroiliac lipoma"
    assert by_key["curtis1993"]["year"] == 1993
    assert by_key["curtis1993"]["term"] == "back mouse"
    assert by_key["collee1990"]["term"] == "iliac crest pain syndrome"
    assert by_key["faille1978"]["term"] == "lumbar fat herniation"
    assert [row["year"] for row in rows] == sorted(row["year"] for row in rows)
    assert all(set(row["source"]) <= bib_keys() for row in rows)


def test_figure_has_every_name_with_its_citation_on_hover():
    fig = names.figure()
    points = sum(len(trace.x) for trace in fig.data)
    assert points == len(names.load())
    hover = " ".join(text for trace in fig.data for text in trace.hovertext)
    assert "[ries1937]" in hover
    assert "American Journal of Obstetrics and Gynecology" in hover
    columns, rows = fig.table
    assert columns[0] == "Year"
    assert len(rows) == points
    assert fig.caption
    assert fig.alt


def _apply(fig, button):
    """Apply one updatemenu button the way plotly.js would, in Python."""
    return apply_control(fig, button.method, button.args).to_plotly_json()


@pytest.mark.parametrize("menu", [0, 1])
def test_each_menu_entry_gives_a_distinct_state(menu):
    fig = names.figure()
    buttons = fig.layout.updatemenus[menu].buttons
    states = [str(_apply(fig, button)) for button in buttons]
    assert len(buttons) >= 5
    assert len(set(states)) == len(states)


def test_highlight_fades_the_other_disciplines():
    fig = names.figure(discipline="Surgery")
    opacity = {trace.name: trace.opacity for trace in fig.data}
    assert opacity["Surgery"] == 1.0
    assert opacity["Family medicine"] < 0.5


def test_era_zooms_the_axes():
    fig = names.figure(era="First reports (1937-1949)")
    assert tuple(fig.layout.xaxis.range) == (1935, 1950)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"discipline": "Dentistry"}, "discipline"), ({"era": "1800s"}, "era")],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be one of"):
        names.figure(**kwargs)


@given(st.text(min_size=1).filter(lambda t: t not in names.DISCIPLINES and t != names.ALL))
def test_any_unknown_discipline_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'discipline'"):
        names.figure(discipline=text)


def test_app_responds_to_its_controls():
    app = names.app()
    before = app.figure.to_plotly_json()
    app.controls["discipline"].value = "Surgery"
    after = app.figure.to_plotly_json()
    assert before != after
    assert {t.name: t.opacity for t in app.figure.data}["Surgery"] == 1.0
    app.controls["era"].value = "Imaging and reviews (2000-)"
    assert tuple(app.figure.layout.xaxis.range) == names.ERAS["Imaging and reviews (2000-)"]
