"""Storing a batch of documents in one unit of work stores exactly what storing them one
transaction each stores, on SQLite and PostgreSQL: child rows wait for the end of the
batch, but whatever reads them back (a change, a response, a receipt, an invoice, a
forecast revision later in the same batch) sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from gateway.db.base import table
from gateway.db.models import metadata
from gateway.documents.common import ItemRef, Money, Party, PartyRole, Period, Quantity
from gateway.documents.models import (
    ActivityLine,
    Commitment,
    DespatchAdvice,
    DespatchLine,
    Forecast,
    ForecastLine,
    ForecastPeriod,
    InventoryLine,
    InventoryReport,
    Invoice,
    InvoiceLine,
    LineStatus,
    OrderLine,
    OrderPurpose,
    OrderResponse,
    ProductActivity,
    ReceiptAdvice,
    ReceiptLine,
    ResponseLine,
)
from gateway.inventory.models import InventoryBalance
from gateway.inventory.service import Catalog, Ledger
from gateway.orders.service import STORES, Tolerance, Work
from gateway.traffic.models import InboundFile, InboundMessage
from tests.orders.test_service import APPLE, BUYER, DAY, PEAR, STORE, SUPPLIER, order

PLUM = ItemRef(gtin="04012345100037")
WEEK = Period(start=date(2025, 3, 3), end=date(2025, 3, 9))


def _forecast(quantity: int) -> Forecast:
    return Forecast(number="F1", issue_date=DAY, parties=(BUYER,), lines=(ForecastLine(
        item=APPLE, location="5412345000037", periods=(ForecastPeriod(
            period=Period(start=date(2025, 4, 1), end=date(2025, 4, 30)),
            quantity=Quantity(value=Decimal(quantity)), commitment=Commitment.FIRM),)),))


def _sales(sold: int) -> ProductActivity:
    return ProductActivity(number=f"S{sold}", issue_date=DAY, period=WEEK,
                           parties=(Party(role=PartyRole.REPORTER, gln=BUYER.gln),),
                           lines=(ActivityLine(item=APPLE, location="5412345000037",
                                               sold=Quantity(value=Decimal(sold))),
                                  ActivityLine(item=APPLE, location="5412345000037",
                                               sold=Quantity(value=Decimal(sold + 1)))))


DOCUMENTS: list[Any] = [
    order(),
    order("PO2"),
    order(purpose=OrderPurpose.CHANGE, lines=(
        OrderLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(12))),
        OrderLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4)),
                  change="delete"),
        OrderLine(line_number="3", item=PLUM, quantity=Quantity(value=Decimal(5)),
                  unit_price=Money(amount=Decimal("0.99"))))),
    OrderResponse(number="R1", order_number="PO1", issue_date=DAY, status=LineStatus.CHANGED,
                  parties=(SUPPLIER, BUYER), lines=(
                      ResponseLine(line_number="1", item=APPLE, status=LineStatus.CHANGED,
                                   quantity=Quantity(value=Decimal(11))),
                      ResponseLine(line_number="3", item=PLUM, status=LineStatus.ACCEPTED))),
    DespatchAdvice(number="D1", issue_date=DAY, order_numbers=("PO1",),
                   parties=(SUPPLIER, STORE), lines=(
                       DespatchLine(line_number="1", item=APPLE,
                                    quantity=Quantity(value=Decimal(10)),
                                    order_line_number="1"),
                       DespatchLine(line_number="2", item=PLUM,
                                    quantity=Quantity(value=Decimal(5)),
                                    order_line_number="3"))),
    ReceiptAdvice(number="GR1", issue_date=DAY, despatch_number="D1", order_numbers=("PO1",),
                  parties=(STORE, BUYER), lines=(
                      ReceiptLine(line_number="1", item=APPLE,
                                  received=Quantity(value=Decimal(10)),
                                  damaged=Quantity(value=Decimal(1)), order_line_number="1"),
                      ReceiptLine(line_number="2", item=PLUM,
                                  received=Quantity(value=Decimal(4)), order_line_number="3"))),
    Invoice(number="INV-9", issue_date=DAY, order_number="PO1", currency="EUR",
            parties=(Party(role=PartyRole.SELLER, gln=SUPPLIER.gln), BUYER), lines=(
                InvoiceLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                            unit_price=Money(amount=Decimal("2.50")), order_line_number="1"),
                InvoiceLine(line_number="2", item=PLUM, quantity=Quantity(value=Decimal(5)),
                            unit_price=Money(amount=Decimal("1.10")), order_line_number="3"))),
    InventoryReport(number="INV1", issue_date=DAY, location="5412345000037", parties=(STORE,),
                    lines=(InventoryLine(item=APPLE, on_hand=Quantity(value=Decimal(8))),
                           InventoryLine(item=PEAR, on_hand=Quantity(value=Decimal(3))))),
    _sales(12),
    _sales(15),
    _forecast(100),
    _forecast(100),
    _forecast(120),
    order("PO2", purpose=OrderPurpose.CANCELLATION, lines=()),
    order(),
    order("PO3", purpose=OrderPurpose.REPLACE),
    order("PO3"),
]


def _messages(conn: Connection, n: int) -> list[int]:
    file_id = conn.execute(insert(table(InboundFile)).returning(table(InboundFile).c.id), {
        "sha256": "0" * 64, "name": "batch", "size": 1, "standard": "edifact",
        "received_at": datetime(2025, 3, 10, tzinfo=UTC)}).scalar_one()
    messages = table(InboundMessage)
    return [int(conn.execute(insert(messages).returning(messages.c.id), {
        "file_id": file_id, "position": position, "message_type": "TEST", "status": "stored",
        "interchange_ref": None, "group_ref": None, "message_ref": None, "version": None,
        "sender": None, "receiver": None, "document_type": None, "document_number": None,
        "detail": None}).scalar_one()) for position in range(1, n + 1)]


def _everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    with engine.connect() as conn:
        for t in metadata.sorted_tables:
            rows = [tuple(r) for r in conn.execute(select(t).order_by(t.c.id))]
            if t is table(InventoryBalance):
                # written once per flush, in (item, location) order: their ids differ
                rows = sorted(r[1:] for r in rows)
            found[t.name] = rows
    return found


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        else:
            for t in reversed(metadata.sorted_tables):
                conn.execute(t.delete())


def test_a_batch_stores_what_one_document_at_a_time_stores(engine: Engine) -> None:
    tolerance = Tolerance()
    one_by_one = []
    with engine.begin() as conn:
        messages = _messages(conn, len(DOCUMENTS))
    for document, message_id in zip(DOCUMENTS, messages, strict=True):
        with engine.begin() as conn:
            work = Work(conn, Catalog(conn), Ledger(conn), tolerance)
            one_by_one.append(STORES[document.type](work, document, message_id, "PARTNER"))
            work.ledger.flush()
    expected = _everything(engine)
    _empty(engine)

    batched = []
    with engine.begin() as conn:
        messages = _messages(conn, len(DOCUMENTS))
        work = Work(conn, Catalog(conn), Ledger(conn), tolerance, batched=True)
        for document, message_id in zip(DOCUMENTS, messages, strict=True):
            batched.append(STORES[document.type](work, document, message_id, "PARTNER"))
        assert work.pending, "the batch kept its child rows for the flush"
        work.flush()
        assert not work.pending
    assert batched == one_by_one
    # The second forecast and the second PO1; the replacement of PO3 waits for PO3,
    # which then arrives and takes it.
    assert [s.status for s in batched].count("duplicate") == 2
    assert "waiting for the order" in batched[-2].detail
    assert "applied what waited for it: 1 change" in batched[-1].detail
    assert _everything(engine) == expected
