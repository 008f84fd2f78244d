"""The planning cycle, on demand or as a scheduled job, and the planning file.

One cycle: forecast the stored history (a run), propose replenishment from it,
check the exception criteria (stock against the proposals' safety stock among
them), and produce an exception notification for every partner on XML with
exceptions it has not been sent yet. :func:`plan_cycle` takes a session and
never commits; :func:`scheduled_cycle` is the job a scheduler calls: it owns
its transaction, runs only when the last scheduled run is older than the
interval, and records a failure instead of raising it into the scheduler.

The planning file (YAML) holds the data that drives the cycle: ``criteria``
(see :mod:`gateway.planning.exceptions`) and ``policies`` (see
:mod:`gateway.planning.replenishment`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.documents.common import ItemRef, Party, PartyRole, Period, Quantity
from gateway.documents.models import ExceptionLine, ExceptionNotification
from gateway.edi.detect import XML
from gateway.errors import ConfigurationError
from gateway.forecast.history import Frequency
from gateway.inventory.models import ForecastSchedule, Item, Location, SalesRecord
from gateway.mapping.registry import Mappings
from gateway.partners.models import TradingParty
from gateway.planning import exceptions, outbound, replenishment
from gateway.planning.models import (
    ExceptionEvent,
    ForecastRun,
    PlanningException,
    RunTrigger,
)
from gateway.planning.runs import RunOutcome, run_forecast
from gateway.traffic.models import InboundFile, InboundMessage
from gateway.yamlfile import load as load_yaml

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)

_RUNS = table(ForecastRun)
_EXCEPTIONS = table(PlanningException)
_EVENTS = table(ExceptionEvent)
_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)
_SCHEDULES = table(ForecastSchedule)
_SALES = table(SalesRecord)
_MESSAGES = table(InboundMessage)
_FILES = table(InboundFile)


@dataclass(slots=True)
class CycleOutcome:
    run: RunOutcome
    proposals: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    exceptions: list[int] = field(default_factory=list)
    notifications: list[int] = field(default_factory=list)


def plan_cycle(session: Session, *, clock: Clock, mappings: Mappings,
               as_of: date | None = None, horizon: int = 13, season: int | None = None,
               frequency: Frequency | None = None,
               trigger: RunTrigger = RunTrigger.ON_DEMAND, workers: int | None = None,
               cluster: Any = None) -> CycleOutcome:
    run = run_forecast(session, clock=clock, as_of=as_of, horizon=horizon, season=season,
                       frequency=frequency, trigger=trigger, workers=workers,
                       cluster=cluster)
    outcome = CycleOutcome(run)
    if run.run_id is None:
        return outcome
    proposed = replenishment.propose(session, run.run_id, clock=clock)
    outcome.proposals, outcome.kept = proposed.created, proposed.kept
    outcome.exceptions = exceptions.evaluate(session, run.run_id, clock=clock,
                                             stock=proposed.decisions)
    outcome.notifications = notify_partners(session, clock=clock, mappings=mappings)
    return outcome


def partner_standard(session: Session, partner_key: str) -> str | None:
    """The standard a partner sends its planning documents in (its latest forecast or
    sales report): x12, edifact, or xml."""
    for tbl in (_SCHEDULES, _SALES):
        found = session.execute(
            select(_FILES.c.standard).join(_MESSAGES, _MESSAGES.c.file_id == _FILES.c.id)
            .join(tbl, tbl.c.message_id == _MESSAGES.c.id)
            .where(tbl.c.issuer_key == partner_key)
            .order_by(_MESSAGES.c.id.desc()).limit(1)).scalar()
        if found is not None:
            return str(found)
    return None


def notify_partners(session: Session, *, clock: Clock, mappings: Mappings,
                    sender: Party | None = None) -> list[int]:
    """An ExceptionNotification for each partner on XML with exceptions not yet sent
    to it; the documents' ids. Each exception notified gets an audit event."""
    notified = select(_EVENTS.c.exception_id).where(_EVENTS.c.action == "notified")
    rows = session.execute(
        select(_EXCEPTIONS, _ITEMS.c.gtin, _ITEMS.c.supplier_part, _ITEMS.c.buyer_part,
               _ITEMS.c.description, _LOCATIONS.c.gln.label("location_gln"))
        .join(_ITEMS, _ITEMS.c.id == _EXCEPTIONS.c.item_id)
        .join(_LOCATIONS, _LOCATIONS.c.id == _EXCEPTIONS.c.location_id)
        .where(_EXCEPTIONS.c.partner_key.is_not(None), _EXCEPTIONS.c.id.not_in(notified))
        .order_by(_EXCEPTIONS.c.id)).all()
    by_partner: dict[str, list[Any]] = {}
    for row in rows:
        by_partner.setdefault(row.partner_key, []).append(row)
    now = clock()
    made = []
    for partner_key, found in by_partner.items():
        if partner_standard(session, partner_key) != XML:
            continue
        made.append(notify(session, partner_key, found, now=now, mappings=mappings,
                           sender=sender))
    return made


