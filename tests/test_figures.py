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


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_figure_has_caption_alt_text_and_table(module, name):
    fig = getattr(importlib.import_module(f"widgets.{module}"), name)()
    assert isinstance(fig, BookFigure)
    assert len(fig.caption) > 40
    assert len(fig.alt) > 40
    columns, rows = fig.table
    assert columns and rows
    assert all(len(row) == len(columns) for row in rows)
    page = fig.to_book_html()
    assert "<figcaption" in page and 'aria-label="' in page and "<table" in page
    assert '<th scope="col">' in page


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_figure_is_lean_and_free_of_latex(module, name):
    fig = getattr(importlib.import_module(f"widgets.{module}"), name)()
    text = fig.to_json()
    assert "$" not in text, "no LaTeX in figure text"
    assert "mathjax" not in fig.to_book_html().lower()
    assert len(text) < 60_000, "keep figures lean: round numbers, do not repeat data"


@pytest.mark.parametrize(("module", "name"), FIGURES)
def test_every_figure_has_its_own_controls(module, name):
    fig = getattr(importlib.import_module(f"widgets.{module}"), name)()
    assert fig.layout.updatemenus or fig.layout.sliders


def test_book_html_is_stable():
    """The element id is derived from the content: two renders are byte-identical."""
    first = importlib.import_module("widgets.names").figure().to_book_html()
    second = importlib.import_module("widgets.names").figure().to_book_html()
    assert first == second
