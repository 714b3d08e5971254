"""The timeline of names: cited typed rows, highlight and era views, a live app."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import names
from widgets.data import DATA_DIR, DataError, bib_keys, citation, parse_rows

FILE = "data/names.csv"
CSV_TEXT = (DATA_DIR / "names.csv").read_text(encoding="utf-8")
HEADER = CSV_TEXT.splitlines()[0]


def _parse(*lines):
    return parse_rows("\n".join([HEADER, *lines]) + "\n", names.NameRow, FILE)


# ----------------------------------------------------------------------------- data


def test_rows_come_from_the_dossier():
    rows = names.load()
    by_key = {row.source[0]: row for row in rows}
    assert (by_key["ries1937"].year, by_key["ries1937"].term) == (1937, "episacroiliac lipoma")
    assert (by_key["curtis1993"].year, by_key["curtis1993"].term) == (1993, "back mouse")
    assert by_key["collee1990"].term == "iliac crest pain syndrome"
    assert by_key["faille1978"].term == "lumbar fat herniation"
    assert all(set(row.source) <= bib_keys() for row in rows)


def test_rows_are_typed_and_oldest_first():
    rows = names.load()
    assert all(isinstance(row.year, int) for row in rows)
    assert [row.year for row in rows] == sorted(row.year for row in rows)
    assert {row.discipline for row in rows} <= set(names.DISCIPLINES)
    assert len(rows) == len(parse_rows(CSV_TEXT, names.NameRow, FILE))


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ("1066,term,Someone,Surgery,ries1937", "year", "outside the range 1900"),
        ("nineteen,term,Someone,Surgery,ries1937", "year", "expected a whole number"),
        ("1950,term,Someone,Dentistry,ries1937", "discipline", "'Dentistry' is not one of"),
        ("1950,,Someone,Surgery,ries1937", "term", "is empty but required"),
        ("1950,term,Someone,Surgery,", "source", "is empty but required"),
        ("1950,term,Someone,Surgery,nobody2099", "source", "cites ['nobody2099']"),
    ],
)
def test_broken_row_names_line_and_field(line, field, reason):
    good = "1937,episacroiliac lipoma,Ries,Gynaecology,ries1937"
    assert _parse(good)[0].year == 1937
    with pytest.raises(DataError) as error:
        _parse(good, line)
    message = str(error.value)
    assert message.startswith(f"{FILE}, line 3, field '{field}': "), message
    assert reason in message


def test_same_term_by_same_authors_is_refused():
    good = "1937,episacroiliac lipoma,Ries,Gynaecology,ries1937"
    again = "1938,episacroiliac lipoma,Ries,Gynaecology,ries1937"
    with pytest.raises(DataError, match=rf"{FILE}, line 3, field 'authors': .* repeats line 2"):
        _parse(good, again)


# --------------------------------------------------------------------------- figure


def test_figure_has_every_name_with_its_citation_on_hover():
    fig = names.figure()
    rows = names.load()
    points = sum(len(trace.x) for trace in fig.data)
    assert points == len(rows)
    hover = " ".join(text for trace in fig.data for text in trace.hovertext)
    for row in rows:
        assert f"<b>{row.term}</b>" in hover
        assert all(citation(key) in hover for key in row.source)
    assert "Copeman and Ackerman, 1944" in hover  # as the pages cite it (test_citations.py)
    columns, table = fig.table
    assert columns[0] == "Year"
    assert [line[0] for line in table] == [row.year for row in rows]


def test_each_name_sits_on_its_own_row_labelled_by_author_and_year():
    fig = names.figure()
    rows = names.load()
    placed = sorted((y, x) for trace in fig.data for x, y in zip(trace.x, trace.y, strict=True))
    assert [y for y, _ in placed] == list(range(len(rows)))
    assert [x for _, x in placed] == [row.year for row in rows]
    ticks = list(fig.layout.yaxis.ticktext)
    assert all(str(row.year) in tick for row, tick in zip(rows, ticks, strict=True))


def test_traces_follow_the_disciplines_with_their_own_colour_and_symbol():
    fig = names.figure()
    present = [d for d in names.DISCIPLINES if any(r.discipline == d for r in names.load())]
    assert [trace.name for trace in fig.data] == present
    assert len({trace.marker.color for trace in fig.data}) == len(present)
    assert len({trace.marker.symbol for trace in fig.data}) == len(present)


def test_later_labels_are_written_to_the_left():
    for trace in names.figure().data:
        for year, position in zip(trace.x, trace.textposition, strict=True):
            expected = "middle left" if year >= names.LABEL_FLIP else "middle right"
            assert position == expected


def test_highlight_fades_the_other_disciplines():
    fig = names.figure(discipline="Surgery")
    opacity = {trace.name: trace.opacity for trace in fig.data}
    assert opacity.pop("Surgery") == 1.0
    assert all(value == names.FADED for value in opacity.values())
    assert {trace.opacity for trace in names.figure().data} == {1.0}


@pytest.mark.parametrize("era", list(names.ERAS))
def test_era_zooms_the_axes_onto_its_names(era):
    fig = names.figure(era=era)
    first, last = names.ERAS[era]
    assert tuple(fig.layout.xaxis.range) == (first, last)
    bottom, top = fig.layout.yaxis.range
    inside = [i for i, row in enumerate(names.load()) if first <= row.year <= last]
    assert inside, era
    assert all(top < i < bottom for i in inside)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"discipline": "Dentistry"}, "discipline"),
        ({"discipline": None}, "discipline"),
        ({"era": "1800s"}, "era"),
        ({"era": 1990}, "era"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be one of"):
        names.figure(**kwargs)


@given(st.text(min_size=1).filter(lambda t: t not in names.DISCIPLINES and t != names.ALL))
def test_any_unknown_discipline_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'discipline'"):
        names.figure(discipline=text)


@given(st.text().filter(lambda t: t not in names.ERAS))
def test_any_unknown_era_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'era'"):
        names.figure(era=text)


# ------------------------------------------------------------------------------ app


def test_app_responds_to_its_controls():
    app = names.app()
    before = app.figure.to_plotly_json()
    app.controls["discipline"].value = "Surgery"
    assert app.figure.to_plotly_json() != before
    assert {t.name: t.opacity for t in app.figure.data}["Surgery"] == 1.0
    assert {t.name: t.opacity for t in app.figure.data}["Family medicine"] == names.FADED
    app.controls["era"].value = "Imaging and reviews (2000-)"
    assert tuple(app.figure.layout.xaxis.range) == names.ERAS["Imaging and reviews (2000-)"]


def test_app_figure_has_no_static_controls_and_whole_labels():
    app = names.app()
    assert not app.figure.layout.updatemenus
    assert not app.figure.layout.sliders
    assert app.controls["discipline"].description == "Journal's discipline"
    assert [label for label, _ in app.controls["era"].options] == list(names.ERAS)
    assert app.controls["era"].style.description_width == "initial"
