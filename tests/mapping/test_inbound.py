"""Inbound mappings (gateway.mapping.inbound): tiny mapping dicts compiled against the
shipped ORDERS D96A and 850 004010 structures (as registry.load_mappings compiles the
files), every value key, mistakes named by file and field when compiled, and bad data
turned into issues naming the field, never exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from gateway.documents.models import PurchaseOrder
from gateway.edi.issues import Code, Issue
from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import Directory, MessageDef
from gateway.edi.schema.structure import Instance, instance_tree
from gateway.edi.tree import Segment
from gateway.mapping.convert import documents
from gateway.mapping.inbound import InboundMapping, MappingError, _Problems, compile_inbound
from gateway.mapping.registry import load_mappings
from gateway.mapping.values import CodeList
from tests.regenerate_samples import SAMPLES

FILE = "edifact/D96A/ORDERS.in.yaml"


def segments(text: str, terminator: str = "'", element: str = "+",
             component: str = ":") -> list[Segment]:
    """Segments from plain text without release characters: ``BGM+220+PO-1'``."""
    out = []
    for raw in text.split(terminator):
        if raw.strip():
            tag, *elements = raw.strip().split(element)
            out.append(Segment(tag, [e.split(component) for e in elements]))
    return out


def _schema(standard: str, version: str, message: str) -> tuple[Directory, MessageDef]:
    directory = load_directory(standard, version)
    assert directory is not None
    return directory, directory.messages[message]


EDIFACT, ORDERS = _schema("edifact", "D96A", "ORDERS")
X12, PO850 = _schema("x12", "004010", "850")
CODES = {
    "party_function": CodeList.of("party_function", {"BY": "buyer", "SU": "supplier",
                                                     "DP": "ship_to", "ST": "ship_to"}),
    "order_purpose": CodeList.of("order_purpose", {"9": "original", "4": "change",
                                                   "1": "cancellation"}),
}

ORDER_TEXT = (
    "BGM+220+PO-1+4'"
    "DTM+137:20250310:102'"
    "DTM+2:202503201200:203'"
    "DTM+63:20250401-20250405:718'"
    "FTX+AAI+++first note:continued'"
    "FTX+AAI+++second note'"
    "FTX+ZZZ+++not a note'"
    "NAD+BY+5412345000013::9++Buyer:Purchasing'"
    "NAD+SU+SUPP-1::92++Supplier GmbH'"
    "NAD+XX+X-1::9'"
    "NAD+DP+4000000000017::9'"
    "CUX+2:EUR:9'"
    "LIN+1++4000862141404:EN'"
    "QTY+21:12,5:PCE'"
    "PRI+AAA:1,25'"
    "LIN+2++4000862141411:EN'"
    "QTY+21:3:KGM'"
    "UNS+S'"
)
ORDER = instance_tree(segments(ORDER_TEXT), ORDERS.structure)


def compile_edifact(fields: Any, document: str = "purchase_order",
                    codelists: dict[str, CodeList] | None = None) -> InboundMapping:
    """An ORDERS D96A mapping as load_mappings compiles it: the data of one YAML file."""
    return compile_inbound(FILE, {"standard": "edifact", "version": "D96A", "message": "ORDERS",
                                  "document": document, "fields": fields},
                           directory=EDIFACT, message=ORDERS,
                           codelists=CODES if codelists is None else codelists)


def read(spec: Any, tree: Instance = ORDER, decimal: str = ",") -> dict[str, Any]:
    """The raw field values one spec gives (the document is not validated here)."""
    mapping = compile_edifact({"value": spec})
    data, _issues = _raw(mapping, tree, decimal)
    return data


def _raw(mapping: InboundMapping, tree: Any, decimal: str) -> tuple[dict[str, Any], list[Any]]:
    problems = _Problems()
    return mapping.getter(tree, problems, mapping.environment(decimal)) or {}, problems.found


def value(spec: Any, tree: Instance = ORDER, decimal: str = ",") -> Any:
    return read(spec, tree, decimal).get("value")


# -- value keys ---------------------------------------------------------------------------------

def test_a_path_is_its_first_value() -> None:
    """A bare path (or `from`) gives its first value as text."""
    assert value("BGM/02") == "PO-1"
    assert value({"from": "NAD/02-1"}) == "5412345000013"
    assert value("BGM/04") is None


