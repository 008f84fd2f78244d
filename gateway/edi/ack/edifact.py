"""EDIFACT CONTRL: the syntax and service report, built from a plan.

UCI answers the interchange, UCF each group, UCM each message, UCS and UCD the
segments and data elements in error. Action codes (0083): 7 acknowledged, 4
rejected. The CONTRL follows the inbound syntax version (CONTRL D:3 for
syntax 1-3, 4:1 for syntax 4) and, for EANCOM partners, carries EAN002. Its
envelope mirrors the inbound one, sender and recipient swapped. Pure.
"""

from __future__ import annotations

from gateway.edi.ack.plan import (
    MAX_SEGMENT_REPORTS,
    AckOptions,
    Finding,
    InterchangePlan,
    MessagePlan,
    Status,
)
from gateway.edi.issues import Code
from gateway.edi.tree import Group, Interchange, Message, Segment

ACKNOWLEDGED, REJECTED = "7", "4"
MAX_UCD = 99


_HEADER_OF = {"UNT": "UNH", "UNE": "UNG", "UNZ": "UNB"}


def _action(status: Status) -> str:
    return REJECTED if status is Status.REJECTED else ACKNOWLEDGED


def _first(findings: list[Finding]) -> Finding | None:
    return next((f for f in findings if f.codes.contrl), None)


def _error_fields(finding: Finding | None) -> list[str | list[str]]:
    """0085, 0013 and S011 of a UCI/UCF/UCM, for the first coded finding."""
    if finding is None:
        return []
    loc = finding.issue.location
    tag = loc.segment or ""
    if finding.issue.code is Code.MISSING_HEADER:
        tag = _HEADER_OF.get(tag, tag)  # the segment missing, not the one that found it
    fields: list[str | list[str]] = [finding.codes.contrl or "", tag]
    if loc.element is not None:
        fields.append([str(loc.element), *([str(loc.component)] if loc.component else [])])
    return fields


def _segment_errors(mplan: MessagePlan) -> list[Segment]:
    out: list[Segment] = []
    for report in mplan.segments[:MAX_SEGMENT_REPORTS]:
        seg_finding = _first(report.segment)
        out.append(Segment.of("UCS", str(report.position),
                              *([seg_finding.codes.contrl or ""] if seg_finding else [])))
        for finding in report.elements[:MAX_UCD]:
            if not finding.codes.contrl:
                continue
            loc = finding.issue.location
            element = [str(loc.element or 1)]
            if loc.component:
                element.append(str(loc.component))
            out.append(Segment.of("UCD", finding.codes.contrl, element))
    return out


def _message_response(mplan: MessagePlan) -> list[Segment]:
    header = mplan.message.header
    ref = mplan.message.reference or (header.get(1) if header else "")
    identifier = header.composite(2) if header is not None else [mplan.message.type]
    ucm = Segment.of("UCM", ref, identifier, _action(mplan.status),
                     *_error_fields(_first(mplan.findings)))
    return [ucm, *_segment_errors(mplan)]


def build(plan: InterchangePlan, options: AckOptions) -> Interchange | None:
    """The CONTRL interchange, or ``None`` when there is no UNB to answer."""
    inbound = plan.interchange
    unb = inbound.header
    if unb is None or unb.tag != "UNB":
        return None
    d = options.delimiters or inbound.delimiters
    syntax = unb.get(1, 2) or "3"
    identifier = ["CONTRL", "4", "1", "UN"] if syntax == "4" else ["CONTRL", "D", "3", "UN"]
    if any(m.message.subset.startswith("EAN") for m in plan.messages()):
        identifier.append("EAN002")
    now = options.now
    header = Segment.of(
        "UNB", unb.composite(1), unb.composite(3), unb.composite(2),
        [now.strftime("%y%m%d") if syntax != "4" else now.strftime("%Y%m%d"),
         now.strftime("%H%M")],
        str(options.interchange_control),
    )
    body: list[Segment] = [Segment.of(
        "UCI", unb.get(5), unb.composite(2), unb.composite(3), _action(plan.status),
        *_error_fields(_first(plan.findings)))]
    if plan.status is not Status.REJECTED:
        for gplan in plan.groups:
            if gplan.group.header is not None:
                ung = gplan.group.header
                body.append(Segment.of("UCF", ung.get(5), ung.composite(2), ung.composite(3),
                                       _action(gplan.status),
                                       *_error_fields(_first(gplan.findings))))
            for mplan in gplan.messages:
                body.extend(_message_response(mplan))
    reference = str(options.set_control)
    body = [seg.trimmed() for seg in body]
    message = Message(Segment.of("UNH", reference, identifier), body, None,
                      type="CONTRL", reference=reference)
    service = inbound.service_string if options.delimiters is None else None
    return Interchange("edifact", d, header, [Group(None, [message])],
                       service_string=service, line_ending=inbound.line_ending)
