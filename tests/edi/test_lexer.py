"""The lexer: interchange starts, segment splitting, line and column."""

from __future__ import annotations

import gc

import pytest

from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    EDIFACT_DEFAULT_V4,
)
from gateway.edi.issues import Code, Severity
from gateway.edi.lexer import (
    EDIFACT,
    X12,
    Lexer,
    is_tag,
    split_segment,
)
from gateway.edi.tree import Segment
from tests.edi.snippets import EDIFACT as EDIFACT_TEXT
from tests.edi.snippets import isa, x12

# -- splitting one segment -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("FTX+AAI+++a?+b", "a+b"),
        ("FTX+AAI+++a?:b", "a:b"),
        ("FTX+AAI+++a?'b", "a'b"),
        ("FTX+AAI+++a??b", "a?b"),
        ("FTX+AAI+++a???+b", "a?+b"),
    ],
)
def test_release_character_escapes_delimiters_and_itself(raw: str, value: str) -> None:
    """'?' before a delimiter or before '?' makes that character part of the value."""
    elements, repeats, problem = split_segment(raw, EDIFACT_DEFAULT)
    assert elements[4] == [value]
    assert (repeats, problem) == (None, None)


def test_release_before_ordinary_character_is_needless() -> None:
    """'?' before a character that is no delimiter is dropped, with needless-release."""
    elements, _, problem = split_segment("FTX+AAI+++a?bc", EDIFACT_DEFAULT)
    assert elements[4] == ["abc"]
    assert problem is not None
    assert problem[0] == Code.NEEDLESS_RELEASE


def test_release_at_end_of_segment_dangles() -> None:
    """A release character at the very end escapes nothing: dangling-release, dropped."""
    elements, _, problem = split_segment("FTX+AAI+++abc?", EDIFACT_DEFAULT)
    assert elements[4] == ["abc"]
    assert problem is not None
    assert problem[0] == Code.DANGLING_RELEASE


def test_repetition_separator_fills_repeats_keyed_by_position() -> None:
    """Syntax 4 '*' splits an element into repetitions; elements keeps the first one."""
    elements, repeats, problem = split_segment("RFF+ON:1*AAK:2:x*VN+z", EDIFACT_DEFAULT_V4)
    assert elements == [["RFF"], ["ON", "1"], ["z"]]
    assert repeats == {1: [["ON", "1"], ["AAK", "2", "x"], ["VN"]]}
    assert problem is None


def test_released_repetition_separator_is_a_plain_character() -> None:
    """'?*' in syntax 4 is a literal asterisk, not a repetition."""
    elements, repeats, _ = split_segment("FTX+AAI+++5?*6", EDIFACT_DEFAULT_V4)
    assert elements[4] == ["5*6"]
    assert repeats is None


def test_private_use_characters_in_values_survive_release_handling() -> None:
    """Values holding the lexer's placeholder characters are split character by character."""
    elements, _, _ = split_segment("FTX+AAI+++\ue000?+\ue001", EDIFACT_DEFAULT)
    assert elements[4] == ["\ue000+\ue001"]


def test_segment_tags_are_two_or_three_ascii_letters_or_digits() -> None:
    """is_tag accepts 'N1' and 'BGM' and refuses longer, shorter or non-ASCII tags."""
    assert [is_tag(t) for t in ("N1", "BGM", "B", "BGMX", "BG-", "ÄBC")] == [
        True, True, False, False, False, False]


# -- the lexer over text chunks ----------------------------------------------------


def _segments(chunks: list[str], standard: str) -> list[Segment]:
    return [s for batch in Lexer(chunks, standard).batches() for s in batch.segments]


def test_lexer_records_line_and_column_of_each_segment() -> None:
    """Every segment carries the 1-based line and column where its tag starts."""
    text = "UNB+UNOA:3+S+R+250101:1200+1'\nUNH+1+ORDERS:D:96A:UN'  BGM+220'\n\nUNT+3+1'UNZ+1+1'"
    found = [(s.tag, s.line, s.column) for s in _segments([text], EDIFACT)]
    assert found == [("UNB", 1, 1), ("UNH", 2, 1), ("BGM", 2, 25), ("UNT", 4, 1),
                     ("UNZ", 4, 9)]


def test_lexer_gives_the_same_segments_whatever_the_chunking() -> None:
    """Chunk boundaries (inside tags, escapes and CRLF) do not change the segments."""
    text = "UNA:+.? '\r\nUNB+UNOA:3+S+R+250101:1200+1'\r\nUNH+1+ORDERS:D:96A:UN'\r\n" \
        "FTX+AAI+++a?'b??c?+d'\r\nUNT+3+1'\r\nUNZ+1+1'\r\n"
    whole = _segments([text], EDIFACT)
    for size in (1, 2, 3, 5, 11):
        chunks = [text[i:i + size] for i in range(0, len(text), size)]
        pieces = _segments(chunks, EDIFACT)
        assert pieces == whole
        assert [(s.line, s.column) for s in pieces] == [(s.line, s.column) for s in whole]


def _wide_message(lines: int, newline: str) -> str:
    """An interchange whose body segments have 10 elements each: many objects per segment."""
    body = "".join(
        f"FTX+{'+'.join(f'v{n}:{k}' for k in range(9))}'{newline}" for n in range(lines))
    return (f"UNB+UNOA:3+S+R+250101:1200+1'{newline}UNH+1+ORDERS:D:96A:UN'{newline}{body}"
            f"UNT+{lines + 2}+1'{newline}UNZ+1+1'{newline}")


