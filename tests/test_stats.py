"""The Wilson interval matches published reference values and rejects bad input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.stats import wilson_interval

# Newcombe RG (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE)
def test_matches_newcombe_reference_values(x, n, low, high):
    got = wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_all_successes_reaches_one():
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(0.7225, abs=5e-5)


@given(n=st.integers(1, 5000), data=st.data())
def test_interval_contains_estimate_and_stays_in_unit_range(n, data):
    x = data.draw(st.integers(0, n))
    low, high = wilson_interval(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0


@given(n=st.integers(2, 2000))
def test_interval_narrows_as_n_grows(n):
    small = wilson_interval(n // 2, n)
    large = wilson_interval(2 * (n // 2), 2 * n)
    assert large[1] - large[0] < small[1] - small[0]


@pytest.mark.parametrize(
    ("x", "n", "argument"),
    [
        (1, 0, "n"),
        (5, 4, "successes"),
        (-1, 4, "successes"),
        (1.5, 4, "successes"),
        (1, 2.0, "n"),
        (True, 4, "successes"),
    ],
)
def test_bad_arguments_name_the_argument(x, n, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}'"):
        wilson_interval(x, n)


@given(x=st.one_of(st.floats(), st.text(), st.none()), n=st.integers(1, 100))
def test_non_integer_successes_always_rejected(x, n):
    with pytest.raises(ValueError, match="argument 'successes'"):
        wilson_interval(x, n)
