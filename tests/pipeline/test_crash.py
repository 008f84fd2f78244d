"""The service killed in the middle of a batch loses nothing and does nothing twice; two
services on one PostgreSQL database take each file once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.db.base import table
from gateway.db.engine import make_engine
from gateway.orders.models import PurchaseOrderRecord
from gateway.traffic.models import InboundFile, OutboundFile
from tests.pipeline.crowd import fill


def _serve(var: Path, database: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gateway.cli.main", "serve", "--once", "--no-demo",
         "--var", str(var), "--database", database],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _count(engine: Engine, model: type, *where: object) -> int:
    t = table(model)
    query = select(func.count()).select_from(t)
    for clause in where:
        query = query.where(clause)  # type: ignore[arg-type]
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _exactly_once(engine: Engine, var: Path, count: int) -> None:
    """Every file recorded once and processed, one order each, one 997 each with ISA13
    1..count (no gap, no repeat), every 997 in the outbox, the inbox empty."""
    files = table(InboundFile)
    outbound = table(OutboundFile)
    orders = table(PurchaseOrderRecord)
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(files.c.status, func.count())
                                     .group_by(files.c.status)).all())
        names = list(conn.execute(select(files.c.name)).scalars())
        numbers = sorted(conn.execute(select(orders.c.number)).scalars())
        controls = sorted(int(c) for c in conn.execute(
            select(outbound.c.interchange_control)).scalars())
        sent = dict(conn.execute(select(outbound.c.status, func.count())
                                 .group_by(outbound.c.status)).all())
    assert statuses == {"processed": count}
    assert sorted(names) == [f"po-{n:05d}.x12" for n in range(1, count + 1)]
    assert numbers == sorted(str(77000000 + n) for n in range(1, count + 1))
    assert controls == list(range(1, count + 1))
    assert sent == {"sent": count}
    outbox = var / "partners" / "nwretail" / "outbox"
    assert len([p for p in outbox.iterdir() if not p.name.startswith(".")]) == count
    inbox = var / "partners" / "nwretail" / "inbox"
    assert [p.name for p in inbox.iterdir() if p.name != ".taking"] == []
    assert list((inbox / ".taking").iterdir()) == []


def test_a_service_killed_mid_batch_takes_each_file_exactly_once(tmp_path: Path) -> None:
    """500 orders; the service is SIGKILLed once 60 files are processed; started again,
    it finishes: nothing lost, no order, 997 or control number twice, no gap."""
    var = tmp_path / "var"
    url = f"sqlite:///{var / 'gateway.db'}"
    first = _serve(var, url)
    first.wait(timeout=120)  # creates the folders and the database, nothing to take
    fill(var / "partners" / "nwretail" / "inbox", 500)
    engine = make_engine(url)
    try:
        service = _serve(var, url)
        deadline = time.monotonic() + 300
        while _count(engine, InboundFile, table(InboundFile).c.status == "processed") < 60:
            assert service.poll() is None, service.stderr.read() if service.stderr else ""
            assert time.monotonic() < deadline, "the service took too long"
            time.sleep(0.05)
        os.kill(service.pid, signal.SIGKILL)
        service.wait()
        done = _count(engine, InboundFile, table(InboundFile).c.status == "processed")
        assert 60 <= done < 500  # killed in the middle
        again = _serve(var, url)
        assert again.wait(timeout=600) == 0, again.stderr.read() if again.stderr else ""
        _exactly_once(engine, var, 500)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_two_services_on_postgresql_drain_one_inbox_once(tmp_path: Path,
                                                           postgres_url: str) -> None:
    """Two service processes on one PostgreSQL database and one inbox of 1,000 files:
    each file is taken by one of them, each order stored once, the control numbers of
    the 997s unique and without gaps."""
    from tests.database import _reset_postgres  # noqa: PLC0415

    _reset_postgres(postgres_url).dispose()
    var = tmp_path / "var"
    setup = _serve(var, postgres_url)
    assert setup.wait(timeout=120) == 0
    fill(var / "partners" / "nwretail" / "inbox", 1000)
    services = [_serve(var, postgres_url) for _ in range(2)]
    for service in services:
        assert service.wait(timeout=900) == 0, service.stderr.read() if service.stderr else ""
    engine = make_engine(postgres_url)
    try:
        _exactly_once(engine, var, 1000)
        files = table(InboundFile)
        with engine.connect() as conn:
            pickups = list(conn.execute(select(files.c.pickup)).scalars())
        assert len(set(pickups)) == 1000
    finally:
        engine.dispose()
