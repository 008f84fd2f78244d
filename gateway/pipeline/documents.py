"""Business documents we send, composed from the order tables.

An order response, a despatch advice or an invoice answers a purchase order a
partner sent and we stored: :func:`compose` reads the order, its lines, their
items and places from the tables and builds the canonical document
(:mod:`gateway.documents.models`). Who we are and who the partner is come from
the partner's profile (its identities and ours), so the document names both
parties by the ids the partner knows. What this module does not do: choose a
mapping, number an envelope, write bytes or commit (see
:mod:`gateway.pipeline.send`). A missing order is a :class:`DocumentError`
that says which, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from gateway.db.base import table
from gateway.documents.common import ItemRef, Money, Party, PartyRole, Quantity
from gateway.documents.models import (
    DespatchAdvice,
    DespatchLine,
    Invoice,
    InvoiceLine,
    InvoiceTotals,
    LineStatus,
    OrderResponse,
    ResponseLine,
)
from gateway.errors import UsageError
from gateway.inventory.models import Item, Location
from gateway.orders.models import LineState, PurchaseOrderLineRecord, PurchaseOrderRecord
from gateway.partners.models import TradingParty
from gateway.partners.profile import Identity, Profile, Scheme
from gateway.partners.service import party_key

_ORDERS = table(PurchaseOrderRecord)
_LINES = table(PurchaseOrderLineRecord)
_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)


class DocumentError(UsageError):
    """A document cannot be composed (no such order, nothing left to answer)."""


class Kind(StrEnum):
    """What ``send`` can produce from a stored order, as the command line names it."""

    ORDER_RESPONSE = "order-response"
    DESPATCH_ADVICE = "despatch-advice"
    INVOICE = "invoice"

    @property
    def document_type(self) -> str:
        return self.value.replace("-", "_")


# An order line's state as the answer says it.
_LINE_STATUS = {LineState.REJECTED.value: LineStatus.REJECTED,
                LineState.CANCELLED.value: LineStatus.REJECTED,
                LineState.BACKORDERED.value: LineStatus.BACKORDERED,
                LineState.CHANGED.value: LineStatus.CHANGED}


@dataclass(frozen=True, slots=True)
class StoredLine:
    line_number: str
    item: ItemRef
    quantity: Decimal  # what the order (as changed) asks for
    confirmed: Decimal | None
    unit: str
    unit_price: Decimal | None
    requested_delivery: date | None
    state: str
    ship_to: Party | None


@dataclass(frozen=True, slots=True)
class StoredOrder:
    id: int
    number: str
    issue_date: date
    currency: str | None
    status: str
    requested_delivery: date | None
    buyer: Party
    ship_to: Party | None
    lines: tuple[StoredLine, ...]


def _identity_party(role: PartyRole, identities: tuple[Identity, ...],
                    name: str | None) -> Party:
    """A party named by the ids of a profile: a GLN (or an EDIFACT id with qualifier 14,
    which is one), a DUNS number (X12 qualifier 01), and the ids partners assigned."""
    gln = duns = None
    ids: dict[str, str] = {}
    for identity in identities:
        if identity.scheme is Scheme.GLN or (identity.scheme in (Scheme.UNB, Scheme.ISA)
                                             and identity.qualifier == "14"):
            gln = gln or identity.id
        elif identity.scheme is Scheme.DUNS or (identity.scheme is Scheme.ISA
                                                and identity.qualifier == "01"):
            duns = duns or identity.id
        elif identity.scheme is Scheme.PARTY and identity.qualifier:
            ids.setdefault(identity.qualifier, identity.id)
    return Party(role=role, gln=gln, duns=duns, ids=ids, name=name)


def _exact(value: Any) -> Decimal:
    """A stored amount as written (the column keeps six places: 12.500000 is 12.5)."""
    number = Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() \
        else number.normalize()


def _place(row: Any | None) -> Party | None:
    """A location row as a ship-to party: its GLN, or the id the partners agreed for it
    (the key ``who:value`` a document named it by); an unnamed place is no party."""
    if row is None:
        return None
    if row.gln:
        return Party(role=PartyRole.SHIP_TO, gln=row.gln, name=row.name)
    who, _, value = str(row.key).partition(":")
    if not value or "@" in who:
        return Party(role=PartyRole.SHIP_TO, name=row.name) if row.name else None
    return Party(role=PartyRole.SHIP_TO, ids={who: value}, name=row.name)


def load_order(conn: Connection, partner: Profile, number: str) -> StoredOrder:
    """The purchase order ``number`` that ``partner`` sent us, as stored (with its
    changes applied)."""
    order = conn.execute(select(_ORDERS).where(_ORDERS.c.issuer_key == party_key(partner.name),
                                               _ORDERS.c.number == number)).first()
    if order is None:
        raise DocumentError(f"no purchase order {number} from {partner.name} is stored")
    buyer_row = conn.execute(select(_PARTIES).where(_PARTIES.c.id == order.buyer_id)).first() \
        if order.buyer_id is not None else None
    buyer = _identity_party(PartyRole.BUYER, partner.identities,
                            buyer_row.name if buyer_row is not None and buyer_row.name
                            else partner.display_name)
    locations = {row.id: row for row in conn.execute(select(_LOCATIONS).where(
        _LOCATIONS.c.id.in_(select(_LINES.c.location_id).where(_LINES.c.order_id == order.id)
                            .union(select(_ORDERS.c.ship_to_id)
                                   .where(_ORDERS.c.id == order.id)))))}
    rows = conn.execute(select(_LINES, _ITEMS.c.gtin, _ITEMS.c.supplier_part,
                               _ITEMS.c.buyer_part, _ITEMS.c.description)
                        .join(_ITEMS, _ITEMS.c.id == _LINES.c.item_id)
                        .where(_LINES.c.order_id == order.id).order_by(_LINES.c.id)).all()
    header_place = locations.get(order.ship_to_id)
    lines = tuple(StoredLine(
        line_number=row.line_number,
        item=ItemRef(gtin=row.gtin, supplier_part=row.supplier_part, buyer_part=row.buyer_part,
                     description=row.description),
        quantity=_exact(row.quantity), unit=row.unit or "EA",
        confirmed=_exact(row.confirmed_quantity) if row.confirmed_quantity is not None
        else None,
        unit_price=_exact(row.unit_price) if row.unit_price is not None else None,
        requested_delivery=row.requested_delivery, state=row.state,
        ship_to=_place(locations.get(row.location_id))
        if row.location_id != order.ship_to_id else None) for row in rows)
    return StoredOrder(int(order.id), order.number, order.issue_date, order.currency,
                       order.status, order.requested_delivery, buyer, _place(header_place),
                       lines)


def _us(partner: Profile, role: PartyRole) -> Party:
    return _identity_party(role, partner.us, None)


def _with_role(party: Party, role: PartyRole) -> Party:
    return party.model_copy(update={"role": role})


def _parties(order: StoredOrder, partner: Profile, ours: PartyRole,
             theirs: PartyRole) -> tuple[Party, ...]:
    found = [_us(partner, ours), _with_role(order.buyer, theirs)]
    if order.ship_to is not None:
        found.append(order.ship_to)
    return tuple(found)


def _money(amount: Decimal | None, currency: str | None) -> Money | None:
    return Money(amount=amount, currency=currency) if amount is not None else None


def _shipped(line: StoredLine) -> Decimal:
    """What goes out for a line: what was confirmed, else what is ordered; nothing for a
    rejected or cancelled one."""
    if line.state in (LineState.REJECTED.value, LineState.CANCELLED.value):
        return Decimal(0)
    return line.confirmed if line.confirmed is not None else line.quantity


def order_response(order: StoredOrder, partner: Profile, *, number: str,
                   today: date) -> OrderResponse:
    """Every line answered as the tables have it: accepted (open or accepted lines),
    changed, rejected or backordered, with the confirmed (else ordered) quantity."""
    lines = []
    for line in order.lines:
        status = _LINE_STATUS.get(line.state, LineStatus.ACCEPTED)
        quantity = line.quantity if status is LineStatus.REJECTED else \
            (line.confirmed if line.confirmed is not None else line.quantity)
        lines.append(ResponseLine(
            line_number=line.line_number, item=line.item, status=status,
            quantity=Quantity(value=quantity, unit=line.unit),
            unit_price=_money(line.unit_price, order.currency),
            delivery_date=line.requested_delivery or order.requested_delivery,
            order_line_number=line.line_number))
    statuses = {line.status for line in lines}
    overall = LineStatus.ACCEPTED if statuses <= {LineStatus.ACCEPTED} else \
        LineStatus.REJECTED if statuses == {LineStatus.REJECTED} else LineStatus.CHANGED
    return OrderResponse(number=number, order_number=order.number, issue_date=today,
                         status=overall, currency=order.currency,
                         parties=_parties(order, partner, PartyRole.SUPPLIER, PartyRole.BUYER),
                         lines=tuple(lines))


def despatch_advice(order: StoredOrder, partner: Profile, *, number: str,
                    today: date) -> DespatchAdvice:
    """The whole order shipped today: every line not rejected, with what was confirmed
    (else ordered)."""
    lines = tuple(DespatchLine(line_number=str(n), item=line.item,
                               quantity=Quantity(value=_shipped(line), unit=line.unit),
                               order_number=order.number, order_line_number=line.line_number)
                  for n, line in enumerate((x for x in order.lines if _shipped(x) > 0), 1))
    if not lines:
        raise DocumentError(f"purchase order {order.number} has no line left to ship")
    return DespatchAdvice(number=number, issue_date=today, despatch_date=today,
                          expected_delivery=order.requested_delivery,
                          order_numbers=(order.number,),
                          parties=_parties(order, partner, PartyRole.SUPPLIER, PartyRole.BUYER),
                          lines=lines)


def invoice(order: StoredOrder, partner: Profile, *, number: str, today: date) -> Invoice:
    """An invoice of what was shipped at the ordered price; lines without a price are
    left out (nothing to charge), and the totals are their sum (no tax in the tables)."""
    lines: list[InvoiceLine] = []
    for line in order.lines:
        quantity = _shipped(line)
        if quantity <= 0 or line.unit_price is None:
            continue
        amount = (quantity * line.unit_price).quantize(Decimal("0.01"))
        lines.append(InvoiceLine(line_number=str(len(lines) + 1), item=line.item,
                                 quantity=Quantity(value=quantity, unit=line.unit),
                                 unit_price=_money(line.unit_price, order.currency),
                                 line_amount=_money(amount, order.currency),
                                 order_number=order.number,
                                 order_line_number=line.line_number))
    if not lines:
        raise DocumentError(f"purchase order {order.number} has no priced line to invoice")
    total = sum((line.line_amount.amount for line in lines if line.line_amount), Decimal(0))
    parties = (_us(partner, PartyRole.SELLER), _with_role(order.buyer, PartyRole.BUYER),
               *((order.ship_to,) if order.ship_to is not None else ()))
    return Invoice(number=number, issue_date=today, currency=order.currency,
                   order_number=order.number, parties=parties, lines=tuple(lines),
                   totals=InvoiceTotals(line_total=_money(total, order.currency),
                                        payable=_money(total, order.currency)))


def compose(kind: Kind, order: StoredOrder, partner: Profile, *, number: str,
            today: date) -> OrderResponse | DespatchAdvice | Invoice:
    builders: dict[Kind, Callable[..., OrderResponse | DespatchAdvice | Invoice]] = {
        Kind.ORDER_RESPONSE: order_response, Kind.DESPATCH_ADVICE: despatch_advice,
                Kind.INVOICE: invoice}
    return builders[kind](order, partner, number=number, today=today)
