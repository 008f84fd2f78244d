"""Forecast runs: the stored history forecast with the default configuration, and
everything about it recorded.

A run row keeps its configuration and inputs (the history's sources, extent and
frequency); a row per series keeps its class, the model chosen and why (every
candidate's backtest score), its accuracy and its one-period error; a row per
series and period keeps the forecast and its quantiles. Quantities are stored
as exact decimals rounded to thousandths. The caller owns the transaction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.db.statements import Bulk
from gateway.forecast.engine import Config, SeriesForecast
from gateway.forecast.history import Frequency
from gateway.forecast.partition import run as run_partitioned
from gateway.planning.history import DemandHistory, demand_history, period_dates
from gateway.planning.models import ForecastRevision, ForecastRun, RunSeries, RunTrigger, RunValue

Clock = Callable[[], datetime]
DEFAULT_HORIZON = 13

_RUNS = table(ForecastRun)
_SERIES = table(RunSeries)
_VALUES = table(RunValue)
_NEW_SERIES = Bulk(_SERIES)
_NEW_VALUES = Bulk(_VALUES)
_SERIES_IDS = select(_SERIES.c.id, _SERIES.c.item_id, _SERIES.c.location_id) \
    .where(_SERIES.c.run_id == bindparam("run_id"))


@dataclass(slots=True)
class RunOutcome:
    run_id: int | None
    series: int
    models: dict[str, int]
    detail: str


def _finite(value: float) -> Decimal | None:
    """A measure for a column of six decimals; None where it is undefined."""
    return Decimal(f"{value:.6f}") if math.isfinite(value) else None


def _amount(value: float) -> Decimal:
    return Decimal(f"{max(value, 0.0):.3f}")


def run_forecast(session: Session, *, clock: Clock, as_of: date | None = None,
                 horizon: int = DEFAULT_HORIZON, season: int | None = None,
                 frequency: Frequency | None = None,
                 trigger: RunTrigger = RunTrigger.ON_DEMAND, workers: int | None = None,
                 cluster: Any = None) -> RunOutcome:
    """Forecast every stored series and record the run; no run when nothing is stored."""
    started = clock()
    found = demand_history(session, as_of=as_of, frequency=frequency)
    if found is None:
        return RunOutcome(None, 0, {}, "no sales, orders or receipts are stored: nothing "
                                       "to forecast")
    history = found.history
    config = Config(horizon=horizon, season=season or history.calendar.frequency.season)
    results = run_partitioned(list(history.values), config, workers=workers, cluster=cluster)
    return store_run(session, found, config, results, started=started, finished=clock(),
                     as_of=as_of or started.date(), trigger=trigger)


def store_run(session: Session, found: DemandHistory, config: Config,
              results: list[SeriesForecast], *, started: datetime, finished: datetime,
              as_of: date, trigger: RunTrigger) -> RunOutcome:
    history = found.history
    models: dict[str, int] = {}
    for result in results:
        models[result.model] = models.get(result.model, 0) + 1
    mase = [r.accuracy["mase"] for r in results
            if "mase" in r.accuracy and math.isfinite(r.accuracy["mase"])]
    summary = {"models": models,
               "mean_mase": sum(mase) / len(mase) if mase else None,
               "classes": _count(r.demand_class.value for r in results)}
    first, last = (period_dates(history, 0)[0],
                   period_dates(history, history.periods - 1)[0]) if history.periods \
        else (None, None)
    run_id = int(session.execute(insert(_RUNS).returning(_RUNS.c.id), {
        "trigger": trigger.value, "started_at": started, "finished_at": finished,
        "as_of": as_of, "frequency": history.calendar.frequency.value,
        "horizon": config.horizon, "season": config.season, "first_period": first,
        "last_period": last, "series": len(results),
        "config": json.dumps(config.to_json()), "inputs": json.dumps(found.inputs()),
        "summary": json.dumps(summary)}).scalar_one())
    conn = session.connection()
    _NEW_SERIES.run(conn, [{
        "run_id": run_id, "item_id": item, "location_id": location, "source": source,
        "demand_class": r.demand_class.value, "adi": _finite(r.adi), "cv2": _finite(r.cv2),
        "model": r.model, "reason": r.reason,
        "scores": json.dumps({k: round(v, 6) if math.isfinite(v) else None
                              for k, v in r.scores.items()}),
        "mase": _finite(r.accuracy.get("mase", math.nan)),
        "rmsse": _finite(r.accuracy.get("rmsse", math.nan)),
        "wape": _finite(r.accuracy.get("wape", math.nan)),
        "bias": _finite(r.accuracy.get("bias", math.nan)),
        "error_sd": _finite(r.error_sd), "history_periods": r.history,
    } for (item, location), source, r in zip(found.series, found.sources, results,
                                             strict=True)])
    ids = {(row.item_id, row.location_id): row.id
           for row in conn.execute(_SERIES_IDS, {"run_id": run_id})}
    periods = [period_dates(history, history.periods + step) for step in range(config.horizon)]
    levels = list(config.levels)
    low, middle, high = (levels.index(q) for q in (0.1, 0.5, 0.9))
    rows = []
    for key, r in zip(found.series, results, strict=True):
        series_id = ids[key]
        forecast = r.forecast.tolist()
        quantiles = r.quantiles.tolist()
        for step, (start, end) in enumerate(periods):
            rows.append({"series_id": series_id, "period_start": start, "period_end": end,
                         "quantity": _amount(forecast[step]),
                         "p10": _amount(quantiles[low][step]),
                         "p50": _amount(quantiles[middle][step]),
                         "p90": _amount(quantiles[high][step])})
    _NEW_VALUES.run(conn, rows)
    return RunOutcome(run_id, len(results), models,
                      f"run {run_id}: {len(results)} series, horizon {config.horizon}, "
                      f"season {config.season}")


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


def latest_run(session: Session) -> int | None:
    found = session.execute(select(_RUNS.c.id).order_by(_RUNS.c.id.desc()).limit(1)).scalar()
    return int(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class PeriodForecast:
    start: date
    end: date
    quantity: Decimal  # the agreed figure where a revision exists, else the run's
    run_quantity: Decimal
    revised: bool


def forecasts(session: Session, run_id: int) -> dict[tuple[int, int], list[PeriodForecast]]:
    """The run's forecasts per item and location, with agreed revisions applied (the
    latest revision of a period wins)."""
    revisions = table(ForecastRevision)
    latest = select(revisions.c.item_id, revisions.c.location_id, revisions.c.period_start,
                    func.max(revisions.c.id).label("id")) \
        .group_by(revisions.c.item_id, revisions.c.location_id, revisions.c.period_start) \
        .subquery()
    agreed = {(r.item_id, r.location_id, r.period_start): r.quantity
              for r in session.execute(
                  select(revisions.c.item_id, revisions.c.location_id,
                         revisions.c.period_start, revisions.c.quantity)
                  .join(latest, latest.c.id == revisions.c.id))}
    out: dict[tuple[int, int], list[PeriodForecast]] = {}
    rows = session.execute(
        select(_SERIES.c.item_id, _SERIES.c.location_id, _VALUES.c.period_start,
               _VALUES.c.period_end, _VALUES.c.quantity)
        .join(_VALUES, _VALUES.c.series_id == _SERIES.c.id)
        .where(_SERIES.c.run_id == run_id)
        .order_by(_SERIES.c.item_id, _SERIES.c.location_id, _VALUES.c.period_start))
    for r in rows:
        revised = agreed.get((r.item_id, r.location_id, r.period_start))
        out.setdefault((r.item_id, r.location_id), []).append(PeriodForecast(
            r.period_start, r.period_end, revised if revised is not None else r.quantity,
            r.quantity, revised is not None))
    return out


def error_sd(session: Session, run_id: int) -> dict[tuple[int, int], float]:
    """Each series' one-period forecast error in the run."""
    rows = session.execute(select(_SERIES.c.item_id, _SERIES.c.location_id,
                                  _SERIES.c.error_sd).where(_SERIES.c.run_id == run_id))
    return {(r[0], r[1]): float(r[2] or 0.0) for r in rows}


def run_row(session: Session, run_id: int) -> Any:
    return session.execute(select(_RUNS).where(_RUNS.c.id == run_id)).first()
