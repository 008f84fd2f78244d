"""The inbound flow: a file from a channel to rows and an acknowledgement, owning the
transactions (ARCHITECTURE.md section 2).

1. :func:`receive` archives the bytes and records the file ``received``:
   committed before anything else, so nothing taken is ever lost.
2. :func:`process` then takes a received file from the archive: detect, read
   (streamed, a message at a time), and for each interchange route it to its
   partner by sender and receiver (unknown -> quarantined, with the reason) and
   claim its sender and control number (a duplicate within the agreement's
   window -> rejected, warned or accepted as the agreement says). Each message
   is routed to its agreement by document type (none -> quarantined), validated,
   mapped with the agreement's mapping and overlays, its issuer resolved
   through the profiles (an unknown identity -> quarantined), and stored in
   batches: one transaction per batch, a savepoint per message when the
   database refuses one, so each message is stored whole or not at all.
   When an interchange ends its status and acknowledgement are committed
   together, the acknowledgement's control numbers with them.
3. The outbound queue sends the acknowledgement on the partner's channel.

The service processes a file in the thread that claimed it and never forks:
its scheduler and HTTP threads make ``fork`` unsafe, which is why the ``ingest``
command's fork-based workers (:mod:`gateway.pipeline.workers`) stay with that
command. The service scales by processes instead: several on one PostgreSQL
database each claim whole files (:func:`claimed`), one core each.

A crash anywhere leaves the file ``received``: taken again, the messages
already stored are recognised by position and not stored twice, and an
interchange answered once is never answered again (a unique key).
:func:`reprocess` takes a quarantined or rejected file again after its profile
was fixed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.db.base import table
from gateway.db.statements import insert_for
from gateway.edi.ack.plan import InterchangePlan, plan_interchange
from gateway.edi.detect import UNKNOWN, XML, Detection, detect
from gateway.edi.envelope import Scope
from gateway.edi.issues import Code, Issue, Level, Location, Severity
from gateway.edi.reader import FileProblem, MessageRead, stream
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.validator import Context, check_message
from gateway.edi.tree import Interchange, Message
from gateway.mapping.convert import documents, map_message
from gateway.orders.service import Tolerance, issuer_party
from gateway.partners.profile import (
    AckPolicy,
    Agreement,
    Direction,
    DuplicateAction,
    DuplicatePolicy,
    Profile,
)
from gateway.partners.service import identity_keys, party_key
from gateway.pipeline.acks import AckResult, build_ack, build_xml_answer
from gateway.pipeline.context import Gateway
from gateway.pipeline.ingest import SERVICE_TYPES, MessageOutcome, _Pending, _settle, _store_batch
from gateway.traffic.models import (
    InboundFile,
    InboundInterchange,
    InboundMessage,
    InterchangeKey,
    MessageStatus,
)
from gateway.traffic.service import issues_json, record
from gateway.traffic.states import FILE_TRANSITIONS, FileStatus, InterchangeStatus, check
from gateway.transports.base import Incoming

_FILES = table(InboundFile)
_INTERCHANGES = table(InboundInterchange)
_MESSAGES = table(InboundMessage)
_KEYS = table(InterchangeKey)


# -- 1. receive ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    file_id: int
    new: bool  # False: this pickup was recorded before (a crash between record and done)
    status: str


def receive(gw: Gateway, incoming: Incoming, partner: str | None) -> Received:
    """Archive the bytes, then record the file; committed when this returns. A file
    over the channel's size limit is recorded rejected, with its size, unread."""
    now = gw.clock()
    key = gw.archive.put(incoming.data) if incoming.too_large is None else None
    from gateway.archive.store import key_of  # noqa: PLC0415  # keeps the import graph flat

    sha = key_of(incoming.data)[len("sha256/"):] if key is not None else "-" * 64
    status, detail = FileStatus.RECEIVED, None
    if incoming.too_large is not None:
        status = FileStatus.REJECTED
        profile = gw.profile(partner)
        limit = profile.channel.max_bytes if profile is not None else 0
        detail = (f"the file is {incoming.too_large} bytes, over the limit of {limit} "
                  "bytes for this channel: not read")
    check(FILE_TRANSITIONS, None, status)
    values = {
        "sha256": sha, "name": incoming.name[-512:],
        "size": incoming.too_large if incoming.too_large is not None else len(incoming.data),
        "standard": "unknown" if key is None else detect(incoming.data[:65536]).standard,
        "received_at": incoming.received_at, "channel": incoming.channel,
        "partner_id": gw.partner_id(partner) if partner else None, "archive_key": key,
        "pickup": incoming.pickup, "status": status.value, "detail": detail,
    }
    with gw.engine.begin() as conn:
        stmt = insert_for(conn, _FILES).on_conflict_do_nothing(index_elements=["pickup"]) \
            .returning(_FILES.c.id)
        ident = conn.execute(stmt, values).scalar()
        if ident is None:
            found = conn.execute(select(_FILES.c.id, _FILES.c.status)
                                 .where(_FILES.c.pickup == incoming.pickup)).one()
            return Received(int(found.id), False, found.status)
        record(conn, "file", ident, status, now, detail=detail or f"from {incoming.channel}")
    return Received(int(ident), True, status.value)


