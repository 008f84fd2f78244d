"""Replenishment: policies per item and location, proposals from a forecast run,
approval into purchase orders and the agreed order forecast.

The inventory position comes from the tables: on hand, on order and in transit
from the stock ledger (for a vendor-managed location, on hand is what the
retailer's latest sales report counted), plus the planned orders: proposals
approved whose goods no despatch advice has announced yet (then the ledger has
them in transit). The tables hold no customer backorders, so none are counted.

A need is never proposed twice: a proposal waiting for review is kept while a
run finds the same quantity, and replaced (the old one superseded) when it
finds another; an approved proposal counts as on order until its goods ship.
Approving turns a proposal into a purchase order to the supplier and an order
forecast (the agreed forecast of every item the supplier replenishes at that
location), both produced and stored for the outbound flow (see
:mod:`gateway.planning.outbound`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.documents.common import ItemRef, Party, PartyRole, Period, Quantity
from gateway.documents.models import (
    Commitment,
    Forecast,
    ForecastLine,
    ForecastPeriod,
    OrderLine,
    PurchaseOrder,
)
from gateway.forecast.policy import Decision, Policy, PolicyKind, Position, ServiceMeasure, decide
from gateway.inventory.models import InventoryBalance, Item, Location, SalesRecord
from gateway.mapping.registry import Mappings
from gateway.orders.models import DespatchAdviceRecord, DespatchLineRecord
from gateway.partners.models import TradingParty
from gateway.planning import outbound
from gateway.planning.models import Proposal, ProposalStatus, ReplenishmentPolicy
from gateway.planning.runs import PeriodForecast, error_sd, forecasts, run_row

Clock = Callable[[], datetime]
Key = tuple[int, int]
ZERO = Decimal(0)

_POLICIES = table(ReplenishmentPolicy)
_PROPOSALS = table(Proposal)
_BALANCES = table(InventoryBalance)
_SALES = table(SalesRecord)
_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)
_DESPATCHES = table(DespatchAdviceRecord)
_DESPATCH_LINES = table(DespatchLineRecord)


class PolicySpec(BaseModel):
    """One policy as written in a planning file; items and locations by key (as the
    documents name them: ``gtin:...``, ``gln:...``), parties by key too."""

    model_config = ConfigDict(extra="forbid")

    item: str
    location: str
    kind: PolicyKind = PolicyKind.ORDER_UP_TO
    buyer: str | None = None  # a party key: gln:..., duns:...
    buyer_name: str | None = None
    supplier: str | None = None
    supplier_name: str | None = None
    review_periods: int = Field(default=1, ge=1)
    lead_time_periods: int = Field(default=1, ge=0)
    service_level: Decimal = Field(default=Decimal("0.95"), gt=0, lt=1)
    service_measure: ServiceMeasure = ServiceMeasure.CYCLE
    minimum_order: Decimal = Field(default=ZERO, ge=0)
    pack_size: Decimal = Field(default=Decimal(1), gt=0)
    maximum_order: Decimal | None = Field(default=None, gt=0)
    reorder_point: Decimal | None = Field(default=None, ge=0)
    order_up_to: Decimal | None = Field(default=None, ge=0)
    order_quantity: Decimal | None = Field(default=None, gt=0)
    unit: str = "EA"
    vmi: bool = False
    standard: str = Field(default="x12", pattern="^(x12|edifact|ubl)$")


class PlanningDataError(ValueError):
    """A planning file names something the tables do not know."""


def _id_of(session: Session, tbl: Any, key: str, what: str) -> int:
    found = session.execute(select(tbl.c.id).where(tbl.c.key == key)).scalar()
    if found is None:
        raise PlanningDataError(f"{what} {key!r} is not known (no document has named it)")
    return int(found)


def _party_id(session: Session, key: str | None, name: str | None) -> int | None:
    """The trading party of a key, created when no document has named it yet."""
    if key is None:
        return None
    found = session.execute(select(_PARTIES.c.id).where(_PARTIES.c.key == key)).scalar()
    if found is not None:
        return int(found)
    scheme, _, value = key.partition(":")
    if scheme not in ("gln", "duns") or not value:
        raise PlanningDataError(f"party {key!r} is not known: name a new one as gln:... or "
                                "duns:...")
    return int(session.execute(insert(_PARTIES).returning(_PARTIES.c.id), {
        "key": key, "gln": value if scheme == "gln" else None,
        "duns": value if scheme == "duns" else None, "name": name, "country": None,
    }).scalar_one())


def load_policies(session: Session, specs: Sequence[Mapping[str, Any]]) -> int:
    """Add or replace policies by item and location; how many."""
    for raw in specs:
        spec = PolicySpec.model_validate(raw)
        Policy(spec.kind, spec.review_periods, spec.lead_time_periods, spec.service_level,
               spec.service_measure, spec.minimum_order, spec.pack_size, spec.maximum_order,
               spec.reorder_point, spec.order_up_to, spec.order_quantity)  # checks it
        item_key = spec.item
        if item_key.startswith("gtin:"):  # as the documents key it: fourteen digits
            item_key = ItemRef(gtin=item_key[5:]).key()
        values = {
            "item_id": _id_of(session, _ITEMS, item_key, "item"),
            "location_id": _id_of(session, _LOCATIONS, spec.location, "location"),
            "kind": spec.kind.value,
            "buyer_id": _party_id(session, spec.buyer, spec.buyer_name),
            "supplier_id": _party_id(session, spec.supplier, spec.supplier_name),
            "review_periods": spec.review_periods,
            "lead_time_periods": spec.lead_time_periods,
            "service_level": spec.service_level, "service_measure": spec.service_measure.value,
            "minimum_order": spec.minimum_order, "pack_size": spec.pack_size,
            "maximum_order": spec.maximum_order, "reorder_point": spec.reorder_point,
            "order_up_to": spec.order_up_to, "order_quantity": spec.order_quantity,
            "unit": spec.unit, "vmi": spec.vmi, "standard": spec.standard}
        found = session.execute(select(_POLICIES.c.id).where(
            _POLICIES.c.item_id == values["item_id"],
            _POLICIES.c.location_id == values["location_id"])).scalar()
        if found is None:
            session.execute(insert(_POLICIES), values)
        else:
            session.execute(update(_POLICIES).where(_POLICIES.c.id == found).values(values))
    return len(specs)


def _policy(row: Any) -> Policy:
    return Policy(PolicyKind(row.kind), row.review_periods, row.lead_time_periods,
                  Decimal(row.service_level), ServiceMeasure(row.service_measure),
                  Decimal(row.minimum_order), Decimal(row.pack_size),
                  Decimal(row.maximum_order) if row.maximum_order is not None else None,
                  Decimal(row.reorder_point) if row.reorder_point is not None else None,
                  Decimal(row.order_up_to) if row.order_up_to is not None else None,
                  Decimal(row.order_quantity) if row.order_quantity is not None else None)


def _mark_shipped(session: Session) -> None:
    """Approved proposals whose order a despatch advice names are in the ledger now
    (in transit): they stop counting as planned."""
    approved = session.execute(select(_PROPOSALS.c.id, _PROPOSALS.c.order_number).where(
        _PROPOSALS.c.status == ProposalStatus.APPROVED.value)).all()
    for proposal_id, number in approved:
        shipped = session.execute(
            select(func.count()).select_from(_DESPATCHES)
            .outerjoin(_DESPATCH_LINES, _DESPATCH_LINES.c.despatch_id == _DESPATCHES.c.id)
            .where(or_(_DESPATCH_LINES.c.order_number == number,
                       _DESPATCHES.c.order_numbers.contains(number)))).scalar_one()
        if shipped:
            session.execute(update(_PROPOSALS).where(_PROPOSALS.c.id == proposal_id)
                            .values(status=ProposalStatus.RECEIVED.value))


def position(session: Session, policy_row: Any) -> Position:
    """The inventory position of a policy's item and location, from the tables."""
    key = (policy_row.item_id, policy_row.location_id)
    balance = session.execute(select(_BALANCES.c.on_hand, _BALANCES.c.on_order,
                                     _BALANCES.c.in_transit).where(
        _BALANCES.c.item_id == key[0], _BALANCES.c.location_id == key[1])).first()
    on_hand, on_order, in_transit = (Decimal(v or 0) for v in balance) if balance \
        else (ZERO, ZERO, ZERO)
    if policy_row.vmi:
        reported = session.execute(
            select(_SALES.c.on_hand).where(_SALES.c.item_id == key[0],
                                           _SALES.c.location_id == key[1],
                                           _SALES.c.on_hand.is_not(None))
            .order_by(_SALES.c.period_start.desc(), _SALES.c.message_id.desc()).limit(1)
        ).scalar()
        on_hand = Decimal(reported) if reported is not None else ZERO
    planned = session.execute(select(func.coalesce(func.sum(_PROPOSALS.c.quantity), 0)).where(
        _PROPOSALS.c.policy_id == policy_row.id,
        _PROPOSALS.c.status == ProposalStatus.APPROVED.value)).scalar_one()
    return Position(on_hand=on_hand, on_order=on_order, in_transit=in_transit,
                    planned=Decimal(planned))


