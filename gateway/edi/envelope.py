"""Envelope checks: control references that must match, and the counts.

UNB/UNZ, UNG/UNE, UNH/UNT for EDIFACT; ISA/IEA, GS/GE, ST/SE for X12. Each
check takes what the reader saw and returns issues; none of them raises or
changes the tree. The rules are the table :data:`RULES`, not code per tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.edi.dates import is_date, is_time
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Code, Issue, Location
from gateway.edi.tree import Group, Interchange, Message, Segment


@dataclass(frozen=True, slots=True)
class Scope:
    """The envelope references an issue's location is completed with."""

    interchange: str | None = None
    group: str | None = None
    message: str | None = None

    def at(self, seg: Segment | None = None, **where: Any) -> Location:
        """A location in this scope, at ``seg`` (tag, line, column) when given."""
        if seg is not None:
            where.setdefault("segment", seg.tag)
            where.setdefault("line", seg.line or None)
            where.setdefault("column", seg.column or None)
        return Location(interchange=self.interchange, group=self.group, message=self.message,
                        **where)


@dataclass(frozen=True, slots=True)
class EnvelopeRule:
    """Where a header keeps its reference, and where its trailer keeps the
    reference and the count of what it encloses."""

    header: str
    trailer: str
    header_ref: int
    trailer_ref: int
    trailer_count: int
    counted: str  # what the trailer counts, in words

    def reference(self, header: Segment) -> str:
        return header.get(self.header_ref).strip()


RULES: dict[str, EnvelopeRule] = {
    "UNB": EnvelopeRule("UNB", "UNZ", 5, 2, 1, "messages or groups"),
    "UNG": EnvelopeRule("UNG", "UNE", 5, 2, 1, "messages"),
    "UNH": EnvelopeRule("UNH", "UNT", 1, 2, 1, "segments"),
    "ISA": EnvelopeRule("ISA", "IEA", 13, 2, 1, "functional groups"),
    "GS": EnvelopeRule("GS", "GE", 6, 2, 1, "transaction sets"),
    "ST": EnvelopeRule("ST", "SE", 2, 2, 1, "segments"),
}
TRAILERS = {rule.trailer: rule for rule in RULES.values()}


def check_pair(
    header: Segment,
    trailer: Segment | None,
    actual: int,
    scope: Scope,
    *,
    trailer_position: int | None = None,
    end_line: tuple[int, int] | None = None,
    before: str = "the end of the file",
) -> list[Issue]:
    """Reference and count checks for one header/trailer pair.

    ``actual`` is what the trailer should count; ``scope`` completes the
    locations with the envelope references.
    """
    rule = RULES[header.tag]
    issues: list[Issue] = []
    ref = rule.reference(header)
    if trailer is None:
        line, column = end_line if end_line else (None, None)
        issues.append(Issue.of(
            Code.MISSING_TRAILER,
            f"{header.tag} {ref!r} is never closed: no {rule.trailer} follows "
            f"before {before}.",
            scope.at(segment=rule.trailer, line=line, column=column),
        ))
        return issues
    trailer_ref = trailer.get(rule.trailer_ref).strip()
    if trailer_ref != ref:
        issues.append(Issue.of(
            Code.REFERENCE_MISMATCH,
            f"{rule.trailer} refers to {trailer_ref!r} but its {header.tag} has {ref!r}.",
            scope.at(trailer, position=trailer_position, element=rule.trailer_ref,
                value=trailer_ref),
        ))
    count_text = trailer.get(rule.trailer_count).strip()
    if not count_text.isdigit():
        issues.append(Issue.of(
            Code.BAD_ENVELOPE_VALUE,
            f"{rule.trailer} count {count_text!r} is not a number; "
            f"it should be {actual} ({rule.counted}).",
            scope.at(trailer, position=trailer_position, element=rule.trailer_count,
                value=count_text),
        ))
    elif int(count_text) != actual:
        issues.append(Issue.of(
            Code.COUNT_MISMATCH,
            f"{rule.trailer} says {int(count_text)} {rule.counted}, "
            f"but there {'is' if actual == 1 else 'are'} {actual}.",
            scope.at(trailer, position=trailer_position, element=rule.trailer_count,
                value=count_text),
        ))
    return issues


