"""One option space per figure: static menus and live controls from one declaration.

A figure declares its options once, as a dict of :class:`Option`, and a ``draw``
function that builds the figure for one choice of them. :class:`Interactive` checks
a choice (a bad argument raises ``ValueError`` naming it), builds the static figure
with plotly's own controls, each entry **generated** by diffing ``draw(**choice)``
for that value against the figure first shown (it restyles and relayouts exactly
what differs), refuses two controls that would write the same property, and builds
the live ipywidgets app from the same options. ``checkboxes`` and ``number`` options
exist only in the live app. On a phone the page applies the figure's phone patch
(:mod:`widgets.phone`), which each option's ``short`` labels and ``small`` place feed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import phone, style
from .checks import check_choice, check_number, check_subset

STATIC = ("dropdown", "buttons", "toggle", "slider")
LIVE_ONLY = ("checkboxes", "number")
SKIPPED_LAYOUT = ("updatemenus", "sliders", "template")
ITEM_LISTS = ("annotations", "shapes")

Path = tuple[str, ...]


class _Absent:
    """The default of a live-only option in a figure function: not drawn."""

    def __repr__(self) -> str:
        return "not drawn"


ABSENT = _Absent()


@dataclass(frozen=True)
class Option:
    """One option of a figure.

    ``values``: the allowed values (for ``number``: minimum and maximum); ``title``:
    the option's name in the live app (and a toggle's label); ``default``: the value
    first shown, in the book and in the live app (a live-only option is drawn in the
    book only when given); ``control``: one of :data:`STATIC` or :data:`LIVE_ONLY`;
    ``labels``: menu text per value, ``short`` a shorter one where space is short;
    ``place``: the static control's position and look, where ``above`` is pixels over
    the plot area, and ``small`` its position on a small screen; ``fmt`` writes a value
    without a label; ``limits`` bound an off-grid slider start.
    """

    values: tuple[Any, ...]
    title: str
    default: Any
    control: str = "dropdown"
    labels: tuple[str, ...] = ()
    place: Mapping[str, Any] = field(default_factory=dict)
    fmt: Callable[[Any], str] = str
    limits: tuple[float, float] | None = None
    short: tuple[str, ...] = ()
    small: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice("control", self.control, STATIC + LIVE_ONLY)
        for name in ("labels", "short"):
            if getattr(self, name) and len(getattr(self, name)) != len(self.values):
                raise ValueError(f"argument '{name}' must give one label per value")
        if self.control in STATIC:
            self.check("default", self.default)

    @property
    def static(self) -> bool:
        """True when the static figure gets a control for this option."""
        return self.control in STATIC

    def label(self, value: Any) -> str:
        """The menu text for ``value``: its label, else ``fmt(value)``."""
        if self.labels and value in self.values:
            return self.labels[self.values.index(value)]
        return self.fmt(value)

    def check(self, argument: str, value: Any) -> Any:
        """``value`` if allowed for this option, else a ``ValueError`` naming ``argument``."""
        if self.control == "checkboxes":
            return check_subset(argument, value, self.values)
        if self.control == "number":
            return None if value is None else check_number(argument, value, *self.values, True)
        if self.control == "slider" and isinstance(value, float):
            low, high = self.limits or (min(self.values), max(self.values))
            value = check_number(argument, value, low, high)
            nearest = min(self.values, key=lambda step: abs(step - value))
            return nearest if abs(nearest - value) < 0.001 else value  # not twice on the slider
        return check_choice(argument, value, self.values)

    def steps(self, value: Any) -> tuple[Any, ...]:
        """The values a static control offers: a slider also offers an off-grid start."""
        return self.values if value in self.values else tuple(sorted((*self.values, value)))

    def shorter(self) -> dict[str, str]:
        """Each menu text with its ``short`` form."""
        return dict(zip(map(self.label, self.values), self.short, strict=False))


def flag(title: str, default: bool, place: Mapping[str, Any], **more: Any) -> Option:
    """A yes/no option: a toggle button in the figure, a checkbox in the live app."""
    return Option((False, True), title, default, "toggle", place=place, **more)


# ------------------------------------------------------------------ figure diffs


def _flatten(value: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Nested dicts as ``{path: leaf}``; lists and scalars are leaves."""
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[Path, Any] = {}
    for key, inner in value.items():
        flat |= _flatten(inner, (*prefix, key))
    return flat


def _flatten_layout(layout: dict[str, Any]) -> dict[Path, Any]:
    """The layout as ``{path: leaf}``, controls left out; annotations and shapes item by item.

    An item's paths read ``annotations[0]``, ``text``, as plotly's relayout names them;
    ``#items`` holds how many there are, so a change in their number is seen.
    """
    flat: dict[Path, Any] = {}
    for key, value in layout.items():
        if key in ITEM_LISTS:
            flat[(key, "#items")] = len(value)
            for i, item in enumerate(value):
                flat |= _flatten(item, (f"{key}[{i}]",))
        elif key not in SKIPPED_LAYOUT:
            flat |= _flatten(value, (key,))
    return flat


