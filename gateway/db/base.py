"""The declarative base and the naming convention every table and constraint uses.

A fixed naming convention makes migrations reproducible on SQLite and
PostgreSQL alike. Statuses are stored as text (string enums), never as
integers. Every column checks what it is given (see :class:`Base`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from gateway.db.types import guard_columns

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's table gets the fit check on its columns (see
    :func:`gateway.db.types.guard_columns`): a value its column cannot hold is
    refused the same way on SQLite and PostgreSQL, never stored altered."""

    metadata = MetaData(naming_convention=NAMING)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = cls.__dict__.get("__table__")
        if isinstance(found, Table):
            guard_columns(found)


def table(model: type[Base]) -> Table:
    """The Core table of a mapped class, for statements on the hot paths."""
    found = model.__table__
    assert isinstance(found, Table)
    return found
