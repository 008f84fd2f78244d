"""Validating messages against the bundled standards: each schema issue code the
validator raises, with its location; the quick pass and the full check agreeing;
numbers, dates and times; syntax notes; and clean real messages."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.edi.envelope import Scope
from gateway.edi.issues import Code, Issue, Severity
from gateway.edi.reader import read
from gateway.edi.schema import validator as validator_module
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import (
    Directory,
    ElementDef,
    GroupNode,
    Member,
    MessageDef,
    Rule,
    RuleKind,
    SegmentDef,
    SegmentNode,
    Usage,
)
from gateway.edi.schema.validator import (
    Context,
    MessageValidator,
    Placed,
    Schemas,
    check_date_format,
    check_message,
    validate_message,
)
from gateway.edi.tree import Message, Segment

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = Schemas(load_directory)
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# -- building and checking messages ------------------------------------------------


def edifact(*segments: str, message: str = "ORDERS:D:96A:UN", una: str = "",
            syntax: str = "3") -> bytes:
    """One EDIFACT message in an interchange, with a correct UNT count."""
    body = "".join(s + "'" for s in segments)
    return (f"{una}UNB+UNOC:{syntax}+SENDER+RECEIVER+250101:1200+1'UNH+1+{message}'{body}"
            f"UNT+{len(segments) + 2}+1'UNZ+1+1'").encode("latin-1")


def x12(*segments: str, st: str = "850", version: str = "004010") -> bytes:
    """One X12 transaction set in a group and interchange; 005010 declares '^' as the
    repetition separator, 004010 has none. The component separator is '>'."""
    isa_version, repetition = ("00501", "^") if version.startswith("005") else ("00401", "U")
    isa = (f"ISA*00*{'':10}*00*{'':10}*ZZ*{'SENDER':<15}*ZZ*{'RECEIVER':<15}*250101*1200*"
           f"{repetition}*{isa_version}*000000001*0*P*>~")
    body = "".join(s + "~" for s in segments)
    return (f"{isa}GS*PO*SENDER*RECEIVER*20250101*1200*1*X*{version}~ST*{st}*0001~{body}"
            f"SE*{len(segments) + 2}*0001~GE*1*1~IEA*1*000000001~").encode("latin-1")


def the_message(data: bytes) -> tuple[Message, Context]:
    """The only message of ``data`` (read without any syntax or envelope issue but
    the warning for a separator after a segment's last value, which generated
    segments may have) and its validation context, as the gateway builds it."""
    result = read(data)
    assert [i for i in result.issues if i.code is not Code.TRAILING_SEPARATOR] == [], \
        result.issues
    [interchange] = result.interchanges
    [group] = interchange.groups
    [message] = group.messages
    scope = Scope(interchange.reference or None, group.reference or None,
                  message.reference or None)
    return message, Context(scope, interchange.delimiters.decimal, interchange.standard)


def check(data: bytes) -> tuple[list[Issue], Placed | None]:
    message, context = the_message(data)
    return check_message(message, context, SCHEMAS)


def validate(data: bytes) -> list[Issue]:
    return check(data)[0]


@contextmanager
def full_check_only() -> Iterator[None]:
    """Turn the quick pass off: every segment and value takes the full check."""
    with mock.patch.object(validator_module, "_plainly_fine", lambda *_: False), \
            mock.patch.object(validator_module, "_plainly_valid", lambda *_: False):
        yield


Spot = tuple[Any, ...]


class _Unchecked:
    """Equal to anything: for the element_id of syntax-note and DATE findings, which
    the validator leaves empty (see test_syntax_note_findings_name_the_data_element)."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<any>"


ANY_ID: Any = _Unchecked()


def at(issue: Issue) -> Spot:
    """An issue as (code, severity, segment, position, loop, element, component,
    repetition, element_id)."""
    loc = issue.location
    return (issue.code, issue.severity, loc.segment, loc.position, loc.loop, loc.element,
            loc.component, loc.repetition, loc.element_id)


def spot(code: Code, *where: Any, severity: Severity | None = None) -> Spot:
    """The expected issue: ``where`` is segment, position, loop, element, component,
    repetition and element_id, trailing ones left out when absent; the severity is
    the code's own unless given."""
    assert 2 <= len(where) <= 7
    return (code, severity or code.severity, *where, *[None] * (7 - len(where)))


def spots(issues: list[Issue]) -> list[Spot]:
    return [at(i) for i in issues]


# An ORDERS D96A header (positions 2 and 3) and the section separator after the body.
HEAD = ("BGM+220+PO1+9", "DTM+137:20250101:102")


def orders(*body: str, una: str = "", syntax: str = "3") -> bytes:
    """BGM (2), DTM (3), the body from position 4, then UNS."""
    return edifact(*HEAD, *body, "UNS+S", una=una, syntax=syntax)


# An X12 850: BEG at position 2; every purchase order needs a PO1 loop.
BEG = "BEG*00*SA*PO1**20250101"
LINE = "PO1*1*24*EA*12.50"


def po(*body: str, version: str = "004010") -> bytes:
    """BEG (2) and the body from position 3."""
    return x12(BEG, *body, version=version)


# -- clean messages ----------------------------------------------------------------


def test_a_clean_edifact_order_has_no_issue_and_is_placed() -> None:
    """A correct ORDERS D96A gives no issue and its instance tree, placed with D96A."""
    issues, placed = check(orders("NAD+BY+5412345000013::9", "RFF+VA:BE0123456749",
                                  "LIN+1++4012345100013:EN", "QTY+21:48:PCE",
                                  "PRI+AAA:4.79", "LIN+2++4012345100020:EN",
                                  "QTY+21:30"))
    assert issues == []
    assert placed is not None and placed.version == "D96A"
    assert [g.id for g in placed.tree.groups("SG25")] == ["SG25", "SG25"]


def test_a_clean_x12_order_has_no_issue() -> None:
    """A correct 850 004010 gives no issue."""
    issues, placed = check(po("CUR*BY*USD", "REF*DP*042", "DTM*002*20250102*1330",
                              "N1*ST*NORTHWIND DC 7*92*0007", "N3*2200 COMMERCE PKWY",
                              "N4*COLUMBUS*OH*43219*US", LINE, "PID*F****BOTTLE", "CTT*1"))
    assert issues == []
    assert placed is not None and placed.version == "004010"


SAMPLES = sorted([*(ROOT / "samples" / "edifact").glob("*.edi"),
                  *(ROOT / "samples" / "x12").glob("*.x12")])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_golden_samples_validate_without_errors(path: Path) -> None:
    """Every message of the golden EDIFACT and X12 samples passes the schema check:
    no error, at most warnings for codes the gateway does not know."""
    result = read(path.read_bytes())
    assert not any(i.blocking for i in result.issues)
    count = 0
    for interchange in result.interchanges:
        for group in interchange.groups:
            for message in group.messages:
                context = Context(Scope(), interchange.delimiters.decimal,
                                  interchange.standard)
                issues, placed = check_message(message, context, SCHEMAS)
                assert placed is not None, f"no schema for {message.type} {message.version}"
                errors = [str(i) for i in issues if i.severity is not Severity.WARNING]
                assert errors == []
                assert {i.code for i in issues} <= {Code.UNKNOWN_CODE}
                count += 1
    assert count >= 1


