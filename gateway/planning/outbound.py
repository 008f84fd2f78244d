"""The documents planning sends to partners, and their hand-over to the outbound flow.

Planning produces canonical documents (a purchase order from an approved
proposal, the agreed order forecast, exception notifications), renders each in
the partner's standard through the existing outbound mappings and writers
(X12 850/830, EDIFACT ORDERS/DELFOR, UBL Order/Forecast/ExceptionNotification)
and stores both, status ``ready``. Sending them is the outbound flow's work:
:func:`hand_over` is the one call it makes, in its own transaction, to take
every ready document (canonical form, partner, rendering) and mark it taken;
:func:`give_back` makes ready again what it could not send. The outbound flow
(:mod:`gateway.pipeline.planned`) renders each again for the partner's profile
and sends it through the outbound queue.
The rendering's envelope carries the document's row id as control number and
the time of production; the outbound flow allocates its own numbers when it
renders for a partner's profile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gateway.db.base import table
from gateway.documents.common import Model, Party, PartyRole
from gateway.documents.models import DOCUMENT_TYPES
from gateway.mapping.convert import DEFAULT_VERSIONS, EnvelopeOptions, to_edifact, to_x12, to_xml
from gateway.mapping.registry import Mappings
from gateway.planning.models import DocumentStatus, PlanningDocument

_DOCUMENTS = table(PlanningDocument)
STANDARDS = ("x12", "edifact", "ubl")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A document planning produced, as the outbound flow takes it."""

    id: int
    document_type: str
    number: str
    partner_key: str | None
    standard: str
    version: str
    document: Model
    rendered: bytes


def _identity(party: Party | None) -> tuple[str | None, str | None]:
    """An envelope id and its X12 qualifier (14 GLN, 01 DUNS)."""
    if party is None:
        return None, None
    if party.gln:
        return party.gln, "14"
    if party.duns:
        return party.duns, "01"
    return None, None


def render(document: Any, standard: str, mappings: Mappings, *, now: datetime,
           control: int, sender: Party | None, receiver: Party | None) -> tuple[str, bytes]:
    """The document in ``standard`` (x12, edifact, ubl): its version and bytes."""
    if standard not in STANDARDS:
        raise ValueError(f"planning writes x12, edifact or ubl, not {standard!r}")
    version = DEFAULT_VERSIONS[standard]
    if standard == "ubl":
        return version, to_xml(document, mappings, "ubl", version)
    sender_id, qualifier = _identity(sender)
    receiver_id, receiver_qualifier = _identity(receiver)
    if standard == "edifact":
        qualifier, receiver_qualifier = ("14" if qualifier == "14" else "ZZ",
                                         "14" if receiver_qualifier == "14" else "ZZ")
    options = EnvelopeOptions(now=now, control=control, sender=sender_id,
                              receiver=receiver_id, qualifier=qualifier,
                              receiver_qualifier=receiver_qualifier)
    writer = to_x12 if standard == "x12" else to_edifact
    return version, writer([document], mappings, version, options)


def store(session: Session, document: Any, *, standard: str, mappings: Mappings,
          now: datetime, partner_key: str | None, proposal_id: int | None = None,
          sender: Party | None = None, receiver: Party | None = None) -> int:
    """Render and keep a document for the outbound flow; its row id."""
    document_id = int(session.execute(insert(_DOCUMENTS).returning(_DOCUMENTS.c.id), {
        "document_type": document.type, "number": document.number,
        "partner_key": partner_key, "standard": standard, "version": "",
        "document": document.model_dump_json(exclude_none=True), "rendered": b"",
        "proposal_id": proposal_id, "status": DocumentStatus.READY.value,
        "created_at": now}).scalar_one())
    version, rendered = render(document, standard, mappings, now=now, control=document_id,
                               sender=sender, receiver=receiver)
    session.execute(update(_DOCUMENTS).where(_DOCUMENTS.c.id == document_id)
                    .values(version=version, rendered=rendered))
    return document_id


def _outgoing(row: Any) -> Outgoing:
    data = json.loads(row.document)
    document = DOCUMENT_TYPES[data["type"]].model_validate(data)
    return Outgoing(row.id, row.document_type, row.number, row.partner_key, row.standard,
                    row.version, document, bytes(row.rendered))


def documents(session: Session, *, status: DocumentStatus | None = None,
              proposal_id: int | None = None) -> list[Outgoing]:
    stmt = select(_DOCUMENTS).order_by(_DOCUMENTS.c.id)
    if status is not None:
        stmt = stmt.where(_DOCUMENTS.c.status == status.value)
    if proposal_id is not None:
        stmt = stmt.where(_DOCUMENTS.c.proposal_id == proposal_id)
    return [_outgoing(row) for row in session.execute(stmt)]


def hand_over(session: Session, limit: int | None = None) -> list[Outgoing]:
    """Take the ready documents for sending: returned and marked handed over in the
    caller's transaction. Rows another transaction holds are skipped (PostgreSQL's
    SKIP LOCKED), so two senders never take the same document."""
    stmt = select(_DOCUMENTS).where(_DOCUMENTS.c.status == DocumentStatus.READY.value) \
        .order_by(_DOCUMENTS.c.id).limit(limit).with_for_update(skip_locked=True)
    taken = [_outgoing(row) for row in session.execute(stmt)]
    if taken:
        session.execute(update(_DOCUMENTS)
                        .where(_DOCUMENTS.c.id.in_([t.id for t in taken]))
                        .values(status=DocumentStatus.HANDED_OVER.value))
    return taken


def give_back(session: Session, ids: list[int]) -> None:
    """Documents handed over that the outbound flow could not send (no partner takes
    them yet): ready again, in the caller's transaction, for the next hand-over."""
    if ids:
        session.execute(update(_DOCUMENTS).where(_DOCUMENTS.c.id.in_(ids))
                        .values(status=DocumentStatus.READY.value))


def party(role: PartyRole, row: Any | None, gln: str | None = None,
          name: str | None = None) -> Party | None:
    """A document party from a trading party row (or a bare GLN)."""
    if row is None:
        return Party(role=role, gln=gln, name=name) if gln else None
    return Party(role=role, gln=row.gln, duns=row.duns, name=row.name)
