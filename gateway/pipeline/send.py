"""Sending a business document to a partner: the one call the command line, the REST
API and the extranet make.

:func:`send_from_order` composes an order response, a despatch advice or an
invoice from a purchase order the partner sent us
(:mod:`gateway.pipeline.documents`), and :func:`queue_document` takes any
canonical document (one of these, or what planning hands over): it finds the
partner's outbound agreement whose mapping writes that kind of document,
renders it in the agreement's standard, version, delimiters, character set and
envelope with control numbers from the traffic tables
(:mod:`gateway.pipeline.render`), and queues it on the outbound queue
(:mod:`gateway.pipeline.outbound`) with the acknowledgement the agreement
expects back. The queue archives the bytes and the send job delivers them on
the partner's channel. Everything happens in one transaction: a document that
cannot be written leaves no row, no archived reference and no control number
used. Problems the caller can fix (no such order, no agreement) are
:class:`~gateway.errors.UsageError` values with a plain message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from gateway.db.base import table
from gateway.documents.common import Model
from gateway.errors import UsageError
from gateway.mapping.registry import AnyOutbound
from gateway.partners.profile import Agreement, Direction, Profile
from gateway.pipeline.context import Gateway
from gateway.pipeline.documents import Kind, compose, load_order
from gateway.pipeline.outbound import Expected, queue
from gateway.pipeline.render import Target, render
from gateway.traffic.models import OutboundFile

_OUTBOUND = table(OutboundFile)


@dataclass(frozen=True, slots=True)
class SendResult:
    """A document queued for a partner."""

    outbound_id: int
    partner: str
    document_type: str
    number: str
    standard: str
    message: str  # "855", "ORDRSP", "OrderResponse"
    name: str  # the file name it is sent under
    control: str

    def to_json(self) -> dict[str, object]:
        return {"outbound": self.outbound_id, "partner": self.partner,
                "document": self.document_type, "number": self.number,
                "standard": self.standard, "message": self.message, "name": self.name,
                "control": self.control}


def profile_of(gw: Gateway, partner: str) -> Profile:
    found = gw.profile(partner)
    if found is None:
        known = ", ".join(sorted(p.name for p in gw.profiles)) or "none"
        raise UsageError(f"no partner {partner!r} (profiles: {known})")
    return found


def agreement_for(gw: Gateway, profile: Profile,
                  document_type: str) -> tuple[Agreement, AnyOutbound]:
    """The partner's outbound agreement whose mapping writes ``document_type``."""
    for agreement in profile.agreements:
        if agreement.direction is not Direction.OUT:
            continue
        mapping = gw.sets.outbound(agreement)
        if mapping is not None and mapping.document == document_type:
            return agreement, mapping
    raise UsageError(f"{profile.name} has no outbound agreement whose mapping writes "
                     f"{document_type.replace('_', ' ')}s: add one to its profile")


def queue_document(conn: Connection, gw: Gateway, partner: str, document: Model,
                   now: datetime | None = None) -> SendResult:
    """Render ``document`` for ``partner`` and queue it, in the caller's transaction."""
    profile = profile_of(gw, partner)
    document_type = str(getattr(document, "type", ""))
    number = str(getattr(document, "number", ""))
    agreement, mapping = agreement_for(gw, profile, document_type)
    partner_id = gw.partner_id(partner)
    rendered = render(conn, Target(partner_id, profile, agreement, mapping), document,
                      now or gw.clock())
    expect = Expected(agreement.ack.expect.value, agreement.ack.within_hours) \
        if agreement.ack.expect is not None else None
    queued = queue(conn, gw, partner, kind=mapping.message, standard=agreement.standard,
                   data=rendered.data, name=rendered.name, control=rendered.control,
                   group_controls=rendered.group_controls, document=(document_type, number),
                   expect=expect)
    return SendResult(queued.id, partner, document_type, number, agreement.standard,
                      mapping.message, rendered.name, rendered.control)


def next_number(conn: Connection, gw: Gateway, partner: str, kind: Kind,
                order_number: str) -> str:
    """``ORDER-N``: the order's number and how many documents of the kind were sent for
    it before, plus one."""
    prefix = f"{order_number}-"
    sent = conn.execute(select(func.count()).where(
        _OUTBOUND.c.partner_id == gw.partner_id(partner),
        _OUTBOUND.c.document_type == kind.document_type,
        _OUTBOUND.c.document_number.like(prefix.replace("%", r"\%") + "%", escape="\\"))
    ).scalar_one()
    return f"{prefix}{int(sent) + 1}"


def send_from_order(gw: Gateway, partner: str, kind: Kind | str, order_number: str, *,
                    number: str | None = None) -> SendResult:
    """Compose ``kind`` for the purchase order ``order_number`` that ``partner`` sent,
    and queue it; one transaction. ``number``: the document's own number (default
    ``ORDER-N``)."""
    kind = Kind(kind)
    profile = profile_of(gw, partner)
    agreement_for(gw, profile, kind.document_type)  # before the order: the first thing to fix
    now = gw.clock()
    with gw.engine.begin() as conn:
        order = load_order(conn, profile, order_number)
        chosen = number or next_number(conn, gw, partner, kind, order.number)
        document = compose(kind, order, profile, number=chosen, today=now.date())
        return queue_document(conn, gw, partner, document, now)
