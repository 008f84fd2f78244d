"""Reading: bytes to interchanges, groups and messages, with located issues."""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import pytest

from bench.generate import edifact_orders, sized, x12_850
from gateway.edi.charsets import EBCDIC
from gateway.edi.delimiters import EDIFACT_LEVEL_B, IS1, IS3, IS4, Delimiters
from gateway.edi.issues import Code, Severity
from gateway.edi.lexer import EDIFACT, X12
from gateway.edi.reader import (
    FileProblem,
    InterchangeRead,
    MessageRead,
    ReadResult,
    read,
    stream,
)
from gateway.edi.tree import Layout, Message, Segment
from gateway.edi.writer import write
from tests.edi.snippets import EDIFACT as EDIFACT_TEXT
from tests.edi.snippets import isa, x12, x12_body


def _only_message(result: ReadResult) -> Message:
    messages = list(result.messages())
    assert len(messages) == 1
    return messages[0]


def _codes(result: ReadResult) -> list[Code]:
    return [issue.code for issue in result.issues]


def _body(result: ReadResult) -> list[tuple[str, list[list[str]]]]:
    return [(s.tag, s.elements) for s in _only_message(result).segments]


# -- EDIFACT -------------------------------------------------------------------------


def test_edifact_without_una_reads_clean() -> None:
    """A plain UNB..UNZ interchange reads into one message with no issues."""
    result = read(EDIFACT_TEXT.encode())
    assert result.valid and result.issues == []
    (ic,) = result.interchanges
    assert (ic.standard, ic.reference, ic.sender, ic.receiver) == (
        EDIFACT, "1", ("SENDER", ""), ("RECEIVER", ""))
    assert ic.service_string is None
    msg = _only_message(result)
    assert (msg.type, msg.version, msg.reference) == ("ORDERS", "D96A", "1")
    assert _body(result) == [("BGM", [["220"], ["PO1"], ["9"]])]
    assert ic.trailer is not None and ic.trailer.tag == "UNZ"


def test_edifact_with_una_keeps_the_service_string() -> None:
    """A UNA is kept as read and gives the delimiters; the UNB starts at column 10."""
    result = read(b"UNA:+.? '" + EDIFACT_TEXT.encode())
    (ic,) = result.interchanges
    assert ic.service_string == "UNA:+.? '"
    assert ic.header is not None and (ic.header.line, ic.header.column) == (1, 10)
    assert result.issues == []


def test_exotic_una_delimiters_split_and_escape() -> None:
    """Any UNA delimiter set works: here '#' '|' ',' '!' '*' '%', with escapes of each."""
    data = (b"UNA#|,!*%UNB|UNOC#4|S|R|250101#1200|1%UNH|1|ORDERS#D#96A#UN%"
            b"FTX|AAI|||a!|b!%c!#d!!e!*f*g#h%UNT|3|1%UNZ|1|1%")
    result = read(data)
    assert result.issues == []
    (seg,) = _only_message(result).segments
    assert seg.elements == [["AAI"], [""], [""], ["a|b%c#d!e*f"]]
    assert seg.repetitions(4) == [["a|b%c#d!e*f"], ["g", "h"]]


def test_release_character_escapes_delimiters_and_itself() -> None:
    """'?+', '?:', '?'' and '??' stand for the characters themselves, without issues."""
    data = EDIFACT_TEXT.replace("BGM+220+PO1+9", "BGM+220+P?+O?'1?:x??y+9").encode()
    result = read(data)
    assert result.issues == []
    assert _body(result) == [("BGM", [["220"], ["P+O'1:x?y"], ["9"]])]


def test_needless_release_is_a_located_warning() -> None:
    """'?' before an ordinary character is dropped with a needless-release warning at BGM."""
    data = EDIFACT_TEXT.replace("BGM+220+PO1+9", "BGM+220+P?O1+9").encode()
    result = read(data)
    assert _body(result) == [("BGM", [["220"], ["PO1"], ["9"]])]
    (issue,) = result.issues
    assert (issue.code, issue.severity) == (Code.NEEDLESS_RELEASE, Severity.WARNING)
    assert (issue.location.segment, issue.location.line, issue.location.column) == ("BGM", 1, 64)
    assert (issue.location.interchange, issue.location.message) == ("1", "1")
    assert result.valid


def test_dangling_release_at_end_of_file_is_reported() -> None:
    """A release character that ends the file escapes nothing: dangling-release, value kept."""
    result = read(b"UNH+1+ORDERS:D:96A:UN'FTX+AAI+++ab?")
    msg = _only_message(result)
    assert msg.segments[0].elements == [["AAI"], [""], [""], ["ab"]]
    assert Code.DANGLING_RELEASE in _codes(result)


def test_syntax_4_repetition_separator_gives_repeats() -> None:
    """In syntax 4 without UNA, '*' separates repetitions kept in Segment.repeats."""
    data = EDIFACT_TEXT.replace("UNOC:3", "UNOC:4").replace(
        "BGM+220+PO1+9", "FTX+AAI+++a*b:c*d+x").encode()
    result = read(data)
    assert result.issues == []
    (seg,) = _only_message(result).segments
    assert seg.elements == [["AAI"], [""], [""], ["a"], ["x"]]
    assert seg.repeats == {4: [["a"], ["b", "c"], ["d"]]}
    assert seg.repetitions(5) == [["x"]]


