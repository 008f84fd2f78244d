"""Ingesting with several worker processes: the database ends exactly as one
process leaves it, batches are stored in the file's order, and a failing worker
stops the ingest without storing anything after the failure; on SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

import gateway.pipeline.ingest as ingest_module
import gateway.pipeline.workers as workers_module
from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.db.models import metadata
from gateway.mapping.registry import Mappings, load_mappings
from gateway.pipeline.ingest import PARALLEL_FROM, IngestResult, ingest, worker_count
from gateway.pipeline.workers import WorkerFailed
from tests.database import _reset_postgres
from tests.pipeline.test_ingest import _orders, _purchase_orders

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "edifact"
# Documents that refer to each other, in an order where some come after what they
# refer to and some before.
MAILBAG = ("ORDERS_D96A", "ORDCHG_D96A", "ORDRSP_D96A", "DESADV_D96A", "RECADV_D96A",
           "INVOIC_D96A", "INVRPT_D96A", "SLSRPT_D96A", "DELFOR_D96A", "ORDERS_D01B",
           "DESADV_D96A_nested", "INVOIC_D01B", "ORDCHG_D01B")


@pytest.fixture(scope="module")
def mappings() -> Mappings:
    return load_mappings()


def _clock() -> datetime:
    return datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _mailbag() -> bytes:
    """Many interchanges in one file: every kind of document, orders with their
    changes in later batches, a message the database refuses, one validation
    refuses, and documents sent twice."""
    parts = [(SAMPLES / f"{name}.edi").read_bytes() for name in MAILBAG]
    parts.append(_orders(6, duplicate_line=4))
    parts.append(_orders(3, bgm=False).replace(b"REF1", b"REF2"))
    parts.append(_purchase_orders(("PO-77", "9", ((1, 5), (2, 7))),
                                  ("PO-77", "5", ((1, 9),)),
                                  ("PO-77", "1", ())))
    parts.append(parts[0])  # the first order again: a duplicate
    return b"".join(part if part.endswith(b"\n") else part + b"\n" for part in parts)


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ids included, in a stable order."""
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = [tuple(row) for row in rows]
    return found


def _outcomes(result: IngestResult) -> list[tuple[Any, ...]]:
    return [(m.position, m.message_type, m.reference, m.document_type, m.number, m.status,
             m.detail, [i.code for i in m.issues]) for m in result.messages]


def _fresh(engine: Engine, tmp_path: Path, name: str) -> Engine:
    """Another empty database of the same kind as ``engine``."""
    if engine.dialect.name == "sqlite":
        created = make_engine(f"sqlite:///{tmp_path / name}")
    else:
        engine.dispose()
        created = _reset_postgres(engine.url.render_as_string(hide_password=False))
    upgrade(created)
    return created


def test_workers_leave_the_database_as_one_process_does(engine: Engine, mappings: Mappings,
                                                        tmp_path: Path) -> None:
    """Rule: parallel ingest is an optimisation only. With batches of two messages and
    two or three workers, every row of every table (ids included) and every message
    outcome equal what a single process stores from the same mailbag."""
    data = _mailbag()
    alone = ingest(engine, data, "mailbag.edi", mappings, clock=_clock, batch=2, workers=1)
    expected = _snapshot(engine)
    assert sum(len(rows) for rows in expected.values()) > 100
    statuses = {m.status for m in alone.messages}
    assert {"stored", "failed", "duplicate"} <= statuses
    for count in (2, 3):
        other = _fresh(engine, tmp_path, f"workers-{count}.db")
        try:
            result = ingest(other, data, "mailbag.edi", mappings, clock=_clock, batch=2,
                            workers=count)
            assert _outcomes(result) == _outcomes(alone)
            assert [i.code for i in result.issues] == [i.code for i in alone.issues]
            assert _snapshot(other) == expected
        finally:
            other.dispose()


