"""Envelope checks: header and trailer references and counts, missing and stray envelopes."""

from __future__ import annotations

import pytest

from gateway.edi.envelope import RULES, Scope, check_pair
from gateway.edi.issues import Code, Issue, Severity
from gateway.edi.reader import read
from gateway.edi.tree import Segment
from tests.edi.snippets import isa

UNB = "UNB+UNOC:3+S+R+250101:1200+1'"
UNG = "UNG+ORDERS+S+R+250101:1200+G1+UN+D:96A'"
GS = "GS*PO*S*R*20250101*1200*7*X*004010~"


def _found(data: str) -> list[tuple[Code, str | None, int | None, str | None]]:
    """Code, segment, element and value of every issue of reading ``data``."""
    return [(i.code, i.location.segment, i.location.element, i.location.value)
            for i in read(data.encode()).issues]


# -- each header/trailer pair, wrong count and wrong reference ------------------------

PAIRS = {
    "UNB/UNZ": (UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+4+X'", "UNZ"),
    "UNG/UNE": (UNB + UNG + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+4+GX'UNZ+1+1'", "UNE"),
    "UNH/UNT": (UNB + "UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+4+X'UNZ+1+1'", "UNT"),
    "ISA/IEA": (isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~IEA*4*000000009~", "IEA"),
    "GS/GE": (isa() + GS + "ST*850*0001~SE*2*0001~GE*4*8~IEA*1*000000001~", "GE"),
    "ST/SE": (isa() + GS + "ST*850*0001~BEG*00~SE*4*0009~GE*1*7~IEA*1*000000001~", "SE"),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_wrong_count_and_reference_in_each_trailer(pair: str) -> None:
    """Every trailer with a wrong reference and a wrong count gets both errors, at its element."""
    data, trailer = PAIRS[pair]
    found = _found(data)
    ref_value = {"UNZ": "X", "UNE": "GX", "UNT": "X", "IEA": "000000009", "GE": "8",
                 "SE": "0009"}[trailer]
    assert found == [
        (Code.REFERENCE_MISMATCH, trailer, 2, ref_value),
        (Code.COUNT_MISMATCH, trailer, 1, "4"),
    ]
    assert all(i.severity == Severity.ERROR for i in read(data.encode()).issues)


def test_trailer_issues_carry_the_enclosing_references_and_position() -> None:
    """A UNT issue names its interchange, group and message and the UNT's position."""
    data = UNB + UNG + "UNH+M1+ORDERS:D:96A:UN'BGM+220'UNT+9+M1'UNE+1+G1'UNZ+1+1'"
    (issue,) = read(data.encode()).issues
    loc = issue.location
    assert (loc.interchange, loc.group, loc.message) == ("1", "G1", "M1")
    assert (loc.segment, loc.position, loc.line, loc.column) == ("UNT", 3, 1, 100)


def test_non_numeric_count_is_a_bad_value() -> None:
    """A trailer count that is not a number is envelope.bad-value, not a crash."""
    data = UNB + "UNH+1+ORDERS:D:96A:UN'UNT+two+1'UNZ+1+1'"
    assert _found(data) == [(Code.BAD_ENVELOPE_VALUE, "UNT", 1, "two")]


def test_zero_padded_counts_and_references_match() -> None:
    """'0003' counts 3 and a padded ISA13 equals the IEA02 with the same digits."""
    data = isa() + GS + "ST*850*0001~BEG*00~SE*0003*0001~GE*01*7~IEA*1*000000001~"
    assert _found(data) == []


# -- missing and stray envelopes -----------------------------------------------------------


def test_missing_trailers_at_end_of_file_edifact() -> None:
    """A file ending inside a message reports UNT, UNE and UNZ missing, at the last segment."""
    data = UNB + UNG + "UNH+1+ORDERS:D:96A:UN'BGM+220'"
    issues = read(data.encode()).issues
    assert [(i.code, i.location.segment) for i in issues] == [
        (Code.MISSING_TRAILER, "UNT"), (Code.MISSING_TRAILER, "UNE"),
        (Code.MISSING_TRAILER, "UNZ")]
    assert {(i.location.line, i.location.column) for i in issues} == {(1, 91)}


def test_missing_trailers_at_end_of_file_x12() -> None:
    """A file ending inside a transaction set reports SE, GE and IEA missing."""
    data = isa() + GS + "ST*850*0001~BEG*00~"
    assert [(c, s) for c, s, _, _ in _found(data)] == [
        (Code.MISSING_TRAILER, "SE"), (Code.MISSING_TRAILER, "GE"),
        (Code.MISSING_TRAILER, "IEA")]


def test_message_trailer_missing_before_the_next_header() -> None:
    """A UNH following a UNH without UNT leaves the first message unclosed."""
    data = UNB + "UNH+1+ORDERS:D:96A:UN'UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNZ+2+1'"
    assert _found(data) == [(Code.MISSING_TRAILER, "UNT", None, None)]


@pytest.mark.parametrize(
    ("data", "trailer"),
    [
        (UNB + "UNT+2+1'UNZ+0+1'", "UNT"),
        (UNB + "UNE+0+G1'UNZ+0+1'", "UNE"),
        ("UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+1'", "UNZ"),
        (isa() + "SE*2*0001~IEA*0*000000001~", "SE"),
        (isa() + "GE*0*7~IEA*0*000000001~", "GE"),
        ("GS*PO*S*R*20250101*1200*7*X*004010~ST*850*1~SE*2*1~GE*1*7~IEA*1*000000001~", "IEA"),
    ],
)
def test_trailer_without_header_is_missing_header(data: str, trailer: str) -> None:
    """A trailer with no header to close gives envelope.missing-header at that trailer."""
    missing = [i for i in read(data.encode()).issues if i.code == Code.MISSING_HEADER]
    assert [i.location.segment for i in missing] == [trailer]
    assert missing[0].severity == Severity.ERROR


@pytest.mark.parametrize(
    ("data", "segment"),
    [
        (UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+2+1'", "UNH"),
        (UNB + UNG + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+1+G1'"
         + UNG + "UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+1+G1'UNZ+2+1'", "UNG"),
        (UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+1'" + UNB
         + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+1'", "UNB"),
        (isa() + GS + "ST*850*0001~SE*2*0001~ST*850*0001~SE*2*0001~GE*2*7~IEA*1*000000001~",
         "ST"),
        (isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~" + GS + "ST*850*0002~SE*2*0002~GE*1*7~"
         "IEA*2*000000001~", "GS"),
        (isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~IEA*1*000000001~"
         + isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~IEA*1*000000001~", "ISA"),
    ],
)
def test_duplicate_reference_is_an_error(data: str, segment: str) -> None:
    """A reference used twice in its scope within one file is a duplicate-reference error
    at the second one: the partner's acknowledgement could not tell the two apart."""
    issues = read(data.encode()).issues
    assert [(i.code, i.severity, i.location.segment) for i in issues] == [
        (Code.DUPLICATE_REFERENCE, Severity.ERROR, segment)]


def test_same_st_reference_in_two_groups_is_no_duplicate() -> None:
    """ST02 is unique within its group only: 0001 in two GS groups is fine."""
    data = (isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~"
            + GS.replace("*7*", "*8*") + "ST*850*0001~SE*2*0001~GE*1*8~IEA*2*000000001~")
    assert _found(data) == []


def test_groups_and_ungrouped_messages_mixed_is_an_error() -> None:
    """A message outside UNG next to a UNG group in one interchange is groups-and-messages-mixed."""
    data = (UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'"
            + UNG + "UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+1+G1'UNZ+1+1'")
    issues = read(data.encode()).issues
    mixed = [i for i in issues if i.code == Code.MIXED_GROUPS]
    assert len(mixed) == 1
    assert mixed[0].severity == Severity.ERROR
    assert (mixed[0].location.segment, mixed[0].location.column) == ("UNG", 60)


def test_groups_and_ungrouped_messages_mixed_is_said_once_per_interchange() -> None:
    """Rule: the mix is one fault of the interchange; further UNGs after ungrouped
    messages, or ungrouped messages after groups, do not repeat it, and the next
    interchange is judged afresh."""
    one = (UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'"
           + UNG + "UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+1+G1'"
           + "UNH+3+ORDERS:D:96A:UN'UNT+2+3'"
           + UNG.replace("+G1+", "+G2+") + "UNH+4+ORDERS:D:96A:UN'UNT+2+4'UNE+1+G2'"
           + "UNZ+3+1'")
    issues = read((one + one.replace("+1'UNH+1+", "+2'UNH+1+").replace("UNZ+3+1'", "UNZ+3+2'"))
                  .encode()).issues
    mixed = [i for i in issues if i.code == Code.MIXED_GROUPS]
    assert [i.location.interchange for i in mixed] == ["1", "2"]


def test_empty_group_is_a_warning() -> None:
    """A group with no message is an envelope.empty warning at its header (and its interchange)."""
    data = isa() + GS + "GE*0*7~IEA*1*000000001~"
    issues = read(data.encode()).issues
    assert [(i.code, i.severity, i.location.segment, i.location.group) for i in issues] == [
        (Code.EMPTY_ENVELOPE, Severity.WARNING, "ISA", None),
        (Code.EMPTY_ENVELOPE, Severity.WARNING, "GS", "7")]
    assert read(data.encode()).valid


def test_empty_interchange_is_a_warning() -> None:
    """An interchange with no message is an envelope.empty warning at UNB."""
    issues = read((UNB + "UNZ+0+1'").encode()).issues
    assert [(i.code, i.severity, i.location.segment) for i in issues] == [
        (Code.EMPTY_ENVELOPE, Severity.WARNING, "UNB")]


def test_unz_counts_messages_without_groups_and_groups_with_them() -> None:
    """UNZ counts messages when there is no UNG, groups when there are."""
    no_groups = UNB + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNZ+2+1'"
    groups = (UNB + UNG + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNH+2+ORDERS:D:96A:UN'UNT+2+2'"
              "UNE+2+G1'UNZ+1+1'")
    assert _found(no_groups) == []
    assert _found(groups) == []


def test_next_isa_before_iea_leaves_the_first_interchange_unclosed() -> None:
    """An ISA before the previous IEA starts a new interchange; the first misses its IEA."""
    data = isa() + GS + "ST*850*0001~SE*2*0001~GE*1*7~" + isa(control="000000002") + (
        "IEA*1*000000001~")
    issues = read(data.encode()).issues
    first = issues[0]
    assert (first.code, first.location.segment, first.location.interchange) == (
        Code.MISSING_TRAILER, "IEA", "000000001")
    assert [ic.reference for ic in read(data.encode()).interchanges] == [
        "000000001", "000000002"]


# -- check_pair on its own -------------------------------------------------------------------


def _pair(header: Segment, trailer: Segment | None, actual: int) -> list[Issue]:
    return check_pair(header, trailer, actual, Scope("IC", "G", "M"))


def test_check_pair_is_silent_for_a_matching_pair() -> None:
    """A trailer with the header's reference and the right count gives no issue."""
    assert _pair(Segment.of("UNH", "7", "X"), Segment.of("UNT", "3", "7"), 3) == []


def test_check_pair_compares_references_stripped() -> None:
    """References are compared without surrounding blanks."""
    assert _pair(Segment.of("GS", "PO", "S", "R", "D", "T", " 7 "),
                 Segment.of("GE", "1", "7"), 1) == []


def test_check_pair_missing_trailer_names_the_trailer_and_the_scope() -> None:
    """Without trailer, one missing-trailer issue names the trailer tag and scope references."""
    (issue,) = _pair(Segment.of("UNG", "ORDERS", "S", "R", "D", "G9"), None, 0)
    assert issue.code == Code.MISSING_TRAILER
    assert (issue.location.segment, issue.location.interchange) == ("UNE", "IC")


def test_rules_cover_every_header() -> None:
    """The rules table has a trailer for each of the six headers."""
    assert {h: r.trailer for h, r in RULES.items()} == {
        "UNB": "UNZ", "UNG": "UNE", "UNH": "UNT", "ISA": "IEA", "GS": "GE", "ST": "SE"}
