"""What an acknowledgement must say, independent of its standard.

:func:`plan_interchange` sorts the issues of one inbound interchange into its
levels (interchange, groups, messages, segments, elements) using the code
table, and decides each level's status. The X12 and EDIFACT builders turn a
plan into segments; they decide nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from gateway.edi.ack.codes import AckCodes, AckLevel, ack_codes
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Issue, Severity
from gateway.edi.tree import Group, Interchange, Message, Segment

T = TypeVar("T")


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
    codes = ack_codes(issue.code, issue.location.segment)
    return Finding(issue, codes) if codes is not None else None


# A segment or element problem whose segment cannot be found in the message:
# the message is answered as having segments in error (AK502/IK502 5).
_SEGMENTS_IN_ERROR = AckCodes(AckLevel.MESSAGE, x997="5", x999="5", contrl="12")


def _position(message: Message, issue: Issue) -> int | None:
    """The segment position of an issue located by line and column only (the
    lexer's, before positions exist): the header counts as 1."""
    loc = issue.location
    if loc.position is not None:
        return loc.position
    if loc.line is None:
        return None
    for index, seg in enumerate(message.segments):
        if seg.line == loc.line and seg.column == loc.column:
            return index + 2
    return None


def plan_message(message: Message, issues: list[Issue]) -> MessagePlan:
    plan = MessagePlan(message)
    by_position: dict[tuple[int, str], SegmentReport] = {}
    for issue in issues:
        finding = _finding(issue)
        if finding is None:
            continue
        level = finding.codes.level
        loc = issue.location
        if level in (AckLevel.SEGMENT, AckLevel.ELEMENT):
            position = _position(message, issue)
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


def plan_interchange(
    interchange: Interchange, interchange_issues: list[Issue],
    message_issues: dict[int, list[Issue]],
) -> InterchangePlan:
    """The acknowledgement plan for one interchange.

    ``interchange_issues`` are those not tied to a message (envelope, groups);
    ``message_issues`` maps ``id(message)`` to that message's issues.
    """
    plan = InterchangePlan(interchange)
    groups: dict[str | None, list[GroupPlan]] = {}
    for group in interchange.groups:
        gplan = GroupPlan(group)
        plan.groups.append(gplan)
        groups.setdefault(group.reference or None, []).append(gplan)
        for message in group.messages:
            mplan = plan_message(message, message_issues.get(id(message), []))
            # Message-level findings the code table files higher go up.
            for moved in list(mplan.findings):
                if moved.codes.level is AckLevel.GROUP:
                    mplan.findings.remove(moved)
                    gplan.findings.append(moved)
                elif moved.codes.level is AckLevel.INTERCHANGE:
                    mplan.findings.remove(moved)
                    plan.findings.append(moved)
            gplan.messages.append(mplan)
    for issue in interchange_issues:
        finding = _finding(issue)
        if finding is None:
            continue
        level = finding.codes.level
        found = groups.get(issue.location.group) if issue.location.group else None
        target = _owner(found, lambda g: g.group.header, issue) if found else None
        if level is AckLevel.GROUP and target is not None:
            target.findings.append(finding)
        elif level in (AckLevel.MESSAGE, AckLevel.SEGMENT, AckLevel.ELEMENT):
            owner = _message_plan(plan, issue)
            if owner is not None:
                owner.findings.append(finding)
            else:
                plan.findings.append(finding)
        else:
            plan.findings.append(finding)
    return plan


def _owner(candidates: list[T], header: Callable[[T], Segment | None], issue: Issue) -> T:
    """Which of several envelopes with one reference an issue is about: the one
    whose header the issue points at, else the last (a duplicate reference is
    reported where it occurs again, not where it was first used)."""
    loc = issue.location
    for candidate in candidates:
        seg = header(candidate)
        if seg is not None and loc.line is not None and (seg.line, seg.column) == (
                loc.line, loc.column):
            return candidate
    return candidates[-1]


def _message_plan(plan: InterchangePlan, issue: Issue) -> MessagePlan | None:
    loc = issue.location
    if loc.message is None:
        return None
    found = [m for g in plan.groups for m in g.messages
             if m.message.reference == loc.message
             and (loc.group is None or g.group.reference == loc.group)]
    return _owner(found, lambda m: m.message.header, issue) if found else None
