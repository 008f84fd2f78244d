"""Properties of the syntax core over generated interchanges.

Written interchanges read back to the same tree and the same bytes, for random
delimiters and values; and no input at all, however damaged, makes the reader,
the streamer, the report or the validate command raise.
"""

from __future__ import annotations

import contextlib
import io
import json
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.cli.main import main
from gateway.edi.delimiters import EDIFACT_DEFAULT, EDIFACT_DEFAULT_V4, Delimiters
from gateway.edi.issues import Code, Severity
from gateway.edi.jsonform import result_to_json, tree_from_json
from gateway.edi.reader import InterchangeRead, MessageRead, read, stream
from gateway.edi.report import inspect
from gateway.edi.tree import Group, Interchange, Layout, Message, Segment
from gateway.edi.writer import una_for, write

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Delimiters: printable, neither letters nor digits nor blanks.
PUNCTUATION = list(string.punctuation)
EDIFACT_RESERVED_TAGS = {"UNA", "UNB", "UNZ", "UNG", "UNE", "UNH", "UNT"}
X12_RESERVED_TAGS = {"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "ISB", "ISE"}
# (UNB syntax identifier, codec, extra characters its values may hold). Latin-1
# letters from 0xC0 up never form UTF-8 by accident, so detection keeps Latin-1.
CHARSETS = [
    ("UNOA", "ascii", ""),
    ("UNOC", "iso8859-1", "zÄÖÜßàéü"),
    ("UNOW", "utf-8", "zÄéŁżΩ€\ue000\ue003"),
]
# ISO 9735 level A (UNOA) allows upper-case letters, digits, space and these only.
LEVEL_A_PUNCTUATION = list("-()/=!\"%&*;<>'+:?.,")


@dataclass(frozen=True)
class Case:
    """A generated interchange file: its trees and the encoding to write them in."""

    interchanges: list[Interchange]
    encoding: str


def _tags(reserved: set[str]) -> st.SearchStrategy[str]:
    """Two or three letters or digits, starting with a letter, never an envelope tag."""
    first = st.sampled_from(string.ascii_uppercase)
    rest = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=2)
    return st.builds(lambda a, b: a + b, first, rest).map(
        lambda t: "Z" + t[1:] if t in reserved else t)


# -- EDIFACT ----------------------------------------------------------------------------


@st.composite
def edifact_delimiters(draw: st.DrawFn, charset: str) -> tuple[Delimiters, bool, str]:
    """A valid delimiter set for ``charset``, whether to send a UNA, and the syntax version."""
    if draw(st.booleans()):
        syntax = draw(st.sampled_from(["3", "4"]))
        return (EDIFACT_DEFAULT if syntax == "3" else EDIFACT_DEFAULT_V4), draw(
            st.booleans()), syntax
    decimal = draw(st.sampled_from([".", ","]))
    allowed = LEVEL_A_PUNCTUATION if charset == "UNOA" else PUNCTUATION
    pool = [c for c in allowed if c != decimal]
    repeating = draw(st.booleans())
    chars = draw(st.lists(st.sampled_from(pool), min_size=5, max_size=5, unique=True))
    d = Delimiters(segment=chars[0], element=chars[1], component=chars[2],
                   release=chars[3], repetition=chars[4] if repeating else None,
                   decimal=decimal)
    return d, True, "4" if repeating else draw(st.sampled_from(["3", "4"]))


def _values(d: Delimiters, extra: str) -> st.SearchStrategy[str]:
    """Values made mostly of the service characters and a few letters, blanks included."""
    specials = "".join(sorted(d.service_characters())) + d.decimal
    alphabet = st.sampled_from(list(specials + "AB 09 " + extra))
    return st.text(alphabet, max_size=8)


