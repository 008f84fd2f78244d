"""Forecasting methods, each computed for many series at once.

Every method takes ``values`` (series x periods, float, no NaN, every row the
same length), the horizon ``h`` and the season length ``m``, and returns the
forecasts (series x h). Parameters are fitted per series by one-step squared
error over a fixed grid, evaluated for all series and grid points together:
one pass of numpy operations per period instead of one optimiser per series,
which is what makes ten thousand weekly series a matter of seconds.

Seasonality is handled around the methods (:func:`seasonal_adjustment`):
where a series passes the autocorrelation test of the M3/M4 Theta benchmarks,
its classical decomposition indices (multiplicative for positive series,
additive otherwise) are divided out before a non-seasonal method runs and put
back on its forecasts; for long seasons (more than 24 periods, weekly data with
a yearly season) the indices are a few Fourier harmonics fitted by least
squares, which a year and a half of history already supports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Method = Callable[[Array, int, int], Array]

_ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
_HOLT_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9])
_HOLT_BETAS = np.array([0.02, 0.1, 0.3])  # fractions of alpha: beta <= alpha as in ETS
_HOLT_PHIS = np.array([0.8, 0.9, 0.95, 0.98])
_TSB_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3])
_TSB_BETAS = np.array([0.02, 0.05, 0.1, 0.2, 0.3])
CROSTON_ALPHA = 0.1
LONG_SEASON = 24
FOURIER_TERMS = 4


def _rows(values: Array) -> Array:
    return np.atleast_2d(np.asarray(values, dtype=np.float64))


def _all_positive(rows: Array) -> npt.NDArray[np.bool_]:
    return np.asarray((rows > 0).all(axis=1), dtype=np.bool_)


# -- simple methods ----------------------------------------------------------------------


def zero(values: Array, h: int, m: int) -> Array:
    """No demand."""
    return np.zeros((_rows(values).shape[0], h))


def naive(values: Array, h: int, m: int) -> Array:
    """The last value, repeated."""
    rows = _rows(values)
    return np.repeat(rows[:, -1:], h, axis=1)


def seasonal_naive(values: Array, h: int, m: int) -> Array:
    """The value one season back; the last value where there is no full season."""
    rows = _rows(values)
    periods = rows.shape[1]
    if m <= 1 or periods < m:
        return naive(rows, h, m)
    return rows[:, periods - m + np.arange(h) % m]


def average(values: Array, h: int, m: int) -> Array:
    """The mean of the whole history."""
    rows = _rows(values)
    return np.repeat(rows.mean(axis=1, keepdims=True), h, axis=1)


def moving_average(values: Array, h: int, m: int) -> Array:
    """The mean of the last season (at least the last four periods)."""
    rows = _rows(values)
    window = min(rows.shape[1], max(m, 4))
    return np.repeat(rows[:, -window:].mean(axis=1, keepdims=True), h, axis=1)


# -- exponential smoothing and Theta ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Smoothed:
    """Simple exponential smoothing fitted per series: the chosen alpha and last level."""

    alpha: Array
    level: Array


def fit_ses(values: Array) -> Smoothed:
    """Alpha per series from a grid, by one-step squared error; level starts at the
    first value."""
    rows = _rows(values)
    alphas = _ALPHAS[None, :]
    level = np.repeat(rows[:, :1], alphas.shape[1], axis=1)
    sse = np.zeros_like(level)
    for t in range(1, rows.shape[1]):
        error = rows[:, t:t + 1] - level
        sse += error * error
        level += alphas * error
    best = sse.argmin(axis=1)
    index = np.arange(rows.shape[0])
    return Smoothed(_ALPHAS[best], level[index, best])


def ses(values: Array, h: int, m: int) -> Array:
    """Simple exponential smoothing: a flat forecast at the last level."""
    fitted = fit_ses(values)
    return np.repeat(fitted.level[:, None], h, axis=1)


def holt(values: Array, h: int, m: int) -> Array:
    """Holt's linear method with a damped trend (ETS A,Ad,N), parameters from a grid."""
    rows = _rows(values)
    n, periods = rows.shape
    if periods < 3:
        return naive(rows, h, m)
    a, b, p = np.meshgrid(_HOLT_ALPHAS, _HOLT_BETAS, _HOLT_PHIS, indexing="ij")
    alpha, beta, phi = (g.reshape(1, -1) for g in (a, b * a, p))
    span = min(periods - 1, 4)
    level = np.repeat(rows[:, :1], alpha.shape[1], axis=1)
    trend = np.repeat((rows[:, span:span + 1] - rows[:, :1]) / span, alpha.shape[1], axis=1)
    sse = np.zeros_like(level)
    for t in range(1, periods):
        damped = phi * trend
        error = rows[:, t:t + 1] - level - damped
        sse += error * error
        level += damped + alpha * error
        trend = damped + beta * error
    best = sse.argmin(axis=1)
    index = np.arange(n)
    steps = np.cumsum(_HOLT_PHIS[None, :] ** np.arange(1, h + 1)[:, None], axis=0)  # h x phis
    chosen_phi = best % len(_HOLT_PHIS)
    forecast: Array = level[index, best][:, None] + trend[index, best][:, None] \
        * steps[:, chosen_phi].T
    return forecast


