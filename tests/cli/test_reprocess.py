"""``ingest --reprocess``: a failed message can be taken again, and is stored once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.cli.main import main
from gateway.db.engine import make_engine
from gateway.db.models import metadata
from gateway.mapping.registry import DEFAULT_ROOT

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _ingest(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["ingest", *argv])
    return code, json.loads(capsys.readouterr().out)


def _count(url: str, table: str, **where: object) -> int:
    rows = metadata.tables[table]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stmt = select(func.count()).select_from(rows)
            for column, value in where.items():
                stmt = stmt.where(rows.c[column] == value)
            return int(conn.execute(stmt).scalar_one())
    finally:
        engine.dispose()


def test_a_message_failed_for_want_of_a_mapping_is_stored_once_when_taken_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One file, an 850 and an 855: without the 855 mapping the order is stored and the
    response fails; ``--reprocess`` with the mapping back stores the response and
    not the order again; a second ``--reprocess`` takes nothing."""
    broken = tmp_path / "mappings"
    shutil.copytree(DEFAULT_ROOT, broken)
    (broken / "x12" / "004010" / "855.in.yaml").unlink()
    both = tmp_path / "both.x12"
    both.write_bytes((SAMPLES / "x12" / "850_004010.x12").read_bytes()
                     + (SAMPLES / "x12" / "855_004010.x12").read_bytes())
    url = f"sqlite:///{tmp_path / 'g.db'}"

    code, line = _ingest(capsys, str(both), "--database", url, "--mappings", str(broken))
    assert code == 1
    assert [m["status"] for m in line["messages"]] == ["stored", "failed"]  # type: ignore[index]

    # Taken again without --reprocess: the file is known, nothing changes.
    code, line = _ingest(capsys, str(both), "--database", url)
    assert code == 1
    assert line["already_ingested"] is True
    assert [m["status"] for m in line["messages"]] == ["stored", "failed"]  # type: ignore[index]

    code, line = _ingest(capsys, str(both), "--database", url, "--reprocess")
    assert code == 0
    assert line["reprocessed"] is True
    assert [(m["position"], m["type"], m["status"])  # type: ignore[index]
            for m in line["messages"]] == [(2, "855", "stored")]  # type: ignore[union-attr]
    assert _count(url, "purchase_orders") == 1
    assert _count(url, "order_responses") == 1
    assert _count(url, "inbound_files") == 1
    assert _count(url, "inbound_messages", status="stored") == 2
    assert _count(url, "inbound_messages") == 2

    code, line = _ingest(capsys, str(both), "--database", url, "--reprocess")
    assert code == 0
    assert line["messages"] == []
    assert line["reason"] == "every message of this file was stored before: nothing to take again"
    assert _count(url, "purchase_orders") == 1
    assert _count(url, "order_responses") == 1
    assert _count(url, "inbound_messages") == 2