def test_syntax_3_asterisk_is_an_ordinary_character() -> None:
    """Before syntax 4 '*' is data, not a repetition separator."""
    data = EDIFACT_TEXT.replace("BGM+220+PO1+9", "FTX+AAI+++a*b").encode()
    (seg,) = _only_message(read(data)).segments
    assert seg.elements[3] == ["a*b"]
    assert seg.repeats is None


def test_unob_level_b_control_character_delimiters() -> None:
    """UNOB with IS4 terminator, IS3 element and IS1 component separators reads clean."""
    text = EDIFACT_TEXT.replace("'", IS4).replace("+", IS3).replace(":", IS1)
    result = read(text.encode())
    assert result.issues == []
    (ic,) = result.interchanges
    assert ic.delimiters == EDIFACT_LEVEL_B
    assert _body(result) == [("BGM", [["220"], ["PO1"], ["9"]])]
    assert [(s.tag, s.column) for s in _only_message(result).all_segments()] == [
        ("UNH", 42), ("BGM", 64), ("UNT", 78)]


def test_whitespace_and_crlf_between_segments_are_skipped() -> None:
    """Blanks, tabs and CRLF between segments are layout; positions count them."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'\r\n  UNH+1+ORDERS:D:96A:UN'\r\n\r\n"
            b"\tBGM+220'\r\nUNT+3+1'\r\nUNZ+1+1'\r\n")
    result = read(data)
    assert result.issues == []
    (ic,) = result.interchanges
    assert ic.line_ending == "\r\n"
    msg = _only_message(result)
    assert [(s.tag, s.line, s.column) for s in msg.all_segments()] == [
        ("UNH", 2, 3), ("BGM", 4, 2), ("UNT", 5, 1)]


def test_one_terminator_without_line_break_in_a_line_per_segment_file() -> None:
    """Two segments on one line in a file of one segment per line are still two segments."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'UNT+2+1'\n"
            b"UNZ+1+1'\n")
    result = read(data)
    msg = _only_message(result)
    assert [s.tag for s in msg.all_segments()] == ["UNH", "UNT"]
    assert result.issues == []


def test_blank_after_terminator_in_a_line_per_segment_file() -> None:
    """A space after one terminator in a file of one segment per line does not join segments."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'\nUNT+2+1' UNZ+1+1'\n")
    result = read(data)
    (ic,) = result.interchanges
    assert ic.trailer is not None and ic.trailer.tag == "UNZ"
    assert result.issues == []


def test_hard_wrapped_segments_are_joined_with_an_info_issue() -> None:
    """A file wrapped at a fixed width: values lose the line breaks, wrapped-segment is info."""
    flat = ("UNB+UNOC:3+S+R+250101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO12345+9'"
            "NAD+BY+5412345000013::9'UNT+4+1'UNZ+1+1'")
    wrapped = "\r\n".join(flat[i:i + 20] for i in range(0, len(flat), 20)) + "\r\n"
    result = read(wrapped.encode())
    assert result.valid
    msg = _only_message(result)
    assert [(s.tag, s.elements) for s in msg.segments] == [
        ("BGM", [["220"], ["PO12345"], ["9"]]),
        ("NAD", [["BY"], ["5412345000013", "", "9"]]),
    ]
    wraps = [i for i in result.issues if i.code == Code.WRAPPED_SEGMENT]
    assert wraps and all(i.severity == Severity.INFO for i in wraps)
    assert [(i.location.segment, i.location.line, i.location.column) for i in wraps] == [
        ("UNB", 1, 1), ("UNH", 2, 10), ("BGM", 3, 12), ("NAD", 4, 10), ("UNT", 5, 14)]


def test_bare_message_without_unb_is_a_non_blocking_issue() -> None:
    """UNH..UNT without UNB is read as a message without interchange, with a non-blocking issue."""
    result = read(b"UNH+1+ORDERS:D:96A:UN'BGM+220+P1+9'UNT+3+1'")
    (ic,) = result.interchanges
    assert ic.header is None
    msg = _only_message(result)
    assert (msg.reference, msg.type) == ("1", "ORDERS")
    assert [i.code for i in result.issues] == [Code.BARE_MESSAGE]
    assert not result.issues[0].blocking
    assert result.valid


def test_message_body_without_unh_is_kept_with_a_non_blocking_issue() -> None:
    """Segments without UNH or UNB stay in a headerless message; no-interchange, not blocking."""
    result = read(b"BGM+220+P1+9'DTM+137:20250101:102'")
    msg = _only_message(result)
    assert msg.header is None
    assert [(s.tag, s.line, s.column) for s in msg.segments] == [("BGM", 1, 1), ("DTM", 1, 14)]
    assert [i.code for i in result.issues] == [Code.BARE_MESSAGE]
    assert (result.issues[0].location.line, result.issues[0].location.column) == (1, 1)
    assert result.valid


def test_ung_groups_hold_their_messages() -> None:
    """UNG..UNE groups each hold their messages; UNZ counts the groups."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'"
            b"UNG+ORDERS+S+R+250101:1200+G1+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'"
            b"UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+2+G1'"
            b"UNG+INVOIC+S+R+250101:1200+G2+UN+D:96A'UNH+3+INVOIC:D:96A:UN'UNT+2+3'UNE+1+G2'"
            b"UNZ+2+1'")
    result = read(data)
    assert result.issues == []
    (ic,) = result.interchanges
    assert [g.reference for g in ic.groups] == ["G1", "G2"]
    assert [[m.reference for m in g.messages] for g in ic.groups] == [["1", "2"], ["3"]]
    assert (ic.group_count, ic.message_count) == (2, 3)


