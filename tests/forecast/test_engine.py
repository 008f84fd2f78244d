"""The forecasting run: model choice by rolling-origin backtest, reasons, accuracy
and quantiles from the backtest residuals, never a negative number."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.forecast import methods
from gateway.forecast.classify import DemandClass
from gateway.forecast.engine import Config, forecast_series


def test_the_default_is_kept_unless_beaten_by_the_margin() -> None:
    """A noisy seasonal series keeps Holt-Winters; a level that jumps every few
    periods and stays there is a random walk, where the last value wins clearly."""
    rng = np.random.default_rng(0)
    season = np.tile([10.0, 20.0, 30.0, 40.0], 10) + rng.normal(0, 2, 40)
    walk = np.repeat([5.0, 50.0, 20.0, 80.0, 10.0, 60.0, 30.0, 90.0], 5)
    found = forecast_series([season, walk], Config(horizon=4, season=4))
    assert found[0].model == "holt_winters"
    assert "the default" in found[0].reason
    assert found[1].model != "holt_winters"
    assert "beating the default holt_winters" in found[1].reason
    for result in found:
        assert set(result.scores) == set(Config(horizon=4).continuous)
    # Kept although others scored lower, none by 20%: ses 0.596 > 0.8 x 0.664.
    best_other = min(v for k, v in found[0].scores.items() if k != "holt_winters")
    assert 0.8 * found[0].scores["holt_winters"] < best_other < found[0].scores["holt_winters"]
    assert found[1].scores[found[1].model] < 0.8 * found[1].scores["holt_winters"]


def test_sporadic_series_are_forecast_from_the_sporadic_pool() -> None:
    """Intermittent demand gets one of the intermittent pool's methods."""
    rng = np.random.default_rng(3)
    y = (rng.random(80) < 0.3) * rng.integers(1, 6, 80)
    found = forecast_series([y.astype(float)], Config(horizon=8, season=1))[0]
    assert found.demand_class.sporadic
    assert found.model in Config(horizon=8).sporadic
    assert set(found.scores) == set(Config(horizon=8).sporadic)


def test_quantiles_are_the_forecast_plus_backtest_residual_quantiles() -> None:
    """p10, p50 and p90 are the forecast plus the 10/50/90% quantiles of actual minus
    forecast of the chosen model over the held-out windows, clipped at zero."""
    rng = np.random.default_rng(5)
    y = (rng.random(60) < 0.4) * rng.integers(1, 9, 60).astype(float)
    config = Config(horizon=6, season=1, windows=2)
    found = forecast_series([y], config)[0]
    assert found.demand_class in (DemandClass.INTERMITTENT, DemandClass.LUMPY)
    residuals = []
    for origin in (48, 54):
        predicted = np.maximum(methods.METHODS[found.model](y[None, :origin], 6, 1)[0], 0)
        residuals.extend(y[origin:origin + 6] - predicted)
    expected = np.maximum(found.forecast[None, :]
                          + np.quantile(residuals, [0.1, 0.5, 0.9])[:, None], 0)
    np.testing.assert_allclose(found.quantiles, expected)


def test_accuracy_is_kept_per_series() -> None:
    """Every series with a backtest carries MASE, RMSSE, WAPE and bias."""
    y = 100 + 10 * np.sin(np.arange(48) * 2 * np.pi / 12) + np.arange(48)
    found = forecast_series([y], Config(horizon=6, season=12))[0]
    assert set(found.accuracy) == {"mase", "rmsse", "wape", "bias"}
    assert all(np.isfinite(v) for v in found.accuracy.values())
    assert found.history == 48


def test_falling_series_are_never_forecast_below_zero() -> None:
    """A steep fall extrapolated by a trend method is clipped at zero."""
    y = np.array([100.0 - 9 * t for t in range(12)])
    found = forecast_series([y], Config(horizon=10, season=1))[0]
    assert (found.forecast >= 0).all() and (found.quantiles >= 0).all()


def test_too_short_for_a_backtest_uses_the_class_fallback() -> None:
    """Three periods and a horizon of six leave no backtest: the reason says so."""
    found = forecast_series([np.array([4.0, 5.0, 6.0])], Config(horizon=6))[0]
    assert found.model == "ses"
    assert "too few for a backtest" in found.reason


@pytest.mark.parametrize(("field", "value"), [("horizon", 0), ("season", 0), ("windows", 0)])
def test_configuration_is_checked(field: str, value: int) -> None:
    """A horizon, season or window count below one is refused with its name."""
    args = {"horizon": 3, field: value}
    with pytest.raises(ValueError, match=field if field != "windows" else "window"):
        Config(**args)
