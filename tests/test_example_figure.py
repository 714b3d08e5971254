"""The figure that CONTRIBUTING.md's "Add a figure" walks through: examples/add_a_figure.py.

It is a real file, so it must import, draw, pass lint and pass the checks every figure
of the book gets (the helpers of tests/test_options.py and tests/test_figures.py). The
browser checks of the built book (tests/test_site.py) do not see it, so the phone plot
area is estimated here the way widgets/phone.py sizes its patch.
"""

import inspect
import re
import subprocess
import sys

import attrs
import pagecheck
from conftest import ROOT
from plotlyapply import apply_control
from test_figures import check_caption_alt_text_and_table, check_lean_and_free_of_latex, raw_keys
from test_options import _controls, _plain, rows_on_one_line

from examples import add_a_figure as example
from widgets import phone, prevalence
from widgets.render import BookFigure

FILE = ROOT / "examples" / "add_a_figure.py"


def test_it_draws_with_a_generated_menu_and_a_phone_patch():
    fig = example.figure()
    assert isinstance(fig, BookFigure)
    assert fig.data and len(fig.data[0].x) >= 10
    (menu,) = fig.layout.updatemenus
    assert [button.label for button in menu.buttons] == ["By year", "By percent"]
    assert fig.phone and fig.phone["swap"]["text"] and fig.phone["set"]
    assert str(inspect.signature(example.figure)) == "(sort='year')"
    assert example.figure.__doc__


def test_it_passes_the_book_figure_checks():
    fig = example.figure(sort="percent")
    check_caption_alt_text_and_table(fig)
    check_lean_and_free_of_latex(fig)
    assert raw_keys(fig) == []


def test_each_entry_reproduces_draw_and_no_two_rows_share_a_line():
    start = example.figure()
    for name, entries in _controls(start, example.PLOT).items():
        for value, method, args in entries:
            expected = _plain(example.draw(**example.PLOT.start() | {name: value}))
            assert _plain(apply_control(start, method, args)) == expected, f"{name}={value!r}"
            assert rows_on_one_line(expected) == [], f"{name}={value!r}"


def test_a_row_drawn_twice_is_caught(monkeypatch):
    rows = prevalence.load()
    twin = next(row for row in rows if row.percent is not None)
    monkeypatch.setattr(prevalence, "load", lambda: [*rows, attrs.evolve(twin)])
    found = rows_on_one_line(_plain(example.draw(sort="year")))
    assert found and all(repr(twin.tick) in problem for problem in found), found


def test_the_live_app_starts_at_the_figure_first_shown():
    app = example.app()
    assert {name: control.value for name, control in app.controls.items()} == {"sort": "year"}
    assert _plain(app.figure) == _plain(example.figure())


def test_the_phone_plot_area_is_wide_enough():
    fig = example.figure()
    width = phone.plot_width(fig.to_plotly_json(), fig.phone["swap"]["text"])
    assert width >= pagecheck.MIN_PLOT_WIDTH


def test_it_passes_lint_and_make_lint_checks_it():
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(FILE)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"ruff check [^\n]*\bexamples\b", makefile)
    assert re.search(r"ruff format --check [^\n]*\bexamples\b", makefile)


def test_contributing_quotes_the_example_as_it_is():
    """Every line of the Python block in "Add a figure" is a line of the example file."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide.split("## Add a figure", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^( *)```python\n(.*?)^ *```", section, re.S | re.M)
    assert blocks, "the section shows the example's code"
    lines = set(FILE.read_text(encoding="utf-8").splitlines())
    quoted = [line.removeprefix(indent) for indent, block in blocks for line in block.splitlines()]
    assert [line for line in quoted if line.strip() and line not in lines] == []
