"""What planning produced, sent: approved replenishment proposals leave as purchase
orders toward their suppliers, agreed forecasts (830 / DELFOR) and exception
notifications toward their partners, through the same outbound queue.

:func:`send_planned` takes every ready planning document with
:func:`gateway.planning.outbound.hand_over` (rows another process holds are
skipped) and, in the same transaction, renders each for the partner its
``partner_key`` names (``partner:NAME``, or any identity a profile lists,
such as ``duns:039456712``) through that partner's outbound agreement, with
our envelope and control numbers, and queues it
(:func:`gateway.pipeline.send.queue_document`); planning's own rendering is
a preview and is not sent. A document no profile can take (no partner with
that identity, no agreement that writes it, a value its standard has no place
for) is given back, ready, with the reason logged and reported: it is sent
once the profile is fixed. :func:`run_cycle` is the service's planning job:
the scheduled cycle (when one is due) followed by the sending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from gateway.errors import UsageError
from gateway.pipeline.context import Gateway
from gateway.pipeline.send import SendResult, queue_document
from gateway.planning.outbound import Outgoing, give_back, hand_over

log = logging.getLogger("gateway.planning")
PARTNER_PREFIX = "partner:"


@dataclass(slots=True)
class PlannedReport:
    queued: list[SendResult] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # why each given back is not sent
    cycle: str | None = None  # what the planning cycle did, when it ran


def partner_for(gw: Gateway, key: str | None) -> str | None:
    """The partner a planning document is for, by the key of its trading party."""
    if not key:
        return None
    if key.startswith(PARTNER_PREFIX):
        name = key.removeprefix(PARTNER_PREFIX)
        return name if gw.profile(name) is not None else None
    found = gw.profiles.partner_of(key)
    return found.name if found is not None else None


def _queue(session: Session, gw: Gateway, outgoing: Outgoing) -> SendResult:
    partner = partner_for(gw, outgoing.partner_key)
    if partner is None:
        raise UsageError(f"no partner profile has the identity {outgoing.partner_key or '(none)'}"
                         f" of {outgoing.document_type.replace('_', ' ')} {outgoing.number}'s "
                         "partner: add it to the profile")
    with session.begin_nested():
        return queue_document(session.connection(), gw, partner, outgoing.document)


def send_planned(gw: Gateway) -> PlannedReport:
    """Queue every ready planning document for its partner; see the module docstring."""
    report = PlannedReport()
    with Session(gw.engine) as session, session.begin():
        refused: list[int] = []
        for outgoing in hand_over(session):
            try:
                report.queued.append(_queue(session, gw, outgoing))
            except UsageError as err:
                refused.append(outgoing.id)
                report.waiting.append(f"{outgoing.document_type.replace('_', ' ')} "
                                      f"{outgoing.number}: {err}")
        give_back(session, refused)
    for queued in report.queued:
        log.info("planning: %s %s queued for %s as %s %s", queued.document_type,
                 queued.number, queued.partner, queued.message, queued.control)
    for reason in report.waiting:
        log.warning("planning: not sent, waits: %s", reason)
    return report


def run_cycle(gw: Gateway, every: timedelta = timedelta(hours=20)) -> PlannedReport:
    """The scheduled planning cycle (when none ran within ``every``), then the documents
    it produced (and any approved since) queued for their partners."""
    from gateway.planning.cycle import scheduled_cycle  # noqa: PLC0415  # numpy, on use

    outcome = scheduled_cycle(gw.engine, clock=gw.clock, mappings=gw.sets.of(None),
                              every=every)
    report = send_planned(gw)
    if outcome is not None:
        report.cycle = (f"planning cycle: forecast run {outcome.run.run_id}, "
                        f"{len(outcome.proposals)} proposals, "
                        f"{len(outcome.exceptions)} exceptions")
        log.info("%s", report.cycle)
    return report
