"""The UBL 2.1 and cXML 1.2 mappings: golden documents, round trips and the corpus.

Each XML sample under ``samples/ubl`` and ``samples/cxml`` maps to exactly the
document stored beside it (``<name>.document.json``, written by
``tests/regenerate_samples.py``); every document survives being written back
as XML and read again; what is written is well-formed and recognised as the
document type it should be. Every file of the shared corpus whose type a
mapping reads maps to a valid document, except those listed below with the
reason, and its document survives the same round trip.

The registry picks outbound mappings by document type alone; the UBL variants
(OrderChange, OrderCancellation, CreditNote) are filed under
``purchase_order.change``, ``purchase_order.cancellation`` and
``invoice.credit_note``, and :func:`write_xml` picks them here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from gateway.documents.common import Model
from gateway.edi.issues import Code, Level
from gateway.edi.report import FileReport, inspect
from gateway.edi.xml.documents import UBL_CBC_NAMESPACE, ubl_namespace
from gateway.mapping.convert import Mapped, documents, to_xml
from gateway.mapping.registry import Mappings, load_mappings
from gateway.mapping.xml_out import XmlOutboundMapping
from tests import corpus
from tests.regenerate_samples import DOCUMENT, SAMPLES, expected_path, sample_id

VERSIONS = {"ubl": "2.1", "cxml": "1.2"}
XML_SAMPLES = sorted([*(SAMPLES / "ubl").glob("*.xml"), *(SAMPLES / "cxml").glob("*.xml")])

# The message each variant of a document is written as, where it is not the default one.
VARIANTS = {
    ("ubl", "purchase_order.change"): "OrderChange",
    ("ubl", "purchase_order.cancellation"): "OrderCancellation",
    ("ubl", "invoice.credit_note"): "CreditNote",
}

# Corpus files whose type is mapped but that give no valid document, and why.
UNMAPPABLE: dict[str, str] = {
    "xml/Order/ubl-release-package__order-test-bad-syntax.xml":
        "deliberately not well-formed (the source's bad-syntax fixture)",
    "xml/Order/ph-ubl__CENBII-Order-minimal.xml":
        "CEN BII minimal fixture: empty cbc:ID and an empty cac:Item",
    "xml/Invoice/ph-ubl__ERR-2_BII04_minimal_invoice_example_01.xml":
        "CEN BII error fixture: invoice lines without InvoicedQuantity",
    "xml/Invoice/ph-ubl__ERR-10_BII04_minimal_VAT_invoice_example_01.xml":
        "CEN BII error fixture: invoice lines without InvoicedQuantity",
    "xml/Invoice/ubl-release-package__UBL-Invoice-2.1-Example-Trivial.xml":
        "OASIS trivial example: its one line has no InvoicedQuantity (optional in UBL)",
    "xml/ReceiptAdvice/logistics-bis__ReceiptAdvice_Example_UseCase_4.xml":
        "a receipt line with only a DespatchLineReference: no item, no received quantity",
}

# Corpus documents that change when written back, and what the target format cannot hold.
LOSSY: dict[str, str] = {
    "xml/InvoiceDetailRequest/cxml__invoice_taxes_at_line.xml":
        "line tax rates: cXML line Tax needs a tax amount the invoice line does not carry",
}


@cache
def mappings() -> Mappings:
    return load_mappings()


def read(data: bytes) -> tuple[FileReport, list[Mapped]]:
    report = inspect(data, level=Level.ENVELOPE)
    return report, documents(report, mappings())


def variant(document: Model) -> str:
    """The outbound key of a document: its type, or the variant it is written as."""
    kind = str(getattr(document, "type", ""))
    purpose = getattr(document, "purpose", None)
    if kind == "purchase_order" and purpose in ("change", "cancellation"):
        return f"{kind}.{purpose}"
    if kind == "invoice" and getattr(document, "credit_note", False):
        return f"{kind}.credit_note"
    return kind


def write_xml(document: Model, standard: str) -> tuple[bytes, str | None]:
    """The document as XML of ``standard``, and the message it is written as if a variant."""
    key = variant(document)
    message = VARIANTS.get((standard, key))
    mapping = mappings().outbound_for(standard, VERSIONS[standard], key) if message else None
    if isinstance(mapping, XmlOutboundMapping):
        return mapping.render(document), message
    return to_xml(document, mappings(), standard, VERSIONS[standard]), None


def as_json(document: Model) -> Any:
    return document.model_dump(mode="json", exclude_none=True)


def only_document(data: bytes) -> Model:
    report, mapped = read(data)
    assert report.valid, [str(i) for i in report.issues]
    assert len(mapped) == 1
    assert mapped[0].issues == [], [str(i) for i in mapped[0].issues]
    assert mapped[0].document is not None
    return mapped[0].document


# -- golden samples -----------------------------------------------------------------------


@pytest.mark.parametrize("sample", XML_SAMPLES, ids=sample_id)
def test_sample_maps_to_expected_document(sample: Path) -> None:
    """An XML sample maps, without issues, to exactly its stored <name>.document.json."""
    expected = expected_path(sample, DOCUMENT)
    assert expected.exists(), f"run tests/regenerate_samples.py ubl cxml for {sample.name}"
    document = only_document(sample.read_bytes())
    assert as_json(document) == json.loads(expected.read_text("utf-8"))


@pytest.mark.parametrize("sample", XML_SAMPLES, ids=sample_id)
def test_sample_round_trip(sample: Path) -> None:
    """A sample's document written as XML of its own family reads back as the same document."""
    report, _ = read(sample.read_bytes())
    assert report.xml is not None and report.xml.document is not None
    document = only_document(sample.read_bytes())
    written, _ = write_xml(document, report.xml.document.family)
    assert only_document(written) == document