def test_const() -> None:
    """`const` is a constant, of any YAML type."""
    assert value({"const": "EUR"}) == "EUR"
    assert value({"const": 7}) == 7


def test_first_of_takes_the_first_spec_that_gives_a_value() -> None:
    """`first_of` tries paths, specs and constants in order."""
    assert value({"first_of": ["CUX[01-1=3]/01-2", "CUX[01-1=2]/01-2", {"const": "USD"}]}) == "EUR"
    assert value({"first_of": ["CUX[01-1=3]/01-2", {"const": "USD"}]}) == "USD"
    assert value({"first_of": ["BGM/04", {"from": "DTM[01-1=999]/01-2"}]}) is None


@pytest.mark.parametrize(("condition", "found"), [
    ("NAD/02-3=9", "5412345000013"),
    ("NAD/02-3=92|9", "5412345000013"),
    ("NAD/02-3!=9", None),
    ("NAD/02-3!=92|ZZ", "5412345000013"),
    ("NAD/04-1", "5412345000013"),            # present
    ("NAD/05-1", None),                       # absent
    ("NAD[01=SU]/02-3=92", "5412345000013"),  # a predicate's `=` is not the condition's
    ("DTM[01-1=137]/01-3=102", "5412345000013"),
])
def test_when(condition: str, found: str | None) -> None:
    """`when` holds for `PATH=V1|V2`, `PATH!=V` or a present `PATH`; else nothing is read."""
    assert value({"from": "NAD/02-1", "when": condition}) == found
    assert value({"const": "5412345000013", "when": condition}) == found


@pytest.mark.parametrize(("condition", "found"), [
    ("BGM/02={BGM/02}", "PO-1"),
    ("BGM/02!={BGM/02}", None),
    ("BGM/02!={NAD[01=BY]/02-1}", "PO-1"),
    ("BGM/02={NAD[01=BY]/02-1}", None),
    ("BGM/04={DTM[01-1=999]/01-2}", "PO-1"),  # both absent: equal
    ("BGM/02!={BGM/04}", "PO-1"),          # one absent: different
])
def test_when_compares_with_another_path(condition: str, found: str | None) -> None:
    """`when: "PATH={OTHER}"` holds where the two paths' first values are equal
    (`!=`: differ), an absent value counting as empty."""
    assert value({"from": "BGM/02", "when": condition}) == found
    assert value({"from": "BGM/02", "when": condition, "default": "x"}) == found
    assert value({"const": "PO-1", "when": condition}) == found
    assert value({"first_of": [{"from": "BGM/02", "when": condition}]}) == found


def test_also_adds_items_read_outside_the_nodes_each_walks() -> None:
    """`also` adds items read where the `each` is, after the walked ones; `require`
    drops those incomplete; an `each` of values takes value specs."""
    spec = {"each": "SG2", "require": ["role"], "fields": {"role": "NAD/01"},
            "also": [{"role": {"const": "order", "when": "BGM/01=220"}, "gln": "BGM/02"},
                     {"role": {"const": "never", "when": "BGM/01=999"}, "gln": "BGM/02"}]}
    assert value(spec) == [{"role": "BY"}, {"role": "SU"}, {"role": "XX"}, {"role": "DP"},
                           {"role": "order", "gln": "PO-1"}]
    values = {"each": "FTX[01=AAI]", "from": "04-1", "also": ["BGM/02", "BGM/04"]}
    assert value(values) == ["first note", "second note", "PO-1"]
    nothing = {"each": "LIN[01=9]", "from": "01", "also": ["BGM/04"]}
    assert value(nothing) is None


def test_all_and_join() -> None:
    """`all` gives every value as a list; `join` joins them with its text."""
    assert value({"from": "FTX[01=AAI]/04-1", "all": True}) == ["first note", "second note"]
    assert value({"from": "FTX[01=AAI]/04-1", "join": " / "}) == "first note / second note"
    assert value({"from": "FTX[01=AAA]/04-1", "all": True}) is None
    assert value({"from": "FTX[01=AAA]/04-1", "all": True, "default": ["none"]}) == ["none"]
    assert value({"from": "FTX[01=AAA]/04-1", "join": " ", "default": "-"}) == "-"


def test_default() -> None:
    """`default` is the value when the path finds nothing."""
    assert value({"from": "BGM/04", "default": "x"}) == "x"
    assert value({"from": "BGM/02", "default": "x"}) == "PO-1"
    assert value({"from": "BGM/04", "as": "decimal", "default": 0}) == 0


