"""Migrations: a new database reaches the current schema, and the schema the models
describe is exactly what the migrations build."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from gateway.db.migrate import current, head, upgrade
from gateway.db.models import metadata


def test_new_database_is_at_head(engine: Engine) -> None:
    """After upgrade the database is at the newest migration."""
    assert current(engine) == head()


def test_models_and_migrations_agree(engine: Engine) -> None:
    """Autogenerate finds nothing to add: no model change lacks its migration."""
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    """Running the migrations again on a current database is a no-op."""
    upgrade(engine)
    assert current(engine) == head()
