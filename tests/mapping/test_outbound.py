"""Outbound mappings (gateway.mapping.outbound, gateway.mapping.xml_out): segments and
elements from templates, `when` and `!`, `each` loops, X12 856 HL numbering, trailing
empties trimmed, computed counts, escaping left to the writer, XML elements and
attributes with `empty: true`, and mistakes named by file and field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from gateway.documents.common import ItemRef, Money, Party, Quantity
from gateway.documents.models import (
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    Package,
    PurchaseOrder,
)
from gateway.edi.delimiters import Delimiters
from gateway.edi.schema.loader import load_directory
from gateway.edi.tree import Segment
from gateway.errors import WriteError
from gateway.mapping.convert import EnvelopeOptions, to_edifact, to_x12
from gateway.mapping.inbound import MappingError
from gateway.mapping.outbound import OutboundMapping, compile_outbound
from gateway.mapping.registry import Mappings
from gateway.mapping.values import CodeList
from gateway.mapping.xml_out import XmlOutboundMapping, compile_xml_outbound

FILE = "edifact/D96A/ORDERS.out.yaml"
CODES = {"party_function": CodeList.of("party_function", {"BY": "buyer", "SU": "supplier",
                                                          "DP": "ship_to", "ST": "ship_to"})}
_D96A = load_directory("edifact", "D96A")
assert _D96A is not None
D96A_TAGS = frozenset(_D96A.segments)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def edi_mapping(segments: list[Any], **extra: Any) -> OutboundMapping:
    data = {"standard": "edifact", "version": "D96A", "message": "ORDERS",
            "document": "purchase_order", "segments": segments, **extra}
    return compile_outbound(FILE, data, codelists=CODES, known_tags=D96A_TAGS)


def text(segments: list[Segment]) -> list[str]:
    """Segments as EDIFACT-like text without escaping, for comparison."""
    return ["+".join([s.tag, *(":".join(e) for e in s.elements)]) for s in segments]


def render(segments: list[Any], document: Any) -> list[str]:
    return text(edi_mapping(segments).render(document))


def order(**changes: Any) -> PurchaseOrder:
    base: dict[str, Any] = {
        "number": "PO-1",
        "issue_date": date(2025, 3, 10),
        "currency": "EUR",
        "notes": ("first", "second"),
        "parties": (Party(role="buyer", gln="111", name="Buyer"),
                    Party(role="supplier", gln="222"),
                    Party(role="ship_to", ids={"buyer": "STORE-1"})),
        "lines": (OrderLine(line_number="1", item=ItemRef(gtin="400"),
                            quantity=Quantity(value=Decimal("2.50"))),
                  OrderLine(line_number="2", item=ItemRef(buyer_part="B-2"),
                            quantity=Quantity(value=Decimal("1"), unit="KGM"),
                            unit_price=Money(amount=Decimal("9.99")))),
    }
    return PurchaseOrder(**{**base, **changes})


# -- segments and elements ------------------------------------------------------------------

def test_literals_expressions_and_composites() -> None:
    """Elements are templates and a list is a composite."""
    assert render([{"BGM": ["220", "{number}", "9"]},
                   {"DTM": [["137", "{issue_date|date:102}", "102"]]}], order()) == [
        "BGM+220+PO-1+9", "DTM+137:20250310:102"]


def test_a_segment_whose_expressions_are_all_empty_is_left_out() -> None:
    """Without `when`, a segment whose expressions all come out empty is left out."""
    segments = [{"DTM": [["2", "{requested_delivery|date:102}", "102"]]},
                {"CUX": [["2", "{currency}", "9"], "{total.currency}"]},
                {"UNS": ["S"]}]
    assert render(segments, order()) == ["CUX+2:EUR:9", "UNS+S"]
    assert render(segments, order(currency=None)) == ["UNS+S"]


def test_when_and_negated_when() -> None:
    """`when: "{x}"` writes the segment when x has a value, `when: "!{x}"` when it has none."""
    segments = [{"segment": "CUX", "elements": [["2", "{currency}", "9"]], "when": "{currency}"},
                {"segment": "FTX", "elements": ["ZZZ", None, None, "no currency"],
                 "when": "!{currency}"}]
    assert render(segments, order()) == ["CUX+2:EUR:9"]
    assert render(segments, order(currency=None)) == ["FTX+ZZZ+++no currency"]


def test_when_decides_even_if_expressions_are_empty() -> None:
    """A segment whose `when` holds is written even when its expressions give nothing."""
    segments = [{"segment": "FTX", "elements": ["AAI", None, None, "{order_type}"],
                 "when": "{number}"}]
    assert render(segments, order()) == ["FTX+AAI"]


def test_trailing_empty_elements_and_components_are_trimmed() -> None:
    """Trailing empty elements and components go, whether empty by template or by YAML null."""
    segments = [{"each": "parties", "segments": [
        {"NAD": ["{role|codes:party_function}", ["{gln}", "", "{duns}"],
                 None, ["{name}", ""], "", None]}]},
        {"FTX": ["AAI", None, None, ["{notes.0}", "{notes.1}", "{notes.2}", ""]]}]
    assert render(segments, order()) == [
        "NAD+BY+111++Buyer", "NAD+SU+222", "NAD+DP", "FTX+AAI+++first:second"]


def test_empty_elements_before_a_value_are_kept() -> None:
    """Empty elements and components before a value keep their positions."""
    segments = [{"each": "parties", "segments": [
        {"NAD": ["{role|codes:party_function}", ["{gln}", "", "9"], None, "{name}"]}]}]
    assert render(segments, order(parties=(Party(role="buyer", name="Buyer"),))) == [
        "NAD+BY+::9++Buyer"]


# -- each ------------------------------------------------------------------------------------

def test_each_repeats_for_every_item_with_parent_document_and_index() -> None:
    """`each` repeats its segments per item, with `^.`, `/` and `@index` inside."""
    segments = [{"each": "lines", "segments": [
        {"LIN": ["{line_number}", "", ["{item.gtin}", "EN"]]},
        {"RFF": [["ON", "{^.number}", "{@index}"]]},
        {"QTY": [["21", "{quantity.value|decimal}", "{quantity.unit}"]]},
        {"PRI": [["AAA", "{unit_price.amount|decimal:2}"]]},
        {"each": "/parties", "when": "{/currency}", "segments": [
            {"FTX": ["ZZZ", None, None, "{^.line_number}/{role}/{@index}"]}]}]}]
    assert render(segments, order(parties=(Party(role="buyer", gln="1"),))) == [
        "LIN+1++400:EN", "RFF+ON:PO-1:1", "QTY+21:2.50:EA", "FTX+ZZZ+++1/buyer/1",
        "LIN+2++:EN", "RFF+ON:PO-1:2", "QTY+21:1:KGM", "PRI+AAA:9.99", "FTX+ZZZ+++2/buyer/1"]


def test_each_over_nothing_writes_nothing() -> None:
    """An `each` over an empty or missing list, or whose `when` fails, writes nothing."""
    segments = [{"each": "lines", "segments": [{"LIN": ["{line_number}"]}]},
                {"each": "references", "segments": [{"RFF": [["{kind}", "{number}"]]}]},
                {"each": "parties", "when": "!{number}", "segments": [{"NAD": ["X"]}]}]
    assert render(segments, order(lines=())) == []


def test_each_over_a_single_value() -> None:
    """`each` over a value that is not a list repeats once, with the value as the item."""
    assert render([{"each": "number", "segments": [{"RFF": [["ON", "{.}"]]}]}], order()) == [
        "RFF+ON:PO-1"]


# -- counts --------------------------------------------------------------------------------------

def test_computed_counts_and_sums() -> None:
    """`count` and `sum` are computed from the document; a count of zero is still written."""
    segments = [{"CNT": [["2", "{lines|count}"]]},
                {"CNT": [["1", "{lines|sum:quantity.value}"]]},
                {"CNT": [["3", "{references|count}"]]}]
    assert render(segments, order()) == ["CNT+2:2", "CNT+1:3.50", "CNT+3:0"]
    assert render(segments, order(lines=())) == ["CNT+2:0", "CNT+1:0", "CNT+3:0"]


# -- X12 856 hierarchical levels ----------------------------------------------------------

ASN_SEGMENTS: list[Any] = [
    {"BSN": ["00", "{number}", "{issue_date|date:CCYYMMDD}"]},
    {"hl": "S"},
    {"TD5": ["", "", "{carrier}"]},
    {"each": "order_numbers", "segments": [
        {"hl": "O"},
        {"PRF": ["{.}"]},
        {"each": "/packages", "segments": [
            {"hl": "P"},
            {"MAN": ["GM", "{id}"]},
            {"each": "/lines", "when": "{/lines}", "segments": [
                {"hl": "I"},
                {"LIN": ["", "UP", "{item.gtin}"]}]}]}]},
    {"CTT": ["{lines|count}"]},
]


def asn_mapping(segments: list[Any]) -> OutboundMapping:
    x12 = load_directory("x12", "004010")
    assert x12 is not None
    return compile_outbound("x12/004010/856.out.yaml", {
        "standard": "x12", "version": "004010", "message": "856",
        "document": "despatch_advice", "header": {"functional_group": "SH"},
        "segments": segments}, codelists={}, known_tags=frozenset(x12.segments))


def asn(**changes: Any) -> DespatchAdvice:
    base: dict[str, Any] = {
        "number": "ASN-1", "issue_date": date(2025, 3, 10), "carrier": "UPS",
        "order_numbers": ("PO-1", "PO-2"), "packages": (Package(id="P1"),),
        "lines": (DespatchLine(line_number="1", item=ItemRef(gtin="0001"),
                               quantity=Quantity(value=Decimal(1))),
                  DespatchLine(line_number="2", item=ItemRef(gtin="0002"),
                               quantity=Quantity(value=Decimal(2))))}
    return DespatchAdvice(**{**base, **changes})


def hl(segments: list[Segment]) -> list[tuple[str, str, str, str]]:
    return [(s.get(1), s.get(2), s.get(3), s.get(4)) for s in segments if s.tag == "HL"]


def test_hl_numbering_counts_ids_and_names_parents() -> None:
    """`hl` writes counted HL01, the parent's id in HL02, the level and HL04 child flag."""
    out = asn_mapping(ASN_SEGMENTS).render(asn())
    assert hl(out) == [
        ("1", "", "S", "1"),
        ("2", "1", "O", "1"), ("3", "2", "P", "1"), ("4", "3", "I", "0"), ("5", "3", "I", "0"),
        ("6", "1", "O", "1"), ("7", "6", "P", "1"), ("8", "7", "I", "0"), ("9", "7", "I", "0"),
    ]
    assert text(out)[:4] == ["BSN+00+ASN-1+20250310", "HL+1++S+1", "TD5+++UPS", "HL+2+1+O+1"]
    assert text(out)[-1] == "CTT+2"


