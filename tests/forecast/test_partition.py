"""A run shared among local processes or a Dask cluster gives what one process gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gateway.forecast.engine import Config, forecast_series
from gateway.forecast.partition import run

ROOT = Path(__file__).resolve().parents[2]


def _series(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    t = np.arange(40)
    return [np.maximum(rng.normal(20 + 5 * np.sin(t * 2 * np.pi / 4), 3), 0)
            if i % 2 else (rng.random(40) < 0.3) * rng.integers(1, 5, 40).astype(float)
            for i in range(count)]


def test_local_processes_give_the_single_process_result_in_order() -> None:
    """Two worker processes, chunks of 7: the same forecasts in the same order."""
    series = _series(30)
    config = Config(horizon=4, season=4)
    shared = run(series, config, workers=2, chunk=7)
    alone = forecast_series(series, config)
    assert [r.model for r in shared] == [r.model for r in alone]
    for x, y in zip(shared, alone, strict=True):
        np.testing.assert_allclose(x.forecast, y.forecast)
        np.testing.assert_allclose(x.quantiles, y.quantiles)


# Dask's client and cluster leave threads behind in the process that used them (its
# offload executor lives as long as the process), which other tests rightly take as
# a reason not to fork: the cluster is used from a process of its own.
_ON_DASK = textwrap.dedent("""
    import numpy as np
    from dask.distributed import Client, LocalCluster
    from gateway.forecast.engine import Config, forecast_series
    from gateway.forecast.partition import run
    from tests.forecast.test_partition import _series

    if __name__ == "__main__":
        series, config = _series(12), Config(horizon=4, season=4)
        alone = forecast_series(series, config)
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            for target in (client, cluster.scheduler_address):
                shared = run(series, config, cluster=target, chunk=5)
                assert [r.model for r in shared] == [r.model for r in alone]
                for x, y in zip(shared, alone, strict=True):
                    np.testing.assert_allclose(x.forecast, y.forecast)
                    np.testing.assert_allclose(x.quantiles, y.quantiles)
        print("same on dask")
""")


def test_a_dask_local_cluster_gives_the_single_process_result() -> None:
    """On a LocalCluster (one worker process), given as a client or as the scheduler's
    address, the chunks come back in order with the single-process forecasts."""
    pytest.importorskip("dask.distributed")
    done = subprocess.run([sys.executable, "-c", _ON_DASK], capture_output=True, text=True,
                          check=False, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("same on dask")