@pytest.mark.parametrize(("spec", "found"), [
    ({"from": "BGM/03", "codes": "order_purpose"}, "change"),
    ({"from": "BGM/03", "codes": {"4": "replace"}}, "replace"),           # inline codes
    ({"from": "NAD[01=XX]/01", "codes": "party_function"}, None),         # unknown: nothing
    ({"from": "NAD[01=XX]/01", "codes": "party_function", "otherwise": "other"}, "other"),
    ({"from": "NAD[01=XX]/01", "codes": "party_function", "otherwise": "keep"}, "XX"),
    ({"from": "NAD[01=XX]/01", "codes": "party_function", "default": "buyer"}, "buyer"),
    ({"from": "NAD/01", "codes": "party_function", "all": True},
     ["buyer", "supplier", "ship_to"]),                                  # unknown ones dropped
])
def test_codes_and_otherwise(spec: dict[str, Any], found: Any) -> None:
    """`codes` maps partner codes; unknown ones give nothing unless `otherwise` says what."""
    assert value(spec) == found


@pytest.mark.parametrize(("spec", "found"), [
    ({"from": "SG25/QTY/01-2", "as": "decimal"}, Decimal("12.5")),
    ({"from": "SG25[LIN/01=2]/QTY/01-2", "as": "int"}, 3),
    ({"from": "DTM[01-1=137]/01-2", "as": "date", "format": "102"}, date(2025, 3, 10)),
    ({"from": "DTM[01-1=137]/01-2", "as": "date", "format": "CCYYMMDD"}, date(2025, 3, 10)),
    ({"from": "DTM[01-1=2]/01-2", "as": "date", "format": "DTM[01-1=2]/01-3"},
     date(2025, 3, 20)),                                                  # format from a path
    ({"from": "DTM[01-1=63]/01-2", "as": "date", "format": "DTM[01-1=63]/01-3"},
     date(2025, 4, 1)),                                                   # 718: the range start
    ({"from": "DTM[01-1=2]/01-2", "as": "datetime", "format": "203"},
     datetime(2025, 3, 20, 12, 0, tzinfo=UTC)),
    ({"from": "DTM[01-1=137]/01-2", "as": "date"}, date(2025, 3, 10)),   # guessed format
    ({"from": "BGM/01", "as": "bool"}, False),
    ({"const": "x", "as": "bool"}, "x"),                                  # const is not converted
    ({"from": "BGM/02", "as": "text"}, "PO-1"),
])
def test_as_converts_values(spec: dict[str, Any], found: Any) -> None:
    """`as` reads decimal (with the interchange's decimal mark), int, date, datetime, bool."""
    assert value(spec) == found


def test_bool_reads_yes_values() -> None:
    """`as: bool` is true for 1, true, yes, y (any case)."""
    tree = instance_tree(segments("BGM+220+Y+1'"), ORDERS.structure)
    assert value({"from": "BGM/02", "as": "bool"}, tree) is True
    assert value({"from": "BGM/03", "as": "bool"}, tree) is True


def test_the_decimal_mark_comes_from_the_interchange() -> None:
    """A decimal comma is read only when the interchange says so (UNA)."""
    assert value({"from": "SG25/SG28/PRI/01-2", "as": "decimal"}, decimal=",") == Decimal("1.25")
    mapping = compile_edifact({"value": {"from": "SG25/SG28/PRI/01-2", "as": "decimal"}})
    data, problems = _raw(mapping, ORDER, ".")
    assert "value" not in data
    assert problems == [
        ("fields.value", "'1,25' is not a number (EDIFACT numeric, decimal mark '.')")]


def test_implied_decimals() -> None:
    """`implied: 2` reads X12 N2 numbers: 1250 is 12.50."""
    tree = instance_tree(segments("BEG*00*SA*PO-9**20250310~PO1*1*10*EA*1250~CTT*1*-1250~",
                                  "~", "*", ">"), PO850.structure)
    mapping = compile_inbound("x12/004010/850.in.yaml", {
        "standard": "x12", "version": "004010", "message": "850", "document": "purchase_order",
        "fields": {"price": {"from": "PO1/04", "as": "decimal", "implied": 2},
                   "hash": {"from": "CTT/CTT/02", "as": "decimal", "implied": 2}}},
        directory=X12, message=PO850, codelists={})
    data, problems = _raw(mapping, tree, ".")
    assert data == {"price": Decimal("12.50"), "hash": Decimal("-12.50")}
    assert problems == []