def test_hl_parent_by_key_writes_the_hierarchy_the_document_names() -> None:
    """An `hl` with `key` is found again by the `parent` of a later level: cartons
    under their pallet, a line under the carton it names; an unknown or own key
    leaves the parent the nesting gives."""
    segments: list[Any] = [
        {"hl": "S"},
        {"each": "packages", "segments": [
            {"hl": {"level": "P", "key": "{id}", "parent": "{parent}"}}]},
        {"each": "lines", "segments": [
            {"hl": {"level": "I", "parent": "{package}"}}]}]
    document = asn(
        packages=(Package(id="PAL"), Package(id="C1", parent="PAL"),
                  Package(id="C2", parent="ELSEWHERE")),
        lines=(DespatchLine(line_number="1", item=ItemRef(gtin="1"), package="C1",
                            quantity=Quantity(value=Decimal(1))),
               DespatchLine(line_number="2", item=ItemRef(gtin="2"),
                            quantity=Quantity(value=Decimal(2)))))
    assert hl(asn_mapping(segments).render(document)) == [
        ("1", "", "S", "1"), ("2", "1", "P", "1"), ("3", "2", "P", "1"), ("4", "1", "P", "0"),
        ("5", "3", "I", "0"), ("6", "1", "I", "0")]


def test_hl_without_children_has_no_child_code() -> None:
    """A level nothing hangs under gets HL04 0; siblings share their parent."""
    out = asn_mapping(ASN_SEGMENTS).render(asn(packages=()))
    assert hl(out) == [("1", "", "S", "1"), ("2", "1", "O", "0"), ("3", "1", "O", "0")]