def test_samples_are_found() -> None:
    """The golden samples are there to be checked (both standards)."""
    assert {p.suffix for p in SAMPLES} == {".edi", ".x12"}


# -- which schema serves a message -----------------------------------------------------


def test_contrl_syntax_versions_are_served_by_their_directories() -> None:
    """CONTRL D:3 is validated with the syntax 3 service directory and CONTRL 4:1
    with the syntax 4 one, through the aliases."""
    uci = "UCI+1+SENDER+RECEIVER+7"
    issues, placed = check(edifact(uci, message="CONTRL:D:3:UN"))
    assert issues == [] and placed is not None and placed.version == "syntax3"
    issues, placed = check(edifact(uci, message="CONTRL:4:1:UN", syntax="4"))
    assert issues == [] and placed is not None and placed.version == "syntax4"
    validator = SCHEMAS.validator("edifact", "D3", "CONTRL")
    assert validator is not None and validator.directory.version == "syntax3"
    assert SCHEMAS.validator("edifact", "D3", "CONTRL") is validator


def test_a_message_without_schema_is_a_warning_at_its_header() -> None:
    """A message type or version with no data gives one warning located at its
    header, and no instance tree."""
    issues, placed = check(edifact(*HEAD, message="ORDERS:D:99Z:UN"))
    assert spots(issues) == [spot(Code.UNKNOWN_MESSAGE, "UNH", 1, severity=Severity.WARNING)]
    assert placed is None
    issues, placed = check(x12("AK1*PO*1", st="999"))
    assert spots(issues) == [spot(Code.UNKNOWN_MESSAGE, "ST", 1)]
    assert not issues[0].blocking
    assert SCHEMAS.validator("x12", "004010", "999") is None


def test_validate_message_is_check_message_without_the_tree() -> None:
    """validate_message gives the same issues as check_message."""
    message, context = the_message(orders("PAI+::1", "PAI+::1"))
    assert validate_message(message, context, SCHEMAS) == check_message(
        message, context, SCHEMAS)[0] != []


def test_issues_carry_the_envelope_references_and_file_position() -> None:
    """A schema issue names interchange and message references, and the line and
    column where its segment starts."""
    data = orders("PAI+::1", "PAI+::1")
    [issue] = validate(data)
    loc = issue.location
    assert (loc.interchange, loc.message) == ("1", "1")
    assert loc.line == 1 and loc.column == data.rindex(b"PAI") + 1
    assert "PAI" in issue.message


# -- structure: EDIFACT ------------------------------------------------------------------


def test_edifact_missing_segment_is_reported_where_it_was_skipped() -> None:
    """A mandatory segment skipped over is reported at the position of the segment
    that follows the gap."""
    assert spots(validate(edifact("BGM+220+PO1+9", "UNS+S"))) == [
        spot(Code.MISSING_SEGMENT, "DTM", 3)]


def test_edifact_missing_segment_at_the_end_is_reported_at_the_trailer() -> None:
    """A mandatory segment still missing when the message ends is reported at the
    position of UNT."""
    assert spots(validate(edifact(*HEAD))) == [spot(Code.MISSING_SEGMENT, "UNS", 4)]


def test_edifact_missing_segment_at_the_end_of_a_group_is_located_in_the_group() -> None:
    """A mandatory segment missing at the end of a group is reported at the position
    of the segment that closed the group, with the group as loop."""
    issues = validate(edifact(*HEAD, "UNS+S", "ALC+A", "ALC+C", "MOA+8:10"))
    assert spots(issues) == [spot(Code.MISSING_SEGMENT, "MOA", 6, "SG54")]


def test_edifact_missing_mandatory_groups_are_reported_by_trigger() -> None:
    """A mandatory group that never occurs is reported once, by its trigger tag with
    the group as loop."""
    issues = validate(edifact("BGM+73+SR1+9", "DTM+137:20250101:102",
                              message="SLSRPT:D:96A:UN"))
    assert spots(issues) == [spot(Code.MISSING_SEGMENT, "NAD", 4, "SG1"),
                             spot(Code.MISSING_SEGMENT, "LOC", 4, "SG5")]


def test_edifact_unknown_segment_tag() -> None:
    """A tag the directory does not define is unrecognized, located where it stands."""
    assert spots(validate(orders("ZZZ+1"))) == [spot(Code.UNRECOGNIZED_SEGMENT, "ZZZ", 4)]


def test_edifact_segment_of_another_message() -> None:
    """A segment of the directory that the message type does not use has no place in
    it."""
    assert spots(validate(orders("STS+1"))) == [spot(Code.SEGMENT_NOT_IN_MESSAGE, "STS", 4)]


def test_edifact_segment_out_of_order() -> None:
    """A segment of the message in a place it cannot follow is out of order; its loop
    is the group open at that point."""
    assert spots(validate(edifact(*HEAD, "UNS+S", "FTX+AAI+++TEXT"))) == [
        spot(Code.SEGMENT_OUT_OF_ORDER, "FTX", 5)]
    assert spots(validate(orders("NAD+BY+5412345000013::9", "DTM+2:20250102:102"))) == [
        spot(Code.SEGMENT_OUT_OF_ORDER, "DTM", 5, "SG2")]


def test_edifact_unplaced_segments_still_have_their_elements_checked() -> None:
    """A segment out of order is still checked against its definition."""
    assert spots(validate(edifact(*HEAD, "UNS+S", "FTX+AAI+++TEXT:" + "X" * 71))) == [
        spot(Code.SEGMENT_OUT_OF_ORDER, "FTX", 5),
        spot(Code.TOO_LONG, "FTX", 5, None, 4, 2, None, "4440")]


def test_edifact_segment_too_often() -> None:
    """A segment repeated beyond its max use is reported at the first occurrence too
    many."""
    assert spots(validate(orders("PAI+::1", "PAI+::1"))) == [
        spot(Code.SEGMENT_TOO_OFTEN, "PAI", 5)]


def test_edifact_group_too_often() -> None:
    """A group repeated beyond its max use is reported at the trigger of the
    occurrence too many, with the group as loop."""
    assert spots(validate(orders("ALC+A", "QTY+1:5", "QTY+1:6"))) == [
        spot(Code.GROUP_TOO_OFTEN, "QTY", 6, "SG19")]


def test_edifact_a_tag_listed_twice_goes_to_its_second_place() -> None:
    """DELFOR lists UNS before and after the optional detail groups; with no detail,
    the second UNS is its second place, not a repeat of the first."""
    data = edifact("BGM+241+DF1+9", "DTM+137:20250101:102", "UNS+D", "UNS+S",
                   message="DELFOR:D:96A:UN")
    assert validate(data) == []


