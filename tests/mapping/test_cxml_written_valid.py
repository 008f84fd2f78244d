"""The cXML the gateway writes names a DTD that declares it, and validates against it.

Each outbound cXML mapping writes the DOCTYPE of a cXML version whose DTD
declares its request (cXML.org files its requests in three DTDs: cXML.dtd the
ordering ones, Fulfill.dtd the confirmation, ship notice and receipt ones,
InvoiceDetail.dtd the invoice), and the root's ``version`` is that DTD's.

Every golden sample (EDIFACT, X12, UBL, cXML; not ``samples/broken``) whose
document a cXML mapping writes is written as cXML and checked at
``--level schema`` against the DTD its DOCTYPE names. No finding may come from
the DOCTYPE (an element or attribute the DTD does not know). The content-model
findings the mappings' bodies still give are listed in :data:`KNOWN_GAPS` with
the reason; each entry must still occur (:func:`test_every_gap_is_needed`), so
one fixed in a mapping is taken off the list.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from lxml import etree

from gateway.edi.issues import Issue, Level
from gateway.edi.report import inspect
from gateway.edi.xml import catalog
from gateway.mapping.xml_out import XmlOutboundMapping
from tests.mapping.test_cross_format import mappings, sample_sources, write

# Outbound mapping -> (DTD file, cXML version) it must name: cXML.org's own filing.
DTDS = {
    "OrderRequest": ("cXML", "1.2.063"),
    "ConfirmationRequest": ("Fulfill", "1.2.063"),
    "ShipNoticeRequest": ("Fulfill", "1.2.063"),
    "ReceiptRequest": ("Fulfill", "1.2.063"),
    "InvoiceDetailRequest": ("InvoiceDetail", "1.2.037"),
}

# (mapping's message, DTD rule, element) -> why the written document breaks it.
_NO_PARTY = ("a source without the party (an X12 file with no N1 of that role) gives no "
             "From/To credential, and Header needs From, To and Sender; with none, no Header")
_NO_CURRENCY = "an amount whose source names no currency (no CUR/CUX) gets Money without its " \
               "required currency"
_NO_CLASSIFICATION = ("ItemDetail needs a Classification (UNSPSC or the buyer's own), which no "
                      "business document carries; the mapping writes none")
_EMPTY_REFERENCE = ("OrderReference must hold a DocumentReference to the order's payloadID, "
                    "which the business documents do not keep; the mapping leaves it empty")
KNOWN_GAPS: dict[tuple[str, str, str], str] = {
    ("ConfirmationRequest", "dtd-content-model", "OrderReference"): _EMPTY_REFERENCE,
    ("ConfirmationRequest", "dtd-content-model", "ItemDetail"): _NO_CLASSIFICATION,
    ("ConfirmationRequest", "dtd-content-model", "ItemIn"):
        "a line with no supplier part number gets no ItemID, which ItemIn requires",
    ("ConfirmationRequest", "dtd-content-model", "Header"): _NO_PARTY,
    ("ConfirmationRequest", "dtd-content-model", "cXML"): _NO_PARTY,
    ("ConfirmationRequest", "dtd-missing-attribute", "Money"): _NO_CURRENCY,
    ("ShipNoticeRequest", "dtd-content-model", "OrderReference"): _EMPTY_REFERENCE,
    ("ShipNoticeRequest", "dtd-content-model", "PostalAddress"):
        "an address without a street line (the X12 N4 alone) gives no Street, which "
        "PostalAddress requires",
    ("ShipNoticeRequest", "dtd-content-model", "cXML"): _NO_PARTY,
    ("OrderRequest", "dtd-content-model", "ItemDetail"): _NO_CLASSIFICATION,
    ("OrderRequest", "dtd-content-model", "ItemOut"):
        "a line with no supplier part number gets no ItemID, which ItemOut requires",
    ("OrderRequest", "dtd-content-model", "OrderRequestHeader"):
        "OrderRequestHeader needs a Total and a BillTo; an order without totals or without "
        "a bill-to party (most EDI orders) has neither",
    ("OrderRequest", "dtd-content-model", "Address"):
        "a party without a name gets an Address without Name, which it requires",
    ("OrderRequest", "dtd-content-model", "OrderRequest"):
        "an order cancellation has no lines, and OrderRequest needs at least one ItemOut",
    ("OrderRequest", "dtd-content-model", "cXML"): _NO_PARTY,
    ("OrderRequest", "dtd-missing-attribute", "Money"): _NO_CURRENCY,
    ("ReceiptRequest", "dtd-content-model", "ReceiptRequest"):
        "ReceiptRequest ends with a Total, which a receipt advice does not carry",
    ("ReceiptRequest", "dtd-content-model", "ReceiptItem"):
        "ReceiptItem needs UnitRate and ReceivedAmount, prices a receipt advice does not carry",
    ("ReceiptRequest", "dtd-content-model", "ReceiptItemReference"):
        "the mapping writes ManufacturerPartID without the ManufacturerName the DTD pairs it with",
    ("ReceiptRequest", "dtd-content-model", "Header"): _NO_PARTY,
    ("InvoiceDetailRequest", "dtd-not-empty", "InvoiceDetailHeaderIndicator"):
        "the engine writes an element only with text or children, so the EMPTY indicators "
        "carry a blank",
    ("InvoiceDetailRequest", "dtd-not-empty", "InvoiceDetailLineIndicator"):
        "as InvoiceDetailHeaderIndicator",
    ("InvoiceDetailRequest", "dtd-not-empty", "DiscountPercent"):
        "DiscountPercent is EMPTY with a percent attribute; the mapping writes the percentage "
        "as its text",
    ("InvoiceDetailRequest", "dtd-content-model", "InvoiceDetailItemReference"):
        "the mapping writes ManufacturerPartID without the ManufacturerName the DTD pairs it with",
    ("InvoiceDetailRequest", "dtd-missing-attribute", "InvoiceDetailItemReference"):
        "a line without its own number gets no lineNumber, which the DTD requires",
    ("InvoiceDetailRequest", "dtd-content-model", "InvoiceDetailShipping"):
        "InvoiceDetailShipping needs two Contacts (from and to); a source with one party "
        "gives one",
    ("InvoiceDetailRequest", "dtd-content-model", "InvoiceDetailSummary"):
        "InvoiceDetailSummary needs SubtotalAmount and Tax, which an invoice without a "
        "line total or tax total does not carry",
    ("InvoiceDetailRequest", "dtd-content-model", "Tax"):
        "a tax without an amount gets Tax without Money",
    ("InvoiceDetailRequest", "dtd-missing-attribute", "TaxDetail"):
        "a tax without a category gets TaxDetail without its required category",
    ("InvoiceDetailRequest", "dtd-content-model", "cXML"): _NO_PARTY,
    ("InvoiceDetailRequest", "dtd-missing-attribute", "Money"): _NO_CURRENCY,
}

# What only the DOCTYPE decides: the DTD knows every element and attribute written.
_DOCTYPE_RULES = ("dtd-unknown-elem", "dtd-unknown-attribute", "dtd-no-root")


def _cxml_mappings() -> list[XmlOutboundMapping]:
    return sorted((m for m in mappings().outbound.values()
                   if isinstance(m, XmlOutboundMapping) and m.standard == "cxml"),
                  key=lambda m: m.name)


@cache
def _written() -> dict[str, tuple[str, str, list[Issue]]]:
    """Per sample label: the message written, its root's version and its blocking
    schema-level issues."""
    found: dict[str, tuple[str, str, list[Issue]]] = {}
    for source in sample_sources():
        document = source.read.document
        mapping = mappings().outbound_for_document("cxml", "1.2", document)
        if document is None or not isinstance(mapping, XmlOutboundMapping):
            continue
        report = inspect(write(document, "cxml", "1.2"), level=Level.SCHEMA)
        root = report.xml.root if report.xml is not None else None
        found[source.label] = (mapping.message, root.get("version", "") if root is not None
                               else "", [i for i in report.issues if i.blocking])
    return found


def _key(message: str, issue: Issue) -> tuple[str, str, str]:
    element = re.match(r"Element (\S+)", issue.message)
    return message, issue.rule or "", element.group(1) if element else ""


@pytest.mark.parametrize("mapping", _cxml_mappings(), ids=lambda m: m.message)
def test_doctype_names_the_dtd_that_declares_the_request(mapping: XmlOutboundMapping) -> None:
    """Rule: the DOCTYPE names a shipped DTD, filed by cXML.org for the request, that
    declares the request element."""
    file, version = DTDS[mapping.message]
    assert mapping.doctype == (f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/'
                               f'{version}/{file}.dtd">')
    choice = catalog.cxml_dtd(f"http://xml.cxml.org/schemas/cXML/{version}/{file}.dtd", "")
    assert choice is not None and not choice.substitute
    dtd = etree.DTD(str(choice.path))
    assert mapping.message in {element.name for element in dtd.iterelements()}


def _labels() -> list[str]:
    return sorted(_written())


@pytest.mark.parametrize("label", _labels())
def test_sample_written_as_cxml_is_valid(label: str) -> None:
    """Rule: a golden sample's document written as cXML breaks no DTD rule at
    --level schema, but the content-model gaps listed in KNOWN_GAPS; none at all
    comes from the DOCTYPE, and the root's version is the DTD's."""
    message, version, issues = _written()[label]
    assert version == DTDS[message][1]
    assert [str(i) for i in issues if (i.rule or "").startswith(_DOCTYPE_RULES)] == []
    assert [str(i) for i in issues if _key(message, i) not in KNOWN_GAPS] == []


def test_every_gap_is_needed() -> None:
    """Rule: every KNOWN_GAPS entry is still broken by some written sample."""
    seen = {_key(message, issue) for message, _, issues in _written().values()
            for issue in issues}
    assert sorted(set(KNOWN_GAPS) - seen) == []
