"""XML answers: the Peppol MLR (T71) and Invoice Response (T111), the cXML Response and
StatusUpdateRequest; each built answer is itself valid, and ``ack --read`` explains it.

Expected codes come from the Peppol MLR and invoice response specifications
(UNCL4343 subsets, BV/BW/SV, OPStatusReason) and cXML's status codes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from gateway.cli.main import main
from gateway.edi.ack import peppol, xml_answers
from gateway.edi.issues import Issue, Level
from gateway.edi.report import inspect
from gateway.edi.xml import catalog, schemas
from gateway.edi.xml.locations import Positions
from gateway.errors import UsageError
from tests import corpus
from tests.edi.xml.test_validation import CXML_ORDER, PEPPOL_ORDER

NOW = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
C = f"{{{peppol.CAC}}}"
B = f"{{{peppol.CBC}}}"


def _answer(text: str, kind: xml_answers.AnswerKind | None = None) -> tuple[bytes, list[Issue]]:
    data = text.encode("utf-8")
    report = inspect(data, level=Level.RULES)
    read = report.xml
    assert read is not None and read.document is not None and read.root is not None
    chosen = kind or xml_answers.default_kind(read.document)
    return xml_answers.answer(read.document, read.root, report.issues, chosen,
                              now=NOW, number=7), report.issues


def _blocking(data: bytes) -> list[Issue]:
    return [i for i in inspect(data, level=Level.RULES).issues if i.blocking]


def _assert_valid_application_response(data: bytes) -> None:
    """Valid against the UBL ApplicationResponse schema (whole structure) and its rules."""
    root = etree.fromstring(data)
    assert schemas.validate_xsd(root, catalog.ubl_schema("ApplicationResponse"),  # type: ignore[arg-type]
                                Positions(data, root)) == []
    assert _blocking(data) == []


def test_mlr_rejects_with_rule_ids_and_xpaths() -> None:
    """A broken Peppol order earns an MLR RE whose lines name each rule, its XPath and BV;
    the MLR itself is valid against the schema and the MLR rules."""
    broken = PEPPOL_ORDER.replace("bis:ordering:3", "bis:ordering:2").replace(
        "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO-1</cbc:ID><cbc:Note/>")
    out, _ = _answer(broken)
    root = etree.fromstring(out)
    assert root.findtext(f"{B}CustomizationID") == "urn:fdc:peppol.eu:poacc:trns:mlr:3"
    assert root.findtext(f"{C}DocumentResponse/{C}Response/{B}ResponseCode") == "RE"
    assert root.findtext(f"{C}DocumentResponse/{C}DocumentReference/{B}ID") == "PO-1"
    # The answer goes from the seller (who received the order) to the buyer.
    assert root.findtext(f"{C}SenderParty/{B}EndpointID") == "4012345000016"
    assert root.findtext(f"{C}ReceiverParty/{B}EndpointID") == "5412345000013"
    lines = {(line.findtext(f"{C}LineReference/{B}LineID"),
              line.findtext(f"{C}Response/{C}Status/{B}StatusReasonCode"),
              line.findtext(f"{C}Response/{B}Description").split("]")[0] + "]")
             for line in root.iter(f"{C}LineResponse")}
    assert lines == {
        ("/Order/cbc:ProfileID[1]", "BV", "[PEPPOL-T01-R031]"),
        ("/Order/cbc:Note[1]", "BV", "[PEPPOL-COMMON-R001]"),
    }
    _assert_valid_application_response(out)


def test_mlr_accepts_a_good_order() -> None:
    """A valid order earns AP and no line response."""
    out, _ = _answer(PEPPOL_ORDER)
    root = etree.fromstring(out)
    assert root.findtext(f"{C}DocumentResponse/{C}Response/{B}ResponseCode") == "AP"
    assert list(root.iter(f"{C}LineResponse")) == []
    _assert_valid_application_response(out)


def test_mlr_warning_is_bw_without_rejection() -> None:
    """A warning-only order is accepted; its line says BW and carries no response code."""
    text = PEPPOL_ORDER.replace(
        "  <cac:ValidityPeriod>\n    <cbc:EndDate>2024-04-11</cbc:EndDate>\n"
        "  </cac:ValidityPeriod>\n", "")
    out, _ = _answer(text)
    root = etree.fromstring(out)
    assert root.findtext(f"{C}DocumentResponse/{C}Response/{B}ResponseCode") == "AP"
    (line,) = root.iter(f"{C}LineResponse")
    assert line.findtext(f"{C}Response/{C}Status/{B}StatusReasonCode") == "BW"
    assert line.find(f"{C}Response/{B}ResponseCode") is None
    _assert_valid_application_response(out)


def test_mlr_syntax_violation_is_sv() -> None:
    """An XSD finding is a syntax violation (SV) in the MLR."""
    text = PEPPOL_ORDER.replace("<cbc:IssueDate>2024-03-11", "<cbc:IssueDate>2024-13-45")
    out, _ = _answer(text)
    types = {line.findtext(f"{C}Response/{C}Status/{B}StatusReasonCode")
             for line in etree.fromstring(out).iter(f"{C}LineResponse")}
    assert types == {"SV", "BV"}


INVOICE = corpus.PROJECT_ROOT / "samples" / "ubl" / "Invoice.xml"


def test_invoice_response_rejects_a_broken_invoice() -> None:
    """The sample invoice without its seller contact (so it breaks DE-R-002, the German
    seller's BG-6) earns a T111 RE: an OTH clarification naming the rule, and the action
    NIN (issue a new invoice)."""
    text = INVOICE.read_text("utf-8")
    broken = re.sub(r"\s*<cac:Contact>.*?</cac:Contact>", "", text, count=1, flags=re.S)
    assert broken != text
    out, _ = _answer(broken, xml_answers.AnswerKind.INVOICE_RESPONSE)
    root = etree.fromstring(out)
    response = root.find(f"{C}DocumentResponse/{C}Response")
    assert response is not None
    assert response.findtext(f"{B}ResponseCode") == "RE"
    statuses = [(s.find(f"{B}StatusReasonCode").get("listID"),  # type: ignore[union-attr]
                 s.findtext(f"{B}StatusReasonCode")) for s in response.iter(f"{C}Status")]
    assert statuses == [("OPStatusReason", "OTH"), ("OPStatusAction", "NIN")]
    assert "[DE-R-002]" in (response.findtext(f"{C}Status/{B}StatusReason") or "")
    assert root.findtext(f"{C}DocumentResponse/{C}DocumentReference/{B}ID") == \
        "INV-2024-031907"
    _assert_valid_application_response(out)


def test_invoice_response_from_three_way_match() -> None:
    """Quantity and price mismatches put the invoice under query with QTY and PRI reasons."""
    status, reasons = xml_answers.match_clarifications([
        ("1", "quantity_over", "invoiced 12, received 10"),
        ("2", "matched", ""),
        ("3", "price_over", "invoiced 9.90, ordered 9.50"),
    ])
    assert status is peppol.InvoiceStatus.UNDER_QUERY
    assert [r.reason for r in reasons] == ["QTY", "PRI"]
    out = peppol.invoice_response(
        peppol.Answered("Invoice", "INV-9", "2024-03-19"), status, reasons,
        sender=peppol.Endpoint("5412345000013", "0088", "Northwind Retail"),
        receiver=peppol.Endpoint("4012345000016", "0088", "Brauerei Weissbach"),
        identifier="IR-9", now=NOW)
    _assert_valid_application_response(out)
    assert xml_answers.match_clarifications([("1", "matched", "")]) == (
        peppol.InvoiceStatus.ACCEPTED, [])


def test_invoice_response_asked_for_an_order_is_refused() -> None:
    """An invoice response answers invoices only."""
    with pytest.raises(UsageError, match="Invoice or CreditNote"):
        _answer(PEPPOL_ORDER, xml_answers.AnswerKind.INVOICE_RESPONSE)


def _dtd_issues(data: bytes) -> list[Issue]:
    return list(inspect(data, level=Level.RULES).issues)


def test_cxml_response_ok_and_valid() -> None:
    """A valid cXML request earns Status 200 OK, in a Response valid against its DTD."""
    out, _ = _answer(CXML_ORDER)
    root = etree.fromstring(out)
    status = root.find("Response/Status")
    assert status is not None
    assert (status.get("code"), status.get("text")) == ("200", "OK")
    assert _dtd_issues(out) == []


def test_cxml_response_bad_request_lists_the_problems() -> None:
    """A DTD-invalid request earns 400 Bad Request naming the rule and the XPath."""
    broken = CXML_ORDER.replace("<SupplierPartID>AB-1</SupplierPartID>",
                                "<SupplierPartID>AB-1</SupplierPartID><Colour>red</Colour>")
    out, _ = _answer(broken)
    status = etree.fromstring(out).find("Response/Status")
    assert status is not None and status.get("code") == "400"
    assert "[dtd-unknown-elem]" in (status.text or "")
    assert "/cXML/Request[1]/OrderRequest[1]/ItemOut[1]/ItemID[1]/Colour[1]" in (status.text or "")
    assert _dtd_issues(out) == []


def test_cxml_status_update_request() -> None:
    """A StatusUpdateRequest goes back to the requester, names its payloadID, and is valid."""
    out, _ = _answer(CXML_ORDER, xml_answers.AnswerKind.STATUS_UPDATE)
    root = etree.fromstring(out)
    assert root.findtext("Header/To/Credential/Identity") == "039456712"
    assert root.findtext("Header/From/Credential/Identity") == "123456789"
    reference = root.find("Request/StatusUpdateRequest/DocumentReference")
    assert reference is not None and reference.get("payloadID") == "1@example.com"
    assert _dtd_issues(out) == []


def test_read_explains_our_own_mlr() -> None:
    """Reading back a built MLR gives its verdict, the reference and each line."""
    broken = PEPPOL_ORDER.replace("bis:ordering:3", "bis:ordering:2")
    out, _ = _answer(broken)
    report = inspect(out, level=Level.RULES)
    assert report.xml is not None and report.xml.document is not None
    assert report.xml.root is not None
    found = xml_answers.read_answer(report.xml.document, report.xml.root)
    assert found is not None
    assert (found.kind, found.status, found.refers_to) == ("mlr", "RE", "PO-1")
    assert [(line["type"], line["path"]) for line in found.lines] == [
        ("BV", "/Order/cbc:ProfileID[1]")]
    assert "rejected" in xml_answers.explain(found)


def test_read_corpus_mlr() -> None:
    """The published Peppol MLR example reads as RE with its CL-T77-R002 line."""
    if not corpus.is_available(under="xml"):
        pytest.skip("the shared corpus is not here")
    path = (corpus.CORPUS / "xml" / "ApplicationResponse" /
            "poacc-upgrade-3__MessageLevelResponse_Example.xml")
    report = inspect(path.read_bytes(), level=Level.RULES)
    assert report.xml is not None and report.xml.document is not None
    assert report.xml.root is not None
    found = xml_answers.read_answer(report.xml.document, report.xml.root)
    assert found is not None and found.status == "RE"
    assert found.refers_to == "EnvelopeID-12456789"
    assert found.lines[0]["type"] == "BV"
    assert "CL-T77-R002" in found.lines[0]["text"]


def test_cli_ack_and_read_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    """``ack FILE`` prints the MLR for a UBL file (exit 1: the file is invalid) and
    ``ack --read --json`` explains it."""
    source = tmp_path / "order.xml"
    source.write_text(PEPPOL_ORDER.replace("bis:ordering:3", "bis:ordering:2"), "utf-8")
    assert main(["ack", str(source), "--now", "2024-03-20T10:00:00+00:00"]) == 1
    answer = tmp_path / "mlr.xml"
    answer.write_text(capsys.readouterr().out, "utf-8")
    assert main(["ack", "--read", "--json", str(answer)]) == 0
    read = json.loads(capsys.readouterr().out)
    assert (read["kind"], read["status"], read["refers_to"]) == ("mlr", "RE", "PO-1")


def test_cli_rejects_an_edi_format_for_xml(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Asking a 997 for a UBL file is a usage error."""
    source = tmp_path / "order.xml"
    source.write_text(PEPPOL_ORDER, "utf-8")
    assert main(["ack", str(source), "--format", "997"]) == 2
    assert "answered with" in capsys.readouterr().err