# -- structure: X12 --------------------------------------------------------------------


def test_x12_missing_segment() -> None:
    """A missing mandatory BEG is reported at the position of the segment after it."""
    assert spots(validate(x12("CUR*BY*USD", LINE))) == [spot(Code.MISSING_SEGMENT, "BEG", 2)]


def test_x12_missing_mandatory_loop() -> None:
    """A purchase order without its mandatory PO1 loop is reported at SE, with the loop."""
    assert spots(validate(po())) == [spot(Code.MISSING_SEGMENT, "PO1", 3, "PO1")]


def test_x12_missing_segment_at_the_end_of_a_loop() -> None:
    """A mandatory segment missing at the end of a loop (LQ after LM) is reported at
    the position of the segment that closed the loop."""
    assert spots(validate(po(LINE, "LM*AB", "PO1*2*1*EA*1"))) == [
        spot(Code.MISSING_SEGMENT, "LQ", 5, "LM")]


def test_x12_unknown_segment_tag() -> None:
    """A tag the 004010 directory does not define is unrecognized."""
    assert spots(validate(po("ZZZ*1", LINE))) == [spot(Code.UNRECOGNIZED_SEGMENT, "ZZZ", 3)]


def test_x12_segment_of_another_transaction_set() -> None:
    """An invoice's BIG has no place in an 850."""
    assert spots(validate(po("BIG*20250101*INV1", LINE))) == [
        spot(Code.SEGMENT_NOT_IN_MESSAGE, "BIG", 3)]


def test_x12_segment_out_of_order() -> None:
    """REF after DTM in the heading cannot be placed: out of order."""
    assert spots(validate(po("DTM*002*20250102", "REF*DP*042", LINE))) == [
        spot(Code.SEGMENT_OUT_OF_ORDER, "REF", 4)]


def test_x12_segment_too_often() -> None:
    """A second CUR in the heading (max use 1) is too often."""
    assert spots(validate(po("CUR*BY*USD", "CUR*BY*USD", LINE))) == [
        spot(Code.SEGMENT_TOO_OFTEN, "CUR", 4)]


def test_x12_loop_too_often() -> None:
    """A second CTT loop (max use 1) is a loop too often, located by its trigger."""
    assert spots(validate(po(LINE, "CTT*1", "CTT*1"))) == [
        spot(Code.GROUP_TOO_OFTEN, "CTT", 5, "CTT")]


# -- elements: EDIFACT ---------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(orders("NAD++5412345000013::9"),
                 spot(Code.MISSING_ELEMENT, "NAD", 4, "SG2", 1, None, None, "3035"),
                 id="missing-simple-element"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM+:20250101:102", "UNS+S"),
                 spot(Code.MISSING_ELEMENT, "DTM", 3, None, 1, 1, None, "2005"),
                 id="missing-component"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM", "UNS+S"),
                 spot(Code.MISSING_ELEMENT, "DTM", 3, None, 1, None, None, "C507"),
                 id="missing-composite"),
    pytest.param(edifact("BGM+220+" + "P" * 36 + "+9", HEAD[1], "UNS+S"),
                 spot(Code.TOO_LONG, "BGM", 2, None, 2, None, None, "1004"),
                 id="too-long"),
    pytest.param(orders("LIN+1", "QTY+21:48:ABCD"),
                 spot(Code.TOO_LONG, "QTY", 5, "SG25", 1, 3, None, "6411"),
                 id="too-long-component"),
    pytest.param(orders("LIN+1", "QTY+21:4A8"),
                 spot(Code.INVALID_NUMBER, "QTY", 5, "SG25", 1, 2, None, "6060"),
                 id="not-a-number"),
    pytest.param(orders("LIN+1", "QTY+21:1234567890123456"),
                 spot(Code.TOO_LONG, "QTY", 5, "SG25", 1, 2, None, "6060"),
                 id="number-too-long"),
    pytest.param(edifact("BGM+220+PO1+99", HEAD[1], "UNS+S"),
                 spot(Code.INVALID_CODE, "BGM", 2, None, 3, None, None, "1225"),
                 id="code-not-in-complete-list"),
    pytest.param(orders("NAD+BY+5412345000013::999"),
                 spot(Code.INVALID_CODE, "NAD", 4, "SG2", 2, 3, None, "3055"),
                 id="component-code-not-in-list"),
    pytest.param(orders("NAD+QQQ"),
                 spot(Code.INVALID_CODE, "NAD", 4, "SG2", 1, None, None, "3035"),
                 id="qualifier-not-in-the-directory"),
    pytest.param(edifact(*HEAD, "NAD+QQQ", "UNS+S", message="ORDERS:D:96A:UN:EAN008"),
                 spot(Code.UNKNOWN_CODE, "NAD", 4, "SG2", 1, None, None, "3035",
                      severity=Severity.WARNING),
                 id="code-an-association-subset-may-add"),
    pytest.param(edifact(*HEAD, "TOD+6++XYZ", "UNS+S", message="ORDERS:D:01B:UN"),
                 spot(Code.UNKNOWN_CODE, "TOD", 4, "SG12", 3, 1, None, "4053",
                      severity=Severity.WARNING),
                 id="code-not-in-an-open-list"),
    pytest.param(edifact("BGM+ZZ1::6+PO1+9", HEAD[1], "UNS+S"),
                 spot(Code.INVALID_CODE, "BGM", 2, None, 1, 1, None, "1001"),
                 id="code-of-the-un-agency-list"),
    pytest.param(edifact("BGM+ZZ1:X1+PO1+9", HEAD[1], "UNS+S"),
                 spot(Code.INVALID_CODE, "BGM", 2, None, 1, 2, None, "1131"),
                 id="code-list-not-in-the-directory"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM+137:20250230:102", "UNS+S"),
                 spot(Code.INVALID_DATE, "DTM", 3, None, 1, 2, None, ANY_ID),
                 id="date-not-a-calendar-day"),
    pytest.param(edifact("BGM+220+PO1+9+AB+X", HEAD[1], "UNS+S"),
                 spot(Code.TOO_MANY_ELEMENTS, "BGM", 2, None, 5),
                 id="too-many-elements"),
    pytest.param(edifact("BGM+220+PO1:X+9", HEAD[1], "UNS+S"),
                 spot(Code.TOO_MANY_COMPONENTS, "BGM", 2, None, 2, 2, None, "1004"),
                 id="components-in-simple-element"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM+137:20250101:102:X", "UNS+S"),
                 spot(Code.TOO_MANY_COMPONENTS, "DTM", 3, None, 1, 4, None, "C507"),
                 id="too-many-components"),
    pytest.param(orders("NAD+BY+5412345000013*4012345000016::9", una="UNA:+.?*'",
                        syntax="4"),
                 spot(Code.TOO_MANY_REPETITIONS, "NAD", 4, "SG2", 2, None, 2, "C082"),
                 id="too-many-repetitions"),
])
def test_edifact_element_issue_and_its_location(body: bytes, expected: Spot) -> None:
    """Each element-level rule of the standard gives exactly one issue, with its
    code, severity, segment position, loop, element, component, repetition and the
    data element's id."""
    assert spots(validate(body)) == [expected]
    with full_check_only():
        assert spots(validate(body)) == [expected]


