"""XML validation by level, one small hand-written document per rule family.

Every expectation (rule id, XPath, line) is read off the document text and the
published rule it breaks, not from the validator's output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gateway.edi.issues import Issue, Level, Severity
from gateway.edi.xml.guide import xml_guide_from_yaml
from gateway.edi.xml.reader import read_xml
from gateway.edi.xml.validation import validate_xml
from gateway.errors import ConfigurationError

SAMPLES = Path(__file__).resolve().parents[3] / "samples"

NS = ('xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" '
      'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')

# A Peppol BIS 3 order (T01): the smallest one that breaks no published rule.
PEPPOL_ORDER = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order {NS}>
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>PO-1</cbc:ID>
  <cbc:IssueDate>2024-03-11</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:ValidityPeriod>
    <cbc:EndDate>2024-04-11</cbc:EndDate>
  </cac:ValidityPeriod>
  <cac:BuyerCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0088">5412345000013</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Northwind Retail</cbc:Name></cac:PartyName>
    </cac:Party>
  </cac:BuyerCustomerParty>
  <cac:SellerSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0088">4012345000016</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Brauerei Weissbach</cbc:Name></cac:PartyName>
    </cac:Party>
  </cac:SellerSupplierParty>
  <cac:OrderLine>
    <cac:LineItem>
      <cbc:ID>1</cbc:ID>
      <cbc:Quantity unitCode="C62">24</cbc:Quantity>
      <cac:Item><cbc:Name>Pilsner 0.5 l</cbc:Name></cac:Item>
    </cac:LineItem>
  </cac:OrderLine>
</Order>
"""

# A plain UBL 2.1 order under no customisation: the UBL default code lists apply.
PLAIN_ORDER = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order {NS}>
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
  <cbc:ID>PO-2</cbc:ID>
  <cbc:IssueDate>2024-03-11</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:OrderLine>
    <cac:LineItem>
      <cbc:ID>1</cbc:ID>
      <cbc:Quantity unitCode="C62">24</cbc:Quantity>
      <cac:Item><cbc:Name>Pilsner 0.5 l</cbc:Name></cac:Item>
    </cac:LineItem>
  </cac:OrderLine>
</Order>
"""

CXML_ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://127.0.0.1:9/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1@example.com" timestamp="2024-03-11T09:15:00-05:00">
  <Header>
    <From><Credential domain="DUNS"><Identity>039456712</Identity></Credential></From>
    <To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
    <Sender><Credential domain="DUNS"><Identity>039456712</Identity></Credential>
      <UserAgent>edi-gateway tests</UserAgent></Sender>
  </Header>
  <Request>
    <OrderRequest>
      <OrderRequestHeader orderID="PO-3" orderDate="2024-03-11" type="new">
        <Total><Money currency="USD">10.00</Money></Total>
        <BillTo><Address addressID="1"><Name xml:lang="en">Acme</Name></Address></BillTo>
      </OrderRequestHeader>
      <ItemOut quantity="1" lineNumber="1">
        <ItemID><SupplierPartID>AB-1</SupplierPartID></ItemID>
      </ItemOut>
    </OrderRequest>
  </Request>
</cXML>
"""


def _issues(text: str, level: Level = Level.RULES, guides: tuple[object, ...] = ()
            ) -> list[Issue]:
    data = text.encode("utf-8")
    read = read_xml(data)
    assert read.document is not None, read.issues
    return validate_xml(read, data, level, guides)  # type: ignore[arg-type]


def _blocking(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.blocking]


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_good_peppol_order_passes_every_level() -> None:
    """A Peppol order that breaks no rule has no blocking issue at the rules level."""
    assert _blocking(_issues(PEPPOL_ORDER)) == []


def test_good_plain_order_passes_code_lists() -> None:
    """A UBL order whose codes are all in the UBL default lists passes the schema level."""
    assert _blocking(_issues(PLAIN_ORDER, Level.SCHEMA)) == []


def test_xsd_datatype_names_the_rule_and_element() -> None:
    """An impossible IssueDate is cvc-datatype-valid at the element's XPath, line and column."""
    text = PLAIN_ORDER.replace("2024-03-11", "2024-13-45")
    found = [i for i in _issues(text, Level.SCHEMA) if i.code_text.startswith("schema.xsd")]
    assert [i.code_text for i in found] == ["schema.xsd:cvc-datatype-valid.1.2.1"]
    assert found[0].location.path == "/Order/cbc:IssueDate[1]"
    assert found[0].location.line == _line_of(text, "<cbc:IssueDate>")
    assert found[0].location.column == 3
    assert found[0].severity is Severity.ERROR


