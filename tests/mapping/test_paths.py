"""Paths into messages (gateway.mapping.paths): every path form of the module's
docstring read from small EDIFACT ORDERS and X12 850 trees, wrong paths refused
when compiled with a PathError naming the path, and XPath with namespaces."""

from __future__ import annotations

import pytest
from lxml import etree

from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import Directory, GroupNode
from gateway.edi.schema.structure import Instance, instance_tree
from gateway.edi.tree import Segment
from gateway.mapping.paths import UBL_NAMESPACES, PathError, ValuePath, XmlPath, compile_xpath


def _directory(standard: str, version: str) -> Directory:
    directory = load_directory(standard, version)
    assert directory is not None
    return directory


def segments(text: str, terminator: str = "'", element: str = "+",
             component: str = ":") -> list[Segment]:
    """Segments from plain text without release characters: ``BGM+220+PO-1'``."""
    out = []
    for raw in text.split(terminator):
        if raw.strip():
            tag, *elements = raw.strip().split(element)
            out.append(Segment(tag, [e.split(component) for e in elements]))
    return out


EDIFACT = _directory("edifact", "D96A")
ORDERS: GroupNode = EDIFACT.messages["ORDERS"].structure
ORDER = instance_tree(segments(
    "BGM+220+PO-1+9'"
    "DTM+137:20250310:102'"
    "DTM+2:20250320:102'"
    "FTX+AAI+++note one:note two'"
    "RFF+CT:K-1'"
    "NAD+BY+5412345000013::9++Buyer'"
    "RFF+VA:BE0123'"
    "NAD+SU+4012345000016::9++Supplier GmbH'"
    "RFF+VA:DE999'"
    "NAD+DP+STORE-1::92'"
    "CUX+2:EUR:9'"
    "LIN+1++4000862141404:EN'"
    "QTY+21:12:PCE'"
    "LIN+2++4000862141411:EN'"
    "QTY+21:3'"
    "UNS+S'"
    "CNT+2:2'"), ORDERS)

X12 = _directory("x12", "004010")
PO850: GroupNode = X12.messages["850"].structure
PO = instance_tree(segments(
    "BEG*00*SA*PO-9**20250310~"
    "REF*DP*042~"
    "REF*ZZ*internal~"
    "N1*BY*Buyer Inc*UL*0614141000005~"
    "N3*1 Main St~"
    "N1*ST*Store 7*92*STORE-7~"
    "N3*7 Side Rd~"
    "N4*Springfield*IL~"
    "PO1*1*10*EA*2.50**UP*012345678905~"
    "PID*F****Widget~"
    "N1*ST*Store 9*92*STORE-9~"
    "PO1*2*5*CA*12**VN*V-2~"
    "PID*F*08***Gadget~"
    "CTT*2~"
    "AMT*TT*85~", "~", "*", ">"), PO850)


def edifact(text: str) -> ValuePath:
    return ValuePath(text, ORDERS, EDIFACT)


def x12(text: str) -> ValuePath:
    return ValuePath(text, PO850, X12)


# -- EDIFACT path forms ---------------------------------------------------------------

@pytest.mark.parametrize(("path", "first", "values"), [
    ("BGM/02", "PO-1", ["PO-1"]),
    ("BGM/01", "220", ["220"]),
    ("BGM/01-1", "220", ["220"]),
    ("FTX/04-2", "note two", ["note two"]),
    ("DTM/01-2", "20250310", ["20250310", "20250320"]),
    ("CNT/01-2", "2", ["2"]),
])
def test_positions_and_components(path: str, first: str, values: list[str]) -> None:
    """`01` is element 1 and `01-2` its component 2, counted from 1 as the standard does."""
    compiled = edifact(path)
    assert compiled.first(ORDER) == first
    assert compiled.values(ORDER) == values


@pytest.mark.parametrize(("by_number", "by_position"), [
    ("BGM/1004", "BGM/02"),            # a simple element by its number
    ("BGM/1001", "BGM/01-1"),          # a component of composite C002 by its number
    ("DTM/2380", "DTM/01-2"),
    ("DTM[2005=137]/2380", "DTM[01-1=137]/01-2"),
    ("SG2/NAD/C082-1", "SG2/NAD/02-1"),  # a composite by its number, then a component
    ("SG2/SG3/RFF/C506-2", "SG2/SG3/RFF/01-2"),
])
def test_data_element_numbers_name_the_same_place_as_positions(
        by_number: str, by_position: str) -> None:
    """An EDIFACT data element or composite number reads what its position reads."""
    assert edifact(by_number).values(ORDER) == edifact(by_position).values(ORDER)
    assert edifact(by_number).values(ORDER)