def test_several_edifact_interchanges_with_different_delimiters() -> None:
    """Each interchange of a file uses its own delimiters: default, then UNA, then level B."""
    first = EDIFACT_TEXT
    second = ("UNA#|.! %UNB|UNOC#3|S|R|250101#1200|2%UNH|1|ORDERS#D#96A#UN%"
              "BGM|220|P!|2|9%UNT|3|1%UNZ|1|2%")
    third = EDIFACT_TEXT.replace("+1'UNH", "+3'UNH").replace("UNZ+1+1", "UNZ+1+3").replace(
        "'", IS4).replace("+", IS3).replace(":", IS1)
    result = read(f"{first}\n{second}\n{third}\n".encode())
    assert result.issues == []
    assert [ic.reference for ic in result.interchanges] == ["1", "2", "3"]
    assert [ic.delimiters.segment for ic in result.interchanges] == ["'", "%", IS4]
    values = [m.segments[0].get(2) for m in result.messages()]
    assert values == ["PO1", "P|2", "PO1"]
    assert [(ic.header.line, ic.header.column) for ic in result.interchanges
            if ic.header is not None] == [(1, 1), (2, 10), (3, 1)]


def test_stray_text_before_the_first_header_is_skipped_with_an_error() -> None:
    """A banner before UNB is an error stray-data at line 1, and the interchange is read."""
    result = read(b"From: partner\nSubject: orders\n\n" + EDIFACT_TEXT.encode())
    (issue,) = result.issues
    assert (issue.code, issue.severity) == (Code.STRAY_DATA, Severity.ERROR)
    assert (issue.location.line, issue.location.column) == (1, 1)
    assert not result.valid
    (ic,) = result.interchanges
    assert ic.header is not None and (ic.header.line, ic.header.column) == (4, 1)
    assert _body(result) == [("BGM", [["220"], ["PO1"], ["9"]])]


def test_unusable_una_is_fatal_for_that_interchange_only() -> None:
    """A UNA with clashing delimiters is fatal; the next interchange is still read."""
    data = b"UNA++.? 'UNB+UNOC:3+S+R+250101:1200+9'UNZ+0+9'\n" + EDIFACT_TEXT.encode()
    result = read(data)
    assert [ic.reference for ic in result.interchanges] == ["1"]
    fatal = [i for i in result.issues if i.severity == Severity.FATAL]
    assert [i.code for i in fatal] == [Code.BAD_SERVICE_STRING]
    assert (fatal[0].location.line, fatal[0].location.column) == (1, 1)


def test_after_an_unusable_una_a_unb_inside_a_value_starts_nothing() -> None:
    """Resynchronising after an unreadable header skips markers that do not read as
    a header (here "UNB" as a value after an element separator) and starts at the
    next real one."""
    broken = b"UNA++.? 'UNB+UNOC:3+S+R+250101:1200+9'UNH+1+ORDERS:D:96A:UN'FTX+AAI+UNB'" \
             b"FTX+AAI+UNB+X'UNT+4+1'UNZ+1+9'\n"
    result = read(broken + EDIFACT_TEXT.encode())
    assert [ic.reference for ic in result.interchanges] == ["1"]
    assert [i.code for i in result.issues] == [Code.BAD_SERVICE_STRING]
    assert result.interchanges[0].header is not None
    assert result.interchanges[0].header.line == 2


def test_after_an_unreadable_isa_an_isa_inside_a_value_starts_nothing() -> None:
    """In X12 the same: "ISA" in a value is no interchange; the next ISA, whose
    ISA01 sits between two element separators, is."""
    bad = ("IXA*00*bad~GS*PO*S*R*1*1*1*X*004010~ST*850*0001~N1*ST*ISA DEPOT~"
           "N1*BT*ISA*1~SE*4*0001~GE*1*1~IEA*1*000000009~")
    result = read((bad + x12()).encode())
    assert [(i.code, i.location.column) for i in result.issues] == [(Code.BAD_HEADER, 1)]
    assert [ic.reference for ic in result.interchanges] == ["000000001"]
    header = result.interchanges[0].header
    assert header is not None and header.column == len(bad) + 1


@pytest.mark.parametrize("layout", ["glued", "one line each, LF", "one line each, CR LF",
                                    "lines, no final break"])