def test_hl_siblings_after_a_nested_loop_return_to_their_parent() -> None:
    """After a nested loop ends, the next level's parent is again the enclosing level."""
    segments = [{"hl": "S"},
                {"each": "lines", "segments": [{"hl": "I"}]},
                {"each": "order_numbers", "segments": [{"hl": "O"}]}]
    assert hl(asn_mapping(segments).render(asn())) == [
        ("1", "", "S", "1"), ("2", "1", "I", "0"), ("3", "1", "I", "0"),
        ("4", "1", "O", "0"), ("5", "1", "O", "0")]


# -- envelope and writing -------------------------------------------------------------------------

ENVELOPE = {"sender": "{parties[role=buyer].gln}", "receiver": "{parties[role=supplier].gln}",
            "qualifier": "14"}


def test_envelope_values_are_templates() -> None:
    """The envelope's sender, receiver and qualifier are templates over the document."""
    mapping = edi_mapping([{"BGM": ["220"]}], envelope=ENVELOPE)
    assert mapping.envelope_value("sender", order()) == "111"
    assert mapping.envelope_value("receiver", order()) == "222"
    assert mapping.envelope_value("qualifier", order()) == "14"
    assert mapping.envelope_value("other", order()) == ""


def test_the_writer_escapes_what_the_templates_produce() -> None:
    """Values holding EDIFACT delimiters are escaped by the writer, and UNT counts segments."""
    mapping = edi_mapping([
        {"BGM": ["220", "{number}", "9"]},
        {"each": "parties", "segments": [
            {"NAD": ["{role|codes:party_function}", ["{gln}", "", "9"], None, "{name}"]}]},
        {"CNT": [["2", "{lines|count}"]]}],
        header={"type": "ORDERS", "association": "EAN008"}, envelope=ENVELOPE)
    document = order(number="PO+1'x", parties=(Party(role="buyer", gln="111", name="B:uyer?"),
                                                Party(role="supplier", gln="222")))
    mappings = Mappings(outbound={("edifact", "D96A", "purchase_order"): mapping})
    written = to_edifact([document], mappings, "D96A", EnvelopeOptions(now=NOW)).decode("latin-1")
    assert written.splitlines() == [
        "UNA:+.? '",
        "UNB+UNOC:3+111:14+222:14+250310:1200+1'",
        "UNH+1+ORDERS:D:96A:UN:EAN008'",
        "BGM+220+PO?+1?'x+9'",
        "NAD+BY+111::9++B?:uyer??'",
        "NAD+SU+222::9'",
        "CNT+2:2'",
        "UNT+6+1'",
        "UNZ+1+1'",
    ]