def _components(values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(values, min_size=1, max_size=3)


@st.composite
def edifact_segment(draw: st.DrawFn, d: Delimiters, extra: str) -> Segment:
    values = _values(d, extra)
    tag = draw(_tags(EDIFACT_RESERVED_TAGS))
    elements = draw(st.lists(_components(values), max_size=4))
    repeats: dict[int, list[list[str]]] = {}
    if d.repetition and elements:
        for pos in draw(st.sets(st.integers(1, len(elements)), max_size=2)):
            more = draw(st.lists(_components(values), min_size=1, max_size=3))
            repeats[pos] = [elements[pos - 1], *more]
    return Segment(tag, elements, repeats=repeats or None)


def _ref(prefix: str, n: int) -> str:
    return f"{prefix}{n}"


@st.composite
def edifact_interchange(
    draw: st.DrawFn, number: int, line_ending: str
) -> tuple[Interchange, str]:
    charset, codec, extra = draw(st.sampled_from(CHARSETS))
    d, una, syntax = draw(edifact_delimiters(charset))
    ic_ref = _ref("IC", number)
    header = Segment.of("UNB", [charset, syntax], "SENDER", "RECEIVER",
                        ["250101", "1200"], ic_ref)
    grouped = draw(st.booleans())
    groups: list[Group] = []
    counter = 0
    for g in range(draw(st.integers(1, 2)) if grouped else 1):
        messages = []
        for _ in range(draw(st.integers(1, 2))):
            counter += 1
            ref = _ref("M", counter)
            body = draw(st.lists(edifact_segment(d, extra), max_size=3))
            messages.append(Message(
                Segment.of("UNH", ref, ["ORDERS", "D", "96A", "UN"]), body,
                Segment.of("UNT", str(len(body) + 2), ref),
                type="ORDERS", version="D96A", reference=ref))
        if grouped:
            gref = _ref("G", g + 1)
            groups.append(Group(
                Segment.of("UNG", "ORDERS", "S", "R", ["250101", "1200"], gref, "UN",
                           ["D", "96A"]),
                messages, Segment.of("UNE", str(len(messages)), gref)))
        else:
            groups.append(Group(None, messages))
    count = len(groups) if grouped else counter
    ic = Interchange("edifact", d, header, groups, Segment.of("UNZ", str(count), ic_ref),
                     service_string=una_for(d) if una else None, line_ending=line_ending)
    return ic, codec


@st.composite
def edifact_files(draw: st.DrawFn) -> Case:
    """One to three interchanges, each with its own delimiters, in one encoding and layout."""
    line_ending = draw(st.sampled_from(["", "\n", "\r\n"]))
    first, codec = draw(edifact_interchange(1, line_ending))
    interchanges = [first]
    for n in range(2, draw(st.integers(1, 3)) + 1):
        ic, other = draw(edifact_interchange(n, line_ending))
        if other == codec:
            interchanges.append(ic)
    return Case(interchanges, codec)


# -- X12 --------------------------------------------------------------------------------


@st.composite
def x12_delimiters(draw: st.DrawFn, line_ending: str) -> Delimiters:
    controls = ["\x15", "\x1c"] if line_ending else ["\n", "\x15", "\x1c"]
    terminator = draw(st.sampled_from([*PUNCTUATION, *controls]))
    pool = [c for c in PUNCTUATION if c != terminator]
    chars = draw(st.lists(st.sampled_from(pool), min_size=3, max_size=3, unique=True))
    repeating = draw(st.booleans())
    return Delimiters(segment=terminator, element=chars[0], component=chars[1],
                      repetition=chars[2] if repeating else None)


@st.composite
def x12_segment(draw: st.DrawFn, d: Delimiters) -> Segment:
    specials = d.service_characters()
    plain = [c for c in string.ascii_letters + string.digits + string.punctuation + " "
             if c not in specials]
    values = st.text(st.sampled_from(plain), max_size=8)
    tag = draw(_tags(X12_RESERVED_TAGS))
    elements = draw(st.lists(_components(values), max_size=4))
    repeats: dict[int, list[list[str]]] = {}
    if d.repetition and elements:
        for pos in draw(st.sets(st.integers(1, len(elements)), max_size=2)):
            more = draw(st.lists(_components(values), min_size=1, max_size=3))
            repeats[pos] = [elements[pos - 1], *more]
    return Segment(tag, elements, repeats=repeats or None)


@st.composite
def x12_interchange(draw: st.DrawFn, number: int, line_ending: str) -> Interchange:
    d = draw(x12_delimiters(line_ending))
    version = "00501" if d.repetition else "00401"
    control = f"{number:09d}"
    ident = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=15)
    header = Segment.of(
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", draw(ident).ljust(15), "ZZ",
        draw(ident).ljust(15), "250101", "1200", d.repetition or "U", version, control,
        "0", "P", d.component)
    groups = []
    counter = 0
    for g in range(1, draw(st.integers(1, 2)) + 1):
        messages = []
        for _ in range(draw(st.integers(1, 2))):
            counter += 1
            ref = f"{counter:04d}"
            body = draw(st.lists(x12_segment(d), max_size=3))
            messages.append(Message(Segment.of("ST", "850", ref), body,
                                    Segment.of("SE", str(len(body) + 2), ref),
                                    type="850", reference=ref))
        groups.append(Group(
            Segment.of("GS", "PO", "SENDER", "RECEIVER", "20250101", "1200", str(g), "X",
                       "005010" if d.repetition else "004010"),
            messages, Segment.of("GE", str(len(messages)), str(g))))
    return Interchange("x12", d, header, groups,
                       Segment.of("IEA", str(len(groups)), control), line_ending=line_ending)


