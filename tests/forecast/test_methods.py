"""Each forecasting method on worked examples and on degenerate series (all zeros,
one point, constant, gaps): a finite, non-negative forecast, never an error."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.forecast import methods
from gateway.forecast.engine import Config, forecast_series, prepare

ALL = sorted(methods.METHODS)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("series", [
    [0.0] * 30,
    [7.0],
    [4.0] * 30,
    [0.0, 0.0, 3.0],
], ids=["zeros", "one-point", "constant", "short-sporadic"])
def test_degenerate_series_give_finite_non_negative_forecasts(name: str,
                                                             series: list[float]) -> None:
    """No method fails, or forecasts NaN or below zero, on a degenerate series."""
    found = methods.METHODS[name](np.array([series]), 6, 4)
    assert found.shape == (1, 6)
    assert np.isfinite(found).all()
    assert (found >= -1e-9).all()


@pytest.mark.parametrize("name", [n for n in ALL if n not in ("zero", "sba", "croston",
                                                              "seasonal_tsb", "tsb")])
def test_a_constant_series_is_forecast_as_that_constant(name: str) -> None:
    """Whatever the method, 4, 4, 4, ... continues as 4."""
    found = methods.METHODS[name](np.full((2, 40), 4.0), 5, 4)
    np.testing.assert_allclose(found, 4.0, atol=1e-6)


def test_naive_and_seasonal_naive() -> None:
    """The last value; the value one season back (the last value without a season)."""
    y = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    assert methods.naive(y, 3, 1).tolist() == [[5.0, 5.0, 5.0]]
    assert methods.seasonal_naive(y, 3, 2).tolist() == [[4.0, 5.0, 4.0]]
    assert methods.seasonal_naive(y, 2, 9).tolist() == [[5.0, 5.0]]


def test_croston_and_sba_by_hand() -> None:
    """Demand 4 in period 2 and 6 in period 5 (alpha 0.1): size 4 + 0.1 x 2 = 4.2,
    interval 2 + 0.1 x (3 - 2) = 2.1, rate 2; SBA takes 0.95 of it."""
    y = np.array([[0.0, 4.0, 0.0, 0.0, 6.0, 0.0]])
    assert methods.croston(y, 2, 1)[0] == pytest.approx([2.0, 2.0])
    assert methods.sba(y, 1, 1)[0, 0] == pytest.approx(1.9)


def test_tsb_on_steady_alternating_demand() -> None:
    """Demand of 10 every other period is a rate of 5 a period."""
    y = np.array([[10.0, 0.0] * 20])
    assert methods.tsb(y, 1, 1)[0, 0] == pytest.approx(5.0, rel=0.1)


def test_seasonal_tsb_spreads_the_rate_by_weekday() -> None:
    """Sales only on the 6th and 7th day of each week fall on those days."""
    week = [0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 7.0]
    found = methods.seasonal_tsb(np.array([week * 6]), 7, 7)[0]
    assert found[:5] == pytest.approx([0.0] * 5)
    assert found[5] == pytest.approx(found[6])
    assert found.sum() == pytest.approx(14.0, rel=0.15)


def test_holt_follows_a_straight_line() -> None:
    """On y = 10 + 2t the damped trend continues upwards (damping keeps it below)."""
    y = np.array([10.0 + 2 * np.arange(30)])
    found = methods.holt(y, 3, 1)[0]
    assert 68.0 < found[0] <= 70.5
    assert found[0] < found[1] < found[2]


def test_theta_adds_half_the_trend() -> None:
    """On a straight line the Theta forecast rises by half the slope a period."""
    y = np.array([5.0 + 4 * np.arange(40)])
    found = methods.theta(y, 3, 1)[0]
    assert np.diff(found) == pytest.approx([2.0, 2.0])


def test_holt_winters_repeats_a_clean_season() -> None:
    """A repeating pattern of period 4 is forecast as that pattern."""
    pattern = [10.0, 20.0, 30.0, 40.0]
    found = methods.holt_winters(np.array([pattern * 6]), 8, 4)[0]
    np.testing.assert_allclose(found, pattern * 2, rtol=0.02)


def test_seasonal_adjustment_finds_a_season_and_leaves_noise_alone() -> None:
    """The autocorrelation test accepts a strong monthly pattern and rejects white
    noise; the multiplicative indices of the pattern average 1."""
    rng = np.random.default_rng(7)
    seasonal = 100 * (1 + 0.5 * np.sin(2 * np.pi * np.arange(60) / 12)) + rng.normal(0, 2, 60)
    noise = 100 + rng.normal(0, 10, 60)
    found = methods.seasonal_adjustment(np.array([seasonal, noise]), 12)
    assert found.indices[0].mean() == pytest.approx(1.0)
    assert found.indices[0].max() > 1.3
    np.testing.assert_array_equal(found.indices[1], np.ones(12))


def test_gaps_are_interpolated_not_taken_as_zero() -> None:
    """Unreported periods (NaN) between reports are interpolated; those before the
    first report are dropped; those after the last carry its value."""
    y = prepare([np.nan, np.nan, 2.0, np.nan, 4.0, np.nan])
    assert y.tolist() == [2.0, 3.0, 4.0, 4.0]
    assert prepare([np.nan]).size == 0
    assert prepare([-3.0, 5.0]).tolist() == [0.0, 5.0]


def test_degenerate_series_through_the_engine() -> None:
    """All zeros, one point, constant and gappy histories each come out with a model,
    a reason and non-negative forecasts and quantiles."""
    series = [np.zeros(20), np.array([3.0]), np.full(20, 6.0),
              np.array([1.0, np.nan, np.nan, 5.0, 4.0, np.nan, 6.0, 5.0, 5.0, 6.0]),
              np.array([np.nan, np.nan])]
    found = forecast_series(series, Config(horizon=4, season=1))
    assert [r.model for r in found[:3]] == ["zero", "naive", found[2].model]
    np.testing.assert_allclose(found[2].forecast, 6.0)
    assert found[4].model == "zero" and found[4].reason == "no period reported"
    for result in found:
        assert result.reason
        assert (result.forecast >= 0).all() and (result.quantiles >= 0).all()
        assert np.isfinite(result.forecast).all()
