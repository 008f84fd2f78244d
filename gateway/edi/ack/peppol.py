"""Peppol answers to UBL documents: the Message Level Response (T71) and the Invoice
Response (T111), both UBL 2.1 ``ApplicationResponse`` documents.

Owns the shape of the two answers and the codes they carry: the response codes
(UNCL4343 subsets: AB acknowledged, AP accepted, RE rejected; for invoices also
IP, UQ, CA, PD), the MLR issue types (BV business rule violation fatal, BW
business rule warning, SV syntax violation) and the invoice clarification
reasons (OPStatusReason) and actions (OPStatusAction). It builds bytes from
values and must not validate or send them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lxml import etree

from gateway.edi.issues import Code, Issue, Severity
from gateway.edi.xml.documents import UBL_CBC_NAMESPACE, ubl_namespace

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = UBL_CBC_NAMESPACE
APPLICATION_RESPONSE = ubl_namespace("ApplicationResponse")

MLR_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:mlr:3"
MLR_PROFILE = "urn:fdc:peppol.eu:poacc:bis:mlr:3"
INVOICE_RESPONSE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
INVOICE_RESPONSE_PROFILE = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3"


class Verdict(StrEnum):
    """MLR document response codes (UNCL4343 subset)."""

    ACKNOWLEDGED = "AB"   # received, not (yet) checked
    ACCEPTED = "AP"       # checked and accepted, warnings may be listed
    REJECTED = "RE"       # not processed because of the listed errors


class IssueType(StrEnum):
    """MLR line issue types (Peppol StatusReason list)."""

    BUSINESS_FATAL = "BV"
    BUSINESS_WARNING = "BW"
    SYNTAX = "SV"


class InvoiceStatus(StrEnum):
    """Invoice response status codes (UNCL4343 operational subset)."""

    ACKNOWLEDGED = "AB"
    IN_PROCESS = "IP"
    UNDER_QUERY = "UQ"
    CONDITIONALLY_ACCEPTED = "CA"
    REJECTED = "RE"
    ACCEPTED = "AP"
    PAID = "PD"


# OPStatusReason: why an invoice is queried or rejected.
CLARIFICATION_REASONS: dict[str, str] = {
    "NON": "no issue", "REF": "references incorrect", "LEG": "legal information incorrect",
    "REC": "receiver unknown", "QUA": "item quality insufficient",
    "DEL": "delivery issues", "PRI": "prices incorrect", "QTY": "quantity incorrect",
    "ITM": "items incorrect", "PAY": "payment terms incorrect",
    "PPD": "partially paid", "UNR": "not recognised", "FIN": "finance terms incorrect",
    "OTH": "other",
}
# OPStatusAction: what the seller is asked to do.
CLARIFICATION_ACTIONS: dict[str, str] = {
    "NOA": "no action required", "PIN": "provide information",
    "NIN": "issue new invoice", "CNF": "credit fully", "CNP": "credit partially",
    "CNA": "credit the amount", "OTH": "other",
}

# Three-way match outcomes (gateway.orders' MatchStatus values) as clarification
# reasons: quantity and price differences, goods not received, no order line.
MATCH_REASONS: dict[str, str] = {
    "quantity_over": "QTY", "quantity_under": "QTY",
    "price_over": "PRI", "price_under": "PRI",
    "not_received": "DEL", "no_order_line": "REF",
}

# UNCL1001 document type codes of the documents an answer may refer to.
DOCUMENT_TYPE_CODES: dict[str, str] = {
    "Invoice": "380", "CreditNote": "381", "Order": "220", "OrderChange": "230",
    "OrderCancellation": "1", "OrderResponse": "231", "DespatchAdvice": "351",
    "ReceiptAdvice": "632", "Catalogue": "71", "ApplicationResponse": "301",
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A Peppol party as an answer names it: electronic address and legal name."""

    endpoint: str
    scheme: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class Answered:
    """The document an answer refers to."""

    document_type: str
    reference: str
    issue_date: str = ""


@dataclass(frozen=True, slots=True)
class Clarification:
    """One reason an invoice is queried or rejected, and what is asked (optional)."""

    reason: str           # an OPStatusReason code
    text: str
    action: str = ""      # an OPStatusAction code


# Notes about what the gateway could check, not findings about the document.
_GATEWAY_NOTES = frozenset({Code.XML_NO_SCHEMA, Code.XML_DTD_SUBSTITUTED})


def reportable(issues: Sequence[Issue]) -> list[Issue]:
    """The findings an answer lists: errors and warnings about the document itself."""
    return [issue for issue in issues
            if issue.severity is not Severity.INFO and issue.code not in _GATEWAY_NOTES]


def issue_type(issue: Issue) -> IssueType:
    """The MLR issue type of a finding: blocking schema and syntax findings are syntax
    violations, other blocking ones business rule violations, the rest warnings."""
    if not issue.blocking:
        return IssueType.BUSINESS_WARNING
    if issue.code.value.startswith(("syntax.", "schema.")):
        return IssueType.SYNTAX
    return IssueType.BUSINESS_FATAL


def verdict(issues: Sequence[Issue], *, checked: bool = True) -> Verdict:
    """Rejected when any issue blocks, accepted when checked, else acknowledged."""
    if any(issue.blocking for issue in issues):
        return Verdict.REJECTED
    return Verdict.ACCEPTED if checked else Verdict.ACKNOWLEDGED