def check_message(
    message: Message, scope: Scope, end_line: tuple[int, int] | None = None,
    before: str = "the end of the file",
) -> list[Issue]:
    """UNH/UNT or ST/SE: the trailer's reference and segment count."""
    if message.header is None:
        if message.trailer is None:
            return []
        return [Issue.of(
            Code.MISSING_HEADER,
            f"{message.trailer.tag} closes a message that was never opened "
            f"({'UNH' if message.trailer.tag == 'UNT' else 'ST'} is missing).",
            scope.at(message.trailer, value=message.trailer.get(2) or None),
        )]
    return check_pair(
        message.header, message.trailer, message.segment_count(), scope,
        trailer_position=message.segment_count(), end_line=end_line, before=before,
    )


def check_group(
    group: Group, scope: Scope, end_line: tuple[int, int] | None = None,
    before: str = "the end of the file",
) -> list[Issue]:
    """UNG/UNE or GS/GE: the trailer's reference and message count."""
    if group.header is None:
        return []
    issues = check_pair(group.header, group.trailer, group.message_count, scope,
                        end_line=end_line, before=before)
    header = group.header
    if header.tag == "GS" and any(len(element) > 1 for element in header.elements):
        # GS has no composites: a component separator in it is the sender's segment
        # terminator, the ISA16 before it missing (ISA16 then reads the terminator,
        # and the line break after it is taken for the terminator).
        issues.append(Issue.of(
            Code.BAD_HEADER_FIELD,
            "GS holds the component separator ISA16 names, and GS has no composites: "
            "ISA16 is missing and the segment terminator was read in its place.",
            scope.at(header, segment="ISA", position=1, element=16)))
    if group.message_count == 0 and group.trailer is not None:
        issues.append(Issue.of(
            Code.EMPTY_ENVELOPE,
            f"Group {group.reference!r} holds no messages.",
            scope.at(group.header),
        ))
    return issues


def check_interchange(
    interchange: Interchange, explicit_groups: int, end_line: tuple[int, int] | None = None,
    before: str = "the end of the file",
) -> list[Issue]:
    """UNB/UNZ or ISA/IEA: the trailer's reference and its count.

    UNZ counts groups when the interchange has UNG groups, else messages; IEA
    always counts functional groups.
    """
    header = interchange.header
    if header is None:
        return []
    scope = Scope(interchange.reference or None)
    if header.tag == "ISA" or explicit_groups:
        actual = explicit_groups
    else:
        actual = interchange.message_count
    issues = check_pair(header, interchange.trailer, actual, scope, end_line=end_line,
                        before=before)
    issues.extend(_header_values(header, scope))
    if header.tag == "ISA":
        issues.extend(_isa_fields(header, interchange.delimiters, scope))
    if (interchange.message_count == 0 and interchange.trailer is not None
            and not interchange.interchange_segments):
        issues.append(Issue.of(
            Code.EMPTY_ENVELOPE,
            f"Interchange {interchange.reference!r} holds no messages.",
            scope.at(header),
        ))
    return issues


def _hhmm(text: str) -> bool:
    return is_time(text, lengths=(4,))


def _header_values(header: Segment, scope: Scope) -> list[Issue]:
    """The interchange header's date and time (ISA09/ISA10, UNB S004), and the X12
    acknowledgment request and usage indicator (ISA14, ISA15): values a partner's
    translator rejects the interchange for."""
    x12 = header.tag == "ISA"
    checks: list[tuple[Code, int, int, Callable[[str], bool], str]] = [
        (Code.BAD_INTERCHANGE_DATE, 9 if x12 else 4, 1, is_date, "a date (YYMMDD)"
         if x12 else "a date (YYMMDD, or CCYYMMDD in syntax 4)"),
        (Code.BAD_INTERCHANGE_TIME, 10 if x12 else 4, 1 if x12 else 2, _hhmm,
         "a time (HHMM)"),
    ]
    if x12:
        checks += [
            (Code.BAD_ACK_REQUEST, 14, 1, lambda v: v in ("0", "1"), "0 or 1"),
            (Code.BAD_USAGE_INDICATOR, 15, 1, lambda v: v in ("P", "T", "I"), "P, T or I"),
        ]
    issues = []
    for code, element, component, fits, wanted in checks:
        value = header.get(element, component).strip()
        if not fits(value):
            name = f"ISA{element:02d}" if x12 else f"UNB {element:02d}-{component}"
            issues.append(Issue.of(
                code, f"{name} {value!r} is not {wanted}.",
                scope.at(header, position=1, element=element,
                         component=None if x12 else component, value=value)))
    return issues


