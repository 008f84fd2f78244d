"""Templates of outbound mappings (gateway.mapping.templates): field paths, selections,
the enclosing item and the document, every whitelisted filter, conditions with `!`, and
templates refused when compiled."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from gateway.documents.common import PartyRole
from gateway.mapping.templates import (
    FILTERS,
    Condition,
    Frame,
    Template,
    TemplateError,
    noting_cuts,
)
from gateway.mapping.values import CodeList

CODES = {"roles": CodeList.of("roles", {"BY": "buyer", "DP": "ship_to", "ST": "ship_to"})}

DOC: dict[str, Any] = {
    "number": "PO-1",
    "issue_date": date(2025, 3, 10),
    "moment": datetime(2025, 3, 10, 12, 30, tzinfo=UTC),
    "credit_note": False,
    "urgent": True,
    "zero": Decimal("0"),
    "total": Decimal("12.50"),
    "big": Decimal("1E+3"),
    "role": PartyRole.SHIP_TO,
    "parties": [
        {"role": PartyRole.BUYER, "gln": "111", "address": {"lines": ["Main St 1", "Floor 2"]}},
        {"role": PartyRole.SHIP_TO, "gln": "222", "address": None},
        {"role": PartyRole.SUPPLIER, "gln": None, "name": "Acme"},
    ],
    "lines": [
        {"line_number": "1", "quantity": {"value": Decimal("2"), "unit": "EA"}},
        {"line_number": "2", "quantity": {"value": Decimal("3.5"), "unit": "KGM"}},
        {"line_number": "3", "quantity": None},
    ],
    "notes": [],
    "name": "  Mixed Case  ",
    "phone": "+1 (555) 010-0199",
}
TOP = Frame([DOC], 1)
SECOND_PARTY = TOP.child(DOC["parties"][1], 2)


def render(text: str, frame: Frame = TOP) -> str:
    return Template(text, CODES).render(frame)[0]


@pytest.mark.parametrize(("text", "out"), [
    ("{number}", "PO-1"),
    ("PO {number}!", "PO PO-1!"),
    ("{parties.0.gln}", "111"),
    ("{parties.0.address.lines.1}", "Floor 2"),
    ("{parties.9.gln}", ""),                               # past the end: nothing
    ("{parties.1.address.lines.0}", ""),                   # through None: nothing
    ("{parties[role=buyer].gln}", "111"),
    ("{parties[role=ship_to|buyer].gln}", "111"),          # the first that matches
    ("{parties[role!=buyer].gln}", "222"),
    ("{parties[role=carrier].gln}", ""),
    ("{parties[address.lines.0=Main St 1].gln}", "111"),   # a nested key in the selection
    ("{parties[gln=].name}", "Acme"),                      # `=` nothing selects an absent key
    ("{lines[quantity.unit=KGM].line_number}", "2"),
    ("{missing}", ""),
    ("{role}", "ship_to"),                                 # enums are written as their value
    ("{issue_date}", "2025-03-10"),
    ("{moment}", "2025-03-10T12:30:00+00:00"),
    ("{total}", "12.50"),
    ("{big}", "1000"),                                     # decimals never in exponent form
    ("{urgent}", "true"),
    ("{credit_note}", "false"),
    ("{zero}", "0"),
])
def test_lookups(text: str, out: str) -> None:
    """Field paths walk mappings, list indexes and `[key=a|b]`/`[key!=a]` selections."""
    assert render(text) == out


def test_enclosing_item_document_and_index() -> None:
    """In an `each`: `.` is the item, `^.` its parent, `/` the document, `@index` the position."""
    assert render("{gln}", SECOND_PARTY) == "222"
    assert render("{^.number}", SECOND_PARTY) == "PO-1"
    assert render("{/number}", SECOND_PARTY) == "PO-1"
    assert render("{@index}", SECOND_PARTY) == "2"
    assert Template("{.}", CODES).value(SECOND_PARTY) is DOC["parties"][1]
    assert render("{^.^.number}", SECOND_PARTY) == ""          # above the document: nothing
    line = SECOND_PARTY.child("L-7", 3)
    assert render("{.}/{^.gln}/{/number}/{@index}", line) == "L-7/222/PO-1/3"


@pytest.mark.parametrize(("text", "out"), [
    ("{issue_date|date:102}", "20250310"),
    ("{issue_date|date}", "20250310"),                   # 102 is the default
    ("{issue_date|date:101}", "250310"),
    ("{issue_date|date:CCYYMMDD}", "20250310"),
    ("{issue_date|date:ISO}", "2025-03-10"),
    ("{issue_date|date:%d.%m.%Y}", "10.03.2025"),
    ("{moment|date:203}", "202503101230"),
    ("{total|decimal}", "12.50"),
    ("{total|decimal:3}", "12.500"),
    ("{total|decimal:0}", "12"),
    ("{total|implied:2}", "1250"),
    ("{total|implied}", "1250"),                         # two places by default
    ("{total|int}", "12"),
    ("{role|codes:roles}", "DP"),                        # the first code listed for ship_to
    ("{parties.0.role|codes:roles}", "BY"),
    ("{parties.2.role|codes:roles}", ""),                # no code for supplier: nothing
    ("{missing|default:ZZ}", "ZZ"),
    ("{number|default:ZZ}", "PO-1"),
    ("{number|max:2}", "PO"),
    ("{number|fits:4}", "PO-1"),                         # a value only where it fits whole
    ("{number|fits:3}", ""),                             # never cut to size
    ("{number|longer:3}", "PO-1"),                       # a value only where it does not fit
    ("{number|longer:4}", ""),
    ("{missing|fits:3}", ""),
    ("{name|upper}", "  MIXED CASE  "),
    ("{name|lower}", "  mixed case  "),
    ("{name|strip}", "Mixed Case"),
    ("{name|strip|max:5|upper}", "MIXED"),               # filters chain left to right
    ("{phone|digits}", "15550100199"),
    ("{lines|count}", "3"),
    ("{notes|count}", "0"),
    ("{missing|count}", "0"),
    ("{number|count}", "1"),
    ("{lines|sum:quantity.value}", "5.5"),               # None values are skipped
    ("{lines|hash:quantity.value}", "37"),               # X12 347: 2 + 35, points ignored
    ("{total|number}", "12.5"),                          # zeros after the point dropped
    ("{lines.0.quantity.value|number}", "2"),
    ("{notes|sum:value}", "0"),
    ("{number|gtin}", "PO-1"),                           # no GTIN: as it is
    ("{number|gtin:form}", "other"),
    ("{missing|gtin:form}", ""),
    ("{missing|date:102}", ""),                          # filters pass nothing through
    ("{missing|decimal:2}", ""),
    ("{missing|upper}", ""),
])
def test_filters(text: str, out: str) -> None:
    """Every whitelisted filter formats, maps, counts or sums as documented."""
    assert render(text) == out


def test_the_filter_whitelist() -> None:
    """The filters are exactly the documented whitelist."""
    assert {"date", "decimal", "implied", "int", "codes", "default", "max", "upper", "lower",
            "strip", "digits", "count", "sum", "add", "position_in", "where",
            "union", "fits", "longer", "hash", "number", "gtin"} == FILTERS


def test_where_keeps_the_items_that_name_the_current_one() -> None:
    """`where:field=path` keeps the list's items whose field equals the current item's
    value at path; `where:!field` those with the field empty."""
    doc = {"packages": [{"id": "P1"}, {"id": "P2", "parent": "P1"}, {"id": "P3", "parent": "P1"},
                        {"id": "P4"}]}
    pallet = Frame([doc]).child(doc["packages"][0], 1)
    children = Template("{/packages|where:parent=id}", CODES).value(pallet)
    assert [p["id"] for p in children] == ["P2", "P3"]
    top = Template("{/packages|where:!parent}", CODES).value(pallet)
    assert [p["id"] for p in top] == ["P1", "P4"]
    with pytest.raises(TemplateError):
        Template("{/packages|where:parent}", CODES)




def test_an_empty_list_renders_as_nothing() -> None:
    """An empty list in a template of several parts is nothing, as a `when` of one
    part sees it: "{a}{list}" holds when either has something."""
    empty, full = Frame([{"taxes": ()}]), Frame([{"taxes": ({"rate": 1},)}])
    assert Template("{total}{taxes}", CODES).render(empty) == ("", False)
    assert not Condition("{total}{taxes}", CODES).holds(empty)
    assert Condition("{total}{taxes}", CODES).holds(full)

def test_where_or_empty_also_keeps_the_items_without_the_field() -> None:
    """`where:field?=path` keeps, in their order, the items whose field equals the
    current item's value at path and those without the field: an order's lines with
    the lines that name no order."""
    doc = {"lines": [{"n": 1}, {"n": 2, "order": "A"}, {"n": 3, "order": "B"}, {"n": 4}]}
    first = Frame([doc]).child("A", 1)
    assert [line["n"] for line in Template("{/lines|where:order?=.}", CODES).value(first)] == \
        [1, 2, 4]
    assert [line["n"] for line in Template("{/lines|where:order=.}", CODES).value(first)] == [2]
    nothing = Frame([doc]).child(None, 1)
    assert [line["n"] for line in Template("{/lines|where:order?=.}", CODES).value(nothing)] == \
        [1, 4]
    for wrong in ("{/lines|where:!order?=.}", "{/lines|where:order?}"):
        with pytest.raises(TemplateError):
            Template(wrong, CODES)


def test_union_adds_the_values_a_list_names_once() -> None:
    """`union:/list.field` is the value (a list, or one value) followed by the values of
    that field over a list of the document it does not hold yet, each once, blanks left
    out: every order a document or one of its lines names."""
    doc = {"orders": ["A", "B"], "order": "B",
           "lines": [{"order": "B"}, {"order": "C"}, {}, {"order": "C"}, {"order": "A"}]}
    frame = Frame([doc])
    assert Template("{orders|union:/lines.order}", CODES).value(frame) == ["A", "B", "C"]
    assert Template("{order|union:/lines.order}", CODES).value(frame) == ["B", "C", "A"]
    assert Template("{orders.0|union:/lines.order}", CODES).value(frame) == ["A", "B", "C"]
    assert Template("{missing|union:/lines.order}", CODES).value(frame) == ["B", "C", "A"]
    assert Template("{missing|union:/none.order}", CODES).value(frame) == []
    with pytest.raises(TemplateError):
        Template("{orders|union:lines}", CODES)

def test_position_in_points_at_another_item_by_number() -> None:
    """`position_in:/list.field` is where the value sits among that field of a list of
    the document (1-based), nothing when it is absent; `add:N` shifts a number."""
    doc = {"packages": [{"id": "P1"}, {"id": "P2", "parent": "P1"}, {"id": "P3"}]}
    template = Template("{parent|position_in:/packages.id|add:1|default:1}", CODES)
    frames = [Frame([doc]).child(item, n) for n, item in enumerate(doc["packages"], 1)]
    assert [template.render(f)[0] for f in frames] == ["1", "2", "1"]
    assert Template("{packages|count|add:2}", CODES).render(Frame([doc]))[0] == "5"
    with pytest.raises(TemplateError):
        Template("{parent|position_in:packages}", CODES)
    with pytest.raises(TemplateError):
        Template("{x|add:two}", CODES)


def test_value_keeps_the_raw_value_of_a_single_expression() -> None:
    """A template that is one expression gives its value (a list for `each`), not text."""
    assert Template("{lines}", CODES).value(TOP) is DOC["lines"]
    assert Template("{lines|count}", CODES).value(TOP) == 3
    assert Template("n={lines|count}", CODES).value(TOP) == "n=3"


@pytest.mark.parametrize(("text", "out", "produced"), [
    ("{number}", "PO-1", True),
    ("220", "220", False),              # a constant produces nothing but is kept
    ("x{missing}y", "", False),         # literals around expressions that give nothing vanish
    ("{missing}{number}", "PO-1", True),
    ("{zero}", "0", True),              # zero is a value
    ("{missing}", "", False),
])
def test_render_reports_whether_expressions_produced_text(
        text: str, out: str, produced: bool) -> None:
    """`render` gives the text and whether any expression gave something."""
    assert Template(text, CODES).render(TOP) == (out, produced)


@pytest.mark.parametrize(("text", "holds"), [
    ("{number}", True),
    ("!{number}", False),
    ("{missing}", False),
    ("!{missing}", True),
    ("{zero}", True),                   # zero counts as a value
    ("{notes|count}", True),            # so does a count of zero
    ("{credit_note}", False),           # False is not
    ("!{credit_note}", True),
    ("{urgent}", True),
    ("{notes}", False),                 # an empty list is not
    ("!{notes}", True),
    ("{parties[role=buyer]}", True),
    ("{parties[role=carrier]}", False),
    ("{lines.2.quantity}", False),
    ("yes", True),
    ("!yes", False),
])
def test_conditions(text: str, holds: bool) -> None:
    """A `when` holds when its template gives a value; a leading `!` when it gives none."""
    assert Condition(text, CODES).holds(TOP) is holds


@pytest.mark.parametrize(("text", "problem"), [
    ("{number|bogus}", "unknown filter 'bogus'"),
    ("{role|codes:nope}", "codes:nope: no such code list"),
    ("{role|codes}", "no such code list"),
    ("{@position}", "the only special value is @index"),
    ("!{x|nope}", "unknown filter 'nope'"),
])
def test_templates_are_refused_when_compiled(text: str, problem: str) -> None:
    """Unknown filters, code lists and special values fail at compile time, naming the template."""
    with pytest.raises(TemplateError) as err:
        if text.startswith("!"):
            Condition(text, CODES)
        else:
            Template(text, CODES)
    assert problem in str(err.value)
    assert repr(text.lstrip("!")) in str(err.value)


@pytest.mark.parametrize("text", ["{number|max:abc}", "{total|decimal:two}",
                                  "{total|implied:x}"])
def test_a_non_numeric_filter_argument_is_a_template_error(text: str) -> None:
    """A filter that takes a number refuses other arguments with a TemplateError."""
    with pytest.raises(TemplateError) as err:
        Template(text, CODES)
    assert repr(text) in str(err.value)


def test_hash_total_keeps_the_rightmost_ten_digits() -> None:
    """Rule (X12 347, CTT 02): values are summed as written without decimal point or
    sign, and a sum longer than ten digits is cut on the left."""
    doc = {"lines": [{"q": Decimal("99999999999")}, {"q": Decimal("-1.25")}, {"q": None},
                     {"q": Decimal("73")}]}
    # 99999999999 + 125 + 73 = 100000000197 -> rightmost ten digits 0000000197 -> 197
    assert render("{lines|hash:q}", Frame([doc], 1)) == "197"


def test_a_value_cut_to_fit_is_noted_while_someone_listens() -> None:
    """Rule: `max:N` cuts a longer value to N characters and, inside `noting_cuts`,
    says so with the whole value; a value that fits, or no listener, notes nothing."""
    template = Template("{number|max:5}", CODES)
    long, short = Frame([{"number": "ABCDEFGH"}], 1), Frame([{"number": "ABC"}], 1)
    with noting_cuts() as cuts:
        assert template.render(long)[0] == "ABCDE"
        assert template.render(short)[0] == "ABC"
    assert cuts == ["'ABCDEFGH' is longer than the 5 characters its place holds: "
                    "written as 'ABCDE'"]
    assert template.render(long)[0] == "ABCDE"  # no listener: nothing noted, no error
