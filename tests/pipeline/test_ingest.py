"""The ingest pipeline: what it stores, what it refuses, and that nothing is lost or
half-written, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.db.base import table
from gateway.inventory.models import InventoryBalance, Item
from gateway.mapping.registry import Mappings, load_mappings
from gateway.orders.models import PurchaseOrderLineRecord, PurchaseOrderRecord
from gateway.pipeline.ingest import ingest
from gateway.traffic.models import InboundFile, InboundMessage

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def mappings() -> Mappings:
    return load_mappings()


def _orders(n: int, *, duplicate_line: int | None = None, bgm: bool = True) -> bytes:
    """An interchange of ``n`` purchase orders; one may repeat a line number (which the
    database refuses) or lack its BGM (which validation refuses)."""
    segments = ["UNB+UNOC:3+5412345000013:14+4012345000016:14+250310:1200+REF1"]
    for m in range(1, n + 1):
        body = ([f"BGM+220+PO-{m}+9"] if bgm or m != 1 else []) + [
            "DTM+137:20250310:102", "NAD+BY+5412345000013::9", "NAD+SU+4012345000016::9",
            "NAD+DP+5412345000037::9",
            "LIN+1++4012345100013:EN", "QTY+21:10",
            f"LIN+{1 if duplicate_line == m else 2}++4012345100020:EN", "QTY+21:4",
            "UNS+S"]
        segments += [f"UNH+{m}+ORDERS:D:96A:UN", *body, f"UNT+{len(body) + 2}+{m}"]
    segments.append(f"UNZ+{n}+REF1")
    return ("'\n".join(segments) + "'\n").encode("latin-1")


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table(model))).scalar_one())


def test_orders_are_stored_with_lineage_to_the_file(engine: Engine, mappings: Mappings) -> None:
    """Each order row points at its message, and the message at the file's bytes."""
    data = (SAMPLES / "edifact" / "ORDERS_D96A.edi").read_bytes()
    result = ingest(engine, data, "ORDERS_D96A.edi", mappings)
    assert [m.status for m in result.messages] == ["stored"]
    orders, messages, files = (table(PurchaseOrderRecord), table(InboundMessage),
                               table(InboundFile))
    with engine.connect() as conn:
        sha = conn.execute(
            select(files.c.sha256).join(messages, messages.c.file_id == files.c.id)
            .join(orders, orders.c.message_id == messages.c.id)).scalar_one()
    assert sha == hashlib.sha256(data).hexdigest()
    assert _count(engine, PurchaseOrderLineRecord) == 3


def test_same_file_twice_is_recognised(engine: Engine, mappings: Mappings) -> None:
    """A file ingested again stores nothing new and says it was already ingested."""
    data = _orders(3)
    ingest(engine, data, "a.edi", mappings)
    again = ingest(engine, data, "a-again.edi", mappings)
    assert again.already
    assert _count(engine, PurchaseOrderRecord) == 3
    assert _count(engine, InboundFile) == 1


def test_same_documents_in_another_file_are_duplicates(engine: Engine,
                                                       mappings: Mappings) -> None:
    """The same orders resent in another file are flagged duplicate, not stored twice."""
    ingest(engine, _orders(2), "a.edi", mappings)
    resent = _orders(2).replace(b"REF1", b"REF2")
    result = ingest(engine, resent, "b.edi", mappings)
    assert [m.status for m in result.messages] == ["duplicate", "duplicate"]
    assert _count(engine, PurchaseOrderRecord) == 2
    balances = table(InventoryBalance)
    with engine.connect() as conn:
        on_order = conn.execute(select(func.sum(balances.c.on_order))).scalar_one()
    assert on_order == 28


def test_a_refused_message_fails_alone(engine: Engine, mappings: Mappings) -> None:
    """When the database refuses one message, the others of its batch are still stored
    and nothing of the refused one remains."""
    result = ingest(engine, _orders(4, duplicate_line=3), "c.edi", mappings)
    assert [m.status for m in result.messages] == ["stored", "stored", "failed", "stored"]
    assert "database refused" in result.messages[2].detail
    assert _count(engine, PurchaseOrderRecord) == 3
    assert _count(engine, PurchaseOrderLineRecord) == 6
    balances = table(InventoryBalance)
    with engine.connect() as conn:
        on_order = conn.execute(select(func.sum(balances.c.on_order))).scalar_one()
    assert on_order == 42
    assert _count(engine, InboundMessage) == 4


def test_an_invalid_message_is_recorded_not_stored(engine: Engine, mappings: Mappings) -> None:
    """A message that fails validation is kept as failed with its reason; the rest goes on."""
    result = ingest(engine, _orders(2, bgm=False), "d.edi", mappings)
    assert [m.status for m in result.messages] == ["failed", "stored"]
    assert result.messages[0].issues and result.messages[0].issues[0].code.value == \
        "schema.missing-segment"
    messages = table(InboundMessage)
    with engine.connect() as conn:
        detail = conn.execute(select(messages.c.detail).where(
            messages.c.status == "failed")).scalar_one()
    assert "BGM" in detail
    assert _count(engine, PurchaseOrderRecord) == 1