@pytest.mark.parametrize("sample", XML_SAMPLES, ids=sample_id)
def test_written_xml_is_recognised(sample: Path) -> None:
    """Written XML is well-formed, of the sample's type; UBL has its namespace and version 2.1."""
    report, _ = read(sample.read_bytes())
    assert report.xml is not None and report.xml.document is not None
    source = report.xml.document
    written, _ = write_xml(only_document(sample.read_bytes()), source.family)
    root = etree.fromstring(written, etree.XMLParser(resolve_entities=False, no_network=True))
    again, _ = read(written)
    assert again.valid, [str(i) for i in again.issues]
    assert again.xml is not None and again.xml.document is not None
    found = again.xml.document
    assert (found.family, found.type) == (source.family, source.type)
    if found.family == "ubl":
        assert root.tag == f"{{{ubl_namespace(found.type)}}}{found.type}"
        assert root.findtext(f"{{{UBL_CBC_NAMESPACE}}}UBLVersionID") == "2.1"
    else:
        assert root.tag == "cXML" and root.get("version", "").startswith("1.2")


def test_expected_documents_are_samples() -> None:
    """Every stored XML document JSON has its sample beside it."""
    stored = sorted([*(SAMPLES / "ubl").glob("*.document.json"),
                     *(SAMPLES / "cxml").glob("*.document.json")])
    assert [p.name for p in stored] == [expected_path(s, DOCUMENT).name for s in XML_SAMPLES]



# -- cXML groups a document's lines by order ------------------------------------------------

CXML_GROUPS = {"ShipNoticeRequest": "ShipNoticePortion", "ReceiptRequest": "ReceiptOrder",
               "InvoiceDetailRequest": "InvoiceDetailOrder"}


def _cxml_sample(message: str, line_orders: list[str | None], first: str | None) -> Any:
    """The cXML sample's document with its lines naming ``line_orders`` and ``first``
    as its (first) order."""
    document: Any = only_document((SAMPLES / "cxml" / f"{message}.xml").read_bytes())
    lines = [line.model_copy(update={"order_number": order})
             for line, order in zip(document.lines, line_orders, strict=True)]
    own = {"order_number": first} if message == "InvoiceDetailRequest" else \
        {"order_numbers": (first,) if first else ()}
    return document.model_copy(update={"lines": tuple(lines), **own})


