"""The Wilson interval and the zero-event upper limit match reference values, reject bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.stats import Z95, wilson, wilson_interval, zero_event_upper_bound

# Newcombe RG (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE)
def test_matches_newcombe_reference_values(x, n, low, high):
    assert wilson_interval(x, n) == pytest.approx((low, high), abs=5e-5)
    assert wilson(x / n, n) == pytest.approx((low, high), abs=5e-5)


def test_all_successes_reaches_one():
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(0.7225, abs=5e-5)


def test_default_z_is_the_two_sided_95_percent_point():
    # Phi(Z95) = 0.975, from the error function.
    assert 0.5 * (1 + math.erf(Z95 / math.sqrt(2))) == pytest.approx(0.975, abs=1e-12)
    assert wilson(0.3, 50) == wilson(0.3, 50, Z95)


@given(n=st.integers(1, 5000), data=st.data())
def test_interval_contains_estimate_and_stays_in_unit_range(n, data):
    x = data.draw(st.integers(0, n))
    low, high = wilson_interval(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0


@given(n=st.integers(1, 2000), data=st.data())
def test_count_and_proportion_forms_agree(n, data):
    x = data.draw(st.integers(0, n))
    assert wilson(x / n, n) == wilson_interval(x, n)


@given(n=st.integers(2, 2000))
def test_interval_narrows_as_n_grows(n):
    small = wilson_interval(n // 2, n)
    large = wilson_interval(2 * (n // 2), 2 * n)
    assert large[1] - large[0] < small[1] - small[0]


@given(
    proportion=st.floats(0.01, 0.99),
    n=st.integers(5, 5000),
    z=st.floats(0.5, 3.0),
)
def test_interval_widens_with_z(proportion, n, z):
    narrow = wilson(proportion, n, z)
    wide = wilson(proportion, n, z + 0.5)
    assert wide[0] <= narrow[0] <= proportion <= narrow[1] <= wide[1]
    assert wide[1] - wide[0] > narrow[1] - narrow[0]


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
def test_bad_counts_name_the_argument(x, n, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}'"):
        wilson_interval(x, n)


@pytest.mark.parametrize(
    ("proportion", "n", "z", "argument"),
    [
        (-0.1, 10, Z95, "proportion"),
        (1.1, 10, Z95, "proportion"),
        (math.nan, 10, Z95, "proportion"),
        ("0.5", 10, Z95, "proportion"),
        (True, 10, Z95, "proportion"),
        (0.5, 0, Z95, "n"),
        (0.5, -3, Z95, "n"),
        (0.5, 10.0, Z95, "n"),
        (0.5, True, Z95, "n"),
        (0.5, 10, 0, "z"),
        (0.5, 10, -1.96, "z"),
        (0.5, 10, math.inf, "z"),
        (0.5, 10, math.nan, "z"),
        (0.5, 10, "1.96", "z"),
        (0.5, 10, None, "z"),
    ],
)
def test_bad_wilson_arguments_name_the_argument(proportion, n, z, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be"):
        wilson(proportion, n, z)


@given(x=st.one_of(st.floats(), st.text(), st.none()), n=st.integers(1, 100))
def test_non_integer_successes_always_rejected(x, n):
    with pytest.raises(ValueError, match="argument 'successes'"):
        wilson_interval(x, n)


@given(
    st.one_of(
        st.floats(max_value=-1e-9),
        st.floats(min_value=1 + 1e-9),
        st.just(math.nan),
        st.text(),
        st.none(),
    )
)
def test_any_proportion_outside_zero_to_one_is_rejected(proportion):
    with pytest.raises(ValueError, match="argument 'proportion'"):
        wilson(proportion, 10)


@given(st.one_of(st.floats(max_value=0), st.floats(min_value=10.000001), st.text()))
def test_any_non_positive_or_huge_z_is_rejected(z):
    with pytest.raises(ValueError, match="argument 'z'"):
        wilson(0.5, 10, z)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: wilson(0.5, 10**400), "n"),
        (lambda: wilson(10**400, 10), "proportion"),
        (lambda: wilson_interval(1, 10**400), "n"),
    ],
    ids=["wilson-n", "wilson-proportion", "wilson_interval-n"],
)
def test_huge_integers_are_rejected_as_bad_arguments(call, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}'"):
        call()


# --- The exact upper limit for zero events, and the rule of three ----------------------

# 1 - 0.05 ** (1 / n), worked by hand to four decimals: 0.05 ** (1/3) = 0.3684.
ZERO_EVENTS = [
    (1, 0.95, 0.9500),
    (2, 0.95, 0.7764),
    (3, 0.95, 0.6316),
    (34, 0.95, 0.0843),
    (35, 0.95, 0.0820),
    (100, 0.95, 0.0295),
    (3, 0.99, 0.7846),
    (10, 0.9, 0.2057),
]


@pytest.mark.parametrize(("n", "confidence", "expected"), ZERO_EVENTS)
def test_zero_event_bound_matches_worked_values(n, confidence, expected):
    assert zero_event_upper_bound(n, confidence) == pytest.approx(expected, abs=5e-5)


def test_zero_event_bound_defaults_to_95_percent():
    assert zero_event_upper_bound(3) == zero_event_upper_bound(3, 0.95)


@given(n=st.integers(1, 10**6), confidence=st.floats(0.5, 0.9999))
def test_no_events_at_the_bound_has_probability_one_minus_confidence(n, confidence):
    p = zero_event_upper_bound(n, confidence)
    assert 0.0 < p < 1.0
    assert n * math.log1p(-p) == pytest.approx(math.log1p(-confidence), rel=1e-9)


@given(n=st.integers(1, 10**6))
def test_rule_of_three_always_overstates_the_exact_bound(n):
    assert zero_event_upper_bound(n) < 3 / n


@given(n=st.integers(30, 10**6))
def test_rule_of_three_is_within_six_percent_from_30_patients(n):
    assert 3 / n == pytest.approx(zero_event_upper_bound(n), rel=0.06)


def test_rule_of_three_fails_for_small_series():
    # For 3 patients the rule gives 3/3 = 100%, the exact bound about 63%.
    assert 3 / 3 - zero_event_upper_bound(3) > 0.35
    assert 3 / 2 > 1 > zero_event_upper_bound(2)


def test_n_times_bound_approaches_minus_log_of_five_percent():
    assert 10**6 * zero_event_upper_bound(10**6) == pytest.approx(-math.log(0.05), rel=1e-5)


@given(n=st.integers(1, 10**5))
def test_zero_event_bound_falls_with_n_and_rises_with_confidence(n):
    assert zero_event_upper_bound(n + 1) < zero_event_upper_bound(n)
    assert (
        zero_event_upper_bound(n, 0.9) < zero_event_upper_bound(n) < zero_event_upper_bound(n, 0.99)
    )


@pytest.mark.parametrize(
    ("n", "confidence", "argument"),
    [
        (0, 0.95, "n"),
        (-3, 0.95, "n"),
        (3.0, 0.95, "n"),
        ("3", 0.95, "n"),
        (True, 0.95, "n"),
        (None, 0.95, "n"),
        (10**400, 0.95, "n"),
        (3, 0, "confidence"),
        (3, 1, "confidence"),
        (3, 1.5, "confidence"),
        (3, 0.4, "confidence"),
        (3, 95, "confidence"),
        (3, math.nan, "confidence"),
        (3, math.inf, "confidence"),
        (3, "0.95", "confidence"),
        (3, True, "confidence"),
        (3, None, "confidence"),
    ],
)
def test_bad_zero_event_arguments_name_the_argument(n, confidence, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be"):
        zero_event_upper_bound(n, confidence)
