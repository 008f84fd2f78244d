"""Documents are recognised by root local name and namespace, never by prefix."""

from __future__ import annotations

import pytest

from gateway.edi.xml.documents import (
    CXML,
    UBL,
    UBL_CBC_NAMESPACE,
    UBL_DOCUMENT_TYPES,
    XmlDocument,
    identify,
    sniff,
    ubl_namespace,
)
from gateway.edi.xml.secure import parse_xml

# The UBL types the gateway's business documents come from, and their neighbours.
SUPPLY_CHAIN_TYPES = [
    "Order", "OrderChange", "OrderCancellation", "OrderResponse", "OrderResponseSimple",
    "DespatchAdvice", "ReceiptAdvice", "Invoice", "CreditNote", "DebitNote",
    "InventoryReport", "Forecast", "ForecastRevision", "ProductActivity",
    "ApplicationResponse", "Catalogue", "Quotation", "RequestForQuotation",
    "InstructionForReturns", "TradeItemLocationProfile", "RetailEvent",
]


def _ubl(document_type: str, *, prefix: str | None, version: str | None = "2.1") -> bytes:
    tag = f"{prefix}:{document_type}" if prefix else document_type
    declaration = f'xmlns:{prefix}="{ubl_namespace(document_type)}"' if prefix else (
        f'xmlns="{ubl_namespace(document_type)}"'
    )
    version_line = f"<cbc:UBLVersionID>{version}</cbc:UBLVersionID>" if version else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{tag} {declaration}\n    xmlns:cbc="{UBL_CBC_NAMESPACE}">\n'
        f"  {version_line}\n  <cbc:ID> DOC-1 </cbc:ID>\n</{tag}>\n"
    ).encode()


def _cxml(body: str, *, doctype_version: str | None = "1.2.014", attributes: str = "") -> bytes:
    doctype = (
        f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{doctype_version}/cXML.dtd">\n'
        if doctype_version else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        f'<cXML payloadID="payload-42@example.com" timestamp="2024-05-01T10:00:00Z"{attributes}>\n'
        "  <Header><From><Credential domain=\"DUNS\"><Identity>1</Identity></Credential></From>"
        "</Header>\n"
        f"  {body}\n</cXML>\n"
    ).encode()


def test_table_holds_every_supply_chain_type() -> None:
    """The UBL table covers the whole family the gateway trades in."""
    assert set(SUPPLY_CHAIN_TYPES) <= UBL_DOCUMENT_TYPES


@pytest.mark.parametrize("document_type", sorted(UBL_DOCUMENT_TYPES))
@pytest.mark.parametrize("prefix", [None, "ubl", "Bob"])
def test_every_ubl_type_is_identified_with_any_prefix(
    document_type: str, prefix: str | None,
) -> None:
    """Each UBL 2.x type is found by namespace, with a default namespace or any prefix."""
    document = identify(parse_xml(_ubl(document_type, prefix=prefix)))
    assert document == XmlDocument(
        family=UBL, type=document_type, version="2.1", reference="DOC-1",
        namespace=ubl_namespace(document_type),
    )


@pytest.mark.parametrize("document_type", SUPPLY_CHAIN_TYPES)
@pytest.mark.parametrize("prefix", [None, "ubl"])
def test_sniff_finds_ubl_types(document_type: str, prefix: str | None) -> None:
    """Sniffing the head of a UBL file names its family and type without parsing."""
    assert sniff(_ubl(document_type, prefix=prefix)) == (UBL, document_type)


def test_ubl_without_version_id() -> None:
    """UBLVersionID is optional (PEPPOL BIS 3 leaves it out): the version is empty."""
    document = identify(parse_xml(_ubl("Order", prefix=None, version=None)))
    assert document is not None
    assert document.version == ""


def test_ubl_version_written_with_its_name() -> None:
    """A version written as 'UBL 2.1' (Colombia's DIAN) reads as '2.1'."""
    document = identify(parse_xml(_ubl("Invoice", prefix=None, version="UBL 2.1")))
    assert document is not None
    assert document.version == "2.1"


def test_ubl_reference_is_the_roots_own_id() -> None:
    """The reference is the root's cbc:ID, not an ID nested in a reference block."""
    data = (
        f'<Order xmlns="{ubl_namespace("Order")}" xmlns:cbc="{UBL_CBC_NAMESPACE}"'
        ' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">'
        "<cac:OrderReference><cbc:ID>NESTED</cbc:ID></cac:OrderReference>"
        "<cbc:ID>OWN</cbc:ID></Order>"
    ).encode()
    document = identify(parse_xml(data))
    assert document is not None
    assert document.reference == "OWN"