@pytest.mark.parametrize("newline", ["\n", ""])
def test_lexer_runs_stay_within_half_the_young_collection_threshold(newline: str) -> None:
    """With the collector on, a run of large segments is cut so that the objects it
    allocates (segment, element list, one list per element) stay within half the
    young generation's threshold, instead of being walked while still alive."""
    threshold = gc.get_threshold()[0]
    assert gc.isenabled()
    batches = list(Lexer([_wide_message(2000, newline)], EDIFACT).batches())
    sizes = [len(b.segments) for b in batches]
    assert sum(sizes) == 2004
    # The first run is sized blind; every later one from what the one before made.
    assert len(sizes) > 10
    # Sizing counts what a run kept alive, a little less than 12 objects a segment.
    for size in sizes[1:-1]:
        assert size >= 16 and size * (10 + 2) <= threshold * 0.6, sizes


@pytest.mark.parametrize("newline", ["\n", "\r\n", ""])
def test_lexer_gives_the_same_segments_whatever_the_run_length(newline: str) -> None:
    """Runs cut short for the collector give the same segments and positions as
    long runs with the collector paused, and leave the collector as found."""
    text = _wide_message(2000, newline)
    short = _segments([text], EDIFACT)
    assert gc.isenabled()
    gc.disable()
    try:
        batches = list(Lexer([text], EDIFACT).batches())
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert len(batches) == 3  # collector off: runs of 1,000, nothing to size them for
    long = [s for b in batches for s in b.segments]
    assert short == long
    assert [(s.line, s.column) for s in short] == [(s.line, s.column) for s in long]


def test_lexer_start_carries_the_una_text_and_delimiters() -> None:
    """The first batch of an interchange carries its delimiters and the UNA as read."""
    batches = list(Lexer(["UNA:+,? 'UNB+UNOA:3+S+R+250101:1200+1'UNZ+0+1'"], EDIFACT).batches())
    start = batches[0].start
    assert start is not None
    assert start.service_string == "UNA:+,? '"
    assert start.delimiters.decimal == ","
    assert (start.line, start.column) == (1, 1)


def test_lexer_reads_isa_unsplit_at_repetition_and_component() -> None:
    """ISA11 and ISA16 hold the separators themselves and stay whole values."""
    text = x12(repetition="^", version="00501", component=">")
    header = _segments([text], X12)[0]
    assert header.tag == "ISA"
    assert header.get(11) == "^"
    assert header.get(16) == ">"
    assert len(header.elements) == 16


def test_lexer_flags_an_unusable_una_as_fatal() -> None:
    """A UNA with two equal delimiters starts a fatal batch: bad-service-string-advice."""
    batches = list(Lexer(["UNA++.? 'UNB+UNOA:3+S+R+1+1'"], EDIFACT).batches())
    start = batches[0].start
    assert start is not None
    assert start.fatal
    assert [i.code for i in start.issues] == [Code.BAD_SERVICE_STRING]


def test_lexer_default_sample_splits_into_five_segments() -> None:
    """The plain sample lexes into UNB, UNH, BGM, UNT and UNZ."""
    assert [s.tag for s in _segments([EDIFACT_TEXT], EDIFACT)] == [
        "UNB", "UNH", "BGM", "UNT", "UNZ"]


# -- trailing separators --------------------------------------------------------------


@pytest.mark.parametrize(("segment", "where"), [
    ("BGM+220+PO1+", (3, None)),  # an element separator before the terminator
    ("NAD+BY+5412::9:", (2, 4)),  # a component separator before the terminator
    ("NAD+BY+5412::9:+X", (2, 4)),  # ... or before an element separator
    ("BGM+220+PO1", None),
    ("FTX+AAI+++a?+", None),  # a released separator is a value
    ("FTX+AAI+++a??+", (5, None)),  # a released release is not
    ("NAD+BY+::9", None),  # empty leading components are values
])
def test_trailing_separator_is_a_located_warning(
        segment: str, where: tuple[int, int | None] | None) -> None:
    """A separator after a segment's or composite's last value is reported as
    syntax.trailing-separator (EDIFACT error 45), a warning at the segment, its
    element and component; released separators are not."""
    text = f"UNA:+.? 'UNB+UNOA:3+S+R+250101:1200+1'UNH+1+ORDERS:D:96A:UN'{segment}'UNT+3+1'UNZ+1+1'"
    issues = [i for batch in Lexer([text], EDIFACT).batches() for i in batch.issues]
    found = [(i.location.segment, i.location.element, i.location.component, i.location.column)
             for i in issues if i.code is Code.TRAILING_SEPARATOR]
    column = text.index(segment) + 1
    assert found == ([] if where is None else [(segment[:3], *where, column)])
    assert all(i.severity is Severity.WARNING for i in issues)


def test_trailing_repetition_separator_and_x12_headers() -> None:
    """An empty last repetition is a trailing separator; an ISA, whose last two
    elements are separators themselves, is not, in every interchange of a file."""
    def interchange(header: str, body: str, control: str) -> str:
        return (f"{header}GS*PO*S*R*20250101*1200*1*X*005010~ST*850*0001~{body}"
                f"SE*{body.count('~') + 2}*0001~GE*1*1~IEA*1*{control}~")

    first = interchange(isa(repetition="^", version="00501"),
                        "N1*ST*NAME**~PER*IC*A^B^~REF*ZZ*1~", "000000001")
    second = interchange(isa(repetition="U", version="00401", control="000000002"),
                         "REF*ZZ*2~", "000000002")
    issues = [i for batch in Lexer([first + second], X12).batches() for i in batch.issues]
    assert [(i.code, i.location.segment, i.location.element) for i in issues] == [
        (Code.TRAILING_SEPARATOR, "N1", 4), (Code.TRAILING_SEPARATOR, "PER", 2)]