def test_a_digit_in_an_alphabetic_code_breaks_two_rules() -> None:
    """UNS 0081 is a1 with the codes D and S: '1' is a digit where letters go and
    not one of its codes."""
    expected = [spot(Code.INVALID_CHARACTER, "UNS", 4, None, 1, None, None, "0081"),
                spot(Code.INVALID_CODE, "UNS", 4, None, 1, None, None, "0081")]
    assert spots(validate(edifact(*HEAD, "UNS+1"))) == expected
    with full_check_only():
        assert spots(validate(edifact(*HEAD, "UNS+1"))) == expected


@pytest.mark.parametrize("bgm", ["BGM+ZZ1::9+PO1+9", "BGM+ZZ1::91+PO1+9", "BGM+ZZ1:ZZZ+PO1+9"])
def test_a_code_from_another_agencys_list_is_not_checked_against_the_directory(
        bgm: str) -> None:
    """A code whose composite names another agency (3055 other than 6, UN/ECE) or a
    code list of its own (1131) is from that list: not an issue of the directory's."""
    body = edifact(bgm, HEAD[1], "UNS+S")
    assert validate(body) == []
    with full_check_only():
        assert validate(body) == []


def test_edifact_issue_value_is_the_value_found() -> None:
    """A value issue carries the value as received."""
    [issue] = validate(orders("LIN+1", "QTY+21:4A8"))
    assert issue.location.value == "4A8"
    [issue] = validate(edifact("BGM+220+PO1+9", "DTM+137:20250230:102", "UNS+S"))
    assert issue.location.value == "20250230"


# -- elements: X12 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(po("N1**NORTHWIND", LINE),
                 spot(Code.MISSING_ELEMENT, "N1", 3, "N1", 1, None, None, "98"),
                 id="missing-element"),
    pytest.param(po(LINE, "QTY*01*5*>2"),
                 spot(Code.MISSING_ELEMENT, "QTY", 4, "QTY", 3, 1, None, "355"),
                 id="missing-component"),
    pytest.param(x12("BEG*00*SA*" + "P" * 23 + "**20250101", LINE),
                 spot(Code.TOO_LONG, "BEG", 2, None, 3, None, None, "324"),
                 id="too-long"),
    pytest.param(po("N1*ST*NORTHWIND*92*7", LINE),
                 spot(Code.TOO_SHORT, "N1", 3, "N1", 4, None, None, "67"),
                 id="too-short"),
    pytest.param(x12("BEG*00*SA*PO1**250101", LINE),
                 spot(Code.TOO_SHORT, "BEG", 2, None, 5, None, None, "373"),
                 id="short-date"),
    pytest.param(po(LINE, "CTT*A1"),
                 spot(Code.INVALID_NUMBER, "CTT", 4, "CTT", 1, None, None, "354"),
                 id="N0-not-a-number"),
    pytest.param(po("ITD*01*3*2**10**30*1X5", LINE),
                 spot(Code.INVALID_NUMBER, "ITD", 3, None, 8, None, None, "362"),
                 id="N2-not-a-number"),
    pytest.param(po(LINE, "CTT*1234567"),
                 spot(Code.TOO_LONG, "CTT", 4, "CTT", 1, None, None, "354"),
                 id="N0-too-long"),
    pytest.param(po("PO1*1*2X*EA*12.50"),
                 spot(Code.INVALID_NUMBER, "PO1", 3, "PO1", 2, None, None, "330"),
                 id="R-not-a-number"),
    pytest.param(po("PO1*1*24*EA*12.5.0"),
                 spot(Code.INVALID_NUMBER, "PO1", 3, "PO1", 4, None, None, "212"),
                 id="R-two-points"),
    pytest.param(x12("BEG*00*SA*PO1**20250230", LINE),
                 spot(Code.INVALID_DATE, "BEG", 2, None, 5, None, None, "373"),
                 id="DT-not-a-calendar-day"),
    pytest.param(po("DTM*002*20250102*2460", LINE),
                 spot(Code.INVALID_TIME, "DTM", 3, None, 3, None, None, "337"),
                 id="TM-minute-60"),
    pytest.param(po("DTM*002*20250102*12345", LINE),
                 spot(Code.INVALID_TIME, "DTM", 3, None, 3, None, None, "337"),
                 id="TM-five-digits"),
    pytest.param(po(LINE, "PID*Q****BOTTLE"),
                 spot(Code.INVALID_CODE, "PID", 4, "PID", 1, None, None, "349"),
                 id="code-not-in-complete-list"),
    pytest.param(x12("BEG*99*SA*PO1**20250101", LINE),
                 spot(Code.UNKNOWN_CODE, "BEG", 2, None, 1, None, None, "353",
                      severity=Severity.WARNING),
                 id="code-not-in-partial-list"),
    pytest.param(po("N1*ST*NORTHWIND", "N2*A*B*C", LINE),
                 spot(Code.TOO_MANY_ELEMENTS, "N2", 4, "N1", 3),
                 id="too-many-elements"),
    pytest.param(x12("BEG*00*SA*PO1>X**20250101", LINE),
                 spot(Code.TOO_MANY_COMPONENTS, "BEG", 2, None, 3, 2, None, "324"),
                 id="components-in-simple-element"),
    pytest.param(po("REF*DP*042^043", LINE, version="005010"),
                 spot(Code.TOO_MANY_REPETITIONS, "REF", 3, None, 2, None, 2, "127"),
                 id="repeated-simple-element"),
])
def test_x12_element_issue_and_its_location(body: bytes, expected: Spot) -> None:
    """Each element-level rule of X12 gives exactly one issue with its location, the
    same with or without the quick pass."""
    assert spots(validate(body)) == [expected]
    with full_check_only():
        assert spots(validate(body)) == [expected]


def test_x12_repetitions_beyond_the_repeat_count() -> None:
    """CTX01 may repeat 10 times in 005010; the 11th repetition is reported."""
    ctx = "CTX*" + "^".join(["SITUATIONAL TRIGGER"] * 11)
    data = x12("AK1*PO*1*005010X218", "AK2*850*0001", "IK3*N1*5**8", ctx, "IK5*R",
               "AK9*R*1*1*0", st="999", version="005010")
    assert spots(validate(data)) == [
        spot(Code.TOO_MANY_REPETITIONS, "CTX", 5, "IK3", 1, None, 11, "C998")]
    ten = ctx.rsplit("^", 1)[0]
    assert validate(data.replace(ctx.encode(), ten.encode())) == []


# -- syntax notes ------------------------------------------------------------------------


