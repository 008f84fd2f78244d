"""Fixtures shared across the suite."""

from __future__ import annotations

import warnings

from tests.database import engine, postgres_url

# SQLite stores Numeric as REAL; the gateway reads values back rounded to the
# column's scale, which is exact for its amounts (see gateway/db/types.py).
warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")

__all__ = ["engine", "postgres_url"]