def test_ubl_without_id_has_empty_reference() -> None:
    """A UBL document with no cbc:ID (or an empty one) has an empty reference."""
    data = (
        f'<Order xmlns="{ubl_namespace("Order")}" xmlns:cbc="{UBL_CBC_NAMESPACE}">'
        "<cbc:ID/></Order>"
    )
    document = identify(parse_xml(data.encode()))
    assert document is not None
    assert document.reference == ""


@pytest.mark.parametrize(
    ("data", "sniffed"),
    [
        # the right name in another type's namespace
        (f'<Invoice xmlns="{ubl_namespace("Order")}"/>', None),
        # a UBL name in no namespace
        ("<Order/>", None),
        # a UBL-looking namespace for a type that does not exist
        (f'<Nonsense xmlns="{ubl_namespace("Nonsense")}"/>', None),
        # common components are not documents
        (f'<ID xmlns="{UBL_CBC_NAMESPACE}"/>', None),
        # cXML in a namespace is not cXML
        ('<cXML xmlns="urn:example"><Request><OrderRequest/></Request></cXML>', None),
        # a cXML envelope with no body: the sniffer sees the family, nothing more
        ('<cXML payloadID="x"><Header/></cXML>', (CXML, "")),
        ("<html><body/></html>", None),
    ],
)
def test_unknown_roots_are_not_identified(data: str, sniffed: tuple[str, str] | None) -> None:
    """Anything but a UBL type in its own namespace or a cXML envelope with a body is unknown."""
    assert identify(parse_xml(data.encode())) is None
    assert sniff(data.encode()) == sniffed


def test_cxml_order_request() -> None:
    """A cXML OrderRequest is identified, referenced by its orderID, versioned by its DTD."""
    data = _cxml(
        '<Request deploymentMode="test"><OrderRequest>'
        '<OrderRequestHeader orderID="PO-77" orderDate="2024-05-01" type="new"/>'
        "</OrderRequest></Request>",
    )
    assert identify(parse_xml(data)) == XmlDocument(
        family=CXML, type="OrderRequest", version="1.2.014", reference="PO-77", namespace="",
    )
    assert sniff(data) == (CXML, "OrderRequest")


def test_cxml_ship_notice_request() -> None:
    """A cXML ShipNoticeRequest is referenced by its shipmentID."""
    data = _cxml(
        "<Request><ShipNoticeRequest>"
        '<ShipNoticeHeader shipmentID="SHIP-9" noticeDate="2024-05-02"/>'
        "</ShipNoticeRequest></Request>",
    )
    document = identify(parse_xml(data))
    assert document is not None
    assert (document.type, document.reference) == ("ShipNoticeRequest", "SHIP-9")
    assert sniff(data) == (CXML, "ShipNoticeRequest")


def test_cxml_invoice_detail_request() -> None:
    """A cXML InvoiceDetailRequest is referenced by its invoiceID."""
    data = _cxml(
        "<Request><InvoiceDetailRequest>"
        '<InvoiceDetailRequestHeader invoiceID="INV-3" purpose="standard"/>'
        "</InvoiceDetailRequest></Request>",
    )
    document = identify(parse_xml(data))
    assert document is not None
    assert (document.type, document.reference) == ("InvoiceDetailRequest", "INV-3")
    assert sniff(data) == (CXML, "InvoiceDetailRequest")


def test_cxml_confirmation_request() -> None:
    """A cXML ConfirmationRequest is referenced by its confirmID."""
    data = _cxml(
        '<Request><ConfirmationRequest><ConfirmationHeader confirmID="C-1" type="accept"/>'
        "<OrderReference orderID=\"PO-77\"/></ConfirmationRequest></Request>",
    )
    document = identify(parse_xml(data))
    assert document is not None
    assert (document.type, document.reference) == ("ConfirmationRequest", "C-1")


def test_cxml_other_request_falls_back_to_payload_id() -> None:
    """A cXML type without a known header reference uses the envelope's payloadID."""
    data = _cxml('<Request><PunchOutSetupRequest operation="create"/></Request>')
    document = identify(parse_xml(data))
    assert document is not None
    assert (document.type, document.reference) == ("PunchOutSetupRequest", "payload-42@example.com")


