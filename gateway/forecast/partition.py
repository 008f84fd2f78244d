"""A forecasting run shared out: chunks of series to local processes, or to the
workers of a Dask cluster when the caller names one.

Series are independent, so a run splits into chunks that are forecast apart
and put back in order; the result is the one a single process gives. Local
processes are started with ``spawn`` (no inherited locks or threads, safe from
a threaded server); below :data:`PARALLEL_FROM` series the run stays in the
calling process, where starting workers would cost more than it saves.
Dask is imported only when a cluster is named.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from gateway.forecast.engine import Config, SeriesForecast, forecast_series

Array = npt.NDArray[np.float64]
PARALLEL_FROM = 2_000
CHUNK = 1_000


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _chunks(series: Sequence[Array], size: int) -> list[list[Array]]:
    return [list(series[i:i + size]) for i in range(0, len(series), size)]


def run(series: Sequence[Array], config: Config, *, workers: int | None = None,
        cluster: Any = None, chunk: int = CHUNK) -> list[SeriesForecast]:
    """Forecast ``series`` in order. ``cluster``: a ``dask.distributed.Client`` or a
    scheduler address; else ``workers`` local processes (default: one per core for
    runs of :data:`PARALLEL_FROM` series or more, else none)."""
    if not series:
        return []
    if cluster is not None:
        return _on_dask(series, config, cluster, chunk)
    count = workers if workers is not None else (cores() if len(series) >= PARALLEL_FROM
                                                 else 1)
    parts = _chunks(series, max(1, min(chunk, -(-len(series) // max(count, 1)))))
    if count <= 1 or len(parts) == 1:
        return forecast_series(series, config)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(count, len(parts)), mp_context=context) as pool:
        done = pool.map(forecast_series, parts, [config] * len(parts))
        return [result for part in done for result in part]


def _on_dask(series: Sequence[Array], config: Config, cluster: Any,
             chunk: int) -> list[SeriesForecast]:
    from dask.distributed import Client  # noqa: PLC0415  # only where a cluster is named

    own = not isinstance(cluster, Client)
    client = Client(cluster) if own else cluster  # type: ignore[no-untyped-call]
    try:
        futures = client.map(forecast_series, _chunks(series, chunk), config=config,
                             pure=False)
        return [result for part in client.gather(futures) for result in part]
    finally:
        if own:
            client.close()