_HW_ALPHAS = np.array([0.05, 0.15, 0.3, 0.5, 0.7])
_HW_BETAS = np.array([0.0, 0.05, 0.2])  # fractions of alpha
_HW_GAMMAS = np.array([0.01, 0.05, 0.15, 0.3])  # fractions of (1 - alpha)
_HW_PHIS = np.array([0.9, 0.98])
_CELLS = 1 << 20


def holt_winters(values: Array, h: int, m: int) -> Array:
    """Holt-Winters with a damped trend and seasonal states that evolve (ETS A,Ad,A;
    on the logarithms of a positive series, which makes the season multiplicative
    and the forecast a median). Needs two full seasons; otherwise damped Holt on the
    seasonally adjusted series."""
    rows = _rows(values)
    n, periods = rows.shape
    if m <= 1 or periods < 2 * m:
        return adjusted(holt)(rows, h, m)
    # The seasonal states are series x grid x m: in chunks of rows, a few MB each.
    chunk = max(1, _CELLS // (_HW_ALPHAS.size * _HW_BETAS.size * _HW_GAMMAS.size
                              * _HW_PHIS.size * m))
    if n > chunk:
        return np.concatenate([holt_winters(rows[i:i + chunk], h, m)
                               for i in range(0, n, chunk)])
    positive = _all_positive(rows)
    y = np.where(positive[:, None], np.log(np.where(positive[:, None], rows, 1.0)), rows)
    a, b, g, p = np.meshgrid(_HW_ALPHAS, _HW_BETAS, _HW_GAMMAS, _HW_PHIS, indexing="ij")
    alpha, beta, gamma, phi = (x.reshape(1, -1) for x in (a, b * a, g * (1 - a), p))
    grid = alpha.shape[1]
    first = y[:, :m].mean(axis=1)
    level = np.repeat(first[:, None], grid, axis=1)
    trend = np.repeat(((y[:, m:2 * m].mean(axis=1) - first) / m)[:, None], grid, axis=1)
    season = np.repeat((y[:, :m] - first[:, None])[:, None, :], grid, axis=1)
    sse = np.zeros_like(level)
    for t in range(periods):
        position = t % m
        damped = phi * trend
        error = y[:, t:t + 1] - level - damped - season[:, :, position]
        if t >= m:
            sse += error * error
        level += damped + alpha * error
        trend = damped + beta * error
        season[:, :, position] += gamma * error
    best = sse.argmin(axis=1)
    index = np.arange(n)
    phis = phi[0, best][:, None]
    steps = np.cumsum(phis ** np.arange(1, h + 1)[None, :], axis=1)
    positions = (periods + np.arange(h)) % m
    forecast = (level[index, best][:, None] + trend[index, best][:, None] * steps
                + season[index, best][:, positions])
    return np.asarray(np.where(positive[:, None], np.exp(np.minimum(forecast, 700.0)),
                               forecast))