def test_cxml_missing_header_reference_falls_back_to_payload_id() -> None:
    """An OrderRequest whose header lacks orderID still has a reference: the payloadID."""
    data = _cxml("<Request><OrderRequest><OrderRequestHeader/></OrderRequest></Request>")
    document = identify(parse_xml(data))
    assert document is not None
    assert document.reference == "payload-42@example.com"


def test_cxml_message() -> None:
    """The document inside a cXML Message is its type."""
    data = _cxml("<Message><PunchOutOrderMessage/></Message>")
    document = identify(parse_xml(data))
    assert document is not None
    assert document.type == "PunchOutOrderMessage"
    assert sniff(data) == (CXML, "PunchOutOrderMessage")


def test_cxml_plain_response() -> None:
    """A cXML Response carrying only a Status is the document type 'Response'."""
    data = _cxml('<Response>\n  <Status code="200" text="OK">fine</Status>\n</Response>')
    document = identify(parse_xml(data))
    assert document is not None
    assert document.type == "Response"
    assert sniff(data) == (CXML, "Response")


def test_cxml_response_with_content() -> None:
    """A cXML Response with a document after its Status takes that document's type."""
    data = _cxml('<Response><Status code="200" text="OK"/><ProfileResponse/></Response>')
    document = identify(parse_xml(data))
    assert document is not None
    assert document.type == "ProfileResponse"
    assert sniff(data) == (CXML, "ProfileResponse")


def test_cxml_comments_between_elements_are_skipped() -> None:
    """Comments inside the envelope do not count as the document."""
    data = _cxml("<Request><!-- the order --><OrderRequest/></Request>")
    document = identify(parse_xml(data))
    assert document is not None
    assert document.type == "OrderRequest"
    assert sniff(data) == (CXML, "OrderRequest")


def test_cxml_version_attribute_wins_over_doctype() -> None:
    """The cXML version attribute, when present, is the version; the DTD path is a fallback."""
    data = _cxml("<Request><OrderRequest/></Request>", attributes=' version="1.2.060"')
    document = identify(parse_xml(data))
    assert document is not None
    assert document.version == "1.2.060"


def test_cxml_without_version_or_doctype() -> None:
    """A cXML file that states no version has an empty version."""
    data = _cxml("<Request><OrderRequest/></Request>", doctype_version=None)
    document = identify(parse_xml(data))
    assert document is not None
    assert document.version == ""


def test_sniff_skips_declaration_comments_pis_and_doctype() -> None:
    """The sniffer looks past everything a prolog may hold, including an internal subset."""
    data = (
        b'<?xml version="1.0"?>\n<!-- <Invoice> in a comment -->\n<?pi <Order>?>\n'
        b'<!DOCTYPE x [<!ELEMENT x ANY> <!-- ] > -->]>\n'
        + _ubl("DespatchAdvice", prefix="d").split(b"\n", 1)[1]
    )
    assert sniff(data) == (UBL, "DespatchAdvice")


def test_sniff_reads_utf16() -> None:
    """The sniffer reads UTF-16 heads, with or without a byte order mark."""
    text = _ubl("Invoice", prefix=None).decode().replace("UTF-8", "UTF-16")
    assert sniff(text.encode("utf-16")) == (UBL, "Invoice")
    assert sniff(text.encode("utf-16-be")) == (UBL, "Invoice")


def test_sniff_handles_quoted_angle_brackets_in_root_attributes() -> None:
    """A '>' inside an attribute value of the root does not end the start tag early."""
    data = f'<Order note="a > b" xmlns="{ubl_namespace("Order")}"><x/></Order>'.encode()
    assert sniff(data) == (UBL, "Order")


def test_sniff_cxml_body_beyond_head_has_empty_type() -> None:
    """When the cXML body is past the bytes given, the family is known and the type is not."""
    data = _cxml("<Request><OrderRequest/></Request>")
    head = data[: data.index(b"<Request")]
    assert sniff(head) == (CXML, "")


@pytest.mark.parametrize(
    "head",
    [b"", b"UNA:+.? 'UNB+UNOC:3", b"ISA*00*", b"<?xml version='1.0'?>", b"<!-- open", b"<1bad/>"],
)
def test_sniff_gives_up_on_non_documents(head: bytes) -> None:
    """Non-XML heads, or heads that end before the root, give no guess."""
    assert sniff(head) is None
