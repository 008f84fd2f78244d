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
- an invoice is matched three ways against its order and receipts
  (:mod:`gateway.orders.matching`), and every line outside tolerance is
  recorded, not silently accepted.

Documents are unique by (issuer, number): receiving one twice changes nothing.
Only an original order creates an order. A change, cancellation or replacement
is unique by the order it names and its own number; one whose order is not on
file waits (:class:`OrderChangeRecord`) and is applied when the order arrives.
Likewise a response, despatch, receipt or invoice that names an order (or a
despatch) not yet on file is stored with its effects on stock, and registered
as awaiting it (:class:`AwaitedReference`): when that document arrives, the
waiting lines are matched to its lines and their effects on the order applied,
in the order of their dates. So the tables tell the same story whatever order
the files came in.

Child rows without ids anyone needs back (order, despatch, receipt, response,
count and forecast lines) go through :meth:`Work.add`. A batched unit of work
(the pipeline's) keeps them until :meth:`Work.flush`, one statement per table
for the whole batch; whatever reads one of those tables back first writes what
is waiting for it, so a change, response or receipt later in the same batch
sees the lines of an order earlier in it. Unbatched, they are written at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

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
    ItemConflict,
    MovementKind,
    SalesRecord,
)
from gateway.inventory.service import Catalog, Ledger
from gateway.orders.matching import Tolerance, match, outside, rematch
from gateway.orders.models import (
    AwaitedReference,
    ChangeStatus,
    DespatchAdviceRecord,
    DespatchLineRecord,
    InvoiceLineRecord,
    InvoiceMatch,
    InvoiceRecord,
    LineState,
    OrderChangeRecord,
    OrderResponseLineRecord,
    OrderResponseRecord,
    OrderStatus,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
    ReceiptLineRecord,
    ReceiptRecord,
)
from gateway.traffic.models import InboundMessage

__all__ = ["STORES", "Stored", "Tolerance", "Work", "issuer_key"]

ZERO = Decimal(0)
_ORDERS = table(PurchaseOrderRecord)
_ORDER_LINES = table(PurchaseOrderLineRecord)
_CHANGES = table(OrderChangeRecord)
_AWAITED = table(AwaitedReference)
_RESPONSES = table(OrderResponseRecord)
_RESPONSE_LINES = table(OrderResponseLineRecord)
_DESPATCHES = table(DespatchAdviceRecord)
_DESPATCH_LINES = table(DespatchLineRecord)
_RECEIPTS = table(ReceiptRecord)
_RECEIPT_LINES = table(ReceiptLineRecord)
_INVOICES = table(InvoiceRecord)
_INVOICE_LINES = table(InvoiceLineRecord)
_FORECASTS = table(ForecastSchedule)
_FORECAST_LINES = table(ForecastQuantity)
_MESSAGES = table(InboundMessage)

# Child rows, written in bulk (see Work.add).
_NEW_ORDER_LINES = Bulk(_ORDER_LINES)
_NEW_RESPONSE_LINES = Bulk(_RESPONSE_LINES)
_NEW_DESPATCH_LINES = Bulk(_DESPATCH_LINES)
_NEW_RECEIPT_LINES = Bulk(_RECEIPT_LINES)
_NEW_REPORT_LINES = Bulk(table(InventoryReportLine))
_NEW_FORECAST_LINES = Bulk(_FORECAST_LINES)
_NEW_AWAITED = Bulk(_AWAITED)
_NEW_CONFLICTS = Bulk(table(ItemConflict))

# Statements built once; the values are parameters of each execute.
_ORDER_LINES_OF = select(
    _ORDER_LINES.c.id, _ORDER_LINES.c.line_number, _ORDER_LINES.c.item_id,
    _ORDER_LINES.c.location_id, _ORDER_LINES.c.quantity, _ORDER_LINES.c.open_quantity,
    _ORDER_LINES.c.state, _ORDER_LINES.c.unit_price, _ORDER_LINES.c.unit,
    _ORDER_LINES.c.confirmed_quantity,
).where(_ORDER_LINES.c.order_id == bindparam("order_id")).order_by(_ORDER_LINES.c.id)
# The SET clause is the parameters given besides ``line_id``.
_UPDATE_ORDER_LINE = update(_ORDER_LINES).where(_ORDER_LINES.c.id == bindparam("line_id"))
_UPDATE_ORDER = update(_ORDERS).where(_ORDERS.c.id == bindparam("order_id"))
_ORDER_BY_KEY = select(_ORDERS.c.id).where(_ORDERS.c.issuer_key == bindparam("issuer"),
                                          _ORDERS.c.number == bindparam("number"))
_ORDER_BY_SENDER = select(_ORDERS.c.id).select_from(
    _ORDERS.join(_MESSAGES, _MESSAGES.c.id == _ORDERS.c.message_id)).where(
    _ORDERS.c.number == bindparam("number"), _MESSAGES.c.sender == bindparam("sender")) \
    .order_by(_ORDERS.c.id).limit(1)
_ORDER_BY_NUMBER = select(_ORDERS.c.id).where(_ORDERS.c.number == bindparam("number")) \
    .order_by(_ORDERS.c.id).limit(1)
_SHIP_TO_OF_ORDER = select(_ORDERS.c.ship_to_id).where(_ORDERS.c.id == bindparam("order_id"))
_DESPATCH_BY_NUMBER = select(_DESPATCHES.c.id, _DESPATCHES.c.ship_to_id) \
    .where(_DESPATCHES.c.number == bindparam("number")).order_by(_DESPATCHES.c.id).limit(1)
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