def test_small_batches_give_the_same_result(engine: Engine, mappings: Mappings) -> None:
    """Batching is an optimisation only: batches of one store what one batch stores."""
    result = ingest(engine, _orders(5), "e.edi", mappings, batch=1)
    assert result.stored == 5
    assert _count(engine, PurchaseOrderLineRecord) == 10


def _purchase_orders(*orders: tuple[str, str, tuple[tuple[int, int], ...]]) -> bytes:
    """One interchange of purchase orders: (number, BGM function code, ((line, qty), ...));
    line n orders item 40123451000n3."""
    segments = ["UNB+UNOC:3+5412345000013:14+4012345000016:14+250310:1200+REF9"]
    for m, (number, function, lines) in enumerate(orders, 1):
        body = [f"BGM+220+{number}+{function}", "DTM+137:20250310:102",
                "NAD+BY+5412345000013::9", "NAD+SU+4012345000016::9",
                "NAD+DP+5412345000037::9"]
        for line, quantity in lines:
            body += [f"LIN+{line}++40123451000{line}3:EN", f"QTY+21:{quantity}"]
        body.append("UNS+S")
        segments += [f"UNH+{m}+ORDERS:D:96A:UN", *body, f"UNT+{len(body) + 2}+{m}"]
    segments.append(f"UNZ+{len(orders)}+REF9")
    return ("'\n".join(segments) + "'\n").encode("latin-1")


def test_changes_in_the_batch_of_their_order_see_its_lines(engine: Engine,
                                                            mappings: Mappings) -> None:
    """Order lines are written at the end of a batch, yet a change, a replacement or a
    cancellation later in the same batch finds the lines of its order."""
    data = _purchase_orders(
        ("PO-1", "9", ((1, 10), (2, 4))),
        ("PO-2", "9", ((1, 7),)),
        ("PO-1", "4", ((1, 6), (3, 5))),   # change: line 1 to 6, line 3 added
        ("PO-2", "1", ((1, 7),)),          # cancellation
        ("PO-3", "9", ((1, 2), (2, 2))),
        ("PO-3", "5", ((2, 9),)),          # replacement: line 1 no longer ordered
        ("PO-1", "9", ((1, 10), (2, 4))),  # the original again
    )
    result = ingest(engine, data, "changes.edi", mappings)
    assert [m.status for m in result.messages] == ["stored"] * 6 + ["duplicate"]
    balances, items = table(InventoryBalance), table(Item)
    with engine.connect() as conn:
        on_order = dict(conn.execute(
            select(items.c.gtin, balances.c.on_order)
            .join(items, items.c.id == balances.c.item_id)).all())
    # Items keep their GTIN in its fourteen-digit form.
    assert on_order == {"04012345100013": 6, "04012345100023": 13, "04012345100033": 5}
    lines = table(PurchaseOrderLineRecord)
    with engine.connect() as conn:
        states = conn.execute(select(lines.c.line_number, lines.c.state, lines.c.open_quantity)
                              .order_by(lines.c.id)).all()
    assert [tuple(s) for s in states] == [
        ("1", "changed", 6), ("2", "open", 4),            # PO-1
        ("1", "cancelled", 0),                            # PO-2
        ("3", "open", 5),                                 # PO-1, added by the change
        ("1", "cancelled", 0), ("2", "changed", 9)]       # PO-3


def test_a_file_that_is_no_document_is_recorded_without_messages(engine: Engine,
                                                                  mappings: Mappings) -> None:
    result = ingest(engine, b"hello world", "hello.txt", mappings)
    assert result.file_id is not None and result.messages == []
    assert result.issues
    assert _count(engine, InboundFile) == 1
    assert _count(engine, InboundMessage) == 0


def test_overlong_envelope_values_are_kept_clipped_not_refused(engine: Engine,
                                                                mappings: Mappings) -> None:
    """A reference or type longer than its column (a broken file, a long XML id) is
    kept as far as the column holds: the message is recorded, not lost to a crash."""
    long_ref = "R" * 60
    data = _orders(1).replace(b"UNH+1+", f"UNH+{long_ref}+".encode()).replace(
        b"+1'\nUNZ", f"+{long_ref}'\nUNZ".encode())
    result = ingest(engine, data, "long.edi", mappings)
    assert [m.status for m in result.messages] == ["stored"]
    messages = table(InboundMessage)
    with engine.connect() as conn:
        stored = conn.execute(select(messages.c.message_ref)).scalar_one()
    assert stored == long_ref[:35]