def test_break_after_each_trailer_is_the_same_whatever_the_chunking(layout: str) -> None:
    """The line break after an interchange's trailer (final_line_ending) is read the
    same when a chunk boundary falls right after the trailer, or inside a CR LF."""
    # Past the 64 KiB detection sample, so later chunks end at many places.
    count = 400
    one = [x12(control=f"{n:09d}") for n in range(1, count + 1)]
    data = {
        "glued": "".join(one),
        "one line each, LF": "\n".join(one) + "\n",
        "one line each, CR LF": "\r\n".join(one) + "\r\n",
        "lines, no final break": "".join(x12(control=f"{n:09d}", line_ending="\n")
                                         for n in range(1, count + 1))[:-1],
    }[layout].encode()
    whole = [(ic.line_ending, ic.final_line_ending) for ic in read(data).interchanges]
    assert len(whole) == count
    for chunk_size in range(1000, 1222, 3):
        streamed = [(e.interchange.line_ending, e.interchange.final_line_ending)
                    for e in stream(io.BytesIO(data), chunk_size=chunk_size)
                    if isinstance(e, InterchangeRead)]
        assert streamed == whole, chunk_size


@pytest.mark.parametrize("chunk_size", [7, 64, 333])
def test_resynchronising_finds_the_same_header_whatever_the_chunking(chunk_size: int) -> None:
    """A header candidate cut by a chunk boundary is judged once the rest is read:
    streaming in small chunks resumes at the same interchange as reading whole."""
    bad = ("IXA*00*bad~ST*850*0001~N1*ST*ISA DEPOT~N1*BT*ISA*1~SE*4*0001~"
           "IEA*1*000000009~")
    data = (bad + x12() + x12(control="000000002")).encode()
    whole = [(ic.reference, ic.header.column if ic.header else 0)
             for ic in read(data).interchanges]
    streamed = [(e.interchange.reference,
                 e.interchange.header.column if e.interchange.header else 0)
                for e in stream(io.BytesIO(data), chunk_size=chunk_size)
                if isinstance(e, InterchangeRead) and not e.fatal]
    assert whole == [("000000001", len(bad) + 1), ("000000002", len(bad) + len(x12()) + 1)]
    assert streamed == whole


@pytest.mark.parametrize("data", [
    b"UNA++.? 'UNB+UNOC:3+S+R+250101:1200+9'UNH+1+ORDERS:D:96A:UN'FTX+AAI+UNB'\n",
    b"IXA*00*bad~ST*850*0001~REF*ZZ*ISA",
])
def test_a_marker_in_a_value_at_the_very_end_starts_nothing(data: bytes) -> None:
    """At the end of the input a header may be cut short, but a bare "UNB" or "ISA"
    in a value (no separator and identifier after it) is still a value."""
    result = read(data)
    assert result.interchanges == []
    assert len([i for i in result.issues if i.severity == Severity.FATAL]) == 1


def test_a_truncated_header_at_the_end_is_its_own_unreadable_interchange() -> None:
    """After an unreadable header, an ISA cut short by the end of the file still
    counts as the next interchange and is reported on its own."""
    bad = "IXA*00*bad~ST*850*0001~SE*2*0001~"
    result = read((bad + "ISA*00*    ").encode())
    assert [(i.code, i.location.column) for i in result.issues] == [
        (Code.BAD_HEADER, 1), (Code.BAD_HEADER, len(bad) + 1)]


