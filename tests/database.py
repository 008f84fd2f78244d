"""Database fixtures: an embedded SQLite file, and a real PostgreSQL server.

PostgreSQL tests run against the server on 127.0.0.1:5432 (trust auth), each
session in a database of its own that is dropped afterwards. Where no server
answers, they are skipped with the reason; SQLite always runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade

SERVER = "postgresql+psycopg://{user}@127.0.0.1:5432/{database}"
USERS = ("postgres", "root")


def _admin() -> tuple[Engine, str] | None:
    for user in USERS:
        engine = create_engine(SERVER.format(user=user, database="test"),
                               isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        except OperationalError:
            engine.dispose()
            continue
        return engine, user
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    found = _admin()
    if found is None:
        pytest.skip("no PostgreSQL server answers at 127.0.0.1:5432 (users postgres, root)")
    admin, user = found
    name = f"gateway_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield SERVER.format(user=user, database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind the gateway supports."""
    if request.param == "sqlite":
        created = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    else:
        created = _reset_postgres(request.getfixturevalue("postgres_url"))
    upgrade(created)
    try:
        yield created
    finally:
        created.dispose()