@pytest.mark.parametrize(("path", "values"), [
    ("DTM[01-1=137]/01-2", ["20250310"]),
    ("DTM[01-1!=137]/01-2", ["20250320"]),
    ("NAD[01=BY]/02-1", ["5412345000013"]),
    ("NAD[01=BY|SU]/02-1", ["5412345000013", "4012345000016"]),
    ("NAD[01!=BY|SU]/02-1", ["STORE-1"]),
    ("NAD[01=BY|SU][02-3=9]/04-1", ["Buyer", "Supplier GmbH"]),
    ("NAD[01=DP][02-3=9]/02-1", []),
    ("NAD[3035=SU]/02-1", ["4012345000016"]),
    ("NAD[ 01 = BY ]/02-1", ["5412345000013"]),
    ("DTM[01-1=999]/01-2", []),
])
def test_segment_predicates(path: str, values: list[str]) -> None:
    """`=` keeps segments whose element is one of the `|` values, `!=` the rest; all must hold."""
    assert edifact(path).values(ORDER) == values


def test_predicate_with_an_empty_alternative_matches_an_absent_element() -> None:
    """`[02=08|]` holds when the element is 08 or absent, so optional qualifiers can be read."""
    assert x12("PO1/PID[01=F][02=08|]/05").values(PO) == ["Widget", "Gadget"]
    assert x12("PO1/PID[01=F][02=08]/05").values(PO) == ["Gadget"]


@pytest.mark.parametrize(("path", "values"), [
    ("SG2[NAD/01=SU]/SG3/RFF/01-2", ["DE999"]),
    ("SG2[NAD/01=SU]/RFF/01-2", ["DE999"]),
    ("SG2[NAD/01!=SU]/SG3/RFF/01-2", ["BE0123"]),
    ("SG2[NAD/01=BY|SU]/RFF/01-2", ["BE0123", "DE999"]),
    ("SG2[NAD/02-3=92]/NAD/02-1", ["STORE-1"]),
    ("SG2[SG3/RFF/01-2=DE999]/NAD/04-1", ["Supplier GmbH"]),
    ("SG2[NAD/01=CA]/NAD/02-1", []),
])
def test_group_predicates(path: str, values: list[str]) -> None:
    """A predicate on a group names a path inside the group occurrence."""
    assert edifact(path).values(ORDER) == values


@pytest.mark.parametrize(("path", "values"), [
    ("NAD/01", ["BY", "SU", "DP"]),               # SG2's trigger, reached from the message
    ("RFF/01-2", ["K-1"]),                          # SG1's trigger; SG3's RFF is one level deeper
    ("CUX/01-2", ["EUR"]),                          # SG7's trigger
    ("LIN/03-1", ["4000862141404", "4000862141411"]),
    ("SG1/RFF/01-2", ["K-1"]),
    ("SG7/CUX/01-2", ["EUR"]),
    ("SG25/QTY/01-2", ["12", "3"]),
    ("SG2/RFF/01-2", ["BE0123", "DE999"]),         # SG3's trigger, reached from SG2
])
def test_trigger_segments_are_reached_from_the_parent_group(path: str, values: list[str]) -> None:
    """A segment step also reaches the first segment of the groups it triggers."""
    assert edifact(path).values(ORDER) == values


@pytest.mark.parametrize("path", [
    "BGM/02", "BGM/04", "DTM/01-2", "DTM[01-1=2]/01-2", "DTM[01-1!=137]/01-2", "NAD/02-1",
    "NAD[01=DP]/02-1", "NAD[01=DP][02-3=9]/02-1", "SG2/NAD/04-1", "SG2[NAD/01=SU]/RFF/01-2",
    "SG25/QTY/01-3", "FTX/04-3", "UNS/01", "CNT/01-2",
])
def test_first_is_the_first_of_values(path: str) -> None:
    """`first` (with its shortcut for direct segments) finds what `values` lists first."""
    compiled = edifact(path)
    found = compiled.values(ORDER)
    assert compiled.first(ORDER) == (found[0] if found else None)


@pytest.mark.parametrize("path", ["BGM/04", "BGM/01-4", "NAD[01=DP]/04-1",
                                  "DTM[01-1=999]/01-2", "SG2[NAD/01=CA]/NAD/02-1"])
def test_missing_values_give_nothing(path: str) -> None:
    """An absent element, component or segment gives None and no values, never ''."""
    compiled = edifact(path)
    assert compiled.first(ORDER) is None
    assert compiled.values(ORDER) == []