def test_a_change_stored_by_another_worker_finds_its_order(engine: Engine,
                                                           mappings: Mappings) -> None:
    """Rule: batches are stored in the file's order, whichever worker prepared them.
    An order, its change and its cancellation each fall in a batch of their own, and
    so with another worker than the one before; the order ends cancelled."""
    data = _purchase_orders(("PO-9", "9", ((1, 5), (2, 7))), ("PO-9", "5", ((1, 9),)),
                            ("PO-9", "1", ()))
    result = ingest(engine, data, "po9.edi", mappings, batch=1, workers=2)
    assert [m.status for m in result.messages] == ["stored", "stored", "stored"]
    with engine.connect() as conn:
        status = conn.execute(text(
            "select status from purchase_orders where number = 'PO-9'")).scalar_one()
    assert status == "cancelled"


def _failing_at(position: int, fail: Callable[[], None]) -> Callable[..., None]:
    real = ingest_module._store_batch

    def store(engine: Engine, batch: list[Any], tolerance: Any) -> None:
        if batch and batch[0].outcome.position == position:
            fail()
        real(engine, batch, tolerance)
    return store


def _boom() -> None:
    raise RuntimeError("the disk is full")


def _stored_positions(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            "select position from inbound_messages order by position")).scalars())


def test_a_worker_failure_is_raised_and_nothing_after_it_is_stored(
        engine: Engine, mappings: Mappings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a failure while storing stops the ingest as in one process. The error
    reaches the caller; the batches before it are stored, none after it."""
    monkeypatch.setattr(ingest_module, "_store_batch", _failing_at(5, _boom))
    with pytest.raises(RuntimeError, match="the disk is full"):
        ingest(engine, _orders(10), "f.edi", mappings, batch=2, workers=2)
    assert _stored_positions(engine) == [1, 2, 3, 4]


def test_a_worker_that_dies_is_reported(engine: Engine, mappings: Mappings,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a worker that ends without a word (killed, out of memory) is noticed: the
    ingest fails with its exit code instead of waiting for ever, and nothing after
    its batch is stored."""
    monkeypatch.setattr(ingest_module, "_store_batch",
                        _failing_at(3, lambda: os._exit(3)))
    with pytest.raises(WorkerFailed, match="exit code 3"):
        ingest(engine, _orders(8), "g.edi", mappings, batch=2, workers=2)
    assert _stored_positions(engine) == [1, 2]


def test_a_worker_that_dies_holding_the_turn_does_not_hang_the_ingest(
        engine: Engine, mappings: Mappings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a worker killed while it holds the shared turn (a lock no one else can
    then take) still ends the ingest with an error instead of a hang; what it had
    committed stays, nothing after it is stored."""
    real = workers_module._Turn.pass_on

    def die_holding_the_lock(turn: workers_module._Turn, index: int, **options: Any) -> bool:
        if index == 1:  # a forked worker's batch: the calling process stores the even ones
            turn.changed.acquire()
            os._exit(4)
        return real(turn, index, **options)

    monkeypatch.setattr(workers_module._Turn, "pass_on", die_holding_the_lock)
    with pytest.raises(WorkerFailed, match="exit code 4"):
        ingest(engine, _orders(8), "h.edi", mappings, batch=2, workers=2)
    assert _stored_positions(engine) == [1, 2, 3, 4]


def test_worker_count_takes_the_safe_path(tmp_path: Path) -> None:
    """Rule: workers only where they are safe and pay: a large file, a database other
    processes can open, no other thread running, more than one core."""
    on_disk = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    in_memory = make_engine("sqlite://")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    assert worker_count(on_disk, PARALLEL_FROM - 1) == 1
    assert worker_count(in_memory, PARALLEL_FROM * 10) == 1
    assert worker_count(on_disk, PARALLEL_FROM * 10) == min(cores, 4)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert worker_count(on_disk, PARALLEL_FROM * 10) == 1
    finally:
        stop.set()
        other.join()
    on_disk.dispose()
    in_memory.dispose()
