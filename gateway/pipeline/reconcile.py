"""Acknowledgements received for what we sent, and those that did not come.

The inbound flow stores a partner's 997, 999 or CONTRL as a message it read
and did not store (status ``skipped``). :func:`reconcile_acks` takes each such
message once (its :class:`~gateway.traffic.models.ReceivedAck` row is the
claim: a unique key, so two gateway processes never reconcile one twice),
reads it again from the archive and matches what it answers to the outbound
files of the same partner: a 997/999's AK1 names our group control number
(GS06), a CONTRL's UCI our interchange control (UNB 0020). The file becomes
``delivered`` (accepted, accepted with errors, partially accepted) or
``rejected``, with the partner's reasons in words; an acknowledgement that
answers nothing we sent is recorded as unmatched, with the reason.

:func:`flag_overdue` marks every sent file whose agreement expects an
acknowledgement that has not come by its due time (the agreement's hours after
sending) ``overdue``, records the change, and logs one line per file;
:func:`outbound_listing` is what the ``traffic`` command (and later the
extranet) shows. Each function owns its transactions.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, select, update

from gateway.db.base import table
from gateway.db.statements import insert_for
from gateway.edi.ack.plan import Status
from gateway.edi.ack.reading import AckedGroup, AckedMessage, AckReport, read_acks
from gateway.edi.reader import read
from gateway.partners.models import Partner
from gateway.pipeline.context import Gateway
from gateway.traffic.models import InboundFile, InboundMessage, OutboundFile, ReceivedAck
from gateway.traffic.service import record
from gateway.traffic.states import OUTBOUND_TRANSITIONS, OutboundStatus

log = logging.getLogger("gateway.reconcile")

_OUTBOUND = table(OutboundFile)
_MESSAGES = table(InboundMessage)
_FILES = table(InboundFile)
_RECEIVED = table(ReceivedAck)
_PARTNERS = table(Partner)
ACK_MESSAGES = ("997", "999", "CONTRL")
OVERDUE = "overdue"
UNMATCHED = "unmatched"
SUBJECT = "outbound"


@dataclass(slots=True)
class ReconcileReport:
    matched: list[tuple[int, str]] = field(default_factory=list)  # outbound id, status
    unmatched: list[str] = field(default_factory=list)  # why, per acknowledgement


def _words(codes: list[tuple[str, str]]) -> list[str]:
    return [f"{code}: {meaning}" if meaning else code for code, meaning in codes if code]


def _message_reasons(message: AckedMessage) -> list[str]:
    found = [f"{message.type} {message.reference}: {text}" for text in _words(message.codes)]
    for segment in message.segments:
        where = f"{segment.tag} at {segment.position}".strip()
        found.append(f"{message.type} {message.reference}: segment {where}"
                     + (f": {segment.meaning}" if segment.meaning else ""))
        found.extend(f"{message.type} {message.reference}: element {e.position}"
                     + (f" ({e.value!r})" if e.value else "") + f": {e.meaning or e.code}"
                     for e in segment.elements)
    return found


def _group_outcome(group: AckedGroup) -> tuple[str, str]:
    reasons = _words(group.codes)
    for message in group.messages:
        reasons.extend(_message_reasons(message))
    status = group.status or Status.ACCEPTED
    counts = ""
    if group.included is not None and group.accepted is not None:
        counts = f"{group.accepted} of {group.included} transaction sets accepted"
    return status.value, "; ".join(x for x in (counts, *reasons) if x)


def _contrl_outcome(report: AckReport) -> tuple[str, str, str]:
    """The interchange a CONTRL answers, its status (partially accepted when some
    messages were rejected and others not), and the reasons."""
    interchange = report.interchanges[0]
    messages = [m for g in report.groups for m in g.messages] + report.messages
    rejected = [m for m in messages if m.status is Status.REJECTED]
    status = interchange.status or Status.ACCEPTED
    if status is not Status.REJECTED and rejected:
        status = Status.PARTIALLY_ACCEPTED if len(rejected) < len(messages) \
            else Status.REJECTED
    reasons = [interchange.meaning] if interchange.code and interchange.meaning else []
    for group in report.groups:
        reasons.extend(_words(group.codes))
    for message in messages:
        reasons.extend(_message_reasons(message))
    return interchange.reference, status.value, "; ".join(r for r in reasons if r)


def _find(conn: Connection, partner_id: int, standard: str, *, control: str | None = None,
          group: str | None = None) -> Any:
    """The latest file sent to the partner with that control number (numbers roll over)."""
    query = select(_OUTBOUND.c.id, _OUTBOUND.c.status).where(
        _OUTBOUND.c.partner_id == partner_id, _OUTBOUND.c.standard == standard,
        _OUTBOUND.c.answers_id.is_(None))
    if control is not None:
        candidates = {control, control.lstrip("0") or "0", control.zfill(9)}
        query = query.where(_OUTBOUND.c.interchange_control.in_(candidates))
    if group is not None:
        query = query.where(_OUTBOUND.c.group_controls == group)
    return conn.execute(query.order_by(_OUTBOUND.c.id.desc()).limit(1)).first()


def _settle(conn: Connection, gw: Gateway, found: Any, *, kind: str, status: str,
            detail: str) -> None:
    new = OutboundStatus.REJECTED if status == Status.REJECTED.value \
        else OutboundStatus.DELIVERED
    values: dict[str, Any] = {"ack_status": status, "ack_detail": detail[:4000] or None}
    if new in OUTBOUND_TRANSITIONS.get(found.status, frozenset()):
        values["status"] = new.value
    conn.execute(update(_OUTBOUND).where(_OUTBOUND.c.id == found.id).values(**values))
    record(conn, SUBJECT, found.id, values.get("status", found.status), gw.clock(),
           detail=f"{kind} received: {status}" + (f"; {detail}" if detail else ""))


def _claim(conn: Connection, gw: Gateway, message_id: int, kind: str) -> int | None:
    stmt = insert_for(conn, _RECEIVED).on_conflict_do_nothing(
        index_elements=["message_id"]).returning(_RECEIVED.c.id)
    found = conn.execute(stmt, {"message_id": message_id, "outbound_id": None, "kind": kind,
                                "status": "reading", "detail": None,
                                "at": gw.clock()}).scalar()
    return int(found) if found is not None else None


def _answer(conn: Connection, gw: Gateway, partner_id: int, partner: str,
            report: AckReport) -> list[tuple[int | None, str, str]]:
    """(outbound id or None, status, detail) for each thing the acknowledgement answers."""
    answered: list[tuple[int | None, str, str]] = []
    if report.kind == "CONTRL":
        control, status, detail = _contrl_outcome(report)
        found = _find(conn, partner_id, "edifact", control=control)
        if found is None:
            return [(None, UNMATCHED, f"CONTRL from {partner} answers interchange {control}, "
                                      "which was not sent to it")]
        _settle(conn, gw, found, kind=report.kind, status=status, detail=detail)
        return [(int(found.id), status, detail)]
    for group in report.groups:
        status, detail = _group_outcome(group)
        found = _find(conn, partner_id, "x12", group=group.reference)
        if found is None:
            answered.append((None, UNMATCHED, f"{report.kind} from {partner} answers group "
                                              f"{group.functional_id} {group.reference}, which "
                                              "was not sent to it"))
            continue
        _settle(conn, gw, found, kind=report.kind, status=status, detail=detail)
        answered.append((int(found.id), status, detail))
    return answered or [(None, UNMATCHED, f"{report.kind} from {partner} answers no group")]


def _waiting(gw: Gateway, limit: int) -> list[Any]:
    query = (select(_MESSAGES.c.id, _MESSAGES.c.file_id, _MESSAGES.c.message_type,
                    _MESSAGES.c.interchange_ref, _MESSAGES.c.message_ref,
                    _FILES.c.archive_key, _FILES.c.partner_id, _PARTNERS.c.name)
             .join(_FILES, _FILES.c.id == _MESSAGES.c.file_id)
             .join(_PARTNERS, _PARTNERS.c.id == _FILES.c.partner_id)
             .outerjoin(_RECEIVED, _RECEIVED.c.message_id == _MESSAGES.c.id)
             .where(_MESSAGES.c.message_type.in_(ACK_MESSAGES),
                    _MESSAGES.c.status == "skipped", _FILES.c.archive_key.is_not(None),
                    _RECEIVED.c.id.is_(None))
             .order_by(_MESSAGES.c.id).limit(limit))
    with gw.engine.connect() as conn:
        return list(conn.execute(query).all())


def reconcile_acks(gw: Gateway, limit: int = 500) -> ReconcileReport:
    """Match every acknowledgement received and not yet reconciled; see the module
    docstring."""
    report = ReconcileReport()
    by_file: dict[int, list[Any]] = defaultdict(list)
    for row in _waiting(gw, limit):
        by_file[int(row.file_id)].append(row)
    for rows in by_file.values():
        first = rows[0]
        parsed = read(gw.archive.get(first.archive_key))
        acks: dict[tuple[str, str], AckReport] = {}
        for ic in parsed.interchanges:
            found = [r for r in read_acks([ic]) if r.kind != "TA1"]
            messages = [m for m in ic.messages() if m.type in ACK_MESSAGES]
            for message, ack in zip(messages, found, strict=False):
                acks[(ic.reference, message.reference)] = ack
        for row in rows:
            with gw.engine.begin() as conn:
                claim = _claim(conn, gw, int(row.id), row.message_type)
                if claim is None:
                    continue  # another process has it
                read_again = acks.get((row.interchange_ref or "", row.message_ref or ""))
                if read_again is None:
                    answered: list[tuple[int | None, str, str]] = [
                        (None, UNMATCHED, f"{row.message_type} {row.message_ref} cannot be "
                                          "read again from the archive")]
                else:
                    answered = _answer(conn, gw, int(row.partner_id), row.name, read_again)
                first_id, status, detail = answered[0]
                conn.execute(update(_RECEIVED).where(_RECEIVED.c.id == claim).values(
                    outbound_id=first_id, status=status,
                    detail="; ".join(d for _, _, d in answered if d)[:4000] or None))
            for outbound_id, status, detail in answered:
                if outbound_id is None:
                    report.unmatched.append(detail)
                    log.warning("acknowledgement unmatched: %s", detail)
                else:
                    report.matched.append((outbound_id, status))
                    log.info("outbound %s: %s %s by %s", outbound_id, row.message_type,
                             status, row.name)
    return report


@dataclass(frozen=True, slots=True)
class Overdue:
    outbound_id: int
    partner: str
    name: str
    expected: str


def flag_overdue(gw: Gateway) -> list[Overdue]:
    """Mark overdue every sent file whose expected acknowledgement has not come by its
    due time; one log line each. A file is flagged once; a late acknowledgement
    still reconciles it."""
    now = gw.clock()
    names = {gw.partner_id(p.name): p.name for p in gw.profiles}
    flagged: list[Overdue] = []
    with gw.engine.begin() as conn:
        rows = conn.execute(
            update(_OUTBOUND).where(and_(
                _OUTBOUND.c.status == OutboundStatus.SENT.value,
                _OUTBOUND.c.ack_expected.is_not(None), _OUTBOUND.c.ack_status.is_(None),
                _OUTBOUND.c.ack_due_at < now))
            .values(ack_status=OVERDUE)
            .returning(_OUTBOUND.c.id, _OUTBOUND.c.partner_id, _OUTBOUND.c.name,
                       _OUTBOUND.c.ack_expected, _OUTBOUND.c.ack_due_at)).all()
        for row in rows:
            partner = names.get(int(row.partner_id), f"#{row.partner_id}")
            detail = (f"no {row.ack_expected} from {partner} by "
                      f"{row.ack_due_at:%Y-%m-%d %H:%M} UTC, as the agreement expects")
            conn.execute(update(_OUTBOUND).where(_OUTBOUND.c.id == row.id)
                         .values(ack_detail=detail))
            record(conn, SUBJECT, int(row.id), OVERDUE, now, detail=detail)
            flagged.append(Overdue(int(row.id), partner, row.name, row.ack_expected))
    for item in flagged:
        log.warning("acknowledgement overdue: outbound %s %s to %s: no %s in time",
                    item.outbound_id, item.name, item.partner, item.expected)
    return flagged


def outbound_listing(gw: Gateway, *, partner: str | None = None, status: str | None = None,
                     overdue: bool = False, limit: int = 1000) -> list[dict[str, Any]]:
    """The outbound files, newest first, with their acknowledgement's state."""
    query = (select(_OUTBOUND.c.id, _PARTNERS.c.name.label("partner"), _OUTBOUND.c.kind,
                    _OUTBOUND.c.name, _OUTBOUND.c.standard,
                    _OUTBOUND.c.interchange_control.label("control"),
                    _OUTBOUND.c.document_type, _OUTBOUND.c.document_number,
                    _OUTBOUND.c.status, _OUTBOUND.c.attempts, _OUTBOUND.c.created_at,
                    _OUTBOUND.c.sent_at, _OUTBOUND.c.detail, _OUTBOUND.c.ack_expected,
                    _OUTBOUND.c.ack_due_at, _OUTBOUND.c.ack_status, _OUTBOUND.c.ack_detail)
             .join(_PARTNERS, _PARTNERS.c.id == _OUTBOUND.c.partner_id)
             .order_by(_OUTBOUND.c.id.desc()).limit(limit))
    if partner is not None:
        query = query.where(_PARTNERS.c.name == partner)
    if status is not None:
        query = query.where(_OUTBOUND.c.status == status)
    if overdue:
        query = query.where(_OUTBOUND.c.ack_status == OVERDUE)
    with gw.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
