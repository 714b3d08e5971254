"""Small statistics shared by the widgets (no plotting here).

The Wilson score interval is used for every proportion in the book: it behaves well
for small samples and for proportions near 0 or 1, where the simple
``p ± 1.96·sqrt(p(1-p)/n)`` interval fails (it can leave [0, 1] or have zero width).
For a series with no events at all, :func:`zero_event_upper_bound` gives the exact
one-sided upper limit that the rule of three (``3/n``) approximates.
"""

from __future__ import annotations

import math

from .checks import check_number

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson(proportion: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for an observed ``proportion`` among ``n`` (fractions).

    ``proportion * n`` need not be a whole number, so the same formula serves a
    count (see :func:`wilson_interval`) and a hypothetical share. Raises
    ``ValueError`` when ``proportion`` is outside [0, 1], ``n`` is not a positive
    integer, or ``z`` is not a positive number.
    """
    check_number("proportion", proportion, 0.0, 1.0)
    check_number("n", n, 1, 10**9, integer=True)
    check_number("z", z, 1e-9, 10.0)
    z2 = z * z
    centre = (proportion + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if proportion == 0 else max(0.0, centre - half)
    high = 1.0 if proportion == 1 else min(1.0, centre + half)
    return low, high


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (95% by default)."""
    check_number("n", n, 1, 10**9, integer=True)
    check_number("successes", successes, 0, n, integer=True)
    return wilson(successes / n, n, z)


def zero_event_upper_bound(n: int, confidence: float = 0.95) -> float:
    """Exact one-sided upper confidence limit for a rate when none of ``n`` had the event.

    With no events among ``n`` independent patients, the upper limit ``p`` is the rate
    at which seeing no events at all has probability ``1 - confidence``:
    ``(1 - p) ** n = 1 - confidence``, so ``p = 1 - (1 - confidence) ** (1 / n)``
    (the exact binomial, Clopper-Pearson, limit). At 95% it is always below the rule of
    three's ``3 / n`` and close to it for about 30 patients or more (``n * p`` tends to
    ``-ln 0.05 ≈ 3.0``); for small ``n`` the rule is far off (for ``n = 3``,
    ``3 / n = 1`` but ``p ≈ 0.632``).

    Raises ``ValueError`` naming the argument when ``n`` is not a positive integer
    (up to 10**9) or ``confidence`` is not a number from 0.5 to 0.9999.
    """
    check_number("n", n, 1, 10**9, integer=True)
    check_number("confidence", confidence, 0.5, 0.9999)
    return -math.expm1(math.log1p(-confidence) / n)  # 1 - (1 - c)**(1/n), accurate for large n
