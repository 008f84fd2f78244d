"""What an acknowledgement must say, independent of its standard.

:func:`plan_interchange` sorts the issues of one inbound interchange into its
levels (interchange, groups, messages, segments, elements) using the code
table, and decides each level's status. The X12 and EDIFACT builders turn a
plan into segments; they decide nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gateway.edi.ack.codes import AckCodes, AckLevel, ack_codes
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Issue, Severity
from gateway.edi.tree import Group, Interchange, Message


@dataclass(frozen=True, slots=True)
class AckOptions:
    """What the caller decides: control numbers, time, delimiters."""

    now: datetime
    interchange_control: int = 1
    group_control: int = 1
    set_control: int = 1
    delimiters: Delimiters | None = None


class Status(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted-with-errors"
    PARTIALLY_ACCEPTED = "partially-accepted"
    REJECTED = "rejected"
    # CONTRL action 8: the interchange arrived; its content was not checked. Read
    # from partners only; the gateway's own acknowledgements always judge.
    RECEIVED = "received"


@dataclass(slots=True)
class Finding:
    """One issue with its acknowledgement codes."""

    issue: Issue
    codes: AckCodes

    @property
    def blocking(self) -> bool:
        return self.issue.severity in (Severity.FATAL, Severity.ERROR)


@dataclass(slots=True)
class SegmentReport:
    tag: str
    position: int
    loop: str | None
    segment: list[Finding] = field(default_factory=list)
    elements: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class MessagePlan:
    message: Message
    findings: list[Finding] = field(default_factory=list)  # message level
    segments: list[SegmentReport] = field(default_factory=list)

    @property
    def status(self) -> Status:
        everything = [*self.findings, *(f for s in self.segments for f in (*s.segment,
                                                                           *s.elements))]
        if any(f.blocking for f in everything):
            return Status.REJECTED
        if everything:
            return Status.ACCEPTED_WITH_ERRORS
        return Status.ACCEPTED


@dataclass(slots=True)
class GroupPlan:
    group: Group
    messages: list[MessagePlan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(m.status is not Status.REJECTED for m in self.messages)

    @property
    def status(self) -> Status:
        if any(f.blocking for f in self.findings):
            return Status.REJECTED
        statuses = [m.status for m in self.messages]
        if statuses and all(s is Status.REJECTED for s in statuses):
            return Status.REJECTED
        if any(s is Status.REJECTED for s in statuses):
            return Status.PARTIALLY_ACCEPTED
        if self.findings or any(s is Status.ACCEPTED_WITH_ERRORS for s in statuses):
            return Status.ACCEPTED_WITH_ERRORS
        return Status.ACCEPTED


@dataclass(slots=True)
class InterchangePlan:
    interchange: Interchange
    groups: list[GroupPlan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if any(f.blocking for f in self.findings):
            return Status.REJECTED
        if self.findings:
            return Status.ACCEPTED_WITH_ERRORS
        return Status.ACCEPTED

    def messages(self) -> list[MessagePlan]:
        return [m for g in self.groups for m in g.messages]


def _finding(issue: Issue) -> Finding | None:
    codes = ack_codes(issue.code, issue.location.segment, issue.location.element)
    if codes is not None:
        return Finding(issue, codes)
    if not issue.blocking:
        return None
    # An error the code table has no code for is answered all the same, at the
    # message it is in or else the interchange, with the most general code: an
    # acknowledgement never says accepted where validation found an error.
    return Finding(issue, UNCODED_IN_MESSAGE if issue.location.message is not None
                   else UNCODED_IN_INTERCHANGE)


# An error without a code of its own: AK502/IK502 5 (segments in error) or TA105
# 024 (invalid interchange content); CONTRL 0085 18 (unspecified error).
UNCODED_IN_MESSAGE = AckCodes(AckLevel.MESSAGE, x997="5", x999="5", contrl="18")
UNCODED_IN_INTERCHANGE = AckCodes(AckLevel.INTERCHANGE, ta1="024", contrl="18")

# A segment or element problem whose segment cannot be found in the message:
# the message is answered as having segments in error (AK502/IK502 5).
_SEGMENTS_IN_ERROR = AckCodes(AckLevel.MESSAGE, x997="5", x999="5", contrl="12")

# How many segments in error an acknowledgement names per message: CONTRL allows
# 999 UCS per UCM (segment group 2); X12 allows more AK3/IK3 loops, and one limit
# serves both. The message's status still counts every finding.
MAX_SEGMENT_REPORTS = 999


class _Positions:
    """Segment positions of one message by where each segment starts in the file,
    for issues located by line and column only (the lexer's, before positions
    exist): the header counts as 1. Built on first use, once per message."""

    __slots__ = ("_at", "_message")

    def __init__(self, message: Message) -> None:
        self._message = message
        self._at: dict[tuple[int, int], int] | None = None

    def of(self, issue: Issue) -> int | None:
        loc = issue.location
        if loc.position is not None:
            return loc.position
        if loc.line is None or loc.column is None:
            return None
        if self._at is None:
            self._at = {}
            for index, seg in enumerate(self._message.segments):
                self._at.setdefault((seg.line, seg.column), index + 2)
        return self._at.get((loc.line, loc.column))


def plan_message(message: Message, issues: list[Issue]) -> MessagePlan:
    plan = MessagePlan(message)
    by_position: dict[tuple[int, str], SegmentReport] = {}
    positions = _Positions(message)
    for issue in issues:
        finding = _finding(issue)
        if finding is None:
            continue
        level = finding.codes.level
        loc = issue.location
        if level in (AckLevel.SEGMENT, AckLevel.ELEMENT):
            position = positions.of(issue)
            if position is None:
                plan.findings.append(Finding(issue, _SEGMENTS_IN_ERROR))
                continue
            key = (position, loc.segment or "")
            report = by_position.get(key)
            if report is None:
                report = SegmentReport(loc.segment or "", position, loc.loop)
                by_position[key] = report
            (report.segment if level is AckLevel.SEGMENT else report.elements).append(finding)
        else:
            plan.findings.append(finding)
    plan.segments = [by_position[k] for k in sorted(by_position)]
    return plan


class Planner:
    """Builds the plan of one interchange a message at a time, as a reader that
    streams delivers them, and finishes it when the interchange has ended.

    Each message is planned when it arrives; the plan keeps the message it is
    given, so a caller that streams passes one without its body (see
    :func:`identity`) and memory holds findings, not segments. Issues found
    outside any message (envelopes, duplicates) come with :meth:`finish`.
    """

    def __init__(self) -> None:
        self._groups: dict[int, GroupPlan] = {}
        self._raised: list[Finding] = []  # message findings the table files at interchange level

    def message(self, group: Group, message: Message, issues: list[Issue]) -> MessagePlan:
        gplan = self._groups.get(id(group))
        if gplan is None:
            gplan = self._groups[id(group)] = GroupPlan(group)
        mplan = plan_message(message, issues)
        # Message-level findings the code table files higher go up.
        if any(f.codes.level in (AckLevel.GROUP, AckLevel.INTERCHANGE) for f in mplan.findings):
            kept = []
            for finding in mplan.findings:
                if finding.codes.level is AckLevel.GROUP:
                    gplan.findings.append(finding)
                elif finding.codes.level is AckLevel.INTERCHANGE:
                    self._raised.append(finding)
                else:
                    kept.append(finding)
            mplan.findings = kept
        gplan.messages.append(mplan)
        return mplan

    def finish(self, interchange: Interchange, interchange_issues: list[Issue]
               ) -> InterchangePlan:
        """The interchange's plan; ``interchange_issues`` are those not tied to a
        message (envelope, groups)."""
        plan = InterchangePlan(interchange, findings=self._raised)
        for group in interchange.groups:
            gplan = self._groups.get(id(group))
            plan.groups.append(gplan if gplan is not None else GroupPlan(group))
        owners = _Owners(plan)
        for issue in interchange_issues:
            finding = _finding(issue)
            if finding is None:
                continue
            level = finding.codes.level
            target = owners.group(issue) if issue.location.group else None
            if level is AckLevel.GROUP and target is not None:
                target.findings.append(finding)
            elif level in (AckLevel.MESSAGE, AckLevel.SEGMENT, AckLevel.ELEMENT):
                owner = owners.message(issue)
                if owner is not None:
                    owner.findings.append(finding)
                else:
                    plan.findings.append(finding)
            else:
                plan.findings.append(finding)
        return plan


def identity(message: Message) -> Message:
    """``message`` without its body: what an acknowledgement says of a message
    (header, type, version, reference, subset), for a plan that must not hold
    every message of a large interchange."""
    return Message(message.header, [], None, type=message.type, version=message.version,
                   reference=message.reference, subset=message.subset)


def plan_interchange(
    interchange: Interchange, interchange_issues: list[Issue],
    message_issues: dict[int, list[Issue]],
) -> InterchangePlan:
    """The acknowledgement plan for one interchange read whole.

    ``interchange_issues`` are those not tied to a message (envelope, groups);
    ``message_issues`` maps ``id(message)`` to that message's issues.
    """
    planner = Planner()
    for group in interchange.groups:
        for message in group.messages:
            planner.message(group, message, message_issues.get(id(message), []))
    return planner.finish(interchange, interchange_issues)


_Key = tuple[int, int]


class _Owners:
    """Which group or message an issue found outside them is about, found by
    reference: among several envelopes with one reference, the one whose header
    the issue points at, else the last (a duplicate reference is reported where
    it occurs again, not where it was first used). Indexed once per interchange,
    so finding an owner does not walk the interchange."""

    def __init__(self, plan: InterchangePlan) -> None:
        self._groups: dict[str, list[GroupPlan]] = {}
        self._groups_at: dict[tuple[str, _Key], GroupPlan] = {}
        # message reference -> [(group reference, plan)] in order; and by header place
        self._messages: dict[str, list[tuple[str, MessagePlan]]] = {}
        self._messages_at: dict[tuple[str, _Key], list[tuple[str, MessagePlan]]] = {}
        for gplan in plan.groups:
            gref = gplan.group.reference
            self._groups.setdefault(gref, []).append(gplan)
            header = gplan.group.header
            if header is not None:
                self._groups_at.setdefault((gref, (header.line, header.column)), gplan)
            for mplan in gplan.messages:
                mref = mplan.message.reference
                self._messages.setdefault(mref, []).append((gref, mplan))
                seg = mplan.message.header
                if seg is not None:
                    self._messages_at.setdefault((mref, (seg.line, seg.column)), []).append(
                        (gref, mplan))

    def group(self, issue: Issue) -> GroupPlan | None:
        loc = issue.location
        ref = loc.group or ""
        found = self._groups.get(ref)
        if not found:
            return None
        if loc.line is not None and loc.column is not None:
            at = self._groups_at.get((ref, (loc.line, loc.column)))
            if at is not None:
                return at
        return found[-1]

    def message(self, issue: Issue) -> MessagePlan | None:
        loc = issue.location
        if loc.message is None:
            return None

        def fits(entry: tuple[str, MessagePlan]) -> bool:
            return loc.group is None or entry[0] == loc.group

        if loc.line is not None and loc.column is not None:
            for entry in self._messages_at.get((loc.message, (loc.line, loc.column)), ()):
                if fits(entry):
                    return entry[1]
        # The last message with the reference (in the group named, when one is).
        for entry in reversed(self._messages.get(loc.message, ())):
            if fits(entry):
                return entry[1]
        return None
