"""The acknowledgement plan: issues sorted into interchange, group, message, segment
and element levels by the code table, and each level's status decided from them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.edi.ack.codes import AckLevel, ack_codes
from gateway.edi.ack.plan import (
    AckOptions,
    Finding,
    InterchangePlan,
    Status,
    plan_interchange,
    plan_message,
)
from gateway.edi.delimiters import X12_DEFAULT
from gateway.edi.issues import Code, Issue, Location, Severity
from gateway.edi.report import inspect
from gateway.edi.tree import Group, Interchange, Message, Segment
from tests.edi.snippets import isa

GS = "GS*PO*SENDER*RECEIVER*20250101*1200*{ref}*X*004010~"
GE = "GE*{count}*{ref}~"
IEA = "IEA*{count}*000000001~"
GOOD_SET = ("ST*850*{ref}~BEG*00*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~"
            "SE*4*{ref}~")
# BEG03 (324, mandatory) missing: one element error at position 2.
BAD_SET = "ST*850*{ref}~BEG*00*SA***20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*4*{ref}~"


def _plan(text: str) -> InterchangePlan:
    report = inspect(text.encode())
    assert report.edi is not None
    (ic,) = report.edi.interchanges
    return plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)


def _x12(*groups: str, count: int | None = None) -> str:
    return isa() + "".join(groups) + IEA.format(count=len(groups) if count is None else count)


def _group(*sets: str, ref: str = "1", count: int | None = None) -> str:
    return (GS.format(ref=ref) + "".join(sets)
            + GE.format(count=len(sets) if count is None else count, ref=ref))


def _message() -> Message:
    return Message(Segment.of("ST", "850", "0001"),
                   [Segment.of("BEG", "00", "SA", "PO1", "", "20250101"),
                    Segment.of("N1", "ST"), Segment.of("PO1", "1")],
                   Segment.of("SE", "5", "0001"), type="850", reference="0001")


def _issue(code: Code, segment: str | None = None, position: int | None = None,
           severity: Severity | None = None, **where: Any) -> Issue:
    return Issue.of(code, "test", Location(segment=segment, position=position, **where),
                    severity)


# -- AckOptions and Finding ----------------------------------------------------------


def test_options_default_control_numbers_to_one() -> None:
    """Options take the caller's clock; control numbers default to 1, delimiters to None."""
    now = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
    options = AckOptions(now=now)
    assert (options.interchange_control, options.group_control, options.set_control) == (1, 1, 1)
    assert options.delimiters is None and options.now is now


@pytest.mark.parametrize(("severity", "blocking"), [
    (Severity.FATAL, True), (Severity.ERROR, True), (Severity.WARNING, False),
    (Severity.INFO, False)])
def test_finding_blocks_when_its_issue_is_fatal_or_an_error(severity: Severity,
                                                            blocking: bool) -> None:
    """Only fatal and error findings reject; warnings are acknowledged with errors."""
    codes = ack_codes(Code.INVALID_DATE, "BEG")
    assert codes is not None
    finding = Finding(_issue(Code.INVALID_DATE, "BEG", 2, severity), codes)
    assert finding.blocking is blocking


# -- one message ---------------------------------------------------------------------


def test_message_plan_files_findings_by_segment_position() -> None:
    """Findings are grouped per segment, in position order, elements under their segment."""
    issues = [
        _issue(Code.MISSING_SEGMENT, "PO1", 5, loop="PO1"),
        _issue(Code.INVALID_DATE, "BEG", 2, element=5, value="20251301"),
        _issue(Code.CONDITIONAL_MISSING, "N1", 3, loop="N1", element=2),
        _issue(Code.MISSING_ELEMENT, "BEG", 2, element=3, element_id="324"),
    ]
    plan = plan_message(_message(), issues)
    assert [(s.tag, s.position, s.loop) for s in plan.segments] == [
        ("BEG", 2, None), ("N1", 3, "N1"), ("PO1", 5, "PO1")]
    beg, n1, po1 = plan.segments
    assert [f.issue.code for f in beg.elements] == [Code.INVALID_DATE, Code.MISSING_ELEMENT]
    assert beg.segment == []
    assert [f.issue.code for f in n1.elements] == [Code.CONDITIONAL_MISSING]
    assert [f.issue.code for f in po1.segment] == [Code.MISSING_SEGMENT]
    assert po1.elements == []
    assert plan.findings == []


def test_same_position_different_tag_are_separate_segments() -> None:
    """A missing segment reported where another segment stands gets its own report."""
    issues = [_issue(Code.MISSING_SEGMENT, "DTM", 3), _issue(Code.TOO_LONG, "N1", 3, element=2)]
    plan = plan_message(_message(), issues)
    assert [(s.tag, s.position) for s in plan.segments] == [("DTM", 3), ("N1", 3)]


