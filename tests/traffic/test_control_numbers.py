"""Control numbers: one atomic statement per partner and scope, unique under
concurrency, rolling over after each field's real maximum, given back on rollback."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine

from gateway.partners.profile import DEFAULT_PARTNERS, load_profiles
from gateway.partners.service import partner_row, sync_profiles
from gateway.traffic.control_numbers import MAXIMUM, Scope, allocate, set_counter


def _partner(engine: Engine) -> int:
    with engine.begin() as conn:
        sync_profiles(conn, load_profiles(DEFAULT_PARTNERS), datetime(2024, 1, 1, tzinfo=UTC))
        found = partner_row(conn, "nwretail")
    assert found is not None
    return found.id


def test_numbers_count_per_partner_and_scope(engine: Engine) -> None:
    """Each scope counts from 1 on its own; a rolled-back number is given again."""
    partner = _partner(engine)
    with engine.begin() as conn:
        assert [allocate(conn, partner, Scope.ISA) for _ in range(3)] == [1, 2, 3]
        assert allocate(conn, partner, Scope.GS) == 1
    with engine.connect() as conn, conn.begin() as transaction:
        assert allocate(conn, partner, Scope.ISA) == 4
        transaction.rollback()
    with engine.begin() as conn:
        assert allocate(conn, partner, Scope.ISA) == 4


def test_each_field_rolls_over_after_its_maximum(engine: Engine) -> None:
    """ISA13 after 999999999 and UNB 0020 after fourteen nines start again at 1."""
    partner = _partner(engine)
    assert MAXIMUM[Scope.ISA] == 999_999_999 and MAXIMUM[Scope.UNB] == 10 ** 14 - 1
    with engine.begin() as conn:
        set_counter(conn, partner, Scope.ISA, 999_999_998)
        assert [allocate(conn, partner, Scope.ISA) for _ in range(3)] == [999_999_999, 1, 2]
        set_counter(conn, partner, Scope.UNB, 10 ** 14 - 1)
        assert allocate(conn, partner, Scope.UNB) == 1


def test_concurrent_allocations_never_repeat(engine: Engine) -> None:
    """Eight threads taking 25 numbers each, each in its own transaction: 200 distinct
    numbers, 1 to 200 (SQLite serialises writers; PostgreSQL locks the counter row)."""
    partner = _partner(engine)
    taken: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            with engine.begin() as conn:
                number = allocate(conn, partner, Scope.ST)
            with lock:
                taken.append(number)

    if engine.dialect.name == "sqlite":
        engine.pool.dispose()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(1, 201))
