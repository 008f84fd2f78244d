"""The answer an XML document earns, and what an XML answer received says.

For UBL the Peppol Message Level Response (or, asked for an invoice, the
Invoice Response); for cXML the synchronous ``Response`` (or a later
``StatusUpdateRequest``). The parties come from the document itself: the
answer goes back to whoever sent it. Reading goes the other way: an MLR, an
Invoice Response, a cXML ``Response`` or ``StatusUpdateRequest`` explained in
words. Pure: a read document and its issues in, bytes or values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from lxml import etree

from gateway.edi.ack import cxml, peppol
from gateway.edi.issues import Issue
from gateway.edi.xml.documents import CXML, UBL, XmlDocument
from gateway.errors import UsageError


class AnswerKind(StrEnum):
    MLR = "mlr"
    INVOICE_RESPONSE = "invoice-response"
    CXML_RESPONSE = "response"
    STATUS_UPDATE = "status-update"


KINDS = tuple(kind.value for kind in AnswerKind)

_C = f"{{{peppol.CAC}}}"
_B = f"{{{peppol.CBC}}}"

# Who sent a UBL document and who received it, by document type.
_PARTIES: dict[str, tuple[str, str]] = {
    "Order": ("BuyerCustomerParty", "SellerSupplierParty"),
    "OrderChange": ("BuyerCustomerParty", "SellerSupplierParty"),
    "OrderCancellation": ("BuyerCustomerParty", "SellerSupplierParty"),
    "OrderResponse": ("SellerSupplierParty", "BuyerCustomerParty"),
    "Invoice": ("AccountingSupplierParty", "AccountingCustomerParty"),
    "CreditNote": ("AccountingSupplierParty", "AccountingCustomerParty"),
    "DespatchAdvice": ("DespatchSupplierParty", "DeliveryCustomerParty"),
    "ReceiptAdvice": ("DeliveryCustomerParty", "DespatchSupplierParty"),
    "ApplicationResponse": ("SenderParty", "ReceiverParty"),
}


def default_kind(document: XmlDocument) -> AnswerKind:
    return AnswerKind.MLR if document.family == UBL else AnswerKind.CXML_RESPONSE


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _ubl_party(root: etree._Element, name: str) -> peppol.Endpoint:
    holder = root.find(f"{_C}{name}")
    if holder is None:
        return peppol.Endpoint("")
    party = holder if name in ("SenderParty", "ReceiverParty") else holder.find(f"{_C}Party")
    if party is None:
        return peppol.Endpoint("")
    endpoint = party.find(f"{_B}EndpointID")
    legal = _text(party.find(f"{_C}PartyLegalEntity/{_B}RegistrationName"))
    return peppol.Endpoint(_text(endpoint), endpoint.get("schemeID", "") if endpoint is not None
                           else "", legal or _text(party.find(f"{_C}PartyName/{_B}Name")))


def _cxml_credentials(root: etree._Element, side: str) -> list[cxml.Credential]:
    return [cxml.Credential(c.get("domain", ""), _text(c.find("Identity")))
            for c in root.iterfind(f"Header/{side}/Credential")]


def answer(document: XmlDocument, root: etree._Element, issues: Sequence[Issue],
           kind: AnswerKind, *, now: datetime, number: int) -> bytes:
    """The answer of ``kind`` to ``document`` given what validating it found."""
    if document.family == UBL:
        sent_by, received_by = _PARTIES.get(document.type, ("", ""))
        sender = _ubl_party(root, received_by) if received_by else peppol.Endpoint("")
        receiver = _ubl_party(root, sent_by) if sent_by else peppol.Endpoint("")
        answered = peppol.Answered(document.type, document.reference,
                                   _text(root.find(f"{_B}IssueDate")))
        if kind is AnswerKind.MLR:
            return peppol.message_level_response(
                answered, issues, sender=sender, receiver=receiver,
                identifier=f"MLR-{number}", now=now)
        if kind is AnswerKind.INVOICE_RESPONSE:
            if document.type not in ("Invoice", "CreditNote"):
                raise UsageError(f"an invoice response answers an Invoice or CreditNote, "
                                 f"not a {document.type}")
            verdict, reasons = invoice_status(issues)
            return peppol.invoice_response(answered, verdict, reasons, sender=sender,
                                           receiver=receiver, identifier=f"IR-{number}",
                                           now=now)
        raise UsageError(f"a UBL document is answered with mlr or invoice-response, not {kind}")
    if document.family == CXML:
        cxml_status = cxml.status_for(issues)
        payload_id = f"{now:%Y%m%d%H%M%S}.{number}@edi-gateway"
        version = document.version or cxml.DEFAULT_VERSION
        if kind is AnswerKind.CXML_RESPONSE:
            return cxml.response(cxml_status, payload_id=payload_id, now=now, version=version)
        if kind is AnswerKind.STATUS_UPDATE:
            return cxml.status_update_request(
                cxml_status, request_payload_id=(root.get("payloadID") or "").strip(),
                sender=_cxml_credentials(root, "To"), receiver=_cxml_credentials(root, "From"),
                payload_id=payload_id, now=now, version=version)
        raise UsageError(f"a cXML document is answered with response or status-update, "
                         f"not {kind}")
    raise UsageError(f"no answer for a {document.family} document")


def invoice_status(issues: Sequence[Issue]) -> tuple[peppol.InvoiceStatus,
                                                     list[peppol.Clarification]]:
    """An invoice that breaks its rules is rejected, each rule a clarification asking for
    a new invoice; one that does not is acknowledged (the business checks come later)."""
    blocking = [issue for issue in issues if issue.blocking]
    if not blocking:
        return peppol.InvoiceStatus.ACKNOWLEDGED, []
    reasons = [peppol.Clarification(
        "OTH", f"[{issue.rule or issue.code.value}] {issue.message}"
        + (f" ({issue.location.path})" if issue.location.path else ""))
        for issue in blocking]
    reasons[-1] = peppol.Clarification(reasons[-1].reason, reasons[-1].text, "NIN")
    return peppol.InvoiceStatus.REJECTED, reasons


def match_clarifications(findings: Sequence[tuple[str, str, str]]
                         ) -> tuple[peppol.InvoiceStatus, list[peppol.Clarification]]:
    """Invoice response status and reasons from three-way match findings.

    Each finding is ``(line id, match status, text)`` with the match statuses of
    the order tables (``quantity_over``, ``price_under``, ``not_received``,
    ``no_order_line``, ``matched``). Any mismatch puts the invoice under query.
    """
    reasons = [peppol.Clarification(peppol.MATCH_REASONS[status], f"line {line}: {text}")
               for line, status, text in findings if status in peppol.MATCH_REASONS]
    if not reasons:
        return peppol.InvoiceStatus.ACCEPTED, []
    return peppol.InvoiceStatus.UNDER_QUERY, reasons


# Reading answers received.

_MLR_CODES = {"AB": "acknowledged (received, not yet validated)",
              "AP": "accepted", "RE": "rejected"}
_INVOICE_CODES = {"AB": "acknowledged", "IP": "in process", "UQ": "under query",
                  "CA": "conditionally accepted", "RE": "rejected", "AP": "accepted",
                  "PD": "paid"}
_ISSUE_TYPES = {"BV": "business rule violation (fatal)",
                "BW": "business rule violation (warning)", "SV": "syntax violation"}


@dataclass(slots=True)
class ReadAnswer:
    """What an XML answer says."""

    kind: str                     # "mlr", "invoice-response", "cxml-response", "status-update"
    identifier: str
    status: str                   # the code as sent
    meaning: str
    refers_to: str
    text: str = ""
    lines: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_answer(document: XmlDocument, root: etree._Element) -> ReadAnswer | None:
    """The answer ``root`` holds, or None when it is not an XML answer."""
    if document.family == UBL and document.type == "ApplicationResponse":
        customization = _text(root.find(f"{_B}CustomizationID"))
        response = root.find(f"{_C}DocumentResponse/{_C}Response")
        code = _text(response.find(f"{_B}ResponseCode")) if response is not None else ""
        refers = _text(root.find(f"{_C}DocumentResponse/{_C}DocumentReference/{_B}ID"))
        if customization.startswith(peppol.INVOICE_RESPONSE_CUSTOMIZATION):
            lines = []
            for status in (response.iterfind(f"{_C}Status") if response is not None else ()):
                reason = status.find(f"{_B}StatusReasonCode")
                value, list_id = _text(reason), reason.get("listID", "") if reason is not None \
                    else ""
                meaning = (peppol.CLARIFICATION_ACTIONS if list_id == "OPStatusAction"
                           else peppol.CLARIFICATION_REASONS).get(value, "")
                lines.append({"code": value, "list": list_id, "meaning": meaning,
                              "text": _text(status.find(f"{_B}StatusReason"))})
            return ReadAnswer("invoice-response", document.reference, code,
                              _INVOICE_CODES.get(code, "unknown status"), refers, lines=lines)
        lines = [{
            "path": _text(line.find(f"{_C}LineReference/{_B}LineID")),
            "code": _text(line.find(f"{_C}Response/{_B}ResponseCode")),
            "type": _text(line.find(f"{_C}Response/{_C}Status/{_B}StatusReasonCode")),
            "meaning": _ISSUE_TYPES.get(
                _text(line.find(f"{_C}Response/{_C}Status/{_B}StatusReasonCode")), ""),
            "text": _text(line.find(f"{_C}Response/{_B}Description")),
        } for line in root.iterfind(f"{_C}DocumentResponse/{_C}LineResponse")]
        description = _text(response.find(f"{_B}Description")) if response is not None else ""
        return ReadAnswer("mlr", document.reference, code,
                          _MLR_CODES.get(code, "unknown response code"), refers,
                          text=description, lines=lines)
    if document.family == CXML and document.type in ("Response", "StatusUpdateRequest"):
        path = "Response/Status" if document.type == "Response" \
            else "Request/StatusUpdateRequest/Status"
        found = root.find(path)
        code = found.get("code", "") if found is not None else ""
        refers = ""
        if document.type == "StatusUpdateRequest":
            reference = root.find("Request/StatusUpdateRequest/DocumentReference")
            refers = reference.get("payloadID", "") if reference is not None else ""
        return ReadAnswer(
            "cxml-response" if document.type == "Response" else "status-update",
            (root.get("payloadID") or "").strip(), code,
            found.get("text", "") if found is not None else "", refers,
            text=_text(found))
    return None


def explain(answer: ReadAnswer) -> str:
    """The answer in plain words, one finding per line."""
    names = {"mlr": "Peppol message level response", "invoice-response":
             "Peppol invoice response", "cxml-response": "cXML response",
             "status-update": "cXML status update"}
    about = f" for {answer.refers_to}" if answer.refers_to else ""
    out = [f"{names[answer.kind]} {answer.identifier}{about}: {answer.status} "
           f"({answer.meaning})"]
    if answer.text:
        out.extend(f"  {line}" for line in answer.text.splitlines())
    for line in answer.lines:
        if answer.kind == "mlr":
            out.append(f"  {line['type']} {line['meaning']}: {line['text']} at {line['path']}")
        else:
            out.append(f"  {line['list']} {line['code']} ({line['meaning']})"
                       + (f": {line['text']}" if line["text"] else ""))
    return "\n".join(out) + "\n"
