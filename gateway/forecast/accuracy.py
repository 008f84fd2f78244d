"""Forecast accuracy per series: MASE, RMSSE, WAPE and bias.

MASE and RMSSE scale the errors by those of the in-sample seasonal naive
forecast (one step, lag m; lag 1 where there is no full season), as in the M4
and M5 competitions, so series of any size compare. WAPE is the sum of
absolute errors over the sum of actuals; bias the mean error over the mean
actual (positive: the forecast was too high). Where a scale is zero (a constant
history, no demand) the measure is NaN rather than infinite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def naive_scale(history: Array, m: int, *, squared: bool = False) -> Array:
    """Mean absolute (or squared) one-step error of the seasonal naive method in sample."""
    rows = np.atleast_2d(history)
    lag = m if m > 1 and rows.shape[1] > m else 1
    if rows.shape[1] <= lag:
        return np.full(rows.shape[0], np.nan)
    diff = rows[:, lag:] - rows[:, :-lag]
    return np.asarray((diff * diff).mean(axis=1) if squared else np.abs(diff).mean(axis=1))


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Per series."""

    mase: Array
    rmsse: Array
    wape: Array
    bias: Array


def _ratio(top: Array, bottom: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan))


def accuracy(actual: Array, forecast: Array, scale: Array, squared_scale: Array) -> Accuracy:
    """Measures over all points of each row (NaN actuals ignored)."""
    a = np.atleast_2d(actual)
    f = np.atleast_2d(forecast)
    error = f - a
    valid = ~np.isnan(error)
    count = valid.sum(axis=1)
    e = np.where(valid, error, 0.0)
    mae = np.abs(e).sum(axis=1) / np.maximum(count, 1)
    mse = (e * e).sum(axis=1) / np.maximum(count, 1)
    total = np.where(valid, a, 0.0).sum(axis=1)
    return Accuracy(
        mase=_ratio(mae, scale),
        rmsse=np.sqrt(_ratio(mse, squared_scale)),
        wape=_ratio(np.abs(e).sum(axis=1), np.abs(total)),
        bias=_ratio(e.sum(axis=1), np.abs(total)),
    )