@pytest.mark.parametrize(("segment", "expected"), [
    pytest.param("N1*ST", [spot(Code.CONDITIONAL_MISSING, "N1", 3, "N1", 2, None, None,
                                 ANY_ID)], id="R0203-none-present"),
    pytest.param("N1*ST*NORTHWIND*92",
                 [spot(Code.CONDITIONAL_MISSING, "N1", 3, "N1", 4, None, None, ANY_ID)],
                 id="P0304-half-pair"),
    pytest.param("N1*ST**92*0007", [], id="R0203-one-is-enough"),
    pytest.param("DTM*002*20250102**ET",
                 [spot(Code.CONDITIONAL_MISSING, "DTM", 3, None, 3, None, None, ANY_ID)],
                 id="C0403"),
    pytest.param("ITD*01*3*2",
                 [spot(Code.CONDITIONAL_MISSING, "ITD", 3, None, 4, None, None, ANY_ID)],
                 id="L03040513"),
    pytest.param("ITD*01*3*2*20250301", [], id="L03040513-one-of-the-list"),
])
def test_x12_syntax_notes_in_the_heading(segment: str, expected: list[Spot]) -> None:
    """X12 R, P, C and L notes of the directory are enforced at the element they
    name."""
    assert spots(validate(po(segment, LINE))) == expected


def test_x12_exclusion_note_names_the_second_element_and_its_value() -> None:
    """QTY E0204: quantity and free-form quantity together violate the exclusion, at
    the second of them."""
    [issue] = validate(po(LINE, "QTY*01*5**FIVE"))
    assert at(issue) == spot(Code.EXCLUSION_VIOLATED, "QTY", 4, "QTY", 4, None, None, ANY_ID)
    assert issue.location.value == "FIVE"


def test_x12_conditional_note_inside_the_detail() -> None:
    """PO1 C0302: a unit of measure without a quantity is missing the quantity."""
    assert spots(validate(po("PO1*1**EA"))) == [
        spot(Code.CONDITIONAL_MISSING, "PO1", 3, "PO1", 2, None, None, ANY_ID)]


@pytest.mark.parametrize(("data", "element_id"), [
    pytest.param(po("N1*ST*NORTHWIND*92", LINE), "67", id="x12-paired"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM+137:20250230:102", "UNS+S"), "2380",
                 id="edifact-date"),
])
def test_syntax_note_findings_name_the_data_element(data: bytes, element_id: str) -> None:
    """An issue from a syntax note or a DATE rule names the data element it points at,
    like every other element issue."""
    [issue] = validate(data)
    assert issue.location.element_id == element_id


def _note_directory(rule: Rule) -> tuple[Directory, MessageDef]:
    """A directory whose one segment TST has three optional elements under ``rule``,
    and a message that is that segment."""
    elements = {str(i): ElementDef(str(i), f"Element {i}", "an", 1, 3) for i in (1, 2, 3)}
    members = tuple(Member(str(i), Usage.CONDITIONAL) for i in (1, 2, 3))
    directory = Directory("edifact", "T1", elements=elements,
                          segments={"TST": SegmentDef("TST", "Test", members, (rule,))})
    message = MessageDef("TST", "Test", GroupNode("", Usage.MANDATORY, 1, (
        SegmentNode("TST", Usage.MANDATORY, 1),)))
    return directory, message


def _expected_note(kind: RuleKind, present: tuple[bool, ...]) -> list[tuple[Code, int]]:
    """What the data README says each note requires, as (code, element) findings."""
    there = [i + 1 for i, p in enumerate(present) if p]
    absent = [i + 1 for i, p in enumerate(present) if not p]
    first = present[0]
    miss, excl = Code.CONDITIONAL_MISSING, Code.EXCLUSION_VIOLATED
    if kind is RuleKind.PAIRED:
        return [(miss, e) for e in absent] if there else []
    if kind is RuleKind.REQUIRED:
        return [] if there else [(miss, 1)]
    if kind is RuleKind.EXCLUSION:
        return [(excl, there[1])] if len(there) > 1 else []
    if kind is RuleKind.CONDITIONAL:
        return [(miss, e) for e in absent] if first else []
    if kind is RuleKind.LIST_CONDITIONAL:
        return [(miss, 2)] if first and len(there) == 1 else []
    if kind is RuleKind.ONE_ONLY:
        return [(miss, 1)] if not there else [(excl, there[1])] if len(there) > 1 else []
    assert kind is RuleKind.IF_FIRST_NONE
    return [(excl, e) for e in there[1:]] if first else []


@pytest.mark.parametrize(("note", "kind"), [
    ("D1", RuleKind.ONE_ONLY), ("D2", RuleKind.PAIRED), ("D3", RuleKind.REQUIRED),
    ("D4", RuleKind.EXCLUSION), ("D5", RuleKind.CONDITIONAL),
    ("D6", RuleKind.LIST_CONDITIONAL), ("D7", RuleKind.IF_FIRST_NONE)])
def test_edifact_dependency_notes_for_every_presence_pattern(note: str, kind: RuleKind) -> None:
    """For each EDIFACT dependency note D1..D7 over three elements and each of the
    eight presence patterns, the validator reports exactly what the note requires."""
    directory, message_def = _note_directory(Rule(kind, ("01", "02", "03"), f"{note} 01 02 03"))
    validator = MessageValidator(directory, message_def)
    for present in itertools.product([False, True], repeat=3):
        # Absent trailing elements are left out, separators too, as the syntax wants.
        segment = "+".join(["TST", *("A" if p else "" for p in present)]).rstrip("+")
        message, context = the_message(edifact(segment, message="TST:D:96A:UN"))
        issues, _ = validator.check(message, context)
        found = [(i.code, i.location.element) for i in issues]
        assert found == _expected_note(kind, present), (note, present)
        assert all(i.location.position == 2 and i.location.segment == "TST" for i in issues)


def test_edifact_fixed_length_value_too_short() -> None:
    """A value shorter than a fixed-length representation (an3) is too short, with or
    without the quick pass."""
    elements = {"1": ElementDef("1", "Fixed code", "an", 3, 3)}
    directory = Directory("edifact", "T1", elements=elements, segments={
        "TST": SegmentDef("TST", "Test", (Member("1", Usage.MANDATORY),))})
    message_def = MessageDef("TST", "Test", GroupNode("", Usage.MANDATORY, 1, (
        SegmentNode("TST", Usage.MANDATORY, 1),)))
    validator = MessageValidator(directory, message_def)
    for value, expected in [("AB", [spot(Code.TOO_SHORT, "TST", 2, None, 1, None, None, "1")]),
                            ("ABC", []),
                            ("ABCD", [spot(Code.TOO_LONG, "TST", 2, None, 1, None, None, "1")])]:
        message, context = the_message(edifact(f"TST+{value}", message="TST:D:96A:UN"))
        assert spots(validator.check(message, context)[0]) == expected
        with full_check_only():
            assert spots(validator.check(message, context)[0]) == expected


# -- the quick pass and the full check ----------------------------------------------------


