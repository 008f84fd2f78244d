"""Business effects of each document on the order and inventory tables, on SQLite
and PostgreSQL: what a buyer and a supplier expect the rows to say."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select

from gateway.db.base import table
from gateway.documents.common import (
    ItemRef,
    Money,
    Party,
    PartyRole,
    Period,
    Quantity,
    Reference,
)
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
    ItemIdentifier,
    SalesRecord,
)
from gateway.inventory.service import Catalog, Ledger
from gateway.orders.models import (
    AwaitedReference,
    InvoiceMatch,
    InvoiceRecord,
    OrderChangeRecord,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
    ReceiptRecord,
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


def _message(conn: Any, sender: str | None = None) -> int:
    _counter["n"] += 1
    n = _counter["n"]
    file_id = conn.execute(insert(table(InboundFile)).returning(table(InboundFile).c.id), {
        "sha256": f"{n:064d}", "name": f"file-{n}", "size": 1, "standard": "edifact",
        "received_at": datetime(2025, 3, 10, tzinfo=UTC)}).scalar_one()
    return int(conn.execute(insert(table(InboundMessage)).returning(
        table(InboundMessage).c.id), {
        "file_id": file_id, "position": 1, "message_type": "TEST", "status": "stored",
        "interchange_ref": None, "group_ref": None, "message_ref": None, "version": None,
        "sender": sender, "receiver": None, "document_type": None, "document_number": None,
        "detail": None}).scalar_one())


def store(engine: Engine, document: Any, tolerance: Tolerance | None = None,
          sender: str = "PARTNER") -> Stored:
    """Store one document as the pipeline does: its own message row (from the envelope
    sender ``sender``), one transaction."""
    with engine.begin() as conn:
        work = Work(conn, Catalog(conn), Ledger(conn), tolerance or Tolerance())
        stored: Stored = STORES[document.type](work, document, _message(conn, sender), sender)
        work.ledger.flush()
    return stored


def balance(engine: Engine, item: ItemRef) -> dict[str, Decimal]:
    """The item's balance (at its one location), the item found by its strongest id."""
    balances, ids = table(InventoryBalance), table(ItemIdentifier)
    with engine.connect() as conn:
        row = conn.execute(select(balances.c.on_hand, balances.c.on_order,
                                  balances.c.in_transit)
                           .join(ids, ids.c.item_id == balances.c.item_id)
                           .where(ids.c.key == item.key())).one()
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


# -- documents in any order ----------------------------------------------------------------


def _rows(engine: Engine, statement: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(statement)]


def _orders(engine: Engine) -> list[tuple[Any, ...]]:
    orders = table(PurchaseOrderRecord)
    return _rows(engine, select(orders.c.number, orders.c.status).order_by(orders.c.id))


def _open(engine: Engine) -> dict[str, tuple[Any, ...]]:
    lines = table(PurchaseOrderLineRecord)
    return {r[0]: r[1:] for r in _rows(engine, select(
        lines.c.line_number, lines.c.quantity, lines.c.open_quantity, lines.c.state))}


def _change(number: str = "PO1", *, own: str | None = "PO1-C1") -> PurchaseOrder:
    return order(number, purpose=OrderPurpose.CHANGE, lines=(
        OrderLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(6)),
                  change="change"),),
    ).model_copy(update={"references": (Reference(kind="change", number=own),) if own else ()})


def test_a_change_before_its_order_waits_and_never_becomes_the_order(engine: Engine) -> None:
    """A change for an order not on file is kept waiting, creates no order, and is applied
    when the order arrives; the order itself is stored, not dropped as a duplicate."""
    waiting = store(engine, _change())
    assert waiting.status == "stored"
    assert "waiting for the order" in waiting.detail
    assert _orders(engine) == []
    arrived = store(engine, order())
    assert arrived.status == "stored"
    assert "applied what waited for it: 1 change" in arrived.detail
    assert _orders(engine) == [("PO1", "changed")]
    assert _open(engine)["1"] == (6, 6, "changed")
    assert balance(engine, APPLE)["on_order"] == 6
    changes = table(OrderChangeRecord)
    assert _rows(engine, select(changes.c.change_key, changes.c.status, changes.c.document)) \
        == [("PO1-C1", "applied", None)]