def theta(values: Array, h: int, m: int) -> Array:
    """The Theta method (Assimakopoulos and Nikolopoulos; Hyndman and Billah's form):
    simple exponential smoothing plus half the slope of the linear trend."""
    rows = _rows(values)
    periods = rows.shape[1]
    fitted = fit_ses(rows)
    if periods < 2:
        return np.repeat(fitted.level[:, None], h, axis=1)
    time = np.arange(periods, dtype=np.float64)
    centred = time - time.mean()
    slope = (rows - rows.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)
    alpha = fitted.alpha[:, None]
    drift = np.arange(h)[None, :] + (1 - (1 - alpha) ** periods) / alpha
    return np.asarray(fitted.level[:, None] + slope[:, None] / 2 * drift)


def combination(values: Array, h: int, m: int) -> Array:
    """The mean of simple exponential smoothing, damped Holt and Theta (the M3/M4
    'Comb' benchmark)."""
    return (ses(values, h, m) + holt(values, h, m) + theta(values, h, m)) / 3


# -- intermittent demand ---------------------------------------------------------------------


def _croston(values: Array, alpha: float) -> Array:
    """Smoothed demand size over smoothed interval, per series (Croston 1972)."""
    rows = _rows(values)
    n = rows.shape[0]
    size = np.full(n, np.nan)
    interval = np.full(n, np.nan)
    since = np.zeros(n)
    for t in range(rows.shape[1]):
        since += 1
        demand = rows[:, t] > 0
        first = demand & np.isnan(size)
        later = demand & ~first
        size[first] = rows[first, t]
        interval[first] = since[first]
        size[later] += alpha * (rows[later, t] - size[later])
        interval[later] += alpha * (since[later] - interval[later])
        since[demand] = 0
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(size), 0.0, size / np.where(np.isnan(interval), 1, interval))


def croston(values: Array, h: int, m: int) -> Array:
    """Croston's method, alpha 0.1 for size and interval."""
    return np.repeat(_croston(values, CROSTON_ALPHA)[:, None], h, axis=1)


def sba(values: Array, h: int, m: int) -> Array:
    """The Syntetos-Boylan approximation: Croston's rate times (1 - alpha / 2), which
    removes its bias."""
    return croston(values, h, m) * (1 - CROSTON_ALPHA / 2)


def tsb(values: Array, h: int, m: int) -> Array:
    """Teunter-Syntetos-Babai: the probability of demand updated every period, the
    size when demand occurs; alpha and beta per series from a grid."""
    rows = _rows(values)
    n, periods = rows.shape
    a, b = np.meshgrid(_TSB_ALPHAS, _TSB_BETAS, indexing="ij")
    alpha, beta = a.reshape(1, -1), b.reshape(1, -1)
    demand = rows > 0
    occurrences = demand.sum(axis=1)
    start_size = np.where(occurrences > 0, np.where(demand, rows, 0).sum(axis=1)
                          / np.maximum(occurrences, 1), 0.0)
    probability = np.repeat((occurrences / periods)[:, None], alpha.shape[1], axis=1)
    size = np.repeat(start_size[:, None], alpha.shape[1], axis=1)
    sse = np.zeros_like(size)
    for t in range(periods):
        actual = rows[:, t:t + 1]
        error = actual - probability * size
        sse += error * error
        occurred = demand[:, t:t + 1]
        probability += beta * (occurred - probability)
        size += np.where(occurred, alpha * (actual - size), 0.0)
    best = sse.argmin(axis=1)
    index = np.arange(n)
    return np.repeat((probability[index, best] * size[index, best])[:, None], h, axis=1)


