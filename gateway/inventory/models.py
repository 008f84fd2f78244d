"""Inventory tables: items, locations, balances, movements, sales history,
inventory reports and forecasts received.

A balance holds, per item and location, what is on hand, on order and in
transit; every change to it is an :class:`InventoryMovement` with the message
that caused it, so a balance can always be explained.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base
from gateway.db.types import Amount, UTCDateTime


class Bucket(StrEnum):
    """Which quantity of a balance a movement changes."""

    ON_HAND = "on_hand"
    ON_ORDER = "on_order"
    IN_TRANSIT = "in_transit"


class MovementKind(StrEnum):
    ORDERED = "ordered"
    ORDER_CHANGED = "order_changed"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_REJECTED = "order_rejected"
    DESPATCHED = "despatched"
    RECEIVED = "received"
    DAMAGED = "damaged"
    REJECTED = "rejected"
    COUNT_ADJUSTMENT = "count_adjustment"


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "gtin:...", "supplier:..."
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    supplier_part: Mapped[str | None] = mapped_column(String(80))
    buyer_part: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(String(200))


class ItemIdentifier(Base):
    """The item cross-reference: every id a document has named an item by (its GTIN,
    a supplier's or a buyer's part number), each pointing at exactly one item, so
    documents that name one item by different ids land on it."""

    __tablename__ = "item_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "gtin:0061...", "supplier:..."
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)


class ItemConflict(Base):
    """A line whose ids name different items (or an item with another GTIN): it was
    stored on ``item_id``, and ``identifier`` still names ``other_item_id``."""

    __tablename__ = "item_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    other_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    identifier: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)


class Location(Base):
    """A place stock is held or delivered to, by GLN or the id the partners agreed
    for it; a document that names no place puts its stock at an unnamed place of
    the partner who sent it, never at one place shared by everybody."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "gln:...", "assigned:..."
    gln: Mapped[str | None] = mapped_column(String(13))
    name: Mapped[str | None] = mapped_column(String(200))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("trading_parties.id"))


class InventoryBalance(Base):
    __tablename__ = "inventory_balances"
    __table_args__ = (UniqueConstraint("item_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    on_hand: Mapped[Decimal] = mapped_column(Amount, default=Decimal(0))
    on_order: Mapped[Decimal] = mapped_column(Amount, default=Decimal(0))
    in_transit: Mapped[Decimal] = mapped_column(Amount, default=Decimal(0))
    unit: Mapped[str | None] = mapped_column(String(8))


class InventoryMovement(Base):
    __tablename__ = "inventory_movements"
    __table_args__ = (Index(None, "item_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    bucket: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    quantity: Mapped[Decimal] = mapped_column(Amount)  # signed change of the bucket
    occurred_on: Mapped[date | None]
    document_number: Mapped[str | None] = mapped_column(String(80))
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)


class InventoryReportRecord(Base):
    """An inventory report received (its header; the counts are movements)."""

    __tablename__ = "inventory_reports"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    issue_date: Mapped[date]
    lines: Mapped[int]
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class InventoryReportLine(Base):
    __tablename__ = "inventory_report_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("inventory_reports.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    reported: Mapped[Decimal] = mapped_column(Amount)
    previous: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))


class SalesRecord(Base):
    """Sales and stock per item, location and period, from sales reports."""

    __tablename__ = "sales_history"
    __table_args__ = (UniqueConstraint("issuer_key", "item_id", "location_id",
                                       "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    sold: Mapped[Decimal | None] = mapped_column(Amount)
    returned: Mapped[Decimal | None] = mapped_column(Amount)
    on_hand: Mapped[Decimal | None] = mapped_column(Amount)
    sales_amount: Mapped[Decimal | None] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class ForecastSchedule(Base):
    """A forecast or planning schedule received from a partner."""

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("issuer_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_key: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(80))
    issue_date: Mapped[date]
    purpose: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))


class ForecastQuantity(Base):
    __tablename__ = "forecast_lines"
    __table_args__ = (Index(None, "item_id", "location_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forecast_id: Mapped[int] = mapped_column(ForeignKey("forecasts.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str | None] = mapped_column(String(8))
    commitment: Mapped[str] = mapped_column(String(16))