def _parts(plain: dict[str, Any]) -> tuple[list[dict[Path, Any]], dict[Path, Any]]:
    """A figure's plotly JSON as flat trace dicts and a flat layout dict (no controls)."""
    return [_flatten(trace) for trace in plain["data"]], _flatten_layout(plain["layout"])


@dataclass
class _Changes:
    """What one option's control writes: trace properties and layout properties."""

    traces: list[int]
    trace_paths: list[Path]
    layout_paths: list[Path]

    def written(self) -> set[tuple[Any, ...]]:
        """Every (trace, path) and ("layout", path) a control entry writes."""
        cells = {(i, path) for i in self.traces for path in self.trace_paths}
        return cells | {("layout", path) for path in self.layout_paths}


def _differ(old: Mapping[Path, Any], new: Mapping[Path, Any]) -> set[Path]:
    """The paths whose values differ between two flat dicts."""
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def _changes(name: str, base: Any, variants: Sequence[Any]) -> _Changes:
    """The trace and layout properties that differ between ``base`` and any variant."""
    traces: set[int] = set()
    trace_paths: set[Path] = set()
    layout_paths: set[Path] = set()
    for variant_traces, variant_layout in variants:
        if len(variant_traces) != len(base[0]):
            raise ValueError(
                f"option '{name}' changes the number of traces; a static control can only "
                "restyle the traces that exist (hide traces instead of dropping them)"
            )
        for i, (old, new) in enumerate(zip(base[0], variant_traces, strict=True)):
            differ = _differ(old, new)
            if differ:
                traces.add(i)
                trace_paths |= differ
        layout_paths |= _differ(base[1], variant_layout)
    counted = [path[0] for path in layout_paths if path[-1] == "#items"]
    if counted:
        raise ValueError(
            f"option '{name}' changes the number of {counted[0]}; a static control can only "
            "change the ones that exist (hide them instead)"
        )
    return _Changes(sorted(traces), sorted(trace_paths), sorted(layout_paths))


def _entry(changes: _Changes, variant: Any) -> tuple[str, list[Any]]:
    """The plotly method and arguments that turn the figure into ``variant``.

    ``restyle`` when only traces change, ``relayout`` when only the layout does,
    ``update`` when both do.
    """
    traces, layout = variant
    data = {
        ".".join(path): [traces[i].get(path) for i in changes.traces]
        for path in changes.trace_paths
    }
    relayout = {".".join(path): layout.get(path) for path in changes.layout_paths}
    if not relayout:
        return "restyle", [data, changes.traces]
    if not data:
        return "relayout", [relayout]
    return "update", [data, relayout, changes.traces]


