"""Apply a plotly menu entry or slider step in Python, as plotly.js would in the page."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any


def apply_control(fig: Any, method: str, args: Sequence[Any]) -> Any:
    """A copy of ``fig`` after a control with ``method`` and ``args`` is used.

    Handles plotly's ``restyle`` (``[data, traces?]``), ``relayout`` (``[layout]``)
    and ``update`` (``[data, layout, traces?]``) methods.
    """
    result = copy.deepcopy(fig)
    if method == "restyle":
        result.plotly_restyle(args[0], trace_indexes=args[1] if len(args) > 1 else None)
    elif method == "relayout":
        result.plotly_relayout(args[0])
    elif method == "update":
        traces = args[2] if len(args) > 2 else None
        result.plotly_update(restyle_data=args[0], relayout_data=args[1], trace_indexes=traces)
    else:
        raise AssertionError(f"unexpected method {method}")
    return result
