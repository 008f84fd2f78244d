"""Loading mappings (gateway.mapping.registry): every bundled file compiles, versions are
filed by family, partner overlays merge over the base, and the outbound mapping for a
document is its variant's (order change, cancellation, credit note) when there is one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.documents.common import ItemRef, Party, Quantity
from gateway.documents.models import (
    DOCUMENT_TYPES,
    Forecast,
    Invoice,
    OrderLine,
    OrderPurpose,
    PurchaseOrder,
)
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.structure import instance_tree
from gateway.edi.tree import Segment
from gateway.mapping.inbound import InboundMapping, MappingError
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.registry import (
    DEFAULT_ROOT,
    STANDARDS,
    Mappings,
    load_codelists,
    load_mappings,
    merge,
    variants_of,
    version_family,
)
from gateway.mapping.xml_out import XmlOutboundMapping

ACME = "acme-retail"


@pytest.fixture(scope="module")
def bundled() -> Mappings:
    return load_mappings()


@pytest.fixture(scope="module")
def acme() -> Mappings:
    return load_mappings(partner=ACME)


def _bundled_files() -> list[Path]:
    return sorted(p for standard in STANDARDS
                  for p in (DEFAULT_ROOT / standard).rglob("*.yaml"))


# -- the bundled mappings ---------------------------------------------------------------------

def test_every_bundled_mapping_loads(bundled: Mappings) -> None:
    """load_mappings compiles every <MESSAGE>.in.yaml and .out.yaml under the mappings folder."""
    expected = [str(p.relative_to(DEFAULT_ROOT)) for p in _bundled_files()]
    assert expected
    assert sorted(bundled.files) == sorted(expected)


def test_every_bundled_file_is_registered_under_what_it_reads_or_writes(bundled: Mappings) -> None:
    """Each bundled file is found by what it reads (with `also`) or writes."""
    for path in _bundled_files():
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        standard, version = str(data["standard"]), str(data["version"])
        label = str(path.relative_to(DEFAULT_ROOT))
        if path.name.endswith(".in.yaml"):
            for each in [version, *(str(v) for v in data.get("also") or [])]:
                found = bundled.inbound_for(standard, each, str(data["message"]))
                assert found is not None and found.name == label, (label, each)
            assert found.document in DOCUMENT_TYPES
        else:
            out = bundled.outbound_for(standard, version, str(data["document"]))
            assert out is not None and out.name == label, label
            assert out.message == str(data["message"])


def test_outbound_mappings_have_the_right_kind(bundled: Mappings) -> None:
    """EDI standards compile to segment mappings, UBL and cXML to XML trees."""
    for (standard, _version, _document), mapping in bundled.outbound.items():
        kind = XmlOutboundMapping if standard in ("ubl", "cxml") else OutboundMapping
        assert isinstance(mapping, kind)


@pytest.mark.parametrize(("standard", "version", "family"), [
    ("ubl", "2.1", "2.1"), ("ubl", "2.3", "2.1"), ("ubl", "2", "2.1"), ("ubl", "", "2.1"),
    ("ubl", "3.0", "3.0"),
    ("cxml", "1.2.014", "1.2"), ("cxml", "1.2", "1.2"), ("cxml", "", "1.2"),
    ("cxml", "1.1", "1.1"),
    ("edifact", "D96A", "D96A"), ("x12", "004010", "004010"),
])
def test_version_family(standard: str, version: str, family: str) -> None:
    """UBL 2.x is filed under 2.1 and cXML 1.2.x under 1.2; EDI versions as they are."""
    assert version_family(standard, version) == family


def test_inbound_for_reads_other_versions(bundled: Mappings) -> None:
    """`also` versions and version families find the same inbound mapping."""
    orders = bundled.inbound_for("edifact", "D96A", "ORDERS")
    assert orders is not None
    assert bundled.inbound_for("edifact", "D96B", "ORDERS") is orders
    assert bundled.inbound_for("edifact", "D42Z", "ORDERS") is None
    assert bundled.inbound_for("ubl", "2.3", "Order") is bundled.inbound_for("ubl", "2.1", "Order")
    assert bundled.inbound_for("cxml", "1.2.060", "OrderRequest") is not None
    assert bundled.inbound_for("edifact", "D96A", "NOSUCH") is None


def test_outbound_versions(bundled: Mappings) -> None:
    """outbound_versions lists the versions a standard writes a document in, sorted."""
    versions = bundled.outbound_versions("edifact", "purchase_order")
    assert "D96A" in versions
    assert versions == sorted(versions)
    assert bundled.outbound_versions("edifact", "no_such_document") == []


# -- variants --------------------------------------------------------------------------------------

def _order(purpose: OrderPurpose = OrderPurpose.ORIGINAL) -> PurchaseOrder:
    return PurchaseOrder(number="PO-1", issue_date=date(2025, 3, 10), purpose=purpose,
                         parties=(Party(role="buyer", gln="1"),),
                         lines=(OrderLine(line_number="1", item=ItemRef(gtin="1"),
                                          quantity=Quantity(value=1)),))


@pytest.mark.parametrize(("document", "keys"), [
    (_order(), ["purchase_order"]),
    (_order(OrderPurpose.CHANGE), ["purchase_order.change", "purchase_order"]),
    (_order(OrderPurpose.CANCELLATION),
     ["purchase_order.cancellation", "purchase_order.change", "purchase_order"]),
    (_order(OrderPurpose.REPLACE), ["purchase_order.replace", "purchase_order"]),
    (Invoice(number="1", issue_date=date(2025, 3, 10)), ["invoice"]),
    (Invoice(number="1", issue_date=date(2025, 3, 10), credit_note=True),
     ["invoice.credit_note", "invoice"]),
    (Forecast(number="1", issue_date=date(2025, 3, 10)), ["forecast"]),
])
def test_variants_of(document: Any, keys: list[str]) -> None:
    """Variant keys come most specific first; a cancellation falls back to a change."""
    assert variants_of(document) == keys


@pytest.mark.parametrize(("standard", "version", "document", "message"), [
    ("edifact", "D96A", _order(), "ORDERS"),
    ("edifact", "D96A", _order(OrderPurpose.CHANGE), "ORDCHG"),
    ("edifact", "D96A", _order(OrderPurpose.CANCELLATION), "ORDCHG"),
    ("edifact", "D96A", _order(OrderPurpose.REPLACE), "ORDERS"),
    ("edifact", "D01B", _order(OrderPurpose.CHANGE), "ORDCHG"),
    ("x12", "004010", _order(), "850"),
    ("x12", "004010", _order(OrderPurpose.CHANGE), "860"),
    ("x12", "004010", _order(OrderPurpose.CANCELLATION), "860"),
    ("ubl", "2.1", _order(OrderPurpose.CHANGE), "OrderChange"),
    ("ubl", "2.3", _order(OrderPurpose.CANCELLATION), "OrderCancellation"),
    ("cxml", "1.2.014", _order(OrderPurpose.CHANGE), "OrderRequest"),
    ("ubl", "2.1", Invoice(number="1", issue_date=date(2025, 3, 10)), "Invoice"),
    ("ubl", "2.1", Invoice(number="1", issue_date=date(2025, 3, 10), credit_note=True),
     "CreditNote"),
    ("edifact", "D96A", Invoice(number="1", issue_date=date(2025, 3, 10), credit_note=True),
     "INVOIC"),
])
def test_outbound_for_document_picks_the_variant(
        bundled: Mappings, standard: str, version: str, document: Any, message: str) -> None:
    """Order changes go to ORDCHG / 860 / OrderChange, credit notes to CreditNote."""
    mapping = bundled.outbound_for_document(standard, version, document)
    assert mapping is not None
    assert mapping.message == message


def test_outbound_for_document_without_any_mapping(bundled: Mappings) -> None:
    """No mapping for the standard and version gives None."""
    assert bundled.outbound_for_document("edifact", "D42Z", _order()) is None


# -- overlays ----------------------------------------------------------------------------------

def test_merge_is_deep_for_mappings_and_replaces_the_rest() -> None:
    """Overlays merge mappings key by key; lists and scalars are replaced."""
    base = {"a": {"b": 1, "c": [1, 2], "d": {"e": 1}}, "f": 1}
    assert merge(base, {"a": {"c": [3], "d": {"g": 2}, "h": 4}, "f": None}) == {
        "a": {"b": 1, "c": [3], "d": {"e": 1, "g": 2}, "h": 4}, "f": None}
    assert base == {"a": {"b": 1, "c": [1, 2], "d": {"e": 1}}, "f": 1}  # not modified


def test_partner_code_lists_override_shared_entries() -> None:
    """A partner's code list overrides the entries it names and keeps the others."""
    shared = load_codelists(DEFAULT_ROOT, None)
    partner = load_codelists(DEFAULT_ROOT, ACME)
    assert shared["edifact_party_function"].inbound["OB"] == "ordered_by"
    assert partner["edifact_party_function"].inbound["OB"] == "buyer"
    assert partner["edifact_party_function"].inbound["BY"] == "buyer"
    assert partner["edifact_units"].inbound["KAR"] == "CT"
    assert "KAR" not in shared["edifact_units"].inbound
    assert set(partner) == set(shared)


