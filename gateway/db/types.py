"""Column types shared by every table: exact amounts and aware timestamps.

PostgreSQL stores :data:`Amount` as NUMERIC, exactly. SQLite has no decimal
type and stores REAL; values come back rounded to the column's six places,
which is exact for the quantities and money the gateway handles (at most
fifteen significant digits). Timestamps are stored in UTC and always come
back aware, on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator

Amount = Numeric(20, 6, asdecimal=True)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime in, the same moment (in UTC) out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a time zone")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