def test_int_refuses_a_fraction() -> None:
    """`as: int` of 12,5 is a value that cannot be converted: an issue, not 12."""
    mapping = compile_edifact({"value": {"from": "SG25/QTY/01-2", "as": "int"}})
    data, problems = _raw(mapping, ORDER, ",")
    assert "value" not in data
    assert problems


# -- objects, lists and each ----------------------------------------------------------------

def test_nested_objects_and_value_lists() -> None:
    """A mapping without value keys is an object, a list a list of values; empties are dropped."""
    found = value({"address": {"lines": ["NAD/04-1", "NAD/04-2", "NAD/04-3"], "city": "NAD/06"},
                   "missing": {"city": "NAD/06"}})
    assert found == {"address": {"lines": ["Buyer", "Purchasing"]}}
    assert value({"city": "NAD/06"}) is None


def test_each_group_gives_one_object_per_occurrence() -> None:
    """`each` over a group maps every occurrence from the group; `require` drops incomplete ones."""
    found = value({"each": "SG2", "require": ["role"], "fields": {
        "role": {"from": "NAD/01", "codes": "party_function"},
        "gln": {"from": "NAD/02-1", "when": "NAD/02-3=9"},
        "ids": {"supplier": {"from": "NAD/02-1", "when": "NAD/02-3=92"}},
        "name": {"from": "NAD/04", "join": " ", "all": True}}})
    assert found == [
        {"role": "buyer", "gln": "5412345000013", "name": "Buyer"},
        {"role": "supplier", "ids": {"supplier": "SUPP-1"}, "name": "Supplier GmbH"},
        {"role": "ship_to", "gln": "4000000000017"},
    ]


def test_each_keeps_incomplete_items_without_require() -> None:
    """Without `require`, an occurrence is kept with the fields it has; an empty one is not."""
    found = value({"each": "SG2", "fields": {"role": {"from": "NAD/01",
                                                      "codes": "party_function"}}})
    assert found == [{"role": "buyer"}, {"role": "supplier"}, {"role": "ship_to"}]


def test_each_segment_paths_are_its_elements() -> None:
    """`each` over a segment: paths inside it are that segment's elements (`02-1`)."""
    found = value({"each": "NAD[01=BY|SU]", "fields": {"role": "01", "id": "02-1",
                                                       "qualified": {"from": "02-1",
                                                                     "when": "02-3=92"}}})
    assert found == [{"role": "BY", "id": "5412345000013"},
                     {"role": "SU", "id": "SUPP-1", "qualified": "SUPP-1"}]


def test_each_with_from_gives_a_list_of_values() -> None:
    """`each` + `from` gives one value per node, converted and coded."""
    assert value({"each": "NAD", "from": "01", "codes": "party_function"}) == [
        "buyer", "supplier", "ship_to"]
    assert value({"each": "SG25", "from": "QTY/01-2", "as": "decimal"}) == [
        Decimal("12.5"), Decimal("3")]


def test_position_counts_the_items_of_the_innermost_each() -> None:
    """`@position` is 1, 2, ... over the enclosing `each` (for unnumbered lines), the
    innermost one when they nest, and an int with `as: int`."""
    found = value({"each": "SG25", "fields": {
        "n": "@position",
        "prices": {"each": "SG28", "fields": {"k": {"from": "@position", "as": "int"}}}}})
    assert found == [{"n": "1", "prices": [{"k": 1}]}, {"n": "2"}]


def test_position_outside_each_fails_when_compiled() -> None:
    """`@position` with no `each` around it is a mapping mistake, named on load."""
    with pytest.raises(MappingError, match="@position counts the items of an 'each'"):
        compile_edifact({"number": "@position"})


def test_nested_each() -> None:
    """`each` inside `each` starts at the enclosing occurrence."""
    found = value({"each": "SG25", "fields": {
        "line": "LIN/01",
        "prices": {"each": "SG28", "from": "PRI/01-2", "as": "decimal"}}})
    assert found == [{"line": "1", "prices": [Decimal("1.25")]}, {"line": "2"}]


# -- whole documents and issues ---------------------------------------------------------------

