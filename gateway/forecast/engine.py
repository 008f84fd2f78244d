"""The forecasting run: one default configuration, a model per series chosen by
rolling-origin backtest, quantiles from the backtest residuals.

For each series:

1. its history is cleaned (:func:`prepare`): periods before the first reported
   one are dropped, unreported periods after it are interpolated (the last ones
   carry the last reported value), negative net sales count as none;
2. it is classified (Syntetos-Boylan); the class picks the pool of candidates,
   continuous demand (smooth, erratic) or sporadic (intermittent, lumpy), and a
   series without demand gets zeros;
3. every candidate forecasts from ``windows`` earlier origins (the last ``h``
   periods held out, then the ``h`` before them, ...) and is scored by its mean
   absolute error over the held-out periods; the pool's default (Holt-Winters
   for continuous demand, TSB spread over the season's pattern for sporadic)
   stays the series' model unless another method beats it by the margin
   (20%), so that the noise of a few held-out periods does not pick the model;
4. the model forecasts from the whole history; the quantiles are the forecast
   plus the quantiles of the model's backtest errors, so an intermittent
   series gets the skewed spread it showed rather than a normal one;
5. every number is clipped at zero: demand is never negative.

Series too short for a backtest get their class's fallback (simple exponential
smoothing, SBA, the last value for one point, zeros for none) and say so.
Series are computed in groups of equal length, each group as one set of array
operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from gateway.forecast import methods
from gateway.forecast.accuracy import accuracy, naive_scale
from gateway.forecast.classify import DemandClass, classify

Array = npt.NDArray[np.float64]

# The first method of each pool is its default (see Config.margin).
CONTINUOUS = ("holt_winters", "naive", "seasonal_naive", "moving_average", "ses", "holt",
              "theta", "combination")
SPORADIC = ("seasonal_tsb", "tsb", "zero", "moving_average", "average", "ses", "croston", "sba")
_ADJUSTED = ("ses", "holt", "theta")
MIN_TRAINING = 4


@dataclass(frozen=True, slots=True)
class Config:
    """What a run is asked; everything else is the one default configuration."""

    horizon: int
    season: int = 1
    windows: int = 2
    levels: tuple[float, ...] = (0.1, 0.5, 0.9)
    continuous: tuple[str, ...] = CONTINUOUS
    sporadic: tuple[str, ...] = SPORADIC
    margin: float = 0.2

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError(f"the horizon must be at least one period, not {self.horizon}")
        if self.season < 1:
            raise ValueError(f"the season must be at least one period, not {self.season}")
        if self.windows < 1:
            raise ValueError(f"a backtest needs at least one window, not {self.windows}")
        unknown = (set(self.continuous) | set(self.sporadic)) - set(methods.METHODS)
        if unknown:
            raise ValueError(f"unknown methods: {', '.join(sorted(unknown))}")

    def to_json(self) -> dict[str, object]:
        return {"horizon": self.horizon, "season": self.season, "windows": self.windows,
                "levels": list(self.levels), "continuous": list(self.continuous),
                "sporadic": list(self.sporadic)}


@dataclass(slots=True)
class SeriesForecast:
    """One series' forecast and how it was made."""

    model: str
    demand_class: DemandClass
    adi: float
    cv2: float
    reason: str
    forecast: Array
    quantiles: Array  # levels x h
    scores: dict[str, float] = field(default_factory=dict)  # backtest MAE / in-sample scale
    accuracy: dict[str, float] = field(default_factory=dict)  # of the chosen model
    history: int = 0  # periods used
    error_sd: float = 0.0  # one-period error: root mean square of the backtest errors


def prepare(values: Sequence[float] | Array) -> Array:
    """The history a model sees: unreported (NaN) periods before the first reported
    one dropped, later ones interpolated (after the last reported one: its value),
    negative values taken as zero. The forecast follows the last period given."""
    y = np.asarray(values, dtype=np.float64)
    reported = np.flatnonzero(~np.isnan(y))
    if reported.size == 0:
        return np.zeros(0)
    y = y[reported[0]:]
    missing = np.isnan(y)
    if missing.any():
        positions = np.arange(y.size)
        y = y.copy()
        y[missing] = np.interp(positions[missing], positions[~missing], y[~missing])
    return np.maximum(y, 0.0)


def _candidates(rows: Array, h: int, m: int, names: Sequence[str]) -> dict[str, Array]:
    """Each named method's forecasts for ``rows``, clipped at zero; the seasonal
    adjustment is computed once for the exponential smoothing family."""
    out: dict[str, Array] = {}
    family = [n for n in _ADJUSTED if n in names or "combination" in names]
    if family:
        seasonal = methods.seasonal_adjustment(rows, m)
        flat = seasonal.remove(rows)
        base = {"ses": methods.ses, "holt": methods.holt, "theta": methods.theta}
        for name in family:
            out[name] = seasonal.restore(base[name](flat, h, m), rows.shape[1])
        if "combination" in names:
            out["combination"] = (out["ses"] + out["holt"] + out["theta"]) / 3
    for name in names:
        if name not in out:
            out[name] = methods.METHODS[name](rows, h, m)
    return {name: np.maximum(np.nan_to_num(out[name], nan=0.0, posinf=0.0, neginf=0.0), 0.0)
            for name in names}


def _fallback(demand_class: DemandClass, periods: int) -> str:
    if demand_class is DemandClass.NONE or periods == 0:
        return "zero"
    if periods < 3:
        return "naive"
    return "sba" if demand_class.sporadic else "ses"