def test_x12_values_holding_an_agreed_delimiter_cannot_be_written() -> None:
    """X12 cannot escape: with the delimiters agreed with a partner, a value holding
    one is a WriteError naming the element."""
    mapping = compile_outbound("x12/004010/850.out.yaml", {
        "standard": "x12", "version": "004010", "message": "850",
        "document": "purchase_order", "header": {"functional_group": "PO"},
        "segments": [{"BEG": ["00", "SA", "{number}", "", "{issue_date|date:CCYYMMDD}"]}]},
        codelists={}, known_tags=None)
    mappings = Mappings(outbound={("x12", "004010", "purchase_order"): mapping})
    options = EnvelopeOptions(now=NOW)
    written = to_x12([order()], mappings, "004010", options).decode("ascii").splitlines()
    assert written[3:5] == ["BEG*00*SA*PO-1**20250310~", "SE*3*0001~"]
    agreed = EnvelopeOptions(now=NOW, delimiters=Delimiters(
        segment="~", element="*", component=">", repetition=None))
    with pytest.raises(WriteError, match="BEG element 3: the value 'PO\\*1'"):
        to_x12([order(number="PO*1")], mappings, "004010", agreed)


# -- mistakes are refused when compiled ------------------------------------------------------------

@pytest.mark.parametrize(("segments", "where", "problem"), [
    ([{"bgm": ["220"]}], "segments[0]", "'bgm' is not a segment tag"),
    ([{"XYZ": ["1"]}], "segments[0]", "XYZ is not a segment of this message's standard"),
    ([{"BGM": "220"}], "segments[0].BGM", "a list of elements"),
    ([{"BGM": ["220"], "DTM": ["137"]}], "segments[0]", "one segment per entry"),
    (["BGM"], "segments[0]", "a segment ({TAG: [elements]}), an 'each' or an 'hl'"),
    ([{"BGM": ["220", "{number|bogus}"]}], "segments[0].BGM.02", "unknown filter 'bogus'"),
    ([{"BGM": [["{x|codes:nope}"]]}], "segments[0].BGM.01-1", "codes:nope: no such code list"),
    ([{"BGM": [{"a": 1}]}], "segments[0].BGM.01", "a template string, not {'a': 1}"),
    ([{"segment": "BGM", "elements": ["{x}"], "when": 5}], "segments[0].when",
     "a template string, not 5"),
    ([{"segment": "BGM", "elements": ["{x}"], "when": "!{x|nope}"}], "segments[0].when",
     "unknown filter 'nope'"),
    ([{"each": "lines", "segment": []}], "segments[0]", "unknown keys segment"),
    ([{"each": "lines"}], "segments[0].segments", "a list of segments"),
    ([{"each": "lines", "segments": [{"LIN": ["{@nope}"]}]}], "segments[0].segments[0].LIN.01",
     "the only special value is @index"),
    ([{"each": "lines|bogus", "segments": []}], "segments[0].each", "unknown filter 'bogus'"),
])
def test_edi_mistakes_fail_when_compiled_naming_file_and_field(
        segments: list[Any], where: str, problem: str) -> None:
    """Wrong tags, shapes, filters and code lists are MappingErrors naming file and field."""
    with pytest.raises(MappingError) as err:
        edi_mapping(segments)
    assert str(err.value).startswith(f"{FILE}: {where}: ")
    assert problem in str(err.value)