def test_values_skip_occurrences_without_the_element() -> None:
    """`values` lists the occurrences that have a value: the second QTY has no unit."""
    assert edifact("SG25/QTY/01-3").values(ORDER) == ["PCE"]


# -- X12 loops ------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "values"), [
    ("BEG/03", ["PO-9"]),
    ("BEG/324", ["PO-9"]),                      # data element numbers of four digits work too
    ("N1[01=ST]/04", ["STORE-7"]),               # the N1 loop's trigger from the transaction set
    ("N1/N1/02", ["Buyer Inc", "Store 7"]),
    ("N1[N1/01=ST]/N3/01", ["7 Side Rd"]),       # a loop predicate names a path inside the loop
    ("N1/N4/02", ["IL"]),
    ("PO1/02", ["10", "5"]),
    ("PO1/N1[01=ST]/04", ["STORE-9"]),           # the line's own N1 loop, not the header's
    ("PO1[PO1/01=2]/N1/04", []),
    ("PO1[PO1/01=1]/PID/05", ["Widget"]),
    ("CTT/AMT[01=TT]/02", ["85"]),
    ("REF[01!=ZZ]/02", ["042"]),
    ("REF[01=DP|ZZ]/02", ["042", "internal"]),
])
def test_x12_loops(path: str, values: list[str]) -> None:
    """X12 loops are groups named after their trigger: `N1[01=ST]/04` finds the N1 loop's N1."""
    assert x12(path).values(PO) == values


# -- repeating parts -----------------------------------------------------------------------

def test_nodes_of_a_group_are_its_occurrences() -> None:
    """A path to repeat over that ends at a group gives its occurrences and that group."""
    path = ValuePath("SG2[NAD/01=BY|SU]", ORDERS, EDIFACT, nodes_only=True)
    nodes = path.nodes(ORDER)
    assert [type(n) for n in nodes] == [Instance, Instance]
    assert all(isinstance(n, Instance) and n.id == "SG2" for n in nodes)
    assert path.end_group is not None and path.end_group.id == "SG2"
    assert path.end_tag is None


def test_nodes_of_a_segment_are_the_segments() -> None:
    """A path to repeat over that ends at a segment gives the segments and its tag."""
    path = ValuePath("NAD[01!=DP]", ORDERS, EDIFACT, nodes_only=True)
    nodes = path.nodes(ORDER)
    assert [n.get(1) for n in nodes if isinstance(n, Segment)] == ["BY", "SU"]
    assert path.end_tag == "NAD" and path.end_group is None


def test_inside_a_segment_a_path_names_its_elements() -> None:
    """Compiled inside a segment (an `each` over segments), `02-1` is that segment's element."""
    nad = next(ORDER.groups("SG2")).trigger()
    assert nad is not None
    assert ValuePath("02-1", None, EDIFACT, segment="NAD").first(nad) == "5412345000013"
    assert ValuePath("3035", None, EDIFACT, segment="NAD").values(nad) == ["BY"]
    with pytest.raises(PathError, match="inside NAD, a path names one of its elements"):
        ValuePath("NAD/01", None, EDIFACT, segment="NAD")


def test_dot_dot_climbs_to_the_enclosing_group_occurrence() -> None:
    """`..` from a group occurrence reads the occurrence that holds it, and a path
    cannot climb above the message."""
    lines = ValuePath("SG25", ORDERS, EDIFACT, nodes_only=True)
    inner = lines.end_group
    assert inner is not None
    order_number = ValuePath("../BGM/02", inner, EDIFACT, enclosing=lines.end_enclosing)
    assert {order_number.first(line) for line in lines.nodes(ORDER)} == {"PO-1"}
    with pytest.raises(PathError, match="climbs above"):
        ValuePath("../../BGM/02", inner, EDIFACT, enclosing=lines.end_enclosing)
    with pytest.raises(PathError, match="climbs from a group"):
        ValuePath("../01", None, EDIFACT, segment="NAD")


SH856: GroupNode = X12.messages["856"].structure
SHIPMENT = instance_tree(segments(
    "BSN*00*SH-1*20250310*1200~"
    "HL*1**S~TD5*B*2*UPSN~"
    "HL*2*1*O~PRF*PO-9~"
    "HL*3*2*P~MAN*GM*00012345600000000001~"
    "HL*4*3*I~LIN*1*UP*012345678905~SN1**10*EA~"
    "HL*5*2*P~MAN*GM*00012345600000000002~"
    "HL*6*5*I~LIN*2*VN*V-2~SN1**5*CA~"
    "CTT*6~", "~", "*", ">"), SH856)


