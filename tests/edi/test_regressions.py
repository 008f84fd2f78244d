"""Regression samples: one file per bug, named after what broke, in ``regressions/``.

Each was written by hand for the bug it names. Every one is read without an
error at envelope level and written back (``parse --json | write -``) byte for
byte; its own test pins, by hand, the facts the bug was about. They live beside
the tests rather than in ``samples/``, whose files tell the project's business
story and are taken in by ``edi-gateway run``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gateway.edi.issues import Code, Level, Severity
from gateway.edi.jsonform import result_to_json, tree_from_json
from gateway.edi.reader import MessageRead, ReadResult, read, stream
from gateway.edi.tree import Layout, Segment
from gateway.edi.writer import write

FOLDER = Path(__file__).with_name("regressions")
SAMPLES = sorted(FOLDER.iterdir())
# Samples the gateway reads and writes back but rejects by policy, and the codes: an
# ISA field not at its fixed width is refused by translators that read it by position.
REJECTED = {
    "isa_field_wider_than_standard.x12": {Code.BAD_HEADER_FIELD},
    "isa_fields_unpadded.x12": {Code.BAD_HEADER_FIELD},
}


def _read(name: str) -> ReadResult:
    return read((FOLDER / name).read_bytes())


def _write_back(data: bytes, *, normalize: bool = False) -> bytes:
    """``parse --json | write -`` through the library, JSON text included."""
    text = json.dumps(result_to_json(read(data)), ensure_ascii=False)
    interchanges, encoding, bom = tree_from_json(json.loads(text))
    return write(interchanges, encoding=encoding, bom=bom, normalize=normalize)


def _body(result: ReadResult) -> list[Segment]:
    return [seg for msg in result.messages() for seg in msg.segments]


def _codes(result: ReadResult) -> set[Code]:
    return {issue.code for issue in result.issues}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_regression_sample_is_read_cleanly_and_written_back_byte_for_byte(path: Path) -> None:
    """Every regression sample reads with no error at envelope level (but those the
    gateway rejects by policy) and comes back from its JSON form as the very bytes
    sent, streamed or read whole alike."""
    data = path.read_bytes()
    result = read(data)
    errors = {i.code for i in result.issues_at(Level.ENVELOPE)
              if i.severity in (Severity.ERROR, Severity.FATAL)}
    assert errors == REJECTED.get(path.name, set())
    assert _write_back(data) == data
    streamed = [[(s.tag, s.elements, s.layout) for s in e.message.all_segments()]
                for e in stream(io.BytesIO(data), chunk_size=7) if isinstance(e, MessageRead)]
    assert streamed == [[(s.tag, s.elements, s.layout) for s in m.all_segments()]
                        for m in result.messages()]


def test_una_with_a_decimal_comma_is_kept_as_sent() -> None:
    """A UNA whose only difference from the defaults is the decimal mark (',') is
    kept, in the tree and on writing, normalised or not."""
    result = _read("una_decimal_comma.edi")
    (ic,) = result.interchanges
    assert ic.service_string == "UNA:+,? '"
    assert ic.delimiters.decimal == ","
    qty = next(seg for seg in _body(result) if seg.tag == "QTY")
    assert qty.elements == [["21", "12,5"]]
    data = (FOLDER / "una_decimal_comma.edi").read_bytes()
    assert _write_back(data, normalize=True).startswith(b"UNA:+,? '\nUNB+UNOC:3")


def test_indented_segments_keep_their_leading_blanks() -> None:
    """Segments laid out one per line with leading blanks keep the blanks as their
    layout, and their columns point past them."""
    result = _read("segments_indented.edi")
    (msg,) = result.messages()
    assert msg.header is not None and msg.header.layout == Layout(before="\n  ")
    qty = next(seg for seg in msg.segments if seg.tag == "QTY")
    assert qty.layout == Layout(before="\n      ")
    assert (qty.line, qty.column) == (8, 7)
    assert msg.trailer is not None and msg.trailer.layout == Layout(before="\n  ")
    data = (FOLDER / "segments_indented.edi").read_bytes()
    assert b"\n  UNH" not in _write_back(data, normalize=True)


def test_mixed_line_endings_are_kept_per_segment() -> None:
    """A file mixing CR LF and LF keeps the first as its line ending and the other
    as the layout of the segments it precedes."""
    result = _read("line_endings_mixed.edi")
    (ic,) = result.interchanges
    assert ic.line_ending == "\r\n"
    befores = {seg.tag: seg.layout.before for seg in _body(result) if seg.layout}
    assert befores == {"DTM": "\n", "NAD": "\n", "QTY": "\n"}


def test_needless_release_character_is_reported_and_written_back() -> None:
    """A release character before a letter is a warning and no part of the value, yet
    it comes back where it stood; the canonical form leaves it out."""
    result = _read("release_before_plain_character.edi")
    assert _codes(result) == {Code.NEEDLESS_RELEASE}
    ftx = next(seg for seg in _body(result) if seg.tag == "FTX")
    assert ftx.get(4) == "DELIVER TO DOOR B, NOT + DOCK 4"
    data = (FOLDER / "release_before_plain_character.edi").read_bytes()
    assert b"DOOR B, NOT ?+ DOCK" in _write_back(data, normalize=True)


def test_wrapped_lines_are_layout_not_content() -> None:
    """A file hard-wrapped at 40 columns reads as the unwrapped segments and is
    written back wrapped; the canonical form has no line break inside a segment."""
    data = (FOLDER / "wrapped_at_40_columns.edi").read_bytes()
    result = read(data)
    assert Code.WRAPPED_SEGMENT in _codes(result)
    bgm, dtm = _body(result)
    assert (bgm.get(2), dtm.get(1, 2)) == ("PO4500018003", "20250301")
    canonical = _write_back(data, normalize=True)
    assert b"\n" not in canonical
    assert canonical == data.replace(b"\n", b"")


def test_isa_field_wider_than_standard_is_written_as_read() -> None:
    """An ISA whose ISA08 is 16 characters ('3102120292' and six blanks) is read (and
    rejected by policy) and written back as read, not refused; the canonical form pads
    ISA08 to its standard 15, and that one is accepted."""
    result = _read("isa_field_wider_than_standard.x12")
    assert _codes(result) == {Code.NONSTANDARD_ISA, Code.BAD_HEADER_FIELD}
    (ic,) = result.interchanges
    assert ic.header is not None and ic.header.get(8) == "3102120292      "
    assert ic.header.layout is not None and ic.header.layout.widths is not None
    assert ic.header.layout.widths[7] == 16
    data = (FOLDER / "isa_field_wider_than_standard.x12").read_bytes()
    canonical = _write_back(data, normalize=True)
    assert canonical.index(b"~") == 105
    assert b"*3102120292     *250301" in canonical
    assert _codes(read(canonical)) == set()


def test_isa_fields_without_padding_are_written_as_read() -> None:
    """An ISA sent with every field unpadded comes back unpadded; normalised, it has
    its standard 106 characters."""
    data = (FOLDER / "isa_fields_unpadded.x12").read_bytes()
    assert data.startswith(b"ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*")
    assert _write_back(data) == data
    canonical = _write_back(data, normalize=True)
    assert canonical.index(b"~") == 105
    assert canonical.startswith(b"ISA*00*          *00*          *ZZ*SENDER         *")


def test_newline_terminated_x12_may_end_with_a_blank_line() -> None:
    """X12 whose terminator is the line break and which ends with a blank line reads
    as cleanly as the '~' version: one interchange, no issue, the blank line kept."""
    result = _read("newline_terminator_blank_line_at_end.x12")
    assert result.issues == []
    (ic,) = result.interchanges
    assert ic.delimiters.segment == "\n"
    assert ic.header is not None and ic.trailer is not None
    assert ic.trailer.elements == [["1"], ["000000004"]]
    assert ic.final_line_ending == "\n"


def test_bin_data_may_hold_the_terminator_and_separators() -> None:
    """BIN02 is exactly BIN01 bytes, terminator and element separator included."""
    result = _read("bin_data_holding_the_terminator.x12")
    assert result.issues == []
    (binary,) = [seg for seg in _body(result) if seg.tag == "BIN"]
    assert binary.elements == [["7"], ["AB~C*DE"]]
    assert [seg.tag for seg in _body(result)] == ["BEG", "BIN"]


def test_bin_data_may_hold_line_breaks() -> None:
    """BIN02 keeps its line breaks (CR LF and LF) in a file laid out one segment per
    line, and the segments after it have their true line numbers."""
    result = _read("bin_data_holding_line_breaks.x12")
    assert result.issues == []
    (msg,) = result.messages()
    binary = next(seg for seg in msg.segments if seg.tag == "BIN")
    assert binary.elements == [["12"], ["LINE 1\r\nL~2\n"]]
    assert (binary.line, msg.trailer.line if msg.trailer else None) == (5, 8)
