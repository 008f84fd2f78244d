"""X12 acknowledgements: 997, 999 and TA1, built from a plan.

The acknowledgement's envelope mirrors the inbound one: sender and receiver
swapped, the inbound version (GS08 for a 997; 005010X231A1 for a 999) and the
inbound delimiters unless others are given. Control numbers and the time come
in as arguments; allocating them is the caller's job. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from gateway.edi.ack.plan import (
    MAX_SEGMENT_REPORTS,
    AckOptions,
    Finding,
    GroupPlan,
    InterchangePlan,
    MessagePlan,
    Status,
)
from gateway.edi.delimiters import X12_DEFAULT, Delimiters
from gateway.edi.envelope import ISA_VERSION
from gateway.edi.tree import Group, Interchange, Message, Segment

X999_VERSION = "005010X231A1"
MAX_AK4 = 99
MAX_CODES = 5
_X12_STATUS = {
    Status.ACCEPTED: "A", Status.ACCEPTED_WITH_ERRORS: "E",
    Status.PARTIALLY_ACCEPTED: "P", Status.REJECTED: "R",
}


def _code(finding: Finding, kind: str) -> str | None:
    return finding.codes.x999 if kind == "999" else finding.codes.x997


def _clean(value: str, d: Delimiters) -> str:
    """A copy of bad data fit for AK404/IK404: no delimiters, at most 99 characters."""
    banned = d.service_characters()
    # Trailing spaces are not data in X12 text (and validators flag them).
    return "".join(ch for ch in value if ch not in banned)[:99].rstrip()


def _position(finding: Finding, kind: str) -> list[str]:
    loc = finding.issue.location
    parts = [str(loc.element or 1)]
    if loc.component is not None or (kind == "999" and loc.repetition is not None):
        parts.append(str(loc.component or ""))
    if kind == "999" and loc.repetition is not None:
        parts.append(str(loc.repetition))
    return parts


def _segment_loops(mplan: MessagePlan, kind: str, d: Delimiters) -> list[Segment]:
    out: list[Segment] = []
    seg_tag, el_tag = ("IK3", "IK4") if kind == "999" else ("AK3", "AK4")
    for report in mplan.segments[:MAX_SEGMENT_REPORTS]:
        codes = [c for f in report.segment if (c := _code(f, kind))]
        code = codes[0] if codes else "8"  # 8: the segment has data element errors
        out.append(Segment.of(seg_tag, report.tag, str(report.position), report.loop or "",
                              code))
        for finding in report.elements[:MAX_AK4]:
            element_code = _code(finding, kind)
            if element_code is None:
                continue
            loc = finding.issue.location
            out.append(Segment.of(el_tag, _position(finding, kind), loc.element_id or "",
                                  element_code, _clean(loc.value or "", d)))
    return out


def _message_codes(mplan: MessagePlan, kind: str) -> list[str]:
    codes = [c for f in mplan.findings if (c := _code(f, kind))]
    if mplan.segments:
        implementation = kind == "999" and any(
            (c or "").startswith("I") for s in mplan.segments
            for f in (*s.segment, *s.elements) if (c := _code(f, kind)))
        codes.append("I5" if implementation else "5")
    unique = list(dict.fromkeys(codes))
    return unique[:MAX_CODES]


def _set_response(mplan: MessagePlan, kind: str, d: Delimiters) -> list[Segment]:
    header = mplan.message.header
    ident = [mplan.message.type or (header.get(1) if header else ""),
             mplan.message.reference or (header.get(2) if header else "")]
    if kind == "999" and header is not None and header.get(3):
        ident.append(header.get(3))
    out = [Segment.of("AK2", *ident)]
    out.extend(_segment_loops(mplan, kind, d))
    status = mplan.status
    out.append(Segment.of("IK5" if kind == "999" else "AK5", _X12_STATUS[status],
                          *_message_codes(mplan, kind)))
    return out


def functional_ack(gplan: GroupPlan, kind: str, d: Delimiters, control: str) -> Message:
    """One 997 or 999 transaction set answering one inbound functional group."""
    gs = gplan.group.header
    ak1 = [gs.get(1) if gs else "", gs.get(6) if gs else ""]
    if kind == "999":
        ak1.append(gs.get(8) if gs else "")
    body = [Segment.of("AK1", *ak1)]
    for mplan in gplan.messages:
        body.extend(_set_response(mplan, kind, d))
    included = gplan.group.trailer.get(1) if gplan.group.trailer is not None else ""
    received = len(gplan.messages)
    group_codes = list(dict.fromkeys(c for f in gplan.findings if (c := _code(f, kind))))
    body.append(Segment.of("AK9", _X12_STATUS[gplan.status],
                           included if included.isdigit() else str(received), str(received),
                           str(gplan.accepted), *group_codes[:MAX_CODES]))
    header = Segment.of("ST", kind, control, *([X999_VERSION] if kind == "999" else []))
    return Message(header, [seg.trimmed() for seg in body], None, type=kind,
                   reference=control)


def ta1(plan: InterchangePlan) -> Segment:
    """The TA1 for an interchange: its control number, date, time, status, note."""
    isa = plan.interchange.header
    assert isa is not None
    notes = [f.codes.ta1 for f in plan.findings if f.codes.ta1]
    # 024 (invalid interchange content) where the errors have no note code of their own.
    fallback = "000" if plan.status is Status.ACCEPTED else "024"
    return Segment.of("TA1", isa.get(13), isa.get(9), isa.get(10),
                      _X12_STATUS[plan.status], notes[0] if notes else fallback)


def _free_repetition(d: Delimiters) -> str:
    """A repetition separator the other delimiters leave free (``^`` by custom)."""
    taken = d.service_characters()
    return next(c for c in "^|!`{}" if c not in taken)


def needs_ta1(plan: InterchangePlan) -> bool:
    """A TA1 goes back when the partner asked (ISA14 = 1) or the envelope has problems."""
    isa = plan.interchange.header
    if isa is None:
        return False
    # A rejected interchange is answered by its TA1: no group of it is answered.
    return isa.get(14) == "1" or any(f.codes.ta1 for f in plan.findings) or \
        plan.status is Status.REJECTED


def _usable(d: Delimiters) -> bool:
    separators = (d.segment, d.element, d.component)
    return all(ch and ch not in ("\x00", " ") and not ch.isalnum() for ch in separators) \
        and len(set(separators)) == 3


def build(plan: InterchangePlan, kind: str, options: AckOptions) -> Interchange | None:
    """The acknowledgement interchange (997 or 999, with a TA1 when due), or ``None``
    when the inbound interchange has no readable ISA to answer."""
    inbound = plan.interchange
    isa = inbound.header
    if isa is None or isa.tag != "ISA":
        return None
    d = options.delimiters or inbound.delimiters
    if options.delimiters is None and not _usable(d):
        d = X12_DEFAULT  # the partner's cannot be written back (a NUL, a letter)
    version = "00501" if kind == "999" else isa.get(12)
    if not ISA_VERSION.fullmatch(version):
        version = "00401"  # never repeat a version that is none
    if version >= "00402" and d.repetition is None:
        # From 00402 on ISA11 is the repetition separator: one must be named.
        d = replace(d, repetition=_free_repetition(d))
    now = options.now
    header = Segment.of(
        "ISA", isa.get(1), isa.get(2), isa.get(3), isa.get(4),
        isa.get(7), isa.get(8), isa.get(5), isa.get(6),
        now.strftime("%y%m%d"), now.strftime("%H%M"),
        d.repetition if d.repetition and version >= "00402" else "U",
        version, f"{options.interchange_control:09d}", "0", isa.get(15), d.component,
    )
    ack = Interchange("x12", d, header, line_ending=inbound.line_ending)
    if needs_ta1(plan):
        ack.interchange_segments.append(ta1(plan))
    if plan.status is Status.REJECTED or not plan.groups:
        return ack  # the envelope is rejected: the TA1 says so, no group is answered
    sets = []
    for n, gplan in enumerate(g for g in plan.groups if g.group.header is not None):
        sets.append(functional_ack(gplan, kind, d, f"{options.set_control + n:04d}"))
    if not sets:
        return ack
    first_gs = next(g.group.header for g in plan.groups if g.group.header is not None)
    assert first_gs is not None
    gs_version = X999_VERSION if kind == "999" else first_gs.get(8)
    gs = Segment.of("GS", "FA", first_gs.get(3), first_gs.get(2), now.strftime("%Y%m%d"),
                    now.strftime("%H%M"), str(options.group_control), "X", gs_version)
    ack.groups.append(Group(gs, sets))
    return ack