@dataclass(slots=True)
class Proposed:
    created: list[int]
    kept: list[int]
    superseded: list[int]
    decisions: dict[Key, tuple[Decimal, Decision]]


def propose(session: Session, run_id: int, *, clock: Clock) -> Proposed:
    """Proposals from the run's (agreed) forecasts, one policy at a time."""
    _mark_shipped(session)
    run = run_row(session, run_id)
    agreed = forecasts(session, run_id)
    sigma = error_sd(session, run_id)
    now = clock()
    out = Proposed([], [], [], {})
    for row in session.execute(select(_POLICIES).order_by(_POLICIES.c.id)).all():
        key = (row.item_id, row.location_id)
        periods = agreed.get(key, [])
        where = position(session, row)
        decision = decide(_policy(row), [p.quantity for p in periods], sigma.get(key, 0.0),
                          where)
        out.decisions[key] = (where.on_hand, decision)
        waiting = session.execute(select(_PROPOSALS.c.id, _PROPOSALS.c.quantity).where(
            _PROPOSALS.c.policy_id == row.id,
            _PROPOSALS.c.status == ProposalStatus.PROPOSED.value)).first()
        if waiting is not None and Decimal(waiting.quantity) == decision.quantity:
            out.kept.append(int(waiting.id))
            continue
        if waiting is not None:
            session.execute(update(_PROPOSALS).where(_PROPOSALS.c.id == waiting.id)
                            .values(status=ProposalStatus.SUPERSEDED.value))
            out.superseded.append(int(waiting.id))
        if not decision.quantity:
            continue
        need = periods[min(row.lead_time_periods, len(periods) - 1)].start if periods \
            else run.as_of
        out.created.append(int(session.execute(insert(_PROPOSALS).returning(_PROPOSALS.c.id), {
            "run_id": run_id, "policy_id": row.id, "item_id": key[0], "location_id": key[1],
            "status": ProposalStatus.PROPOSED.value, "quantity": decision.quantity,
            "unit": row.unit, "need_date": need, "on_hand": where.on_hand,
            "on_order": where.on_order, "in_transit": where.in_transit,
            "backorders": where.backorders, "planned": where.planned,
            "position": decision.position, "demand": decision.demand,
            "safety_stock": decision.safety_stock, "target": decision.target,
            "explanation": f"{row.kind}: {decision.explanation}", "created_at": now,
            "reviewer": None, "decided_at": None, "order_number": None}).scalar_one()))
    return out