# Awaited references
_AWAITING = select(_AWAITED.c.id, _AWAITED.c.waiting, _AWAITED.c.record_id).where(
    _AWAITED.c.awaited == bindparam("awaited"), _AWAITED.c.number == bindparam("number")) \
    .order_by(_AWAITED.c.id)
_DELETE_AWAITED = _AWAITED.delete().where(_AWAITED.c.id == bindparam("awaited_id"))
_CHANGE = select(_CHANGES).where(_CHANGES.c.id == bindparam("record_id"))
_UPDATE_CHANGE = update(_CHANGES).where(_CHANGES.c.id == bindparam("record_id"))
_RESPONSE = select(_RESPONSES.c.id, _RESPONSES.c.number, _RESPONSES.c.issue_date,
                   _RESPONSES.c.status, _RESPONSES.c.message_id, _RESPONSES.c.order_id) \
    .where(_RESPONSES.c.id == bindparam("record_id"))
_UPDATE_RESPONSE = update(_RESPONSES).where(_RESPONSES.c.id == bindparam("record_id"))
_RESPONSE_LINES_OF = select(
    _RESPONSE_LINES.c.id, _RESPONSE_LINES.c.line_number, _RESPONSE_LINES.c.order_line_number,
    _RESPONSE_LINES.c.item_id, _RESPONSE_LINES.c.status, _RESPONSE_LINES.c.quantity,
).where(_RESPONSE_LINES.c.response_id == bindparam("record_id"),
        _RESPONSE_LINES.c.order_line_id.is_(None)).order_by(_RESPONSE_LINES.c.id)
_UPDATE_RESPONSE_LINE = update(_RESPONSE_LINES) \
    .where(_RESPONSE_LINES.c.id == bindparam("line_id"))
_DESPATCH = select(_DESPATCHES.c.id, _DESPATCHES.c.number, _DESPATCHES.c.issue_date,
                   _DESPATCHES.c.message_id).where(_DESPATCHES.c.id == bindparam("record_id"))
_DESPATCH_LINES_OF = select(
    _DESPATCH_LINES.c.id, _DESPATCH_LINES.c.order_line_number, _DESPATCH_LINES.c.item_id,
    _DESPATCH_LINES.c.quantity,
).where(_DESPATCH_LINES.c.despatch_id == bindparam("record_id"),
        _DESPATCH_LINES.c.order_number == bindparam("number"),
        _DESPATCH_LINES.c.order_line_id.is_(None)).order_by(_DESPATCH_LINES.c.id)
_UPDATE_DESPATCH_LINE = update(_DESPATCH_LINES) \
    .where(_DESPATCH_LINES.c.id == bindparam("line_id"))
_RECEIPT = select(_RECEIPTS.c.id, _RECEIPTS.c.number, _RECEIPTS.c.issue_date,
                  _RECEIPTS.c.despatch_id, _RECEIPTS.c.location_id, _RECEIPTS.c.message_id,
                  _RECEIPTS.c.receipt_date).where(_RECEIPTS.c.id == bindparam("record_id"))
_UPDATE_RECEIPT = update(_RECEIPTS).where(_RECEIPTS.c.id == bindparam("record_id"))
_RECEIPT_LINES_OF = select(
    _RECEIPT_LINES.c.id, _RECEIPT_LINES.c.order_line_number, _RECEIPT_LINES.c.item_id,
    _RECEIPT_LINES.c.received, _RECEIPT_LINES.c.unit, _RECEIPT_LINES.c.order_line_id,
).where(_RECEIPT_LINES.c.receipt_id == bindparam("record_id")).order_by(_RECEIPT_LINES.c.id)
_RECEIPT_LINES_FOR = select(
    _RECEIPT_LINES.c.id, _RECEIPT_LINES.c.order_line_number, _RECEIPT_LINES.c.item_id,
    _RECEIPT_LINES.c.received,
).where(_RECEIPT_LINES.c.receipt_id == bindparam("record_id"),
        _RECEIPT_LINES.c.order_number == bindparam("number"),
        _RECEIPT_LINES.c.order_line_id.is_(None)).order_by(_RECEIPT_LINES.c.id)
_UPDATE_RECEIPT_LINE = update(_RECEIPT_LINES).where(_RECEIPT_LINES.c.id == bindparam("line_id"))
_LOCATION_OF_ORDER_LINE = select(_ORDER_LINES.c.location_id) \
    .where(_ORDER_LINES.c.id == bindparam("line_id"))
_INVOICE = select(_INVOICES.c.id, _INVOICES.c.number, _INVOICES.c.issue_date,
                  _INVOICES.c.order_number).where(_INVOICES.c.id == bindparam("record_id"))
_INVOICE_LINES_OF = select(
    _INVOICE_LINES.c.id, _INVOICE_LINES.c.order_line_number, _INVOICE_LINES.c.item_id,
).where(_INVOICE_LINES.c.invoice_id == bindparam("record_id"),
        _INVOICE_LINES.c.order_number == bindparam("number"),
        _INVOICE_LINES.c.order_line_id.is_(None)).order_by(_INVOICE_LINES.c.id)
_UPDATE_INVOICE_LINE = update(_INVOICE_LINES).where(_INVOICE_LINES.c.id == bindparam("line_id"))


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

    def rematch(self, *, order_line_ids: Any = (), invoice_line_ids: Any = ()) -> None:
        """Match again the invoice lines on these order lines (or these invoice lines)."""
        rematch(self.conn, self.tolerance, order_line_ids=order_line_ids,
                invoice_line_ids=invoice_line_ids,
                before=lambda: self.write(_NEW_RECEIPT_LINES, _NEW_ORDER_LINES))


