"""Every figure in the book carries its text alternative and stays lean and LaTeX-free."""

from __future__ import annotations

import importlib
import inspect

import pytest

from widgets.render import BookFigure

MODULES = ["names", "prevalence", "landmarks", "differential", "treatments"]
FIGURES = [
    (module, name)
    for module in MODULES
    for name, function in inspect.getmembers(importlib.import_module(f"widgets.{module}"))
    if inspect.isfunction(function) and (name == "figure" or name.endswith("_figure"))
]


def test_every_module_has_a_figure():
    assert {module for module, _ in FIGURES} == set(MODULES)
    assert len(FIGURES) >= 7


#: The shortest caption and alt text a figure may have (characters; more is needed).
MIN_TEXT = 40
#: The most a figure's JSON may take (characters).
MAX_JSON = 60_000


def check_caption_alt_text_and_table(fig: BookFigure) -> None:
    """A caption and alt text, a data table, and the book HTML that carries them."""
    assert isinstance(fig, BookFigure)
    assert len(fig.caption) > MIN_TEXT
    assert len(fig.alt) > MIN_TEXT
    columns, rows = fig.table
    assert columns and rows
    assert all(len(row) == len(columns) for row in rows)
    page = fig.to_book_html()
    assert "<figcaption" in page and 'aria-label="' in page and "<table" in page
    assert '<th scope="col">' in page


def check_lean_and_free_of_latex(fig: BookFigure) -> None:
    """No LaTeX (the page has no MathJax) and under :data:`MAX_JSON` characters of JSON."""
    text = fig.to_json()
    assert "$" not in text, "no LaTeX in figure text"
    assert "mathjax" not in fig.to_book_html().lower()
    assert len(text) < MAX_JSON, "keep figures lean: round numbers, do not repeat data"


def raw_keys(fig: BookFigure) -> list[str]:
    """The references.bib keys a figure shows as ``[key`` or ``key]`` instead of citing them."""
    from widgets import data

    text = fig.to_json()
    return [key for key in data.bib_keys() if f"[{key}" in text or f"{key}]" in text]


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_figure_has_caption_alt_text_and_table(module, name):
    check_caption_alt_text_and_table(getattr(importlib.import_module(f"widgets.{module}"), name)())


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_figure_is_lean_and_free_of_latex(module, name):
    check_lean_and_free_of_latex(getattr(importlib.import_module(f"widgets.{module}"), name)())


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_every_figure_has_its_own_controls(module, name):
    fig = getattr(importlib.import_module(f"widgets.{module}"), name)()
    assert fig.layout.updatemenus or fig.layout.sliders


def test_book_html_is_stable():
    """The element id is derived from the content: two renders are byte-identical."""
    first = importlib.import_module("widgets.names").figure().to_book_html()
    second = importlib.import_module("widgets.names").figure().to_book_html()
    assert first == second


#: A data edit per figure: (module, figure, file, row match, column, new value, words).
#: ``words`` must appear in the alt text after the edit and not before.
EDITS = [
    ("names", "figure", "names", "1937,episacroiliac lipoma,Ries", "year", "1936", "from 1936"),
    ("prevalence", "figure", "prevalence", "Nacir,2011,women", "cases", "17", "17/76"),
    (
        "landmarks",
        "map_figure",
        "landmarks",
        "Iwanaga 2019,2019,20,sides,medial,midline",
        "mean_mm",
        "64.3",
        "64.3 ± 8.2",
    ),
    (
        "landmarks",
        "forest_figure",
        "landmarks",
        "Tubbs 2010,2010,20,sides,lateral",
        "mean_mm",
        "74",
        "lateral 74 mm",
    ),
    (
        "differential",
        "figure",
        "differential",
        "Angiolipoma,trochanter",
        "level",
        "typical",
        "typical of Angiolipoma, Greater trochanteric pain syndrome",
    ),
    ("treatments", "forest_figure", "treatments", "Herz,1945", "events", "5", "5 of 6"),
    ("treatments", "sample_size_figure", "treatments", "Rovers", "n", "4", "from 4 to"),
]


def _edited_copy(tmp_path, name: str, match: str, column: str, value: str):
    """A copy of data/ where one cell of data/<name>.csv holds ``value``."""
    import csv
    import io
    import shutil

    from widgets import data

    folder = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, folder)
    path = folder / f"{name}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    hits = [row for row in rows if ",".join(row).startswith(match)]
    assert len(hits) == 1, f"{match!r} should pick one row of {name}.csv"
    hits[0][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("module", "name", "file", "match", "column", "value", "words"), EDITS)
def test_alt_text_follows_the_data(
    tmp_path, monkeypatch, module, name, file, match, column, value, words
):
    from widgets import data

    make = getattr(importlib.import_module(f"widgets.{module}"), name)
    before = make()
    assert words not in before.alt
    monkeypatch.setattr(data, "DATA_DIR", _edited_copy(tmp_path, file, match, column, value))
    after = make()
    assert words in after.alt, after.alt
    assert after.alt != before.alt


def test_filtered_prevalence_describes_only_its_rows():
    fig = importlib.import_module("widgets.prevalence").figure(definitions=("MCN entrapment",))
    assert "1 reported prevalence figure in 2021" in fig.alt
    assert "Nacir" not in fig.alt and "Nacir" not in fig.caption
    assert len(fig.table[1]) == 1


def test_every_figure_function_is_covered_by_the_alt_text_test():
    covered = {(module, name) for module, name, *_ in EDITS}
    assert covered == set(FIGURES)


def test_hovers_cite_author_and_year_not_bibtex_keys():
    for module, name in FIGURES:
        cited = raw_keys(getattr(importlib.import_module(f"widgets.{module}"), name)())
        assert not cited, f"{module}.{name} shows raw keys {cited}"