def test_issue_lines_and_columns_point_into_the_file() -> None:
    """An envelope issue is located at its segment's line and column, 1-based."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'\nBGM+220'\n"
            b"UNT+9+1'\nUNZ+1+1'\n")
    (issue,) = read(data).issues
    assert issue.code == Code.COUNT_MISMATCH
    assert (issue.location.segment, issue.location.line, issue.location.column) == ("UNT", 4, 1)
    assert (issue.location.position, issue.location.element, issue.location.value) == (3, 1, "9")
    assert issue.location.where() == "line 4, column 1, UNT (segment 3), element 1"


def test_invalid_segment_tag_is_located() -> None:
    """A piece whose tag is not two or three letters or digits is an invalid-segment-tag."""
    data = EDIFACT_TEXT.replace("BGM+220", "B-GM+220").encode()
    (issue,) = read(data).issues
    assert issue.code == Code.INVALID_TAG
    assert (issue.location.line, issue.location.column) == (1, 64)


def test_unterminated_last_segment_is_a_warning() -> None:
    """A last segment without terminator is read, with an unterminated-segment warning."""
    result = read(EDIFACT_TEXT.encode()[:-1])
    (ic,) = result.interchanges
    assert ic.trailer is not None and ic.trailer.get(2) == "1"
    assert [(i.code, i.severity) for i in result.issues] == [
        (Code.UNTERMINATED, Severity.WARNING)]


# -- X12 -------------------------------------------------------------------------


def test_x12_reads_clean_with_isa_fixed_offsets() -> None:
    """ISA..IEA with GS and ST reads into one group and one transaction set."""
    result = read(x12().encode())
    assert result.issues == []
    (ic,) = result.interchanges
    assert (ic.standard, ic.reference, ic.sender, ic.receiver) == (
        X12, "000000001", ("SENDER", "ZZ"), ("RECEIVER", "ZZ"))
    (group,) = ic.groups
    assert group.reference == "1"
    msg = _only_message(result)
    assert (msg.type, msg.reference, msg.version) == ("850", "0001", "004010")
    assert [(s.tag, s.line, s.column) for s in msg.all_segments()] == [
        ("ST", 1, 154), ("BEG", 1, 166), ("SE", 1, 190)]


def test_x12_00501_repetition_separator_from_isa11() -> None:
    """From 00402 on, ISA11 (offset 82) is the repetition separator used in the body."""
    text = isa(repetition="^", version="00501", component=">") + (
        "GS*PO*S*R*20250101*1200*1*X*005010~ST*850*0001~BEG*00*SA*A>B^C~SE*3*0001~GE*1*1~"
        "IEA*1*000000001~")
    result = read(text.encode())
    assert result.issues == []
    (ic,) = result.interchanges
    assert ic.delimiters == Delimiters(segment="~", element="*", component=">", repetition="^")
    (seg,) = _only_message(result).segments
    assert seg.elements[2] == ["A", "B"]
    assert seg.repeats == {3: [["A", "B"], ["C"]]}


def test_x12_00401_caret_in_isa11_is_data() -> None:
    """Before 00402, '^' in ISA11 is no separator and '^' in a value is data."""
    text = isa(repetition="U", version="00401") + x12_body().replace("PO1", "PO^1")
    result = read(text.encode())
    assert _body(result)[0] == ("BEG", [["00"], ["SA"], ["PO^1"], [""], ["20250101"]])


def test_nonstandard_isa_reads_on_with_the_right_delimiters() -> None:
    """A short ISA warns nonstandard-isa, and its delimiters are still found; each field
    of the wrong width is an error a translator reading by position rejects it for."""
    text = ("ISA*00*    *00*    *ZZ*SENDER*ZZ*RECEIVER*250101*1200*^*00501*000000001*0*P*>~"
            "GS*PO*S*R*20250101*1200*1*X*005010~ST*850*0001~BEG*00*SA*A>B^C~SE*3*0001~"
            "GE*1*1~IEA*1*000000001~")
    result = read(text.encode())
    assert [(i.code, i.severity, i.location.element) for i in result.issues] == [
        (Code.NONSTANDARD_ISA, Severity.WARNING, None),
        *[(Code.BAD_HEADER_FIELD, Severity.ERROR, n) for n in (2, 4, 6, 8)]]
    assert result.interchanges[0].delimiters == Delimiters(
        segment="~", element="*", component=">", repetition="^")
    assert _only_message(result).segments[0].repeats == {3: [["A", "B"], ["C"]]}


def test_long_isa_reads_on_and_its_long_field_is_an_error() -> None:
    """An ISA with an over-long sender warns nonstandard-isa and reads on; ISA06 of 17
    characters is an error (the field is fixed at 15); the rest reads clean."""
    text = isa().replace("SENDER         ", "SENDER-IDENTIFIER") + x12_body()
    result = read(text.encode())
    assert _codes(result) == [Code.NONSTANDARD_ISA, Code.BAD_HEADER_FIELD]
    assert [i.location.element for i in result.issues] == [None, 6]
    assert result.interchanges[0].sender == ("SENDER-IDENTIFIER", "ZZ")
    assert _only_message(result).reference == "0001"


def test_x12_newline_terminator() -> None:
    """'\\n' as terminator: one segment per line, nothing else needed."""
    result = read(x12(terminator="\n").encode())
    assert result.issues == []
    assert [(s.tag, s.line, s.column) for s in _only_message(result).all_segments()] == [
        ("ST", 3, 1), ("BEG", 4, 1), ("SE", 5, 1)]


def test_x12_crlf_terminator() -> None:
    """CR as ISA terminator followed by LF: the LF is the line ending, lines count right."""
    result = read(x12(terminator="\r", line_ending="\n").encode())
    assert result.issues == []
    (ic,) = result.interchanges
    assert (ic.delimiters.segment, ic.line_ending) == ("\r", "\n")
    assert [(s.tag, s.line) for s in _only_message(result).all_segments()] == [
        ("ST", 3), ("BEG", 4), ("SE", 5)]


def test_x12_control_character_terminators() -> None:
    """'\\x15' and '\\x1c' as terminators read like '~'."""
    for terminator in ("\x15", "\x1c"):
        result = read(x12(terminator=terminator).encode())
        assert result.issues == []
        assert result.interchanges[0].delimiters.segment == terminator
        assert _body(result) == [("BEG", [["00"], ["SA"], ["PO1"], [""], ["20250101"]])]


def test_ebcdic_x12_reads_and_writes_back_the_same_bytes() -> None:
    """X12 in cp037 with NL (0x15 in EBCDIC) as terminator is read and written back unchanged."""
    data = x12(terminator="\x15").encode(EBCDIC)
    result = read(data)
    assert result.detection.encoding == EBCDIC
    assert result.issues == []
    assert _body(result) == [("BEG", [["00"], ["SA"], ["PO1"], [""], ["20250101"]])]
    assert write(result.interchanges, encoding=result.detection.encoding) == data


def test_ta1_stands_at_interchange_level() -> None:
    """A TA1 between ISA and IEA belongs to the interchange, not to a group or message."""
    text = isa() + "TA1*000000007*250101*1200*A*000~IEA*0*000000001~"
    result = read(text.encode())
    assert result.issues == []
    (ic,) = result.interchanges
    assert ic.groups == []
    assert [(s.tag, s.get(1), s.column) for s in ic.interchange_segments] == [
        ("TA1", "000000007", 107)]


def test_x12_without_isa_is_fatal_for_that_interchange_only() -> None:
    """A first interchange with no ISA is fatal bad-interchange-header; the next one reads."""
    bad = "IXA*00*bad~GS*PO*S*R*1*1*1*X*004010~ST*850*0001~SE*2*0001~GE*1*1~IEA*1*000000009~"
    result = read((bad + x12()).encode())
    fatal = [i for i in result.issues if i.severity == Severity.FATAL]
    assert [(i.code, i.location.line, i.location.column) for i in fatal] == [
        (Code.BAD_HEADER, 1, 1)]
    assert [ic.reference for ic in result.interchanges] == ["000000001"]
    header = result.interchanges[0].header
    assert header is not None and (header.line, header.column) == (1, len(bad) + 1)
    assert _only_message(result).reference == "0001"


def test_x12_stray_text_before_isa_is_skipped_with_an_error() -> None:
    """Lines of text before ISA are stray-data (error) and the interchange is read."""
    result = read(("ENVELOPE 42\nPLEASE PROCESS\n" + x12()).encode())
    (issue,) = result.issues
    assert (issue.code, issue.location.line, issue.location.column) == (Code.STRAY_DATA, 1, 1)
    assert result.interchanges[0].header is not None
    assert result.interchanges[0].header.line == 3


def test_x12_mailbag_of_many_small_interchanges() -> None:
    """Many interchanges with the same delimiters are each read, with their own references."""
    text = "".join(x12(control=f"{n:09d}", line_ending="\n") for n in range(1, 51))
    result = read(text.encode())
    assert result.issues == []
    assert [ic.reference for ic in result.interchanges] == [f"{n:09d}" for n in range(1, 51)]
    assert all(len(list(ic.messages())) == 1 for ic in result.interchanges)
    assert [ic.header.line for ic in result.interchanges if ic.header] == list(
        range(1, 7 * 50, 7))


def test_x12_mailbag_where_the_terminator_changes() -> None:
    """In a mailbag, an interchange with other delimiters is read with its own."""
    first = x12(control="000000001")
    second = isa(control="000000002", element="|", component=">", terminator="\n") + x12_body(
        element="|", terminator="\n", control="000000002")
    third = x12(control="000000003")
    result = read((first + "\n" + second + third).encode())
    assert result.issues == []
    assert [(ic.reference, ic.delimiters.segment, ic.delimiters.element)
            for ic in result.interchanges] == [
        ("000000001", "~", "*"), ("000000002", "\n", "|"), ("000000003", "~", "*")]
    assert [m.segments[0].get(3) for m in result.messages()] == ["PO1"] * 3
    assert [ic.header.line for ic in result.interchanges if ic.header] == [1, 2, 9]


def test_next_interchange_holding_the_previous_terminator_adds_nothing() -> None:
    """After a line-per-segment interchange, one whose data holds the old terminator reads clean."""
    first = "UNB+UNOC:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'\nUNT+2+1'\nUNZ+1+1'\n"
    second = ("UNA:+.? %UNB+UNOC:3+S+R+250101:1200+2%UNH+1+ORDERS:D:96A:UN%"
              "FTX+AAI+++IT'S%UNT+3+1%UNZ+1+2%")
    result = read((first + second).encode())
    assert result.issues == []
    assert [ic.reference for ic in result.interchanges] == ["1", "2"]
    assert [m.segments[0].get(4) for m in result.messages() if m.segments] == ["IT'S"]


def test_x12_mailbag_whose_component_separator_was_the_previous_terminator() -> None:
    """An ISA16 equal to the previous interchange's terminator does not invent a segment."""
    first = isa(terminator="!") + "\n" + x12_body(terminator="!", line_ending="\n")
    second = isa(element="#", component="!", terminator='"', control="000000002") + x12_body(
        element="#", terminator='"', control="000000002")
    result = read((first + second).encode())
    assert result.issues == []
    assert [ic.reference for ic in result.interchanges] == ["000000001", "000000002"]