# -- 2. process ------------------------------------------------------------------------


@dataclass(slots=True)
class InterchangeOutcome:
    position: int
    status: str
    detail: str
    partner: str | None
    control: str | None
    ack: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "status": self.status, "detail": self.detail,
                "partner": self.partner, "control": self.control, "ack": self.ack,
                "issues": [i.to_json() for i in self.issues]}


@dataclass(slots=True)
class FileOutcome:
    file_id: int
    status: str
    detail: str
    interchanges: list[InterchangeOutcome] = field(default_factory=list)
    messages: list[MessageOutcome] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    acks: list[int] = field(default_factory=list)  # outbound file ids

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file_id, "status": self.status, "detail": self.detail,
                "interchanges": [i.to_json() for i in self.interchanges],
                "messages": [m.to_json() for m in self.messages],
                "issues": [i.to_json() for i in self.issues]}


def _envelope_keys(ic: Interchange) -> tuple[list[str], list[str]]:
    """Identity keys of the sender and of the receiver, best first."""
    header = ic.header
    if header is None:
        return [], []
    if header.tag == "ISA":
        senders = [f"isa:{header.get(5).strip()}:{header.get(6).strip()}"]
        receivers = [f"isa:{header.get(7).strip()}:{header.get(8).strip()}"]
        group = next((g.header for g in ic.groups if g.header is not None), None)
        if group is not None:
            senders.append(f"gs:{group.get(2)}")
            receivers.append(f"gs:{group.get(3)}")
        return senders, receivers
    senders = [f"unb:{header.get(2, 2)}:{header.get(2, 1)}", f"gln:{header.get(2, 1)}"]
    receivers = [f"unb:{header.get(3, 2)}:{header.get(3, 1)}", f"gln:{header.get(3, 1)}"]
    return senders, receivers


@dataclass(slots=True)
class _Route:
    partner: Profile | None
    reason: str  # why there is none


def route(gw: Gateway, senders: list[str], receivers: list[str],
          channel_partner: str | None) -> _Route:
    """The partner an envelope's sender names, checked against the channel it came on
    and against our identities on that relationship."""
    shown = senders[0] if senders else "no sender"
    # The interchange's sender decides (ISA06, or UNB 0004 as itself or as a GLN); a
    # functional group's sender (GS02) must not name someone else.
    envelope = [key for key in senders if not key.startswith("gs:")]
    found = next((p for key in envelope if (p := gw.profiles.partner_of(key)) is not None),
                 None)
    if found is None:
        return _Route(None, f"no partner profile has the sender's identity {shown}: "
                            "add it to the partner's profile, then reprocess")
    others = {p.name for key in senders if (p := gw.profiles.partner_of(key)) is not None}
    if others - {found.name}:
        return _Route(None, f"the interchange's sender {shown} is partner {found.name}, "
                            f"but its group names partner {sorted(others - {found.name})[0]}")
    if channel_partner is not None and found.name != channel_partner:
        return _Route(None, f"the sender {shown} is partner {found.name}, but the file came "
                            f"on {channel_partner}'s channel")
    ours = {i.key for i in found.us}
    if ours and receivers and not any(key in ours for key in receivers):
        return _Route(None, f"addressed to {receivers[0]}, which is not one of our "
                            f"identities towards {found.name}")
    return _Route(found, "")


def _policies(profile: Profile, standard: str,
              messages: list[str]) -> tuple[AckPolicy, DuplicatePolicy, Agreement | None]:
    """The acknowledgement and duplicate policy for an interchange: its first message's
    agreement, else the partner's first inbound agreement of the standard."""
    inbound = [a for a in profile.agreements
               if a.direction is Direction.IN and a.standard == standard]
    chosen = next((a for m in messages for a in inbound if a.message == m),
                  inbound[0] if inbound else None)
    if chosen is None:
        return AckPolicy(), DuplicatePolicy(), None
    return chosen.ack, chosen.duplicates, chosen