# (a valid segment in its message, the same with one bad value, the issue that value gives)
ONE_BAD_VALUE = [
    pytest.param(lambda s: orders("LIN+1", s), "QTY+21:48:PCE", "QTY+21:48:PCEX",
                 spot(Code.TOO_LONG, "QTY", 5, "SG25", 1, 3, None, "6411"), "PCEX",
                 id="edifact-an"),
    pytest.param(lambda s: orders("LIN+1", s), "QTY+21:48:PCE", "QTY+21:4,8:PCE",
                 spot(Code.INVALID_NUMBER, "QTY", 5, "SG25", 1, 2, None, "6060"), "4,8",
                 id="edifact-n-mark"),
    pytest.param(lambda s: orders("LIN+1", "QTY+21:1", s), "PRI+AAA:4.79",
                 "PRI+AAA:4.7.9",
                 spot(Code.INVALID_NUMBER, "PRI", 6, "SG28", 1, 2, None, "5118"), "4.7.9",
                 id="edifact-n-composite"),
    pytest.param(orders, "NAD+BY+5412345000013::9", "NAD+BY+5412345000013::0",
                 spot(Code.INVALID_CODE, "NAD", 4, "SG2", 2, 3, None, "3055"), "0",
                 id="edifact-code"),
    pytest.param(lambda s: edifact(s, HEAD[1], "UNS+S"), "BGM+220+PO1+9", "BGM+220+PO1+0",
                 spot(Code.INVALID_CODE, "BGM", 2, None, 3, None, None, "1225"), "0",
                 id="edifact-simple-code"),
    pytest.param(po, LINE, "PO1*" + "1" * 21 + "*24*EA*12.50",
                 spot(Code.TOO_LONG, "PO1", 3, "PO1", 1, None, None, "350"), "1" * 21,
                 id="x12-AN"),
    pytest.param(po, LINE, "PO1*1*24*EA*1-2.50",
                 spot(Code.INVALID_NUMBER, "PO1", 3, "PO1", 4, None, None, "212"), "1-2.50",
                 id="x12-R"),
    pytest.param(lambda s: po(s, LINE), "DTM*002*20250102*1330", "DTM*002*20250102*1390",
                 spot(Code.INVALID_TIME, "DTM", 3, None, 3, None, None, "337"), "1390",
                 id="x12-TM"),
    pytest.param(lambda s: x12(s, LINE), BEG, "BEG*00*SA*PO1**20250001",
                 spot(Code.INVALID_DATE, "BEG", 2, None, 5, None, None, "373"), "20250001",
                 id="x12-DT"),
    pytest.param(lambda s: po(LINE, s), "CTT*1", "CTT*-",
                 spot(Code.INVALID_NUMBER, "CTT", 4, "CTT", 1, None, None, "354"), "-",
                 id="x12-N0"),
]


@pytest.mark.parametrize(("build", "good", "bad", "expected", "value"), ONE_BAD_VALUE)
def test_quick_pass_and_full_check_agree_on_one_bad_value(
        build: Any, good: str, bad: str, expected: Spot, value: str) -> None:
    """A valid segment gives no issue; the same segment with one bad value reports
    exactly that value; the quick pass and the full check say the same."""
    for quick in (True, False):
        with nullcontext() if quick else full_check_only():
            assert validate(build(good)) == []
            [issue] = validate(build(bad))
            assert at(issue) == expected
            assert issue.location.value == value


# Segments of the 850 whose elements are AN, ID, R, DT or TM (no Nn: see
# test_x12_implied_decimal_numbers_have_no_decimal_point).
X12_WITHOUT_NN = ["PO1", "BEG", "DTM", "N1", "REF", "PID", "CUR", "QTY", "N4", "PER"]


def test_the_x12_segments_compared_hold_no_implied_decimal_numbers() -> None:
    """The segments of the X12 quick-pass comparison are 850 segments without Nn."""
    x4010 = load_directory("x12", "004010")
    assert x4010 is not None
    for tag in X12_WITHOUT_NN:
        assert tag in x4010.messages["850"].tags()
        for member in x4010.segments[tag].members:
            composite = x4010.composites.get(member.ref)
            refs = [c.ref for c in composite.components] if composite else [member.ref]
            assert not any(x4010.elements[r].kind[:1] == "N" for r in refs), (tag, refs)


_EDIFACT_TEXT = st.one_of(
    st.text("0123456789", max_size=19),
    st.text("0123456789.,-AZ ", max_size=5),
    st.sampled_from(["", "21", "AAA", "137", "102", "203", "20250101", "4.79", "12,5", "-3",
                     "BY", "9", "PCE", "5412345000013", "X" * 36]),
)
_X12_TEXT = st.one_of(
    st.text("0123456789", max_size=18),
    st.text("0123456789.-EAZ ", max_size=5),
    st.sampled_from(["", "01", "EA", "SA", "ST", "92", "F", "1330", "240000", "20250102",
                     "12.50", "-3", "1E3", "X" * 23]),
)


def _segment(tag: str, elements: list[list[str]], element: str, component: str) -> str:
    return element.join([tag, *(component.join(comps) for comps in elements)])


@SETTINGS
@given(st.sampled_from(["QTY", "PRI", "DTM", "NAD", "BGM", "MOA", "RFF", "UNS", "LIN"]),
       st.lists(st.lists(_EDIFACT_TEXT, min_size=1, max_size=4), max_size=6),
       st.sampled_from([".", ","]))
def test_edifact_quick_pass_agrees_with_full_check(tag: str, elements: list[list[str]],
                                                   decimal: str) -> None:
    """For any EDIFACT segment, the quick pass and the full check report the same
    issues (the quick pass only ever skips values the full check would accept)."""
    una = "UNA:+,? '" if decimal == "," else ""
    data = orders("LIN+1", _segment(tag, elements, "+", ":"), una=una)
    quick = spots(validate(data))
    with full_check_only():
        assert spots(validate(data)) == quick


@SETTINGS
@given(st.sampled_from(X12_WITHOUT_NN),
       st.lists(st.lists(_X12_TEXT, min_size=1, max_size=3), max_size=8))
def test_x12_quick_pass_agrees_with_full_check(tag: str, elements: list[list[str]]) -> None:
    """For any X12 segment of AN, ID, R, DT and TM elements, the quick pass and the
    full check report the same issues."""
    data = po(LINE, _segment(tag, elements, "*", ">"))
    quick = spots(validate(data))
    with full_check_only():
        assert spots(validate(data)) == quick


def _noted_segments() -> list[tuple[str, tuple[Rule, ...]]]:
    """Every segment of the bundled directories that has syntax notes."""
    found = []
    for standard, version in (("edifact", "D96A"), ("edifact", "D01B"), ("x12", "004010"),
                              ("x12", "005010")):
        directory = load_directory(standard, version)
        assert directory is not None
        found += [(f"{standard} {version} {tag}", definition.rules)
                  for tag, definition in sorted(directory.segments.items()) if definition.rules]
    return found


