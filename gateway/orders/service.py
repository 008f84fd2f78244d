"""Storing business documents and their effects on orders and stock.

One function per document type. Each takes the unit of work (a connection, the
catalog of items, locations and parties, the stock ledger) and one document
with the message it came from, writes its rows, applies its effects, and says
what it did. None of them commits: the pipeline owns the transaction.

Effects, as a buyer and a supplier expect them:

- a purchase order puts its quantities on order at the ship-to location; a
  change adjusts by difference, a cancellation takes what is still open off;
- an order response marks lines accepted, changed or rejected and adjusts what
  is on order to the confirmed quantities;
- a despatch advice moves quantities from on order to in transit;
- a receipt advice moves them from in transit (or on order, when nothing was
  announced) to on hand, net of what was damaged or rejected;
- an inventory report sets on hand to the count, the difference recorded as a
  movement;
- an invoice is matched three ways against its order and receipts, and every
  line outside tolerance is recorded, not silently accepted.

Documents are unique by (issuer, number): receiving one twice changes nothing.

Child rows without ids anyone needs back (order, despatch, receipt, response,
count and forecast lines) go through :meth:`Work.add`. A batched unit of work
(the pipeline's) keeps them until :meth:`Work.flush`, one statement per table
for the whole batch; whatever reads one of those tables back first writes what
is waiting for it, so a change, response or receipt later in the same batch
sees the lines of an order earlier in it. Unbatched, they are written at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from gateway.db.base import table
from gateway.db.statements import Bulk, insert_for, once
from gateway.documents.common import ItemRef, PartyRole
from gateway.documents.models import (
    DespatchAdvice,
    Forecast,
    InventoryReport,
    Invoice,
    LineStatus,
    OrderPurpose,
    OrderResponse,
    ProductActivity,
    PurchaseOrder,
    ReceiptAdvice,
)
from gateway.inventory.models import (
    Bucket,
    ForecastQuantity,
    ForecastSchedule,
    InventoryReportLine,
    InventoryReportRecord,
    MovementKind,
    SalesRecord,
)
from gateway.inventory.service import Catalog, Ledger
from gateway.orders.models import (
    DespatchAdviceRecord,
    DespatchLineRecord,
    InvoiceLineRecord,
    InvoiceMatch,
    InvoiceRecord,
    LineState,
    MatchStatus,
    OrderResponseLineRecord,
    OrderResponseRecord,
    OrderStatus,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
    ReceiptLineRecord,
    ReceiptRecord,
)

ZERO = Decimal(0)
_ORDERS = table(PurchaseOrderRecord)
_ORDER_LINES = table(PurchaseOrderLineRecord)
_RECEIPT_LINES = table(ReceiptLineRecord)
_FORECASTS = table(ForecastSchedule)
_FORECAST_LINES = table(ForecastQuantity)
_INVOICES = table(InvoiceRecord)
_INVOICE_LINES = table(InvoiceLineRecord)
_DESPATCHES = table(DespatchAdviceRecord)

# Child rows, written in bulk (see Work.add).
_NEW_ORDER_LINES = Bulk(_ORDER_LINES)
_NEW_RESPONSE_LINES = Bulk(table(OrderResponseLineRecord))
_NEW_DESPATCH_LINES = Bulk(table(DespatchLineRecord))
_NEW_RECEIPT_LINES = Bulk(_RECEIPT_LINES)
_NEW_REPORT_LINES = Bulk(table(InventoryReportLine))
_NEW_FORECAST_LINES = Bulk(_FORECAST_LINES)

# Statements built once; the values are parameters of each execute.
_ORDER_LINES_OF = select(
    _ORDER_LINES.c.id, _ORDER_LINES.c.line_number, _ORDER_LINES.c.item_id,
    _ORDER_LINES.c.location_id, _ORDER_LINES.c.quantity, _ORDER_LINES.c.open_quantity,
    _ORDER_LINES.c.state, _ORDER_LINES.c.unit_price, _ORDER_LINES.c.unit,
).where(_ORDER_LINES.c.order_id == bindparam("order_id"))
# The SET clause is the parameters given besides ``line_id``.
_UPDATE_ORDER_LINE = update(_ORDER_LINES).where(_ORDER_LINES.c.id == bindparam("line_id"))
_UPDATE_ORDER = update(_ORDERS).where(_ORDERS.c.id == bindparam("order_id"))
_ORDER_BY_KEY = select(_ORDERS.c.id).where(_ORDERS.c.issuer_key == bindparam("issuer"),
                                          _ORDERS.c.number == bindparam("number"))
_ORDER_BY_NUMBER = select(_ORDERS.c.id).where(_ORDERS.c.number == bindparam("number")) \
    .order_by(_ORDERS.c.id).limit(1)
_SHIP_TO_OF_ORDER = select(_ORDERS.c.ship_to_id).where(_ORDERS.c.id == bindparam("order_id"))
_DESPATCH_BY_NUMBER = select(_DESPATCHES.c.id) \
    .where(_DESPATCHES.c.number == bindparam("number")).limit(1)
_RECEIVED = select(func.count(), func.sum(_RECEIPT_LINES.c.received - _RECEIPT_LINES.c.rejected)
                   ).where(_RECEIPT_LINES.c.order_line_id == bindparam("order_line_id"))
_NEW_INVOICE_LINE = insert(_INVOICE_LINES).returning(_INVOICE_LINES.c.id)
_NEW_MATCH = insert(table(InvoiceMatch))
_UPDATE_INVOICE = update(_INVOICES).where(_INVOICES.c.id == bindparam("invoice_id"))
_FORECAST_BY_KEY = select(_FORECASTS.c.id).where(
    _FORECASTS.c.issuer_key == bindparam("issuer"), _FORECASTS.c.number == bindparam("number"))
_FORECAST_LINES_OF = select(
    _FORECAST_LINES.c.item_id, _FORECAST_LINES.c.location_id, _FORECAST_LINES.c.period_start,
    _FORECAST_LINES.c.period_end, _FORECAST_LINES.c.quantity, _FORECAST_LINES.c.unit,
    _FORECAST_LINES.c.commitment,
).where(_FORECAST_LINES.c.forecast_id == bindparam("forecast_id")).order_by(_FORECAST_LINES.c.id)
_DELETE_FORECAST_LINES = _FORECAST_LINES.delete() \
    .where(_FORECAST_LINES.c.forecast_id == bindparam("forecast_id"))
_UPDATE_FORECAST = update(_FORECASTS).where(_FORECASTS.c.id == bindparam("forecast_id"))
_NEW_FORECAST = insert(_FORECASTS).returning(_FORECASTS.c.id)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an invoice may differ from order and receipt before it is flagged."""

    quantity_percent: Decimal = ZERO
    price_percent: Decimal = Decimal("0.5")
    price_absolute: Decimal = Decimal("0.01")