def profile(values: Array, m: int) -> Array:
    """Each position's share of demand in the season (series x m, mean 1): the sum at
    that position over its number of periods, over the overall mean. Neutral where
    there are fewer than three full seasons or no demand."""
    rows = _rows(values)
    n, periods = rows.shape
    if m <= 1 or periods < 3 * m:
        return np.ones((n, max(m, 1)))
    start = periods % m  # whole seasons, ending at the last period
    cycles = rows[:, start:].reshape(n, -1, m)
    means = cycles.mean(axis=1)
    overall = means.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(overall > 0, means / np.where(overall > 0, overall, 1), 1.0)
    # Positions counted from the first of the whole seasons, which is at ``start``.
    return np.asarray(np.roll(shares, start % m, axis=1))


def seasonal_tsb(values: Array, h: int, m: int) -> Array:
    """TSB's rate spread over the season by each position's share of demand: the
    weekday pattern of daily sales that come on some days only."""
    rows = _rows(values)
    shares = profile(rows, m)
    positions = (rows.shape[1] + np.arange(h)) % max(m, 1)
    return tsb(rows, h, m) * shares[:, positions]


# -- seasonality -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seasonal:
    """Per-series seasonal indices by position in the season (series x m), and whether
    they multiply (else they add). Neutral indices for series found not seasonal."""

    indices: Array
    multiplicative: npt.NDArray[np.bool_]
    m: int

    def remove(self, values: Array) -> Array:
        rows = _rows(values)
        if self.m <= 1:
            return rows
        s = self.indices[:, np.arange(rows.shape[1]) % self.m]
        mult = self.multiplicative[:, None]
        return np.where(mult, rows / np.where(mult, s, 1.0), rows - np.where(mult, 0.0, s))

    def restore(self, forecasts: Array, start: int) -> Array:
        if self.m <= 1:
            return forecasts
        s = self.indices[:, (start + np.arange(forecasts.shape[1])) % self.m]
        mult = self.multiplicative[:, None]
        return np.where(mult, forecasts * s, forecasts + np.where(mult, 0.0, s))


