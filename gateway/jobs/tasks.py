"""The service's jobs, each a plain function of the gateway context.

Every job catches what it cannot handle at its boundary, logs it and leaves
the rows as they were (the next run tries again): a bad file or a full disk
never stops the service. Jobs of other parts of the gateway (the
overdue-acknowledgement check, the nightly forecast) are :class:`Job` values
given to the scheduler beside these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select

from gateway.db.base import table
from gateway.pipeline.context import Gateway
from gateway.pipeline.inbound import FileOutcome, claimed, receive
from gateway.pipeline.outbound import SendReport, send_due
from gateway.pipeline.planned import PlannedReport, run_cycle, send_planned
from gateway.pipeline.reconcile import Overdue, ReconcileReport, flag_overdue, reconcile_acks
from gateway.traffic.models import InboundFile, StateChange
from gateway.traffic.states import FileStatus

log = logging.getLogger("gateway.jobs")


@dataclass(slots=True)
class PollReport:
    taken: int = 0
    again: int = 0  # pickups recorded before a crash, let go of now
    errors: list[str] = field(default_factory=list)


def poll_channels(gw: Gateway) -> PollReport:
    """Take every complete file waiting on the partners' channels: archive, record,
    let go (see :func:`gateway.pipeline.inbound.receive`)."""
    report = PollReport()
    for partner, channel in gw.channels.items():
        try:
            for incoming in channel.poll(gw.clock()):
                received = receive(gw, incoming, partner)
                channel.done(incoming)
                if received.new:
                    report.taken += 1
                else:
                    report.again += 1
        except Exception as err:  # a job boundary: log, and try again later
            log.exception("polling %s failed", partner)
            report.errors.append(f"{partner}: {err}")
    return report


def process_received(gw: Gateway, limit: int | None = None) -> list[FileOutcome]:
    """Process received files, each claimed once, until none is left (or ``limit``)."""
    done: list[FileOutcome] = []
    for outcome in claimed(gw):
        done.append(outcome)
        if limit is not None and len(done) >= limit:
            break
    return done


def send_pending(gw: Gateway) -> SendReport:
    return send_due(gw)


def reconcile(gw: Gateway) -> ReconcileReport:
    """Match the acknowledgements received to what we sent."""
    return reconcile_acks(gw)


def overdue(gw: Gateway) -> list[Overdue]:
    """Flag what the agreements expected an acknowledgement for and did not get in time."""
    return flag_overdue(gw)


def send_planned_documents(gw: Gateway) -> PlannedReport:
    """Queue what planning produced (approved orders, agreed forecasts) for its partners."""
    return send_planned(gw)


def planning_cycle(gw: Gateway) -> PlannedReport:
    """The planning cycle when one is due (none within the last 20 hours: several
    processes on one database, or a restart, do not run it twice a night), then its
    documents queued."""
    return run_cycle(gw)


def retention(gw: Gateway, days: int) -> int:
    """Forget state changes older than ``days`` (the archive and the rows they describe
    stay); the number forgotten."""
    cutoff = gw.clock() - timedelta(days=days)
    changes = table(StateChange)
    with gw.engine.begin() as conn:
        result = conn.execute(delete(changes).where(changes.c.at < cutoff))
        return int(result.rowcount or 0)


def waiting(gw: Gateway) -> int:
    """Files received and not yet processed."""
    files = table(InboundFile)
    with gw.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(
            files.c.status == FileStatus.RECEIVED.value,
            files.c.archive_key.is_not(None))).scalar_one())


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[Gateway], object]
    seconds: float  # how often
    cron: str | None = None  # a crontab line (UTC) instead of every ``seconds``