def test_a_cancellation_before_its_order_cancels_it_when_it_arrives(engine: Engine) -> None:
    """A cancellation that comes first leaves the order, when it comes, cancelled."""
    store(engine, order(purpose=OrderPurpose.CANCELLATION, lines=()))
    store(engine, order())
    assert _orders(engine) == [("PO1", "cancelled")]
    assert balance(engine, APPLE)["on_order"] == 0


def test_the_same_change_twice_is_applied_once(engine: Engine) -> None:
    """A change is unique by its order and own number (or its content, lacking one)."""
    store(engine, order())
    assert store(engine, _change()).status == "stored"
    assert store(engine, _change()).status == "duplicate"
    assert store(engine, _change(own=None)).status == "stored"
    assert store(engine, _change(own=None)).status == "duplicate"
    movements = table(InventoryMovement)
    kinds = [r[0] for r in _rows(engine, select(movements.c.kind).where(
        movements.c.kind == "order_changed"))]
    assert len(kinds) == 1  # the second change of line 1 to 6 moves nothing


def test_a_change_naming_no_buyer_finds_the_order_of_its_sender(engine: Engine) -> None:
    """A change whose document names no buyer (an X12 860 with only a ship-to) finds the
    order of that number received from the same envelope sender; another sender's
    order of the same number is not touched."""
    store(engine, order(), sender="NWRETAIL")
    bare = _change().model_copy(update={"parties": (STORE,)})
    assert "changed" in store(engine, bare, sender="NWRETAIL").detail
    assert _orders(engine) == [("PO1", "changed")]
    stranger = _change(own="X-1").model_copy(update={"parties": (STORE,)})
    assert "waiting for the order" in store(engine, stranger, sender="SOMEONE").detail


def test_documents_before_their_order_are_matched_when_it_arrives(engine: Engine) -> None:
    """A response, despatch, receipt and invoice stored before their order are linked
    to its lines when it comes, with their effects on what is on order, and the
    invoice is matched three ways."""
    store(engine, Invoice(
        number="INV-9", issue_date=DAY, order_number="PO1", parties=(SUPPLIER,),
        lines=(InvoiceLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(8)),
                           unit_price=Money(amount=Decimal("2.50"))),
               InvoiceLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4)),
                           unit_price=Money(amount=Decimal("1.30"))))))
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, despatch_number="D1", order_numbers=("PO1",),
        parties=(STORE,), lines=(
            ReceiptLine(line_number="1", item=APPLE, received=Quantity(value=Decimal(8))),
            ReceiptLine(line_number="2", item=PEAR, received=Quantity(value=Decimal(4)),
                        rejected=Quantity(value=Decimal(1))))))
    store(engine, DespatchAdvice(
        number="D1", issue_date=DAY, order_numbers=("PO1",), parties=(SUPPLIER, STORE),
        lines=(DespatchLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(8))),
               DespatchLine(line_number="2", item=PEAR, quantity=Quantity(value=Decimal(4))))))
    store(engine, OrderResponse(
        number="R1", order_number="PO1", issue_date=DAY, status=LineStatus.CHANGED,
        parties=(SUPPLIER,), lines=(
            ResponseLine(line_number="1", item=APPLE, status=LineStatus.CHANGED,
                         quantity=Quantity(value=Decimal(8))),
            ResponseLine(line_number="2", item=PEAR, status=LineStatus.ACCEPTED))))
    matches = table(InvoiceMatch)
    before = _rows(engine, select(matches.c.quantity_status).order_by(matches.c.id))
    assert before == [("no_order_line",), ("no_order_line",)]
    store(engine, order())
    assert _open(engine) == {"1": (10, 0, "changed"), "2": (4, 0, "accepted")}
    assert balance(engine, APPLE) == {"on_hand": 8, "on_order": 0, "in_transit": 0}
    assert balance(engine, PEAR) == {"on_hand": 3, "on_order": 0, "in_transit": 0}
    rows = _rows(engine, select(matches.c.received_quantity, matches.c.quantity_status,
                                matches.c.price_status).order_by(matches.c.id))
    assert rows == [(8, "matched", "matched"), (3, "quantity_over", "price_over")]
    invoices = table(InvoiceRecord)
    assert _rows(engine, select(invoices.c.discrepancies)) == [(1,)]
    assert _rows(engine, select(table(AwaitedReference).c.id)) == []