def test_each_interchange_keeps_its_own_line_ending() -> None:
    """Interchanges laid out differently keep their own line ending; writing gives the file back."""
    first = "UNB+UNOC:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'\nUNT+2+1'\nUNZ+1+1'\n"
    second = "UNA:+.? %UNB+UNOC:3+S+R+250101:1200+2%UNH+1+ORDERS:D:96A:UN%UNT+2+1%UNZ+1+2%"
    data = (first + second).encode()
    result = read(data)
    assert [ic.line_ending for ic in result.interchanges] == ["\n", ""]
    assert write(result.interchanges, encoding=result.detection.encoding) == data


# -- streaming ---------------------------------------------------------------------


class _Tracked(io.BytesIO):
    """A source that remembers how far it has been read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.furthest = self.tell()
        return chunk


def test_stream_yields_messages_one_at_a_time_and_keeps_none() -> None:
    """stream() yields each message as it ends, before the file is read, keeping none in groups."""
    data = edifact_orders(3000)
    source = _Tracked(data)
    seen = 0
    first_at = None
    for event in stream(source, chunk_size=1 << 16):
        if isinstance(event, MessageRead):
            seen += 1
            if first_at is None:
                first_at = source.furthest
            assert event.group.messages == []
            assert event.issues == []
            assert event.message.reference == str(seen)
        elif isinstance(event, InterchangeRead):
            assert event.issues == []
            assert event.interchange.message_count == 3000
            assert all(g.messages == [] for g in event.interchange.groups)
        else:
            raise AssertionError(f"unexpected {event}")
    assert seen == 3000
    assert first_at is not None and first_at < len(data) // 10


def test_stream_finds_the_same_messages_as_read() -> None:
    """stream() and read() agree on every message of an X12 file."""
    data = x12_850(300)
    streamed = [e.message for e in stream(io.BytesIO(data), chunk_size=4096)
                if isinstance(e, MessageRead)]
    whole = list(read(data).messages())
    assert len(streamed) == len(whole) == 300
    for a, b in zip(streamed, whole, strict=True):
        assert list(a.all_segments()) == list(b.all_segments())
        assert [(s.line, s.column) for s in a.all_segments()] == [
            (s.line, s.column) for s in b.all_segments()]


def test_stream_with_a_chunk_smaller_than_the_header_still_detects() -> None:
    """The chunk size is a memory knob only: a tiny chunk reads the same messages as read()."""
    data = EDIFACT_TEXT.encode()
    events = list(stream(io.BytesIO(data), chunk_size=2))
    assert not any(isinstance(e, FileProblem) for e in events)
    messages = [e.message for e in events if isinstance(e, MessageRead)]
    assert [m.reference for m in messages] == ["1"]


def _streaming_peak(data: bytes, chunk_size: int) -> tuple[int, int]:
    """Messages streamed from ``data`` and the peak traced allocation meanwhile."""
    messages = 0
    tracemalloc.start()
    try:
        for event in stream(io.BytesIO(data), chunk_size=chunk_size):
            messages += isinstance(event, MessageRead)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return messages, peak


@pytest.mark.parametrize("make", [edifact_orders, x12_850], ids=["edifact", "x12"])
def test_streaming_memory_is_bounded_by_the_chunk_not_the_file(make: Any) -> None:
    """Streaming keeps one chunk of text and one run of segments: four times the
    file takes no more memory (the 100 MB figure is bench/read_throughput.py's)."""
    chunk = 16 * 1024
    small, large = sized(make, 250_000), sized(make, 1_000_000)
    small_messages, small_peak = _streaming_peak(small, chunk)
    large_messages, large_peak = _streaming_peak(large, chunk)
    assert large_messages > 3 * small_messages
    assert large_peak < small_peak * 1.25 + 64 * 1024, (small_peak, large_peak)
    assert large_peak < 8_000_000, large_peak


def test_read_keeps_segments_as_values() -> None:
    """Segments compare by tag, elements and repetitions, not by position in the file."""
    result = read(EDIFACT_TEXT.encode())
    assert _only_message(result).segments == [Segment.of("BGM", "220", "PO1", "9")]


def test_stray_segments_are_not_counted_as_a_message_in_the_trailer() -> None:
    """Segments outside any message inside an interchange are reported where they are,
    and the UNZ count is checked against the messages the partner sent."""
    data = (b"UNB+UNOC:3+S+R+250101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+3+1'"
            b"BGM+221'UNT+2+2'UNZ+1+1'")
    codes = [i.code for i in read(data).issues]
    assert Code.UNEXPECTED_SEGMENT in codes and Code.MISSING_HEADER in codes
    assert Code.COUNT_MISMATCH not in codes


# -- layout: what a writer needs to give the bytes back ------------------------------------


def test_layout_between_segments_is_kept_only_where_it_is_irregular() -> None:
    """Segments after the interchange's usual line break carry no layout; one after
    other blanks or breaks carries exactly the text between terminator and tag."""
    text = EDIFACT_TEXT.replace("'", "'\n").replace("'\nBGM", "'\n\n   BGM")
    result = read(text.encode())
    (ic,) = result.interchanges
    assert ic.line_ending == "\n"
    msg = _only_message(result)
    assert msg.header is not None and msg.header.layout is None
    assert msg.segments[0].layout == Layout(before="\n\n   ")
    assert msg.trailer is not None and msg.trailer.layout is None


@pytest.mark.parametrize("terminator", ["~", "\n"])
@pytest.mark.parametrize("after", ["\n", "\n\n", "\r\n\r\n", "\n \n\t"])
def test_blank_lines_after_the_last_trailer_are_layout_whatever_the_terminator(
        terminator: str, after: str) -> None:
    """Whitespace after the last trailer is layout, also where the terminator is the
    line break: the interchange reads as cleanly as without it, and keeps it."""
    plain = x12(terminator=terminator)
    result = read((plain + after).encode())
    assert result.issues == [], [str(i) for i in result.issues]
    (ic,) = result.interchanges
    assert ic.trailer is not None and ic.trailer.get(2) == "000000001"
    assert ic.final_line_ending == after
    assert write(result.interchanges, encoding="ascii") == (plain + after).encode()


def test_blank_line_between_segments_of_newline_terminated_x12_is_layout() -> None:
    """Where the terminator is the line break, a blank line between segments is no
    empty segment: it is the layout before the next one."""
    text = x12(terminator="\n").replace("\nST*", "\n\nST*")
    result = read(text.encode())
    assert result.issues == []
    assert _only_message(result).header is not None
    assert _only_message(result).header.layout == Layout(before="\n")  # type: ignore[union-attr]


def test_blanks_before_the_first_interchange_are_its_lead() -> None:
    """Blank lines before the first header are kept as the interchange's lead."""
    result = read(("\r\n  \n" + EDIFACT_TEXT).encode())
    assert result.issues == []
    assert result.interchanges[0].lead == "\r\n  \n"


def test_layout_between_interchanges_belongs_to_the_one_before() -> None:
    """In a mailbag, what follows a trailer up to the next header is the end of the
    interchange before; the next header carries no layout."""
    first = x12(line_ending="\n")
    second = x12(control="000000002", element="|", terminator="!")
    result = read((first + "\n \n" + second).encode())
    one, two = result.interchanges
    assert one.final_line_ending == "\n\n \n"
    assert two.header is not None and two.header.layout is None and two.lead == ""


def test_trailer_followed_at_once_by_a_header_with_other_delimiters_ends_there() -> None:
    """A trailer whose terminator lacks the line break every other one has, followed
    at once by the next interchange (other delimiters), ends its interchange; the
    next one is not read as part of the trailer."""
    first = x12(line_ending="\n").rstrip("\n")
    second = x12(control="000000002", element="|", terminator="!", component=">")
    assert "~" not in second
    result = read((first + second).encode())
    assert [ic.reference for ic in result.interchanges] == ["000000001", "000000002"]
    assert result.interchanges[0].final_line_ending == ""
    assert not [i for i in result.issues if i.blocking]


def test_isa_field_widths_other_than_the_standard_are_kept() -> None:
    """An ISA whose fields are not padded to their widths keeps the widths read."""
    text = x12().replace("SENDER         ", "SENDER")
    result = read(text.encode())
    header = result.interchanges[0].header
    assert header is not None and header.get(6) == "SENDER"
    assert header.layout is not None and header.layout.widths == (
        2, 10, 2, 10, 2, 6, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
    assert write(result.interchanges, encoding="ascii") == text.encode()


# -- binary segments (X12 BIN) -------------------------------------------------------------


def _bin(data: str, count: str | None = None, *, line_ending: str = "") -> str:
    """An X12 850 whose body is BEG and a BIN segment holding ``data``."""
    count = str(len(data.encode())) if count is None else count
    body = x12_body(line_ending=line_ending).replace(
        "SE*3*0001", f"BIN*{count}*{data}~{line_ending}SE*4*0001")
    return isa() + line_ending + body


@pytest.mark.parametrize("chunk_size", [1, 3, 64, 1 << 20])
@pytest.mark.parametrize("data", ["AB~C*DE", "~", "~~\n~", "*:^", "LINE 1\r\nLINE 2\n", ""])
def test_bin_data_is_read_as_exactly_bin01_bytes(data: str, chunk_size: int) -> None:
    """BIN02 is the BIN01 bytes after the separator, terminators and line breaks
    included, at any chunking, and the segments after it are read as usual."""
    text = _bin(data)
    for result_segments in (
            _body(read(text.encode())),
            [(s.tag, s.elements) for e in stream(io.BytesIO(text.encode()), chunk_size=chunk_size)
             if isinstance(e, MessageRead) for s in e.message.segments]):
        assert result_segments == [("BEG", [["00"], ["SA"], ["PO1"], [""], ["20250101"]]),
                                   ("BIN", [[str(len(data))], [data]])]
    assert read(text.encode()).issues == []


def test_bin_data_length_counts_bytes_not_characters() -> None:
    """In a UTF-8 file BIN01 counts the bytes of BIN02, not its characters."""
    text = _bin("é~€", count="6")  # 2 + 1 + 3 bytes
    result = read(text.encode("utf-8"))
    assert ("BIN", [["6"], ["é~€"]]) in _body(result)
    assert result.issues == []


def test_bin_data_lines_count_in_the_positions_after_it() -> None:
    """Line breaks inside BIN02 move the line numbers of the segments after it."""
    result = read(_bin("A\nB\nC", line_ending="\n").encode())
    msg = _only_message(result)
    assert [(s.tag, s.line) for s in msg.all_segments()] == [
        ("ST", 3), ("BEG", 4), ("BIN", 5), ("SE", 8)]


@pytest.mark.parametrize(("text", "element"), [
    (_bin("ABCDE", count="3"), 2),   # data longer than BIN01 before the terminator
    (_bin("AB", count="X"), 1),      # no length at all
])
def test_bin01_that_does_not_measure_its_data_is_a_located_error(text: str,
                                                                 element: int) -> None:
    """A BIN01 that is no number, or is not the length of what stands before the
    terminator, is an error located at the BIN segment; nothing is lost."""
    result = read(text.encode())
    (issue,) = result.issues
    assert (issue.code, issue.severity) == (Code.BINARY_LENGTH, Severity.ERROR)
    assert (issue.location.segment, issue.location.element) == ("BIN", element)
    assert [tag for tag, _ in _body(result)] == ["BEG", "BIN"]


def test_bin_data_cut_short_by_the_end_of_the_file_is_an_error() -> None:
    """BIN01 longer than the rest of the file: the data is what there is, with errors."""
    text = _bin("AB", count="500")
    result = read(text.encode())
    assert Code.BINARY_LENGTH in _codes(result)
    assert not result.valid