def _plain(value: Decimal) -> Decimal:
    """A stored amount without the zeros of the column's scale (60, not 60.000000)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() \
        else value.normalize()


def notify(session: Session, partner_key: str, rows: list[Any], *, now: datetime,
           mappings: Mappings, sender: Party | None = None) -> int:
    """One UBL ExceptionNotification of ``rows`` (exceptions) to a partner."""
    partner = session.execute(select(_PARTIES).where(_PARTIES.c.key == partner_key)).first()
    receiver = outbound.party(PartyRole.BUYER, partner) or Party(
        role=PartyRole.BUYER, ids={"assigned": partner_key})
    seller = sender or Party(role=PartyRole.SELLER, name="planning")
    number = f"EXC{now:%Y%m%d%H%M%S}{rows[0].id:06d}"
    lines = tuple(ExceptionLine(
        line_number=str(row.id),
        item=ItemRef(gtin=row.gtin, supplier_part=row.supplier_part,
                     buyer_part=row.buyer_part, description=row.description),
        location=row.location_gln, period=Period(start=row.period_start, end=row.period_end),
        source_value=Quantity(value=_plain(row.source_value)),
        compared_value=Quantity(value=_plain(row.compared_value)),
        variance=_plain(row.variance),
        status=row.status, priority=row.priority, resolution=row.resolution,
        forecast_type=row.forecast_type,
        note=f"{row.forecast_type} forecast" + (f", location {row.location_gln}"
                                                  if row.location_gln else ""))
        for row in rows)
    document = ExceptionNotification(
        number=number, issue_date=now.date(),
        period=Period(start=min(r.period_start for r in rows),
                      end=max(r.period_end for r in rows)),
        parties=(seller.model_copy(update={"role": PartyRole.SELLER}), receiver),
        lines=lines)
    document_id = outbound.store(session, document, standard="ubl", mappings=mappings,
                                 now=now, partner_key=partner_key)
    for row in rows:
        session.execute(insert(_EVENTS), {"exception_id": row.id, "at": now,
                                          "actor": "planning", "action": "notified",
                                          "detail": f"exception notification {number}"})
    return document_id


def load_planning_file(session: Session, path: Path) -> tuple[list[str], int]:
    """Criteria and policies from a planning YAML file: (criteria ids, policies)."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigurationError(f"{path}: cannot read: {err}") from None
    except yaml.YAMLError as err:
        raise ConfigurationError(f"{path}: {err}") from None
    if not isinstance(data, dict) or not set(data) <= {"criteria", "policies"}:
        raise ConfigurationError(f"{path}: a planning file is a mapping with 'criteria' "
                                 "and 'policies' lists")
    sections: dict[str, type[BaseModel]] = {"criteria": exceptions.CriterionSpec,
                                            "policies": replenishment.PolicySpec}
    for section, spec in sections.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ConfigurationError(f"{path}: {section}: a list of entries")
        for index, entry in enumerate(entries):
            try:
                spec.model_validate(entry)
            except ValidationError as err:
                first = err.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ConfigurationError(f"{path}: {section}[{index}]"
                                         f"{'.' + where if where else ''}: {first['msg']}"
                                         ) from None
    try:
        criteria = exceptions.load_criteria(session, data.get("criteria") or [])
        policies = replenishment.load_policies(session, data.get("policies") or [])
    except (ValueError, replenishment.PlanningDataError) as err:
        raise ConfigurationError(f"{path}: {err}") from None
    return criteria, policies


def due(session: Session, now: datetime, every: timedelta) -> bool:
    last = session.execute(select(func.max(_RUNS.c.started_at)).where(
        _RUNS.c.trigger == RunTrigger.SCHEDULED.value)).scalar()
    return last is None or now - last >= every


def scheduled_cycle(engine: Engine, *, clock: Clock, mappings: Mappings,
                    every: timedelta = timedelta(days=1), **options: Any) -> CycleOutcome | None:
    """The scheduled job: a cycle in its own transaction when one is due. A failure is
    logged and rolled back; the scheduler keeps running."""
    with Session(engine) as session:
        try:
            if not due(session, clock(), every):
                return None
            outcome = plan_cycle(session, clock=clock, mappings=mappings,
                                 trigger=RunTrigger.SCHEDULED, **options)
            session.commit()
            return outcome
        except Exception:  # a job boundary: record, roll back, keep the scheduler alive
            session.rollback()
            log.exception("the scheduled planning cycle failed")
            return None
