"""The CPFR exception workflow: criteria as data, exceptions as records with an
audit trail, resolutions that become forecast revisions.

Criteria are loaded from data (:func:`load_criteria`), one per line of the shape
of UBL ExceptionCriteriaLine: what is compared (:class:`ExceptionKind`), for
which partner and item group (a glob over item keys, ``gtin:0614141*``), how
(:class:`~gateway.forecast.rules.Comparison`, a threshold in percent or units),
with what priority and default resolution, during which effective period.

:func:`evaluate` checks a run against every criterion in effect. A criterion
that fires for an item, location and period opens an exception, or updates the
open one it already raised there (never a second); every change is an event of
the exception's audit trail. :func:`resolve` records the decision and writes
the agreed figure as a :class:`ForecastRevision`, which later runs, proposals
and the outbound forecast use instead of the run's own figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.forecast.policy import Decision
from gateway.forecast.rules import Comparison, Resolution, Threshold, ThresholdUnit, compare
from gateway.forecast.rules import resolve as resolved_value
from gateway.inventory.models import ForecastQuantity, ForecastSchedule, Item, SalesRecord
from gateway.planning.models import (
    ExceptionCriterion,
    ExceptionEvent,
    ExceptionKind,
    ExceptionStatus,
    ForecastRevision,
    ForecastRun,
    PlanningException,
    RunSeries,
    RunValue,
)
from gateway.planning.runs import PeriodForecast, forecasts

Clock = Callable[[], datetime]
Key = tuple[int, int]

_CRITERIA = table(ExceptionCriterion)
_EXCEPTIONS = table(PlanningException)
_EVENTS = table(ExceptionEvent)
_REVISIONS = table(ForecastRevision)
_ITEMS = table(Item)
_SCHEDULES = table(ForecastSchedule)
_SCHEDULE_LINES = table(ForecastQuantity)
_SALES = table(SalesRecord)
_RUNS = table(ForecastRun)
_SERIES = table(RunSeries)
_VALUES = table(RunValue)


class CriterionSpec(BaseModel):
    """One criterion as written in a planning file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=35)
    note: str | None = None
    partner: str | None = Field(default=None, max_length=120)
    item_group: str | None = Field(default=None, max_length=120)
    compare: ExceptionKind
    forecast_type: str = Field(default="sales", pattern="^(sales|order)$")
    comparison: Comparison = Comparison.EXCEEDS
    threshold: Decimal = Field(ge=0)
    unit: ThresholdUnit = ThresholdUnit.PERCENT
    priority: str = Field(default="medium", pattern="^(high|medium|low)$")
    default_resolution: Resolution | None = None
    effective_from: date | None = None
    effective_to: date | None = None


