"""Business effects of each document on the order and inventory tables, on SQLite
and PostgreSQL: what a buyer and a supplier expect the rows to say."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select

from gateway.db.base import table
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
    PurchaseOrder,
    ReceiptAdvice,
    ReceiptLine,
    ResponseLine,
)
from gateway.inventory.models import (
    ForecastQuantity,
    InventoryBalance,
    InventoryMovement,
    Item,
    SalesRecord,
)
from gateway.inventory.service import Catalog, Ledger
from gateway.orders.models import (
    InvoiceMatch,
    InvoiceRecord,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
)
from gateway.orders.service import STORES, Stored, Tolerance, Work
from gateway.traffic.models import InboundFile, InboundMessage

BUYER = Party(role=PartyRole.BUYER, gln="5412345000013")
SUPPLIER = Party(role=PartyRole.SUPPLIER, gln="4012345000016")
STORE = Party(role=PartyRole.SHIP_TO, gln="5412345000037")
APPLE = ItemRef(gtin="04012345100013")
PEAR = ItemRef(gtin="04012345100020")
DAY = date(2025, 3, 10)
_counter = {"n": 0}


def _message(conn: Any) -> int:
    _counter["n"] += 1
    n = _counter["n"]
    file_id = conn.execute(insert(table(InboundFile)).returning(table(InboundFile).c.id), {
        "sha256": f"{n:064d}", "name": f"file-{n}", "size": 1, "standard": "edifact",
        "received_at": datetime(2025, 3, 10, tzinfo=UTC)}).scalar_one()
    return int(conn.execute(insert(table(InboundMessage)).returning(
        table(InboundMessage).c.id), {
        "file_id": file_id, "position": 1, "message_type": "TEST", "status": "stored",
        "interchange_ref": None, "group_ref": None, "message_ref": None, "version": None,
        "sender": None, "receiver": None, "document_type": None, "document_number": None,
        "detail": None}).scalar_one())


def store(engine: Engine, document: Any, tolerance: Tolerance | None = None) -> Stored:
    """Store one document as the pipeline does: its own message row, one transaction."""
    with engine.begin() as conn:
        work = Work(conn, Catalog(conn), Ledger(conn), tolerance or Tolerance())
        stored: Stored = STORES[document.type](work, document, _message(conn), "PARTNER")
        work.ledger.flush()
    return stored


def balance(engine: Engine, item: ItemRef) -> dict[str, Decimal]:
    balances, items = table(InventoryBalance), table(Item)
    with engine.connect() as conn:
        row = conn.execute(select(balances.c.on_hand, balances.c.on_order,
                                  balances.c.in_transit)
                           .join(items, items.c.id == balances.c.item_id)
                           .where(items.c.key == item.key())).one()
    return {"on_hand": row[0], "on_order": row[1], "in_transit": row[2]}


def order(number: str = "PO1", purpose: OrderPurpose = OrderPurpose.ORIGINAL,
          lines: tuple[OrderLine, ...] | None = None) -> PurchaseOrder:
    return PurchaseOrder(
        number=number, purpose=purpose, issue_date=DAY, currency="EUR",
        parties=(BUYER, SUPPLIER, STORE),
        lines=lines if lines is not None else (
            OrderLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                      unit_price=Money(amount=Decimal("2.50"))),
            OrderLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4)),
                      unit_price=Money(amount=Decimal("1.20"))),
        ))


def test_order_puts_quantities_on_order(engine: Engine) -> None:
    """A purchase order raises on-order at its ship-to location, line by line."""
    stored = store(engine, order())
    assert stored.status == "stored"
    assert balance(engine, APPLE) == {"on_hand": 0, "on_order": 10, "in_transit": 0}
    assert balance(engine, PEAR)["on_order"] == 4


def test_same_order_twice_adds_nothing(engine: Engine) -> None:
    """The same document received twice creates no duplicate rows and no second effect."""
    store(engine, order())
    again = store(engine, order())
    assert again.status == "duplicate"
    with engine.connect() as conn:
        assert len(conn.execute(select(table(PurchaseOrderRecord).c.id)).all()) == 1
        assert len(conn.execute(select(table(PurchaseOrderLineRecord).c.id)).all()) == 2
    assert balance(engine, APPLE)["on_order"] == 10


def test_change_adjusts_by_difference_and_cancellation_takes_all_off(engine: Engine) -> None:
    """A change updates the order it refers to; a cancellation empties what is open."""
    store(engine, order())
    change = order(purpose=OrderPurpose.CHANGE, lines=(
        OrderLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(6))),
        OrderLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4)),
                  change="delete"),
        OrderLine(line_number="3", item=ItemRef(gtin="04012345100037"),
                  quantity=Quantity(value=Decimal(5))),
    ))
    assert store(engine, change).status == "stored"
    assert balance(engine, APPLE)["on_order"] == 6
    assert balance(engine, PEAR)["on_order"] == 0
    assert balance(engine, ItemRef(gtin="04012345100037"))["on_order"] == 5
    store(engine, order(purpose=OrderPurpose.CANCELLATION, lines=()))
    assert balance(engine, APPLE)["on_order"] == 0
    with engine.connect() as conn:
        status = conn.execute(select(table(PurchaseOrderRecord).c.status)).scalar_one()
    assert status == "cancelled"


def test_response_updates_lines_and_on_order(engine: Engine) -> None:
    """An order response marks lines accepted, changed or rejected and adjusts on-order."""
    store(engine, order())
    response = OrderResponse(
        number="R1", order_number="PO1", issue_date=DAY, status=LineStatus.CHANGED,
        parties=(SUPPLIER, BUYER), lines=(
            ResponseLine(line_number="1", item=APPLE, status=LineStatus.CHANGED,
                         quantity=Quantity(value=Decimal(8))),
            ResponseLine(line_number="2", item=PEAR, status=LineStatus.REJECTED),
        ))
    store(engine, response)
    assert balance(engine, APPLE)["on_order"] == 8
    assert balance(engine, PEAR)["on_order"] == 0
    lines = table(PurchaseOrderLineRecord)
    with engine.connect() as conn:
        states = dict(conn.execute(select(lines.c.line_number, lines.c.state)).all())
    assert states == {"1": "changed", "2": "rejected"}


def test_despatch_then_receipt_moves_stock_to_on_hand(engine: Engine) -> None:
    """Despatch moves on-order to in-transit; receipt moves it on hand, net of damage."""
    store(engine, order())
    store(engine, DespatchAdvice(
        number="D1", issue_date=DAY, order_numbers=("PO1",), parties=(SUPPLIER, STORE),
        lines=(DespatchLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                            order_line_number="1"),)))
    assert balance(engine, APPLE) == {"on_hand": 0, "on_order": 0, "in_transit": 10}
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, despatch_number="D1", order_numbers=("PO1",),
        parties=(STORE, BUYER),
        lines=(ReceiptLine(line_number="1", item=APPLE, received=Quantity(value=Decimal(10)),
                           damaged=Quantity(value=Decimal(1)),
                           rejected=Quantity(value=Decimal(2)), order_line_number="1"),)))
    assert balance(engine, APPLE) == {"on_hand": 7, "on_order": 0, "in_transit": 0}
    movements = table(InventoryMovement)
    with engine.connect() as conn:
        kinds = sorted(conn.execute(select(movements.c.kind)).scalars())
    assert kinds == ["damaged", "despatched", "despatched", "ordered", "ordered", "received",
                     "received", "rejected"]


def test_inventory_report_reconciles_on_hand(engine: Engine) -> None:
    """An inventory report sets on-hand to the count and records the difference."""
    store(engine, order())
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, order_numbers=("PO1",), parties=(STORE,),
        lines=(ReceiptLine(line_number="1", item=APPLE, received=Quantity(value=Decimal(10)),
                           order_line_number="1"),)))
    store(engine, InventoryReport(
        number="INV1", issue_date=DAY, location="5412345000037", parties=(STORE,),
        lines=(InventoryLine(item=APPLE, on_hand=Quantity(value=Decimal(9))),)))
    assert balance(engine, APPLE)["on_hand"] == 9
    movements = table(InventoryMovement)
    with engine.connect() as conn:
        adjustment = conn.execute(select(movements.c.quantity)
                                  .where(movements.c.kind == "count_adjustment")).scalar_one()
    assert adjustment == -1


def test_invoice_is_matched_three_ways(engine: Engine) -> None:
    """Invoice lines are compared with order and receipt; differences are recorded per line."""
    store(engine, order())
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, order_numbers=("PO1",), parties=(STORE,),
        lines=(ReceiptLine(line_number="1", item=APPLE, received=Quantity(value=Decimal(10)),
                           order_line_number="1"),
               ReceiptLine(line_number="2", item=PEAR, received=Quantity(value=Decimal(3)),
                           order_line_number="2"))))
    stored = store(engine, Invoice(
        number="INV-9", issue_date=DAY, order_number="PO1", currency="EUR",
        parties=(Party(role=PartyRole.SELLER, gln=SUPPLIER.gln), BUYER),
        lines=(
            InvoiceLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                        unit_price=Money(amount=Decimal("2.50")), order_line_number="1"),
            InvoiceLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4)),
                        unit_price=Money(amount=Decimal("1.35")), order_line_number="2"),
            InvoiceLine(line_number="3", item=ItemRef(gtin="04012345100099"),
                        quantity=Quantity(value=Decimal(1))),
        )))
    assert "2 outside tolerance" in stored.detail
    matches = table(InvoiceMatch)
    with engine.connect() as conn:
        rows = conn.execute(select(matches.c.quantity_status, matches.c.price_status)
                            .order_by(matches.c.id)).all()
        discrepancies = conn.execute(select(table(InvoiceRecord).c.discrepancies)).scalar()
    assert [tuple(r) for r in rows] == [
        ("matched", "matched"), ("quantity_over", "price_over"),
        ("no_order_line", "no_order_line")]
    assert discrepancies == 2


def test_price_within_tolerance_matches(engine: Engine) -> None:
    """A price difference inside the tolerance is a match, not a discrepancy."""
    store(engine, order())
    store(engine, Invoice(
        number="INV-1", issue_date=DAY, order_number="PO1", parties=(SUPPLIER,),
        lines=(InvoiceLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                           unit_price=Money(amount=Decimal("2.51")),
                           order_line_number="1"),)),
        Tolerance(price_percent=Decimal(1)))
    with engine.connect() as conn:
        status = conn.execute(select(table(InvoiceMatch).c.price_status)).scalar_one()
    assert status == "matched"


def test_sales_report_corrections_replace_figures(engine: Engine) -> None:
    """A corrected sales report for the same item, place and period replaces the figures."""
    period = Period(start=date(2025, 3, 3), end=date(2025, 3, 9))

    def report(sold: int) -> ProductActivity:
        return ProductActivity(number=f"S{sold}", issue_date=DAY, period=period,
                               parties=(Party(role=PartyRole.REPORTER, gln=BUYER.gln),),
                               lines=(ActivityLine(item=APPLE, location="5412345000037",
                                                   sold=Quantity(value=Decimal(sold))),))

    store(engine, report(12))
    store(engine, report(15))
    with engine.connect() as conn:
        sold = conn.execute(select(table(SalesRecord).c.sold)).scalars().all()
    assert sold == [15]


def test_forecast_revision_replaces_quantities(engine: Engine) -> None:
    """A forecast revised under the same number replaces its quantities; the same one is a
    duplicate."""

    def forecast(quantity: int) -> Forecast:
        return Forecast(number="F1", issue_date=DAY, parties=(BUYER,), lines=(ForecastLine(
            item=APPLE, location="5412345000037", periods=(ForecastPeriod(
                period=Period(start=date(2025, 4, 1), end=date(2025, 4, 30)),
                quantity=Quantity(value=Decimal(quantity)),
                commitment=Commitment.FIRM),)),))

    assert store(engine, forecast(100)).status == "stored"
    assert store(engine, forecast(100)).status == "duplicate"
    assert store(engine, forecast(120)).status == "stored"
    with engine.connect() as conn:
        quantities = conn.execute(select(table(ForecastQuantity).c.quantity)).scalars().all()
    assert quantities == [120]
