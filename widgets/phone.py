"""The phone layout: one rule for every figure, sent to the page as a patch.

A figure is drawn for the desktop. Below :data:`WIDTH` pixels the page script
(``_static/backmice-figures.js``) applies :func:`patch` to it, and undoes it above:

* ``swap``: display texts replaced wherever they appear: ``label`` for menu texts (the
  ``short`` labels options declare), ``text`` for the rest (titles wrapped, notes broken
  into short lines, the shorter wordings a figure declares);
* ``set``: layout and trace properties, each ``{path: [phone value, desktop value]}``:
  every text 12 px (the title 15 px), room for the extra lines the wrapping makes,
  thinner tick grids, upright angled ticks, no labels beside markers, rows of buttons
  turned into dropdowns, and each control's small-screen placement.

Menus never write what the patch sets (:func:`patch` refuses), so a menu choice
survives a rotation: the page swaps and sets in place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from .style import wrap_hover

WIDTH = 600  # px: figures narrower than this take the patch (see backmice-figures.js)
FONT = 12  # px: every text on a phone but the title
TITLE_FONT = 15
LINE = 17  # px: one line of 12 px text
TITLE_LINE = 20
CONTROL = 40  # px: the height of a menu or button row
CHAR = 0.6  # a character's width, in font sizes
WIDTHS = {**dict.fromkeys("0123456789", 0.64), "%": 0.95}  # in font sizes (DejaVu Sans)
TITLE_CHARS = 34  # characters per title line on a phone
TICK_CHARS = 16  # characters per line of a y tick label on a phone
DESKTOP_WIDTH, PHONE_WIDTH = 760, 358  # px: a figure's width in the book's column
MIN_PLOT = 200  # px: the narrowest plot area a phone may show (tests/pagecheck.py checks it)
TEXT_KEYS = ("text", "ticktext", "name", "label", "prefix")


def wrap_lines(text: str, width: int) -> str:
    """Each line of ``text`` (plain text, no markup) wrapped at ``width`` characters."""
    return "<br>".join(
        line if "<" in line else wrap_hover(line, width) for line in text.split("<br>")
    )


def lines(text: Any) -> int:
    """How many lines ``text`` takes (its ``<br>`` count plus one)."""
    return str(text).count("<br>") + 1


def _added(text: str, swap: Mapping[str, str], line: int = LINE) -> int:
    """Pixels the phone wording of ``text`` adds: its extra lines of ``line`` px each."""
    return (lines(swap.get(text, text)) - lines(text)) * line


def _group(key: str) -> str | None:
    """Which swap a text under ``key`` takes: ``label`` (menu texts), ``text`` or none."""
    last = key.rsplit(".", 1)[-1]
    return ("label" if last == "label" else "text") if last in TEXT_KEYS else None


def _texts(value: Any, group: str, key: str = "") -> Iterable[str]:
    """Every display text of ``group`` in ``value``."""
    if isinstance(value, str) and _group(key) == group:
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item, group, key)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, group, k)


def _undoable(swap: dict[str, str], group: str, figures: list[dict[str, Any]]) -> dict[str, str]:
    """``swap`` without identities; ``ValueError`` if it could not be undone."""
    swap = {key: value for key, value in swap.items() if key != value}
    results = list(swap.values())
    taken = {text for fig in figures for text in _texts(fig, group)}
    clash = {value for value in results if results.count(value) > 1 or value in taken}
    if clash:
        raise ValueError(f"argument 'short' cannot be undone: two texts read {sorted(clash)[0]!r}")
    return swap


def plot_width(fig: dict[str, Any], short: Mapping[str, str]) -> float:
    """About how wide the plot area is on a phone (px): y tick labels take the rest."""
    ticks = _ticks(fig, short)[0] if fig["layout"].get("yaxis", {}).get("automargin") else []
    longest = max((len(line) for text in ticks for line in text.split("<br>")), default=0)
    return PHONE_WIDTH - 25 - longest * CHAR * FONT


def swap_for(
    figures: list[dict[str, Any]], short: Mapping[str, str], labels: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """The text swaps: menu ``labels``; ``short`` wordings, wrapped titles and notes.

    ``figures``: every menu state. Raises ``ValueError`` when a swap could not be
    undone (two texts, one result).
    """
    swap = dict(short)
    for fig in figures:
        axis = fig["layout"].get("yaxis", {})
        for tick in axis.get("ticktext") or _categories(fig, short):
            swap[tick] = wrap_lines(short.get(tick, tick), TICK_CHARS)
    note_chars = min(TITLE_CHARS, int(plot_width(figures[0], swap) / (CHAR * FONT)))
    for fig in figures:
        layout = fig["layout"]
        title = layout.get("title", {}).get("text")
        if title:
            swap.setdefault(title, wrap_hover(short.get(title, title), TITLE_CHARS))
        for note in layout.get("annotations", []):
            text = note.get("text", "")
            if len(text) > note_chars and "<br>" not in text:
                swap.setdefault(text, wrap_hover(short.get(text, text), note_chars))
    return {
        "label": _undoable(dict(labels), "label", figures),
        "text": _undoable(swap, "text", figures),
    }


def _fonts(value: Any, path: str, size: int = FONT) -> dict[str, int]:
    """``{path.size: size}`` for every font size in ``value`` that is not ``size`` already."""
    found: dict[str, int] = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}"
            if key.endswith("font") and isinstance(inner, dict) and inner.get("size") != size:
                if "size" in inner:
                    found[f"{where}.size"] = size
            elif key not in ("template", "updatemenus", "sliders", "title"):
                found |= _fonts(inner, where, size)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found |= _fonts(item, f"{path}[{i}]", size)
    return found


def _values(array: Any) -> bool:
    """Whether ``array`` (a list, or plotly's typed-array dict) holds any value."""
    return any(value is not None for value in array) if isinstance(array, list) else bool(array)


def _entry_height(trace: dict[str, Any], font: int) -> int:
    """Pixels a legend entry of ``trace`` takes: taller with error bars in its key."""
    errors = [trace.get(key) or {} for key in ("error_x", "error_y")]
    bars = any(bar.get("visible") is not False and _values(bar.get("array")) for bar in errors)
    return 29 if bars else round(1.3 * font + 3)


def _legend_height(entries: list[tuple[str, int]], width: float, font: int) -> int:
    """Pixels a horizontal legend of ``entries`` (name, height) takes in ``width`` px."""
    rows, used, tallest = 0, 0.0, 0
    for name, height in entries:
        entry = 50 + 0.55 * font * len(name)
        if used and used + entry > width:
            rows, used, tallest = rows + tallest, 0.0, 0
        used += entry
        tallest = max(tallest, height)
    return rows + tallest


def _legend_growth(fig: dict[str, Any], swap: Mapping[str, str]) -> int:
    """Extra pixels the legend needs on a phone, where fewer entries fit in a row."""
    layout = fig["layout"]
    shown = [t for t in fig["data"] if t.get("name") and t.get("showlegend") is not False]
    shown = [t for t in shown if not isinstance(t["name"], list)]
    size = layout.get("legend", {}).get("font", {}).get("size", 14)
    desktop = [(t["name"], _entry_height(t, size)) for t in shown]
    phone = [(swap.get(t["name"], t["name"]), _entry_height(t, FONT)) for t in shown]
    grown = _legend_height(phone, plot_width(fig, swap), FONT)
    return max(0, grown - _legend_height(desktop, DESKTOP_WIDTH, size))


def _categories(fig: dict[str, Any], short: Mapping[str, str]) -> list[str]:
    """The y categories (rows named by their data) that the figure gives shorter names."""
    names = (y for trace in fig["data"] for y in trace.get("y") or () if isinstance(y, str))
    return list(dict.fromkeys(name for name in names if name in short))


def _ticks(fig: dict[str, Any], short: Mapping[str, str]) -> tuple[list[str], dict[str, Any]]:
    """The y tick labels as a phone shows them, and the changes that show named rows short."""
    axis = fig["layout"].get("yaxis", {})
    if "ticktext" in axis:
        return [short.get(text, text) for text in axis["ticktext"]], {}
    names = _categories(fig, short)
    if not names:
        return [], {}
    phone = [short[name] for name in names]
    found = {"layout.yaxis.tickmode": "array", "layout.yaxis.tickvals": names}
    return phone, found | {"layout.yaxis.ticktext": phone}


def _tick_room(fig: dict[str, Any], short: Mapping[str, str]) -> int:
    """Pixels the y tick labels need on a phone: rows are evenly spaced, each fits the tallest."""
    ticks = _ticks(fig, short)[0]
    return len(ticks) * (max(map(lines, ticks), default=0) * LINE + 6)


def _axes(layout: dict[str, Any]) -> dict[str, Any]:
    """Thinner numeric ticks, upright angled labels, no tick labels on overlaid axes."""
    found: dict[str, Any] = {}
    for key, axis in layout.items():
        if not (key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict)):
            continue
        span = axis.get("range")
        dtick = axis.get("dtick")
        if key.startswith("xaxis") and dtick and span and (span[1] - span[0]) / dtick > 5:
            found[f"layout.{key}.dtick"] = dtick * 2
        values = axis.get("tickvals") or []
        if key.startswith("xaxis") and len(values) > 10 and "ticktext" not in axis:
            found[f"layout.{key}.tickvals"] = values[::2]
        if axis.get("tickangle") not in (None, 0, -90):
            found[f"layout.{key}.tickangle"] = -90
        if axis.get("overlaying"):
            found[f"layout.{key}.showticklabels"] = False
    return found