@dataclass(slots=True)
class _Open:
    """An interchange being read."""

    position: int
    interchange: Interchange
    row_id: int
    partner: Profile | None
    reason: str
    duplicate: DuplicateAction | None = None
    duplicate_issue: Issue | None = None
    ack_policy: AckPolicy = field(default_factory=AckPolicy)
    agreement: Agreement | None = None
    skeleton: dict[int, list[Message]] = field(default_factory=dict)  # by group index
    message_issues: dict[int, list[Issue]] = field(default_factory=dict)
    statuses: list[str] = field(default_factory=list)


class _Run:
    """One processing of one file."""

    def __init__(self, gw: Gateway, file_id: int, channel_partner: str | None,
                 tolerance: Tolerance) -> None:
        self.gw = gw
        self.file_id = file_id
        self.channel_partner = channel_partner
        self.tolerance = tolerance
        self.outcome = FileOutcome(file_id, "", "")
        self.xml: FileReport | None = None  # an XML file's report, for its answer
        with gw.engine.connect() as conn:
            self.done = set(conn.execute(select(_MESSAGES.c.position).where(
                _MESSAGES.c.file_id == file_id)).scalars())

    # interchanges

    def open(self, ic: Interchange, position: int, first_messages: list[str]) -> _Open:
        senders, receivers = _envelope_keys(ic)
        found = route(self.gw, senders, receivers, self.channel_partner)
        now = self.gw.clock()
        control = ic.reference or None
        with self.gw.engine.begin() as conn:
            stmt = insert_for(conn, _INTERCHANGES).on_conflict_do_nothing(
                index_elements=["file_id", "position"]).returning(_INTERCHANGES.c.id)
            ident = conn.execute(stmt, {
                "file_id": self.file_id, "position": position, "standard": ic.standard,
                "sender": senders[0][:120] if senders else None,
                "receiver": receivers[0][:120] if receivers else None,
                "control": control[:35] if control else None,
                "partner_id": self.gw.partner_id(found.partner.name) if found.partner else None,
                "status": "reading", "detail": None, "issues": None}).scalar()
            if ident is None:
                ident = conn.execute(select(_INTERCHANGES.c.id).where(
                    _INTERCHANGES.c.file_id == self.file_id,
                    _INTERCHANGES.c.position == position)).scalar_one()
            state = _Open(position, ic, int(ident), found.partner, found.reason)
            if found.partner is not None:
                ack, duplicates, agreement = _policies(found.partner, ic.standard,
                                                       first_messages)
                state.ack_policy, state.agreement = ack, agreement
                if control and ic.header is not None:
                    self._dedupe(conn, state, sender=senders[0], control=control,
                                 policy=duplicates, now=now)
        return state

    def _dedupe(self, conn: Connection, state: _Open, *, sender: str, control: str,
                policy: DuplicatePolicy, now: datetime) -> None:
        """Claim (partner, sender, control number); the unique key decides."""
        assert state.partner is not None
        partner_id = self.gw.partner_id(state.partner.name)
        values = {"partner_id": partner_id, "sender": sender[:120], "control": control[:35],
                  "interchange_id": state.row_id, "seen_at": now}
        stmt = insert_for(conn, _KEYS).on_conflict_do_nothing(
            index_elements=["partner_id", "sender", "control"]).returning(_KEYS.c.id)
        if conn.execute(stmt, values).scalar() is not None:
            return
        match = (_KEYS.c.partner_id == partner_id, _KEYS.c.sender == values["sender"],
                 _KEYS.c.control == values["control"])
        first = conn.execute(select(_KEYS.c.interchange_id, _KEYS.c.seen_at).where(*match)).one()
        if first.interchange_id == state.row_id:
            return  # ours: claimed before a crash
        cutoff = now - timedelta(days=policy.window_days)
        taken = conn.execute(update(_KEYS).where(*match, _KEYS.c.seen_at < cutoff).values(
            interchange_id=state.row_id, seen_at=now).returning(_KEYS.c.id)).scalar()
        if taken is not None or policy.action is DuplicateAction.ACCEPT:
            return
        header = state.interchange.header
        assert header is not None
        state.duplicate = policy.action
        severity = Severity.ERROR if policy.action is DuplicateAction.REJECT else Severity.WARNING
        state.duplicate_issue = Issue.of(
            Code.DUPLICATE_REFERENCE,
            f"interchange {control} from {sender} was already received "
            f"(interchange #{first.interchange_id}, {first.seen_at:%Y-%m-%d %H:%M} UTC), "
            f"within the agreement's {policy.window_days} days",
            Location(interchange=control, segment=header.tag, line=header.line,
                     column=header.column), severity)

    def close(self, state: _Open, issues: list[Issue], fatal: bool, encoding: str) -> None:
        """The interchange has ended: its status, its acknowledgement, one commit."""
        now = self.gw.clock()
        all_issues = list(issues)
        if state.duplicate_issue is not None:
            all_issues.append(state.duplicate_issue)
        if state.partner is None:
            status, detail = InterchangeStatus.QUARANTINED, state.reason
        elif fatal or any(i.blocking for i in all_issues):
            status = InterchangeStatus.REJECTED
            blocking = next(i for i in all_issues if i.blocking)
            detail = f"rejected: {blocking.message}"
        elif state.duplicate is DuplicateAction.REJECT:
            status, detail = InterchangeStatus.DUPLICATE, str(state.duplicate_issue.message
                                                              if state.duplicate_issue else "")
        else:
            bad = [s for s in state.statuses if s in (MessageStatus.FAILED,
                                                      MessageStatus.QUARANTINED)]
            status = InterchangeStatus.ACCEPTED_WITH_ERRORS if bad or all_issues \
                else InterchangeStatus.ACCEPTED
            detail = f"{len(state.statuses)} messages" + (f", {len(bad)} not taken" if bad
                                                          else "")
        ack = AckResult(None, "no partner to answer")
        with self.gw.engine.begin() as conn:
            if state.partner is not None:
                answered = conn.execute(select(_INTERCHANGES.c.status).where(
                    _INTERCHANGES.c.id == state.row_id)).scalar_one()
                if answered == "reading":
                    ack = self._ack(conn, state, all_issues, encoding)
                else:
                    ack = AckResult(None, "answered before")
            conn.execute(update(_INTERCHANGES).where(_INTERCHANGES.c.id == state.row_id).values(
                status=status.value, detail=f"{detail}; {ack.reason}"[:4000],
                issues=issues_json(i for i in all_issues if i.blocking)))
            record(conn, "interchange", state.row_id, status, now, detail=f"{detail}; {ack.reason}",
                   issues=[i for i in all_issues if i.blocking])
        self.outcome.interchanges.append(InterchangeOutcome(
            state.position, status.value, detail, state.partner.name if state.partner else None,
            state.interchange.reference or None, ack.kind,
            [i for i in all_issues if i.blocking]))
        if ack.queued is not None:
            self.outcome.acks.append(ack.queued.id)

    def _ack(self, conn: Connection, state: _Open, issues: list[Issue],
             encoding: str) -> AckResult:
        assert state.partner is not None
        ic = state.interchange
        if self.xml is not None:
            try:
                with conn.begin_nested():
                    return build_xml_answer(conn, self.gw, state.partner.name, self.xml,
                                            policy=state.ack_policy, issues=issues,
                                            answers_id=state.row_id)
            except IntegrityError:
                return AckResult(None, "answered before")
        groups = []
        for index, group in enumerate(ic.groups):
            group.messages = state.skeleton.get(index, [])
            groups.append(group)
        plan: InterchangePlan = plan_interchange(ic, issues, state.message_issues)
        delimiters = state.agreement.delimiters if state.agreement else None
        try:
            with conn.begin_nested():
                return build_ack(conn, self.gw, state.partner.name, plan,
                                 policy=state.ack_policy, delimiters=delimiters,
                                 encoding=encoding, answers_id=state.row_id)
        except IntegrityError:
            return AckResult(None, "acknowledged before")

    # messages

    def prepare(self, state: _Open, event: MessageRead, position: int) -> _Pending | None:
        """Validate, route and map one message; None when it was stored before."""
        ic, group, message = event.interchange, event.group, event.message
        scope = Scope(ic.reference or None, group.reference or None, message.reference or None)
        issues, placed = check_message(message, Context(scope, ic.delimiters.decimal,
                                                        ic.standard), self.gw.schemas)
        issues = [*event.issues, *issues]
        index = ic.groups.index(group) if group in ic.groups else 0
        kept = message if issues else Message(message.header, [], message.trailer,
                                             type=message.type, version=message.version,
                                             reference=message.reference,
                                             subset=message.subset)
        state.skeleton.setdefault(index, []).append(kept)
        state.message_issues[id(kept)] = issues
        if position in self.done:
            state.statuses.append(MessageStatus.STORED.value)
            return None
        row = {"file_id": self.file_id, "position": position, "interchange_id": state.row_id,
               "interchange_ref": ic.reference or None, "group_ref": group.reference or None,
               "message_ref": message.reference or None, "message_type": message.type or "?",
               "version": message.version or None, "sender": ic.sender[0] or None,
               "receiver": ic.receiver[0] or None}
        outcome = MessageOutcome(position, message.type or "?", message.reference, None, None,
                                 "", "")
        pending = _Pending(outcome, row, None, None)
        blocking = [i for i in issues if i.blocking]
        agreement = state.partner.agreement(Direction.IN, ic.standard, message.type) \
            if state.partner is not None else None
        if state.partner is None:
            _settle(outcome, row, MessageStatus.QUARANTINED, state.reason)
        elif state.duplicate is DuplicateAction.REJECT:
            _settle(outcome, row, MessageStatus.DUPLICATE,
                    state.duplicate_issue.message if state.duplicate_issue else "duplicate")
        elif message.type in SERVICE_TYPES:
            _settle(outcome, row, MessageStatus.SKIPPED,
                    f"{message.type} is an acknowledgement, read not stored")
        elif blocking:
            outcome.issues = blocking
            _settle(outcome, row, MessageStatus.FAILED, f"not valid: {blocking[0].message}")
        elif agreement is None:
            _settle(outcome, row, MessageStatus.QUARANTINED,
                    f"no inbound agreement for {ic.standard} {message.type} with "
                    f"{state.partner.name}: add one to its profile, then reprocess")
        else:
            mappings = self.gw.sets.of(agreement.overlays)
            mapped = map_message(message, ic.standard, ic.delimiters.decimal, mappings, placed)
            self._document(pending, state.partner, mapped.document, mapped.issues)
            outcome.unread = mapped.unread
            row["unread_segments"] = json.dumps(mapped.unread)
        state.statuses.append(str(row.get("status") or MessageStatus.STORED.value))
        return pending

    def _document(self, pending: _Pending, partner: Profile, document: Any,
                  issues: list[Issue]) -> None:
        outcome, row = pending.outcome, pending.row
        if document is None:
            outcome.issues = issues
            reason = issues[0].message if issues else "no mapping"
            _settle(outcome, row, MessageStatus.FAILED, f"not mapped: {reason}")
            return
        outcome.document_type = document.type
        outcome.number = document.number
        row["document_type"] = document.type
        row["document_number"] = document.number
        unknown = self._issuer_problem(document, partner)
        if unknown:
            _settle(outcome, row, MessageStatus.QUARANTINED, unknown)
            return
        row["detail"] = f"{document.type.replace('_', ' ')} {document.number}: " \
            f"{len(getattr(document, 'lines', ()))} lines"
        pending.document = document
        pending.sender = party_key(partner.name)

    def _issuer_problem(self, document: Any, partner: Profile) -> str | None:
        """Why the document's issuer is not the partner it came from, or None."""
        party = issuer_party(document)
        keys = identity_keys(party) if party is not None else []
        if not keys:
            return None  # named by name alone, or not at all: the envelope's partner
        owners = {self.gw.profiles.by_identity.get(key) for key in keys} - {None}
        if partner.name in owners:
            return None
        if owners:
            return (f"the document names its issuer {keys[0]}, partner {sorted(owners)[0]}, "  # type: ignore[type-var]
                    f"but came from {partner.name}")
        ours = {i.key for i in partner.us}
        if any(key in ours for key in keys):
            return None
        return (f"the document's issuer {keys[0]} is no identity of {partner.name} (nor of "
                "any partner): add it to the profile, then reprocess")

    def store(self, pending: list[_Pending]) -> None:
        if not pending:
            return
        _store_batch(self.gw.engine, pending, self.tolerance)
        now = self.gw.clock()
        with self.gw.engine.begin() as conn:
            ids = dict(conn.execute(select(_MESSAGES.c.position, _MESSAGES.c.id).where(
                _MESSAGES.c.file_id == self.file_id, _MESSAGES.c.position.in_(
                    [p.outcome.position for p in pending]))).all())
            conn.execute(insert(table_changes()), [
                {"subject": "message", "subject_id": ids[p.outcome.position],
                 "status": p.outcome.status, "at": now, "detail": p.outcome.detail[:4000],
                 "issues": issues_json(p.outcome.issues)} for p in pending])
        self.outcome.messages.extend(p.outcome for p in pending)
        pending.clear()


