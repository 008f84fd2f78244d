"""Character sets: syntax identifiers, lossless decoding, charset mismatches, the BOM."""

from __future__ import annotations

import pytest

from gateway.edi.charsets import (
    codec_for_syntax,
    find_escaped,
    is_single_byte,
    looks_like_utf8,
)
from gateway.edi.issues import Code, Severity
from gateway.edi.reader import read
from gateway.edi.writer import write


def _edifact(charset: str, name: str) -> str:
    return (f"UNB+{charset}:3+S+R+250101:1200+1'UNH+1+ORDERS:D:96A:UN'"
            f"NAD+BY+++{name}'UNT+3+1'UNZ+1+1'")


def _name(data: bytes) -> str:
    (msg,) = read(data).messages()
    return msg.segments[0].get(4)


@pytest.mark.parametrize(
    ("identifier", "codec"),
    [("UNOA", "ascii"), ("UNOB", "ascii"), ("UNOC", "iso8859-1"), ("UNOD", "iso8859-2"),
     ("UNOW", "utf-8"), ("UNOY", "utf-8"), (" unoc ", "iso8859-1"), ("XXXX", None)],
)
def test_syntax_identifier_names_a_codec(identifier: str, codec: str | None) -> None:
    """UNB 0001 maps to its codec, case and blanks aside; an unknown one maps to None."""
    assert codec_for_syntax(identifier) == codec


def test_find_escaped_locates_the_first_kept_byte_and_counts_them() -> None:
    """Bytes kept by surrogateescape are found with offset, byte value and count."""
    text = b"ab\xfccd\xfe".decode("ascii", errors="surrogateescape")
    bad = find_escaped(text)
    assert bad is not None
    assert (bad.offset, bad.byte, bad.count) == (2, 0xFC, 2)
    assert find_escaped("plain") is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Müller".encode(), True),
        ("Müller".encode("latin-1"), False),
        (b"plain ascii", False),
        ("Stra\u00dfe \u20ac".encode()[:-1], True),  # a sequence cut at the end of a sample
    ],
)
def test_looks_like_utf8(data: bytes, expected: bool) -> None:
    """Only non-ASCII data that decodes as UTF-8 (or is cut mid-sequence at the end) looks UTF-8."""
    assert looks_like_utf8(data) is expected


def test_single_byte_codecs() -> None:
    """ISO 8859 codecs and ASCII are single-byte; UTF-8 is not."""
    assert is_single_byte("iso8859-1") and is_single_byte("ascii")
    assert not is_single_byte("utf-8")


def test_unoc_latin1_bytes_are_decoded_as_latin1() -> None:
    """UNOC with ISO 8859-1 bytes decodes 'ü' from the single byte 0xFC, without issues."""
    data = _edifact("UNOC", "Müller").encode("latin-1")
    result = read(data)
    assert result.issues == []
    assert result.detection.encoding == "iso8859-1"
    assert _name(data) == "Müller"
    assert write(result.interchanges, encoding=result.detection.encoding) == data


def test_unoc_declared_but_utf8_bytes_warn_and_read_as_utf8() -> None:
    """UNOC with UTF-8 bytes warns charset-mismatch at UNB and is read as UTF-8."""
    data = _edifact("UNOC", "Müller Straße").encode()
    result = read(data)
    assert result.detection.encoding == "utf-8"
    assert [(i.code, i.severity, i.location.segment, i.location.value)
            for i in result.issues] == [
        (Code.CHARSET_MISMATCH, Severity.WARNING, "UNB", "UNOC")]
    assert _name(data) == "Müller Straße"
    assert write(result.interchanges, encoding=result.detection.encoding) == data


def test_unoa_with_a_byte_outside_ascii_is_an_error_and_the_byte_is_kept() -> None:
    """UNOA with 0xFC: error invalid-bytes at its line and column; write gives the bytes back."""
    data = _edifact("UNOA", "M\xfcLLER").encode("latin-1")
    result = read(data)
    (issue,) = [i for i in result.issues if i.code == Code.INVALID_BYTES]
    assert (issue.code, issue.severity, issue.location.value) == (
        Code.INVALID_BYTES, Severity.ERROR, "0xFC")
    assert (issue.location.line, issue.location.column) == (1, 62)
    assert not result.valid
    assert write(result.interchanges, encoding=result.detection.encoding) == data


def test_invalid_bytes_count_every_byte_and_point_at_the_first() -> None:
    """Several bad bytes give one issue naming the first and how many there are, on its line."""
    data = (_edifact("UNOA", "OK").replace("'", "'\n").replace("OK", "\xe9T\xe9")
            ).encode("latin-1")
    (issue,) = [i for i in read(data).issues if i.code == Code.INVALID_BYTES]
    assert (issue.location.line, issue.location.column) == (3, 10)
    assert "2 such bytes" in issue.message


def test_utf8_bom_is_kept_through_read_and_write() -> None:
    """A UTF-8 BOM is noted on reading and written back, the rest unchanged."""
    data = b"\xef\xbb\xbf" + _edifact("UNOW", "Łódź").encode()
    result = read(data)
    assert result.issues == []
    assert result.detection.bom is True
    assert _name(data) == "Łódź"
    header = result.interchanges[0].header
    assert header is not None and (header.line, header.column) == (1, 1)
    out = write(result.interchanges, encoding=result.detection.encoding,
                bom=result.detection.bom)
    assert out == data


def test_bom_with_a_latin_declaration_reads_utf8() -> None:
    """A UTF-8 BOM overrides a UNOC declaration for non-ASCII bytes."""
    data = b"\xef\xbb\xbf" + _edifact("UNOC", "Müller").encode()
    assert read(data).detection.encoding == "utf-8"
    assert _name(data) == "Müller"


def test_invalid_utf8_in_unow_is_reported_and_kept() -> None:
    """UNOW with a byte that is not UTF-8 is invalid-bytes, the value holding it breaks
    the message's character set, and the byte survives a write."""
    data = _edifact("UNOW", "M\xfcller").encode("latin-1")
    result = read(data)
    assert sorted(i.code for i in result.issues) == [Code.OUTSIDE_CHARSET, Code.INVALID_BYTES]
    assert write(result.interchanges, encoding=result.detection.encoding) == data