def test_code_list_finds_a_code_in_no_list() -> None:
    """A currency in no UBL default list is a schema.code-list error at its XPath."""
    text = PLAIN_ORDER.replace(">EUR<", ">EUX<")
    found = _blocking(_issues(text, Level.SCHEMA))
    assert [(i.code_text, i.location.path) for i in found] == [
        ("schema.code-list", "/Order/cbc:DocumentCurrencyCode[1]")]
    assert "'EUX'" in found[0].message


def test_unit_code_attribute_is_located_on_the_attribute() -> None:
    """A unitCode in no list is placed on the attribute of its quantity."""
    text = PLAIN_ORDER.replace('unitCode="C62"', 'unitCode="ZZZZ"')
    found = _blocking(_issues(text, Level.SCHEMA))
    assert [i.location.path for i in found] == [
        "/Order/cac:OrderLine[1]/cac:LineItem[1]/cbc:Quantity[1]/@unitCode"]


def test_customised_order_uses_its_own_lists() -> None:
    """Under a Peppol customisation the UBL default lists do not apply (UNCL1229 codes)."""
    status = "<cbc:ID>1</cbc:ID>\n      <cbc:LineStatusCode>1</cbc:LineStatusCode>"
    text = PEPPOL_ORDER.replace("<cbc:ID>1</cbc:ID>", status)
    assert not [i for i in _issues(text, Level.SCHEMA) if i.code_text == "schema.code-list"]


def test_peppol_rule_id_flag_and_xpath() -> None:
    """A wrong ProfileID breaks PEPPOL-T01-R031 (flag fatal) at /Order/cbc:ProfileID[1]."""
    text = PEPPOL_ORDER.replace("bis:ordering:3", "bis:ordering:2")
    found = _blocking(_issues(text))
    assert [(i.code_text, i.severity, i.location.path) for i in found] == [
        ("rules.schematron:PEPPOL-T01-R031", Severity.FATAL, "/Order/cbc:ProfileID[1]")]
    assert found[0].location.line == _line_of(text, "<cbc:ProfileID>")
    assert found[0].message == ("An order transaction SHALL use profile order only, ordering "
                                "or advanced_ordering.")


def test_warning_flag_is_a_warning() -> None:
    """PEPPOL-T01-R002 (no validity end date) has flag warning: the order stays valid."""
    text = PEPPOL_ORDER.replace(
        "  <cac:ValidityPeriod>\n    <cbc:EndDate>2024-04-11</cbc:EndDate>\n"
        "  </cac:ValidityPeriod>\n", "")
    found = [i for i in _issues(text) if i.rule == "PEPPOL-T01-R002"]
    assert [(i.severity, i.location.path) for i in found] == [(Severity.WARNING, "/Order")]
    assert _blocking(_issues(text)) == []


def test_common_rule_on_empty_element() -> None:
    """An empty element breaks PEPPOL-COMMON-R001 at that element."""
    text = PEPPOL_ORDER.replace("<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO-1</cbc:ID><cbc:Note/>")
    found = _blocking(_issues(text))
    assert [(i.rule, i.location.path) for i in found] == [
        ("PEPPOL-COMMON-R001", "/Order/cbc:Note[1]")]


def test_gln_check_digit_rule() -> None:
    """A GLN with a wrong check digit breaks PEPPOL-COMMON-R040 on the EndpointID."""
    text = PEPPOL_ORDER.replace("5412345000013", "5412345000014")
    found = _blocking(_issues(text))
    assert [(i.rule, i.location.path) for i in found] == [(
        "PEPPOL-COMMON-R040",
        "/Order/cac:BuyerCustomerParty[1]/cac:Party[1]/cbc:EndpointID[1]")]


def test_rules_run_on_a_schema_invalid_document() -> None:
    """An impossible date is reported by the XSD and by PEPPOL-COMMON-R030 at once."""
    text = PEPPOL_ORDER.replace("<cbc:IssueDate>2024-03-11", "<cbc:IssueDate>2024-13-45")
    found = {(i.code_text, i.location.path) for i in _blocking(_issues(text))}
    assert found == {("schema.xsd:cvc-datatype-valid.1.2.1", "/Order/cbc:IssueDate[1]"),
                     ("rules.schematron:PEPPOL-COMMON-R030", "/Order/cbc:IssueDate[1]")}


def test_schema_level_runs_no_schematron() -> None:
    """At the schema level the Schematron does not run."""
    text = PEPPOL_ORDER.replace("bis:ordering:3", "bis:ordering:2")
    assert _blocking(_issues(text, Level.SCHEMA)) == []