def table_changes() -> Any:
    from gateway.traffic.models import StateChange  # noqa: PLC0415

    return table(StateChange)


def _edi(run: _Run, data: bytes) -> None:
    state: _Open | None = None
    position = 0
    count = 0
    pending: list[_Pending] = []
    encoding = detect(data[:65536]).encoding
    for event in stream(io.BytesIO(data)):
        if isinstance(event, FileProblem):
            run.outcome.issues.extend(event.issues)
            continue
        if isinstance(event, MessageRead):
            if state is None or state.interchange is not event.interchange:
                count += 1
                state = run.open(event.interchange, count, [event.message.type])
            position += 1
            item = run.prepare(state, event, position)
            if item is not None:
                pending.append(item)
            if len(pending) >= run.gw.batch:
                run.store(pending)
            continue
        # InterchangeRead: the interchange has ended.
        run.store(pending)
        if state is None or state.interchange is not event.interchange:
            count += 1
            state = run.open(event.interchange, count, [])
        run.close(state, event.issues, event.fatal, encoding)
        run.outcome.issues.extend(event.issues)
        state = None
    run.store(pending)


def _xml(run: _Run, data: bytes) -> None:
    # XML partners expect the checks of their own networks: schema, Schematron, and
    # the guide rules the gateway is given (those of EDI messages come the same way).
    report = inspect(data, level=Level.RULES, schemas=run.gw.schemas)
    run.xml = report
    run.outcome.issues.extend(report.issues)
    doc = report.xml.document if report.xml is not None else None
    gw = run.gw
    partner = gw.profile(run.channel_partner)
    blocking = [i for i in report.issues if i.blocking]
    reason = ""
    document = None
    mapped_issues: list[Issue] = []
    if doc is not None and partner is None:
        # No channel partner: route by the document's issuer.
        found = documents(report, gw.sets.of(None))
        party = issuer_party(found[0].document) if found and found[0].document else None
        keys = identity_keys(party) if party is not None else []
        partner = next((p for k in keys if (p := gw.profiles.partner_of(k))), None)
        if partner is None:
            reason = (f"no partner profile has the issuer's identity "
                      f"{keys[0] if keys else '(none named)'}")
    agreement = partner.agreement(Direction.IN, str(doc.family), doc.type) \
        if partner is not None and doc is not None else None
    if partner is not None and doc is not None and agreement is not None and not blocking:
        found = documents(report, gw.sets.of(agreement.overlays))
        if found:
            document, mapped_issues = found[0].document, found[0].issues
    ic = Interchange(str(doc.family) if doc else "xml", _NO_DELIMITERS, None)
    with gw.engine.begin() as conn:
        stmt = insert_for(conn, _INTERCHANGES).on_conflict_do_nothing(
            index_elements=["file_id", "position"]).returning(_INTERCHANGES.c.id)
        ident = conn.execute(stmt, {
            "file_id": run.file_id, "position": 1, "standard": ic.standard,
            "sender": None, "receiver": None,
            "control": doc.reference[:35] if doc and doc.reference else None,
            "partner_id": gw.partner_id(partner.name) if partner else None,
            "status": "reading", "detail": None, "issues": None}).scalar()
        if ident is None:
            ident = conn.execute(select(_INTERCHANGES.c.id).where(
                _INTERCHANGES.c.file_id == run.file_id, _INTERCHANGES.c.position == 1)
            ).scalar_one()
    state = _Open(1, ic, int(ident), partner, reason)
    if partner is not None:
        state.ack_policy, _, state.agreement = _policies(
            partner, str(doc.family) if doc else "", [doc.type] if doc else [])
    if partner is not None and doc is not None and agreement is None and not blocking:
        state.partner = None
        state.reason = (f"no inbound agreement for {doc.family} {doc.type} with "
                        f"{partner.name}: add one to its profile, then reprocess")
    if doc is None and not blocking:
        state.partner, state.reason = None, "not a document the gateway reads"
    if doc is not None and 1 not in run.done:
        row = {"file_id": run.file_id, "position": 1, "interchange_id": state.row_id,
               "interchange_ref": None, "group_ref": None,
               "message_ref": doc.reference or None, "message_type": doc.type,
               "version": doc.version or None, "sender": None, "receiver": None}
        outcome = MessageOutcome(1, doc.type, doc.reference, None, None, "", "")
        pending = _Pending(outcome, row, None, None)
        if state.partner is None:
            _settle(outcome, row, MessageStatus.QUARANTINED, state.reason)
        elif blocking:
            outcome.issues = blocking
            _settle(outcome, row, MessageStatus.FAILED, f"not valid: {blocking[0].message}")
        else:
            run._document(pending, state.partner, document, mapped_issues)
            if outcome.status == MessageStatus.QUARANTINED:
                state.partner, state.reason = None, outcome.detail
        state.statuses.append(str(row.get("status") or MessageStatus.STORED.value))
        run.store([pending])
    elif doc is not None:
        state.statuses.append(MessageStatus.STORED.value)
    run.close(state, blocking, bool(blocking), "utf-8")


