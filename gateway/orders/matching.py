"""The three-way match: each invoice line against the order line it bills and what
was received of it.

An invoice line finds its order line by the order it names (its own, else the
invoice's) and the order line number, falling back to the item; what was
received counts the accepted quantity (received, less rejected and damaged) of
every receipt line on that order line. The match is kept as a row per invoice
line and computed again whenever one of its three sides changes: a receipt
arriving after the invoice, an order (or its change) arriving after either. It
takes the connection of the caller's unit of work and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select, update

from gateway.db.base import table
from gateway.orders.models import (
    InvoiceLineRecord,
    InvoiceMatch,
    InvoiceRecord,
    MatchStatus,
    PurchaseOrderLineRecord,
    ReceiptLineRecord,
)

ZERO = Decimal(0)
_ORDER_LINES = table(PurchaseOrderLineRecord)
_RECEIPT_LINES = table(ReceiptLineRecord)
_INVOICE_LINES = table(InvoiceLineRecord)
_INVOICES = table(InvoiceRecord)
_MATCHES = table(InvoiceMatch)

_RECEIVED = select(
    func.count(),
    func.sum(_RECEIPT_LINES.c.received - _RECEIPT_LINES.c.rejected - _RECEIPT_LINES.c.damaged),
).where(_RECEIPT_LINES.c.order_line_id == bindparam("order_line_id"))
_ORDER_LINE = select(_ORDER_LINES.c.id, _ORDER_LINES.c.quantity, _ORDER_LINES.c.unit_price) \
    .where(_ORDER_LINES.c.id == bindparam("order_line_id"))
_UPDATE_MATCH = update(_MATCHES).where(_MATCHES.c.invoice_line_id == bindparam("line_id"))
_OUTSIDE = select(func.count()).select_from(_MATCHES.join(
    _INVOICE_LINES, _INVOICE_LINES.c.id == _MATCHES.c.invoice_line_id)).where(
    _INVOICE_LINES.c.invoice_id == bindparam("invoice_id"),
    or_(_MATCHES.c.quantity_status != MatchStatus.MATCHED.value,
        _MATCHES.c.price_status != MatchStatus.MATCHED.value))
_UPDATE_INVOICE = update(_INVOICES).where(_INVOICES.c.id == bindparam("invoice_id"))


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an invoice may differ from order and receipt before it is flagged."""

    quantity_percent: Decimal = ZERO
    price_percent: Decimal = Decimal("0.5")
    price_absolute: Decimal = Decimal("0.01")


def differs(actual: Decimal, expected: Decimal, percent: Decimal,
            absolute: Decimal = ZERO) -> int:
    """-1, 0 or 1: below, within, above tolerance."""
    allowed = max(abs(expected) * percent / 100, absolute)
    if actual - expected > allowed:
        return 1
    if expected - actual > allowed:
        return -1
    return 0


def received(conn: Connection, order_line_id: int) -> Decimal | None:
    """The quantity accepted on receipt lines of an order line; None before any."""
    row = conn.execute(_RECEIVED, {"order_line_id": order_line_id}).first()
    if row is None or not row[0]:
        return None
    return Decimal(row[1] or 0)


def match(conn: Connection, order_line: Any, invoiced: Decimal, price: Decimal | None,
          tol: Tolerance) -> dict[str, Any]:
    """The match row's values for one invoice line (``order_line``: its row, or None)."""
    if order_line is None:
        return {"order_line_id": None, "ordered_quantity": None, "received_quantity": None,
                "invoiced_quantity": invoiced, "ordered_price": None, "invoiced_price": price,
                "quantity_status": MatchStatus.NO_ORDER_LINE.value,
                "price_status": MatchStatus.NO_ORDER_LINE.value,
                "quantity_difference": None, "price_difference": None}
    got = received(conn, order_line.id)
    against = got if got is not None else order_line.quantity
    side = differs(invoiced, against, tol.quantity_percent)
    if got is None:
        quantity_status = MatchStatus.NOT_RECEIVED
    else:
        quantity_status = {0: MatchStatus.MATCHED, 1: MatchStatus.QUANTITY_OVER,
                           -1: MatchStatus.QUANTITY_UNDER}[side]
    ordered_price = order_line.unit_price
    price_status = MatchStatus.MATCHED
    if price is not None and ordered_price is not None:
        price_status = {0: MatchStatus.MATCHED, 1: MatchStatus.PRICE_OVER,
                        -1: MatchStatus.PRICE_UNDER}[
            differs(price, ordered_price, tol.price_percent, tol.price_absolute)]
    return {"order_line_id": order_line.id, "ordered_quantity": order_line.quantity,
            "received_quantity": got, "invoiced_quantity": invoiced,
            "ordered_price": ordered_price, "invoiced_price": price,
            "quantity_status": quantity_status.value, "price_status": price_status.value,
            "quantity_difference": invoiced - against,
            "price_difference": (price - ordered_price)
            if price is not None and ordered_price is not None else None}


def outside(values: dict[str, Any]) -> bool:
    """Whether a match row's values put its invoice line outside tolerance."""
    return bool(values["quantity_status"] != MatchStatus.MATCHED.value
                or values["price_status"] != MatchStatus.MATCHED.value)


def rematch(conn: Connection, tol: Tolerance, *, order_line_ids: Iterable[int] = (),
            invoice_line_ids: Iterable[int] = (),
            before: Callable[[], None] | None = None) -> int:
    """Compute again the matches of the invoice lines on these order lines (and of
    these invoice lines), and the invoices' counts of lines outside tolerance.
    ``before`` writes whatever the receipts and order lines still hold back.
    How many matches were computed."""
    lines, invoices = set(order_line_ids), set(invoice_line_ids)
    if not lines and not invoices:
        return 0
    if before is not None:
        before()
    conditions = []
    if lines:
        conditions.append(_INVOICE_LINES.c.order_line_id.in_(sorted(lines)))
    if invoices:
        conditions.append(_INVOICE_LINES.c.id.in_(sorted(invoices)))
    found = conn.execute(select(
        _INVOICE_LINES.c.id, _INVOICE_LINES.c.invoice_id, _INVOICE_LINES.c.quantity,
        _INVOICE_LINES.c.unit_price, _INVOICE_LINES.c.order_line_id,
    ).join(_INVOICES, _INVOICES.c.id == _INVOICE_LINES.c.invoice_id).where(
        or_(*conditions), _INVOICES.c.credit_note.is_(False)).order_by(_INVOICE_LINES.c.id)
    ).all()
    touched: set[int] = set()
    for row in found:
        order_line = conn.execute(_ORDER_LINE, {"order_line_id": row.order_line_id}).first() \
            if row.order_line_id is not None else None
        values = match(conn, order_line, row.quantity, row.unit_price, tol)
        conn.execute(_UPDATE_MATCH, {"line_id": row.id, **values})
        touched.add(row.invoice_id)
    for invoice_id in sorted(touched):
        recount(conn, invoice_id)
    return len(found)


def recount(conn: Connection, invoice_id: int) -> None:
    """Store how many of an invoice's lines are outside tolerance."""
    count = conn.execute(_OUTSIDE, {"invoice_id": invoice_id}).scalar_one()
    conn.execute(_UPDATE_INVOICE, {"invoice_id": invoice_id, "discrepancies": count})