@dataclass(slots=True)
class Stored:
    """What storing one document did."""

    status: str  # "stored" or "duplicate"
    detail: str
    rows: int = 0


# The roles that issue each document type, most telling first.
ISSUER_ROLES: dict[str, tuple[PartyRole, ...]] = {
    "purchase_order": (PartyRole.BUYER, PartyRole.ORDERED_BY, PartyRole.BILL_TO),
    "order_response": (PartyRole.SUPPLIER, PartyRole.SELLER),
    "despatch_advice": (PartyRole.SUPPLIER, PartyRole.SHIP_FROM, PartyRole.SELLER),
    "receipt_advice": (PartyRole.SHIP_TO, PartyRole.BUYER),
    "invoice": (PartyRole.SELLER, PartyRole.SUPPLIER),
    "inventory_report": (PartyRole.REPORTER, PartyRole.SUPPLIER, PartyRole.SELLER),
    "product_activity": (PartyRole.REPORTER, PartyRole.BUYER, PartyRole.SELLER),
    "forecast": (PartyRole.BUYER, PartyRole.REPORTER),
}
# A fallback the pipeline resolved through the partner profiles ("partner:NAME").
PARTNER_ISSUER = "partner:"


def issuer_party(document: Any) -> Any:
    """The party that issued a document, as it names itself, or None."""
    for role in ISSUER_ROLES.get(document.type, ()):
        party = next((p for p in document.parties if p.role == role), None)
        if party is not None and (party.gln or party.duns or party.ids or party.name):
            return party
    return None


def issuer_key(document: Any, fallback: str | None) -> str:
    """Who issued a document, for its natural key: the partner the pipeline resolved
    (a fallback ``partner:NAME``: one key whatever id the document names it by),
    else the party the standards make its sender, else the envelope's sender."""
    if fallback and fallback.startswith(PARTNER_ISSUER):
        return fallback
    party = issuer_party(document)
    if party is not None:
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


def _await(work: Work, awaited: str, numbers: Sequence[str], waiting: str,
           record_id: int) -> None:
    """Register a document as waiting for the orders (or despatch) it names."""
    work.add(_NEW_AWAITED, [{"awaited": awaited, "number": number, "waiting": waiting,
                             "record_id": record_id} for number in dict.fromkeys(numbers)])


def _item_conflicts(work: Work, refs: list[ItemRef], message_id: int) -> str:
    """Record the item conflicts the document's lines met; a note for its detail."""
    found = work.catalog.conflicts_of(refs)
    if not found:
        return ""
    work.add(_NEW_CONFLICTS, [
        {"item_id": item, "other_item_id": conflict.other, "identifier": conflict.identifier,
         "detail": conflict.detail, "message_id": message_id} for item, conflict in found])
    return f"; item conflicts: {'; '.join(c.detail for _, c in found)}"


class _Orders:
    """The orders a document names, looked up once each; and those it waits for."""

    def __init__(self, work: Work) -> None:
        self.work = work
        self.found: dict[str, int | None] = {}
        self.unmatched: set[str] = set()

    def __call__(self, number: str | None) -> int | None:
        if not number:
            return None
        if number not in self.found:
            self.found[number] = _find_order(self.work, number)
        return self.found[number]

    def missing(self) -> list[str]:
        return [number for number, order_id in self.found.items() if order_id is None]

    def line(self, number: str | None, line_number: str | None, item_id: int) -> Any:
        """The order line a document line names; an order on file without such a line
        is waited for too (a change may add it)."""
        order_line = _order_line(self.work, self(number), line_number, None, item_id)
        if order_line is None and number and self.found.get(number) is not None:
            self.unmatched.add(number)
        return order_line

    def waited(self) -> list[str]:
        """The orders to wait for: those not on file, and those lacking a line named."""
        return [*self.missing(), *sorted(self.unmatched)]


# -- purchase orders -------------------------------------------------------------------