_NO_DELIMITERS = __import__("gateway.edi.delimiters", fromlist=["X12_DEFAULT"]).X12_DEFAULT


def _finish(conn: Connection, gw: Gateway, file_id: int, *, old: str, outcome: FileOutcome,
            detection: Detection | None) -> None:
    statuses = [i.status for i in outcome.interchanges]
    messages = [m.status for m in outcome.messages]
    if detection is not None and detection.standard == UNKNOWN:
        status = FileStatus.REJECTED
        detail = detection.issues[0].message if detection.issues else "unreadable"
    elif not statuses:
        status = FileStatus.REJECTED
        first = next((i for i in outcome.issues if i.blocking), None)
        detail = f"nothing could be read: {first.message}" if first else "no interchange in it"
    elif InterchangeStatus.QUARANTINED in statuses or MessageStatus.QUARANTINED in messages:
        status = FileStatus.QUARANTINED
        why = next((i.detail for i in outcome.interchanges
                    if i.status == InterchangeStatus.QUARANTINED), None) or next(
            (m.detail for m in outcome.messages if m.status == MessageStatus.QUARANTINED), "")
        detail = f"quarantined: {why}"
    else:
        status = FileStatus.PROCESSED
        counts: dict[str, int] = {}
        for s in statuses:
            counts[s] = counts.get(s, 0) + 1
        detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + " interchanges"
    check(FILE_TRANSITIONS, old, status)
    conn.execute(update(_FILES).where(_FILES.c.id == file_id).values(
        status=status.value, detail=detail[:4000]))
    record(conn, "file", file_id, status, gw.clock(), detail=detail,
           issues=[i for i in outcome.issues if i.blocking][:50])
    outcome.status, outcome.detail = status.value, detail


