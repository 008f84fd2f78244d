"""Which business document an XML tree or the head of an XML file is.

Owns the table of UBL 2.x document types and the cXML conventions (root
``cXML``, document type from the element inside ``Request``, ``Response`` or
``Message``), and reads the few values a router needs: family, type, version
and the document's own reference. Recognition goes by root local name and
namespace, never by prefix. It must not parse bytes into trees (that is
:mod:`gateway.edi.xml.secure`), validate documents or map them to business
models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from gateway.edi.xml.prolog import decode_head, scan_prolog

UBL = "ubl"
CXML = "cxml"

UBL_NAMESPACE_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
UBL_CBC_NAMESPACE = UBL_NAMESPACE_PREFIX + "CommonBasicComponents-2"

# Every UBL 2.0-2.4 main document. The root of type T lives in the namespace
# UBL_NAMESPACE_PREFIX + T + "-2", whatever the minor version.
UBL_DOCUMENT_TYPES: frozenset[str] = frozenset({
    "ApplicationResponse", "AttachedDocument", "AwardedNotification", "BillOfLading",
    "BusinessCard", "BusinessInformation", "CallForTenders", "Catalogue",
    "CatalogueDeletion", "CatalogueItemSpecificationUpdate", "CataloguePricingUpdate",
    "CatalogueRequest", "CertificateOfOrigin", "CommonTransportationReport",
    "ContractAwardNotice", "ContractNotice", "CreditNote", "DebitNote", "DespatchAdvice",
    "DigitalAgreement", "DigitalCapability", "DocumentStatus", "DocumentStatusRequest",
    "Enquiry", "EnquiryResponse", "ExceptionCriteria", "ExceptionNotification",
    "ExportCustomsDeclaration", "ExpressionOfInterestRequest",
    "ExpressionOfInterestResponse", "Forecast", "ForecastRevision",
    "ForwardingInstructions", "FreightInvoice", "FulfilmentCancellation",
    "GoodsCertificate", "GoodsItemItinerary", "GoodsItemPassport", "GuaranteeCertificate",
    "ImportCustomsDeclaration", "InstructionForReturns", "InventoryReport", "Invoice",
    "ItemInformationRequest", "Manifest", "Order", "OrderCancellation", "OrderChange",
    "OrderResponse", "OrderResponseSimple", "PackingList", "PriorInformationNotice",
    "ProductActivity", "ProofOfReexportation", "ProofOfReexportationReminder",
    "ProofOfReexportationRequest", "PurchaseReceipt", "QualificationApplicationRequest",
    "QualificationApplicationResponse", "Quotation", "ReceiptAdvice", "Reminder",
    "RemittanceAdvice", "RequestForQuotation", "RetailEvent", "SelfBilledCreditNote",
    "SelfBilledInvoice", "Statement", "StockAvailabilityReport", "Tender",
    "TenderContract", "TendererQualification", "TendererQualificationResponse",
    "TenderReceipt", "TenderStatus", "TenderStatusRequest", "TenderWithdrawal",
    "TradeItemLocationProfile", "TransitCustomsDeclaration", "TransportationStatus",
    "TransportationStatusRequest", "TransportExecutionPlan",
    "TransportExecutionPlanRequest", "TransportProgressStatus",
    "TransportProgressStatusRequest", "TransportServiceDescription",
    "TransportServiceDescriptionRequest", "UnawardedNotification",
    "UnsubscribeFromProcedureRequest", "UnsubscribeFromProcedureResponse",
    "UtilityStatement", "Waybill", "WeightStatement",
})

CXML_ROOT = "cXML"
# The body elements of a cXML envelope; the document is the element inside.
CXML_BODIES = ("Request", "Response", "Message")
# A Response or Message may carry only a Status; that is not a document type.
_CXML_STATUS = "Status"

# cXML document type -> (header element, attribute) holding the business reference;
# other types fall back to the envelope's payloadID.
CXML_REFERENCES: dict[str, tuple[str, str]] = {
    "OrderRequest": ("OrderRequestHeader", "orderID"),
    "ShipNoticeRequest": ("ShipNoticeHeader", "shipmentID"),
    "InvoiceDetailRequest": ("InvoiceDetailRequestHeader", "invoiceID"),
    "ConfirmationRequest": ("ConfirmationHeader", "confirmID"),
    "ReceiptRequest": ("ReceiptRequestHeader", "receiptID"),
}

# Some national profiles (Colombia's DIAN) write "UBL 2.1" where the schema wants "2.1".
_UBL_VERSION_PREFIX = re.compile(r"^UBL\s*", re.IGNORECASE)

# cXML DTD system identifiers carry the version: .../schemas/cXML/1.2.014/cXML.dtd
_CXML_DTD_VERSION = re.compile(r"/cXML/(\d+(?:\.\d+)+)/", re.IGNORECASE)

# Enough for a DOCTYPE, a cXML Header and a root start tag full of namespace
# declarations; sniffing never reads further.
SNIFF_BYTES = 64 * 1024

_NAME = r"[A-Za-z_][\w.\-]*"
_START_TAG = re.compile(
    rf"<(?:(?P<prefix>{_NAME}):)?(?P<local>{_NAME})(?P<attributes>(?:\s+[^\s=>/]+\s*=\s*"
    r"""(?:"[^"]*"|'[^']*'))*)\s*/?>""",
)
_NAMESPACE_DECLARATION = re.compile(
    rf"""(?<![\w.:-])xmlns(?::(?P<prefix>{_NAME}))?\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""",
)
_CXML_BODY = re.compile(r"<(?P<body>Request|Response|Message)(?=[\s/>])")
_NEXT_MARKUP = re.compile(rf"<(?:!--.*?-->|\?.*?\?>|(?P<end>/)?(?P<name>{_NAME}))", re.DOTALL)


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """What an XML document is, read from its root and envelope.

    ``version`` and ``reference`` are ``""`` when the document does not say.
    ``namespace`` is the root's namespace, ``""`` for cXML.
    """

    family: str  # "ubl" | "cxml"
    type: str
    version: str
    reference: str
    namespace: str


