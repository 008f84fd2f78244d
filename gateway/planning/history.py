"""The demand history of every item at every location, from the stored documents.

Sales reports first (852, SLSRPT, UBL ProductActivity: ``sales_history``): the
units sold per item, location and period. When several reports name the same
item, location and period (a late or corrected report, or a second issuer),
the one received last counts, so a correction replaces what it corrects rather
than adding to it. A location's period counts as reported when it sent any
figure for it; an item it did not name then sold nothing there.

Where an item and location have no sales report at all, the gateway's own
documents stand in: the quantities ordered (purchase order lines, by order
date) or, failing those, received (receipt lines, by receipt date). Those are
complete records: a period without an order had no demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.forecast.history import Frequency, History, build_history
from gateway.inventory.models import SalesRecord
from gateway.orders.models import (
    OrderStatus,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
    ReceiptLineRecord,
    ReceiptRecord,
)

_SALES = table(SalesRecord)
_ORDERS = table(PurchaseOrderRecord)
_ORDER_LINES = table(PurchaseOrderLineRecord)
_RECEIPTS = table(ReceiptRecord)
_RECEIPT_LINES = table(ReceiptLineRecord)

Key = tuple[int, int]  # item id, location id


@dataclass(slots=True)
class DemandHistory:
    """The history grid and, per series, its item and location ids and source."""

    history: History
    series: list[Key]
    sources: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    def inputs(self) -> dict[str, object]:
        """What a run was given, for its record."""
        h = self.history
        return {"series": len(self.series), "sources": self.counts,
                "frequency": h.calendar.frequency.value, "periods": h.periods,
                "first_period": h.period_start(0).isoformat() if h.periods else None,
                "last_period": h.period_start(h.periods - 1).isoformat() if h.periods
                else None}


def _latest_sales(session: Session, as_of: date | None) -> list[tuple[Key, date, float]]:
    """Units sold per item, location and period start, the last report winning."""
    latest = select(_SALES.c.item_id, _SALES.c.location_id, _SALES.c.period_start,
                    func.max(_SALES.c.message_id).label("message_id")) \
        .group_by(_SALES.c.item_id, _SALES.c.location_id, _SALES.c.period_start)
    if as_of is not None:
        latest = latest.where(_SALES.c.period_start <= as_of)
    last = latest.subquery()
    rows = session.execute(
        select(_SALES.c.item_id, _SALES.c.location_id, _SALES.c.period_start, _SALES.c.sold)
        .join(last, (last.c.item_id == _SALES.c.item_id)
              & (last.c.location_id == _SALES.c.location_id)
              & (last.c.period_start == _SALES.c.period_start)
              & (last.c.message_id == _SALES.c.message_id))).all()
    return [((r.item_id, r.location_id), r.period_start, float(r.sold or 0)) for r in rows]


def _orders(session: Session, as_of: date | None) -> list[tuple[Key, date, float]]:
    stmt = select(_ORDER_LINES.c.item_id, _ORDER_LINES.c.location_id, _ORDERS.c.issue_date,
                  _ORDER_LINES.c.quantity) \
        .join(_ORDERS, _ORDERS.c.id == _ORDER_LINES.c.order_id) \
        .where(_ORDERS.c.status != OrderStatus.CANCELLED.value)
    if as_of is not None:
        stmt = stmt.where(_ORDERS.c.issue_date <= as_of)
    return [((r[0], r[1]), r[2], float(r[3])) for r in session.execute(stmt).all()]


def _receipts(session: Session, as_of: date | None) -> list[tuple[Key, date, float]]:
    when = func.coalesce(_RECEIPTS.c.receipt_date, _RECEIPTS.c.issue_date)
    stmt = select(_RECEIPT_LINES.c.item_id, _RECEIPTS.c.location_id, when,
                  _RECEIPT_LINES.c.received - _RECEIPT_LINES.c.rejected) \
        .join(_RECEIPTS, _RECEIPTS.c.id == _RECEIPT_LINES.c.receipt_id)
    if as_of is not None:
        stmt = stmt.where(when <= as_of)
    return [((r[0], r[1]), r[2], float(r[3])) for r in session.execute(stmt).all()]


def demand_history(session: Session, *, as_of: date | None = None,
                   frequency: Frequency | None = None) -> DemandHistory | None:
    """Every series' history on one grid; None when nothing is stored."""
    chosen: dict[Key, tuple[str, list[tuple[date, float]]]] = {}
    for source, rows in (("sales", _latest_sales(session, as_of)),
                         ("orders", _orders(session, as_of)),
                         ("receipts", _receipts(session, as_of))):
        taken: set[Key] = set()
        for key, day, quantity in rows:
            if key in chosen and key not in taken:
                continue  # a better source already covers this series
            taken.add(key)
            chosen.setdefault(key, (source, []))[1].append((day, quantity))
    if not chosen:
        return None
    grid_rows: list[tuple[str, str, date, float]] = []
    complete: set[tuple[str, str]] = set()
    for (item, location), (source, points) in chosen.items():
        name = (str(item), str(location) if source == "sales" else f"{location}:{source}")
        if source != "sales":
            complete.add(name)
        grid_rows.extend((name[0], name[1], day, quantity) for day, quantity in points)
    history = build_history(grid_rows, frequency, complete=complete)
    series: list[Key] = []
    sources: list[str] = []
    for item_name, location_name in history.keys:
        place, _, source = location_name.partition(":")
        series.append((int(item_name), int(place)))
        sources.append(source or "sales")
    counts: dict[str, int] = {}
    for source in sources:
        counts[source] = counts.get(source, 0) + 1
    return DemandHistory(history, series, sources, counts)


def period_dates(history: History, index: int) -> tuple[date, date]:
    """First and last day of a period of the grid."""
    start = history.period_start(index)
    end = history.period_start(index + 1)
    return start, date.fromordinal(end.toordinal() - 1)