ORDER_FIELDS: dict[str, Any] = {
    "number": "BGM/02",
    "purpose": {"from": "BGM/03", "codes": "order_purpose", "default": "original"},
    "issue_date": {"from": "DTM[01-1=137]/01-2", "as": "date",
                   "format": "DTM[01-1=137]/01-3"},
    "currency": {"first_of": ["SG7/CUX[01-1=2]/01-2", {"const": "EUR"}]},
    "notes": {"from": "FTX[01=AAI]/04-1", "all": True},
    "parties": {"each": "SG2", "require": ["role"], "fields": {
        "role": {"from": "NAD/01", "codes": "party_function"},
        "gln": {"from": "NAD/02-1", "when": "NAD/02-3=9"}}},
    "lines": {"each": "SG25", "fields": {
        "line_number": "LIN/01",
        "item": {"gtin": {"from": "LIN/03-1", "when": "LIN/03-2=EN"}},
        "quantity": {"value": {"from": "QTY[01-1=21]/01-2", "as": "decimal"},
                     "unit": {"from": "QTY/01-3", "codes": {"PCE": "EA"},
                              "otherwise": "keep"}}}},
}


def test_a_mapping_gives_a_valid_document() -> None:
    """Applied to a message, a mapping gives the validated document and no issues."""
    order, issues = compile_edifact(ORDER_FIELDS).apply(ORDER, decimal=",")
    assert issues == []
    assert isinstance(order, PurchaseOrder)
    assert order.number == "PO-1"
    assert order.purpose.value == "change"
    assert order.issue_date == date(2025, 3, 10)
    assert order.currency == "EUR"
    assert order.notes == ("first note", "second note")
    assert [p.role.value for p in order.parties] == ["buyer", "supplier", "ship_to"]
    assert order.parties[1].gln is None
    assert [(x.line_number, x.quantity.value, x.quantity.unit) for x in order.lines] == [
        ("1", Decimal("12.5"), "EA"), ("2", Decimal("3"), "KGM")]


def _codes(issues: list[Issue]) -> list[Code]:
    return [i.code for i in issues]


def test_an_unreadable_value_is_an_issue_naming_the_field() -> None:
    """A value that cannot be converted is a MAPPING_VALUE issue naming the field and the text."""
    tree = instance_tree(segments(ORDER_TEXT.replace("DTM+2:202503201200:203",
                                                     "DTM+2:2025-99-99:102")), ORDERS.structure)
    fields = {**ORDER_FIELDS, "requested_delivery": {
        "from": "DTM[01-1=2]/01-2", "as": "date", "format": "DTM[01-1=2]/01-3"}}
    order, issues = compile_edifact(fields).apply(tree, decimal=",")
    assert order is not None and order.requested_delivery is None
    assert _codes(issues) == [Code.MAPPING_VALUE]
    assert issues[0].location.path == "fields.requested_delivery"
    assert "fields.requested_delivery" in issues[0].message
    assert "'2025-99-99' is not a date in format 102" in issues[0].message


def test_a_missing_required_field_gives_no_document() -> None:
    """Missing required fields give no document and a MAPPING_INVALID issue naming each field."""
    tree = instance_tree(segments("BGM+220++9'NAD+BY+5412345000013::9'"), ORDERS.structure)
    order, issues = compile_edifact(ORDER_FIELDS).apply(tree)
    assert order is None
    assert _codes(issues) == [Code.MAPPING_INVALID, Code.MAPPING_INVALID]
    assert sorted(i.location.path or "" for i in issues) == ["issue_date", "number"]
    message = next(i.message for i in issues if i.location.path == "number")
    assert message == ("The purchase order mapped from this ORDERS has no valid number: "
                       "Field required.")


def test_a_bad_value_in_a_required_field_gives_both_issues() -> None:
    """An unreadable required value gives a MAPPING_VALUE and a MAPPING_INVALID issue."""
    tree = instance_tree(segments(ORDER_TEXT.replace("QTY+21:3:KGM", "QTY+21:three:KGM")),
                         ORDERS.structure)
    order, issues = compile_edifact(ORDER_FIELDS).apply(tree, decimal=",")
    assert order is None
    assert _codes(issues) == [Code.MAPPING_VALUE, Code.MAPPING_INVALID]
    assert issues[0].location.path == "fields.lines.fields.quantity.value"
    assert "'three' is not a number" in issues[0].message
    assert issues[1].location.path == "lines.1.quantity.value"


