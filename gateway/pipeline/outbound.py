"""The outbound queue: the one way out for every file the gateway sends.

:func:`queue` archives the bytes (write-once: a resend sends these bytes with
these control numbers, never a new rendering) and records the file ``queued``,
in the caller's transaction. :func:`send_due` sends what is due on each
partner's channel: each row is claimed (``FOR UPDATE SKIP LOCKED`` where the
database has it, so several gateway processes never send one file twice), sent,
and marked ``sent``; a failure waits the channel's backoff and is tried again,
up to its attempts, then marked ``failed`` for a person to look at.
:func:`resend` queues a file again as it was. Acknowledgements, business
documents (:mod:`gateway.pipeline.send`) and what planning hands over all go
through here; a file whose agreement expects an acknowledgement back carries
its kind and the time it is due (:mod:`gateway.pipeline.reconcile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, insert, select, update

from gateway.db.base import table
from gateway.partners.profile import HttpChannel, Retry
from gateway.pipeline.context import Gateway
from gateway.traffic.models import OutboundFile
from gateway.traffic.service import record
from gateway.traffic.states import OUTBOUND_TRANSITIONS, OutboundStatus, check
from gateway.transports.base import SendError

_OUTBOUND = table(OutboundFile)
SUBJECT = "outbound"


@dataclass(frozen=True, slots=True)
class Queued:
    id: int
    name: str
    archive_key: str


@dataclass(frozen=True, slots=True)
class Expected:
    """The acknowledgement an agreement expects back for a file, within how long."""

    kind: str  # "997", "CONTRL", ...
    hours: int


def queue(conn: Connection, gw: Gateway, partner: str, *, kind: str, standard: str,
          data: bytes, name: str, control: str | None = None,
          group_controls: str | None = None, answers_id: int | None = None,
          document: tuple[str, str] | None = None, expect: Expected | None = None) -> Queued:
    """Archive ``data`` and record it queued for ``partner``; see the module docstring.
    ``document``: the business document's type and number; ``expect``: the
    acknowledgement its agreement expects (due ``hours`` after the file is sent)."""
    key = gw.archive.put(data)
    now = gw.clock()
    check(OUTBOUND_TRANSITIONS, None, OutboundStatus.QUEUED)
    ident = conn.execute(insert(_OUTBOUND).returning(_OUTBOUND.c.id), {
        "partner_id": gw.partner_id(partner), "kind": kind, "name": name, "archive_key": key,
        "size": len(data), "standard": standard, "interchange_control": control,
        "group_controls": group_controls, "answers_id": answers_id,
        "status": OutboundStatus.QUEUED.value, "attempts": 0, "next_attempt_at": now,
        "created_at": now, "sent_at": None, "detail": None,
        "document_type": document[0] if document else None,
        "document_number": document[1][:80] if document else None,
        "ack_expected": expect.kind if expect else None,
        # Counted from the queueing until it is sent; sending moves it (see _send_one).
        "ack_due_at": now + timedelta(hours=expect.hours) if expect else None,
        "ack_status": None, "ack_detail": None}).scalar_one()
    record(conn, SUBJECT, ident, OutboundStatus.QUEUED, now, detail=f"{kind} for {partner}")
    return Queued(int(ident), name, key)


@dataclass(slots=True)
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _due(conn: Connection, gw: Gateway) -> list[tuple[int, int]]:
    query = (select(_OUTBOUND.c.id, _OUTBOUND.c.partner_id)
             .where(_OUTBOUND.c.status == OutboundStatus.QUEUED.value,
                    _OUTBOUND.c.next_attempt_at <= gw.clock())
             .order_by(_OUTBOUND.c.id).limit(50))
    return [(int(a), int(b)) for a, b in conn.execute(query).all()]


def send_due(gw: Gateway) -> SendReport:
    """Send every queued file whose time has come; see the module docstring."""
    report = SendReport()
    names = {gw.partner_id(p.name): p.name for p in gw.profiles}
    while True:
        with gw.engine.connect() as conn:
            due = _due(conn, gw)
        if not due:
            return report
        progressed = False
        for ident, partner_id in due:
            outcome = _send_one(gw, ident, names.get(partner_id))
            if outcome is None:
                continue  # another process has it
            progressed = True
            if outcome is OutboundStatus.SENT:
                report.sent += 1
            elif outcome is OutboundStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
        if not progressed or report.retrying:
            return report


def _send_one(gw: Gateway, ident: int, partner: str | None) -> OutboundStatus | None:
    with gw.engine.begin() as conn:
        claim = select(_OUTBOUND).where(_OUTBOUND.c.id == ident,
                                        _OUTBOUND.c.status == OutboundStatus.QUEUED.value)
        if conn.dialect.name == "postgresql":
            claim = claim.with_for_update(skip_locked=True)
        row = conn.execute(claim).mappings().first()
        if row is None:
            return None
        now = gw.clock()
        profile = gw.profile(partner)
        channel = gw.channels.get(partner or "")
        attempts = int(row["attempts"]) + 1
        retry = profile.channel.retry if profile is not None else Retry()
        try:
            if profile is None:
                raise SendError(f"partner #{row['partner_id']} has no profile any more",
                                permanent=True)
            if isinstance(profile.channel, HttpChannel) and row["answers_id"] is not None:
                # The partner POSTed what this answers, and read it in the HTTP answer.
                where = "given in the HTTP answer"
            elif channel is None:
                if isinstance(profile.channel, HttpChannel):
                    raise SendError(f"{partner}'s profile gives no url to POST documents to",
                                    permanent=True)
                raise SendError(f"{partner}'s channel is not running here")
            else:
                where = channel.send(row["name"], gw.archive.get(row["archive_key"]))
        except SendError as err:
            final = err.permanent or attempts >= retry.attempts
            status = OutboundStatus.FAILED if final else OutboundStatus.QUEUED
            wait = retry.delay(attempts)
            detail = f"attempt {attempts}: {err}" + ("" if final else
                                                     f"; next try in {wait:.0f} s")
            check(OUTBOUND_TRANSITIONS, row["status"], status)
            conn.execute(update(_OUTBOUND).where(_OUTBOUND.c.id == ident).values(
                status=status.value, attempts=attempts, detail=detail,
                next_attempt_at=now + timedelta(seconds=wait)))
            record(conn, SUBJECT, ident, status, now, detail=detail)
            return status
        check(OUTBOUND_TRANSITIONS, row["status"], OutboundStatus.SENT)
        due = row["ack_due_at"]
        if due is not None:  # the partner's hours start when it has the file
            due = now + (due - row["created_at"])
        conn.execute(update(_OUTBOUND).where(_OUTBOUND.c.id == ident).values(
            status=OutboundStatus.SENT.value, attempts=attempts, sent_at=now,
            detail=f"sent to {where}", ack_due_at=due))
        record(conn, SUBJECT, ident, OutboundStatus.SENT, now, detail=f"sent to {where}")
        return OutboundStatus.SENT


def resend(conn: Connection, gw: Gateway, ident: int) -> None:
    """Queue an outbound file again: the archived bytes, the same control numbers."""
    row = conn.execute(select(_OUTBOUND.c.status).where(_OUTBOUND.c.id == ident)).scalar_one()
    check(OUTBOUND_TRANSITIONS, row, OutboundStatus.QUEUED)
    now = gw.clock()
    conn.execute(update(_OUTBOUND).where(_OUTBOUND.c.id == ident).values(
        status=OutboundStatus.QUEUED.value, next_attempt_at=now, attempts=0,
        detail="queued again by hand"))
    record(conn, SUBJECT, ident, OutboundStatus.QUEUED, now, detail="queued again by hand")
