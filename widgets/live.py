"""A small base for the live-notebook apps (``app()`` in each topic module).

An app is a column of ipywidgets controls above the figure they drive. It keeps
the current figure on ``app.figure`` so tests (and curious students) can inspect
what the controls produced without a browser.

The figure is shown by writing its display data into the ``Output`` widget's
``outputs`` (:func:`display_output`), not by capturing ``display()`` inside
``with output:``. Capturing makes the frontend echo every captured output back to
the kernel as a comm message; a headless runner (nbclient, used by nbconvert,
papermill and the tests) sends that echo on the shell socket while it waits on the
same socket for the cell's reply, and pyzmq can then miss the reply's wake-up. The
cell stalled until the runner's timeout (forever without one; see
jupyter/nbclient#312). Setting ``outputs`` is a single kernel-to-frontend update
that needs no echo, in JupyterLab, Notebook 7, Colab, JupyterLite and nbclient.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

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
        """Recompute the result from the controls and show it (no output capture)."""
        self.result = self._render(**self.values())
        self.output.outputs = (display_output(self.result),)


def display_output(result: Any) -> dict[str, Any]:
    """``result`` as one nbformat ``display_data`` output (what ``display`` would send).

    An object's own ``_repr_mimebundle_`` is used when it has one (plotly figures,
    including :class:`~widgets.render.BookFigure`); anything else goes through
    IPython's display formatter.
    """
    own_bundle = getattr(result, "_repr_mimebundle_", None)
    if callable(own_bundle):
        bundle = own_bundle()
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    else:
        from IPython.core.formatters import format_display_data

        data, metadata = format_display_data(result)
    return {"output_type": "display_data", "data": dict(data), "metadata": dict(metadata or {})}
