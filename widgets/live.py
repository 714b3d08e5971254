"""A small base for the live-notebook apps (``app()`` in each topic module).

An app is a column of ipywidgets controls above the figure they drive. It keeps
the current figure on ``app.figure`` so tests (and curious students) can inspect
what the controls produced without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
from IPython.display import display

EDUCATION_NOTE = (
    "<p><strong>For learning only.</strong> This tool explores published numbers; "
    "it does not diagnose or recommend treatment.</p>"
)


class LiveApp(w.VBox):
    """Controls plus an output area; ``render`` turns control values into a result."""

    def __init__(
        self,
        controls: Mapping[str, w.ValueWidget],
        render: Callable[..., Any],
        title: str,
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
        """Recompute the result from the controls and show it."""
        self.result = self._render(**self.values())
        self.output.clear_output(wait=True)
        with self.output:
            display(self.result)