def test_customization_naming_another_transaction() -> None:
    """An Order whose CustomizationID names the despatch advice is a profile mismatch."""
    text = PEPPOL_ORDER.replace("trns:order:3", "trns:despatch_advice:3")
    found = _blocking(_issues(text))
    assert [(i.code_text, i.location.path) for i in found] == [
        ("rules.profile-mismatch", "/Order/cbc:CustomizationID[1]")]


def test_cxml_valid_against_its_dtd_without_network() -> None:
    """A cXML order valid against the 1.2.014 DTD passes; the DOCTYPE URL is never fetched."""
    assert _issues(CXML_ORDER) == []


def test_cxml_dtd_violation() -> None:
    """An element the DTD does not declare is a schema.dtd issue at its XPath."""
    text = CXML_ORDER.replace("<SupplierPartID>AB-1</SupplierPartID>",
                              "<SupplierPartID>AB-1</SupplierPartID><Colour>red</Colour>")
    found = _blocking(_issues(text))
    assert ("schema.dtd:dtd-unknown-elem",
            "/cXML/Request[1]/OrderRequest[1]/ItemOut[1]/ItemID[1]/Colour[1]") in {
        (i.code_text, i.location.path) for i in found}


def test_cxml_version_not_shipped_is_substituted() -> None:
    """A DOCTYPE naming an unshipped version is checked against the next later DTD, with a
    warning saying so."""
    text = CXML_ORDER.replace("1.2.014", "1.2.016")
    found = _issues(text)
    assert [(i.code_text, i.severity) for i in found] == [
        ("schema.dtd-substituted", Severity.WARNING)]
    assert "1.2.020" in found[0].message


GUIDE = """
guide: ACME UBL orders
standard: ubl
document: Order
rules:
  - id: ACME-ORD-001
    assert: cac:BuyerCustomerParty/cac:Party/cbc:EndpointID[@schemeID = '0088']
    message: The buyer is addressed by its GLN.
  - id: ACME-ORD-002
    context: cac:OrderLine/cac:LineItem
    assert: xs:decimal(cbc:Quantity) le 10
    flag: warning
    message: More than ten units on a line is checked by hand.
"""


def test_partner_guide_rules() -> None:
    """A partner's XPath rules report their own ids, flags and messages at the context."""
    guide = xml_guide_from_yaml(GUIDE, "acme.yaml")
    text = PEPPOL_ORDER.replace('<cbc:EndpointID schemeID="0088">5412345000013',
                                '<cbc:EndpointID schemeID="0192">5412345000013')
    found = [i for i in _issues(text, guides=(guide,)) if i.code.value == "rules.guide"]
    assert [(i.code_text, i.severity, i.location.path) for i in found] == [
        ("rules.guide:ACME-ORD-001", Severity.ERROR, "/Order"),
        ("rules.guide:ACME-ORD-002", Severity.WARNING,
         "/Order/cac:OrderLine[1]/cac:LineItem[1]"),
    ]
    assert found[0].message == "The buyer is addressed by its GLN."


def test_partner_guide_for_another_document_is_not_applied() -> None:
    """A guide for DespatchAdvice does not touch an Order."""
    guide = xml_guide_from_yaml(GUIDE.replace("document: Order", "document: DespatchAdvice"))
    assert not [i for i in _issues(PEPPOL_ORDER, guides=(guide,))
                if i.code.value == "rules.guide"]


@pytest.mark.parametrize(("change", "named"), [
    ("assert: xs:decimal(cbc:Quantity) le 10", "rules[2]"),
    ("flag: warning", "flag"),
])
def test_guide_mistakes_name_the_file(change: str, named: str) -> None:
    """A guide whose XPath does not compile or whose flag is unknown is refused by name."""
    broken = GUIDE.replace(change, "flag: sometimes" if named == "flag"
                           else "assert: xs:decimal(cbc:Quantity le 10")
    with pytest.raises(ConfigurationError, match=r"acme\.yaml"):
        xml_guide_from_yaml(broken, "acme.yaml")


def test_edi_commands_never_load_the_xml_validators() -> None:
    """Validating and acknowledging EDI leaves the XSLT processor and the XML validators
    unloaded: they load only when an XML document is met."""
    script = (
        "import sys\n"
        "from gateway.cli.main import main\n"
        f"main(['validate', {str(SAMPLES / 'x12' / '850_004010.x12')!r}])\n"
        f"main(['ack', {str(SAMPLES / 'edifact' / 'ORDERS_D96A.edi')!r}])\n"
        "loaded = [m for m in ('saxonche', 'gateway.edi.xml.rules',"
        " 'gateway.edi.xml.validation', 'gateway.edi.xml.schemas') if m in sys.modules]\n"
        "sys.stderr.write(repr(loaded))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, cwd=SAMPLES.parent, timeout=120)
    assert done.stderr.strip().endswith("[]"), done.stderr[-2000:]
