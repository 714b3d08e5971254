"""One option space per figure: static menus and live controls from one declaration.

A figure declares its options once, as a dict of :class:`Option`, and a ``draw``
function that builds the figure for one choice of them. :class:`Interactive` checks
a choice (a bad argument raises ``ValueError`` naming it), builds the static figure
with plotly's own controls, each entry **generated** by diffing ``draw(**choice)``
for that value against the figure first shown (it restyles and relayouts exactly
what differs), refuses two controls that would write the same property, and builds
the live ipywidgets app from the same options. ``checkboxes`` and ``number`` options
exist only in the live app.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .checks import check_choice, check_number, check_subset

STATIC = ("dropdown", "buttons", "toggle", "slider")
LIVE_ONLY = ("checkboxes", "number")
SKIPPED_LAYOUT = ("updatemenus", "sliders", "template")
ITEM_LISTS = ("annotations", "shapes")

Path = tuple[str, ...]


@dataclass(frozen=True)
class Option:
    """One option of a figure.

    ``values``: the allowed values (for ``number``: minimum and maximum); ``labels``:
    menu text per value; ``title``: the option's name in the live app (and a toggle's
    label); ``fmt`` writes a value without a label; ``limits`` bound an off-grid
    slider start; ``control``: one of :data:`STATIC` or :data:`LIVE_ONLY`; ``place``:
    the static control's position and look, where ``above`` is pixels over the plot
    area; ``narrow`` overrides ``control`` and ``place`` in the phone variant.
    """

    values: tuple[Any, ...]
    title: str
    control: str = "dropdown"
    labels: tuple[str, ...] = ()
    place: Mapping[str, Any] = field(default_factory=dict)
    fmt: Callable[[Any], str] = str
    limits: tuple[float, float] | None = None
    narrow: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice("control", self.control, STATIC + LIVE_ONLY)
        if self.labels and len(self.labels) != len(self.values):
            raise ValueError("argument 'labels' must give one label per value")

    def for_width(self, narrow: bool) -> Option:
        """The option as the narrow variant shows it (itself when not ``narrow``)."""
        return dataclasses.replace(self, **self.narrow) if narrow and self.narrow else self

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
            return check_number(argument, value, low, high)
        return check_choice(argument, value, self.values)

    def steps(self, value: Any) -> tuple[Any, ...]:
        """The values a static control offers: a slider also offers an off-grid start."""
        return self.values if value in self.values else tuple(sorted((*self.values, value)))


def flag(title: str, place: Mapping[str, Any], narrow: Mapping[str, Any] | None = None) -> Option:
    """A yes/no option: a toggle button in the figure, a checkbox in the live app."""
    return Option((False, True), title, control="toggle", place=place, narrow=narrow or {})


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


def _parts(fig: Any) -> tuple[list[dict[Path, Any]], dict[Path, Any]]:
    """A figure as flat trace dicts and a flat layout dict (controls left out)."""
    plain = fig.to_plotly_json()
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


def _position(place: Mapping[str, Any], fig: Any) -> dict[str, Any]:
    """``place`` with ``above`` (pixels over the plot area) turned into paper ``y``."""
    place = dict(place)
    if "above" in place:
        margin = fig.layout.margin
        plot_height = fig.layout.height - (margin.t or 0) - (margin.b or 0)
        place["y"] = 1 + place.pop("above") / plot_height
    return place


def _control(
    option: Option, steps: Sequence[Any], entries: Sequence[tuple[str, list[Any]]], value: Any
) -> tuple[str, dict[str, Any]]:
    """The plotly updatemenu or slider dict for one option (placed by the caller)."""
    items = [
        {"label": option.label(v), "method": method, "args": args}
        for v, (method, args) in zip(steps, entries, strict=True)
    ]
    active = list(steps).index(value)
    if option.control == "slider":
        return "sliders", {"active": active, "steps": items}
    if option.control == "toggle":
        on, off = items[steps.index(True)], items[steps.index(False)]
        button = {"label": option.title, "method": on["method"], "args": on["args"]}
        menu = {"type": "buttons", "buttons": [{**button, "args2": off["args"]}]}
        return "updatemenus", {**menu, "active": 0 if value else -1, "showactive": True}
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

    def figure(self, **choice: Any) -> Any:
        """The static figure for ``choice``, with a generated control per static option.

        When ``draw`` takes ``narrow``, the figure also carries its narrow (phone)
        variant, built the same way with each option's ``narrow`` control and place.
        """
        choice = self.check(choice)
        fig = self._controlled(choice, narrow=False)
        if "narrow" in inspect.signature(self.draw).parameters:
            fig.narrow = self._controlled(choice, narrow=True).to_plotly_json()
        return fig

    def _controlled(self, choice: dict[str, Any], narrow: bool) -> Any:
        """``draw(**choice)`` with its generated controls (narrow or wide)."""
        draw = functools.partial(self.draw, narrow=True) if narrow else self.draw
        fig = draw(**choice)
        base = _parts(fig)
        controls: dict[str, list[Any]] = {"updatemenus": [], "sliders": []}
        written: dict[str, _Changes] = {}
        for name, option in self.options.items():
            option = option.for_width(narrow)
            if not option.static:
                continue
            steps = option.steps(choice[name])
            variants = [
                base if v == choice[name] else _parts(draw(**{**choice, name: v})) for v in steps
            ]
            written[name] = _changes(name, base, variants)
            entries = [_entry(written[name], variant) for variant in variants]
            kind, control = _control(option, steps, entries, choice[name])
            controls[kind].append({**control, **_position(option.place, fig)})
        _refuse_overlaps(written)
        fig.update_layout(**{kind: items for kind, items in controls.items() if items})
        return fig

    def app(
        self,
        title: str,
        defaults: Mapping[str, Any] | None = None,
        render: Callable[..., Any] | None = None,
    ) -> Any:
        """The live app: one ipywidgets control per option, driving ``render`` (or ``draw``).

        Each control starts at ``draw``'s default for its option unless ``defaults`` says
        otherwise.
        """
        from .live import LiveApp, control_for

        start = {
            name: parameter.default
            for name, parameter in inspect.signature(self.draw).parameters.items()
            if parameter.default is not parameter.empty
        } | dict(defaults or {})
        unset = [name for name in self.options if start.get(name) is None]
        if unset:
            raise ValueError(f"argument 'defaults' must give a start value for {unset}")
        controls = {name: control_for(option, start[name]) for name, option in self.options.items()}
        return LiveApp(controls, render or self.draw, title)