def test_a_field_the_document_does_not_have_is_an_invalid_document() -> None:
    """A mapped field the model does not know is refused (extra fields are forbidden)."""
    order, issues = compile_edifact({**ORDER_FIELDS, "colour": {"const": "red"}}).apply(
        ORDER, decimal=",")
    assert order is None
    assert [(i.code, i.location.path) for i in issues] == [(Code.MAPPING_INVALID, "colour")]


def test_applying_never_raises_on_bad_data() -> None:
    """Garbage in every field gives issues, not exceptions."""
    tree = instance_tree(segments("BGM+220+PO-1+XX'DTM+137:notadate:102'"
                                  "NAD+ZZ+::::'LIN+1'QTY+21:NaN'QTY+21:1e999999999'"),
                         ORDERS.structure)
    order, issues = compile_edifact(ORDER_FIELDS).apply(tree)
    assert order is None
    assert issues
    assert Code.MAPPING_VALUE in _codes(issues)


def test_an_empty_message_maps_to_no_document() -> None:
    """A message with nothing the mapping reads gives no document and issues, no error."""
    order, issues = compile_edifact(ORDER_FIELDS).apply(Instance(""))
    assert order is None
    assert {i.location.path for i in issues} == {"number", "issue_date"}


# -- mistakes are refused when compiled ------------------------------------------------------------

@pytest.mark.parametrize(("fields", "where", "problem"), [
    ({"number": {"from": "BGM/02", "codes": "nope"}}, "fields.number.codes",
     "no code list named 'nope'"),
    ({"x": {"each": "SG2", "fields": {"role": {"from": "NAD/01", "codes": "nope"}}}},
     "fields.x.fields.role.codes", "no code list named 'nope'"),
    ({"number": {"from": "BGM/02", "codes": 5}}, "fields.number.codes",
     "a code list name or an inline mapping"),
    ({"number": "XYZ/01"}, "fields.number.from", "no segment or group 'XYZ'"),
    ({"number": {"from": "BGM/02/01"}}, "fields.number.from", "nothing can follow an element"),
    ({"number": {"from": "BGM/02", "when": "XYZ/01=1"}}, "fields.number.when",
     "no segment or group 'XYZ'"),
    ({"number": {"const": "x", "when": "BGM/9999"}}, "fields.number.when",
     "BGM has no data element 9999"),
    ({"number": {"from": "BGM/02", "format": "XYZ/01"}}, "fields.number.format",
     "no segment or group 'XYZ'"),
    ({"number": {"from": "BGM/02", "bogus": 1}}, "fields.number", "unknown keys bogus"),
    ({"number": {"from": "BGM/02", "as": "money"}}, "fields.number.as",
     "one of bool, date, datetime, decimal, free_text, int, text"),
    ({"number": {"first_of": []}}, "fields.number.first_of", "a non-empty list of specs"),
    ({"number": {"first_of": ["BGM/02", "XYZ/01"]}}, "fields.number.first_of[1].from",
     "'XYZ/01'"),
    ({"number": ["BGM/02", 5]}, "fields.number[1]", "expected a path, a list or a mapping"),
    ({"parties": {"each": "SG2"}}, "fields.parties", "'each' needs 'fields'"),
    ({"parties": {"each": "SG2", "fields": ["NAD/01"]}}, "fields.parties.fields",
     "a mapping of field specs"),
    ({"parties": {"each": "BGM/02", "fields": {}}}, "fields.parties.each",
     "ends at an element; give a group or segment to repeat"),
    ({"parties": {"each": "SG2", "fields": {"role": "LIN/01"}}}, "fields.parties.fields.role.from",
     "no segment or group 'LIN' here (in SG2)"),
    ({"parties": {"each": "NAD", "fields": {"role": "NAD/01"}}}, "fields.parties.fields.role.from",
     "inside NAD, a path names one of its elements"),
    ({"notes": {"from": "FTX/04-1", "also": ["BGM/02"]}}, "fields.notes.also",
     "adds items to the list of an 'each'"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01"}, "also": []}},
     "fields.parties.also", "a non-empty list of items"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01"}, "also": ["NAD/01"]}},
     "fields.parties.also[0]", "a mapping of the item's fields"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01"}, "also": [{"role": "SG2/01"}]}},
     "fields.parties.also[0].role.from", "no segment or group 'SG2'"),
    ({"number": {"from": "BGM/02", "when": "BGM/02!={XYZ/01}"}}, "fields.number.when",
     "no segment or group 'XYZ'"),
    ({"issue_date": {"from": "BGM/02", "as": "date", "range": "middle"}},
     "fields.issue_date.range", "start or end"),
    ({"number": {"from": "BGM/02", "range": "end"}}, "fields.number.range",
     "a half of a range of dates"),
])
def test_mistakes_fail_when_compiled_naming_file_and_field(
        fields: dict[str, Any], where: str, problem: str) -> None:
    """A wrong path, key, type or code list is a MappingError naming file and field."""
    with pytest.raises(MappingError) as err:
        compile_edifact(fields)
    message = str(err.value)
    assert message.startswith(f"{FILE}: {where}: ")
    assert problem in message


