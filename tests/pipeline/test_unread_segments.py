"""Nothing lost without a word: each stored EDI message keeps, with its row, the
segments its mapping did not read, counted by tag, and ingest reports them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from gateway.db.base import table
from gateway.mapping.registry import load_mappings
from gateway.pipeline.ingest import ingest
from gateway.traffic.models import InboundMessage

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_a_message_row_keeps_the_segments_no_mapping_read(engine: Engine) -> None:
    """The 850 sample's row holds what its mapping leaves, read by hand from the
    bytes and the mapping: DTM 001, FOB, ITD, TD5, three PO4 and CTT; ingest's
    outcome says the same."""
    data = (SAMPLES / "x12" / "850_004010.x12").read_bytes()
    result = ingest(engine, data, "850_004010.x12", load_mappings())
    expected = {"CTT": 1, "DTM": 1, "FOB": 1, "ITD": 1, "PO4": 3, "TD5": 1}
    (message,) = result.messages
    assert message.status == "stored"
    assert message.to_json()["unread"] == expected
    messages = table(InboundMessage)
    with engine.connect() as conn:
        stored = conn.execute(select(messages.c.unread_segments)).scalar_one()
    assert json.loads(stored) == expected
