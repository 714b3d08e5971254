"""Data files are validated when loaded: schema, ranges and citation keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import data
from widgets.data import DataError, Field, parse_rows

FIELDS = (
    Field("year", "int", minimum=1900, maximum=2030),
    Field("kind", choices=("a", "b")),
    Field("value", "float", required=False, minimum=0, maximum=1),
    Field("source", "cite"),
)
HEADER = "year,kind,value,source"


def parse(*lines):
    return parse_rows([HEADER, *lines], FIELDS, "data/example.csv")


def test_good_rows_are_typed():
    rows = parse("1993,a,0.5,curtis1993", "2000,b,,curtis2000;motyka2000")
    assert rows[0] == {"year": 1993, "kind": "a", "value": 0.5, "source": ("curtis1993",)}
    assert rows[1]["value"] is None
    assert rows[1]["source"] == ("curtis2000", "motyka2000")


@pytest.mark.parametrize(
    ("line", "row", "field", "reason"),
    [
        ("abc,a,0.5,curtis1993", 1, "year", "expected int"),
        ("1800,a,0.5,curtis1993", 1, "year", "below the minimum"),
        ("1993,c,0.5,curtis1993", 1, "kind", "not one of"),
        ("1993,a,1.5,curtis1993", 1, "value", "above the maximum"),
        ("1993,a,nan,curtis1993", 1, "value", "finite"),
        ("1993,a,0.5,nosuchkey2099", 1, "source", "not in references.bib"),
        ("1993,a,0.5,", 1, "source", "required"),
    ],
)
def test_bad_cell_names_file_row_and_field(line, row, field, reason):
    with pytest.raises(DataError) as error:
        parse(line)
    message = str(error.value)
    assert message.startswith(f"data/example.csv, row {row}, field '{field}'")
    assert reason in message


def test_wrong_header_is_named():
    with pytest.raises(DataError, match=r"data/example\.csv: header must be"):
        parse_rows(["year,kind,source", "1993,a,curtis1993"], FIELDS, "data/example.csv")


def test_wrong_cell_count_is_named():
    with pytest.raises(DataError, match=r"data/example.csv, row 2: expected 4 cells"):
        parse("1993,a,0.5,curtis1993", "1994,a,0.5")


def test_empty_file_is_rejected():
    with pytest.raises(DataError, match="no data rows"):
        parse()


def test_every_bib_key_is_unique():
    text = data.BIB_FILE.read_text(encoding="utf-8")
    keys = data._BIB_KEY.findall(text)
    assert len(keys) == len(set(keys)), "duplicate keys in references.bib"
    assert len(keys) >= 40


def test_citation_is_plain_text():
    assert data.citation("curtis1993") == "Curtis (1993). Journal of Family Practice"
    assert data.citation("canisparera2021").startswith("Cañis Parera et al. (2021)")


def test_citation_rejects_unknown_key():
    with pytest.raises(ValueError, match="argument 'key'"):
        data.citation("nosuchkey2099")


@given(st.one_of(st.text(), st.integers(), st.none()))
def test_check_choice_names_argument(value):
    allowed = ("x", "y")
    if value in allowed:
        assert data.check_choice("thing", value, allowed) == value
    else:
        with pytest.raises(ValueError, match="argument 'thing' must be one of"):
            data.check_choice("thing", value, allowed)
