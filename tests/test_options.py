"""Generated controls: every menu entry reproduces the figure drawn for its choice.

One generic test for every figure of the book: for each option and each value,
applying the generated entry (as plotly.js would) to the first figure gives the
same data and layout as ``draw(**choice)``; two controls used one after the
other give the figure of both choices; and the engine refuses what it cannot
express.

The oracle is the plain ``draw``, not ``figure()``: ``figure()`` is ``draw`` plus the
generated controls (which the comparison leaves out), and building those controls
draws every menu state again. Each first figure and each drawn choice is made once
per session (``_start``, ``_drawn``).
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter

import attrs
import plotly.graph_objects as go
import pytest
from plotlyapply import apply_control

from widgets import differential, landmarks, names, options, prevalence, style, treatments
from widgets.options import Interactive, Option, flag
from widgets.render import BookFigure

#: Every figure: (the figure function, its Interactive).
FIGURES = {
    "names": (names.figure, names.TIMELINE),
    "prevalence": (prevalence.figure, prevalence.PLOT),
    "landmarks map": (landmarks.map_figure, landmarks.MAP),
    "landmarks forest": (landmarks.forest_figure, landmarks.FOREST),
    "differential": (differential.figure, differential.MATRIX),
    "treatments forest": (treatments.forest_figure, treatments.FOREST),
    "sample size": (treatments.sample_size_figure, treatments.SAMPLE_SIZE),
}


def _pruned(value):
    """``value`` without empty dicts: ``marker: {}`` sets nothing, as if absent."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _plain(fig: go.Figure) -> dict:
    """Data and layout without the controls themselves."""
    plain = fig.to_plotly_json()
    layout = {k: v for k, v in plain["layout"].items() if k not in ("updatemenus", "sliders")}
    return _pruned({"data": plain["data"], "layout": layout})


def _controls(fig: go.Figure, interactive: Interactive) -> dict[str, list[tuple]]:
    """Per static option: (value, method, args) for each entry, in declaration order."""
    menus = list(fig.layout.updatemenus)
    sliders = list(fig.layout.sliders)
    found: dict[str, list[tuple]] = {}
    for name, option in interactive.options.items():
        if not option.static:
            continue
        if option.control == "slider":
            control = sliders.pop(0)
            found[name] = [
                (v, s.method, s.args) for v, s in zip(option.values, control.steps, strict=True)
            ]
        elif option.control == "toggle":
            button = menus.pop(0).buttons[0]
            found[name] = [(True, button.method, button.args), (False, button.method, button.args2)]
        else:
            control = menus.pop(0)
            found[name] = [
                (v, b.method, b.args) for v, b in zip(option.values, control.buttons, strict=True)
            ]
    assert not menus and not sliders, "every control belongs to a declared option"
    return found


@functools.cache
def _start(figure_name: str) -> go.Figure:
    """The figure first shown, with its generated controls (shared; never changed)."""
    function, _ = FIGURES[figure_name]
    return function()


@functools.cache
def _drawn(figure_name: str, choice: tuple[tuple[str, object], ...]) -> dict:
    """Data and layout of ``draw(**choice)``, the figure drawn directly for ``choice``."""
    _, interactive = FIGURES[figure_name]
    return _plain(interactive.draw(**interactive.start(static=True) | dict(choice)))


def rows_on_one_line(plain: dict) -> list[str]:
    """What in ``plain`` (data and layout) would draw two rows on one line, if anything.

    A label repeated in the ``categoryarray``, ``tickvals`` or ``ticktext`` of a y axis
    that labels rows (not one ``overlaying`` another, which may repeat values), and a
    categorical y value that one trace puts on two points: for a trace drawn with lines,
    on two separate runs of points (one row's range is a run of two).
    """
    found = []
    for name, axis in plain["layout"].items():
        if name.startswith("yaxis") and "overlaying" not in axis:
            for key in ("categoryarray", "tickvals", "ticktext"):
                repeated = [v for v, k in Counter(map(str, axis.get(key) or ())).items() if k > 1]
                found += [f"{name}.{key} repeats {value!r}" for value in repeated]
    for trace in plain["data"]:
        ys = list(trace.get("y") or ())
        lines = trace.get("type", "scatter") == "scatter" and "lines" in trace.get("mode", "lines")
        starts = [y for i, y in enumerate(ys) if not (lines and i and ys[i - 1] == y)]
        repeated = [v for v, k in Counter(y for y in starts if isinstance(y, str)).items() if k > 1]
        found += [f"trace {trace.get('name')!r} puts two points on {v!r}" for v in repeated]
    return found