def test_hl_parent_follows_hl02_to_the_parent_loop() -> None:
    """X12 `@parent` goes from an HL loop to the one its HL 02 names: an item's pack
    and, two levels up, its order; only from an HL loop."""
    items = ValuePath("HL[HL/03=I]", SH856, X12, nodes_only=True)
    hl = items.end_group
    assert hl is not None
    pack = ValuePath("@parent/MAN[01=GM]/02", hl, X12, enclosing=items.end_enclosing)
    order = ValuePath("@parent/@parent/PRF/01", hl, X12, enclosing=items.end_enclosing)
    nodes = items.nodes(SHIPMENT)
    assert [pack.first(n) for n in nodes] == ["00012345600000000001",
                                              "00012345600000000002"]
    assert [order.first(n) for n in nodes] == ["PO-9", "PO-9"]
    with pytest.raises(PathError, match="climbs from an X12 HL loop or an EDIFACT CPS group"):
        ValuePath("@parent/BEG/03", PO850, X12)


def test_a_value_path_must_end_at_an_element() -> None:
    """A value path must end at an element, and a path to repeat over must not."""
    for text in ("BGM", "SG2", "BGM[01=220]"):
        with pytest.raises(PathError, match="give an element") as err:
            edifact(text)
        assert repr(text) in str(err.value)
    with pytest.raises(PathError, match="'BGM/02': ends at an element"):
        ValuePath("BGM/02", ORDERS, EDIFACT, nodes_only=True)


# -- wrong paths ------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "problem"), [
    ("XYZ/01", "no segment or group 'XYZ' here (in the message)"),
    ("SG99/NAD/01", "no segment or group 'SG99' here"),
    ("SG2/LIN/01", "no segment or group 'LIN' here (in SG2)"),
    ("QTY/01", "no segment or group 'QTY' here"),   # only inside SG25, not from the message
    ("BGM/9999", "BGM has no data element 9999"),
    ("NAD/99x", "'99x' is neither a position"),
    ("BGM/02/01", "nothing can follow an element (02)"),
    ("BGM/02[01=1]", "an element step takes no predicate"),
    ("NAD[NAD/01=BY]/02-1", "a segment's predicate names one of its elements"),
    ("NAD[2380=BY]/02-1", "NAD has no data element 2380"),
    ("bad step!/01", "'bad step!' is not a path step"),
])
def test_a_wrong_path_fails_when_compiled_naming_the_path(path: str, problem: str) -> None:
    """A wrong path fails at compile time with a PathError naming the path and the problem."""
    with pytest.raises(PathError) as err:
        edifact(path)
    assert repr(path) in str(err.value)
    assert problem in str(err.value)


def test_an_x12_loop_predicate_must_name_a_path_inside_the_loop() -> None:
    """Before a step into the loop, `N1[01=ST]` is a loop predicate: `01` alone is refused."""
    with pytest.raises(PathError, match="no segment or group '01' here"):
        x12("N1[01=ST]/N3/01")


@pytest.mark.parametrize("path", ["BGM/05", "BGM/99-9", "DTM/01-9"])
def test_a_position_beyond_the_segment_definition_fails_when_compiled(path: str) -> None:
    """An element or component past the end of the segment's definition is a wrong path."""
    with pytest.raises(PathError) as err:
        edifact(path)
    assert repr(path) in str(err.value)


def test_a_wrong_group_predicate_names_the_whole_path() -> None:
    """A group predicate that does not fit the group fails naming the path as written."""
    with pytest.raises(PathError) as err:
        edifact("SG2[01=BY]/NAD/02")
    assert "'SG2[01=BY]/NAD/02'" in str(err.value)


# -- XML ----------------------------------------------------------------------------------

UBL_ORDER = etree.fromstring(
    b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"'
    b' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
    b' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
    b' xmlns:x="urn:example:extra">'
    b"<cbc:ID>  PO-7 \n</cbc:ID>"
    b"<cbc:Note>first</cbc:Note><cbc:Note>  </cbc:Note><cbc:Note>second</cbc:Note>"
    b'<cbc:DocumentCurrencyCode listID="ISO 4217">EUR</cbc:DocumentCurrencyCode>'
    b"<x:Flag>yes</x:Flag>"
    b"<cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID></cac:LineItem></cac:OrderLine>"
    b"<cac:OrderLine><cac:LineItem><cbc:ID>2</cbc:ID></cac:LineItem></cac:OrderLine>"
    b"</Order>")
XML_NAMESPACES = {**UBL_NAMESPACES, "x": "urn:example:extra"}