def test_message_level_findings_stay_on_the_message() -> None:
    """Trailer problems (SE count, reference) are message-level findings, not segments."""
    issues = [_issue(Code.COUNT_MISMATCH, "SE", 5, element=1, value="9")]
    plan = plan_message(_message(), issues)
    assert plan.segments == []
    assert [(f.issue.code, f.codes.level) for f in plan.findings] == [
        (Code.COUNT_MISMATCH, AckLevel.MESSAGE)]
    assert plan.status is Status.REJECTED


def test_unacknowledged_issues_are_left_out_of_the_plan() -> None:
    """Issues the code table does not map (an unlisted code) leave the message accepted."""
    issues = [_issue(Code.UNKNOWN_CODE, "BEG", 2, element=2, value="XX"),
              _issue(Code.WRAPPED_SEGMENT, "BEG")]
    plan = plan_message(_message(), issues)
    assert plan.segments == [] and plan.findings == []
    assert plan.status is Status.ACCEPTED


@pytest.mark.parametrize(("severities", "status"), [
    ([], Status.ACCEPTED),
    ([Severity.WARNING], Status.ACCEPTED_WITH_ERRORS),
    ([Severity.WARNING, Severity.ERROR], Status.REJECTED),
    ([Severity.FATAL], Status.REJECTED),
])
def test_message_status_follows_its_worst_finding(severities: list[Severity],
                                                  status: Status) -> None:
    """Any blocking finding rejects the message; only warnings accept it with errors."""
    issues = [_issue(Code.INVALID_CODE, "BEG", 2, s, element=1) for s in severities]
    assert plan_message(_message(), issues).status is status


# -- groups and interchange ----------------------------------------------------------


def test_clean_interchange_is_accepted_at_every_level() -> None:
    """A valid interchange plans to accepted interchange, group and set."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"))))
    (group,) = plan.groups
    (message,) = group.messages
    assert (plan.status, group.status, message.status) == (Status.ACCEPTED,) * 3
    assert plan.findings == [] and group.findings == [] and group.accepted == 1


def test_one_rejected_set_of_two_partially_accepts_the_group() -> None:
    """Some but not all sets rejected makes the group P; accepted counts the others."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"), BAD_SET.format(ref="0002"))))
    (group,) = plan.groups
    assert [m.status for m in group.messages] == [Status.ACCEPTED, Status.REJECTED]
    assert group.status is Status.PARTIALLY_ACCEPTED
    assert group.accepted == 1


def test_all_sets_rejected_rejects_the_group() -> None:
    """Group status is R when every set is rejected."""
    plan = _plan(_x12(_group(BAD_SET.format(ref="0001"), BAD_SET.format(ref="0002"))))
    (group,) = plan.groups
    assert group.status is Status.REJECTED and group.accepted == 0