@pytest.mark.parametrize(("extra", "where"), [
    ({"header": "ORDERS"}, "header"),
    ({"segments": None}, "segments"),
    ({"envelope": {"sender": "{x|nope}"}}, "envelope.sender"),
])
def test_file_level_mistakes_name_the_field(extra: dict[str, Any], where: str) -> None:
    """A wrong header, segment list or envelope template names file and field."""
    data = {"standard": "edifact", "version": "D96A", "message": "ORDERS",
            "document": "purchase_order", "segments": [], **extra}
    with pytest.raises(MappingError, match=rf"^{FILE}: {where}: "):
        compile_outbound(FILE, data, codelists=CODES, known_tags=None)


def test_a_non_numeric_filter_argument_names_file_and_field() -> None:
    """`max:abc` is a mistake in the file, reported with file and field like any other."""
    with pytest.raises(MappingError, match=rf"^{FILE}: segments\[0\].BGM.02: "):
        edi_mapping([{"BGM": ["220", "{number|max:abc}"]}])


# -- XML -------------------------------------------------------------------------------------------

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
XML_FILE = "ubl/2.1/Order.out.yaml"


def ubl_mapping(content: list[Any], **extra: Any) -> XmlOutboundMapping:
    return compile_xml_outbound(XML_FILE, {
        "standard": "ubl", "version": "2.1", "message": "Order", "document": "purchase_order",
        "root": "Order", "namespace": ORDER_NS, "content": content, **extra}, codelists=CODES)


def ubl(content: list[Any], document: Any, **extra: Any) -> etree._Element:
    return etree.fromstring(ubl_mapping(content, **extra).render(document))