class ApprovalError(ValueError):
    """A proposal that cannot be approved as asked."""


@dataclass(frozen=True, slots=True)
class Approved:
    proposal_id: int
    order_number: str
    documents: list[int]


def _item_ref(row: Any) -> ItemRef:
    return ItemRef(gtin=row.gtin, supplier_part=row.supplier_part, buyer_part=row.buyer_part,
                   description=row.description)


def _party_row(session: Session, party_id: int | None) -> Any:
    if party_id is None:
        return None
    return session.execute(select(_PARTIES).where(_PARTIES.c.id == party_id)).first()


def approve(session: Session, proposal_ids: Sequence[int], *, reviewer: str, clock: Clock,
            mappings: Mappings) -> list[Approved]:
    """Approve waiting proposals: each becomes a purchase order to its supplier and an
    order forecast with the agreed figures, both stored for the outbound flow."""
    now = clock()
    done = []
    for proposal_id in proposal_ids:
        proposal = session.execute(select(_PROPOSALS).where(_PROPOSALS.c.id == proposal_id)
                                   ).first()
        if proposal is None:
            raise ApprovalError(f"there is no proposal {proposal_id}")
        if proposal.status != ProposalStatus.PROPOSED.value:
            raise ApprovalError(f"proposal {proposal_id} is {proposal.status}, not proposed")
        policy = session.execute(select(_POLICIES).where(_POLICIES.c.id == proposal.policy_id)
                                 ).one()
        number = f"PLN{proposal_id:07d}"
        session.execute(update(_PROPOSALS).where(_PROPOSALS.c.id == proposal_id).values(
            status=ProposalStatus.APPROVED.value, reviewer=reviewer, decided_at=now,
            order_number=number))
        buyer_row = _party_row(session, policy.buyer_id)
        supplier_row = _party_row(session, policy.supplier_id)
        location = session.execute(select(_LOCATIONS).where(
            _LOCATIONS.c.id == proposal.location_id)).one()
        buyer = outbound.party(PartyRole.BUYER, buyer_row)
        supplier = outbound.party(PartyRole.SUPPLIER, supplier_row)
        ship_to = outbound.party(PartyRole.SHIP_TO, None, location.gln, location.name)
        parties = tuple(p for p in (buyer, supplier, ship_to) if p is not None)
        item = session.execute(select(_ITEMS).where(_ITEMS.c.id == proposal.item_id)).one()
        order = PurchaseOrder(
            number=number, issue_date=now.date(), parties=parties,
            requested_delivery=proposal.need_date,
            notes=(f"replenishment proposal {proposal_id}: {proposal.explanation}"[:264],),
            lines=(OrderLine(line_number="1", item=_item_ref(item),
                             quantity=Quantity(value=proposal.quantity, unit=proposal.unit),
                             requested_delivery=proposal.need_date),))
        supplier_key = supplier_row.key if supplier_row is not None else None
        ids = [outbound.store(session, order, standard=policy.standard, mappings=mappings,
                              now=now, partner_key=supplier_key, proposal_id=proposal_id,
                              sender=buyer, receiver=supplier)]
        forecast = _order_forecast(session, proposal, policy, number, today=now.date(),
                                   parties=(buyer, supplier))
        if forecast is not None:
            ids.append(outbound.store(session, forecast, standard=policy.standard,
                                      mappings=mappings, now=now, partner_key=supplier_key,
                                      proposal_id=proposal_id, sender=buyer,
                                      receiver=supplier))
        done.append(Approved(proposal_id, number, ids))
    return done


