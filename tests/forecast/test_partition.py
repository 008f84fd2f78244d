"""A run shared among local processes or a Dask cluster gives what one process gives."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.forecast.engine import Config, forecast_series
from gateway.forecast.partition import run


def _series(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    t = np.arange(40)
    return [np.maximum(rng.normal(20 + 5 * np.sin(t * 2 * np.pi / 4), 3), 0)
            if i % 2 else (rng.random(40) < 0.3) * rng.integers(1, 5, 40).astype(float)
            for i in range(count)]


def _same(a: list, b: list) -> None:
    assert [r.model for r in a] == [r.model for r in b]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x.forecast, y.forecast)
        np.testing.assert_allclose(x.quantiles, y.quantiles)


def test_local_processes_give_the_single_process_result_in_order() -> None:
    """Two worker processes, chunks of 7: the same forecasts in the same order."""
    series = _series(30)
    config = Config(horizon=4, season=4)
    _same(run(series, config, workers=2, chunk=7), forecast_series(series, config))


def test_a_dask_local_cluster_gives_the_single_process_result() -> None:
    """On a LocalCluster (one worker process) the chunks come back in order."""
    distributed = pytest.importorskip("dask.distributed")
    series = _series(12)
    config = Config(horizon=4, season=4)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        _same(run(series, config, cluster=client, chunk=5), forecast_series(series, config))
        # A scheduler address works as well as a client.
        _same(run(series, config, cluster=cluster.scheduler_address, chunk=5),
              forecast_series(series, config))
