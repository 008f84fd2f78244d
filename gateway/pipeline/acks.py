"""Step 9: the acknowledgement an agreement asks for, numbered and queued.

The plan (what to say) comes from :mod:`gateway.edi.ack.plan`; the builders in
:mod:`gateway.edi.ack` write it. This step chooses the kind from the agreement
(997, 999, TA1, CONTRL), allocates its control numbers in the caller's
transaction, writes the bytes and hands them to the outbound queue, which
archives them. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection

from gateway.edi.ack import edifact as contrl
from gateway.edi.ack import x12
from gateway.edi.ack.plan import AckOptions, InterchangePlan, Status
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Issue
from gateway.edi.report import FileReport
from gateway.edi.tree import Interchange
from gateway.edi.writer import write
from gateway.errors import UsageError, WriteError
from gateway.partners.profile import AckKind, AckPolicy, OutboundDelimiters
from gateway.pipeline.context import Gateway
from gateway.pipeline.outbound import Queued, queue
from gateway.traffic.control_numbers import Scope, allocate

ACKNOWLEDGEMENTS = frozenset({"997", "999", "CONTRL"})


@dataclass(frozen=True, slots=True)
class AckResult:
    kind: str | None  # "997", "TA1", "CONTRL"; None when none was due or possible
    reason: str  # why none, or what was queued
    queued: Queued | None = None


def _delimiters(chosen: OutboundDelimiters | None, inbound: Delimiters) -> Delimiters | None:
    if chosen is None:
        return None
    return Delimiters(segment=chosen.segment, element=chosen.element,
                      component=chosen.component, repetition=chosen.repetition,
                      release=chosen.release, decimal=inbound.decimal)


def build_ack(conn: Connection, gw: Gateway, partner: str, plan: InterchangePlan, *,
              policy: AckPolicy, delimiters: OutboundDelimiters | None, encoding: str,
              answers_id: int) -> AckResult:
    """Build, number and queue the acknowledgement ``policy`` asks for, answering the
    inbound interchange row ``answers_id``."""
    inbound = plan.interchange
    kinds = set(policy.send)
    if not kinds:
        return AckResult(None, "the agreement asks for no acknowledgement")
    if inbound.header is None:
        return AckResult(None, "the interchange has no readable header to answer")
    messages = plan.messages()
    if messages and all(m.message.type in ACKNOWLEDGEMENTS for m in messages) and \
            plan.status is not Status.REJECTED:
        # X12 does not acknowledge a 997/999 group, nor EDIFACT a CONTRL: answering
        # one would start an endless exchange. It is reconciled instead.
        return AckResult(None, "an acknowledgement is not acknowledged")
    partner_id = gw.partner_id(partner)
    now = gw.clock()
    chosen = _delimiters(delimiters, inbound.delimiters)
    if inbound.standard == "edifact":
        if AckKind.CONTRL not in kinds:
            return AckResult(None, "the agreement asks for no CONTRL")
        options = AckOptions(now=now, interchange_control=allocate(conn, partner_id, Scope.UNB),
                             set_control=allocate(conn, partner_id, Scope.UNH),
                             delimiters=chosen)
        built = contrl.build(plan, options)
        kind = AckKind.CONTRL.value
    else:
        functional = next((k for k in (AckKind.X999, AckKind.X997) if k in kinds), None)
        groups = sum(g.group.header is not None for g in plan.groups)
        options = AckOptions(now=now, interchange_control=allocate(conn, partner_id, Scope.ISA),
                             delimiters=chosen)
        if functional is not None and groups:
            options = replace(options, group_control=allocate(conn, partner_id, Scope.GS),
                              set_control=allocate(conn, partner_id, Scope.ST))
            for _ in range(groups - 1):  # contiguous: the counter row is ours until commit
                allocate(conn, partner_id, Scope.ST)
        built = x12.build(plan, (functional or AckKind.X997).value, options)
        if built is not None:
            built = _ta1_as_agreed(built, plan, kinds, functional)
        kind = (functional or AckKind.TA1).value
        if built is not None and not built.groups:
            kind = AckKind.TA1.value
    if built is None:
        return AckResult(None, "the interchange has no readable header to answer")
    if not built.groups and not built.interchange_segments:
        return AckResult(None, "nothing to acknowledge")
    try:
        data = write([built], encoding=encoding)
    except WriteError as err:
        return AckResult(None, f"the acknowledgement cannot be written: {err}")
    control = built.reference
    groups_numbers = ",".join(g.reference for g in built.groups if g.header is not None)
    suffix = "edi" if inbound.standard == "edifact" else "x12"
    queued = queue(conn, gw, partner, kind=kind, standard=inbound.standard, data=data,
                   name=f"{kind}_{partner}_{control}.{suffix}", control=control,
                   group_controls=groups_numbers or None, answers_id=answers_id)
    return AckResult(kind, f"{kind} {control} queued", queued)


def _ta1_as_agreed(built: Interchange, plan: InterchangePlan, kinds: set[AckKind],
                   functional: AckKind | None) -> Interchange:
    """A TA1 when the agreement asks for one always (beside or instead of the 997/999);
    without it the builder adds one where the standard wants it (ISA14 = 1, or
    envelope errors)."""
    if functional is None:
        built.groups = []
    if AckKind.TA1 in kinds and not built.interchange_segments:
        built.interchange_segments.append(x12.ta1(plan))
    return built


def build_xml_answer(conn: Connection, gw: Gateway, partner: str, report: FileReport, *,
                     policy: AckPolicy, issues: list[Issue], answers_id: int) -> AckResult:
    """The XML answer the agreement asks for (a Peppol MLR for UBL, a cXML Response),
    numbered and queued."""
    from gateway.edi.ack.xml_answers import AnswerKind, answer  # noqa: PLC0415  # lxml

    kinds = {AckKind.MLR: AnswerKind.MLR, AckKind.CXML_RESPONSE: AnswerKind.CXML_RESPONSE}
    wanted = next((kinds[k] for k in policy.send if k in kinds), None)
    if wanted is None:
        return AckResult(None, "the agreement asks for no acknowledgement")
    xml = report.xml
    if xml is None or xml.document is None or xml.root is None:
        return AckResult(None, "the document cannot be read far enough to be answered")
    number = allocate(conn, gw.partner_id(partner), Scope.XML)
    try:
        data = answer(xml.document, xml.root, issues, wanted, now=gw.clock(), number=number)
    except UsageError as err:
        return AckResult(None, f"no answer: {err}")
    kind = next(k.value for k in policy.send if k in kinds)
    queued = queue(conn, gw, partner, kind=kind, standard=xml.document.family, data=data,
                   name=f"{kind}_{partner}_{number}.xml", control=str(number),
                   answers_id=answers_id)
    return AckResult(kind, f"{kind} {number} queued", queued)
