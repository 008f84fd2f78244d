"""Detection: standard, encoding and first delimiters from the first bytes."""

from __future__ import annotations

import pytest

from gateway.edi.charsets import EBCDIC
from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    EDIFACT_DEFAULT_V4,
    EDIFACT_LEVEL_B,
    IS1,
    IS3,
    IS4,
    Delimiters,
)
from gateway.edi.detect import UNKNOWN, XML, detect
from gateway.edi.issues import Code, Severity
from gateway.edi.lexer import EDIFACT, X12
from tests.edi.snippets import EDIFACT as EDIFACT_TEXT
from tests.edi.snippets import x12


def test_edifact_without_una_takes_default_delimiters() -> None:
    """EDIFACT starting with UNB is detected with the syntax 3 default delimiters."""
    found = detect(EDIFACT_TEXT.encode())
    assert (found.standard, found.declared, found.delimiters) == (EDIFACT, "UNOC", EDIFACT_DEFAULT)
    assert found.issues == []


def test_edifact_syntax_4_without_una_has_repetition_separator() -> None:
    """UNB syntax version 4 without UNA is detected with '*' as repetition separator."""
    found = detect(EDIFACT_TEXT.replace("UNOC:3", "UNOC:4").encode())
    assert found.delimiters == EDIFACT_DEFAULT_V4


def test_edifact_with_una_takes_its_delimiters() -> None:
    """EDIFACT starting with UNA is detected with the UNA's delimiters."""
    found = detect(b"UNA#|,!*%UNB|UNOC#4|S|R|250101#1200|1%")
    assert found.standard == EDIFACT
    assert found.delimiters == Delimiters(
        segment="%", element="|", component="#", repetition="*", release="!", decimal=",")


def test_unob_level_b_is_detected_with_control_character_delimiters() -> None:
    """A UNB separated by IS3 is EDIFACT with the level B delimiters."""
    data = f"UNB{IS3}UNOB{IS1}3{IS3}S{IS3}R{IS3}250101{IS1}1200{IS3}1{IS4}".encode()
    found = detect(data)
    assert (found.standard, found.delimiters) == (EDIFACT, EDIFACT_LEVEL_B)


def test_bare_edifact_message_is_detected() -> None:
    """A message sent without UNB (starting with UNH) is still EDIFACT."""
    assert detect(b"UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+3+1'").standard == EDIFACT


def test_edifact_message_body_without_unh_is_detected() -> None:
    """Bare segments such as BGM+...' are recognised as EDIFACT."""
    assert detect(b"BGM+220+PO1+9'DTM+137:20250101:102'").standard == EDIFACT


def test_x12_is_detected_with_isa_delimiters() -> None:
    """A file starting with ISA is X12 with the delimiters at the fixed offsets."""
    found = detect(x12(repetition="^", version="00501", component=">").encode())
    assert found.standard == X12
    assert found.encoding == "ascii"
    assert found.delimiters == Delimiters(segment="~", element="*", component=">",
                                          repetition="^")


def test_ebcdic_x12_is_detected_and_decoded_as_cp037() -> None:
    """X12 encoded in EBCDIC (cp037) is detected as X12 with encoding cp037."""
    data = x12(terminator="\x15").encode(EBCDIC)
    found = detect(data)
    assert (found.standard, found.encoding) == (X12, EBCDIC)
    assert found.delimiters == Delimiters(segment="\x15", element="*", component=":")


def test_utf8_bom_is_noted_and_skipped() -> None:
    """A UTF-8 byte order mark is reported as bom=True and does not hide the format."""
    found = detect(b"\xef\xbb\xbf" + EDIFACT_TEXT.replace("UNOC", "UNOW").encode())
    assert (found.standard, found.bom, found.encoding) == (EDIFACT, True, "utf-8")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t "])
def test_empty_input_is_a_fatal_issue(data: bytes) -> None:
    """Nothing but whitespace is unknown, with a fatal syntax.empty-input issue."""
    found = detect(data)
    assert found.standard == UNKNOWN
    assert [(i.code, i.severity) for i in found.issues] == [(Code.EMPTY_INPUT, Severity.FATAL)]


def test_unknown_format_is_a_fatal_issue_at_line_1() -> None:
    """Text that is neither EDIFACT, X12 nor XML is unknown-format, fatal, at line 1."""
    found = detect(b"Hello, this is a letter.\n")
    assert found.standard == UNKNOWN
    assert [i.code for i in found.issues] == [Code.UNKNOWN_FORMAT]
    assert (found.issues[0].location.line, found.issues[0].location.column) == (1, 1)


def test_xml_is_told_apart() -> None:
    """A document starting with '<' is XML, left to the XML reader."""
    assert detect(b"<?xml version='1.0'?><Order/>").standard == XML


def test_unknown_syntax_identifier_warns_and_reads_latin1() -> None:
    """A UNB syntax identifier outside code list 0001 warns unknown-charset; ISO 8859-1 is used."""
    found = detect(EDIFACT_TEXT.replace("UNOC", "ZZZZ").encode())
    assert found.encoding == "iso8859-1"
    assert [(i.code, i.severity) for i in found.issues] == [
        (Code.UNKNOWN_CHARSET, Severity.WARNING)]


def test_detection_to_json_names_the_delimiters() -> None:
    """to_json gives standard, encoding, declared charset and delimiters as plain values."""
    found = detect(EDIFACT_TEXT.encode()).to_json()
    assert found["standard"] == "edifact"
    assert found["declared_charset"] == "UNOC"
    assert found["delimiters"] == EDIFACT_DEFAULT.to_json()