def _last_tick(axis: dict[str, Any], phone: Mapping[str, Any], key: str) -> float | None:
    """Where the last numeric tick of x axis ``key`` sits on a phone (axis units), if any."""
    low, high = axis["range"]
    values = phone.get(f"layout.{key}.tickvals", axis.get("tickvals"))
    if values:
        log = axis.get("type") == "log"
        shown = [value for value in values if low <= (math.log10(value) if log else value) <= high]
        return max(shown, default=None)
    dtick = phone.get(f"layout.{key}.dtick", axis.get("dtick"))
    return math.floor(high / dtick) * dtick


def _end_ticks(layout: dict[str, Any], phone: Mapping[str, Any]) -> int:
    """Pixels the last x tick label reaches past the plot's right edge on a phone.

    ``phone``: the axis changes a phone makes (:func:`_axes`). Past the figure's edge
    plotly hides a tick label, so the right margin makes room. The gap between the last
    tick and the edge is counted on the narrowest plot area allowed: on a wider one the
    label needs less.
    """
    need = 0.0
    for key, axis in layout.items():
        numeric = isinstance(axis, dict) and (axis.get("tickvals") or axis.get("dtick"))
        if key.startswith("xaxis") and numeric and axis.get("range") and not axis.get("ticktext"):
            last = _last_tick(axis, phone, key)
            if last is None:
                continue
            at = math.log10(last) if axis.get("type") == "log" else last
            label = f"{last:g}" + axis.get("ticksuffix", "")
            low, high = axis["range"]
            half = sum(WIDTHS.get(char, CHAR) for char in label) * FONT / 2
            need = max(need, half - (high - at) / (high - low) * MIN_PLOT)
    return math.ceil(need)