@pytest.mark.parametrize(("path", "values"), [
    ("cbc:ID", ["PO-7"]),                                    # text, stripped
    ("cbc:Note", ["first", "second"]),                       # blank text gives nothing
    ("cbc:DocumentCurrencyCode/@listID", ["ISO 4217"]),       # attributes
    ("x:Flag", ["yes"]),                                     # a declared extra namespace
    ("cac:OrderLine/cac:LineItem/cbc:ID", ["1", "2"]),
    ("local-name(.)", ["Order"]),                            # string results
    ("cbc:Missing", []),
    ("string(cbc:Missing)", []),
])
def test_xpath_values_with_namespaces(path: str, values: list[str]) -> None:
    """XPath values are element text or attribute values, stripped, with declared prefixes."""
    compiled = compile_xpath(path, XML_NAMESPACES)
    assert list(compiled.values(UBL_ORDER)) == values
    assert compiled.first(UBL_ORDER) == (values[0] if values else None)


def test_xpath_nodes_are_elements_only() -> None:
    """`nodes` yields the elements a path finds (for `each`), never attributes or strings."""
    lines = XmlPath("cac:OrderLine", XML_NAMESPACES)
    assert len(list(lines.nodes(UBL_ORDER))) == 2
    assert list(XmlPath("cbc:DocumentCurrencyCode/@listID", XML_NAMESPACES).nodes(UBL_ORDER)) == []
    assert list(XmlPath("local-name(.)", XML_NAMESPACES).nodes(UBL_ORDER)) == []


def test_an_invalid_xpath_fails_when_compiled_naming_the_path() -> None:
    """XPath syntax errors are PathErrors naming the path."""
    with pytest.raises(PathError, match=r"'cbc:ID\[': not a valid XPath"):
        XmlPath("cbc:ID[", XML_NAMESPACES)


def test_an_undeclared_prefix_fails_when_compiled() -> None:
    """A prefix not declared in the namespaces is a wrong path, refused when compiled."""
    with pytest.raises(PathError, match="zz:ID"):
        XmlPath("zz:ID", XML_NAMESPACES)


def test_a_false_xpath_boolean_gives_no_value() -> None:
    """`boolean(...)`/`not(...)` that is false finds nothing, so a `when` on it does not hold."""
    assert XmlPath("boolean(cbc:Missing)", XML_NAMESPACES).first(UBL_ORDER) is None


def test_free_text_keeps_its_blanks_and_other_values_lose_them() -> None:
    """An XPath compiled with ``strip=False`` (free text) keeps a value's outer blanks;
    blanks alone are no value either way."""
    kept = XmlPath("cbc:ID | cbc:Note", XML_NAMESPACES, strip=False)
    assert list(kept.values(UBL_ORDER)) == ["  PO-7 \n", "first", "second"]
    assert XmlPath("cbc:ID", XML_NAMESPACES).first(UBL_ORDER) == "PO-7"


N1_LOOPS = instance_tree(
    [Segment(raw.split("*")[0], [e.split(">") for e in raw.split("*")[1:]]) for raw in (
        "BEG*00*SA*PO-1**20250310", "N1*BY*Buyer", "N3*1 Main St*Bldg 2", "N3*Suite 4",
        "N1*ST*Store", "N3*7 Side Rd")], PO850)


@pytest.mark.parametrize(("path", "values"), [
    ("N1/N3#1/01", ["1 Main St", "7 Side Rd"]),
    ("N1/N3#2/01", ["Suite 4"]),            # the ST loop has no second N3
    ("N1/N3#2/02", []),                     # the second N3 has no 02: not the next one's
    ("N1[N1/01=BY]/N3#2/01", ["Suite 4"]),
    ("N1#2/02", ["Store"]),                 # the second N1 trigger, from the message
    ("N1[01=ST]#1/02", ["Store"]),          # counted among those the predicates keep
    ("N1/N3#3/01", []),
])
def test_an_occurrence_picks_the_nth_segment_of_a_step(path: str, values: list[str]) -> None:
    """`TAG#n` is the n-th segment of its step in each context (after its predicates),
    counted from 1: the second N3 of an X12 N1 loop holds address lines 3 and 4."""
    compiled = ValuePath(path, PO850, X12)
    assert compiled.values(N1_LOOPS) == values
    assert compiled.first(N1_LOOPS) == (values[0] if values else None)


@pytest.mark.parametrize(("path", "problem"), [
    ("N1/N3#0/01", "counted from 1"),
    ("N1#2/N3/01", "a group's occurrences are told apart by predicates"),
    ("BEG/03#2", "an element step takes no predicate"),
])
def test_a_wrong_occurrence_fails_when_compiled(path: str, problem: str) -> None:
    """An occurrence selector names a segment, counted from 1."""
    with pytest.raises(PathError, match=problem):
        ValuePath(path, PO850, X12)