NOTED = _noted_segments()
# A note naming one place twice, and a DATE note among dependency notes.
MADE_UP = ("made up", (Rule(RuleKind.EXCLUSION, ("02", "02-1"), "E0202"),
                       Rule(RuleKind.DATE, ("01-1", "01-2"), "date 01"),
                       Rule(RuleKind.EXCLUSION, ("01-1", "03"), "E0103"),
                       Rule(RuleKind.ONE_ONLY, ("02-2", "04"), "D1 02-2 04")))
# One set of prepared notes per segment for the whole run, so that verdicts they
# remember from one example are used in the next.
_PREPARED: dict[str, Any] = {}


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.sampled_from(NOTED), st.just(MADE_UP)),
       st.lists(st.lists(st.sampled_from(["", "A", "20250101", "102", "20250132", "203"]),
                         min_size=1, max_size=4), max_size=30))
def test_notes_judged_together_break_what_each_note_breaks(
        noted: tuple[str, tuple[Rule, ...]], elements: list[list[str]]) -> None:
    """The quick pass judges a segment's syntax notes together, from the places that
    hold a value: for any segment it finds broken exactly the notes that the
    note-by-note check finds broken, in the definition's order."""
    name, rules = noted
    notes = _PREPARED.setdefault(name, validator_module._Notes(rules))
    seg = Segment("TST", elements)
    assert notes.broken(seg) == [r for r in rules if not validator_module._rule_holds(seg, r)]


@pytest.mark.parametrize("value", ["1.5", "12.", ".5"])
def test_x12_implied_decimal_numbers_have_no_decimal_point(value: str) -> None:
    """Nn values carry implied decimals: a written decimal point is not a number of
    that type, with or without the quick pass."""
    expected = [spot(Code.INVALID_NUMBER, "CTT", 4, "CTT", 1, None, None, "354")]
    with full_check_only():
        assert spots(validate(po(LINE, f"CTT*{value}"))) == expected
    assert spots(validate(po(LINE, f"CTT*{value}"))) == expected


@pytest.mark.parametrize("value", ["\u00b2", "1\u00b3", "\u00b9\u00b2"])
def test_superscript_digits_are_not_a_number(value: str) -> None:
    """Numeric values are digits 0-9: UNOC's superscript digits are not a number,
    with or without the quick pass."""
    expected = [spot(Code.INVALID_NUMBER, "QTY", 5, "SG25", 1, 2, None, "6060")]
    with full_check_only():
        assert spots(validate(orders("LIN+1", f"QTY+21:{value}"))) == expected
    assert spots(validate(orders("LIN+1", f"QTY+21:{value}"))) == expected


@pytest.mark.parametrize(("data", "code"), [
    pytest.param(x12("BEG*00*SA*PO1**\u00b20250101", LINE), Code.INVALID_DATE, id="x12-DT"),
    pytest.param(po("DTM*002*20250102*\u00b2330", LINE), Code.INVALID_TIME, id="x12-TM"),
    pytest.param(edifact("BGM+220+PO1+9", "DTM+137:25\u00b201:105", "UNS+S"), Code.INVALID_DATE,
                 id="edifact-YYDDD"),
])
def test_bad_digits_in_dates_are_reported_not_raised(data: bytes, code: Code) -> None:
    """Validation never raises on bad data: odd digits in a date or time are an
    invalid date or time."""
    assert [i.code for i in validate(data)] == [code]


# -- numbers -------------------------------------------------------------------------


def _number(digits: str, mark_at: int | None, negative: bool, mark: str) -> str:
    if mark_at is not None:
        digits = digits[:mark_at] + mark + digits[mark_at:]
    return ("-" if negative else "") + digits


_MARK = st.one_of(st.none(), st.integers(1, 14))


@SETTINGS
@given(st.text("0123456789", min_size=1, max_size=15), _MARK, st.booleans(),
       st.sampled_from([".", ","]))
def test_any_edifact_number_of_allowed_length_passes(digits: str, mark_at: int | None,
                                                     negative: bool, decimal: str) -> None:
    """Any number of 1 to 15 digits passes n..15, whatever its sign and wherever the
    interchange's decimal mark stands: neither counts towards the length."""
    if mark_at is not None and mark_at >= len(digits):
        mark_at = None
    value = _number(digits, mark_at, negative, decimal)
    una = "UNA:+,? '" if decimal == "," else ""
    assert validate(orders("LIN+1", f"QTY+21:{value}", una=una)) == []


@SETTINGS
@given(st.text("0123456789", min_size=16, max_size=25), _MARK, st.booleans())
def test_any_edifact_number_of_more_digits_is_too_long(digits: str, mark_at: int | None,
                                                       negative: bool) -> None:
    """A number of more than 15 digits is too long for n..15, sign and mark aside."""
    value = _number(digits, mark_at, negative, ".")
    assert spots(validate(orders("LIN+1", f"QTY+21:{value}"))) == [
        spot(Code.TOO_LONG, "QTY", 5, "SG25", 1, 2, None, "6060")]


@SETTINGS
@given(st.text("0123456789", min_size=1, max_size=15), st.integers(1, 14))
def test_edifact_decimal_mark_is_the_declared_one(digits: str, mark_at: int) -> None:
    """Under UNA's ',' a number with ',' passes and the same number with '.' is an
    invalid number; without UNA it is the other way round."""
    if mark_at >= len(digits):
        digits += "0" * (mark_at - len(digits) + 1)
        digits = digits[-15:]
        mark_at = min(mark_at, len(digits) - 1)
    comma, point = _number(digits, mark_at, False, ","), _number(digits, mark_at, False, ".")
    bad = [spot(Code.INVALID_NUMBER, "QTY", 5, "SG25", 1, 2, None, "6060")]
    una = "UNA:+,? '"
    assert validate(orders("LIN+1", f"QTY+21:{comma}", una=una)) == []
    assert spots(validate(orders("LIN+1", f"QTY+21:{point}", una=una))) == bad
    assert validate(orders("LIN+1", f"QTY+21:{point}")) == []
    assert spots(validate(orders("LIN+1", f"QTY+21:{comma}"))) == bad


@SETTINGS
@given(st.text("0123456789", min_size=1, max_size=20), _MARK, st.booleans())
def test_x12_real_numbers_count_digits_only(digits: str, mark_at: int | None,
                                            negative: bool) -> None:
    """Any R value passes R 1/15 when it has at most 15 digits, sign and decimal point
    aside, and is too long otherwise."""
    if mark_at is not None and mark_at >= len(digits):
        mark_at = None
    value = _number(digits, mark_at, negative, ".")
    issues = validate(po(f"PO1*1*{value}*EA*12.50"))
    if len(digits) <= 15:
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.TOO_LONG, "PO1", 3, "PO1", 2, None, None, "330")]