CASES = [
    (figure_name, option_name)
    for figure_name, (_, interactive) in FIGURES.items()
    for option_name, option in interactive.options.items()
    if option.static
]


@pytest.mark.parametrize(("figure_name", "option_name"), CASES)
def test_each_entry_reproduces_the_figure_for_its_choice(figure_name, option_name):
    _, interactive = FIGURES[figure_name]
    start = _start(figure_name)
    plain_start = _plain(start)
    entries = _controls(start, interactive)[option_name]
    option = interactive.options[option_name]
    assert sorted(map(repr, (v for v, _, _ in entries))) == sorted(map(repr, option.values))
    changed = 0
    for value, method, args in entries:
        after = _plain(apply_control(start, method, args))
        expected = _drawn(figure_name, ((option_name, value),))
        assert after == expected, f"{option_name}={value!r}"
        changed += after != plain_start
    assert changed >= len(option.values) - 1, "every other entry changes the figure"


@pytest.mark.parametrize(("figure_name", "option_name"), CASES)
def test_no_two_rows_draw_on_one_line(figure_name, option_name):
    """Every row of every figure, in every state, has its own line and its own label."""
    _, interactive = FIGURES[figure_name]
    for value in interactive.options[option_name].values:
        choice = ((option_name, value),)
        assert rows_on_one_line(_drawn(figure_name, choice)) == [], f"{option_name}={value!r}"


@pytest.mark.parametrize(
    ("module", "interactive"),
    [(prevalence, prevalence.PLOT), (treatments, treatments.FOREST), (names, names.TIMELINE)],
)
def test_a_row_drawn_twice_is_refused(monkeypatch, module, interactive):
    """A row repeated past the loader (names: same authors and year, another term)."""
    rows = module.load()
    twin = attrs.evolve(rows[0], term="another name") if module is names else rows[0]
    monkeypatch.setattr(module, "load", lambda: [*rows, twin])
    label = f"{twin.authors} {twin.year}" if module is names else twin.tick
    found = rows_on_one_line(_plain(interactive.draw(**interactive.start(static=True))))
    assert found and all(repr(label) in problem for problem in found), found


PAIRS = [
    (figure_name, first, second)
    for figure_name, (_, interactive) in FIGURES.items()
    for first, second in itertools.permutations(
        [n for n, o in interactive.options.items() if o.static], 2
    )
]


@pytest.mark.parametrize(("figure_name", "first", "second"), PAIRS)
def test_two_controls_combine_to_the_figure_of_both_choices(figure_name, first, second):
    _, interactive = FIGURES[figure_name]
    start = _start(figure_name)
    controls = _controls(start, interactive)
    for a, method_a, args_a in controls[first]:
        after_a = apply_control(start, method_a, args_a)
        for b, method_b, args_b in controls[second]:
            after = _plain(apply_control(after_a, method_b, args_b))
            expected = _drawn(figure_name, tuple(sorted({first: a, second: b}.items())))
            assert after == expected, f"{first}={a!r} then {second}={b!r}"


@pytest.mark.parametrize("figure_name", FIGURES)
def test_a_non_default_start_marks_its_entries_active(figure_name):
    function, interactive = FIGURES[figure_name]
    static = {n: o for n, o in interactive.options.items() if o.static}
    choice = {name: option.values[-1] for name, option in static.items()}
    fig = function(**choice)
    menus = iter(fig.layout.updatemenus)
    sliders = iter(fig.layout.sliders)
    for name, option in static.items():
        if option.control == "slider":
            assert next(sliders).active == len(option.values) - 1
        elif option.control == "toggle":
            menu = next(menus)
            assert menu.buttons[0].label.startswith("✓") == choice[name]
            assert menu.active == (0 if choice[name] else -1)  # plotly's args/args2 switch
            assert menu.bgcolor == (style.colour(0) if choice[name] else style.MENU_FACE)
        else:
            assert next(menus).active == len(option.values) - 1