def _order_forecast(session: Session, proposal: Any, policy: Any, number: str, *,
                    today: date, parties: tuple[Party | None, Party | None]
                    ) -> Forecast | None:
    """The agreed forecast of every item this supplier replenishes at the location."""
    if proposal.run_id is None:
        return None
    agreed = forecasts(session, proposal.run_id)
    same = session.execute(select(_POLICIES).where(
        _POLICIES.c.location_id == proposal.location_id,
        _POLICIES.c.supplier_id.is_(None) if policy.supplier_id is None
        else _POLICIES.c.supplier_id == policy.supplier_id)).all()
    location = session.execute(select(_LOCATIONS.c.gln).where(
        _LOCATIONS.c.id == proposal.location_id)).scalar()
    lines = []
    for row in same:
        periods: list[PeriodForecast] = agreed.get((row.item_id, row.location_id), [])
        if not periods:
            continue
        item = session.execute(select(_ITEMS).where(_ITEMS.c.id == row.item_id)).one()
        lines.append(ForecastLine(item=_item_ref(item), location=location, periods=tuple(
            ForecastPeriod(period=Period(start=p.start, end=p.end),
                           quantity=Quantity(value=p.quantity, unit=row.unit),
                           commitment=Commitment.PLANNING) for p in periods)))
    if not lines:
        return None
    starts = [p.period.start for line in lines for p in line.periods]
    ends = [p.period.end for line in lines for p in line.periods]
    return Forecast(number=f"F{number[3:]}", issue_date=today, purpose="original",
                    horizon=Period(start=min(starts), end=max(ends)),
                    parties=tuple(p for p in parties if p is not None), lines=tuple(lines))
