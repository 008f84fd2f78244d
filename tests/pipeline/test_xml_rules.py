"""XML received by ``ingest`` and by the service is checked to the rules level: the
Peppol or EN 16931 Schematron its CustomizationID selects and the partner guide rules
the gateway is given, and a document that breaks one is not stored; the service's
Message Level Response quotes the rule ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine

from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.xml.guide import xml_guide_from_yaml
from gateway.jobs.service import Opened, Settings, open_gateway
from gateway.mapping.registry import load_mappings
from gateway.pipeline.ingest import ingest
from gateway.traffic.models import MessageStatus
from gateway.web.app import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
INVOICE = (SAMPLES / "ubl" / "Invoice.xml").read_text("utf-8")
ORDER = (SAMPLES / "ubl" / "Order_distributor.xml").read_text("utf-8")
TOKEN = {"Authorization": "Bearer scheldt-demo-token"}
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"

# A partner's own rule: every order line names the buyer's item number. The
# distributor's sample order names the seller's (SellersItemIdentification) only.
GUIDE = xml_guide_from_yaml("""
guide: Scheldt orders
standard: ubl
document: Order
rules:
  - id: SCHELDT-ORD-001
    context: cac:OrderLine
    assert: cac:LineItem/cac:Item/cac:BuyersItemIdentification/cbc:ID
    message: Every order line names our item number.
""", "scheldt-orders.yaml")


def _without_seller_contact(text: str) -> str:
    # The sample invoice's only cac:Contact is its German seller's (BG-6, DE-R-002).
    broken = re.sub(r"\s*<cac:Contact>.*?</cac:Contact>", "", text, count=1, flags=re.S)
    assert broken != text
    return broken


def test_ingest_refuses_an_invoice_that_breaks_a_peppol_rule(engine: Engine) -> None:
    """Rule: ingest checks XML to the rules level; the invoice without its German
    seller's contact breaks DE-R-002 (fatal) and is not stored; the sample is."""
    mappings = load_mappings()
    broken = ingest(engine, _without_seller_contact(INVOICE).encode(), "broken.xml",
                    mappings)
    (message,) = broken.messages
    assert message.status == MessageStatus.FAILED
    assert "rules.schematron:DE-R-002" in {i.code_text for i in message.issues}
    stored = ingest(engine, INVOICE.encode(), "Invoice.xml", mappings)
    assert [m.status for m in stored.messages] == [MessageStatus.STORED]


def test_ingest_runs_the_partner_guide_it_is_given(engine: Engine) -> None:
    """Rule: ingest runs the XML guide rules of the schemas it is given; the sample
    order breaks the guide's SCHELDT-ORD-001 on each of its lines."""
    schemas = Schemas(load_directory, xml_guides=[GUIDE])
    result = ingest(engine, ORDER.encode(), "order.xml", load_mappings(), schemas=schemas)
    (message,) = result.messages
    assert message.status == MessageStatus.FAILED
    lines = ORDER.count("<cac:OrderLine>")
    assert lines >= 1
    assert [i.code_text for i in message.issues] == ["rules.guide:SCHELDT-ORD-001"] * lines


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Opened]:
    found = open_gateway(Settings(var=tmp_path / "var"))
    try:
        yield found
    finally:
        found.close()


def _mlr_lines(text: str) -> list[tuple[str, str, str]]:
    """(reason code, rule description, line XPath) per LineResponse of an MLR."""
    root = etree.fromstring(text.encode("utf-8"))
    found = []
    for line in root.iter(f"{{{CAC}}}LineResponse"):
        found.append((line.findtext(f"{{{CAC}}}Response/{{{CAC}}}Status/{{{CBC}}}"
                                    "StatusReasonCode") or "",
                      (line.findtext(f"{{{CAC}}}Response/{{{CBC}}}Description") or
                       line.findtext(f"{{{CAC}}}Response/{{{CAC}}}Status/{{{CBC}}}"
                                     "StatusReason") or ""),
                      line.findtext(f"{{{CAC}}}LineReference/{{{CBC}}}LineID") or ""))
    return found


def test_the_services_mlr_quotes_the_peppol_rule(opened: Opened) -> None:
    """Rule: the service checks a partner's XML to the rules level; an order whose
    ProfileID is no ordering profile breaks PEPPOL-T01-R031 (fatal), is not stored, and
    the MLR rejects it with a business-rule violation naming the rule at cbc:ProfileID."""
    broken = ORDER.replace("urn:fdc:peppol.eu:poacc:bis:ordering:3",
                           "urn:fdc:peppol.eu:poacc:bis:invoice_only:3")
    assert broken != ORDER
    answer = TestClient(create_app(opened.gateway)).post("/inbound", content=broken,
                                                          headers=TOKEN)
    assert answer.status_code == 422, answer.text  # rejected: the answer says why
    body = answer.json()
    assert body["messages"][0]["status"] == "failed"
    (mlr,) = body["acknowledgements"]
    assert mlr["kind"] == "MLR"
    assert "<cbc:ResponseCode>RE</cbc:ResponseCode>" in mlr["text"]
    rules = [(code, text.split("]")[0] + "]", path) for code, text, path in
             _mlr_lines(mlr["text"])]
    assert ("BV", "[PEPPOL-T01-R031]", "/Order/cbc:ProfileID[1]") in rules


def test_the_services_mlr_quotes_the_partner_guide(opened: Opened) -> None:
    """Rule: the service runs the XML guide rules the gateway is given; the sample
    order breaks SCHELDT-ORD-001 on its lines, and the MLR names that rule."""
    opened.gateway.schemas = Schemas(load_directory, xml_guides=[GUIDE])
    answer = TestClient(create_app(opened.gateway)).post("/inbound", content=ORDER,
                                                          headers=TOKEN)
    assert answer.status_code == 422, answer.text  # rejected: the answer says why
    body = answer.json()
    assert body["messages"][0]["status"] == "failed"
    (mlr,) = body["acknowledgements"]
    descriptions = {text.split("]")[0] + "]" for _, text, _ in _mlr_lines(mlr["text"])}
    assert descriptions == {"[SCHELDT-ORD-001]"}