def test_xml_elements_with_namespaces() -> None:
    """Prefixed names take the UBL namespaces and plain names the default one."""
    mapping = ubl_mapping([{"cbc:ID": "{number}"}, {"cbc:IssueDate": "{issue_date|date:ISO}"},
                           {"Plain": "x"}])
    written = mapping.render(order())
    assert written.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(written)
    assert root.tag == f"{{{ORDER_NS}}}Order"
    assert [(child.tag, child.text) for child in root] == [
        (f"{{{CBC}}}ID", "PO-1"), (f"{{{CBC}}}IssueDate", "2025-03-10"),
        (f"{{{ORDER_NS}}}Plain", "x")]


def test_xml_attributes_each_and_nesting() -> None:
    """`@name` keys are attribute templates and `each` repeats elements or entries."""
    root = ubl([
        {"cac:OrderLine": {"each": "lines", "content": [
            {"cac:LineItem": [
                {"cbc:ID": "{line_number}"},
                {"cbc:Note": "{@index} of {^.number}"},
                {"cbc:Quantity": {"text": "{quantity.value|decimal}",
                                  "@unitCode": "{quantity.unit}"}}]}]}},
        {"each": "notes", "content": [{"cbc:Note": "{.}"}]}], order())
    lines = root.findall(f"{{{CAC}}}OrderLine/{{{CAC}}}LineItem")
    assert [(x.findtext(f"{{{CBC}}}ID"), x.findtext(f"{{{CBC}}}Note"),
             x.find(f"{{{CBC}}}Quantity").text,  # type: ignore[union-attr]
             x.find(f"{{{CBC}}}Quantity").get("unitCode"))  # type: ignore[union-attr]
            for x in lines] == [("1", "1 of PO-1", "2.50", "EA"), ("2", "2 of PO-1", "1", "KGM")]
    assert [n.text for n in root.findall(f"{{{CBC}}}Note")] == ["first", "second"]


def test_xml_elements_without_content_are_left_out() -> None:
    """Elements without text or kept children are left out; attributes alone keep nothing."""
    root = ubl([{"cac:Delivery": [{"cac:RequestedDeliveryPeriod": [
                    {"cbc:StartDate": "{requested_delivery|date:ISO}"}]}]},
                {"cbc:Note": {"@languageID": "en", "text": "{order_type}"}},
                {"cbc:ID": "{number}"}], order())
    assert [child.tag for child in root] == [f"{{{CBC}}}ID"]


def test_xml_when() -> None:
    """`when` on an element decides whether it is written, `!` negating."""
    content = [{"cbc:DocumentCurrencyCode": {"text": "{currency}", "when": "{currency}"}},
               {"cbc:Note": {"text": "no currency", "when": "!{currency}"}}]
    assert [c.text for c in ubl(content, order())] == ["EUR"]
    assert [c.text for c in ubl(content, order(currency=None))] == ["no currency"]



def test_xml_each_entry_when() -> None:
    """An `each` entry (no element of its own) takes a `when`, tested once before it
    repeats: `each: "."` with a `when` writes its entries for the item or not at all."""
    content = [{"each": "notes", "when": "{currency}", "content": [{"cbc:Note": "{.}"}]},
               {"each": ".", "when": "!{currency}", "content": [{"cbc:ID": "{number}"}]}]
    assert [c.text for c in ubl(content, order())] == ["first", "second"]
    assert [c.text for c in ubl(content, order(currency=None))] == ["PO-1"]

def test_xml_empty_true_keeps_attribute_only_elements() -> None:
    """`empty: true` keeps an element with attributes alone when an attribute has a value."""
    root = ubl([
        {"Flag": {"@on": "yes", "empty": True}},
        {"Currency": {"@code": "{currency}", "empty": True}},
        {"Total": {"@amount": "{total.amount}", "empty": True}},
        {"Lost": {"@on": "yes"}}], order())
    assert [(child.tag.split("}")[1], dict(child.attrib)) for child in root] == [
        ("Flag", {"on": "yes"}), ("Currency", {"code": "EUR"})]


