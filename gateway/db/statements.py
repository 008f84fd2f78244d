"""Statements the services share: upserts that work on SQLite and PostgreSQL.

Both databases support ``INSERT ... ON CONFLICT``; SQLAlchemy spells it per
dialect, so the dialect is picked from the connection here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(conn: Connection, table: Table) -> Any:
    """An INSERT that offers ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the gateway supports SQLite and PostgreSQL, not "
                              f"{conn.dialect.name}")
