"""Forecasting speed: weekly series from stored history to stored forecasts.

Generates ``--series`` weekly series of ``--weeks`` weeks (half of them smooth with
a yearly season, half intermittent), stores them as sales history in a fresh
database (not timed), then measures in the same run:

1. the planning run as a whole (``run_forecast`` and commit): the history read
   from the tables, the forecasts on local processes (one per core), the run,
   its series and their 13 weekly forecasts with quantiles stored;
2. the forecasting alone, in one process and on the local processes;
3. each simple and intermittent method alone, series per second;
4. the baseline: statsforecast's AutoETS with season 52 on a sample
   (``--sample``, both cores), its series per second and the time it would take
   for every series; and the accuracy (MASE on the last 13 weeks held out) of
   the gateway's default and AutoETS on the same sample.

The load average is printed with the figures: the machine is shared.

    .venv/bin/python bench/forecast_speed.py [--series 10000] [--weeks 104] [--sample 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.db.statements import Bulk
from gateway.forecast import methods
from gateway.forecast.engine import Config, forecast_series
from gateway.forecast.partition import run as run_partitioned
from gateway.inventory.models import Item, Location, SalesRecord
from gateway.planning.runs import run_forecast
from gateway.traffic.models import InboundFile, InboundMessage

SEASON, HORIZON = 52, 13
FIRST = date(2023, 1, 2)  # a Monday


def generate(count: int, weeks: int, seed: int = 7) -> np.ndarray:
    """Even rows: Poisson around a level with a yearly season and a slow trend; odd
    rows: demand in about a third of the weeks, a few units each time."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    season = 1 + 0.35 * np.sin(2 * np.pi * t / SEASON) + 0.25 * (t % SEASON >= 46)
    rows = np.empty((count, weeks))
    for i in range(count):
        level = rng.uniform(5, 60)
        if i % 2 == 0:
            trend = 1 + rng.uniform(-0.003, 0.004) * t
            rows[i] = rng.poisson(level * season * trend)
        else:
            rows[i] = (rng.random(weeks) < rng.uniform(0.15, 0.45)) \
                * rng.poisson(level / 10 + 1, weeks)
    return rows


def store_history(url: str, values: np.ndarray) -> None:
    """The series as sales history rows of one report, one location per 100 items."""
    engine = make_engine(url)
    upgrade(engine)
    count, weeks = values.shape
    with engine.begin() as conn:
        file_id = conn.execute(insert(table(InboundFile)).returning(table(InboundFile).c.id), {
            "sha256": "0" * 64, "name": "bench", "size": 0, "standard": "x12",
            "received_at": datetime.now(UTC)}).scalar_one()
        message_id = conn.execute(insert(table(InboundMessage)).returning(
            table(InboundMessage).c.id), {
            "file_id": file_id, "position": 1, "message_type": "852",
            "document_type": "product_activity", "status": "stored"}).scalar_one()
        Bulk(table(Item)).run(conn, [
            {"key": f"gtin:{i:014d}", "gtin": f"{i:014d}", "supplier_part": None,
             "buyer_part": None, "description": None} for i in range(count)])
        places = (count + 99) // 100
        Bulk(table(Location)).run(conn, [
            {"key": f"gln:{p:013d}", "gln": f"{p:013d}", "name": None, "party_id": None}
            for p in range(places)])
        sales = Bulk(table(SalesRecord))
        starts = [FIRST + timedelta(weeks=w) for w in range(weeks)]
        ends = [s + timedelta(days=6) for s in starts]
        for first in range(0, count, 500):
            rows = []
            for i in range(first, min(first + 500, count)):
                for w in range(weeks):
                    rows.append({"issuer_key": "gln:0614141000012", "item_id": i + 1,
                                 "location_id": i // 100 + 1, "period_start": starts[w],
                                 "period_end": ends[w], "sold": Decimal(int(values[i, w])),
                                 "returned": None, "on_hand": None, "sales_amount": None,
                                 "unit": "EA", "message_id": message_id})
            sales.run(conn, rows)
    engine.dispose()


def timed(label: str, work: object, *args: object, **kwargs: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work(*args, **kwargs)  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"  {label:58} {seconds:8.2f} s")
    return seconds, result