_D96A = load_directory("edifact", "D96A")
assert _D96A is not None
ORDERS_STRUCTURE = _D96A.messages["ORDERS"].structure
ACME_ORDER = instance_tree([
    Segment.of("BGM", "220", "ACME-1", "9"),
    Segment.of("DTM", ["137", "20250310", "102"]),
    Segment.of("NAD", "OB", ["ACME-PURCHASING", "", "92"]),
    Segment.of("NAD", "DP", ["STORE-0042", "", "92"]),
    Segment.of("NAD", "SU", ["4012345000016", "", "9"]),
    Segment.of("LIN", "1", "", ["4012345100013", "EN"]),
    Segment.of("QTY", ["21", "12", "KAR"]),
], ORDERS_STRUCTURE)


def _apply(mapping: InboundMapping | None) -> PurchaseOrder:
    assert mapping is not None
    document, issues = mapping.apply(ACME_ORDER)
    assert isinstance(document, PurchaseOrder), issues
    return document


def test_partner_overlay_merges_over_the_base(bundled: Mappings, acme: Mappings) -> None:
    """ACME's overlay and code lists change what they name and keep the rest of the base."""
    base = _apply(bundled.inbound_for("edifact", "D96A", "ORDERS"))
    partner = _apply(acme.inbound_for("edifact", "D96A", "ORDERS"))
    assert (partner.number, partner.issue_date) == (base.number, base.issue_date)
    assert {p.role.value for p in base.parties} == {"ordered_by", "ship_to", "supplier"}
    roles = {p.role.value: p for p in partner.parties}
    assert roles["buyer"].ids["buyer"] == "ACME-PURCHASING"
    assert roles["ship_to"].ids["buyer"] == "STORE-0042"
    assert all(p.ids.get("buyer") is None for p in base.parties)
    assert roles["supplier"].gln == "4012345000016"
    assert partner.lines[0].quantity.unit == "CT"
    assert base.lines[0].quantity.unit == "KAR"