@st.composite
def x12_files(draw: st.DrawFn) -> Case:
    """One to three interchanges, each with its own delimiters, in one layout."""
    count = draw(st.integers(1, 3))
    line_ending = draw(st.sampled_from(["", "\n", "\r\n"]))
    return Case([draw(x12_interchange(n, line_ending)) for n in range(1, count + 1)], "ascii")


# -- comparing trees ------------------------------------------------------------------------


def _segments(seg: Segment | None) -> tuple[str, list[list[str]], object] | None:
    return None if seg is None else (seg.tag, seg.elements, seg.repeats or None)


def _shape(ic: Interchange) -> object:
    """Everything of an interchange a round trip must keep, as plain values."""
    return (
        ic.standard, ic.delimiters, ic.service_string, ic.line_ending,
        _segments(ic.header), _segments(ic.trailer),
        [(_segments(g.header), _segments(g.trailer),
          [(_segments(m.header), [_segments(s) for s in m.segments], _segments(m.trailer))
           for m in g.messages])
         for g in ic.groups],
    )


def _trails(seg: Segment) -> bool:
    """Whether a segment written as it stands ends a value list with a separator:
    an empty last element, composite or repetition."""
    repeats = seg.repeats or {}
    if seg.elements and seg.elements[-1] == [""] and len(seg.elements) not in repeats:
        return True
    composites = [*seg.elements, *(c for reps in repeats.values() for c in reps)]
    return any(len(comps) > 1 and comps[-1] == "" for comps in composites) or any(
        len(reps) > 1 and reps[-1] == [""] for reps in repeats.values())


def _assert_round_trip(case: Case) -> None:
    data = write(case.interchanges, encoding=case.encoding)
    result = read(data)
    # The only issue a written tree may give is a warning for each segment that
    # ends a value list with a separator; nothing else.
    trailing = [i for i in result.issues if i.code is Code.TRAILING_SEPARATOR]
    assert [i for i in result.issues if i not in trailing] == [], [
        str(i) for i in result.issues]
    assert len(trailing) == sum(
        _trails(seg) for ic in case.interchanges for msg in ic.messages()
        for seg in msg.segments)
    assert all(i.severity is Severity.WARNING for i in trailing)
    assert [_shape(ic) for ic in result.interchanges] == [_shape(ic) for ic in case.interchanges]
    assert write(result.interchanges, encoding=result.detection.encoding) == data


@SETTINGS
@given(edifact_files())
def test_edifact_written_then_read_is_the_same_tree_and_bytes(case: Case) -> None:
    """EDIFACT with random delimiters and escaped values: read(write(t)) == t, bytes stable."""
    _assert_round_trip(case)


@SETTINGS
@given(x12_files())
def test_x12_written_then_read_is_the_same_tree_and_bytes(case: Case) -> None:
    """X12 with random delimiters (fixed-width ISA): read(write(t)) == t, bytes stable."""
    _assert_round_trip(case)


@SETTINGS
@given(st.one_of(edifact_files(), x12_files()), st.sampled_from([64, 100, 333, 4096]))
def test_stream_reads_what_read_reads_at_any_chunk_size(case: Case, chunk_size: int) -> None:
    """stream() yields the same messages, in order and at the same places, as read()."""
    data = write(case.interchanges, encoding=case.encoding)
    whole = [list(m.all_segments()) for m in read(data).messages()]
    streamed = [list(e.message.all_segments())
                for e in stream(io.BytesIO(data), chunk_size=chunk_size)
                if isinstance(e, MessageRead)]
    assert streamed == whole
    positions = [[(s.line, s.column) for s in m] for m in streamed]
    assert positions == [[(s.line, s.column) for s in m] for m in whole]