# ISA01..ISA16 have fixed widths (X12.5); a translator finds the fields by position.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
# Interchange control versions: 00200 (X12 version 2) to 00899.
ISA_VERSION = re.compile(r"00[2-8][0-9]{2}", re.ASCII)
_ISA_CONTROL = re.compile(r"[0-9]{9}", re.ASCII)
_CODE = re.compile(r"[0-9A-Z]{2}", re.ASCII)
_IDENTITY = {1: "the authorization information qualifier", 3: "the security information "
             "qualifier", 5: "the sender's id qualifier", 7: "the receiver's id qualifier"}


def _isa_fields(header: Segment, delimiters: Delimiters, scope: Scope) -> list[Issue]:
    """The ISA fields a translator reads by position and rejects the interchange for
    (TA1 codes by field): each field's width, the qualifiers' form, the sender and
    receiver ids, the standards identifier (ISA11), the control version (ISA12), the
    control number (ISA13) and the separators (the element separator and ISA16)."""
    issues: list[Issue] = []

    def bad(element: int | None, value: str, text: str) -> None:
        issues.append(Issue.of(Code.BAD_HEADER_FIELD, text, scope.at(
            header, position=1, element=element, value=value)))

    for n, width in enumerate(ISA_WIDTHS, 1):
        value = header.get(n)
        if len(value) != width and n not in (9, 10, 14, 15):  # those have their own checks
            bad(n, value, f"ISA{n:02d} {value!r} is {len(value)} characters long; the "
                          f"field is fixed at {width}.")
    for n, what in _IDENTITY.items():
        value = header.get(n)
        if len(value) == 2 and not _CODE.fullmatch(value):
            bad(n, value, f"ISA{n:02d} {value!r} is not a code for {what}.")
    for n, who in ((6, "sender"), (8, "receiver")):
        value = header.get(n)
        if len(value) == 15 and not value.strip():
            bad(n, value, f"ISA{n:02d} is blank: the interchange names no {who}.")
    version = header.get(12)
    if len(version) == 5 and not ISA_VERSION.fullmatch(version):
        bad(12, version, f"ISA12 {version!r} is not an interchange control version "
                         "(00200 to 00899).")
    standards = header.get(11)
    if len(standards) == 1 and ISA_VERSION.fullmatch(version) and version < "00402" \
            and not standards.isalpha():
        bad(11, standards, f"ISA11 {standards!r} is not a standards identifier (U); before "
                           "00402 ISA11 is not the repetition separator.")
    control = header.get(13)
    if len(control) == 9 and not _ISA_CONTROL.fullmatch(control):
        bad(13, control, f"ISA13 {control!r} is not a control number of nine digits.")
    separators: tuple[tuple[str, int | None, str], ...] = (
        ("element separator", None, delimiters.element),
        ("component separator (ISA16)", 16, delimiters.component))
    for name, field, char in separators:
        if char in ("", "\x00", " ") or char.isalnum():
            bad(field, char, f"The {name} {char!r} cannot be one: a separator is not NUL, a "
                         "space, a letter or a digit." if char else f"The {name} is missing.")
    return issues


def duplicate(kind: str, ref: str, seg: Segment, scope: Scope) -> Issue:
    return Issue.of(
        Code.DUPLICATE_REFERENCE,
        f"{kind} reference {ref!r} is used more than once.",
        scope.at(seg, value=ref),
    )