def mase(train: np.ndarray, test: np.ndarray, forecast: np.ndarray) -> float:
    scale = np.abs(train[:, SEASON:] - train[:, :-SEASON]).mean(axis=1)
    error = np.abs(test - np.maximum(forecast, 0)).mean(axis=1)
    keep = scale > 0
    return float((error[keep] / scale[keep]).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--sample", type=int, default=200,
                        help="series for the statsforecast baseline and the accuracy check")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{len(os.sched_getaffinity(0))} cores")
    values = generate(args.series, args.weeks)
    config = Config(horizon=HORIZON, season=SEASON)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        store_history(url, values)
        print(f"{args.series} series x {args.weeks} weeks stored as sales history in "
              f"{time.perf_counter() - started:.1f} s (not timed below)\n")
        engine = make_engine(url)
        now = datetime.combine(FIRST + timedelta(weeks=args.weeks), datetime.min.time(),
                               tzinfo=UTC)

        def planning_run() -> object:
            with Session(engine) as session, session.begin():
                return run_forecast(session, clock=lambda: now, horizon=HORIZON,
                                    season=SEASON)

        print("the default configuration (season 52, h = 13, 2 backtest windows):")
        whole, outcome = timed("stored history -> stored forecasts (run_forecast)",
                               planning_run)
        engine.dispose()
    print(f"    {outcome.detail}; models {outcome.models}")  # type: ignore[attr-defined]
    rows = list(values)
    single, _ = timed("forecasting alone, one process", forecast_series, rows, config)
    parallel, _ = timed("forecasting alone, local processes", run_partitioned, rows, config)

    print("\nsimple and intermittent methods alone (one process, no backtest):")
    rates = {}
    simple = {"naive": methods.naive, "seasonal_naive": methods.seasonal_naive,
              "average": methods.average, "moving_average": methods.moving_average,
              "ses": methods.ses, "croston": methods.croston, "sba": methods.sba,
              "tsb": methods.tsb, "seasonal_tsb": methods.seasonal_tsb}
    for name, method in simple.items():
        started = time.perf_counter()
        method(values, HORIZON, SEASON)
        rates[name] = args.series / (time.perf_counter() - started)
        print(f"  {name:20} {rates[name]:12,.0f} series/s")

    sample = values[np.linspace(0, args.series - 1, args.sample).astype(int)]
    train, test = sample[:, :-HORIZON], sample[:, -HORIZON:]
    print(f"\nbaseline: statsforecast AutoETS(season_length=52), {args.sample} series, "
          "both cores:")
    try:
        import pandas as pd  # noqa: PLC0415
        from statsforecast import StatsForecast  # noqa: PLC0415
        from statsforecast.models import AutoETS  # noqa: PLC0415
    except ImportError:
        print("  statsforecast is not installed: .venv/bin/pip install -e '.[bench]'")
        return 1
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    frame = pd.concat([pd.DataFrame({"unique_id": str(i), "ds": np.arange(train.shape[1]),
                                     "y": y}) for i, y in enumerate(train)])
    warm = StatsForecast(models=[AutoETS(season_length=SEASON)], freq=1, n_jobs=2)
    warm.forecast(df=frame[frame["unique_id"] == "0"], h=HORIZON)  # compile first
    started = time.perf_counter()
    out = StatsForecast(models=[AutoETS(season_length=SEASON)], freq=1, n_jobs=2) \
        .forecast(df=frame, h=HORIZON)
    seconds = time.perf_counter() - started
    ets_rate = args.sample / seconds
    ets = np.stack([out[out["unique_id"] == str(i)]["AutoETS"].to_numpy(float)
                    for i in range(args.sample)])
    print(f"  {ets_rate:,.1f} series/s: {args.series / ets_rate:,.0f} s for {args.series}")
    ours = np.stack([r.forecast for r in forecast_series(list(train), config)])
    print(f"\naccuracy on the sample's last {HORIZON} weeks held out (MASE, seasonal naive "
          f"scale): gateway {mase(train, test, ours):.3f}, AutoETS "
          f"{mase(train, test, ets):.3f}")
    print("\nratios (same run):")
    print(f"  whole planning run {whole:.1f} s: target 120 s "
          f"({'met' if whole < 120 else 'missed'}); "
          f"AutoETS alone would take {args.series / ets_rate / whole:.1f}x as long")
    print(f"  forecasting alone, local processes: {args.series / parallel:,.0f} series/s "
          f"= {args.series / parallel / ets_rate:.0f}x AutoETS; one process "
          f"{args.series / single:,.0f} series/s")
    started = time.perf_counter()
    methods.METHODS["ses"](values, HORIZON, SEASON)
    print(f"  (ses with the seasonal adjustment the run applies: "
          f"{args.series / (time.perf_counter() - started):,.0f} series/s)")
    slowest = min(rates, key=lambda k: rates[k])
    print(f"  slowest simple/intermittent method {slowest} {rates[slowest]:,.0f} series/s: "
          f"target 10,000 ({'met' if rates[slowest] >= 10_000 else 'missed'})")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