def _partner_name(gw: Gateway, partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    return next((p.name for p in gw.profiles if gw.partner_id(p.name) == partner_id), None)


def process(gw: Gateway, file_id: int, *, claim: Connection | None = None,
            tolerance: Tolerance | None = None) -> FileOutcome:
    """Take one received file through steps 2 to 9; see the module docstring. ``claim``
    is the connection whose transaction holds the file's row lock: the file's final
    status is written in it (the caller commits)."""
    with gw.engine.connect() as conn:
        row = conn.execute(select(_FILES).where(_FILES.c.id == file_id)).mappings().one()
    run = _Run(gw, file_id, _partner_name(gw, row["partner_id"]), tolerance or Tolerance())
    if row["status"] != FileStatus.RECEIVED or row["archive_key"] is None:
        run.outcome.status, run.outcome.detail = row["status"], row["detail"] or ""
        return run.outcome
    data = gw.archive.get(row["archive_key"])
    detection = detect(data)
    if detection.standard == XML:
        _xml(run, data)
    elif detection.standard != UNKNOWN:
        _edi(run, data)
    if claim is not None:
        _finish(claim, gw, file_id, old=row["status"], outcome=run.outcome,
                detection=detection)
    else:
        with gw.engine.begin() as conn:
            _finish(conn, gw, file_id, old=row["status"], outcome=run.outcome,
                    detection=detection)
    return run.outcome


def received_files(gw: Gateway, limit: int = 100) -> list[int]:
    with gw.engine.connect() as conn:
        return [int(i) for i in conn.execute(
            select(_FILES.c.id).where(_FILES.c.status == FileStatus.RECEIVED.value,
                                      _FILES.c.archive_key.is_not(None))
            .order_by(_FILES.c.id).limit(limit)).scalars()]


def _next_received(claim: Connection, file_id: int | None = None) -> int | None:
    query = select(_FILES.c.id).where(_FILES.c.status == FileStatus.RECEIVED.value,
                                      _FILES.c.archive_key.is_not(None))
    if file_id is not None:
        query = query.where(_FILES.c.id == file_id)
    query = query.order_by(_FILES.c.id).limit(1)
    if claim.dialect.name == "postgresql":
        # NO KEY UPDATE: the file's rows may still be inserted (their foreign keys take
        # KEY SHARE) while the claim holds it. SKIP LOCKED when looking for work; a
        # named file is waited for, then found processed.
        query = query.with_for_update(skip_locked=file_id is None, key_share=True)
    found = claim.execute(query).scalar()
    return int(found) if found is not None else None


def _claim_one(gw: Gateway, file_id: int | None) -> tuple[bool, FileOutcome | None]:
    """Claim a received file (the next one, or ``file_id``) and process it; (found,
    outcome). On PostgreSQL the row lock is held in a transaction of its own until
    the file's final status is written in it; on SQLite the service's lock."""
    if gw.engine.dialect.name != "postgresql":
        with gw.processing, gw.engine.connect() as conn:
            found = _next_received(conn, file_id)
            conn.rollback()
            return (False, None) if found is None else (True, process(gw, found))
    with gw.engine.connect() as claim:
        transaction = claim.begin()
        found = _next_received(claim, file_id)
        if found is None:
            transaction.rollback()
            return False, None
        try:
            outcome = process(gw, found, claim=claim)
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()
        return True, outcome


def claimed(gw: Gateway) -> Iterator[FileOutcome]:
    """Process received files one at a time, each claimed so that several processes on
    one PostgreSQL database take each exactly once (``FOR NO KEY UPDATE SKIP LOCKED``,
    held while the file is processed: a process that dies lets go of it)."""
    while True:
        found, outcome = _claim_one(gw, None)
        if not found:
            return
        if outcome is not None:
            yield outcome


def claim_and_process(gw: Gateway, file_id: int) -> FileOutcome | None:
    """Process one named file unless another thread or process already did."""
    return _claim_one(gw, file_id)[1]


def reprocess(gw: Gateway, file_id: int) -> None:
    """Make a quarantined, rejected or processed file ``received`` again, dropping what
    its earlier processing left that did not become business rows (quarantined
    messages and unanswered interchanges), so the next processing takes it afresh
    from the archive."""
    now = gw.clock()
    with gw.engine.begin() as conn:
        status = conn.execute(select(_FILES.c.status).where(_FILES.c.id == file_id)
                              ).scalar_one()
        check(FILE_TRANSITIONS, status, FileStatus.RECEIVED)
        conn.execute(delete(_MESSAGES).where(_MESSAGES.c.file_id == file_id,
                                             _MESSAGES.c.status.in_(
                                                 [MessageStatus.QUARANTINED.value])))
        conn.execute(update(_INTERCHANGES).where(
            _INTERCHANGES.c.file_id == file_id,
            _INTERCHANGES.c.status == InterchangeStatus.QUARANTINED.value).values(
                status="reading"))
        conn.execute(update(_FILES).where(_FILES.c.id == file_id).values(
            status=FileStatus.RECEIVED.value, detail="taken again from the archive"))
        record(conn, "file", file_id, FileStatus.RECEIVED, now, detail="reprocess: taken again "
               "from the archive")


def file_summary(gw: Gateway, file_id: int) -> dict[str, Any]:
    with gw.engine.connect() as conn:
        row = conn.execute(select(_FILES).where(_FILES.c.id == file_id)).mappings().one()
        ics = conn.execute(select(_INTERCHANGES).where(_INTERCHANGES.c.file_id == file_id)
                           .order_by(_INTERCHANGES.c.position)).mappings().all()
    return {"file": file_id, "name": row["name"], "status": row["status"],
            "detail": row["detail"],
            "interchanges": [{"position": i["position"], "status": i["status"],
                              "detail": i["detail"],
                              "issues": json.loads(i["issues"]) if i["issues"] else []}
                             for i in ics]}


def file_answer(gw: Gateway, file_id: int) -> dict[str, Any]:
    """What became of a file, from the tables: its status, each interchange's with its
    issues, each message's, and the acknowledgements that answer it (their text)."""
    from gateway.traffic.models import OutboundFile  # noqa: PLC0415

    outbound = table(OutboundFile)
    summary = file_summary(gw, file_id)
    with gw.engine.connect() as conn:
        messages = conn.execute(select(
            _MESSAGES.c.position, _MESSAGES.c.message_type, _MESSAGES.c.message_ref,
            _MESSAGES.c.document_type, _MESSAGES.c.document_number, _MESSAGES.c.status,
            _MESSAGES.c.detail).where(_MESSAGES.c.file_id == file_id)
            .order_by(_MESSAGES.c.position)).mappings().all()
        acks = conn.execute(select(outbound.c.kind, outbound.c.name, outbound.c.archive_key,
                                   outbound.c.status).join(
            _INTERCHANGES, _INTERCHANGES.c.id == outbound.c.answers_id).where(
            _INTERCHANGES.c.file_id == file_id).order_by(outbound.c.id)).mappings().all()
    summary["messages"] = [dict(m) for m in messages]
    summary["acknowledgements"] = [
        {"kind": a["kind"], "name": a["name"], "status": a["status"],
         "text": gw.archive.get(a["archive_key"]).decode("latin-1")} for a in acks]
    return summary
