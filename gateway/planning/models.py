"""Planning tables: forecast runs and their series, agreed forecast revisions,
CPFR exception criteria and exceptions with their audit trail, replenishment
policies and proposals, and the documents planning produces for partners.

A run keeps what it was given (configuration, the history's sources and
extent) and, per series, the model chosen and why (backtest scores), its
accuracy and its forecasts with quantiles. Statuses are string enums stored as
text; the enums of criteria, resolutions and policies are those of the pure
core (``gateway.forecast.rules`` and ``gateway.forecast.policy``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base
from gateway.db.types import Amount, UTCDateTime


class RunTrigger(StrEnum):
    ON_DEMAND = "on_demand"
    SCHEDULED = "scheduled"


class ExceptionKind(StrEnum):
    """What a criterion compares (source value against compared value)."""

    PARTNER_FORECAST = "forecast_vs_partner"  # our forecast vs the partner's, per bucket
    PREVIOUS_REVISION = "forecast_vs_previous"  # this run's forecast vs the previous run's
    ACTUAL = "forecast_vs_actual"  # a past period's forecast vs the sales reported
    STOCK_TARGET = "stock_vs_target"  # stock on hand vs the policy's safety stock


class ExceptionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # the purchase order is produced and counted as on order
    REJECTED = "rejected"
    RECEIVED = "received"  # the goods of the order came in: no longer counted
    SUPERSEDED = "superseded"  # a later run proposed differently before review


class DocumentStatus(StrEnum):
    READY = "ready"  # produced and rendered, waiting for the outbound flow
    HANDED_OVER = "handed_over"  # taken by the outbound flow


class ForecastRun(Base):
    __tablename__ = "forecast_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    as_of: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(8))
    horizon: Mapped[int]
    season: Mapped[int]
    first_period: Mapped[date | None]
    last_period: Mapped[date | None]
    series: Mapped[int]
    config: Mapped[str] = mapped_column(Text)  # JSON
    inputs: Mapped[str] = mapped_column(Text)  # JSON: sources and extent of the history
    summary: Mapped[str | None] = mapped_column(Text)  # JSON: models and mean accuracy


class RunSeries(Base):
    """One item at one location in a run: the model chosen and why, its accuracy."""

    __tablename__ = "forecast_run_series"
    __table_args__ = (UniqueConstraint("run_id", "item_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    source: Mapped[str] = mapped_column(String(16))  # sales, orders, receipts
    demand_class: Mapped[str] = mapped_column(String(16))
    adi: Mapped[Decimal | None] = mapped_column(Amount)
    cv2: Mapped[Decimal | None] = mapped_column(Amount)
    model: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    scores: Mapped[str] = mapped_column(Text)  # JSON: backtest error of every candidate
    mase: Mapped[Decimal | None] = mapped_column(Amount)
    rmsse: Mapped[Decimal | None] = mapped_column(Amount)
    wape: Mapped[Decimal | None] = mapped_column(Amount)
    bias: Mapped[Decimal | None] = mapped_column(Amount)
    error_sd: Mapped[Decimal | None] = mapped_column(Amount)  # per period, from the backtest
    history_periods: Mapped[int]


class RunValue(Base):
    __tablename__ = "forecast_run_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("forecast_run_series.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Amount)
    p10: Mapped[Decimal] = mapped_column(Amount)
    p50: Mapped[Decimal] = mapped_column(Amount)
    p90: Mapped[Decimal] = mapped_column(Amount)


class ForecastRevision(Base):
    """An agreed forecast for one item, location and period: what a resolved
    exception decided. The latest revision of a period overrides the runs."""

    __tablename__ = "forecast_revisions"
    __table_args__ = (Index(None, "item_id", "location_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Amount)
    previous: Mapped[Decimal | None] = mapped_column(Amount)
    exception_id: Mapped[int | None] = mapped_column(ForeignKey("planning_exceptions.id"))
    reviewer: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ExceptionCriterion(Base):
    """One line of exception criteria, in the shape of UBL ExceptionCriteriaLine."""

    __tablename__ = "exception_criteria"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(35))  # the line's ID
    note: Mapped[str | None] = mapped_column(Text)
    partner_key: Mapped[str | None] = mapped_column(String(120))  # None: every partner
    item_group: Mapped[str | None] = mapped_column(String(120))  # glob over item keys
    kind: Mapped[str] = mapped_column(String(24))
    forecast_type: Mapped[str] = mapped_column(String(8))  # sales or order
    comparison: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str] = mapped_column(String(8))  # percent or quantity
    priority: Mapped[str] = mapped_column(String(8))  # high, medium, low
    default_resolution: Mapped[str | None] = mapped_column(String(8))
    effective_start: Mapped[date | None]
    effective_end: Mapped[date | None]


class PlanningException(Base):
    __tablename__ = "planning_exceptions"
    __table_args__ = (Index(None, "status", "item_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("exception_criteria.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("forecast_runs.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    partner_key: Mapped[str | None] = mapped_column(String(120))
    period_start: Mapped[date]
    period_end: Mapped[date]
    forecast_type: Mapped[str] = mapped_column(String(8))
    source_value: Mapped[Decimal] = mapped_column(Amount)
    compared_value: Mapped[Decimal] = mapped_column(Amount)
    variance: Mapped[Decimal] = mapped_column(Amount)  # source - compared
    variance_percent: Mapped[Decimal | None] = mapped_column(Amount)
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(8))
    agreed: Mapped[Decimal | None] = mapped_column(Amount)
    reviewer: Mapped[str | None] = mapped_column(String(80))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExceptionEvent(Base):
    """The audit trail of an exception: raised, updated, resolved, notified."""

    __tablename__ = "planning_exception_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    exception_id: Mapped[int] = mapped_column(ForeignKey("planning_exceptions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)


class ReplenishmentPolicy(Base):
    __tablename__ = "replenishment_policies"
    __table_args__ = (UniqueConstraint("item_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    kind: Mapped[str] = mapped_column(String(8))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("trading_parties.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("trading_parties.id"))
    review_periods: Mapped[int]
    lead_time_periods: Mapped[int]
    service_level: Mapped[Decimal] = mapped_column(Amount)
    service_measure: Mapped[str] = mapped_column(String(16))  # cycle or fill_rate
    minimum_order: Mapped[Decimal] = mapped_column(Amount)
    pack_size: Mapped[Decimal] = mapped_column(Amount)
    maximum_order: Mapped[Decimal | None] = mapped_column(Amount)
    reorder_point: Mapped[Decimal | None] = mapped_column(Amount)  # s, when fixed
    order_up_to: Mapped[Decimal | None] = mapped_column(Amount)  # S, when fixed
    order_quantity: Mapped[Decimal | None] = mapped_column(Amount)  # Q for (s,Q)
    unit: Mapped[str] = mapped_column(String(8))
    # Vendor-managed: stock on hand comes from the retailer's sales reports (852).
    vmi: Mapped[bool]
    # The supplier's standard for orders and forecasts (x12, edifact, ubl) until
    # partner profiles say it.
    standard: Mapped[str] = mapped_column(String(16))


class Proposal(Base):
    __tablename__ = "replenishment_proposals"
    __table_args__ = (Index(None, "item_id", "location_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("forecast_runs.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("replenishment_policies.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit: Mapped[str] = mapped_column(String(8))
    need_date: Mapped[date]
    on_hand: Mapped[Decimal] = mapped_column(Amount)
    on_order: Mapped[Decimal] = mapped_column(Amount)
    in_transit: Mapped[Decimal] = mapped_column(Amount)
    backorders: Mapped[Decimal] = mapped_column(Amount)
    planned: Mapped[Decimal] = mapped_column(Amount)  # approved orders not yet received
    position: Mapped[Decimal] = mapped_column(Amount)
    demand: Mapped[Decimal] = mapped_column(Amount)  # over lead time and review period
    safety_stock: Mapped[Decimal] = mapped_column(Amount)
    target: Mapped[Decimal] = mapped_column(Amount)  # S, or s for (s,Q)
    explanation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewer: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    order_number: Mapped[str | None] = mapped_column(String(35), unique=True)


class PlanningDocument(Base):
    """A document planning produced for a partner: the canonical document (JSON) and
    its rendering in the partner's standard, waiting for the outbound flow."""

    __tablename__ = "planning_documents"
    __table_args__ = (UniqueConstraint("document_type", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(35))
    partner_key: Mapped[str | None] = mapped_column(String(120))
    standard: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON
    rendered: Mapped[bytes] = mapped_column(LargeBinary)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("replenishment_proposals.id"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