@dataclass(slots=True)
class Work:
    """The unit of work the store functions share.

    ``batched``: child rows wait for :meth:`flush` (or for a read of their table)
    instead of being written by the store function that makes them. Whoever
    batches calls :meth:`flush` before committing; either way the ledger is
    written by ``flush`` (or ``ledger.flush``)."""

    conn: Connection
    catalog: Catalog
    ledger: Ledger
    tolerance: Tolerance = field(default_factory=Tolerance)
    batched: bool = False
    pending: dict[Bulk, list[Mapping[str, Any]]] = field(default_factory=dict)

    def add(self, bulk: Bulk, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows for ``bulk``'s table: now, or at the flush when batched."""
        if not rows:
            return
        waiting = self.pending.get(bulk)
        if waiting is None:
            waiting = self.pending[bulk] = []
        waiting.extend(rows)
        if not self.batched:
            self.write(bulk)

    def write(self, *bulks: Bulk) -> None:
        """Write the rows waiting for these tables (all, when none are named); before
        anything reads one of them back."""
        for bulk in bulks or tuple(self.pending):
            rows = self.pending.pop(bulk, None)
            if rows:
                bulk.run(self.conn, rows)

    def flush(self) -> None:
        """Write every waiting row, then the ledger's movements and balances."""
        self.write()
        self.ledger.flush()


@dataclass(slots=True)
class Stored:
    """What storing one document did."""

    status: str  # "stored" or "duplicate"
    detail: str
    rows: int = 0


def issuer_key(document: Any, fallback: str | None) -> str:
    """Who issued a document, for its natural key: the party the standards make
    its sender, else the envelope's sender."""
    roles = {
        "purchase_order": (PartyRole.BUYER, PartyRole.ORDERED_BY, PartyRole.BILL_TO),
        "order_response": (PartyRole.SUPPLIER, PartyRole.SELLER),
        "despatch_advice": (PartyRole.SUPPLIER, PartyRole.SHIP_FROM, PartyRole.SELLER),
        "receipt_advice": (PartyRole.SHIP_TO, PartyRole.BUYER),
        "invoice": (PartyRole.SELLER, PartyRole.SUPPLIER),
        "inventory_report": (PartyRole.REPORTER, PartyRole.SUPPLIER, PartyRole.SELLER),
        "product_activity": (PartyRole.REPORTER, PartyRole.BUYER, PartyRole.SELLER),
        "forecast": (PartyRole.BUYER, PartyRole.REPORTER),
    }.get(document.type, ())
    for role in roles:
        party = next((p for p in document.parties if p.role == role), None)
        if party is not None and (party.gln or party.duns or party.ids or party.name):
            return str(party.key())
    return f"sender:{fallback}" if fallback else "sender:unknown"


def _party(document: Any, *roles: PartyRole) -> Any:
    for role in roles:
        party = next((p for p in document.parties if p.role == role), None)
        if party is not None:
            return party
    return None


def _claim(work: Work, table: Any, values: dict[str, Any], keys: list[str]) -> int | None:
    """Insert a document header unless its natural key exists; its id, or None."""
    stmt = once(work.conn, ("claim", table.name), lambda conn: insert_for(conn, table)
                .on_conflict_do_nothing(index_elements=keys).returning(table.c.id))
    return work.conn.execute(stmt, values).scalar()


# -- purchase orders -------------------------------------------------------------------


def store_purchase_order(work: Work, doc: PurchaseOrder, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    catalog = work.catalog
    ship_to = catalog.party_location(_party(doc, PartyRole.SHIP_TO, PartyRole.BUYER))
    status = {OrderPurpose.CANCELLATION: OrderStatus.CANCELLED,
              OrderPurpose.CHANGE: OrderStatus.CHANGED}.get(doc.purpose, OrderStatus.OPEN)
    order_id = _claim(work, _ORDERS, {
        "issuer_key": issuer, "number": doc.number, "order_type": doc.order_type,
        "status": status.value, "issue_date": doc.issue_date, "currency": doc.currency,
        "buyer_id": catalog.party_id(_party(doc, PartyRole.BUYER)),
        "supplier_id": catalog.party_id(_party(doc, PartyRole.SUPPLIER, PartyRole.SELLER)),
        "ship_to_id": ship_to, "requested_delivery": doc.requested_delivery,
        "total": doc.total.amount if doc.total else None,
        "message_id": message_id, "last_message_id": message_id,
    }, ["issuer_key", "number"])
    if order_id is not None:
        return _order_lines_new(work, doc, order_id, ship_to, message_id)
    if doc.purpose is OrderPurpose.ORIGINAL:
        return Stored("duplicate", f"purchase order {doc.number} from {issuer} was already "
                      "received")
    existing = work.conn.execute(_ORDER_BY_KEY, {"issuer": issuer, "number": doc.number}
                                 ).scalar_one()
    return _change_order(work, doc, int(existing), message_id)


def _order_lines_new(work: Work, doc: PurchaseOrder, order_id: int, ship_to: int,
                     message_id: int) -> Stored:
    """The lines of an order seen for the first time, put on order."""
    catalog = work.catalog
    cancelled = doc.purpose is OrderPurpose.CANCELLATION
    item_ids = catalog.item_ids([line.item for line in doc.lines])
    state = (LineState.CANCELLED if cancelled else LineState.OPEN).value
    move = work.ledger.move
    rows = []
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        location = catalog.party_location(line.ship_to) if line.ship_to else ship_to
        quantity = line.quantity.value
        unit = line.quantity.unit
        rows.append({
            "order_id": order_id, "line_number": line.line_number, "item_id": item_id,
            "location_id": location, "quantity": quantity, "unit": unit,
            "unit_price": line.unit_price.amount if line.unit_price else None,
            "line_amount": line.line_amount.amount if line.line_amount else None,
            "requested_delivery": line.requested_delivery or doc.requested_delivery,
            "state": state, "confirmed_quantity": None,
            "open_quantity": ZERO if cancelled else quantity, "message_id": message_id,
        })
        if not cancelled:
            move(item_id, location, Bucket.ON_ORDER, quantity, MovementKind.ORDERED,
                 message_id=message_id, unit=unit, occurred_on=doc.issue_date,
                 number=doc.number)
    work.add(_NEW_ORDER_LINES, rows)
    return Stored("stored", f"purchase order {doc.number}: {len(rows)} lines", 1 + len(rows))


def _order_lines(work: Work, order_id: int) -> dict[str, Any]:
    work.write(_NEW_ORDER_LINES)
    rows = work.conn.execute(_ORDER_LINES_OF, {"order_id": order_id}).all()
    return {row.line_number: row for row in rows}


def _set_open(work: Work, line: Any, new_open: Decimal, kind: MovementKind, *,
              message_id: int, number: str, **values: Any) -> None:
    """Change what a line has on order, moving the difference in the ledger."""
    delta = new_open - line.open_quantity
    work.ledger.move(line.item_id, line.location_id, Bucket.ON_ORDER, delta, kind,
                     message_id=message_id, unit=line.unit, number=number)
    work.conn.execute(_UPDATE_ORDER_LINE,
                      {"line_id": line.id, "open_quantity": new_open, **values})


def _change_order(work: Work, doc: PurchaseOrder, order_id: int, message_id: int) -> Stored:
    lines = _order_lines(work, order_id)
    if doc.purpose is OrderPurpose.CANCELLATION:
        for line in lines.values():
            if line.open_quantity:
                _set_open(work, line, ZERO, MovementKind.ORDER_CANCELLED, message_id=message_id,
                      number=doc.number, state=LineState.CANCELLED.value)
        work.conn.execute(_UPDATE_ORDER, {"order_id": order_id,
                                          "status": OrderStatus.CANCELLED.value,
                                          "last_message_id": message_id})
        return Stored("stored", f"purchase order {doc.number} cancelled", 1)
    ship_to = work.conn.execute(_SHIP_TO_OF_ORDER, {"order_id": order_id}).scalar_one()
    seen: set[str] = set()
    new_rows = []
    for line in doc.lines:
        seen.add(line.line_number)
        old = lines.get(line.line_number)
        if old is None:
            if line.change == "delete":
                continue
            item_id = work.catalog.item_id(line.item)
            location = work.catalog.party_location(line.ship_to) if line.ship_to else ship_to
            new_rows.append({
                "order_id": order_id, "line_number": line.line_number, "item_id": item_id,
                "location_id": location, "quantity": line.quantity.value,
                "unit": line.quantity.unit,
                "unit_price": line.unit_price.amount if line.unit_price else None,
                "line_amount": line.line_amount.amount if line.line_amount else None,
                "requested_delivery": line.requested_delivery, "state": LineState.OPEN.value,
                "confirmed_quantity": None, "open_quantity": line.quantity.value,
                "message_id": message_id,
            })
            work.ledger.move(item_id, location, Bucket.ON_ORDER, line.quantity.value,
                             MovementKind.ORDER_CHANGED, message_id=message_id,
                             unit=line.quantity.unit, number=doc.number)
        elif line.change == "delete":
            _set_open(work, old, ZERO, MovementKind.ORDER_CANCELLED, message_id=message_id,
                      number=doc.number,
                      state=LineState.CANCELLED.value)
        else:
            delivered = old.quantity - old.open_quantity
            new_open = max(line.quantity.value - delivered, ZERO)
            _set_open(work, old, new_open, MovementKind.ORDER_CHANGED, message_id=message_id,
                      number=doc.number,
                      quantity=line.quantity.value, state=LineState.CHANGED.value,
                      unit_price=line.unit_price.amount if line.unit_price else old.unit_price)
    if doc.purpose is OrderPurpose.REPLACE:
        for number, old in lines.items():
            if number not in seen and old.open_quantity:
                _set_open(work, old, ZERO, MovementKind.ORDER_CANCELLED, message_id=message_id,
                      number=doc.number, state=LineState.CANCELLED.value)
    work.add(_NEW_ORDER_LINES, new_rows)
    work.conn.execute(_UPDATE_ORDER, {"order_id": order_id,
                                      "status": OrderStatus.CHANGED.value,
                                      "last_message_id": message_id,
                                      "total": doc.total.amount if doc.total else None})
    return Stored("stored", f"purchase order {doc.number} changed: {len(doc.lines)} lines",
                  1 + len(doc.lines))


def _find_order(work: Work, number: str | None) -> int | None:
    if not number:
        return None
    found = work.conn.execute(_ORDER_BY_NUMBER, {"number": number}).scalar()
    return int(found) if found is not None else None


def _order_line(work: Work, order_id: int | None, line_number: str | None,
                item: ItemRef | None, item_id: int | None = None) -> Any:
    """The order line a document line refers to: by line number, else by item."""
    if order_id is None:
        return None
    lines = _order_lines(work, order_id)
    if line_number and line_number in lines:
        return lines[line_number]
    if item_id is None and item is not None:
        item_id = work.catalog.item_id(item)
    return next((line for line in lines.values() if line.item_id == item_id), None)


# -- order responses ---------------------------------------------------------------------

_LINE_STATE = {
    LineStatus.ACCEPTED: LineState.ACCEPTED, LineStatus.CHANGED: LineState.CHANGED,
    LineStatus.REJECTED: LineState.REJECTED, LineStatus.BACKORDERED: LineState.BACKORDERED,
}


def store_order_response(work: Work, doc: OrderResponse, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    order_id = _find_order(work, doc.order_number)
    responses = table(OrderResponseRecord)
    response_id = _claim(work, responses, {
        "issuer_key": issuer, "number": doc.number, "order_number": doc.order_number,
        "order_id": order_id, "issue_date": doc.issue_date, "status": doc.status.value,
        "message_id": message_id}, ["issuer_key", "number"])
    if response_id is None:
        return Stored("duplicate", f"order response {doc.number} was already received")
    rows = []
    for line in doc.lines:
        item_id = work.catalog.item_id(line.item) if line.item is not None else None
        order_line = _order_line(work, order_id, line.order_line_number or line.line_number,
                                 None, item_id)
        if item_id is None and order_line is not None:
            item_id = order_line.item_id  # confirmed by line number alone
        rows.append({"response_id": response_id, "line_number": line.line_number,
                     "order_line_id": order_line.id if order_line is not None else None,
                     "item_id": item_id, "status": line.status.value,
                     "quantity": line.quantity.value if line.quantity else None,
                     "unit_price": line.unit_price.amount if line.unit_price else None,
                     "delivery_date": line.delivery_date})
        if order_line is not None:
            quantity = line.quantity.value if line.quantity else None
            _apply_response_line(work, order_line, line.status, quantity,
                                 message_id=message_id, number=doc.number)
    if not doc.lines and order_id is not None and doc.status is LineStatus.REJECTED:
        for order_line in _order_lines(work, order_id).values():
            _apply_response_line(work, order_line, LineStatus.REJECTED, None,
                                 message_id=message_id, number=doc.number)
    work.add(_NEW_RESPONSE_LINES, rows)
    if order_id is not None:
        work.conn.execute(_UPDATE_ORDER, {"order_id": order_id,
                                          "status": OrderStatus.ACKNOWLEDGED.value,
                                          "last_message_id": message_id})
    note = "" if order_id is not None else f" (order {doc.order_number} not on file)"
    return Stored("stored", f"order response {doc.number}: {len(rows)} lines{note}",
                  1 + len(rows))


def _apply_response_line(work: Work, line: Any, status: LineStatus,
                         quantity: Decimal | None, *, message_id: int, number: str) -> None:
    state = _LINE_STATE[status].value
    if status is LineStatus.REJECTED:
        _set_open(work, line, ZERO, MovementKind.ORDER_REJECTED, message_id=message_id,
                  number=number, state=state, confirmed_quantity=ZERO)
        return
    confirmed = quantity if quantity is not None else line.quantity
    delivered = line.quantity - line.open_quantity
    new_open = max(confirmed - delivered, ZERO)
    _set_open(work, line, new_open, MovementKind.ORDER_CHANGED, message_id=message_id,
              number=number, state=state, confirmed_quantity=confirmed)


# -- despatch and receipt -----------------------------------------------------------------


def store_despatch_advice(work: Work, doc: DespatchAdvice, message_id: int,
                          sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    catalog = work.catalog
    ship_to = catalog.party_location(_party(doc, PartyRole.SHIP_TO, PartyRole.BUYER))
    despatch_id = _claim(work, table(DespatchAdviceRecord), {
        "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
        "despatch_date": doc.despatch_date, "expected_delivery": doc.expected_delivery,
        "ship_to_id": ship_to, "order_numbers": " ".join(doc.order_numbers) or None,
        "message_id": message_id}, ["issuer_key", "number"])
    if despatch_id is None:
        return Stored("duplicate", f"despatch advice {doc.number} was already received")
    rows = []
    item_ids = catalog.item_ids([line.item for line in doc.lines])
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        order_number = line.order_number or (doc.order_numbers[0] if doc.order_numbers
                                             else None)
        order_line = _order_line(work, _find_order(work, order_number),
                                 line.order_line_number, None, item_id)
        location = order_line.location_id if order_line is not None else ship_to
        quantity = line.quantity.value
        work.ledger.move(item_id, location, Bucket.IN_TRANSIT, quantity,
                         MovementKind.DESPATCHED, message_id=message_id, unit=line.quantity.unit,
                         occurred_on=doc.despatch_date or doc.issue_date, number=doc.number)
        if order_line is not None and order_line.open_quantity:
            taken = min(quantity, order_line.open_quantity)
            _set_open(work, order_line, order_line.open_quantity - taken,
                      MovementKind.DESPATCHED, message_id=message_id, number=doc.number)
        rows.append({"despatch_id": despatch_id, "line_number": line.line_number,
                     "item_id": item_id, "quantity": quantity, "unit": line.quantity.unit,
                     "order_number": order_number,
                     "order_line_id": order_line.id if order_line is not None else None,
                     "package": line.package})
    work.add(_NEW_DESPATCH_LINES, rows)
    return Stored("stored", f"despatch advice {doc.number}: {len(rows)} lines", 1 + len(rows))


def store_receipt_advice(work: Work, doc: ReceiptAdvice, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    catalog = work.catalog
    location = catalog.party_location(_party(doc, PartyRole.SHIP_TO, PartyRole.BUYER))
    despatch_id = work.conn.execute(
        _DESPATCH_BY_NUMBER, {"number": doc.despatch_number}).scalar() \
        if doc.despatch_number else None
    receipt_id = _claim(work, table(ReceiptRecord), {
        "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
        "receipt_date": doc.receipt_date, "despatch_number": doc.despatch_number,
        "despatch_id": despatch_id, "location_id": location, "message_id": message_id},
        ["issuer_key", "number"])
    if receipt_id is None:
        return Stored("duplicate", f"receipt advice {doc.number} was already received")
    rows = []
    when = doc.receipt_date or doc.issue_date
    for line in doc.lines:
        item_id = catalog.item_id(line.item)
        order_number = line.order_number or (doc.order_numbers[0] if doc.order_numbers
                                             else None)
        order_line = _order_line(work, _find_order(work, order_number),
                                 line.order_line_number, None, item_id)
        place = order_line.location_id if order_line is not None else location
        received = line.received.value
        damaged = line.damaged.value if line.damaged else ZERO
        rejected = line.rejected.value if line.rejected else ZERO
        unit = line.received.unit
        if despatch_id is not None:
            in_transit = work.ledger.balance(item_id, place)["in_transit"]
            work.ledger.move(item_id, place, Bucket.IN_TRANSIT, -min(received, in_transit),
                             MovementKind.RECEIVED, message_id=message_id, unit=unit,
                             occurred_on=when, number=doc.number)
        elif order_line is not None and order_line.open_quantity:
            taken = min(received, order_line.open_quantity)
            _set_open(work, order_line, order_line.open_quantity - taken,
                      MovementKind.RECEIVED, message_id=message_id, number=doc.number)
        for quantity, kind in ((received, MovementKind.RECEIVED),
                               (-damaged, MovementKind.DAMAGED),
                               (-rejected, MovementKind.REJECTED)):
            work.ledger.move(item_id, place, Bucket.ON_HAND, quantity, kind,
                             message_id=message_id, unit=unit, occurred_on=when,
                             number=doc.number)
        rows.append({"receipt_id": receipt_id, "line_number": line.line_number,
                     "item_id": item_id, "received": received, "damaged": damaged,
                     "rejected": rejected, "unit": unit,
                     "order_line_id": order_line.id if order_line is not None else None})
    work.add(_NEW_RECEIPT_LINES, rows)
    return Stored("stored", f"receipt advice {doc.number}: {len(rows)} lines", 1 + len(rows))


# -- invoices --------------------------------------------------------------------------------


def _received(work: Work, order_line_id: int) -> Decimal | None:
    work.write(_NEW_RECEIPT_LINES)
    row = work.conn.execute(_RECEIVED, {"order_line_id": order_line_id}).first()
    if row is None or not row[0]:
        return None
    return Decimal(row[1] or 0)


def _differs(actual: Decimal, expected: Decimal, percent: Decimal,
             absolute: Decimal = ZERO) -> int:
    """-1, 0 or 1: below, within, above tolerance."""
    allowed = max(abs(expected) * percent / 100, absolute)
    if actual - expected > allowed:
        return 1
    if expected - actual > allowed:
        return -1
    return 0


def store_invoice(work: Work, doc: Invoice, message_id: int, sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    order_id = _find_order(work, doc.order_number)
    totals = doc.totals
    invoice_id = _claim(work, table(InvoiceRecord), {
        "issuer_key": issuer, "number": doc.number, "credit_note": doc.credit_note,
        "issue_date": doc.issue_date, "currency": doc.currency,
        "order_number": doc.order_number, "order_id": order_id,
        "line_total": totals.line_total.amount if totals.line_total else None,
        "tax_total": totals.tax_total.amount if totals.tax_total else None,
        "payable": totals.payable.amount if totals.payable else None,
        "due_date": doc.payment_terms.due_date if doc.payment_terms else None,
        "discrepancies": 0, "message_id": message_id},
        ["issuer_key", "number", "credit_note"])
    if invoice_id is None:
        return Stored("duplicate", f"invoice {doc.number} was already received")
    tol = work.tolerance
    discrepancies = 0
    for line in doc.lines:
        item_id = work.catalog.item_id(line.item)
        line_order = _find_order(work, line.order_number) if line.order_number else order_id
        order_line = _order_line(work, line_order, line.order_line_number, None, item_id)
        invoiced = line.quantity.value
        price = line.unit_price.amount if line.unit_price else None
        line_id = work.conn.execute(_NEW_INVOICE_LINE, {
            "invoice_id": invoice_id, "line_number": line.line_number, "item_id": item_id,
            "quantity": invoiced, "unit": line.quantity.unit, "unit_price": price,
            "line_amount": line.line_amount.amount if line.line_amount else None,
            "order_line_id": order_line.id if order_line is not None else None,
        }).scalar_one()
        match = _match(work, order_line, invoiced, price, tol)
        if match["quantity_status"] != MatchStatus.MATCHED or \
                match["price_status"] != MatchStatus.MATCHED:
            discrepancies += 1
        work.conn.execute(_NEW_MATCH, {"invoice_line_id": line_id, **match})
    work.conn.execute(_UPDATE_INVOICE, {"invoice_id": invoice_id,
                                        "discrepancies": discrepancies})
    detail = f"invoice {doc.number}: {len(doc.lines)} lines"
    if discrepancies:
        detail += f", {discrepancies} outside tolerance"
    return Stored("stored", detail, 1 + 2 * len(doc.lines))


def _match(work: Work, order_line: Any, invoiced: Decimal, price: Decimal | None,
           tol: Tolerance) -> dict[str, Any]:
    if order_line is None:
        return {"order_line_id": None, "ordered_quantity": None, "received_quantity": None,
                "invoiced_quantity": invoiced, "ordered_price": None, "invoiced_price": price,
                "quantity_status": MatchStatus.NO_ORDER_LINE.value,
                "price_status": MatchStatus.NO_ORDER_LINE.value,
                "quantity_difference": None, "price_difference": None}
    received = _received(work, order_line.id)
    against = received if received is not None else order_line.quantity
    side = _differs(invoiced, against, tol.quantity_percent)
    if received is None:
        quantity_status = MatchStatus.NOT_RECEIVED
    else:
        quantity_status = {0: MatchStatus.MATCHED, 1: MatchStatus.QUANTITY_OVER,
                           -1: MatchStatus.QUANTITY_UNDER}[side]
    ordered_price = order_line.unit_price
    price_status = MatchStatus.MATCHED
    if price is not None and ordered_price is not None:
        price_status = {0: MatchStatus.MATCHED, 1: MatchStatus.PRICE_OVER,
                        -1: MatchStatus.PRICE_UNDER}[
            _differs(price, ordered_price, tol.price_percent, tol.price_absolute)]
    return {"order_line_id": order_line.id, "ordered_quantity": order_line.quantity,
            "received_quantity": received, "invoiced_quantity": invoiced,
            "ordered_price": ordered_price, "invoiced_price": price,
            "quantity_status": quantity_status.value, "price_status": price_status.value,
            "quantity_difference": invoiced - against,
            "price_difference": (price - ordered_price)
            if price is not None and ordered_price is not None else None}


# -- inventory, sales, forecasts -------------------------------------------------------------


def store_inventory_report(work: Work, doc: InventoryReport, message_id: int,
                           sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    report_id = _claim(work, table(InventoryReportRecord), {
        "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
        "lines": len(doc.lines), "message_id": message_id}, ["issuer_key", "number"])
    if report_id is None:
        return Stored("duplicate", f"inventory report {doc.number} was already received")
    rows = []
    for line in doc.lines:
        item_id = work.catalog.item_id(line.item)
        location = work.catalog.location_id(line.location or doc.location)
        before = work.ledger.balance(item_id, location)["on_hand"]
        counted = line.on_hand.value
        work.ledger.move(item_id, location, Bucket.ON_HAND, counted - before,
                         MovementKind.COUNT_ADJUSTMENT, message_id=message_id,
                         unit=line.on_hand.unit, occurred_on=doc.issue_date, number=doc.number)
        rows.append({"report_id": report_id, "item_id": item_id, "location_id": location,
                     "reported": counted, "previous": before, "unit": line.on_hand.unit})
    work.add(_NEW_REPORT_LINES, rows)
    return Stored("stored", f"inventory report {doc.number}: {len(rows)} counts",
                  1 + len(rows))


def store_product_activity(work: Work, doc: ProductActivity, message_id: int,
                           sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    rows = []
    # An 852 names its store once (N1 RL), not on each line: lines without a
    # location of their own are the reporting location's.
    reporter = _party(doc, PartyRole.REPORTER)
    for line in doc.lines:
        period = line.period or doc.period
        start = period.start if period else doc.issue_date
        end = period.end if period else doc.issue_date
        rows.append({
            "issuer_key": issuer, "item_id": work.catalog.item_id(line.item),
            "location_id": work.catalog.location_id(line.location) if line.location
            else work.catalog.party_location(reporter),
            "period_start": start, "period_end": end,
            "sold": line.sold.value if line.sold else None,
            "returned": line.returned.value if line.returned else None,
            "on_hand": line.on_hand.value if line.on_hand else None,
            "sales_amount": line.sales_amount.amount if line.sales_amount else None,
            "unit": line.sold.unit if line.sold else None, "message_id": message_id,
        })
    if not rows:
        return Stored("stored", f"sales report {doc.number}: no lines")
    # A corrected report for the same item, place and period replaces the figures.
    # Row by row (executemany): a report may name the same one twice, the last wins.
    work.conn.execute(once(work.conn, "sales upsert", _sales_upsert), rows)
    return Stored("stored", f"sales report {doc.number}: {len(rows)} lines", len(rows))


def _sales_upsert(conn: Connection) -> Any:
    stmt = insert_for(conn, table(SalesRecord))
    return stmt.on_conflict_do_update(
        index_elements=["issuer_key", "item_id", "location_id", "period_start", "period_end"],
        set_={c: stmt.excluded[c] for c in ("sold", "returned", "on_hand", "sales_amount",
                                            "unit", "message_id")})


def store_forecast(work: Work, doc: Forecast, message_id: int, sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    existing = work.conn.execute(_FORECAST_BY_KEY, {"issuer": issuer, "number": doc.number}
                                 ).scalar()
    rows_values = []
    for line in doc.lines:
        item_id = work.catalog.item_id(line.item)
        location = work.catalog.location_id(line.location)
        for period in line.periods:
            rows_values.append({"item_id": item_id, "location_id": location,
                                "period_start": period.period.start,
                                "period_end": period.period.end,
                                "quantity": period.quantity.value,
                                "unit": period.quantity.unit,
                                "commitment": period.commitment.value})
    if existing is not None:
        work.write(_NEW_FORECAST_LINES)
        old = work.conn.execute(_FORECAST_LINES_OF, {"forecast_id": existing}).all()
        if [tuple(r) for r in old] == [tuple(v.values()) for v in rows_values]:
            return Stored("duplicate", f"forecast {doc.number} was already received")
        # A revision under the same number replaces the quantities.
        work.conn.execute(_DELETE_FORECAST_LINES, {"forecast_id": existing})
        work.conn.execute(_UPDATE_FORECAST, {"forecast_id": existing,
                                             "issue_date": doc.issue_date,
                                             "purpose": doc.purpose, "message_id": message_id})
        forecast_id = int(existing)
    else:
        forecast_id = work.conn.execute(_NEW_FORECAST, {
            "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
            "purpose": doc.purpose, "received_at": None, "message_id": message_id,
        }).scalar_one()
    work.add(_NEW_FORECAST_LINES, [{"forecast_id": forecast_id, **v} for v in rows_values])
    return Stored("stored", f"forecast {doc.number}: {len(rows_values)} periods",
                  1 + len(rows_values))


STORES = {
    "purchase_order": store_purchase_order,
    "order_response": store_order_response,
    "despatch_advice": store_despatch_advice,
    "receipt_advice": store_receipt_advice,
    "invoice": store_invoice,
    "inventory_report": store_inventory_report,
    "product_activity": store_product_activity,
    "forecast": store_forecast,
}