def test_a_receipt_before_its_despatch_leaves_nothing_in_transit(engine: Engine) -> None:
    """A despatch announced after its goods were received puts nothing in transit and
    takes from the order only once."""
    store(engine, order())
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, despatch_number="D1", order_numbers=("PO1",),
        parties=(STORE,), lines=(
            ReceiptLine(line_number="1", item=APPLE, received=Quantity(value=Decimal(6)),
                        order_line_number="1"),)))
    assert balance(engine, APPLE) == {"on_hand": 6, "on_order": 4, "in_transit": 0}
    store(engine, DespatchAdvice(
        number="D1", issue_date=DAY, order_numbers=("PO1",), parties=(SUPPLIER, STORE),
        lines=(DespatchLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(6)),
                            order_line_number="1"),)))
    assert balance(engine, APPLE) == {"on_hand": 6, "on_order": 4, "in_transit": 0}
    receipts = table(ReceiptRecord)
    assert _rows(engine, select(receipts.c.despatch_id)) == [(1,)]


def test_an_invoice_before_its_receipt_is_matched_again_when_goods_arrive(
        engine: Engine) -> None:
    """An invoice matched while nothing was received says so; the receipt that follows
    makes it count what was accepted."""
    store(engine, order())
    store(engine, Invoice(
        number="INV-9", issue_date=DAY, order_number="PO1", parties=(SUPPLIER,),
        lines=(InvoiceLine(line_number="1", item=APPLE, quantity=Quantity(value=Decimal(10)),
                           unit_price=Money(amount=Decimal("2.50")), order_line_number="1"),)))
    matches = table(InvoiceMatch)
    assert _rows(engine, select(matches.c.quantity_status)) == [("not_received",)]
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, order_numbers=("PO1",), parties=(STORE,), lines=(
            ReceiptLine(line_number="1", item=APPLE, accepted=Quantity(value=Decimal(9)),
                        damaged=Quantity(value=Decimal(1)), order_line_number="1"),)))
    assert _rows(engine, select(matches.c.received_quantity, matches.c.quantity_status,
                                matches.c.quantity_difference)) == [(9, "quantity_over", 1)]


def test_an_invoice_line_finds_its_order_line_by_item_when_its_number_is_its_own(
        engine: Engine) -> None:
    """An invoice numbering its lines itself (X12 IT1 01) still lands on the order line
    of its item, where the order line of that number holds another item."""
    store(engine, order())
    store(engine, Invoice(
        number="INV-9", issue_date=DAY, order_number="PO1", parties=(SUPPLIER,),
        lines=(InvoiceLine(line_number="1", item=PEAR, quantity=Quantity(value=Decimal(4)),
                           order_line_number="1"),)))
    matches, lines = table(InvoiceMatch), table(PurchaseOrderLineRecord)
    assert _rows(engine, select(lines.c.line_number).join(
        matches, matches.c.order_line_id == lines.c.id)) == [("2",)]


def test_items_named_by_different_ids_are_one_item(engine: Engine) -> None:
    """An order naming an item by GTIN and supplier part, and documents naming it by
    the supplier part alone or a GTIN of other length, land on the one item."""
    bottle = ItemRef(gtin="614141100026", supplier_part="BX-331")
    store(engine, order(lines=(
        OrderLine(line_number="1", item=bottle, quantity=Quantity(value=Decimal(36)),
                  unit_price=Money(amount=Decimal("12.50"))),)))
    store(engine, DespatchAdvice(
        number="D1", issue_date=DAY, order_numbers=("PO1",), parties=(SUPPLIER, STORE),
        lines=(DespatchLine(line_number="1", item=ItemRef(supplier_part="BX-331"),
                            quantity=Quantity(value=Decimal(30))),)))
    store(engine, ReceiptAdvice(
        number="GR1", issue_date=DAY, despatch_number="D1", order_numbers=("PO1",),
        parties=(STORE,), lines=(ReceiptLine(
            line_number="1", item=ItemRef(gtin="00614141100026", buyer_part="NW-118831"),
            received=Quantity(value=Decimal(30))),)))
    assert _rows(engine, select(table(Item).c.key)) == [("gtin:00614141100026",)]
    assert balance(engine, ItemRef(buyer_part="NW-118831")) == \
        {"on_hand": 30, "on_order": 6, "in_transit": 0}