def _groups(written: bytes, message: str) -> list[tuple[str | None, list[str]]]:
    """Each group's order and the line numbers it holds."""
    root = etree.fromstring(written, etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for group in root.iter(CXML_GROUPS[message]):
        order = next((e.get("orderID") for e in group.iter() if e.get("orderID")), None)
        numbers = [e.get("shipNoticeLineNumber") or e.get("lineNumber")
                   or e.get("receiptLineNumber") or e.get("invoiceLineNumber")
                   for e in group if e.tag in ("ShipNoticeItem", "InvoiceDetailItem")
                   or (e.tag == "ReceiptItem" and e.get("type") == "received")]
        out.append((order, [n for n in numbers if n]))
    return out


@pytest.mark.parametrize("message", CXML_GROUPS)
def test_cxml_writes_one_group_per_order(message: str) -> None:
    """A cXML ShipNoticePortion, ReceiptOrder or InvoiceDetailOrder holds the lines of one
    order: the document's first order with its lines and those naming no order, then each
    order another line names with its lines; each line reads back with its order."""
    document = _cxml_sample(message, [None, "PO-2"], "PO-1")
    written, _ = write_xml(document, "cxml")
    assert _groups(written, message) == [("PO-1", ["1"]), ("PO-2", ["2"])]
    again: Any = only_document(written)
    assert [line.order_number for line in again.lines] == ["PO-1", "PO-2"]
    assert (again.order_number if message == "InvoiceDetailRequest"
            else again.order_numbers) in ("PO-1", ("PO-1", "PO-2"))


@pytest.mark.parametrize("message", CXML_GROUPS)
def test_cxml_first_order_without_lines_has_no_group(message: str) -> None:
    """A group holds at least one line: the document's order is left out when every line
    names another one, and a document naming no order has one group without one."""
    document = _cxml_sample(message, ["PO-2", "PO-3"], "PO-1")
    written, _ = write_xml(document, "cxml")
    assert _groups(written, message) == [("PO-2", ["1"]), ("PO-3", ["2"])]
    nothing = _cxml_sample(message, [None, None], None)
    written, _ = write_xml(nothing, "cxml")
    assert _groups(written, message) == [(None, ["1", "2"])]

# -- the shared corpus ----------------------------------------------------------------------


def _mapped_types() -> set[str]:
    return {message for (standard, _, message) in mappings().inbound if standard in VERSIONS}


def _corpus_params() -> list[Any]:
    if not corpus.is_available(under="xml"):
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(
            reason=f"the shared corpus is not at {corpus.CORPUS / 'xml'}"))]
    types = _mapped_types()
    return [pytest.param(entry, id=entry.local_path) for entry in corpus.entries("xml")
            if entry.local_path.split("/")[1] in types]


CORPUS_PARAMS = _corpus_params()


@pytest.mark.parametrize("entry", CORPUS_PARAMS)
def test_corpus_file_maps(entry: corpus.Entry) -> None:
    """A corpus file of a mapped type maps with no invalid-document issue, or is listed."""
    _, mapped = read(entry.read_bytes())
    invalid = [str(i) for m in mapped for i in m.issues if i.code is Code.MAPPING_INVALID]
    failed = not mapped or any(m.document is None for m in mapped) or bool(invalid)
    if entry.local_path in UNMAPPABLE:
        assert failed, f"listed as unmappable but maps now: {entry.local_path}; remove it"
        return
    assert not failed, invalid or "no document"


@pytest.mark.parametrize("entry", [p for p in CORPUS_PARAMS
                                   if p.values[0] is None
                                   or p.values[0].local_path not in UNMAPPABLE])
def test_corpus_round_trip(entry: corpus.Entry) -> None:
    """A corpus document written as XML of its family and read again is unchanged, or is listed."""
    report, mapped = read(entry.read_bytes())
    assert report.xml is not None and report.xml.document is not None
    document = mapped[0].document
    assert document is not None
    written, _ = write_xml(document, report.xml.document.family)
    again, remapped = read(written)
    assert again.valid, [str(i) for i in again.issues]
    assert remapped and remapped[0].document is not None, [str(i) for i in remapped[0].issues]
    same = remapped[0].document == document
    if entry.local_path in LOSSY:
        assert not same, f"listed as lossy but survives now: {entry.local_path}; remove it"
        return
    assert as_json(remapped[0].document) == as_json(document)
