"""A small base for the live-notebook apps (``app()`` in each topic module).

An app is a column of ipywidgets controls above the result they drive, kept on
``app.result`` (alias ``app.figure``) so tests and students can inspect it. The
result is shown by setting the ``Output`` widget's ``outputs`` (one update, no
echo), not by capturing ``display()`` inside ``with output:``: a headless runner
such as nbclient can stall on the echo of captured output (jupyter/nbclient#312).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w
import traitlets

EDUCATION_NOTE = (
    "<p><strong>For learning only.</strong> This tool explores published numbers; "
    "it does not diagnose or recommend treatment.</p>"
)


class LiveApp(w.VBox):
    """Controls plus an output area; ``render`` turns control values into a result."""

    def __init__(
        self, controls: Mapping[str, w.ValueWidget], render: Callable[..., Any], title: str
    ) -> None:
        self.controls = dict(controls)
        self._render = render
        self.output = w.Output()
        self.result: Any = None
        header = w.HTML(f"<h4>{title}</h4>{EDUCATION_NOTE}")
        super().__init__([header, *self.controls.values(), self.output])
        for control in self.controls.values():
            control.observe(self._refresh, names="value")
        self._refresh()

    @property
    def figure(self) -> Any:
        """The most recent result (a figure for most apps)."""
        return self.result

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _refresh(self, change: Any = None) -> None:
        """Recompute the result from the controls and show it (no output capture)."""
        self.result = self._render(**self.values())
        self.output.outputs = display_outputs(self.result)


def display_outputs(result: Any) -> tuple[dict[str, Any], ...]:
    """Every display ``display(result)`` would publish, as nbformat outputs; nothing is sent."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()  # the kernel's shell; outside a kernel, a quiet one
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        display(result)
    streams = (("stdout", captured.stdout), ("stderr", captured.stderr))
    return (
        *({"output_type": "stream", "name": name, "text": text} for name, text in streams if text),
        *(
            {
                "output_type": "display_data",
                "data": dict(s.data),
                "metadata": dict(s.metadata or {}),
            }
            for s in captured.outputs
        ),
    )


class CheckboxGroup(w.VBox):
    """One checkbox per value; ``value`` is the tuple of ticked values, in order."""

    value = traitlets.Tuple()

    def __init__(self, values: Sequence[Any], labels: Sequence[str], ticked: Sequence[Any]) -> None:
        self._boxes = {
            item: w.Checkbox(value=item in ticked, description=label, indent=False, layout=_WIDE)
            for item, label in zip(values, labels, strict=True)
        }
        self._syncing = False
        super().__init__(list(self._boxes.values()))
        self.value = tuple(item for item in values if item in ticked)
        for box in self._boxes.values():
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")

    def _from_boxes(self, change: Any = None) -> None:
        """A box was clicked: ``value`` becomes the ticked boxes."""
        if not self._syncing:
            self.value = tuple(item for item, box in self._boxes.items() if box.value)

    def _to_boxes(self, change: Any = None) -> None:
        """``value`` was set: tick exactly its boxes (without echoing back box by box)."""
        self._syncing = True
        try:
            for item, box in self._boxes.items():
                box.value = item in self.value
        finally:
            self._syncing = False


_WIDE = w.Layout(width="auto")
_LABEL = {"description_width": "initial"}


def control_for(option: Any, value: Any) -> Any:
    """The ipywidgets control for one :class:`widgets.options.Option`, set to ``value``."""
    pairs = [(option.label(item), item) for item in option.values]
    if option.control == "toggle":
        return w.Checkbox(value=value, description=option.title, indent=False, layout=_WIDE)
    if option.control == "checkboxes":
        return CheckboxGroup(option.values, [label for label, _ in pairs], value)
    if option.control == "number":
        low, high = option.values
        return w.IntSlider(value=value, min=low, max=high, description=option.title, style=_LABEL)
    if option.control == "slider":
        return w.SelectionSlider(
            options=pairs, value=value, description=option.title, style=_LABEL, layout=_WIDE
        )
    return w.Dropdown(options=pairs, value=value, description=option.title, style=_LABEL)
