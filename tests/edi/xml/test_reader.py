"""read_xml turns every data problem into an issue and never raises on bad bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.edi.issues import Code, Severity
from gateway.edi.xml.documents import UBL, ubl_namespace
from gateway.edi.xml.reader import XmlRead, read_xml

ORDER = (
    f'<?xml version="1.0"?>\n<Order xmlns="{ubl_namespace("Order")}"'
    ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "<cbc:ID>PO-1</cbc:ID></Order>"
).encode()


def _single_issue(read: XmlRead) -> tuple[Code, Severity, int | None]:
    assert len(read.issues) == 1
    issue = read.issues[0]
    return issue.code, issue.severity, issue.location.line


def test_known_document_reads_clean() -> None:
    """A recognised document comes back with its tree, its identity and no issues."""
    read = read_xml(ORDER)
    assert read.issues == []
    assert read.root is not None
    assert read.document is not None
    assert (read.document.family, read.document.type, read.document.reference) == (
        UBL, "Order", "PO-1",
    )


def test_not_well_formed_becomes_a_fatal_issue_with_its_line() -> None:
    """Malformed XML is a fatal syntax.xml-not-well-formed issue located at its line."""
    read = read_xml(b"<a>\n  <b>\n</a>\n")
    assert (read.root, read.document) == (None, None)
    assert _single_issue(read) == (Code.XML_NOT_WELL_FORMED, Severity.FATAL, 3)
    assert "line 3" in read.issues[0].message


def test_forbidden_entity_becomes_a_fatal_issue() -> None:
    """An entity declaration is a fatal syntax.xml-forbidden-construct issue."""
    read = read_xml(b'<!DOCTYPE a [\n<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')
    assert _single_issue(read) == (Code.XML_FORBIDDEN, Severity.FATAL, 2)


def test_too_large_becomes_a_fatal_issue() -> None:
    """A document over the size bound is a fatal syntax.xml-too-large issue."""
    read = read_xml(ORDER, max_bytes=20)
    assert _single_issue(read) == (Code.XML_TOO_LARGE, Severity.FATAL, None)


def test_too_deep_becomes_a_fatal_issue() -> None:
    """A document over the depth bound is a fatal syntax.xml-too-deep issue."""
    read = read_xml(b"<a>\n<b>\n<c/></b></a>", max_depth=2)
    assert _single_issue(read) == (Code.XML_TOO_DEEP, Severity.FATAL, 3)


def test_unknown_root_is_a_warning_naming_namespace_and_name() -> None:
    """An unrecognised root keeps its tree and gets a warning naming its namespace and name."""
    read = read_xml(b'<?xml version="1.0"?>\n<Shipment xmlns="urn:example:logistics"/>')
    assert read.root is not None
    assert read.document is None
    assert _single_issue(read) == (Code.XML_UNKNOWN_DOCUMENT, Severity.WARNING, 2)
    message = read.issues[0].message
    assert "Shipment" in message
    assert "urn:example:logistics" in message
    assert not read.issues[0].blocking


def test_unknown_root_without_namespace_says_so() -> None:
    """A root in no namespace is reported as such."""
    read = read_xml(b"<Order/>")
    assert read.issues[0].code == Code.XML_UNKNOWN_DOCUMENT
    assert "no namespace" in read.issues[0].message


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00", b"\x00" * 16, b"<", b"<?xml", b"<!DOCTYPE", b"\xef\xbb\xbf"],
)
def test_degenerate_input_is_an_issue(data: bytes) -> None:
    """Empty, truncated or binary input yields one blocking issue and no exception."""
    read = read_xml(data)
    assert read.root is None
    assert len(read.issues) == 1
    assert read.issues[0].blocking


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_read_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    """Whatever the bytes, read_xml returns a value: a document, a root, or issues."""
    read = read_xml(data)
    assert read.document is not None or read.issues


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>!?[]&%;'\"=/ -xyENTITYDOCTYPE", max_size=200))
def test_read_never_raises_on_markup_soup(text: str) -> None:
    """Markup-shaped garbage, including half-written DOCTYPEs and entities, never raises."""
    read = read_xml(text.encode())
    assert read.document is not None or read.issues