def seasonal_test(values: Array, m: int) -> npt.NDArray[np.bool_]:
    """The 90% autocorrelation test at lag m of the Theta benchmarks:
    |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)."""
    rows = _rows(values)
    n, periods = rows.shape
    if m <= 1 or periods < 2 * m + 1:
        return np.zeros(n, dtype=bool)
    centred = rows - rows.mean(axis=1, keepdims=True)
    denominator = (centred * centred).sum(axis=1)
    r = np.empty((n, m))
    for k in range(1, m + 1):
        r[:, k - 1] = (centred[:, k:] * centred[:, :-k]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = r / denominator[:, None]
        limit = 1.645 * np.sqrt((1 + 2 * (r[:, :-1] ** 2).sum(axis=1)) / periods)
        passed = np.abs(r[:, -1]) > limit
    return np.asarray(passed & (denominator > 0), dtype=bool)


def _centred_trend(rows: Array, m: int) -> Array:
    """The centred moving average of length m (2xm when m is even), NaN at the ends."""
    n, periods = rows.shape
    total = np.concatenate([np.zeros((n, 1)), np.cumsum(rows, axis=1)], axis=1)
    means = (total[:, m:] - total[:, :-m]) / m  # means[i] = mean(rows[i:i+m])
    trend = np.full((n, periods), np.nan)
    half = m // 2
    if m % 2:
        trend[:, half:half + means.shape[1]] = means
    else:
        centred = (means[:, :-1] + means[:, 1:]) / 2
        trend[:, half:half + centred.shape[1]] = centred
    return trend


def _fourier_indices(rows: Array, m: int, multiplicative: npt.NDArray[np.bool_]) -> Array:
    """Seasonal indices from a least-squares fit of level, trend and a few harmonics."""
    n, periods = rows.shape
    time = np.arange(periods, dtype=np.float64)
    terms = min(FOURIER_TERMS, m // 2)
    columns = [np.ones(periods), time / periods]
    for k in range(1, terms + 1):
        angle = 2 * np.pi * k * time / m
        columns += [np.cos(angle), np.sin(angle)]
    design = np.stack(columns, axis=1)
    target = np.where(multiplicative[:, None], np.log(np.maximum(rows, 1e-9)), rows)
    # One pseudo-inverse for every series (LAPACK's lstsq with thousands of right-hand
    # sides is far slower than this product).
    coefficients = np.linalg.pinv(design) @ target.T
    phase = np.arange(m, dtype=np.float64)
    season = np.zeros((n, m))
    for k in range(1, terms + 1):
        angle = 2 * np.pi * k * phase / m
        season += np.outer(coefficients[2 * k], np.cos(angle))
        season += np.outer(coefficients[2 * k + 1], np.sin(angle))
    return np.where(multiplicative[:, None], np.exp(season), season)


def seasonal_adjustment(values: Array, m: int) -> Seasonal:
    """The seasonal indices of each series, neutral where the test finds no season."""
    rows = _rows(values)
    n, periods = rows.shape
    positive = _all_positive(rows)
    neutral = Seasonal(np.where(positive[:, None], 1.0, 0.0) * np.ones((n, max(m, 1))),
                       positive, m)
    if m <= 1:
        return neutral
    if m > LONG_SEASON:
        if periods < m + m // 2:
            return neutral
        seasonal = seasonal_test(rows, m) if periods >= 2 * m + 1 else np.ones(n, dtype=bool)
        indices = _fourier_indices(rows, m, positive)
    else:
        seasonal = seasonal_test(rows, m)
        if not seasonal.any():
            return neutral
        trend = _centred_trend(rows, m)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(positive[:, None], rows / trend, rows - trend)
        cycles = -(-periods // m)
        padded = np.full((n, cycles * m), np.nan)
        padded[:, :periods] = ratio
        cells = padded.reshape(n, cycles, m)
        known = ~np.isnan(cells)
        with np.errstate(divide="ignore", invalid="ignore"):
            indices = np.where(known, cells, 0.0).sum(axis=1) / known.sum(axis=1)
        indices = np.where(positive[:, None], indices / indices.mean(axis=1, keepdims=True),
                           indices - indices.mean(axis=1, keepdims=True))
    usable = np.asarray(np.isfinite(indices).all(axis=1)
                        & ((indices > 0).all(axis=1) | ~positive), dtype=np.bool_)
    indices = np.where((seasonal & usable)[:, None], indices, neutral.indices)
    return Seasonal(indices, positive, m)


def adjusted(method: Method) -> Method:
    """``method`` run on the seasonally adjusted series, its forecasts reseasonalised."""
    def run(values: Array, h: int, m: int) -> Array:
        rows = _rows(values)
        seasonal = seasonal_adjustment(rows, m)
        return seasonal.restore(method(seasonal.remove(rows), h, m), rows.shape[1])
    run.__name__ = method.__name__
    run.__doc__ = method.__doc__
    return run


METHODS: dict[str, Method] = {
    "zero": zero,
    "naive": naive,
    "seasonal_naive": seasonal_naive,
    "average": average,
    "moving_average": moving_average,
    "ses": adjusted(ses),
    "holt": adjusted(holt),
    "theta": adjusted(theta),
    "combination": adjusted(combination),
    "holt_winters": holt_winters,
    "croston": croston,
    "sba": sba,
    "tsb": tsb,
    "seasonal_tsb": seasonal_tsb,
}
"""Every method by the name runs record; the seasonal adjustment is part of the
exponential smoothing and Theta methods."""