@SETTINGS
@given(st.text("0123456789", min_size=1, max_size=9), st.booleans())
def test_x12_whole_numbers_count_digits_only(digits: str, negative: bool) -> None:
    """Any whole number passes N0 1/6 with at most 6 digits, its sign aside, and is too
    long otherwise."""
    value = ("-" if negative else "") + digits
    issues = validate(po(LINE, f"CTT*{value}"))
    if len(digits) <= 6:
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.TOO_LONG, "CTT", 4, "CTT", 1, None, None, "354")]


# -- text and codes ------------------------------------------------------------------------


@SETTINGS
@given(st.text(st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E,
                                       exclude_characters="+:'?"),
                         st.characters(min_codepoint=0xC0, max_codepoint=0xFF)),
               min_size=1, max_size=45))
def test_any_text_fits_an_by_its_length_only(text: str) -> None:
    """Any characters of UNOC pass an..35 when there are at most 35 of them, and are too
    long otherwise. (Latin-1 letters only from 0xC0 up, so that the bytes never read
    as UTF-8.)"""
    issues = validate(edifact(f"BGM+220+{text}+9", HEAD[1], "UNS+S"))
    if len(text) <= 35:
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.TOO_LONG, "BGM", 2, None, 2, None, None, "1004")]


_D96A = load_directory("edifact", "D96A")
assert _D96A is not None
_MESSAGE_FUNCTIONS = sorted(_D96A.elements["1225"].codes or ())


@SETTINGS
@given(st.one_of(st.sampled_from(_MESSAGE_FUNCTIONS), st.text("0123456789AZ", min_size=1,
                                                               max_size=3)))
def test_a_complete_code_list_admits_its_codes_only(code: str) -> None:
    """Every code of a complete list (1225) passes; any other value is an invalid code
    (an error)."""
    issues = validate(edifact(f"BGM+220+PO1+{code}", HEAD[1], "UNS+S"))
    if code in _MESSAGE_FUNCTIONS:
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.INVALID_CODE, "BGM", 2, None, 3, None, None, "1225")]


# -- dates and times -------------------------------------------------------------------------


def _real_day(text: str) -> bool:
    if not (text.isascii() and text.isdigit() and len(text) == 8):
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


_EIGHT = st.one_of(
    st.dates().map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"),
    st.text("0123456789", min_size=8, max_size=8),
    st.text("0123456789A-", min_size=8, max_size=8),
)


@SETTINGS
@given(_EIGHT)
def test_x12_dates_are_real_calendar_days(text: str) -> None:
    """Any CCYYMMDD that is a real calendar day passes DT 8/8 and any other eight
    characters are an invalid date."""
    issues = validate(x12(f"BEG*00*SA*PO1**{text}", LINE))
    if _real_day(text):
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.INVALID_DATE, "BEG", 2, None, 5, None, None, "373")]


@SETTINGS
@given(_EIGHT)
def test_edifact_ccyymmdd_dates_are_real_calendar_days(text: str) -> None:
    """Any CCYYMMDD that is a real calendar day passes DTM format 102 and any other
    eight characters are an invalid date at the date component."""
    issues = validate(edifact("BGM+220+PO1+9", f"DTM+137:{text}:102", "UNS+S"))
    if _real_day(text):
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.INVALID_DATE, "DTM", 3, None, 1, 2, None, ANY_ID)]


@SETTINGS
@given(st.datetimes(min_value=datetime(1000, 1, 1)))
def test_edifact_date_times_pass_their_formats(moment: datetime) -> None:
    """Any real moment written in a format's layout passes that format (102, 203,
    204, 101, 401, 718 as a one-day range)."""
    day = moment.strftime("%Y%m%d")
    for fmt, value in [("102", day), ("203", moment.strftime("%Y%m%d%H%M")),
                       ("204", moment.strftime("%Y%m%d%H%M%S")),
                       ("101", moment.strftime("%y%m%d")), ("401", moment.strftime("%H%M")),
                       ("718", f"{day}-{day}")]:
        assert validate(edifact("BGM+220+PO1+9", f"DTM+137:{value}:{fmt}", "UNS+S")) == [], fmt


@pytest.mark.parametrize(("value", "fmt", "valid"), [
    ("202501012400", "203", True),
    ("2400", "401", True),
    ("202501012401", "203", False),
    ("2500", "401", False),
    ("20240229", "102", True),
    ("20250229", "102", False),
    ("20250101-20250131", "718", True),
    ("2025010120250131", "718", True),
    ("20250101-20250132", "718", False),
    ("24366", "105", True),
    ("25000", "105", False),
    ("2552", "615", True),
    ("2554", "615", False),
    ("202501", "610", True),
    ("202513", "610", False),
    ("2025", "602", True),
    ("20250101", "999", True),
])
def test_edifact_date_formats(value: str, fmt: str, valid: bool) -> None:
    """DTM values are checked against their format qualifier: 24:00 ends a day, leap
    days exist in leap years only, ranges may omit their dash, day-of-year and week
    formats are bounded, and a format the gateway does not check passes."""
    issues = validate(edifact("BGM+220+PO1+9", f"DTM+137:{value}:{fmt}", "UNS+S"))
    codes = [i.code for i in issues if i.code is not Code.INVALID_CODE]
    assert codes == ([] if valid else [Code.INVALID_DATE])


def test_edifact_february_29_is_a_real_month_and_day() -> None:
    """MMDD 0229 names a real day (in leap years) and passes format 106."""
    assert validate(edifact("BGM+220+PO1+9", "DTM+137:0229:106", "UNS+S")) == []


def test_edifact_day_366_of_a_common_year_is_invalid() -> None:
    """YYDDD 25366 is not a calendar day (2025 has 365 days)."""
    issues = validate(edifact("BGM+220+PO1+9", "DTM+137:25366:105", "UNS+S"))
    assert [i.code for i in issues] == [Code.INVALID_DATE]


@SETTINGS
@given(st.text("0123456789", min_size=8, max_size=8), st.sampled_from(["102", "203", "718"]))
def test_check_date_format_agrees_with_the_calendar(value: str, fmt: str) -> None:
    """check_date_format accepts an 8-digit CCYYMMDD exactly when it is a real day
    (and never an 8-digit value for a 12- or 16-digit format)."""
    pattern = validator_module._DATE_FORMATS[fmt]
    assert check_date_format(value, pattern) is (fmt == "102" and _real_day(value))


@SETTINGS
@given(st.integers(0, 99), st.integers(0, 99), st.one_of(st.none(), st.integers(0, 99)))
def test_x12_times_are_real_clock_times(hour: int, minute: int, second: int | None) -> None:
    """HHMM and HHMMSS pass TM 4/8 exactly when hours are 00-23 and minutes and
    seconds 00-59; anything else is an invalid time."""
    value = f"{hour:02d}{minute:02d}" + ("" if second is None else f"{second:02d}")
    issues = validate(po(f"DTM*002*20250102*{value}", LINE))
    if hour <= 23 and minute <= 59 and (second is None or second <= 59):
        assert issues == []
    else:
        assert spots(issues) == [spot(Code.INVALID_TIME, "DTM", 3, None, 3, None, None, "337")]