# -- damaged input never raises -----------------------------------------------------------------

NOISE = [b"'", b"+", b":", b"?", b"*", b"~", b"^", b">", b"|", b"\n", b"\r", b"\r\n", b" ",
         b"UNA", b"UNB", b"UNH", b"UNT", b"UNZ", b"UNG", b"ISA", b"IEA", b"GS", b"ST", b"SE",
         b"\x00", b"\x1c", b"\x1d", b"\x1f", b"\x15", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"<",
         b"A", b"9"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid written file with random insertions, deletions, replacements, a cut
    or a duplicated slice."""
    case = draw(st.one_of(edifact_files(), x12_files()))
    data = bytearray(write(case.interchanges, encoding=case.encoding))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        piece = draw(st.one_of(st.sampled_from(NOISE), st.binary(min_size=1, max_size=4)))
        if kind == "insert":
            data[at:at] = piece
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 12))]
        elif kind == "replace":
            data[at:at + len(piece)] = piece
        elif kind == "truncate":
            del data[at:]
        else:
            end = draw(st.integers(at, min(len(data), at + 200)))
            data[end:end] = data[at:end]
    return bytes(data)


def _validate(data: bytes) -> list[dict[str, object]]:
    """Run ``edi-gateway validate`` on ``data`` as a file and return its JSON lines."""
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.edi"
        path.write_bytes(data)
        with contextlib.redirect_stdout(out):
            code = main(["validate", str(path)])
    assert code in (0, 1)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@SETTINGS
@given(mutated(), st.sampled_from([1, 7, 64, 1 << 20]))
def test_damaged_input_never_raises(data: bytes, chunk_size: int) -> None:
    """read, stream, inspect and validate return issues for any damage; none of them raises."""
    read(data)
    list(stream(io.BytesIO(data), chunk_size=chunk_size))
    report = inspect(data)
    assert report.valid == (not any(i.blocking for i in report.issues))
    (line,) = _validate(data)
    codes = [i["code"] for i in line["issues"]]  # type: ignore[attr-defined]
    assert "internal.error" not in codes


@SETTINGS
@given(mutated(), st.sampled_from([7, 64, 1 << 20]))
def test_damaged_input_streams_like_read(data: bytes, chunk_size: int) -> None:
    """Even on damaged input, stream() yields the messages read() finds, segment for
    segment and layout for layout, and the same interchanges' layout."""
    result = read(data)
    events = list(stream(io.BytesIO(data), chunk_size=chunk_size))
    streamed = [_with_layout(list(e.message.all_segments())) for e in events
                if isinstance(e, MessageRead)]
    assert streamed == [_with_layout(list(m.all_segments())) for m in result.messages()]
    assert [_laid_out(e.interchange) for e in events
            if isinstance(e, InterchangeRead) and not e.fatal] == [
        _laid_out(ic) for ic in result.interchanges]


# -- laid out as partners lay files out -----------------------------------------------------

# Layout between segments: blanks, tabs and line breaks, in any mix.
_GAPS = st.lists(st.sampled_from([" ", "\t", "\n", "\r\n", "  "]), max_size=3).map("".join)
_BREAKS = st.sampled_from(["\n", "\r\n"])
# What may follow a last segment that has no terminator: line breaks only (a blank
# after it would be part of its last value).
_END_BREAKS = st.lists(_BREAKS, max_size=2).map("".join)


def _envelope_and_body(ic: Interchange) -> list[Segment]:
    found = [ic.header] if ic.header is not None else []
    for group in ic.groups:
        found += [group.header] if group.header is not None else []
        for msg in group.messages:
            found += list(msg.all_segments())
        found += [group.trailer] if group.trailer is not None else []
    return found + ([ic.trailer] if ic.trailer is not None else [])


@st.composite
def laid_out_files(draw: st.DrawFn) -> Case:
    """Generated interchanges with the layout partners send: blanks and line breaks of
    any kind between segments and around interchanges, hard-wrapped segments, ISA
    fields without their padding, BIN segments whose data holds delimiters and line
    breaks, a last segment without terminator."""
    case = draw(st.one_of(edifact_files(), x12_files()))
    for ic in case.interchanges:
        d = ic.delimiters
        wraps = d.segment not in "\r\n"
        if ic.standard == "x12":
            assert ic.header is not None
            if draw(st.booleans()):  # a partner that does not pad its ISA fields
                ic.header.elements = [[c.strip() for c in comps] for comps in ic.header.elements]
                ic.header.layout = Layout(widths=tuple(len(c[0]) for c in ic.header.elements))
            for msg in ic.messages():
                if draw(st.booleans()):
                    data = "".join(draw(st.lists(st.sampled_from(
                        ["A", "9", " ", d.segment, d.element, d.component, "\n", "\r\n"]),
                        max_size=8)))
                    msg.segments.append(Segment("BIN", [[str(len(data))], [data]]))
        for seg in _envelope_and_body(ic)[1:]:
            before = draw(st.none() | _GAPS)
            extras: tuple[tuple[int, str], ...] = ()
            if wraps and seg.tag != "BIN" and draw(st.integers(0, 3)) == 0:
                # Inside the tag and after the last value: safe whatever the values hold.
                extras = ((1, draw(_BREAKS)),) if len(seg.tag) > 1 else ()
                extras += ((1 << 16, draw(_BREAKS)),)
            if before is not None or extras:
                seg.layout = Layout(before=before, extras=extras)
        ic.final_line_ending = draw(st.none() | _GAPS)
    case.interchanges[0].lead = draw(_GAPS)
    last = case.interchanges[-1]
    if last.trailer is not None and draw(st.booleans()):
        last.trailer.layout = (last.trailer.layout or Layout()).but(terminated=False)
        last.final_line_ending = draw(_END_BREAKS)
    return case


def _content(ic: Interchange) -> list[object]:
    """Every segment's content, ISA values without padding (its widths are layout)."""
    return [(s.tag, [[c.strip() for c in comps] for comps in s.elements]
             if s.tag == "ISA" else s.elements, s.repeats or None)
            for s in _envelope_and_body(ic)]


def _with_layout(segments: list[Segment]) -> list[object]:
    return [(s.tag, s.elements, s.repeats, s.layout) for s in segments]


def _laid_out(ic: Interchange) -> list[object]:
    """An interchange's layout and its envelope segments with theirs (streaming keeps
    no messages in their groups)."""
    envelope = [ic.header] if ic.header is not None else []
    for group in ic.groups:
        envelope += [s for s in (group.header, group.trailer) if s is not None]
    envelope += [ic.trailer] if ic.trailer is not None else []
    return [ic.line_ending, ic.final_line_ending, ic.lead, _with_layout(envelope)]


@SETTINGS
@given(laid_out_files(), st.sampled_from([1, 5, 64, 4096]))
def test_any_layout_is_written_back_byte_for_byte(case: Case, chunk_size: int) -> None:
    """Whatever the layout around and inside segments, read then written (through the
    JSON form) gives the same bytes; stream() reads the same layout as read(); and
    the canonical form (normalize) holds the same segments."""
    data = write(case.interchanges, encoding=case.encoding)
    result = read(data)
    # An unpadded ISA is rejected by policy (translators read it by position), and read.
    blocking = [i for i in result.issues if i.blocking and i.code is not Code.BAD_HEADER_FIELD]
    assert blocking == [], [str(i) for i in result.issues]
    text = json.dumps(result_to_json(result), ensure_ascii=False)
    interchanges, encoding, bom = tree_from_json(json.loads(text))
    assert write(interchanges, encoding=encoding, bom=bom) == data
    events = list(stream(io.BytesIO(data), chunk_size=chunk_size))
    assert [_laid_out(e.interchange) for e in events
            if isinstance(e, InterchangeRead) and not e.fatal] == [
        _laid_out(ic) for ic in result.interchanges]
    assert [_with_layout(list(e.message.all_segments())) for e in events
            if isinstance(e, MessageRead)] == [
        _with_layout(list(m.all_segments())) for m in result.messages()]
    canonical = read(write(result.interchanges, encoding=encoding, normalize=True))
    assert [_content(ic) for ic in canonical.interchanges] == [
        _content(ic) for ic in result.interchanges]