def load_criteria(session: Session, specs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Add or replace criteria by their id; the ids, in order. A bad entry raises
    pydantic's ValidationError naming the field."""
    parsed = [CriterionSpec.model_validate(spec) for spec in specs]
    for spec in parsed:
        values = {"code": spec.id, "note": spec.note, "partner_key": spec.partner,
                  "item_group": spec.item_group, "kind": spec.compare.value,
                  "forecast_type": spec.forecast_type, "comparison": spec.comparison.value,
                  "threshold": spec.threshold, "unit": spec.unit.value,
                  "priority": spec.priority,
                  "default_resolution": spec.default_resolution.value
                  if spec.default_resolution else None,
                  "effective_start": spec.effective_from, "effective_end": spec.effective_to}
        found = session.execute(select(_CRITERIA.c.id).where(_CRITERIA.c.code == spec.id)
                                ).scalar()
        if found is None:
            session.execute(insert(_CRITERIA), values)
        else:
            session.execute(update(_CRITERIA).where(_CRITERIA.c.id == found).values(values))
    return [spec.id for spec in parsed]


@dataclass(frozen=True, slots=True)
class Observation:
    """One comparison a criterion can judge."""

    key: Key
    start: date
    end: date
    source: Decimal
    compared: Decimal
    partner: str | None


def _partner_forecasts(session: Session, partner: str | None
                       ) -> dict[tuple[str, int, int, date], Decimal]:
    """The partners' forecast quantities per (issuer, item, location, period start):
    the latest schedule naming a period wins."""
    latest = select(_SCHEDULE_LINES.c.item_id, _SCHEDULE_LINES.c.location_id,
                    _SCHEDULE_LINES.c.period_start, _SCHEDULES.c.issuer_key,
                    func.max(_SCHEDULES.c.id).label("schedule_id")) \
        .join(_SCHEDULES, _SCHEDULES.c.id == _SCHEDULE_LINES.c.forecast_id) \
        .group_by(_SCHEDULE_LINES.c.item_id, _SCHEDULE_LINES.c.location_id,
                  _SCHEDULE_LINES.c.period_start, _SCHEDULES.c.issuer_key)
    if partner is not None:
        latest = latest.where(_SCHEDULES.c.issuer_key == partner)
    last = latest.subquery()
    rows = session.execute(
        select(last.c.issuer_key, _SCHEDULE_LINES.c.item_id, _SCHEDULE_LINES.c.location_id,
               _SCHEDULE_LINES.c.period_start, func.sum(_SCHEDULE_LINES.c.quantity))
        .join(last, (last.c.schedule_id == _SCHEDULE_LINES.c.forecast_id)
              & (last.c.item_id == _SCHEDULE_LINES.c.item_id)
              & (last.c.location_id == _SCHEDULE_LINES.c.location_id)
              & (last.c.period_start == _SCHEDULE_LINES.c.period_start))
        .group_by(last.c.issuer_key, _SCHEDULE_LINES.c.item_id,
                  _SCHEDULE_LINES.c.location_id, _SCHEDULE_LINES.c.period_start))
    return {(r[0], r[1], r[2], r[3]): Decimal(r[4]) for r in rows}


def _against_partner(session: Session, ours: dict[Key, list[PeriodForecast]],
                     partner: str | None) -> list[Observation]:
    """Our forecast per bucket against the partner's quantities falling in it."""
    theirs = _partner_forecasts(session, partner)
    buckets: dict[tuple[str, Key, date], Decimal] = {}
    for (issuer, item, location, start), quantity in theirs.items():
        for period in ours.get((item, location), ()):
            if period.start <= start <= period.end:
                slot = (issuer, (item, location), period.start)
                buckets[slot] = buckets.get(slot, Decimal(0)) + quantity
                break
    out = []
    for (issuer, key, start), quantity in sorted(buckets.items()):
        period = next(p for p in ours[key] if p.start == start)
        out.append(Observation(key, period.start, period.end, period.run_quantity, quantity,
                               issuer))
    return out


def _previous_run(session: Session, run_id: int) -> int | None:
    found = session.execute(select(func.max(_RUNS.c.id)).where(_RUNS.c.id < run_id)).scalar()
    return int(found) if found is not None else None


def _against_previous(session: Session, run_id: int,
                      ours: dict[Key, list[PeriodForecast]]) -> list[Observation]:
    previous = _previous_run(session, run_id)
    if previous is None:
        return []
    before = forecasts(session, previous)
    out = []
    for key, periods in ours.items():
        old = {p.start: p.quantity for p in before.get(key, ())}
        for p in periods:
            if p.start in old:
                out.append(Observation(key, p.start, p.end, p.run_quantity, old[p.start], None))
    return out


def _against_actual(session: Session, run_id: int) -> list[Observation]:
    """Earlier runs' forecasts of periods now reported, against the sales reported
    (the latest forecast made before each period began)."""
    rows = session.execute(
        select(_SERIES.c.item_id, _SERIES.c.location_id, _VALUES.c.period_start,
               _VALUES.c.period_end, _VALUES.c.quantity, _SERIES.c.run_id)
        .join(_VALUES, _VALUES.c.series_id == _SERIES.c.id)
        .where(_SERIES.c.run_id < run_id)
        .order_by(_SERIES.c.run_id))
    made: dict[tuple[int, int, date], tuple[date, Decimal]] = {}
    for r in rows:
        made[(r.item_id, r.location_id, r.period_start)] = (r.period_end, r.quantity)
    if not made:
        return []
    sold: dict[tuple[int, int, date], Decimal] = {}
    for s in session.execute(select(_SALES.c.item_id, _SALES.c.location_id,
                                    _SALES.c.period_start, _SALES.c.sold,
                                    _SALES.c.message_id).order_by(_SALES.c.message_id)):
        sold[(s[0], s[1], s[2])] = Decimal(s[3] or 0)
    return [Observation((k[0], k[1]), k[2], end, quantity, sold[k], None)
            for k, (end, quantity) in sorted(made.items()) if k in sold]


def _stock(decisions: Mapping[Key, tuple[Decimal, Decision]], as_of: date
           ) -> list[Observation]:
    return [Observation(key, as_of, as_of, on_hand, decision.safety_stock, None)
            for key, (on_hand, decision) in sorted(decisions.items())]


def evaluate(session: Session, run_id: int, *, clock: Clock, actor: str = "planning",
             stock: Mapping[Key, tuple[Decimal, Decision]] | None = None) -> list[int]:
    """Check the run against every criterion in effect on its date; the ids of the
    exceptions raised or updated. ``stock``: per item and location, on hand and the
    replenishment decision (its safety stock is the stock target)."""
    run = session.execute(select(_RUNS).where(_RUNS.c.id == run_id)).one()
    as_of: date = run.as_of
    ours = forecasts(session, run_id)
    item_keys = {r[0]: r[1] for r in session.execute(select(_ITEMS.c.id, _ITEMS.c.key))}
    touched: list[int] = []
    criteria = session.execute(select(_CRITERIA).order_by(_CRITERIA.c.id)).all()
    for c in criteria:
        if (c.effective_start and as_of < c.effective_start) or \
                (c.effective_end and as_of > c.effective_end):
            continue
        kind = ExceptionKind(c.kind)
        if kind is ExceptionKind.PARTNER_FORECAST:
            observations = _against_partner(session, ours, c.partner_key)
        elif kind is ExceptionKind.PREVIOUS_REVISION:
            observations = _against_previous(session, run_id, ours)
        elif kind is ExceptionKind.ACTUAL:
            observations = _against_actual(session, run_id)
        else:
            observations = _stock(stock or {}, as_of)
        threshold = Threshold(Comparison(c.comparison), Decimal(c.threshold),
                              ThresholdUnit(c.unit))
        for o in observations:
            if c.item_group and not fnmatchcase(item_keys.get(o.key[0], ""), c.item_group):
                continue
            finding = compare(o.source, o.compared, threshold)
            if finding.fires:
                touched.append(_raise(session, c, run_id, o, variance=finding.variance,
                                      percent=finding.percent, now=clock(), actor=actor))
    return touched


def _raise(session: Session, c: Any, run_id: int, o: Observation, *, variance: Decimal,
           percent: Decimal | None, now: datetime, actor: str) -> int:
    values = {"run_id": run_id, "source_value": o.source, "compared_value": o.compared,
              "variance": variance,
              "variance_percent": round(percent, 2) if percent is not None else None}
    found = session.execute(select(_EXCEPTIONS.c.id, _EXCEPTIONS.c.source_value,
                                   _EXCEPTIONS.c.compared_value).where(
        _EXCEPTIONS.c.criterion_id == c.id, _EXCEPTIONS.c.item_id == o.key[0],
        _EXCEPTIONS.c.location_id == o.key[1], _EXCEPTIONS.c.period_start == o.start,
        _EXCEPTIONS.c.status == ExceptionStatus.OPEN.value)).first()
    detail = (f"{c.kind} {c.comparison} {c.threshold} {c.unit}: source {o.source}, "
              f"compared {o.compared}, variance {variance}")
    if found is not None:
        if (found.source_value, found.compared_value) != (o.source, o.compared):
            session.execute(update(_EXCEPTIONS).where(_EXCEPTIONS.c.id == found.id)
                            .values(values))
            _event(session, found.id, now, actor, action="updated", detail=detail)
        return int(found.id)
    exception_id = int(session.execute(insert(_EXCEPTIONS).returning(_EXCEPTIONS.c.id), {
        **values, "criterion_id": c.id, "item_id": o.key[0], "location_id": o.key[1],
        "partner_key": o.partner or c.partner_key, "period_start": o.start,
        "period_end": o.end, "forecast_type": c.forecast_type, "priority": c.priority,
        "status": ExceptionStatus.OPEN.value, "resolution": None, "agreed": None,
        "reviewer": None, "raised_at": now, "resolved_at": None}).scalar_one())
    _event(session, exception_id, now, actor, action="raised",
           detail=f"criterion {c.code}: {detail}")
    return exception_id


def _event(session: Session, exception_id: int, at: datetime, actor: str, *, action: str,
           detail: str) -> None:
    session.execute(insert(_EVENTS), {"exception_id": exception_id, "at": at,
                                      "actor": actor, "action": action, "detail": detail})


class ResolutionError(ValueError):
    """An exception that cannot be resolved as asked (unknown, already resolved, ...)."""


def resolve(session: Session, exception_id: int, *, resolution: Resolution | None,
            reviewer: str, clock: Clock, quantity: Decimal | None = None) -> Decimal:
    """Decide an open exception: the agreed figure becomes a forecast revision of its
    item, location and period. Without a resolution the criterion's default applies."""
    row = session.execute(select(_EXCEPTIONS, _CRITERIA.c.default_resolution)
                          .join(_CRITERIA, _CRITERIA.c.id == _EXCEPTIONS.c.criterion_id)
                          .where(_EXCEPTIONS.c.id == exception_id)).first()
    if row is None:
        raise ResolutionError(f"there is no exception {exception_id}")
    if row.status != ExceptionStatus.OPEN.value:
        raise ResolutionError(f"exception {exception_id} is already {row.status}")
    chosen = resolution or (Resolution(row.default_resolution) if row.default_resolution
                            else None)
    if chosen is None:
        raise ResolutionError(f"exception {exception_id}: its criterion has no default "
                              "resolution; say which")
    try:
        agreed = resolved_value(chosen, row.source_value, row.compared_value, quantity)
    except ValueError as err:
        raise ResolutionError(f"exception {exception_id}: {err}") from None
    now = clock()
    session.execute(update(_EXCEPTIONS).where(_EXCEPTIONS.c.id == exception_id).values(
        status=ExceptionStatus.RESOLVED.value, resolution=chosen.value, agreed=agreed,
        reviewer=reviewer, resolved_at=now))
    session.execute(insert(_REVISIONS), {
        "item_id": row.item_id, "location_id": row.location_id,
        "period_start": row.period_start, "period_end": row.period_end, "quantity": agreed,
        "previous": row.source_value, "exception_id": exception_id, "reviewer": reviewer,
        "created_at": now})
    _event(session, exception_id, now, reviewer, action="resolved",
           detail=f"{chosen.value}: agreed {agreed} (source {row.source_value}, compared "
           f"{row.compared_value})")
    return Decimal(agreed)


def events(session: Session, exception_id: int) -> list[Any]:
    return list(session.execute(select(_EVENTS).where(_EVENTS.c.exception_id == exception_id)
                                .order_by(_EVENTS.c.id)).all())
