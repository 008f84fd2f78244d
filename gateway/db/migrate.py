"""Bringing a database to the current schema with Alembic, from code.

The gateway and the tests call :func:`upgrade` on start; there is no separate
step to forget. Migrations live in ``gateway/db/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from gateway.db.engine import DEFAULT_URL, database_problem, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_TOUCH = text("UPDATE alembic_version SET version_num = version_num")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url",
                           engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration the database has not seen yet."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str | None, *, default: str = DEFAULT_URL,
                  create_folder: bool | None = None) -> Engine:
    """The database at ``url`` brought to the current schema, ready to be written:
    the commands' one way in. None is the embedded ``default`` (``var/gateway.db``),
    its folder made when missing (``create_folder`` says otherwise). A URL that cannot be used is a
    :class:`~gateway.errors.UsageError`; a database that cannot be reached, opened
    or written a :class:`~gateway.errors.DatabaseError`, before any work is done."""
    engine = make_engine(url or default,
                         create_folder=url is None if create_folder is None else create_folder)
    try:
        upgrade(engine)
        # A database already at head is only read by the upgrade: a write is tried
        # (and rolled back) so that one that cannot be written is said now, not at
        # the first row stored.
        with engine.connect() as conn, conn.begin() as transaction:
            conn.execute(_TOUCH)
            transaction.rollback()
    except DBAPIError as err:
        engine.dispose()
        raise database_problem(err, engine.url) from None
    return engine


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