@pytest.mark.parametrize(("data", "problem"), [
    ({"document": "purchase_ordre"},
     "document: one of despatch_advice, exception_notification, forecast"),
    ({"fields": None}, "fields: a mapping of the document's fields"),
    ({"fields": ["BGM/02"]}, "fields: a mapping of the document's fields"),
])
def test_file_level_mistakes_name_the_file(data: dict[str, Any], problem: str) -> None:
    """An unknown document or missing fields is a MappingError naming the file."""
    base = {"standard": "edifact", "version": "D96A", "message": "ORDERS",
            "document": "purchase_order", "fields": {"number": "BGM/02"}}
    with pytest.raises(MappingError, match=f"^{FILE}: {problem}"):
        compile_inbound(FILE, {**base, **data}, directory=EDIFACT, message=ORDERS,
                        codelists={})


def test_an_edi_mapping_needs_its_message_structure() -> None:
    """Without the message's structure an EDI mapping cannot compile."""
    with pytest.raises(MappingError, match="no schema for edifact D96A ORDERZ"):
        compile_inbound(FILE, {"standard": "edifact", "version": "D96A", "message": "ORDERZ",
                               "document": "purchase_order", "fields": {}},
                        directory=EDIFACT, message=None, codelists={})


def test_a_document_variant_compiles_as_its_type() -> None:
    """`document: purchase_order.change` reads a purchase order."""
    mapping = compile_inbound(FILE, {"standard": "edifact", "version": "D96A",
                                     "message": "ORDERS", "document": "purchase_order.change",
                                     "fields": {"number": "BGM/02"}},
                              directory=EDIFACT, message=ORDERS, codelists={})
    assert mapping.document == "purchase_order"
    assert (mapping.standard, mapping.version, mapping.message) == ("edifact", "D96A", "ORDERS")


# -- XML --------------------------------------------------------------------------------------

UBL = etree.fromstring(
    b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"'
    b' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
    b' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
    b' xmlns:x="urn:example:extra">'
    b"<cbc:ID>PO-7</cbc:ID><cbc:IssueDate>2025-03-10</cbc:IssueDate>"
    b"<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>"
    b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><x:Flag>1</x:Flag>"
    b'<cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity unitCode="KGM">2.5'
    b"</cbc:Quantity></cac:LineItem></cac:OrderLine>"
    b'<cac:OrderLine><cac:LineItem><cbc:ID>2</cbc:ID><cbc:Quantity unitCode="EA">4'
    b"</cbc:Quantity></cac:LineItem></cac:OrderLine>"
    b"</Order>")
UBL_FILE = "ubl/2.1/Order.in.yaml"


def compile_ubl(fields: dict[str, Any]) -> InboundMapping:
    return compile_inbound(UBL_FILE, {
        "standard": "ubl", "version": "2.1", "message": "Order", "document": "purchase_order",
        "namespaces": {"x": "urn:example:extra"}, "fields": fields},
        directory=None, message=None, codelists={})


UBL_FIELDS: dict[str, Any] = {
    "number": "cbc:ID",
    "issue_date": {"from": "cbc:IssueDate", "as": "date", "format": "ISO"},
    "notes": {"from": "cbc:Note", "all": True},
    "currency": {"from": "cbc:DocumentCurrencyCode", "when": "x:Flag=1"},
    "lines": {"each": "cac:OrderLine/cac:LineItem", "fields": {
        "line_number": "cbc:ID",
        "item": {"buyer_part": {"const": "B"}},
        "quantity": {"value": {"from": "cbc:Quantity", "as": "decimal"},
                     "unit": "cbc:Quantity/@unitCode"}}},
}