def test_overlays_touch_only_their_partner(bundled: Mappings, acme: Mappings) -> None:
    """Files without an overlay compile the same for the partner as for everyone."""
    assert sorted(acme.files) == sorted(bundled.files)
    assert set(acme.inbound) == set(bundled.inbound)
    assert set(acme.outbound) == set(bundled.outbound)


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")


ORDERS_IN = {"standard": "edifact", "version": "D96A", "message": "ORDERS",
             "document": "purchase_order",
             "fields": {"number": "BGM/02",
                        "issue_date": {"from": "DTM[01-1=137]/01-2", "as": "date"},
                        "order_type": {"first_of": ["BGM/01-4", {"const": "base"}]},
                        "parties": {"each": "SG2", "fields": {
                            "role": {"from": "NAD/01", "codes": "roles"}}}}}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A mappings folder of one ORDERS mapping and one code list."""
    _write(tmp_path / "codelists" / "roles.yaml", {"codes": {"BY": "buyer", "SU": "supplier"}})
    _write(tmp_path / "edifact" / "D96A" / "ORDERS.in.yaml", ORDERS_IN)
    return tmp_path


def test_overlay_in_a_folder_of_its_own(root: Path) -> None:
    """An overlay replaces a list, adds keys to a nested mapping and overrides a code."""
    partner = root / "partners" / "p"
    _write(partner / "edifact" / "D96A" / "ORDERS.in.yaml",
           {"fields": {"order_type": {"first_of": [{"const": "partner"}]},
                       "parties": {"fields": {"gln": "NAD/02-1"}}}})
    _write(partner / "codelists" / "roles.yaml", {"codes": {"OB": "buyer"}})
    tree = instance_tree([Segment.of("BGM", "220", "PO-1"),
                          Segment.of("DTM", ["137", "20250310", "102"]),
                          Segment.of("NAD", "OB", ["123", "", "9"]),
                          Segment.of("NAD", "SU", ["456", "", "9"])],
                         ORDERS_STRUCTURE)
    base, _ = load_mappings(root).inbound[("edifact", "D96A", "ORDERS")].apply(tree)
    mine, _ = load_mappings(root, "p").inbound[("edifact", "D96A", "ORDERS")].apply(tree)
    assert isinstance(base, PurchaseOrder) and isinstance(mine, PurchaseOrder)
    assert (base.order_type, mine.order_type) == ("base", "partner")
    assert [(p.role.value, p.gln) for p in base.parties] == [("supplier", None)]
    assert [(p.role.value, p.gln) for p in mine.parties] == [("buyer", "123"), ("supplier", "456")]


def test_a_file_extending_another_version_inherits_all_but_also(root: Path) -> None:
    """`extends: D96A` reads the D96A file's fields (and that file's partner overlay)
    under the extending file's own version, with what it says itself on top; the
    D96A file's `also` is not inherited."""
    _write(root / "edifact" / "D96A" / "ORDERS.in.yaml", {**ORDERS_IN, "also": ["D95B"]})
    _write(root / "edifact" / "D96B" / "ORDERS.in.yaml",
           {"extends": "D96A", "version": "D96B", "also": ["D97A"],
            "fields": {"order_type": {"first_of": [{"const": "derived"}]}}})
    partner = root / "partners" / "p"
    _write(partner / "edifact" / "D96A" / "ORDERS.in.yaml",
           {"fields": {"parties": {"fields": {"gln": "NAD/02-1"}}}})
    tree = instance_tree([Segment.of("BGM", "220", "PO-7"),
                          Segment.of("DTM", ["137", "20250310", "102"]),
                          Segment.of("NAD", "BY", ["123", "", "9"])], ORDERS_STRUCTURE)
    loaded = load_mappings(root)
    derived = loaded.inbound_for("edifact", "D97A", "ORDERS")
    assert derived is not None and derived.version == "D96B"
    assert loaded.inbound_for("edifact", "D95B", "ORDERS").version == "D96A"  # type: ignore[union-attr]
    order, _ = derived.apply(tree)
    assert isinstance(order, PurchaseOrder)
    assert (order.number, order.order_type) == ("PO-7", "derived")
    assert [(p.role.value, p.gln) for p in order.parties] == [("buyer", None)]
    mine = load_mappings(root, "p").inbound_for("edifact", "D96B", "ORDERS")
    assert mine is not None
    order, _ = mine.apply(tree)
    assert isinstance(order, PurchaseOrder)
    assert [(p.role.value, p.gln) for p in order.parties] == [("buyer", "123")]