def _sub(parent: etree._Element, namespace: str, name: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    for key, value in attributes.items():
        if value:
            element.set(key, value)
    if text is not None:
        element.text = text
    return element


def _root() -> etree._Element:
    return etree.Element(f"{{{APPLICATION_RESPONSE}}}ApplicationResponse",
                         nsmap={None: APPLICATION_RESPONSE, "cac": CAC,  # type: ignore[dict-item]
                                "cbc": CBC})


def _head(root: etree._Element, customization: str, profile: str, identifier: str,
          now: datetime) -> None:
    _sub(root, CBC, "CustomizationID", customization)
    _sub(root, CBC, "ProfileID", profile)
    _sub(root, CBC, "ID", identifier)
    _sub(root, CBC, "IssueDate", now.date().isoformat())
    _sub(root, CBC, "IssueTime", now.time().replace(microsecond=0, tzinfo=None).isoformat())


def _party(root: etree._Element, name: str, party: Endpoint, *, legal_name: bool) -> None:
    element = _sub(root, CAC, name)
    _sub(element, CBC, "EndpointID", party.endpoint or "NA", schemeID=party.scheme)
    if legal_name and party.name:
        legal = _sub(element, CAC, "PartyLegalEntity")
        _sub(legal, CBC, "RegistrationName", party.name)


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def message_level_response(
    answered: Answered, issues: Sequence[Issue], *, sender: Endpoint, receiver: Endpoint,
    identifier: str, now: datetime, checked: bool = True,
) -> bytes:
    """The Peppol MLR (T71) for a received document and what checking it found.

    ``sender`` is the party answering (the document's receiver); ``receiver`` the
    party that sent the document. Errors and warnings become line responses with
    their rule id, text and XPath (``NA`` where there is no XPath).
    """
    code = verdict(issues, checked=checked)
    root = _root()
    _head(root, MLR_CUSTOMIZATION, MLR_PROFILE, identifier, now)
    _party(root, "SenderParty", sender, legal_name=False)
    _party(root, "ReceiverParty", receiver, legal_name=False)
    document = _sub(root, CAC, "DocumentResponse")
    response = _sub(document, CAC, "Response")
    _sub(response, CBC, "ResponseCode", code.value)
    listed = reportable(issues)
    blocking = sum(1 for issue in listed if issue.blocking)
    _sub(response, CBC, "Description", {
        Verdict.REJECTED: f"Rejected: {blocking} error(s) found by validation.",
        Verdict.ACCEPTED: "Accepted" + (f" with {len(listed)} warning(s)." if listed else "."),
        Verdict.ACKNOWLEDGED: "Received; not yet validated.",
    }[code])
    reference = _sub(document, CAC, "DocumentReference")
    _sub(reference, CBC, "ID", answered.reference or "NA")
    type_code = DOCUMENT_TYPE_CODES.get(answered.document_type)
    if type_code:
        _sub(reference, CBC, "DocumentTypeCode", type_code)
    for issue in listed:
        line = _sub(document, CAC, "LineResponse")
        _sub(_sub(line, CAC, "LineReference"), CBC, "LineID", issue.location.path or "NA")
        line_response = _sub(line, CAC, "Response")
        if issue.blocking:  # a warning rejects nothing; its line carries no response code
            _sub(line_response, CBC, "ResponseCode", Verdict.REJECTED.value)
        rule = f"[{issue.rule}] " if issue.rule else f"[{issue.code.value}] "
        _sub(line_response, CBC, "Description", rule + issue.message)
        status = _sub(line_response, CAC, "Status")
        _sub(status, CBC, "StatusReasonCode", issue_type(issue).value)
    return _serialise(root)


def invoice_response(
    answered: Answered, status: InvoiceStatus, clarifications: Sequence[Clarification], *,
    sender: Endpoint, receiver: Endpoint, identifier: str, now: datetime,
) -> bytes:
    """The Peppol Invoice Response (T111): the buyer's status of a received invoice.

    Each clarification becomes a ``Status`` with its OPStatusReason code and text,
    and, where an action is asked, a second ``Status`` with the OPStatusAction code.
    """
    root = _root()
    _head(root, INVOICE_RESPONSE_CUSTOMIZATION, INVOICE_RESPONSE_PROFILE, identifier, now)
    _party(root, "SenderParty", sender, legal_name=True)
    _party(root, "ReceiverParty", receiver, legal_name=True)
    document = _sub(root, CAC, "DocumentResponse")
    response = _sub(document, CAC, "Response")
    _sub(response, CBC, "ResponseCode", status.value, listID="UNCL4343OpSubset")
    for clarification in clarifications:
        reason = _sub(response, CAC, "Status")
        _sub(reason, CBC, "StatusReasonCode", clarification.reason, listID="OPStatusReason")
        _sub(reason, CBC, "StatusReason", clarification.text)
        if clarification.action:
            action = _sub(response, CAC, "Status")
            _sub(action, CBC, "StatusReasonCode", clarification.action,
                 listID="OPStatusAction")
    reference = _sub(document, CAC, "DocumentReference")
    _sub(reference, CBC, "ID", answered.reference or "NA")
    if answered.issue_date:
        _sub(reference, CBC, "IssueDate", answered.issue_date)
    _sub(reference, CBC, "DocumentTypeCode",
         DOCUMENT_TYPE_CODES.get(answered.document_type, "380"), listID="UNCL1001")
    return _serialise(root)