def _top_ticks(layout: dict[str, Any], swap: Mapping[str, str]) -> int:
    """Extra pixels that tick labels over the plot (an x axis on top) take on a phone."""
    extra = 0.0
    for key, axis in layout.items():
        if key.startswith("xaxis") and isinstance(axis, dict) and axis.get("side") == "top":
            texts = axis.get("ticktext", [])
            size = axis.get("tickfont", {}).get("size", 14)
            desktop = max(map(len, texts), default=0) * CHAR * size
            angle = math.radians(abs(axis.get("tickangle") or 0))
            phone_chars = max((len(swap.get(t, t)) for t in texts), default=0)
            extra += phone_chars * CHAR * FONT - desktop * math.sin(angle)
    return max(0, round(extra))


def _over(layout: dict[str, Any], swap: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Notes over the plot rise by what grows nearer the plot (top ticks, notes below them).

    Returns their changes and how much everything over them must rise (px).
    """
    found: dict[str, Any] = {}
    lift = _top_ticks(layout, swap)
    for i, note in enumerate(layout.get("annotations", [])):
        if note.get("yshift", 0) > 0:
            text = note.get("text", "")
            found[f"layout.annotations[{i}].yshift"] = note["yshift"] + lift
            lift += _added(text, swap)
    return found, lift


def _geometry(layout: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """The figure's height and margins (else its template's, else plotly's defaults)."""
    template = layout.get("template", {}).get("layout", {})
    margin = {"t": 100, "b": 80, "l": 80, "r": 80} | template.get("margin", {})
    return layout.get("height", 450), margin | layout.get("margin", {})


def _under(fig: dict[str, Any], swap: Mapping[str, str], plot: float) -> tuple[dict, int]:
    """Notes and legend under the plot keep their order; each pushes down what follows.

    ``plot``: the phone's plot-area height. Returns the changes and the total push (px).
    """
    height, margin = _geometry(fig["layout"])
    desktop = height - margin["t"] - margin["b"]
    layout = fig["layout"]
    items = []  # (px under the plot, growth on a phone, path to move, px per unit)
    for i, note in enumerate(layout.get("annotations", [])):
        if note.get("yshift", 0) < 0 and note.get("yanchor") == "top":
            text = note.get("text", "")
            items.append(
                (-note["yshift"], _added(text, swap), f"layout.annotations[{i}].yshift", -1)
            )
    legend = layout.get("legend", {})
    if legend.get("y", 1) <= 0 and legend.get("yref") != "container":
        items.append((-legend["y"] * desktop, _legend_growth(fig, swap), "layout.legend.y", -plot))
    found: dict[str, Any] = {}
    pushed = 0
    for where, grow, path, unit in sorted(items):
        if pushed or unit != -1:
            found[path] = round((where + pushed) / unit, 4)
        pushed += grow
    return found, pushed


def position(place: Mapping[str, Any], height: float, top: float, bottom: float) -> dict:
    """``place`` with ``above`` (pixels over the plot area) turned into paper ``y``."""
    place = dict(place)
    if "above" in place:
        place["y"] = 1 + place.pop("above") / (height - top - bottom)
    return place


def _notes_in_margin(layout: dict[str, Any]) -> dict[str, Any]:
    """Notes right of the plot hide: the phone's right margin has no room for them."""
    return {
        f"layout.annotations[{i}].visible": False
        for i, note in enumerate(layout.get("annotations", []))
        if note.get("xref") == "paper" and note.get("x", 0) >= 1 and note.get("xanchor") == "left"
    }


def _offset(place: Mapping[str, Any]) -> float:
    """How far over the plot area a control sits (px), from ``above`` or its bottom pad."""
    return place.get("above", place.get("pad", {}).get("b", 0)) if place.get("y", 1) >= 1 else 0


def _lifted(place: Mapping[str, Any], lift: int) -> dict[str, Any]:
    """``place`` moved up ``lift`` pixels (a control over the plot)."""
    place = dict(place)
    if "above" in place:
        place["above"] += lift
    elif place.get("y", 0) >= 1:
        place["pad"] = {**place.get("pad", {}), "b": _offset(place) + lift}
    return place


def _title_block(layout: dict[str, Any], swap: Mapping[str, str]) -> int:
    """Pixels the title (and subtitle) take on a phone."""
    title = layout.get("title", {})
    text = title.get("text", "")
    return lines(swap.get(text, text)) * TITLE_LINE + 12 + (22 if title.get("subtitle") else 0)


def _menus(layout: dict[str, Any], places: list[tuple[str, Mapping[str, Any]]]) -> dict:
    """Rows of buttons become dropdowns; each control takes its small-screen place.

    ``places``: (``"updatemenus"`` or ``"sliders"``, place) per control, in order.
    """
    found: dict[str, Any] = {}
    for i, menu in enumerate(layout.get("updatemenus", [])):
        if menu.get("type") == "buttons" and len(menu.get("buttons", [])) > 2:
            found |= {f"layout.updatemenus[{i}].type": "dropdown"}
            found |= {f"layout.updatemenus[{i}].direction": "down"}
    margin = layout["margin"]
    counters = {"updatemenus": 0, "sliders": 0}
    for kind, place in places:
        index = counters[kind]
        counters[kind] += 1
        where = position(place, layout["height"], margin["t"], margin["b"])
        found |= {f"layout.{kind}[{index}].{key}": value for key, value in where.items()}
    return found


def _traces(data: list[dict[str, Any]]) -> dict[str, Any]:
    """No labels beside markers (a phone has no room for them); text 12 px."""
    found: dict[str, Any] = {}
    for i, trace in enumerate(data):
        if trace.get("mode") == "markers+text":
            found[f"data[{i}].mode"] = "markers"
        found |= _fonts(trace, f"data[{i}]")
    return found


def _layout(
    fig: dict[str, Any], swap: Mapping[str, str], places: list[Any], axes: Mapping[str, Any]
) -> dict[str, Any]:
    """Height, margins, notes, legend and controls: everything finds room on a phone."""
    layout = fig["layout"]
    height, margin = _geometry(layout)
    plot = max(height - margin["t"] - margin["b"], _tick_room(fig, swap))
    found, lift = _over(layout, swap)
    under, push = _under(fig, swap, plot)
    places = [(kind, _lifted(place, lift)) for kind, place in places]
    offsets = [_offset(place) for _, place in places if _offset(place)]
    need = _title_block(layout, swap) + (max(offsets) + CONTROL if offsets else 0)
    legend = layout.get("legend", {})
    over = legend.get("yanchor") == "bottom" and legend.get("yref") != "container"
    container = legend.get("yref") == "container"
    growth = _legend_growth(fig, swap) if over or container else 0
    title = layout.get("title", {}).get("text", "")
    top = margin["t"] + _added(title, swap, TITLE_LINE) + lift
    margin["t"] = max(need, top + (growth if over else 0))
    margin["b"] += push + (0 if over else growth)
    margin["l"] = min(margin["l"], 10 if layout.get("yaxis", {}).get("automargin") else 130)
    margin["r"] = max(min(margin["r"], 10), _end_ticks(layout, axes))
    found |= under | {f"layout.margin.{side}": value for side, value in margin.items()}
    found["layout.height"] = height = round(plot + margin["t"] + margin["b"])
    found["layout.title.y"] = min(layout.get("title", {}).get("y", 1), round(1 - 16 / height, 4))
    return found | _menus({**layout, "height": height, "margin": margin}, places)


def _get(fig: dict[str, Any], path: str) -> Any:
    """The value at ``path`` (``layout.a.b`` or ``data[2].c``), None where absent."""
    value: Any = fig
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            return None
    return value


def patch(
    fig: dict[str, Any],
    states: Iterable[dict[str, Any]],
    short: Mapping[str, str],
    labels: Mapping[str, str],
    places: list[tuple[str, Mapping[str, Any]]],
    written: set[str],
    extras: Iterable[str] = (),
) -> dict[str, Any]:
    """The phone patch of ``fig`` (plotly JSON, first state), given every menu state.

    ``short``: shorter wordings the figure declares, ``labels`` its options'; ``places``:
    each control's small-screen placement; ``written``: the paths the menus write;
    ``extras``: names of traces of labels alone, which a phone leaves out.
    """
    swaps = swap_for([fig, *states], short, labels)
    layout = fig["layout"]
    wanted = {"layout.font.size": FONT, "layout.title.font.size": TITLE_FONT}
    if layout.get("legend", {}).get("entrywidth"):
        wanted |= {"layout.legend.entrywidth": 0, "layout.legend.entrywidthmode": "pixels"}
    if layout.get("legend", {}).get("title", {}).get("text"):
        wanted["layout.legend.title.side"] = "top"  # the title over the entries
    if layout.get("title", {}).get("subtitle"):
        wanted["layout.title.subtitle.font.size"] = FONT
    axes = _axes(layout)
    wanted |= _fonts(layout, "layout") | _traces(fig["data"]) | axes
    wanted |= _notes_in_margin(layout) | _layout(fig, swaps["text"], places, axes)
    wanted |= _ticks(fig, swaps["text"])[1]
    left_out = set(extras)
    unknown = left_out - {trace.get("name") for trace in fig["data"]}
    if unknown:
        raise ValueError(f"argument 'extras' names no trace of the figure: {sorted(unknown)}")
    wanted |= {
        f"data[{i}].visible": False
        for i, trace in enumerate(fig["data"])
        if trace.get("name") in left_out
    }
    clash = sorted(path for path in wanted if path in written)
    if clash:
        raise ValueError(f"a menu writes {clash[0]}, which the phone layout also sets")
    pairs = {path: [value, _get(fig, path)] for path, value in wanted.items()}
    return {
        "swap": swaps,
        "set": {path: pair for path, pair in pairs.items() if pair[0] != pair[1]},
    }