def _toy(width: int, shift: int, grow: bool = False) -> go.Figure:
    """A tiny figure whose options touch chosen properties."""
    count = 3 if grow else 2
    return BookFigure(
        [go.Scatter(x=[0, width], y=[shift, shift]) for _ in range(count)],
        layout={"title": {"text": f"width {width}"}},
    )


def test_controls_that_write_the_same_property_are_refused():
    clash = Interactive(
        lambda width=1, shift=0: _toy(width + shift, 0),
        {"width": Option((1, 2), "Width", 1), "shift": Option((0, 5), "Shift", 0)},
    )
    with pytest.raises(ValueError, match="'width' and 'shift' both change"):
        clash.figure(width=1, shift=0)


def test_a_control_cannot_add_traces():
    growing = Interactive(lambda grow=False: _toy(1, 0, grow), {"grow": flag("More", False, {})})
    with pytest.raises(ValueError, match="changes the number of traces"):
        growing.figure(grow=False)


def test_independent_controls_are_generated():
    fine = Interactive(
        lambda width=1, shift=0: _toy(width, shift),
        {
            "width": Option((1, 2), "Width", 1, "buttons"),
            "shift": Option((0, 5), "Shift", 0, "slider"),
        },
    )
    fig = fine.figure(width=2, shift=0)
    assert fig.layout.updatemenus[0].type == "buttons"
    assert fig.layout.updatemenus[0].active == 1
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0", "5"]


@pytest.mark.parametrize(
    ("choice", "argument"),
    [({"width": 3}, "width"), ({"shift": "0"}, "shift"), ({"colour": 1}, "colour")],
)
def test_bad_choices_name_the_argument(choice, argument):
    fine = Interactive(
        lambda width=1, shift=0: _toy(width, shift),
        {"width": Option((1, 2), "Width", 1), "shift": Option((0, 5), "Shift", 0)},
    )
    with pytest.raises(ValueError, match=argument):
        fine.figure(**{"width": 1, "shift": 0, **choice})


@pytest.mark.parametrize("figure_name", FIGURES)
def test_live_figures_have_no_static_controls(figure_name):
    _, interactive = FIGURES[figure_name]
    drawn = interactive.draw(**interactive.start())
    assert not drawn.layout.updatemenus and not drawn.layout.sliders


@pytest.mark.parametrize("figure_name", FIGURES)
def test_live_app_starts_at_the_figure_first_shown(figure_name):
    """Each live control starts at its option's default, so the live figure is the figure
    the book shows first (minus its static controls), given the live-only defaults."""
    figure, interactive = FIGURES[figure_name]
    app = interactive.app("A title")
    start = {name: control.value for name, control in app.controls.items()}
    assert start == {name: option.default for name, option in interactive.options.items()}
    live_only = {n: o.default for n, o in interactive.options.items() if not o.static}
    assert _plain(app.figure) == _plain(figure(**live_only))


@pytest.mark.parametrize("default", [3, "1", None])
def test_a_default_outside_the_values_is_refused(default):
    with pytest.raises(ValueError, match="argument 'default' must"):
        Option((1, 2), "Width", default)


def test_figure_functions_show_each_option_with_its_default():
    import inspect

    for figure, interactive in FIGURES.values():
        parameters = inspect.signature(figure).parameters
        assert list(parameters) == list(interactive.options)
        for name, option in interactive.options.items():
            expected = option.default if option.static else options.ABSENT
            assert parameters[name].default == expected, name
        assert figure.__doc__


@pytest.mark.parametrize("on", [False, True])
def test_a_toggle_shows_its_state_by_more_than_colour(on):
    """Pressing a toggle puts a check mark in its label and darkens its face (text and
    face at least 4.5:1 either way; on and off faces at least 3:1 apart)."""
    from conftest import contrast

    start = landmarks.map_figure(tunnel=on)
    menu = start.layout.updatemenus[2]
    pressed = apply_control(start, "update", menu.buttons[0].args2 if on else menu.buttons[0].args)
    after = pressed.layout.updatemenus[2]
    assert after.buttons[0].label == ("Tunnel zone" if on else "✓ Tunnel zone")
    for face in (menu, after):
        assert contrast(face.font.color, face.bgcolor) >= 4.5
    assert contrast(menu.bgcolor, after.bgcolor) >= 3