def store_purchase_order(work: Work, doc: PurchaseOrder, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    if doc.purpose is not OrderPurpose.ORIGINAL:
        return _store_change(work, doc, issuer, message_id, sender)
    catalog = work.catalog
    ship_to = catalog.party_location(_party(doc, PartyRole.SHIP_TO, PartyRole.BUYER),
                                     owner=issuer)
    order_id = _claim(work, _ORDERS, {
        "issuer_key": issuer, "number": doc.number, "order_type": doc.order_type,
        "status": OrderStatus.OPEN.value, "issue_date": doc.issue_date,
        "currency": doc.currency,
        "buyer_id": catalog.party_id(_party(doc, PartyRole.BUYER)),
        "supplier_id": catalog.party_id(_party(doc, PartyRole.SUPPLIER, PartyRole.SELLER)),
        "ship_to_id": ship_to, "requested_delivery": doc.requested_delivery,
        "total": doc.total.amount if doc.total else None,
        "message_id": message_id, "last_message_id": message_id,
    }, ["issuer_key", "number"])
    if order_id is None:
        return Stored("duplicate", f"purchase order {doc.number} from {issuer} was already "
                      "received")
    stored = _order_lines_new(work, doc, order_id, ship_to, message_id, issuer=issuer)
    linked = _order_arrived(work, doc.number, order_id, issuer, sender)
    if linked:
        stored.detail += f"; {linked}"
    return stored


def _order_lines_new(work: Work, doc: PurchaseOrder, order_id: int, ship_to: int,
                     message_id: int, *, issuer: str) -> Stored:
    """The lines of an order seen for the first time, put on order."""
    catalog = work.catalog
    refs = [line.item for line in doc.lines]
    item_ids = catalog.item_ids(refs)
    move = work.ledger.move
    rows = []
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        location = catalog.party_location(line.ship_to, owner=issuer) if line.ship_to \
            else ship_to
        quantity = line.quantity.value
        unit = line.quantity.unit
        rows.append({
            "order_id": order_id, "line_number": line.line_number, "item_id": item_id,
            "location_id": location, "quantity": quantity, "unit": unit,
            "unit_price": line.unit_price.amount if line.unit_price else None,
            "line_amount": line.line_amount.amount if line.line_amount else None,
            "requested_delivery": line.requested_delivery or doc.requested_delivery,
            "state": LineState.OPEN.value, "confirmed_quantity": None,
            "open_quantity": quantity, "message_id": message_id,
        })
        move(item_id, location, Bucket.ON_ORDER, quantity, MovementKind.ORDERED,
             message_id=message_id, unit=unit, occurred_on=doc.issue_date, number=doc.number)
    work.add(_NEW_ORDER_LINES, rows)
    note = _item_conflicts(work, refs, message_id)
    return Stored("stored", f"purchase order {doc.number}: {len(rows)} lines{note}",
                  1 + len(rows))


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


def _delivered(line: Any) -> Decimal:
    """What of an order line is no longer on order (despatched or received): what it
    expects (the confirmed quantity, else the ordered) less what is still open."""
    expected: Decimal = line.confirmed_quantity if line.confirmed_quantity is not None \
        else line.quantity
    still: Decimal = line.open_quantity
    return max(expected - still, ZERO)


def _change_key(doc: PurchaseOrder) -> str:
    """What tells one change of an order from another: its own number where it has
    one, else a digest of its content (the same change sent twice is one)."""
    own = next((r.number for r in doc.references if r.kind == "change"), None)
    if own:
        return own[:80]
    digest = hashlib.sha256(doc.model_dump_json().encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def _order_for_change(work: Work, number: str, issuer: str, sender: str | None) -> int | None:
    """The order a change names: the issuer's order of that number, else the order of
    that number that came from the same envelope sender (a change that names no
    buyer, where the order did)."""
    found = work.conn.execute(_ORDER_BY_KEY, {"issuer": issuer, "number": number}).scalar()
    if found is None and sender:
        found = work.conn.execute(_ORDER_BY_SENDER, {"number": number,
                                                     "sender": sender}).scalar()
    return int(found) if found is not None else None


def _store_change(work: Work, doc: PurchaseOrder, issuer: str, message_id: int,
                  sender: str | None) -> Stored:
    """A change, cancellation or replacement: applied to its order, or kept waiting
    for it; never made into an order of its own."""
    order_id = _order_for_change(work, doc.number, issuer, sender)
    key = _change_key(doc)
    what = {OrderPurpose.CANCELLATION: "cancellation", OrderPurpose.REPLACE: "replacement"} \
        .get(doc.purpose, "change")
    change_id = _claim(work, _CHANGES, {
        "issuer_key": issuer, "order_number": doc.number, "change_key": key,
        "purpose": doc.purpose.value, "issue_date": doc.issue_date,
        "status": (ChangeStatus.APPLIED if order_id is not None
                   else ChangeStatus.WAITING).value,
        "order_id": order_id, "sender": sender,
        "document": None if order_id is not None else doc.model_dump_json(),
        "message_id": message_id}, ["issuer_key", "order_number", "change_key"])
    if change_id is None:
        return Stored("duplicate", f"{what} {key} of purchase order {doc.number} was already "
                      "received")
    if order_id is None:
        _await(work, "order", [doc.number], "change", change_id)
        return Stored("stored", f"{what} of purchase order {doc.number}: waiting for the "
                      "order, not on file yet", 1)
    return _change_order(work, doc, order_id, message_id)


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
    touched = []
    refs = [line.item for line in doc.lines]
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
                      number=doc.number, state=LineState.CANCELLED.value)
        elif line.change is None and line.quantity.value == old.quantity and (
                line.unit_price is None or line.unit_price.amount == old.unit_price):
            continue  # restated as it is (a change that repeats every line): nothing to do
        else:
            # The changed quantity awaits the supplier's confirmation again.
            new_open = max(line.quantity.value - _delivered(old), ZERO)
            _set_open(work, old, new_open, MovementKind.ORDER_CHANGED, message_id=message_id,
                      number=doc.number,
                      quantity=line.quantity.value, state=LineState.CHANGED.value,
                      confirmed_quantity=old.confirmed_quantity
                      if old.confirmed_quantity == line.quantity.value else None,
                      unit_price=line.unit_price.amount if line.unit_price else old.unit_price)
            touched.append(old.id)
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
    # A changed price or quantity changes the match of an invoice already on file; a
    # line added may be the one a document on file was waiting for.
    work.rematch(order_line_ids=touched)
    if new_rows:
        _order_arrived(work, doc.number, order_id, "", None, changes=False)
    note = _item_conflicts(work, refs, message_id)
    return Stored("stored", f"purchase order {doc.number} changed: {len(doc.lines)} lines{note}",
                  1 + len(doc.lines))


def _find_order(work: Work, number: str | None) -> int | None:
    if not number:
        return None
    found = work.conn.execute(_ORDER_BY_NUMBER, {"number": number}).scalar()
    return int(found) if found is not None else None


def _order_line(work: Work, order_id: int | None, line_number: str | None,
                item: ItemRef | None, item_id: int | None = None) -> Any:
    """The order line a document line refers to: by line number, else by item. A
    numbered line of another item gives way to a line of the item, where the order
    has one: the number was the document's own."""
    if order_id is None:
        return None
    lines = _order_lines(work, order_id)
    if item_id is None and item is not None:
        item_id = work.catalog.item_id(item)
    numbered = lines.get(line_number) if line_number else None
    if numbered is not None and (item_id is None or numbered.item_id == item_id):
        return numbered
    by_item = next((line for line in lines.values() if line.item_id == item_id), None) \
        if item_id is not None else None
    return by_item if by_item is not None else numbered


# -- documents that arrive before what they name ------------------------------------------

# The order in which waiting documents of one day are applied to what they waited for.
_RANK = {"change": 0, "response": 1, "despatch": 2, "receipt": 3, "invoice": 4}
_PLURAL = {"change": "changes", "response": "responses", "despatch": "despatches",
           "receipt": "receipts", "invoice": "invoices"}


def _order_arrived(work: Work, number: str, order_id: int, issuer: str,
                   sender: str | None, *, changes: bool = True) -> str:
    """Apply what was waiting for this order, in the order of its dates: changes, then
    the lines of responses, despatches, receipts and invoices that named it. A
    document some of whose lines find no line of the order keeps waiting, for a
    change that adds the line. ``changes`` false: the order is on file and gained
    lines; what waits for it besides changes is tried again. A note of what was
    applied, for the order's detail."""
    awaited = _awaiting(work, "order", number)
    if not awaited:
        return ""
    found: list[tuple[date, int, int, str, Any, int]] = []
    for row in awaited:
        if row.waiting == "change" and not changes:
            continue
        record = _waiting_record(work, row.waiting, row.record_id)
        if record is None:
            continue
        if row.waiting == "change" and not (
                record.status == ChangeStatus.WAITING.value
                and (record.issuer_key == issuer or (sender and record.sender == sender))):
            continue  # another buyer's order of the same number
        found.append((record.issue_date, _RANK[row.waiting], row.record_id, row.waiting,
                      record, row.id))
    applied: dict[str, int] = {}
    for _, _, _, waiting, record, awaited_id in sorted(found, key=lambda f: f[:3]):
        if _LINKS[waiting](work, record, number, order_id):
            work.conn.execute(_DELETE_AWAITED, {"awaited_id": awaited_id})
        applied[waiting] = applied.get(waiting, 0) + 1
    if not applied:
        return ""
    return "applied what waited for it: " + ", ".join(
        f"{count} {waiting if count == 1 else _PLURAL[waiting]}"
        for waiting, count in applied.items())


def _waiting_record(work: Work, waiting: str, record_id: int) -> Any:
    statement = {"change": _CHANGE, "response": _RESPONSE, "despatch": _DESPATCH,
                 "receipt": _RECEIPT, "invoice": _INVOICE}[waiting]
    return work.conn.execute(statement, {"record_id": record_id}).first()


# Each link applies a waiting document to the order that came, line by line, and
# says whether every line of it that names the order found its line.


def _link_change(work: Work, record: Any, number: str, order_id: int) -> bool:
    doc = PurchaseOrder.model_validate_json(record.document)
    work.conn.execute(_UPDATE_CHANGE, {"record_id": record.id, "order_id": order_id,
                                       "status": ChangeStatus.APPLIED.value, "document": None})
    _change_order(work, doc, order_id, record.message_id)
    return True


def _link_response(work: Work, record: Any, number: str, order_id: int) -> bool:
    work.write(_NEW_RESPONSE_LINES)
    work.conn.execute(_UPDATE_RESPONSE, {"record_id": record.id, "order_id": order_id})
    lines = work.conn.execute(_RESPONSE_LINES_OF, {"record_id": record.id}).all()
    complete = True
    for line in lines:
        order_line = _order_line(work, order_id, line.order_line_number, None, line.item_id)
        if order_line is None:
            complete = False
            continue
        work.conn.execute(_UPDATE_RESPONSE_LINE, {
            "line_id": line.id, "order_line_id": order_line.id,
            "item_id": line.item_id if line.item_id is not None else order_line.item_id})
        _apply_response_line(work, order_line, LineStatus(line.status), line.quantity,
                             message_id=record.message_id, number=record.number)
    if not lines and record.order_id is None and record.status == LineStatus.REJECTED.value:
        _reject_all(work, order_id, record.message_id, record.number)
    work.conn.execute(_UPDATE_ORDER, {"order_id": order_id,
                                      "status": OrderStatus.ACKNOWLEDGED.value,
                                      "last_message_id": record.message_id})
    return complete


def _link_despatch(work: Work, record: Any, number: str, order_id: int) -> bool:
    work.write(_NEW_DESPATCH_LINES)
    complete = True
    for line in work.conn.execute(_DESPATCH_LINES_OF, {"record_id": record.id,
                                                       "number": number}).all():
        order_line = _order_line(work, order_id, line.order_line_number, None, line.item_id)
        if order_line is None:
            complete = False
            continue
        work.conn.execute(_UPDATE_DESPATCH_LINE, {"line_id": line.id,
                                                  "order_line_id": order_line.id})
        if order_line.open_quantity:
            _set_open(work, order_line,
                      order_line.open_quantity - min(line.quantity, order_line.open_quantity),
                      MovementKind.DESPATCHED, message_id=record.message_id,
                      number=record.number)
    return complete


def _link_receipt(work: Work, record: Any, number: str, order_id: int) -> bool:
    work.write(_NEW_RECEIPT_LINES)
    linked = []
    complete = True
    for line in work.conn.execute(_RECEIPT_LINES_FOR, {"record_id": record.id,
                                                       "number": number}).all():
        order_line = _order_line(work, order_id, line.order_line_number, None, line.item_id)
        if order_line is None:
            complete = False
            continue
        work.conn.execute(_UPDATE_RECEIPT_LINE, {"line_id": line.id,
                                                 "order_line_id": order_line.id})
        linked.append(order_line.id)
        if record.despatch_id is None and order_line.open_quantity:
            _set_open(work, order_line,
                      order_line.open_quantity - min(line.received, order_line.open_quantity),
                      MovementKind.RECEIVED, message_id=record.message_id,
                      number=record.number)
    work.rematch(order_line_ids=linked)
    return complete


def _link_invoice(work: Work, record: Any, number: str, order_id: int) -> bool:
    if record.order_number == number:
        work.conn.execute(_UPDATE_INVOICE, {"invoice_id": record.id, "order_id": order_id})
    linked = []
    complete = True
    for line in work.conn.execute(_INVOICE_LINES_OF, {"record_id": record.id,
                                                      "number": number}).all():
        order_line = _order_line(work, order_id, line.order_line_number, None, line.item_id)
        if order_line is None:
            complete = False
            continue
        work.conn.execute(_UPDATE_INVOICE_LINE, {"line_id": line.id,
                                                 "order_line_id": order_line.id})
        linked.append(line.id)
    work.rematch(invoice_line_ids=linked)
    return complete


_LINKS = {"change": _link_change, "response": _link_response, "despatch": _link_despatch,
          "receipt": _link_receipt, "invoice": _link_invoice}


def _awaiting(work: Work, awaited: str, number: str) -> list[Any]:
    """The documents registered as waiting for the order or despatch ``number``."""
    work.write(_NEW_AWAITED)
    return list(work.conn.execute(_AWAITING, {"awaited": awaited, "number": number}).all())


def _receipts_came_first(work: Work, awaited: list[Any], despatch_id: int) -> dict[int, Decimal]:
    """Receipts that named a despatch before it came: linked to it, and what they
    received taken off the in-transit the despatch put on. What those receipts
    received per order line (already taken off the order by them)."""
    covered: dict[int, Decimal] = {}
    work.write(_NEW_RECEIPT_LINES)
    for row in awaited:
        record = work.conn.execute(_RECEIPT, {"record_id": row.record_id}).first()
        work.conn.execute(_DELETE_AWAITED, {"awaited_id": row.id})
        if record is None or record.despatch_id is not None:
            continue
        work.conn.execute(_UPDATE_RECEIPT, {"record_id": record.id,
                                            "despatch_id": despatch_id})
        for line in work.conn.execute(_RECEIPT_LINES_OF, {"record_id": record.id}).all():
            place = record.location_id
            if line.order_line_id is not None:
                covered[line.order_line_id] = covered.get(line.order_line_id, ZERO) + \
                    line.received
                place = work.conn.execute(_LOCATION_OF_ORDER_LINE,
                                          {"line_id": line.order_line_id}).scalar_one()
            in_transit = work.ledger.balance(line.item_id, place)["in_transit"]
            work.ledger.move(line.item_id, place, Bucket.IN_TRANSIT,
                             -min(line.received, max(in_transit, ZERO)),
                             MovementKind.RECEIVED, message_id=record.message_id,
                             unit=line.unit, occurred_on=record.receipt_date or
                             record.issue_date, number=record.number)
    return covered


# -- order responses ---------------------------------------------------------------------

_LINE_STATE = {
    LineStatus.ACCEPTED: LineState.ACCEPTED, LineStatus.CHANGED: LineState.CHANGED,
    LineStatus.REJECTED: LineState.REJECTED, LineStatus.BACKORDERED: LineState.BACKORDERED,
}


def store_order_response(work: Work, doc: OrderResponse, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    order_id = _find_order(work, doc.order_number)
    response_id = _claim(work, _RESPONSES, {
        "issuer_key": issuer, "number": doc.number, "order_number": doc.order_number,
        "order_id": order_id, "issue_date": doc.issue_date, "status": doc.status.value,
        "message_id": message_id}, ["issuer_key", "number"])
    if response_id is None:
        return Stored("duplicate", f"order response {doc.number} was already received")
    refs = [line.item for line in doc.lines if line.item is not None]
    item_ids = dict(zip(refs, work.catalog.item_ids(refs), strict=True))
    rows = []
    unmatched = False
    for line in doc.lines:
        item_id = item_ids[line.item] if line.item is not None else None
        reference = line.order_line_number or line.line_number
        order_line = _order_line(work, order_id, reference, None, item_id)
        unmatched = unmatched or order_line is None
        if item_id is None and order_line is not None:
            item_id = order_line.item_id  # confirmed by line number alone
        rows.append({"response_id": response_id, "line_number": line.line_number,
                     "order_line_id": order_line.id if order_line is not None else None,
                     "order_line_number": reference, "item_id": item_id,
                     "status": line.status.value,
                     "quantity": line.quantity.value if line.quantity else None,
                     "unit_price": line.unit_price.amount if line.unit_price else None,
                     "delivery_date": line.delivery_date})
        if order_line is not None:
            quantity = line.quantity.value if line.quantity else None
            _apply_response_line(work, order_line, line.status, quantity,
                                 message_id=message_id, number=doc.number)
    if not doc.lines and order_id is not None and doc.status is LineStatus.REJECTED:
        _reject_all(work, order_id, message_id, doc.number)
    work.add(_NEW_RESPONSE_LINES, rows)
    if order_id is not None:
        work.conn.execute(_UPDATE_ORDER, {"order_id": order_id,
                                          "status": OrderStatus.ACKNOWLEDGED.value,
                                          "last_message_id": message_id})
    if order_id is None or unmatched:
        _await(work, "order", [doc.order_number], "response", response_id)
    note = "" if order_id is not None else \
        f" (order {doc.order_number} not on file yet: matched when it arrives)"
    note += _item_conflicts(work, refs, message_id)
    return Stored("stored", f"order response {doc.number}: {len(rows)} lines{note}",
                  1 + len(rows))


def _reject_all(work: Work, order_id: int, message_id: int, number: str) -> None:
    for order_line in _order_lines(work, order_id).values():
        _apply_response_line(work, order_line, LineStatus.REJECTED, None,
                             message_id=message_id, number=number)


def _apply_response_line(work: Work, line: Any, status: LineStatus,
                         quantity: Decimal | None, *, message_id: int, number: str) -> None:
    state = _LINE_STATE[status].value
    if status is LineStatus.REJECTED:
        _set_open(work, line, ZERO, MovementKind.ORDER_REJECTED, message_id=message_id,
                  number=number, state=state, confirmed_quantity=ZERO)
        return
    confirmed = quantity if quantity is not None else line.quantity
    new_open = max(confirmed - _delivered(line), ZERO)
    _set_open(work, line, new_open, MovementKind.ORDER_CHANGED, message_id=message_id,
              number=number, state=state, confirmed_quantity=confirmed)


# -- despatch and receipt -----------------------------------------------------------------


def store_despatch_advice(work: Work, doc: DespatchAdvice, message_id: int,
                          sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    catalog = work.catalog
    ship_to = catalog.party_location(_party(doc, PartyRole.SHIP_TO, PartyRole.BUYER),
                                     owner=issuer)
    despatch_id = _claim(work, _DESPATCHES, {
        "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
        "despatch_date": doc.despatch_date, "expected_delivery": doc.expected_delivery,
        "ship_to_id": ship_to, "order_numbers": " ".join(doc.order_numbers) or None,
        "message_id": message_id}, ["issuer_key", "number"])
    if despatch_id is None:
        return Stored("duplicate", f"despatch advice {doc.number} was already received")
    refs = [line.item for line in doc.lines]
    item_ids = catalog.item_ids(refs)
    when = doc.despatch_date or doc.issue_date
    orders = _Orders(work)
    # Receipts that came first: what they received is no longer in transit, nor on order.
    waiting = _awaiting(work, "despatch", doc.number)
    placed = []
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        order_number = line.order_number or (doc.order_numbers[0] if doc.order_numbers
                                             else None)
        order_line = orders.line(order_number, line.order_line_number, item_id)
        location = order_line.location_id if order_line is not None else ship_to
        quantity = line.quantity.value
        work.ledger.move(item_id, location, Bucket.IN_TRANSIT, quantity,
                         MovementKind.DESPATCHED, message_id=message_id,
                         unit=line.quantity.unit, occurred_on=when, number=doc.number)
        if not waiting and order_line is not None and order_line.open_quantity:
            _set_open(work, order_line,
                      order_line.open_quantity - min(quantity, order_line.open_quantity),
                      MovementKind.DESPATCHED, message_id=message_id, number=doc.number)
        placed.append((line, item_id, order_number, order_line))
    if waiting:
        covered = _receipts_came_first(work, waiting, despatch_id)
        for line, item_id, order_number, first in placed:
            if first is None:
                continue
            # Read again: an earlier line of this despatch may have taken from it.
            now = _order_line(work, orders(order_number), line.order_line_number, None,
                              item_id)
            left = max(line.quantity.value - covered.pop(now.id, ZERO), ZERO)
            if now.open_quantity and left:
                _set_open(work, now, now.open_quantity - min(left, now.open_quantity),
                          MovementKind.DESPATCHED, message_id=message_id, number=doc.number)
    rows = [{"despatch_id": despatch_id, "line_number": line.line_number,
             "item_id": item_id, "quantity": line.quantity.value, "unit": line.quantity.unit,
             "order_number": order_number, "order_line_number": line.order_line_number,
             "order_line_id": order_line.id if order_line is not None else None,
             "package": line.package}
            for line, item_id, order_number, order_line in placed]
    work.add(_NEW_DESPATCH_LINES, rows)
    _await(work, "order", orders.waited(), "despatch", despatch_id)
    note = _item_conflicts(work, refs, message_id)
    return Stored("stored", f"despatch advice {doc.number}: {len(rows)} lines{note}",
                  1 + len(rows))


def store_receipt_advice(work: Work, doc: ReceiptAdvice, message_id: int,
                         sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    catalog = work.catalog
    despatch = work.conn.execute(_DESPATCH_BY_NUMBER, {"number": doc.despatch_number}
                                 ).first() if doc.despatch_number else None
    despatch_id = despatch.id if despatch is not None else None
    # Where the goods came: the receipt's ship-to; else where the despatch sent them.
    ship_to = _party(doc, PartyRole.SHIP_TO)
    if ship_to is None and despatch is not None:
        location = despatch.ship_to_id
    else:
        location = catalog.party_location(ship_to or _party(doc, PartyRole.BUYER),
                                          owner=issuer)
    receipt_id = _claim(work, _RECEIPTS, {
        "issuer_key": issuer, "number": doc.number, "issue_date": doc.issue_date,
        "receipt_date": doc.receipt_date, "despatch_number": doc.despatch_number,
        "despatch_id": despatch_id, "location_id": location, "message_id": message_id},
        ["issuer_key", "number"])
    if receipt_id is None:
        return Stored("duplicate", f"receipt advice {doc.number} was already received")
    refs = [line.item for line in doc.lines]
    item_ids = catalog.item_ids(refs)
    rows = []
    linked = []
    orders = _Orders(work)
    when = doc.receipt_date or doc.issue_date
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        order_number = line.order_number or (doc.order_numbers[0] if doc.order_numbers
                                             else None)
        order_line = orders.line(order_number, line.order_line_number, item_id)
        place = order_line.location_id if order_line is not None else location
        received = line.received.value
        damaged = line.damaged.value if line.damaged else ZERO
        rejected = line.rejected.value if line.rejected else ZERO
        unit = line.received.unit
        if despatch_id is not None:
            in_transit = work.ledger.balance(item_id, place)["in_transit"]
            work.ledger.move(item_id, place, Bucket.IN_TRANSIT,
                             -min(received, max(in_transit, ZERO)),
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
                     "rejected": rejected, "unit": unit, "order_number": order_number,
                     "order_line_number": line.order_line_number,
                     "order_line_id": order_line.id if order_line is not None else None})
        if order_line is not None:
            linked.append(order_line.id)
    work.add(_NEW_RECEIPT_LINES, rows)
    _await(work, "order", orders.waited(), "receipt", receipt_id)
    if doc.despatch_number and despatch_id is None:
        _await(work, "despatch", [doc.despatch_number], "receipt", receipt_id)
    # What was received changes the match of invoices already on file.
    work.rematch(order_line_ids=linked)
    note = _item_conflicts(work, refs, message_id)
    return Stored("stored", f"receipt advice {doc.number}: {len(rows)} lines{note}",
                  1 + len(rows))


# -- invoices --------------------------------------------------------------------------------


def store_invoice(work: Work, doc: Invoice, message_id: int, sender: str | None) -> Stored:
    issuer = issuer_key(doc, sender)
    orders = _Orders(work)
    order_id = orders(doc.order_number)
    totals = doc.totals
    invoice_id = _claim(work, _INVOICES, {
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
    refs = [line.item for line in doc.lines]
    item_ids = work.catalog.item_ids(refs)
    work.write(_NEW_RECEIPT_LINES)
    discrepancies = 0
    for line, item_id in zip(doc.lines, item_ids, strict=True):
        order_number = line.order_number or doc.order_number
        order_line = orders.line(order_number, line.order_line_number, item_id)
        invoiced = line.quantity.value
        price = line.unit_price.amount if line.unit_price else None
        line_id = work.conn.execute(_NEW_INVOICE_LINE, {
            "invoice_id": invoice_id, "line_number": line.line_number, "item_id": item_id,
            "quantity": invoiced, "unit": line.quantity.unit, "unit_price": price,
            "line_amount": line.line_amount.amount if line.line_amount else None,
            "order_number": order_number, "order_line_number": line.order_line_number,
            "order_line_id": order_line.id if order_line is not None else None,
        }).scalar_one()
        if doc.credit_note:
            continue  # money back for what the invoice's match flagged: not matched itself
        values = match(work.conn, order_line, invoiced, price, tol)
        discrepancies += outside(values)
        work.conn.execute(_NEW_MATCH, {"invoice_line_id": line_id, **values})
    work.conn.execute(_UPDATE_INVOICE, {"invoice_id": invoice_id,
                                        "discrepancies": discrepancies})
    _await(work, "order", orders.waited(), "invoice", invoice_id)
    detail = f"invoice {doc.number}: {len(doc.lines)} lines"
    if discrepancies:
        detail += f", {discrepancies} outside tolerance"
    if orders.missing():
        detail += f" (order {', '.join(orders.missing())} not on file yet: matched when it " \
            "arrives)"
    detail += _item_conflicts(work, refs, message_id)
    return Stored("stored", detail, 1 + 2 * len(doc.lines))


# -- inventory, sales, forecasts -------------------------------------------------------------


def _place(work: Work, code: str | None, doc: Any, issuer: str) -> int:
    """The location a line names; else the document's ship-to (or the place it reports
    on); else the issuer's unnamed place."""
    if code:
        return work.catalog.location_id(code)
    party = _party(doc, PartyRole.SHIP_TO)
    return work.catalog.party_location(party, owner=issuer)


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
        location = _place(work, line.location or doc.location, doc, issuer)
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
    # location of their own are the reporting location's when it has a GLN.
    reporter = _party(doc, PartyRole.REPORTER)
    for line in doc.lines:
        period = line.period or doc.period
        start = period.start if period else doc.issue_date
        end = period.end if period else doc.issue_date
        rows.append({
            "issuer_key": issuer, "item_id": work.catalog.item_id(line.item),
            "location_id": work.catalog.party_location(reporter)
            if not line.location and reporter is not None and reporter.gln
            else _place(work, line.location, doc, issuer),
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
        location = _place(work, line.location, doc, issuer)
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
