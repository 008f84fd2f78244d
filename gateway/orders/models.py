"""Order tables: purchase orders and their lines, order responses, despatch
advices, receipts, invoices and the three-way match of each invoice line.

Each document table is unique by (issuer, number): the same document received
twice is one row. Every row keeps the message it came from (lineage); lines
point at the order line they fulfil where the documents say which.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base
from gateway.db.types import Amount


class OrderStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CHANGED = "changed"
    CANCELLED = "cancelled"


class LineState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    CHANGED = "changed"
    REJECTED = "rejected"
    BACKORDERED = "backordered"
    CANCELLED = "cancelled"


class MatchStatus(StrEnum):
    MATCHED = "matched"
    QUANTITY_OVER = "quantity_over"
    QUANTITY_UNDER = "quantity_under"
    PRICE_OVER = "price_over"
    PRICE_UNDER = "price_under"
    NOT_RECEIVED = "not_received"
    NO_ORDER_LINE = "no_order_line"


class PurchaseOrderRecord(Base):
    __tablename__ = "purchase_orders"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    order_type: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(16))
    issue_date: Mapped[date]
    currency: Mapped[str | None] = mapped_column(String(3))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("trading_parties.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("trading_parties.id"))
    ship_to_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    requested_delivery: Mapped[date | None]
    total: Mapped[Decimal | None] = mapped_column(Amount)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))
    last_message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    WAITING = "waiting"  # its order has not arrived yet


class OrderChangeRecord(Base):
    """A change, cancellation or replacement of a purchase order, as received.

    Unique by the order it changes and its own number (or, for a change that has
    none, a digest of its content): the same change received twice is applied
    once. A change whose order is not on file waits here, its document kept
    whole, and is applied when the order arrives; it never becomes the order."""

    __tablename__ = "order_changes"
    __table_args__ = (UniqueConstraint("issuer_key", "order_number", "change_key"),
                      Index(None, "order_number", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    order_number: Mapped[str] = mapped_column(String(80))
    change_key: Mapped[str] = mapped_column(String(80))
    purpose: Mapped[str] = mapped_column(String(16))
    issue_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    sender: Mapped[str | None] = mapped_column(String(80))  # the envelope's, for matching
    document: Mapped[str | None] = mapped_column(Text)  # canonical JSON, while waiting
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class AwaitedReference(Base):
    """A document that names an order (or a despatch) not on file yet: when that one
    arrives, the waiting document's lines are matched to it and their effects on
    the order applied, whatever order the documents came in."""

    __tablename__ = "awaited_references"
    __table_args__ = (Index(None, "awaited", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    awaited: Mapped[str] = mapped_column(String(16))  # "order" or "despatch"
    number: Mapped[str] = mapped_column(String(80))
    waiting: Mapped[str] = mapped_column(String(16))  # change, response, despatch, ...
    record_id: Mapped[int]  # the waiting document's row in its own table


class PurchaseOrderLineRecord(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    unit_price: Mapped[Decimal | None] = mapped_column(Amount)
    line_amount: Mapped[Decimal | None] = mapped_column(Amount)
    requested_delivery: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(16))
    confirmed_quantity: Mapped[Decimal | None] = mapped_column(Amount)
    # What this line still puts on order at its location: kept so changes adjust by difference.
    open_quantity: Mapped[Decimal] = mapped_column(Amount)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class OrderResponseRecord(Base):
    __tablename__ = "order_responses"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    order_number: Mapped[str] = mapped_column(String(80))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    issue_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class OrderResponseLineRecord(Base):
    __tablename__ = "order_response_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("order_responses.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"))
    order_line_number: Mapped[str | None] = mapped_column(String(20))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    status: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal | None] = mapped_column(Amount)
    unit_price: Mapped[Decimal | None] = mapped_column(Amount)
    delivery_date: Mapped[date | None]


class DespatchAdviceRecord(Base):
    __tablename__ = "despatch_advices"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    issue_date: Mapped[date]
    despatch_date: Mapped[date | None]
    expected_delivery: Mapped[date | None]
    ship_to_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    order_numbers: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class DespatchLineRecord(Base):
    __tablename__ = "despatch_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    despatch_id: Mapped[int] = mapped_column(ForeignKey("despatch_advices.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    order_number: Mapped[str | None] = mapped_column(String(80))
    order_line_number: Mapped[str | None] = mapped_column(String(20))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"))
    package: Mapped[str | None] = mapped_column(String(35))


class ReceiptRecord(Base):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    issue_date: Mapped[date]
    receipt_date: Mapped[date | None]
    despatch_number: Mapped[str | None] = mapped_column(String(80))
    despatch_id: Mapped[int | None] = mapped_column(ForeignKey("despatch_advices.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class ReceiptLineRecord(Base):
    __tablename__ = "receipt_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    received: Mapped[Decimal] = mapped_column(Amount)
    damaged: Mapped[Decimal] = mapped_column(Amount)
    rejected: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    order_number: Mapped[str | None] = mapped_column(String(80))
    order_line_number: Mapped[str | None] = mapped_column(String(20))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"),
                                                      index=True)


class InvoiceRecord(Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("issuer_key", "number", "credit_note"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    credit_note: Mapped[bool] = mapped_column(Boolean)
    issue_date: Mapped[date]
    currency: Mapped[str | None] = mapped_column(String(3))
    order_number: Mapped[str | None] = mapped_column(String(80))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    line_total: Mapped[Decimal | None] = mapped_column(Amount)
    tax_total: Mapped[Decimal | None] = mapped_column(Amount)
    payable: Mapped[Decimal | None] = mapped_column(Amount)
    due_date: Mapped[date | None]
    discrepancies: Mapped[int]  # invoice lines outside tolerance
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class InvoiceLineRecord(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    unit_price: Mapped[Decimal | None] = mapped_column(Amount)
    line_amount: Mapped[Decimal | None] = mapped_column(Amount)
    order_number: Mapped[str | None] = mapped_column(String(80))
    order_line_number: Mapped[str | None] = mapped_column(String(20))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"),
                                                      index=True)


class InvoiceMatch(Base):
    """The three-way match of one invoice line: ordered, received, invoiced."""

    __tablename__ = "invoice_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"), unique=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"))
    ordered_quantity: Mapped[Decimal | None] = mapped_column(Amount)
    received_quantity: Mapped[Decimal | None] = mapped_column(Amount)
    invoiced_quantity: Mapped[Decimal] = mapped_column(Amount)
    ordered_price: Mapped[Decimal | None] = mapped_column(Amount)
    invoiced_price: Mapped[Decimal | None] = mapped_column(Amount)
    quantity_status: Mapped[str] = mapped_column(String(16))
    price_status: Mapped[str] = mapped_column(String(16))
    quantity_difference: Mapped[Decimal | None] = mapped_column(Amount)
    price_difference: Mapped[Decimal | None] = mapped_column(Amount)
