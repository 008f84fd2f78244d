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


def plan_message(message: Message, issues: list[Issue]) -> MessagePlan:
    plan = MessagePlan(message)
    by_position: dict[tuple[int, str], SegmentReport] = {}
    for issue in issues:
        finding = _finding(issue)
        if finding is None:
            continue
        level = finding.codes.level
        loc = issue.location
        if level in (AckLevel.SEGMENT, AckLevel.ELEMENT) and loc.position is not None:
            key = (loc.position, loc.segment or "")
            report = by_position.get(key)
            if report is None:
                report = SegmentReport(loc.segment or "", loc.position, loc.loop)
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
    groups: dict[str | None, GroupPlan] = {}
    for group in interchange.groups:
        gplan = GroupPlan(group)
        plan.groups.append(gplan)
        groups.setdefault(group.reference or None, gplan)
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
        target = groups.get(issue.location.group) if issue.location.group else None
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


def _message_plan(plan: InterchangePlan, issue: Issue) -> MessagePlan | None:
    ref = issue.location.message
    if ref is None:
        return None
    for mplan in plan.messages():
        if mplan.message.reference == ref:
            return mplan
    return None