def test_xml_mapping_with_predeclared_and_declared_namespaces() -> None:
    """XML mappings use predeclared UBL prefixes and those declared under `namespaces:`."""
    order, issues = compile_ubl(UBL_FIELDS).apply(UBL)
    assert issues == []
    assert order is not None
    assert (order.number, order.issue_date, order.currency) == ("PO-7", date(2025, 3, 10), "EUR")
    assert order.notes == ("a", "b")
    assert [(x.line_number, x.quantity.value, x.quantity.unit) for x in order.lines] == [
        ("1", Decimal("2.5"), "KGM"), ("2", Decimal("4"), "EA")]


def test_a_bad_xpath_fails_when_compiled_naming_file_and_field() -> None:
    """An XPath syntax error is a MappingError naming file and field."""
    with pytest.raises(MappingError, match=rf"^{UBL_FILE}: fields.number.from: 'cbc:ID\[': "):
        compile_ubl({"number": "cbc:ID["})


def test_an_undeclared_xml_prefix_fails_when_compiled() -> None:
    """A prefix missing from `namespaces:` is a mistake refused when the file loads."""
    with pytest.raises(MappingError, match=r"fields\.number"):
        compile_ubl({"number": "zz:ID"})


def test_a_false_xpath_condition_does_not_hold() -> None:
    """`when: "not(x:Flag)"` does not hold when the flag is there."""
    order, _ = compile_ubl({**UBL_FIELDS, "order_type": {"const": "unflagged",
                                                         "when": "not(x:Flag)"}}).apply(UBL)
    assert order is not None
    assert order.order_type is None


def test_free_text_is_read_as_written_and_other_text_stripped() -> None:
    """`as: free_text` keeps a note's outer blanks (xsd:string preserves them); plain
    text, as identifiers are, is read without the document's layout."""
    spaced = etree.fromstring(
        b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"'
        b' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID> PO-7\n</cbc:ID><cbc:IssueDate>2025-03-10</cbc:IssueDate>"
        b"<cbc:Note>  two blanks first</cbc:Note><cbc:Note> </cbc:Note></Order>")
    fields = {**UBL_FIELDS, "notes": {"from": "cbc:Note", "all": True, "as": "free_text"}}
    order, _ = compile_ubl(fields).apply(spaced)
    assert order is not None
    assert (order.number, order.notes) == ("PO-7", ("  two blanks first",))
    stripped, _ = compile_ubl(UBL_FIELDS).apply(spaced)
    assert stripped is not None and stripped.notes == ("two blanks first",)


# -- what a mapping does not read -----------------------------------------------------------


def test_the_segments_no_path_reads_are_counted_by_tag() -> None:
    """A mapping reads the segments its paths name: a segment step with a qualifier
    predicate reads only the segments it lets through (DTM 137, not DTM 2), a group
    predicate's path reads its segment; the others are counted by tag, UNS aside."""
    mapping = compile_edifact({
        "number": "BGM/02",
        "issue_date": {"from": "DTM[01-1=137]/01-2", "as": "date", "format": "102"},
        "parties": {"each": "SG2[NAD/01=BY]", "fields": {"role": {"const": "buyer"}}},
        "lines": {"each": "SG25", "fields": {"line_number": "LIN/01",
                                             "item": {"gtin": "LIN/03-1"},
                                             "quantity": {"value": "QTY/01-2"}}},
    })
    body = segments(ORDER_TEXT)
    # By hand from ORDER_TEXT: three DTM (137 read, 2 and 63 not), three FTX, CUX and
    # the one PRI; the four NAD read by the group's predicate; UNS aside.
    assert [s.tag for s in body].count("DTM") == 3
    assert mapping.unread(body) == {"CUX": 1, "DTM": 2, "FTX": 3, "PRI": 1}


def test_the_850_sample_reports_what_its_mapping_leaves() -> None:
    """The X12 850 sample's segments no mapping field reads, by tag, as its mapping
    and its bytes say: the DTM 001 (cancel after; DTM 002 is read), FOB, ITD, TD5,
    the three PO4 and CTT."""
    (mapped,) = documents(inspect((SAMPLES / "x12" / "850_004010.x12").read_bytes()),
                          load_mappings())
    assert mapped.unread == {"CTT": 1, "DTM": 1, "FOB": 1, "ITD": 1, "PO4": 3, "TD5": 1}
