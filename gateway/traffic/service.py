"""Recording what happens to traffic: state changes with their time and issues.

Functions take a connection and never commit: the pipeline owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from gateway.db.base import table
from gateway.edi.issues import Issue
from gateway.traffic.models import StateChange

_CHANGES = table(StateChange)


def issues_json(issues: Iterable[Issue]) -> str | None:
    found = [issue.to_json() for issue in issues]
    return json.dumps(found, ensure_ascii=False) if found else None


def record(conn: Connection, subject: str, subject_id: int, status: str, at: datetime, *,
           detail: str | None = None, issues: Sequence[Issue] = ()) -> None:
    """One state change of a file, interchange, message or outbound file."""
    conn.execute(insert(_CHANGES), {
        "subject": subject, "subject_id": subject_id, "status": status, "at": at,
        "detail": detail[:4000] if detail else None, "issues": issues_json(issues)})


def record_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Several state changes in one statement (a batch's messages)."""
    if rows:
        conn.execute(insert(_CHANGES), rows)