def test_group_trailer_problem_rejects_the_group_not_its_sets() -> None:
    """A GE count mismatch is a group finding rejecting the group, not its sets."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"), count=2)))
    (group,) = plan.groups
    assert [(f.issue.code, f.issue.location.segment) for f in group.findings] == [
        (Code.COUNT_MISMATCH, "GE")]
    assert group.status is Status.REJECTED
    assert [m.status for m in group.messages] == [Status.ACCEPTED]
    assert plan.status is Status.ACCEPTED and plan.findings == []


def test_empty_group_warning_accepts_the_group_with_errors() -> None:
    """A non-blocking group finding (an empty group) gives accepted with errors."""
    plan = _plan(_x12(_group()))
    (group,) = plan.groups
    assert [f.issue.code for f in group.findings] == [Code.EMPTY_ENVELOPE]
    assert group.status is Status.ACCEPTED_WITH_ERRORS


def test_interchange_trailer_problem_rejects_the_interchange() -> None:
    """An IEA reference mismatch is an interchange finding and rejects the interchange."""
    text = _x12(_group(GOOD_SET.format(ref="0001"))).replace("IEA*1*000000001",
                                                             "IEA*1*000000002")
    plan = _plan(text)
    assert [(f.issue.code, f.codes.ta1) for f in plan.findings] == [
        (Code.REFERENCE_MISMATCH, "001")]
    assert plan.status is Status.REJECTED
    assert plan.groups[0].status is Status.ACCEPTED


def test_set_trailer_problem_is_filed_with_its_set() -> None:
    """An SE count mismatch is a finding of that set, which is rejected."""
    text = _x12(_group(GOOD_SET.format(ref="0001").replace("SE*4", "SE*7")))
    (message,) = _plan(text).messages()
    assert [(f.issue.code, f.codes.x997) for f in message.findings] == [
        (Code.COUNT_MISMATCH, "4")]
    assert message.status is Status.REJECTED


def test_message_findings_filed_higher_by_the_table_move_up() -> None:
    """Message issues the table files at group or interchange level move up there."""
    message = _message()
    interchange = Interchange("x12", X12_DEFAULT, Segment.of("ISA"), [])
    group = Group(Segment.of("GS", "PO", "S", "R", "20250101", "1200", "1", "X", "004010"),
                  [message])
    interchange.groups.append(group)
    issues = {id(message): [
        _issue(Code.MISSING_HEADER, "SE"),  # table: group level (997 AK905 1)
        _issue(Code.MISSING_HEADER, "UNT"),  # table: interchange level
        _issue(Code.COUNT_MISMATCH, "SE", 5),  # message level
    ]}
    plan = plan_interchange(interchange, [], issues)
    (gplan,) = plan.groups
    assert [f.issue.location.segment for f in gplan.findings] == ["SE"]
    assert [f.issue.location.segment for f in plan.findings] == ["UNT"]
    assert [f.issue.code for f in gplan.messages[0].findings] == [Code.COUNT_MISMATCH]


def test_interchange_issues_reach_the_message_they_name() -> None:
    """A message issue found outside the message is filed with the message it names."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"), GOOD_SET.format(ref="0002"))))
    issue = _issue(Code.DUPLICATE_REFERENCE, "ST", message="0002", group="1")
    again = plan_interchange(plan.interchange, [issue], {})
    first, second = again.messages()
    assert first.findings == []
    assert [f.issue.code for f in second.findings] == [Code.DUPLICATE_REFERENCE]
    assert second.status is Status.REJECTED  # a duplicate in one file is an error


def test_issues_naming_no_known_group_or_message_stay_with_the_interchange() -> None:
    """Group or message issues naming no known owner stay with the interchange."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"))))
    issues = [_issue(Code.COUNT_MISMATCH, "GE", group="99"),
              _issue(Code.COUNT_MISMATCH, "SE", message="9999")]
    again = plan_interchange(plan.interchange, issues, {})
    assert [f.issue.location.segment for f in again.findings] == ["GE", "SE"]
    assert again.groups[0].findings == []


def test_interchange_warning_accepts_with_errors() -> None:
    """A non-blocking interchange finding accepts with errors."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"))))
    warning = _issue(Code.BAD_INTERCHANGE_DATE, "ISA", severity=Severity.WARNING)
    again = plan_interchange(plan.interchange, [warning], {})
    assert [(f.issue.code, f.codes.ta1) for f in again.findings] == [
        (Code.BAD_INTERCHANGE_DATE, "014")]
    assert again.status is Status.ACCEPTED_WITH_ERRORS


def test_duplicate_interchange_reference_in_one_file_rejects_it() -> None:
    """An ISA13 used twice in one file: TA1 025 on the second, which is rejected."""
    text = _x12(_group(GOOD_SET.format(ref="0001")))
    report = inspect((text + text).encode())
    assert report.edi is not None
    second = report.edi.interchanges[1]
    plan = plan_interchange(second, report.edi.interchange_issues(second),
                            report.edi.by_message)
    assert [(f.issue.code, f.codes.ta1) for f in plan.findings] == [
        (Code.DUPLICATE_REFERENCE, "025")]
    assert plan.status is Status.REJECTED


def test_messages_lists_every_set_in_group_order() -> None:
    """InterchangePlan.messages walks the groups in order."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"), ref="1"),
                      _group(GOOD_SET.format(ref="0001"), GOOD_SET.format(ref="0002"), ref="2")))
    assert [m.message.reference for m in plan.messages()] == ["0001", "0001", "0002"]
    assert [g.group.reference for g in plan.groups] == ["1", "2"]


def test_duplicate_set_reference_is_filed_with_the_duplicate() -> None:
    """Code 23 (control number not unique) concerns the second set with that number."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001"), GOOD_SET.format(ref="0001"))))
    first, second = plan.messages()
    assert [f.issue.code for f in second.findings] == [Code.DUPLICATE_REFERENCE]
    assert first.findings == []


def test_duplicate_group_reference_is_filed_with_the_duplicate() -> None:
    """A duplicate group control number concerns the second group with that number."""
    plan = _plan(_x12(_group(GOOD_SET.format(ref="0001")), _group(GOOD_SET.format(ref="0001"))))
    first, second = plan.groups
    assert [f.issue.code for f in second.findings] == [Code.DUPLICATE_REFERENCE]
    assert first.findings == []

