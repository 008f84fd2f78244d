"""The demand history grid: periods, reported zeros and unknown gaps."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from gateway.forecast.history import Frequency, build_history, infer_frequency


def test_frequency_is_inferred_from_the_gaps() -> None:
    """Daily, weekly and monthly dates are recognised by their commonest gap."""
    assert infer_frequency([date(2024, 1, d) for d in (1, 2, 3, 5)]) is Frequency.DAY
    assert infer_frequency([date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 22)]) \
        is Frequency.WEEK
    assert infer_frequency([date(2024, m, 1) for m in (1, 2, 3, 5)]) is Frequency.MONTH


def test_zero_only_where_the_location_reported_the_period() -> None:
    """An item missing from a period its location reported sold nothing (0); a period
    the location never reported is unknown (NaN); before the first sale, NaN."""
    rows = [
        ("A", "S1", date(2024, 1, 1), 5.0), ("B", "S1", date(2024, 1, 1), 1.0),
        ("B", "S1", date(2024, 1, 8), 2.0),
        # week of 15 January: no report from S1 at all
        ("A", "S1", date(2024, 1, 22), 7.0),
        ("C", "S1", date(2024, 1, 22), 3.0),
    ]
    history = build_history(rows)
    assert history.calendar.frequency is Frequency.WEEK
    assert history.keys == [("A", "S1"), ("B", "S1"), ("C", "S1")]
    a, b, c = history.values
    np.testing.assert_array_equal(a[[0, 1, 3]], [5.0, 0.0, 7.0])
    assert np.isnan(a[2])
    np.testing.assert_array_equal(b[[0, 1, 3]], [1.0, 2.0, 0.0])
    assert np.isnan(c[:3]).all() and c[3] == 3.0
    assert history.period_start(4) == date(2024, 1, 29)


def test_months_are_named_by_their_first_day() -> None:
    """Monthly periods reported on any day fall into their month."""
    history = build_history([("A", "", date(2024, 1, 31), 1.0),
                             ("A", "", date(2024, 2, 29), 2.0),
                             ("A", "", date(2024, 3, 31), 4.0)])
    assert history.calendar.frequency is Frequency.MONTH
    assert history.period_start(0) == date(2024, 1, 1)
    assert history.period_start(3) == date(2024, 4, 1)
    assert history.values.tolist() == [[1.0, 2.0, 4.0]]


def test_no_rows_is_refused() -> None:
    """A history needs at least one reported period."""
    with pytest.raises(ValueError, match="at least one"):
        build_history([])
