"""Reading acknowledgements received: which interchange, group and message a
997, 999, TA1 or CONTRL accepts or rejects, and why.

Works on the syntax tree of the received file; returns values the pipeline
reconciles against what it sent, and :func:`explain` words them for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.edi.ack import meaning
from gateway.edi.ack.plan import Status
from gateway.edi.tree import Interchange, Message, Segment

_X12_STATUS = {"A": Status.ACCEPTED, "E": Status.ACCEPTED_WITH_ERRORS,
               "P": Status.PARTIALLY_ACCEPTED, "R": Status.REJECTED,
               "M": Status.REJECTED, "W": Status.REJECTED, "X": Status.REJECTED}
# 0083 action codes: 7 acknowledged (accepted), 4 rejected, 8 received only.
_CONTRL_STATUS = {"7": Status.ACCEPTED, "4": Status.REJECTED, "8": Status.RECEIVED}
ACK_TYPES = ("997", "999", "CONTRL")


@dataclass(slots=True)
class AckedElement:
    position: str  # "3" or "3:1" or "3:1:2"
    element_id: str
    code: str
    meaning: str
    value: str = ""


@dataclass(slots=True)
class AckedSegment:
    tag: str
    position: str
    loop: str
    code: str
    meaning: str
    elements: list[AckedElement] = field(default_factory=list)


@dataclass(slots=True)
class AckedMessage:
    type: str
    reference: str
    status: Status | None
    codes: list[tuple[str, str]] = field(default_factory=list)
    segments: list[AckedSegment] = field(default_factory=list)


@dataclass(slots=True)
class AckedGroup:
    functional_id: str
    reference: str
    status: Status | None = None
    included: int | None = None
    received: int | None = None
    accepted: int | None = None
    codes: list[tuple[str, str]] = field(default_factory=list)
    messages: list[AckedMessage] = field(default_factory=list)


@dataclass(slots=True)
class AckedInterchange:
    reference: str
    status: Status | None
    code: str = ""
    meaning: str = ""
    sender: str = ""
    receiver: str = ""


@dataclass(slots=True)
class AckReport:
    """One acknowledgement received."""

    kind: str  # "997", "999", "TA1", "CONTRL"
    sent_by: str
    interchanges: list[AckedInterchange] = field(default_factory=list)
    groups: list[AckedGroup] = field(default_factory=list)
    messages: list[AckedMessage] = field(default_factory=list)  # CONTRL without groups

    def to_json(self) -> dict[str, Any]:
        def status(value: Status | None) -> str | None:
            return value.value if value is not None else None

        def message(m: AckedMessage) -> dict[str, Any]:
            return {
                "type": m.type, "reference": m.reference, "status": status(m.status),
                "codes": [{"code": c, "meaning": t} for c, t in m.codes],
                "segments": [{
                    "tag": s.tag, "position": s.position, "loop": s.loop, "code": s.code,
                    "meaning": s.meaning,
                    "elements": [{"position": e.position, "element_id": e.element_id,
                                  "code": e.code, "meaning": e.meaning, "value": e.value}
                                 for e in s.elements],
                } for s in m.segments],
            }

        return {
            "kind": self.kind,
            "sent_by": self.sent_by,
            "interchanges": [{"reference": i.reference, "status": status(i.status),
                              "code": i.code, "meaning": i.meaning, "sender": i.sender,
                              "receiver": i.receiver} for i in self.interchanges],
            "groups": [{
                "functional_id": g.functional_id, "reference": g.reference,
                "status": status(g.status), "included": g.included, "received": g.received,
                "accepted": g.accepted,
                "codes": [{"code": c, "meaning": t} for c, t in g.codes],
                "messages": [message(m) for m in g.messages],
            } for g in self.groups],
            "messages": [message(m) for m in self.messages],
        }


def _position_text(comps: list[str]) -> str:
    """An element position as written (``1``, ``1:2``, ``1::2`` with a repetition
    but no component), its structure kept."""
    return ":".join(comps).rstrip(":")


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _x12_functional(msg: Message, sent_by: str) -> AckReport:
    report = AckReport(msg.type, sent_by)
    group: AckedGroup | None = None
    current: AckedMessage | None = None
    segment: AckedSegment | None = None
    for seg in msg.segments:
        tag = seg.tag
        if tag == "AK1":
            group = AckedGroup(seg.get(1), seg.get(2))
            report.groups.append(group)
        elif tag == "AK2" and group is not None:
            current = AckedMessage(seg.get(1), seg.get(2), None)
            group.messages.append(current)
            segment = None
        elif tag in ("AK3", "IK3") and current is not None:
            code = seg.get(4)
            segment = AckedSegment(seg.get(1), seg.get(2), seg.get(3), code,
                                   meaning.describe(meaning.SEGMENT_ERRORS, code) if code
                                   else "")
            current.segments.append(segment)
        elif tag in ("AK4", "IK4") and current is not None:
            if segment is None:
                segment = AckedSegment("", "", "", "", "")
                current.segments.append(segment)
            code = seg.get(3)
            segment.elements.append(AckedElement(
                _position_text(seg.composite(1)), seg.get(2), code,
                meaning.describe(meaning.ELEMENT_ERRORS, code), seg.get(4)))
        elif tag in ("AK5", "IK5") and current is not None:
            current.status = _X12_STATUS.get(seg.get(1))
            current.codes = [(c[0], meaning.describe(meaning.SET_ERRORS, c[0]))
                             for c in seg.elements[1:] if c and c[0]]
            current = None
        elif tag == "AK9" and group is not None:
            group.status = _X12_STATUS.get(seg.get(1))
            group.included, group.received, group.accepted = (
                _int(seg.get(2)), _int(seg.get(3)), _int(seg.get(4)))
            group.codes = [(c[0], meaning.describe(meaning.GROUP_ERRORS, c[0]))
                           for c in seg.elements[4:] if c and c[0]]
    return report


def _ta1(seg: Segment, sent_by: str) -> AckReport:
    code = seg.get(5)
    return AckReport("TA1", sent_by, interchanges=[AckedInterchange(
        seg.get(1), _X12_STATUS.get(seg.get(4)), code,
        meaning.describe(meaning.TA1_NOTES, code))])


def _contrl_error(seg: Segment, at: int) -> list[tuple[str, str]]:
    code = seg.get(at)
    if not code:
        return []
    where = seg.get(at + 1)
    text = meaning.describe(meaning.CONTRL_ERRORS, code) + (f" (in {where})" if where else "")
    return [(code, text)]


def _contrl(msg: Message, sent_by: str) -> AckReport:
    report = AckReport("CONTRL", sent_by)
    group: AckedGroup | None = None
    current: AckedMessage | None = None
    segment: AckedSegment | None = None
    for seg in msg.segments:
        tag = seg.tag
        if tag == "UCI":
            errors = _contrl_error(seg, 5)
            report.interchanges.append(AckedInterchange(
                seg.get(1), _CONTRL_STATUS.get(seg.get(4)),
                errors[0][0] if errors else "", errors[0][1] if errors else
                meaning.describe(meaning.CONTRL_ACTIONS, seg.get(4)),
                sender=seg.get(2), receiver=seg.get(3)))
        elif tag == "UCF":
            group = AckedGroup("", seg.get(1), _CONTRL_STATUS.get(seg.get(4)),
                               codes=_contrl_error(seg, 5))
            report.groups.append(group)
        elif tag == "UCM":
            current = AckedMessage(seg.get(2, 1), seg.get(1), _CONTRL_STATUS.get(seg.get(3)),
                                   _contrl_error(seg, 4))
            (group.messages if group is not None else report.messages).append(current)
            segment = None
        elif tag == "UCS" and current is not None:
            code = seg.get(2)
            segment = AckedSegment("", seg.get(1), "", code,
                                   meaning.describe(meaning.CONTRL_ERRORS, code) if code
                                   else "")
            current.segments.append(segment)
        elif tag == "UCD" and current is not None:
            if segment is None:
                segment = AckedSegment("", "", "", "", "")
                current.segments.append(segment)
            code = seg.get(1)
            segment.elements.append(AckedElement(
                _position_text(seg.composite(2)), "", code,
                meaning.describe(meaning.CONTRL_ERRORS, code)))
    return report


def read_acks(interchanges: list[Interchange]) -> list[AckReport]:
    """Every acknowledgement in the interchanges of a received file."""
    reports: list[AckReport] = []
    for ic in interchanges:
        sent_by = ic.sender[0]
        for seg in ic.interchange_segments:
            if seg.tag == "TA1":
                reports.append(_ta1(seg, sent_by))
        for message in ic.messages():
            if message.type in ("997", "999"):
                reports.append(_x12_functional(message, sent_by))
            elif message.type == "CONTRL":
                reports.append(_contrl(message, sent_by))
    return reports


def explain(report: AckReport) -> str:
    """The acknowledgement in words."""
    lines = [f"{report.kind} from {report.sent_by or '(unknown sender)'}:"]
    for ic in report.interchanges:
        lines.append(f"  interchange {ic.reference}: "
                     f"{ic.status.value if ic.status else 'status unknown'}"
                     + (f" - {ic.meaning}" if ic.code and ic.code != "000" else ""))

    def message(m: AckedMessage, indent: str) -> None:
        lines.append(f"{indent}message {m.type} {m.reference}: "
                     f"{m.status.value if m.status else 'status unknown'}"
                     + "".join(f"; {text}" for _, text in m.codes))
        for s in m.segments:
            what = f"{s.tag} " if s.tag else ""
            lines.append(f"{indent}  segment {what}at position {s.position}"
                         + (f" (loop {s.loop})" if s.loop else "")
                         + (f": {s.meaning}" if s.meaning else ""))
            for e in s.elements:
                lines.append(f"{indent}    element {e.position}"
                             + (f" ({e.element_id})" if e.element_id else "")
                             + f": {e.meaning}" + (f" - value {e.value!r}" if e.value else ""))

    for g in report.groups:
        counts = ""
        if g.received is not None:
            accepted = "unknown" if g.accepted is None else g.accepted
            counts = f" ({accepted} of {g.received} accepted)"
        lines.append(f"  group {g.functional_id} {g.reference}: "
                     f"{g.status.value if g.status else 'status unknown'}{counts}"
                     + "".join(f"; {text}" for _, text in g.codes))
        for m in g.messages:
            message(m, "    ")
    for m in report.messages:
        message(m, "  ")
    return "\n".join(lines) + "\n"
