"""Small statistics shared by the widgets (no plotting here).

The Wilson score interval is used for every proportion in the book: it behaves well
for small samples and for proportions near 0 or 1, where the simple
``p ± 1.96·sqrt(p(1-p)/n)`` interval fails (it can leave [0, 1] or have zero width).
"""

from __future__ import annotations

import math

from .data import check_number

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (95% by default).

    Raises ``ValueError`` when ``n`` is not a positive integer, when ``successes``
    is not an integer from 0 to ``n``, or when ``z`` is not positive.
    """
    check_number("n", n, 1, 10**9, integer=True)
    check_number("successes", successes, 0, n, integer=True)
    check_number("z", z, 1e-9, 10.0)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high
