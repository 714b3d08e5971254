"""The argument checks every widget function shares.

A bad argument raises ``ValueError`` that names the argument and says what is
allowed, worded the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def check_choice(argument: str, value: Any, allowed: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed`` (and of the same kind), else raise."""
    if isinstance(value, bool) != any(isinstance(a, bool) for a in allowed) or value not in allowed:
        raise ValueError(f"argument '{argument}' must be one of {list(allowed)}, got {value!r}")
    return value


def check_subset(argument: str, value: Any, allowed: Sequence[Any]) -> tuple[Any, ...]:
    """Return ``value`` as a tuple in the order of ``allowed``; it must be a non-empty subset."""
    if isinstance(value, str) or not isinstance(value, (tuple, list, set, frozenset)):
        raise ValueError(
            f"argument '{argument}' must be a tuple of values from {list(allowed)}, got {value!r}"
        )
    for item in value:
        check_choice(argument, item, allowed)
    if not value:
        raise ValueError(f"argument '{argument}' must name at least one of {list(allowed)}")
    return tuple(item for item in allowed if item in value)


def check_number(
    argument: str, value: Any, minimum: float, maximum: float, integer: bool = False
) -> Any:
    """Return ``value`` if it is a number (an integer if asked) in ``[minimum, maximum]``."""
    kind = "an integer" if integer else "a number"
    valid_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if (
        isinstance(value, bool)
        or not valid_type
        or (isinstance(value, float) and not math.isfinite(value))
        or not minimum <= value <= maximum
    ):
        raise ValueError(
            f"argument '{argument}' must be {kind} from {minimum} to {maximum}, got {value!r}"
        )
    return value