def ubl_namespace(document_type: str) -> str:
    """The namespace of a UBL 2.x document type's root element."""
    return f"{UBL_NAMESPACE_PREFIX}{document_type}-2"


def identify(root: etree._Element) -> XmlDocument | None:
    """The document ``root`` is the root of, or ``None`` for any other root."""
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    local = qname.localname
    if _is_ubl(local, namespace):
        return XmlDocument(
            family=UBL,
            type=local,
            version=_ubl_version(root),
            reference=_child_text(root, UBL_CBC_NAMESPACE, "ID"),
            namespace=namespace,
        )
    if local == CXML_ROOT and not namespace:
        return _identify_cxml(root)
    return None


def sniff(head: bytes) -> tuple[str, str] | None:
    """Guess ``(family, type)`` from the first bytes of a file, without parsing it.

    Only the root start tag is read (for cXML also the start of the body), past
    the XML declaration, comments, processing instructions and the DOCTYPE. The
    type is ``""`` for a cXML file whose body lies beyond ``head``. A guess, for
    format detection: :func:`identify` on the parsed tree has the last word.
    """
    text = decode_head(head, SNIFF_BYTES)
    root_at = scan_prolog(text).root
    if root_at is None:
        return None
    tag = _START_TAG.match(text, root_at)
    if tag is None:
        return None
    prefix, local = tag.group("prefix") or "", tag.group("local")
    namespace = _declared_namespaces(tag.group("attributes")).get(prefix, "")
    if _is_ubl(local, namespace):
        return UBL, local
    if local == CXML_ROOT and not prefix and not namespace:
        return CXML, _sniff_cxml_type(text, tag.end())
    return None


def _is_ubl(local: str, namespace: str) -> bool:
    return local in UBL_DOCUMENT_TYPES and namespace == ubl_namespace(local)


def _ubl_version(root: etree._Element) -> str:
    return _UBL_VERSION_PREFIX.sub("", _child_text(root, UBL_CBC_NAMESPACE, "UBLVersionID"))


def _identify_cxml(root: etree._Element) -> XmlDocument | None:
    body = next((child for child in _elements(root) if child.tag in CXML_BODIES), None)
    if body is None:
        return None
    content = next((child for child in _elements(body) if child.tag != _CXML_STATUS), None)
    if content is not None:
        document_type = str(content.tag)
    elif body.tag == "Response":
        document_type = "Response"
    else:
        return None
    return XmlDocument(
        family=CXML,
        type=document_type,
        version=_cxml_version(root),
        reference=_cxml_reference(root, content, document_type),
        namespace="",
    )


def _cxml_version(root: etree._Element) -> str:
    declared = (root.get("version") or "").strip()
    if declared:
        return declared
    # lxml-stubs 0.5 calls it system_id; lxml itself has only system_url.
    system_url: object = root.getroottree().docinfo.system_url  # type: ignore[attr-defined]
    if not isinstance(system_url, str):
        return ""
    found = _CXML_DTD_VERSION.search(system_url)
    return found.group(1) if found else ""


def _cxml_reference(
    root: etree._Element, content: etree._Element | None, document_type: str,
) -> str:
    header_attribute = CXML_REFERENCES.get(document_type)
    if content is not None and header_attribute is not None:
        header_name, attribute = header_attribute
        header = content.find(header_name)
        if header is not None:
            value = (header.get(attribute) or "").strip()
            if value:
                return value
    return (root.get("payloadID") or "").strip()


def _elements(parent: etree._Element) -> list[etree._Element]:
    # Comments, processing instructions and entity references are children too;
    # their tag is not a string.
    return [child for child in parent if isinstance(child.tag, str)]


def _child_text(parent: etree._Element, namespace: str, local: str) -> str:
    child = parent.find(f"{{{namespace}}}{local}")
    if child is None or child.text is None:
        return ""
    return child.text.strip()


def _declared_namespaces(attributes: str) -> dict[str, str]:
    """Prefix (``""`` for the default) -> namespace, from a start tag's attributes."""
    declared: dict[str, str] = {}
    for found in _NAMESPACE_DECLARATION.finditer(attributes):
        value = found.group("dq")
        declared[found.group("prefix") or ""] = value if value is not None else found.group("sq")
    return declared


def _sniff_cxml_type(text: str, pos: int) -> str:
    body = _CXML_BODY.search(text, pos)
    if body is None:
        return ""
    pos = text.find(">", body.end())
    if pos < 0:
        return ""
    for markup in _NEXT_MARKUP.finditer(text, pos + 1):
        name = markup.group("name")
        if name is None or name == _CXML_STATUS:
            continue
        if markup.group("end"):
            # The body closed with only a Status inside: a plain Response.
            return body.group("body") if name == body.group("body") == "Response" else ""
        return name
    return ""