def _group(rows: Array, config: Config, classes: list[DemandClass], adi: Array,
           cv2: Array) -> list[SeriesForecast]:
    """Series of equal length, all at once."""
    n, periods = rows.shape
    h, m = config.horizon, config.season
    results: list[SeriesForecast | None] = [None] * n
    scale = naive_scale(rows, m) if periods > 1 else np.full(n, np.nan)
    squared = naive_scale(rows, m, squared=True) if periods > 1 else np.full(n, np.nan)
    step = min(h, periods - MIN_TRAINING)
    origins = [periods - w * step for w in range(1, config.windows + 1)
               if step >= 1 and periods - w * step >= MIN_TRAINING]
    pools = {"continuous": config.continuous, "sporadic": config.sporadic}
    for pool_name, pool in pools.items():
        members = [i for i in range(n) if classes[i] is not DemandClass.NONE
                   and classes[i].sporadic == (pool_name == "sporadic")]
        if not members:
            continue
        index = np.array(members)
        subset = rows[index]
        final = _candidates(subset, h, m, pool)
        if not origins:
            for j, i in enumerate(members):
                model = _fallback(classes[i], periods)
                forecast = methods.METHODS[model](subset[j:j + 1], h, m)[0]
                forecast = np.maximum(forecast, 0.0)
                spread = _spread(subset[j], config.levels, h)
                results[i] = SeriesForecast(
                    model, classes[i], float(adi[i]), float(cv2[i]),
                    f"{periods} periods are too few for a backtest: the {classes[i].value} "
                    f"fallback", forecast, _quantiles(forecast, spread), history=periods,
                    error_sd=float(np.std(np.diff(subset[j]))) if periods > 1 else 0.0)
            continue
        errors: dict[str, list[Array]] = {name: [] for name in pool}
        actuals: list[Array] = []
        for origin in origins:
            held = subset[:, origin:origin + step]
            actuals.append(held)
            for name, f in _candidates(subset[:, :origin], step, m, pool).items():
                errors[name].append(f[:, :step] - held)
        error = {name: np.concatenate(e, axis=1) for name, e in errors.items()}
        actual = np.concatenate(actuals, axis=1)
        mae = np.stack([np.abs(error[name]).mean(axis=1) for name in pool], axis=1)
        # The pool's first method is its default: another replaces it only when its
        # backtest error is lower by the margin, so that noise in a few held-out
        # periods does not decide.
        handicap = mae.copy()
        handicap[:, 1:] /= 1 - config.margin
        best = handicap.argmin(axis=1)
        for j, i in enumerate(members):
            name = pool[best[j]]
            chosen_error = error[name][j]
            s = scale[i]
            scores = {p: float(mae[j, k] / s) if s > 0 else float(mae[j, k])
                      for k, p in enumerate(pool)}
            others = sorted((v, p) for p, v in scores.items() if p != name)
            default = pool[0]
            why = (f"backtest over {len(origins)} window(s) of {step} among {len(pool)} "
                   f"{pool_name} methods: {name} {scores[name]:.3f}")
            if name != default:
                why += f", beating the default {default} {scores[default]:.3f} by over " \
                       f"{config.margin:.0%}"
            elif others:
                why += f" (the default; best other {others[0][1]} {others[0][0]:.3f})"
            forecast = final[name][j]
            measured = accuracy(actual[j], actual[j] + chosen_error, np.array([scale[i]]),
                                np.array([squared[i]]))
            results[i] = SeriesForecast(
                name, classes[i], float(adi[i]), float(cv2[i]), why, forecast,
                _quantiles(forecast, _residual_quantiles(-chosen_error, config.levels)),
                scores, {"mase": float(measured.mase[0]), "rmsse": float(measured.rmsse[0]),
                         "wape": float(measured.wape[0]), "bias": float(measured.bias[0])},
                history=periods, error_sd=float(np.sqrt(np.mean(chosen_error ** 2))))
    for i in range(n):
        if results[i] is None:
            zeros = np.zeros(h)
            results[i] = SeriesForecast(
                "zero", classes[i], float(adi[i]), float(cv2[i]),
                "no demand reported in the history", zeros,
                np.zeros((len(config.levels), h)), history=periods)
    return [r for r in results if r is not None]


def _residual_quantiles(residuals: Array, levels: Sequence[float]) -> Array:
    """Quantiles of actual minus forecast, one per level."""
    return np.quantile(residuals, levels)


def _spread(history: Array, levels: Sequence[float], h: int) -> Array:
    """Without a backtest: quantiles of the one-step changes of the history."""
    if history.size < 2:
        return np.zeros(len(levels))
    return np.quantile(np.diff(history), levels)


def _quantiles(forecast: Array, offsets: Array) -> Array:
    q = np.maximum(forecast[None, :] + offsets[:, None], 0.0)
    return np.sort(q, axis=0)


def forecast_series(series: Sequence[Sequence[float] | Array], config: Config
                    ) -> list[SeriesForecast]:
    """Forecast every series (raw histories, NaN for unreported periods), in order."""
    prepared = [prepare(y) for y in series]
    results: list[SeriesForecast | None] = [None] * len(prepared)
    by_length: dict[int, list[int]] = {}
    for i, y in enumerate(prepared):
        by_length.setdefault(y.size, []).append(i)
    for length, members in by_length.items():
        if length == 0:
            for i in members:
                results[i] = SeriesForecast(
                    "zero", DemandClass.NONE, float("nan"), float("nan"),
                    "no period reported", np.zeros(config.horizon),
                    np.zeros((len(config.levels), config.horizon)))
            continue
        rows = np.stack([prepared[i] for i in members])
        found = classify(rows)
        for i, result in zip(members, _group(rows, config, found.classes, found.adi,
                                             found.cv2), strict=True):
            results[i] = result
    return [r for r in results if r is not None]