@pytest.mark.parametrize(("extends", "problem"), [
    ("D01B", "extends: no other ORDERS.in.yaml under edifact/D01B"),
    ("D96B", "extends: no other ORDERS.in.yaml under edifact/D96B"),
    ("D96A", "that does not extend this one"),
])
def test_extending_what_is_not_there_names_the_file(root: Path, extends: str,
                                                    problem: str) -> None:
    """`extends` naming a version without the file, the file itself, or a file that
    extends it back is a MappingError naming the file."""
    _write(root / "edifact" / "D96B" / "ORDERS.in.yaml",
           {"extends": extends, "version": "D96B"})
    if extends == "D96A":
        _write(root / "edifact" / "D96A" / "ORDERS.in.yaml", {**ORDERS_IN, "extends": "D96B"})
    with pytest.raises(MappingError, match=problem) as err:
        load_mappings(root)
    assert "ORDERS.in.yaml" in str(err.value)


# -- mistakes -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "problem"), [
    ("orders.yaml", ORDERS_IN, "name mapping files <MESSAGE>.in.yaml or <MESSAGE>.out.yaml"),
    ("ORDERS.in.yaml", "- a list\n", "a mapping file is a YAML mapping"),
    ("ORDERS.in.yaml", "fields: [unclosed\n", "cannot read"),
    ("ORDERS.in.yaml", {k: v for k, v in ORDERS_IN.items() if k != "message"},
     "message: required"),
    ("ORDERS.in.yaml", {**ORDERS_IN, "standard": "edi"}, "standard: one of edifact, x12"),
    ("ORDERS.in.yaml", {**ORDERS_IN, "document": "order"},
     "document: one of despatch_advice"),
    ("ORDERS.in.yaml", {**ORDERS_IN, "version": "D42Z"},
     "version: no edifact schema D42Z ships with the gateway"),
    ("ORDERS.in.yaml", {**ORDERS_IN, "fields": {"number": "BGM/02/03"}},
     "fields.number.from: 'BGM/02/03': nothing can follow an element"),
    ("ORDERS.in.yaml", {**ORDERS_IN, "fields": {"number": {"from": "BGM/02",
                                                           "codes": "missing"}}},
     "fields.number.codes: no code list named 'missing'"),
])
def test_a_mistake_names_the_file(root: Path, name: str, content: Any, problem: str) -> None:
    """Loading stops at the first mistake with a MappingError naming the file (and field)."""
    (root / "edifact" / "D96A" / "ORDERS.in.yaml").unlink()
    _write(root / "edifact" / "D96A" / name, content)
    with pytest.raises(MappingError) as err:
        load_mappings(root)
    assert f"edifact/D96A/{name}" in str(err.value)
    assert problem in str(err.value)


@pytest.mark.parametrize(("content", "problem"), [
    ({"out": {"buyer": "BY"}}, "codes: a mapping code: canonical value"),
    ("- BY\n", "codes: a mapping code: canonical value"),
    ({"codes": {"BY": "buyer"}, "out": ["BY"]}, "out: a mapping canonical value: code"),
])
def test_a_bad_code_list_names_its_file(root: Path, content: Any, problem: str) -> None:
    """A code list without `codes`, or with an `out` that is not a mapping, names its file."""
    _write(root / "codelists" / "roles.yaml", content)
    with pytest.raises(MappingError, match=problem) as err:
        load_mappings(root)
    assert str(root / "codelists" / "roles.yaml") in str(err.value)


def test_an_unknown_partner_is_refused(root: Path) -> None:
    """Asking for a partner without an overlay folder names the folder."""
    with pytest.raises(MappingError, match="no partner folder 'nobody'"):
        load_mappings(root, "nobody")
