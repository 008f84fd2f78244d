"""MASE, RMSSE, WAPE and bias against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.forecast.accuracy import accuracy, naive_scale


def test_measures_of_a_worked_example() -> None:
    """History 10, 12, 11, 13 (naive steps 2, 1, 2: MAE 5/3, MSE 3); actuals 12, 14
    forecast 13, 13: errors +1, -1."""
    history = np.array([[10.0, 12.0, 11.0, 13.0]])
    scale = naive_scale(history, 1)
    squared = naive_scale(history, 1, squared=True)
    assert scale[0] == pytest.approx(5 / 3)
    assert squared[0] == pytest.approx(3.0)
    found = accuracy(np.array([[12.0, 14.0]]), np.array([[13.0, 13.0]]), scale, squared)
    assert found.mase[0] == pytest.approx(1 / (5 / 3))
    assert found.rmsse[0] == pytest.approx(np.sqrt(1 / 3))
    assert found.wape[0] == pytest.approx(2 / 26)
    assert found.bias[0] == pytest.approx(0.0)


def test_seasonal_scale_uses_the_lag_of_a_season() -> None:
    """With m = 2 the in-sample errors are y[t] - y[t-2]."""
    history = np.array([[1.0, 5.0, 2.0, 7.0, 4.0]])
    assert naive_scale(history, 2)[0] == pytest.approx((1 + 2 + 2) / 3)


def test_bias_is_positive_when_the_forecast_is_too_high() -> None:
    """Bias is the mean error over the mean actual; over-forecasting is positive."""
    found = accuracy(np.array([[10.0, 10.0]]), np.array([[12.0, 13.0]]),
                     np.array([1.0]), np.array([1.0]))
    assert found.bias[0] == pytest.approx(5 / 20)


def test_a_zero_scale_gives_nan_not_infinity() -> None:
    """A constant history cannot scale an error: the measure is NaN."""
    history = np.array([[4.0, 4.0, 4.0]])
    found = accuracy(np.array([[5.0]]), np.array([[4.0]]), naive_scale(history, 1),
                     naive_scale(history, 1, squared=True))
    assert np.isnan(found.mase[0]) and np.isnan(found.rmsse[0])
