"""Data files are validated when loaded: types, ranges, citation keys, repeats, encoding."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import checks, data
from widgets.data import Cites, DataError, Model, between, field, parse_rows, require, row_model


@row_model
class Example(Model):
    """A small row model like the book's."""

    UNIQUE = ("name",)

    name: str
    year: int = field(validator=between(1900, 2030))
    kind: Literal["a", "b"]
    value: float | None = field(validator=between(0, 1))
    source: Cites

    def check(self) -> None:
        require(self.kind == "a" or self.value is not None, "value", "kind b needs a value")


HEADER = "name,year,kind,value,source"


def parse(*lines: str) -> list[Example]:
    return parse_rows("\n".join([HEADER, *lines]) + "\n", Example, "data/example.csv")


def test_good_rows_are_typed():
    rows = parse("x,1993,a,0.5,curtis1993", "y,2000,b,1,curtis2000;motyka2000")
    assert rows[0] == Example(name="x", year=1993, kind="a", value=0.5, source=("curtis1993",))
    assert rows[1].source == ("curtis2000", "motyka2000")
    assert isinstance(rows[0].year, int) and isinstance(rows[1].value, float)


@pytest.mark.parametrize(
    ("line", "field_name", "reason"),
    [
        ("x,abc,a,0.5,curtis1993", "year", "whole number"),
        ("x,1_0,a,0.5,curtis1993", "year", "whole number"),
        ("x,1800,a,0.5,curtis1993", "year", "outside the range"),
        ("x,1993,c,0.5,curtis1993", "kind", "not one of"),
        ("x,1993,a,1.5,curtis1993", "value", "outside the range"),
        ("x,1993,a,nan,curtis1993", "value", "number"),
        ("x,1993,a,1_0,curtis1993", "value", "number"),
        ("x,1993,a,0.5,nosuchkey2099", "source", "not in references.bib"),
        ("x,1993,a,0.5,", "source", "required"),
        ("x,1993,b,,curtis1993", "value", "kind b needs a value"),
    ],
)
def test_bad_cell_names_file_line_and_field(line, field_name, reason):
    with pytest.raises(DataError) as error:
        parse(line)
    message = str(error.value)
    assert message.startswith(f"data/example.csv, line 2, field '{field_name}'")
    assert reason in message


def test_every_error_is_reported_with_its_file_line():
    with pytest.raises(DataError) as error:
        parse("x,1800,a,0.5,curtis1993", "", "y,1993,c,0.5,curtis1993")
    lines = str(error.value).splitlines()
    assert lines[0].startswith("data/example.csv, line 2, field 'year'")
    assert lines[1].startswith("data/example.csv, line 4, field 'kind'")


def test_lines_are_counted_with_blank_lines_and_quoted_breaks():
    with pytest.raises(DataError, match=r"line 5, field 'year'"):
        parse('"multi\nline",1993,a,0.5,curtis1993', "", "z,1800,a,0.5,curtis1993")


def test_a_repeated_row_is_rejected():
    with pytest.raises(DataError, match=r"line 3: repeats line 2 exactly"):
        parse("x,1993,a,0.5,curtis1993", "x,1993,a,0.5,curtis1993")


def test_a_repeated_label_is_rejected():
    with pytest.raises(DataError, match=r"line 3, field 'name': name='x' repeats line 2"):
        parse("x,1993,a,0.5,curtis1993", "x,1994,a,0.5,curtis1993")


def test_wrong_header_is_named():
    with pytest.raises(DataError, match=r"data/example\.csv: header must be"):
        parse_rows("name,year,source\nx,1993,curtis1993\n", Example, "data/example.csv")


def test_wrong_cell_count_is_named():
    with pytest.raises(DataError, match=r"data/example.csv, line 3: expected 5 cells"):
        parse("x,1993,a,0.5,curtis1993", "y,1994,a,0.5")


def test_empty_file_is_rejected():
    with pytest.raises(DataError, match="no data rows"):
        parse()


def test_a_byte_order_mark_is_accepted(tmp_path):
    text = f"{HEADER}\nx,1993,a,0.5,curtis1993\n"
    (tmp_path / "example.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    rows = data.load_rows("example", Example, tmp_path)
    assert rows[0].name == "x"


def test_a_non_utf8_byte_names_file_and_line(tmp_path):
    text = f"{HEADER}\nx,1993,a,0.5,curtis1993\ny,1994,a,0.5,curtis1993\n".encode()
    (tmp_path / "example.csv").write_bytes(text.replace(b"y,1994", b"\xe9,1994"))
    with pytest.raises(DataError, match=r"data/example.csv, line 3: byte 0xE9 is not UTF-8"):
        data.load_rows("example", Example, tmp_path)


def test_every_bib_key_is_unique():
    text = data.BIB_FILE.read_text(encoding="utf-8")
    keys = data._BIB_KEY.findall(text)
    assert len(keys) == len(set(keys)), "duplicate keys in references.bib"
    assert len(keys) >= 40


def test_citation_is_plain_author_year_text():
    assert data.citation("curtis1993") == "Curtis, 1993"
    assert data.citation("canisparera2021") == "Cañis Parera et al., 2021"


def test_citation_rejects_unknown_key():
    with pytest.raises(ValueError, match="argument 'key'"):
        data.citation("nosuchkey2099")


@given(st.one_of(st.text(), st.integers(), st.none(), st.booleans()))
def test_check_choice_names_argument(value):
    allowed = ("x", "y")
    if value in allowed:
        assert checks.check_choice("thing", value, allowed) == value
    else:
        with pytest.raises(ValueError, match="argument 'thing' must be one of"):
            checks.check_choice("thing", value, allowed)


def test_check_choice_keeps_booleans_apart_from_numbers():
    with pytest.raises(ValueError, match="argument 'flag'"):
        checks.check_choice("flag", 1, (False, True))
    with pytest.raises(ValueError, match="argument 'n'"):
        checks.check_choice("n", True, (0, 1))


@pytest.mark.parametrize("value", ["ab", ("c",), (), None, 3])
def test_check_subset_names_argument(value):
    with pytest.raises(ValueError, match="argument 'parts'"):
        checks.check_subset("parts", value, ("a", "b"))


def test_check_subset_keeps_declared_order():
    assert checks.check_subset("parts", ["b", "a"], ("a", "b")) == ("a", "b")


@pytest.mark.parametrize("name", ["names", "prevalence", "landmarks", "differential", "treatments"])
def test_every_data_file_loads(name):
    import importlib

    rows = importlib.import_module(f"widgets.{name}").load()
    assert len(rows) >= 10