def test_xml_text_and_attributes_are_escaped() -> None:
    """Markup characters in values are escaped by the XML writer and read back intact."""
    root = ubl([{"cbc:ID": {"text": "{number}", "@schemeID": "{notes.0}"}}],
               order(number="A<&>\"B", notes=("x'\"<y",)))
    element = root[0]
    assert element.text == "A<&>\"B"
    assert element.get("schemeID") == "x'\"<y"


def test_xml_root_attributes_and_doctype() -> None:
    """Root attributes are templates (empty ones left out) and a doctype is written first."""
    doctype = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">'
    mapping = compile_xml_outbound("cxml/1.2/OrderRequest.out.yaml", {
        "standard": "cxml", "version": "1.2", "message": "OrderRequest",
        "document": "purchase_order", "root": "cXML", "doctype": doctype,
        "namespaces": {"xml": "http://www.w3.org/XML/1998/namespace"},
        "root_attributes": {"@payloadID": "{number}@example.com", "timestamp": "{issue_date}",
                            "@xml:lang": "{order_type}", "version": "1.2.014"},
        "content": [{"Request": [{"OrderRequest": [
            {"OrderRequestHeader": {"@orderID": "{number}", "empty": True}}]}]}]},
        codelists={})
    written = mapping.render(order())
    assert written.splitlines()[1].decode() == doctype
    root = etree.fromstring(written)
    assert dict(root.attrib) == {"payloadID": "PO-1@example.com", "timestamp": "2025-03-10",
                                 "version": "1.2.014"}
    lang = compile_xml_outbound("cxml/1.2/OrderRequest.out.yaml", {
        "standard": "cxml", "version": "1.2", "message": "OrderRequest",
        "document": "purchase_order", "root": "cXML",
        "namespaces": {"xml": "http://www.w3.org/XML/1998/namespace"},
        "root_attributes": {"@xml:lang": "en-US"}, "content": []}, codelists={})
    assert etree.fromstring(lang.render(order())).get(
        "{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    assert root.find("Request/OrderRequest/OrderRequestHeader").get("orderID") == "PO-1"  # type: ignore[union-attr]


@pytest.mark.parametrize(("content", "where", "problem"), [
    ([{"zz:Foo": "x"}], "content[0].zz:Foo", "prefix 'zz' is not declared in namespaces"),
    ([{"1bad": "x"}], "content[0].1bad", "'1bad' is not an XML name"),
    ([{"Foo": {"bogus": 1}}], "content[0].Foo", "unknown key 'bogus'"),
    ([{"Foo": "{x|nope}"}], "content[0].Foo", "unknown filter 'nope'"),
    ([{"Foo": {"when": "{x|nope}"}}], "content[0].Foo.when", "unknown filter 'nope'"),
    ([{"Foo": {"@a": "{x|codes:nope}"}}], "content[0].Foo.@a", "no such code list"),
    ([{"Foo": {"@zz:a": "1"}}], "content[0].Foo.@zz:a", "prefix 'zz' is not declared"),
    ([{"A": "x", "B": "y"}], "content[0]", "one element per entry"),
    (["Foo"], "content[0]", "an element {name: ...} or an 'each'"),
    ([{"Foo": None}], "content[0].Foo", "text, a list of children, or a mapping"),
    ([{"Foo": {"content": "x"}}], "content[0].Foo.content", "a list of elements"),
    ([{"each": "lines", "content": [], "when": "{x|nope}"}], "content[0].when",
     "unknown filter 'nope'"),
    ([{"each": "lines", "content": [], "bogus": 1}], "content[0]", "one element per entry"),
])
def test_xml_mistakes_fail_when_compiled_naming_file_and_field(
        content: list[Any], where: str, problem: str) -> None:
    """Mistakes in XML outbound mappings are MappingErrors naming file and field."""
    with pytest.raises(MappingError) as err:
        ubl_mapping(content)
    assert str(err.value).startswith(f"{XML_FILE}: {where}: ")
    assert problem in str(err.value)