def _refuse_overlaps(changes: Mapping[str, _Changes]) -> None:
    """Raise when two controls write the same property: they cannot be combined."""
    names = list(changes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = changes[first].written() & changes[second].written()
            if shared:
                where = sorted(".".join(map(str, cell)) for cell in shared)[:3]
                raise ValueError(
                    f"options '{first}' and '{second}' both change {where}: one static control "
                    "would undo the other, so these menus cannot be combined"
                )


# --------------------------------------------------------------- static controls


def _pressed(title: str, on: bool) -> dict[str, Any]:
    """How a toggle looks on or off: a check mark, and a dark face with light text when on."""
    if on:
        # "#fff", not style.PAPER: the page's dark mode swaps PAPER, not this
        return {"buttons[0].label": f"✓ {title}", "bgcolor": style.colour(0), "font.color": "#fff"}
    return {"buttons[0].label": title, "bgcolor": style.MENU_FACE, "font.color": style.MENU_TEXT}


def _also(entry: dict[str, Any], layout: dict[str, Any]) -> list[Any]:
    """The arguments of a plotly ``update`` doing ``entry`` and relayouting ``layout``."""
    method, args = entry["method"], entry["args"]
    if method == "restyle":
        return [args[0], layout, args[1]]
    if method == "relayout":
        return [{}, {**args[0], **layout}]
    return [args[0], {**args[1], **layout}, args[2]]


def _toggle(option: Option, on: dict, off: dict, value: bool, index: int) -> dict[str, Any]:
    """A one-button updatemenu (the ``index``-th) that switches ``option`` and shows its state."""

    def look(state: bool) -> dict[str, Any]:
        return {f"updatemenus[{index}].{k}": v for k, v in _pressed(option.title, state).items()}

    face = _pressed(option.title, value)
    button = {"method": "update", "label": face["buttons[0].label"]}
    button |= {"args": _also(on, look(True)), "args2": _also(off, look(False))}
    colours = {"bgcolor": face["bgcolor"], "font": {"color": face["font.color"]}}
    # plotly runs args2 when the button is the active one: on is active (0), off is not (-1)
    state = {"active": 0 if value else -1, "showactive": False}
    return {"type": "buttons", "buttons": [button], **state, **colours}


def _control(
    option: Option,
    steps: Sequence[Any],
    entries: Sequence[tuple[str, list[Any]]],
    value: Any,
    index: int,
) -> tuple[str, dict[str, Any]]:
    """The plotly updatemenu or slider dict for one option (placed by the caller).

    ``index``: the menu's place among the figure's updatemenus.
    """
    items = [
        {"label": option.label(v), "method": method, "args": args}
        for v, (method, args) in zip(steps, entries, strict=True)
    ]
    active = list(steps).index(value)
    if option.control == "slider":
        return "sliders", {"active": active, "steps": items}
    if option.control == "toggle":
        on, off = items[steps.index(True)], items[steps.index(False)]
        return "updatemenus", _toggle(option, on, off, value, index)
    kind = {"type": "buttons", "direction": "left"} if option.control == "buttons" else {}
    return "updatemenus", {**kind, "buttons": items, "active": active, "showactive": True}


class Interactive:
    """A figure's ``draw`` function together with its declared options."""

    def __init__(self, draw: Callable[..., Any], options: Mapping[str, Option]) -> None:
        self.draw = draw
        self.options = dict(options)

    def check(self, choice: Mapping[str, Any]) -> dict[str, Any]:
        """``choice`` with every value checked against its option."""
        unknown = set(choice) - set(self.options)
        if unknown:
            raise ValueError(f"unknown argument(s) {sorted(unknown)}; allowed {list(self.options)}")
        return {name: self.options[name].check(name, value) for name, value in choice.items()}

    def start(self, static: bool = False) -> dict[str, Any]:
        """Every option's default (``static``: only the options the book draws a control for)."""
        return {n: o.default for n, o in self.options.items() if o.static or not static}

    def figure(self, **choice: Any) -> Any:
        """The static figure for ``choice``, with a generated control per static option.

        It carries its phone patch as ``fig.phone`` (see :mod:`widgets.phone`).
        """
        given = {name: value for name, value in choice.items() if value is not ABSENT}
        choice = self.start(static=True) | self.check(given)
        fig = self.draw(**choice)
        first = fig.to_plotly_json()
        base = _parts(first)
        controls: dict[str, list[Any]] = {"updatemenus": [], "sliders": []}
        written: dict[str, _Changes] = {}
        states, places = [], []
        for name, option in self.options.items():
            if not option.static:
                continue
            steps = option.steps(choice[name])
            drawn = [
                first if v == choice[name] else self.draw(**{**choice, name: v}).to_plotly_json()
                for v in steps
            ]
            states += drawn
            variants = [base if state is first else _parts(state) for state in drawn]
            written[name] = _changes(name, base, variants)
            entries = [_entry(written[name], variant) for variant in variants]
            index = len(controls["updatemenus"])
            kind, control = _control(option, steps, entries, choice[name], index)
            margin = fig.layout.margin
            where = phone.position(option.place, fig.layout.height, margin.t or 0, margin.b or 0)
            controls[kind].append({**control, **where})
            places.append((kind, option.small or option.place))
        _refuse_overlaps(written)
        fig.update_layout(**{kind: items for kind, items in controls.items() if items})
        labels = {k: v for option in self.options.values() for k, v in option.shorter().items()}
        paths = {_dotted(cell) for changes in written.values() for cell in changes.written()}
        fig.phone = phone.patch(
            fig.to_plotly_json(), states, fig.short or {}, labels, places, paths, fig.extras
        )
        return fig

    def entry(self, doc: str) -> Callable[..., Any]:
        """A public function that draws this figure, with a signature and ``doc``.

        Its parameters are the options, each defaulting to its option's default; a
        live-only option defaults to :data:`ABSENT` (not drawn).
        """

        def figure(*args: Any, **kwargs: Any) -> Any:
            bound = figure.__signature__.bind(*args, **kwargs)  # type: ignore[attr-defined]
            return self.figure(**bound.arguments)

        figure.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(
                    name,
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    default=option.default if option.static else ABSENT,
                )
                for name, option in self.options.items()
            ]
        )
        figure.__doc__ = doc
        return figure

    def app(self, title: str, render: Callable[..., Any] | None = None) -> Any:
        """The live app: one ipywidgets control per option, driving ``render`` (or ``draw``).

        Each control starts at its option's default.
        """
        from .live import LiveApp, control_for

        controls = {name: control_for(o, o.default) for name, o in self.options.items()}
        return LiveApp(controls, render or self.draw, title)


def _dotted(cell: tuple[Any, Path]) -> str:
    """A written (trace, path) or ("layout", path) cell as a phone-patch path."""
    where, path = cell
    head = "layout" if where == "layout" else f"data[{where}]"
    return ".".join((head, *path))
