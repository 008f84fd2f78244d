"""The database actions of ``edi-gateway plan``: the planning cycle, exceptions,
proposals and approval, each in one transaction this module owns.

Output is a table for people (``--format table``, the default), one JSON object
per line (``json``) or CSV with a header (``csv``) for tools. Imported by the
handlers in :mod:`gateway.cli.plan` only when such an action runs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.cli.jsonlines import json_line
from gateway.cli.outputs import output_folder, write_output
from gateway.db.base import table
from gateway.db.migrate import open_database
from gateway.errors import ConfigurationError
from gateway.forecast.history import Frequency
from gateway.forecast.rules import Resolution
from gateway.inventory.models import Item, Location
from gateway.mapping.inbound import MappingError
from gateway.mapping.registry import DEFAULT_ROOT, load_mappings
from gateway.planning import cycle, exceptions, outbound, replenishment
from gateway.planning.models import (
    ExceptionCriterion,
    ExceptionStatus,
    PlanningException,
    Proposal,
    ProposalStatus,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_ITEMS = table(Item)
_LOCATIONS = table(Location)
_EXCEPTIONS = table(PlanningException)
_CRITERIA = table(ExceptionCriterion)
_PROPOSALS = table(Proposal)


def _engine(args: argparse.Namespace) -> Engine:
    return open_database(args.database)


def _clock(args: argparse.Namespace) -> Callable[[], datetime]:
    if args.today is None:
        return lambda: datetime.now(UTC)
    moment = datetime.combine(args.today, time(6, 0), tzinfo=UTC)
    return lambda: moment


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"edi-gateway plan: {message}", file=sys.stderr)
    return code


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Rows as an aligned table, JSON lines or CSV."""
    if fmt == "json":
        for row in rows:
            print(json_line({c: (_text(row[c]) if isinstance(row[c], Decimal | date)
                                 else row[c]) for c in columns}))
        return
    if fmt == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(columns)
        out.writerows([[_text(row[c]) for c in columns] for row in rows])
        return
    cells = [[_text(row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    if not rows:
        print("(none)")


def forecast(args: argparse.Namespace) -> int:
    """The planning cycle on the stored history (and, first, a planning file)."""
    engine = _engine(args)  # a database that cannot be used is said first
    try:
        mappings = load_mappings(DEFAULT_ROOT)
    except MappingError as err:
        engine.dispose()
        return _fail(str(err))
    clock = _clock(args)
    try:
        with Session(engine) as session, session.begin():
            if args.setup is not None:
                criteria, policies = cycle.load_planning_file(session, args.setup)
                print(f"planning file {args.setup}: {len(criteria)} criteria, "
                      f"{policies} policies", file=sys.stderr)
            outcome = cycle.plan_cycle(
                session, clock=clock, mappings=mappings, as_of=args.today,
                horizon=args.horizon or 13, season=args.season,
                frequency=Frequency(args.frequency) if args.frequency else None,
                workers=args.workers, cluster=args.dask)
    except ConfigurationError as err:
        return _fail(str(err))
    finally:
        engine.dispose()
    run = outcome.run
    rows = [{"run": run.run_id, "series": run.series,
             "models": ", ".join(f"{k} {v}" for k, v in sorted(run.models.items())),
             "proposals": len(outcome.proposals), "kept": len(outcome.kept),
             "exceptions": len(outcome.exceptions),
             "notifications": len(outcome.notifications), "detail": run.detail}]
    emit(rows, list(rows[0]), args.output_format)
    return EXIT_OK if run.run_id is not None else EXIT_FAILED


def exceptions_command(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        with Session(engine) as session, session.begin():
            if args.resolve is not None:
                if not args.reviewer:
                    return _fail("--resolve needs --reviewer NAME")
                quantity = None
                if args.quantity is not None:
                    try:
                        quantity = Decimal(args.quantity)
                    except InvalidOperation:
                        return _fail(f"--quantity {args.quantity!r} is not a number")
                try:
                    agreed = exceptions.resolve(
                        session, args.resolve,
                        resolution=Resolution(args.resolution) if args.resolution else None,
                        reviewer=args.reviewer, clock=_clock(args), quantity=quantity)
                except exceptions.ResolutionError as err:
                    session.rollback()
                    return _fail(str(err), EXIT_FAILED)
                print(f"exception {args.resolve} resolved: agreed forecast {_text(agreed)}",
                      file=sys.stderr)
            rows = _exception_rows(session, args.status)
    finally:
        engine.dispose()
    emit(rows, ["id", "priority", "criterion", "item", "location", "period", "type",
                "ours", "partner", "variance", "percent", "status", "resolution", "agreed",
                "reviewer"], args.output_format)
    return EXIT_OK


def _exception_rows(session: Session, status: str) -> list[dict[str, Any]]:
    stmt = select(_EXCEPTIONS, _CRITERIA.c.code, _ITEMS.c.key.label("item_key"),
                  _LOCATIONS.c.key.label("location_key")) \
        .join(_CRITERIA, _CRITERIA.c.id == _EXCEPTIONS.c.criterion_id) \
        .join(_ITEMS, _ITEMS.c.id == _EXCEPTIONS.c.item_id) \
        .join(_LOCATIONS, _LOCATIONS.c.id == _EXCEPTIONS.c.location_id) \
        .order_by(_EXCEPTIONS.c.id)
    if status != "all":
        stmt = stmt.where(_EXCEPTIONS.c.status == ExceptionStatus(status).value)
    return [{"id": r.id, "priority": r.priority, "criterion": r.code, "item": r.item_key,
             "location": r.location_key, "period": r.period_start,
             "type": r.forecast_type, "ours": r.source_value, "partner": r.compared_value,
             "variance": r.variance, "percent": r.variance_percent, "status": r.status,
             "resolution": r.resolution, "agreed": r.agreed, "reviewer": r.reviewer}
            for r in session.execute(stmt)]


def _proposal_rows(session: Session, status: str) -> list[dict[str, Any]]:
    stmt = select(_PROPOSALS, _ITEMS.c.key.label("item_key"),
                  _LOCATIONS.c.key.label("location_key")) \
        .join(_ITEMS, _ITEMS.c.id == _PROPOSALS.c.item_id) \
        .join(_LOCATIONS, _LOCATIONS.c.id == _PROPOSALS.c.location_id) \
        .order_by(_PROPOSALS.c.id)
    if status != "all":
        stmt = stmt.where(_PROPOSALS.c.status == ProposalStatus(status).value)
    return [{"id": r.id, "item": r.item_key, "location": r.location_key,
             "quantity": r.quantity, "unit": r.unit, "need_date": r.need_date,
             "position": r.position, "demand": r.demand, "safety_stock": r.safety_stock,
             "target": r.target, "status": r.status, "order": r.order_number,
             "why": r.explanation} for r in session.execute(stmt)]


PROPOSAL_COLUMNS = ["id", "item", "location", "quantity", "unit", "need_date", "position",
                    "demand", "safety_stock", "target", "status", "order", "why"]


def proposals(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        with Session(engine) as session:
            rows = _proposal_rows(session, args.status)
    finally:
        engine.dispose()
    emit(rows, PROPOSAL_COLUMNS, args.output_format)
    return EXIT_OK


def approve(args: argparse.Namespace) -> int:
    if args.out is not None:
        output_folder(args.out)  # before anything is approved: all of it or nothing
    engine = _engine(args)  # a database that cannot be used is said first
    try:
        mappings = load_mappings(DEFAULT_ROOT)
    except MappingError as err:
        engine.dispose()
        return _fail(str(err))
    try:
        with Session(engine) as session, session.begin():
            try:
                done = replenishment.approve(session, args.ids, reviewer=args.reviewer,
                                             clock=_clock(args), mappings=mappings)
            except replenishment.ApprovalError as err:
                session.rollback()
                return _fail(str(err), EXIT_FAILED)
            produced = [d for a in done for d in outbound.documents(
                session, proposal_id=a.proposal_id)]
    finally:
        engine.dispose()
    if args.out is not None:
        for doc in produced:
            extension = {"x12": "x12", "edifact": "edi", "ubl": "xml"}[doc.standard]
            write_output(args.out / f"{doc.number}.{extension}", doc.rendered)
    emit([{"proposal": a.proposal_id, "order": a.order_number,
           "documents": " ".join(f"{d.document_type} {d.number} ({d.standard} {d.version})"
                                 for d in produced if d.number in (a.order_number,
                                                                   f"F{a.order_number[3:]}"))}
          for a in done], ["proposal", "order", "documents"], args.output_format)
    return EXIT_OK
