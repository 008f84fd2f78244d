"""The business documents (gateway.documents): frozen values that refuse unknown fields,
exact decimals, aware moments, identifier precedence, and a JSON round trip for every
document type, by hand-made instances and by instances hypothesis builds from the models'
own field types."""

from __future__ import annotations

import types
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from gateway.documents.common import (
    Address,
    ItemRef,
    Model,
    Money,
    Party,
    PartyRole,
    Period,
    Quantity,
    Reference,
)
from gateway.documents.models import (
    DOCUMENT_TYPES,
    ActivityLine,
    AllowanceCharge,
    Commitment,
    DespatchAdvice,
    DespatchLine,
    Document,
    ExceptionLine,
    ExceptionNotification,
    Forecast,
    ForecastLine,
    ForecastPeriod,
    InventoryLine,
    InventoryReport,
    Invoice,
    InvoiceLine,
    InvoiceTotals,
    LineStatus,
    OrderLine,
    OrderPurpose,
    OrderResponse,
    Package,
    PaymentTerms,
    ProductActivity,
    PurchaseOrder,
    ReceiptAdvice,
    ReceiptLine,
    ResponseLine,
    TaxSubtotal,
)

DAY = date(2025, 3, 10)
BUYER = Party(role=PartyRole.BUYER, gln="5412345000013", name="Buyer",
              address=Address(lines=("Main St 1", "Floor 2"), city="Brussels", country="BE"))
SUPPLIER = Party(role="supplier", duns="123456789", ids={"buyer": "V-1"}, email="s@example.com")
ITEM = ItemRef(gtin="04000862141404", buyer_part="B-1", description="Widget")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


SAMPLES: dict[str, Model] = {
    "purchase_order": PurchaseOrder(
        number="PO-1", purpose=OrderPurpose.CHANGE, issue_date=DAY, order_type="SA",
        currency="EUR", parties=(BUYER, SUPPLIER), requested_delivery=date(2025, 3, 20),
        references=(Reference(kind="contract", number="K-1", issue_date=DAY),),
        notes=("deliver to the back door",),
        lines=(OrderLine(line_number="1", item=ITEM, quantity=Quantity(value=Decimal("12.5")),
                         unit_price=eur("1.10"), line_amount=eur("13.75"),
                         ship_to=Party(role="ship_to", ids={"buyer": "STORE-1"}),
                         change="change"),),
        total=eur("13.75")),
    "order_response": OrderResponse(
        number="RSP-1", order_number="PO-1", issue_date=DAY, status=LineStatus.CHANGED,
        parties=(SUPPLIER,), notes=("partial",),
        lines=(ResponseLine(line_number="1", item=ITEM, status="backordered",
                            quantity=Quantity(value=Decimal(5), unit="CT"),
                            unit_price=eur("1.10"), delivery_date=date(2025, 4, 1),
                            order_line_number="1"),)),
    "despatch_advice": DespatchAdvice(
        number="ASN-1", issue_date=DAY, despatch_date=DAY, expected_delivery=date(2025, 3, 12),
        order_numbers=("PO-1", "PO-2"), parties=(SUPPLIER, BUYER), carrier="UPS",
        tracking_number="1Z999",
        packages=(Package(id="003541234567890128", kind="pallet"),
                  Package(id="003541234567890135", kind="carton", parent="003541234567890128")),
        lines=(DespatchLine(line_number="1", item=ITEM, quantity=Quantity(value=Decimal(3)),
                            order_number="PO-1", order_line_number="1",
                            package="003541234567890135", lot="L1",
                            best_before=date(2026, 1, 1)),)),
    "receipt_advice": ReceiptAdvice(
        number="REC-1", issue_date=DAY, receipt_date=DAY, despatch_number="ASN-1",
        order_numbers=("PO-1",), parties=(BUYER,),
        lines=(ReceiptLine(line_number="1", item=ITEM, received=Quantity(value=Decimal(2)),
                           damaged=Quantity(value=Decimal(1)), reason="crushed",
                           order_number="PO-1", order_line_number="1"),)),
    "invoice": Invoice(
        number="INV-1", credit_note=True, issue_date=DAY, currency="EUR", order_number="PO-1",
        despatch_number="ASN-1", receipt_number="REC-1", parties=(SUPPLIER, BUYER),
        lines=(InvoiceLine(line_number="1", item=ITEM, quantity=Quantity(value=Decimal(3)),
                           unit_price=eur("1.10"), line_amount=eur("3.30"),
                           tax_rate=Decimal("21"), order_number="PO-1"),),
        allowances_charges=(AllowanceCharge(charge=False, amount=eur("0.30"),
                                            reason="discount", percent=Decimal("10")),),
        taxes=(TaxSubtotal(category="S", rate=Decimal("21"), taxable=eur("3.00"),
                           tax=eur("0.63")),),
        totals=InvoiceTotals(line_total=eur("3.30"), allowance_total=eur("0.30"),
                             tax_total=eur("0.63"), taxable_total=eur("3.00"),
                             payable=eur("3.63")),
        payment_terms=PaymentTerms(due_date=date(2025, 4, 9), net_days=30,
                                   discount_percent=Decimal("2"), discount_days=10,
                                   text="2% 10 days, net 30"),
        notes=("thank you",)),
    "inventory_report": InventoryReport(
        number="INV-RPT-1", issue_date=DAY,
        as_of=datetime(2025, 3, 10, 6, 0, tzinfo=timezone(timedelta(hours=1))),
        parties=(BUYER,), location="5412345000020",
        lines=(InventoryLine(item=ITEM, location="5412345000020",
                             on_hand=Quantity(value=Decimal("40.5"), unit="KGM"),
                             status="available"),)),
    "product_activity": ProductActivity(
        number="SLS-1", issue_date=DAY, period=Period(start=date(2025, 3, 1), end=date(2025, 3, 7)),
        currency="EUR", parties=(BUYER,),
        lines=(ActivityLine(item=ITEM, location="STORE-1",
                            period=Period(start=date(2025, 3, 1), end=date(2025, 3, 7)),
                            sold=Quantity(value=Decimal(7)), returned=Quantity(value=Decimal(1)),
                            on_hand=Quantity(value=Decimal(20)), on_order=Quantity(value=0),
                            sales_amount=eur("7.70")),)),
    "forecast": Forecast(
        number="FC-1", issue_date=DAY, purpose="original",
        horizon=Period(start=date(2025, 4, 1), end=date(2025, 6, 30)), parties=(BUYER, SUPPLIER),
        lines=(ForecastLine(item=ITEM, location="DC-1", periods=(
            ForecastPeriod(period=Period(start=date(2025, 4, 1), end=date(2025, 4, 7)),
                           quantity=Quantity(value=Decimal(100)), commitment=Commitment.FIRM),
            ForecastPeriod(period=Period(start=date(2025, 4, 8), end=date(2025, 4, 14)),
                           quantity=Quantity(value=Decimal(80))))),)),
    "exception_notification": ExceptionNotification(
        number="EXC-1", issue_date=DAY, period=Period(start=date(2025, 4, 1),
                                                      end=date(2025, 4, 7)),
        parties=(BUYER, SUPPLIER),
        lines=(ExceptionLine(line_number="1", item=ITEM, location="DC-1",
                             period=Period(start=date(2025, 4, 1), end=date(2025, 4, 7)),
                             source_value=Quantity(value=Decimal(100)),
                             compared_value=Quantity(value=Decimal(140)),
                             variance=Decimal(-40), status="open", priority="high",
                             forecast_type="sales"),)),
}


# -- values: frozen, closed, exact ---------------------------------------------------------

def test_every_document_type_has_a_sample() -> None:
    """The hand-made samples cover DOCUMENT_TYPES, and each key is the model's `type`."""
    assert set(SAMPLES) == set(DOCUMENT_TYPES)
    for kind, model in DOCUMENT_TYPES.items():
        assert isinstance(SAMPLES[kind], model)
        assert getattr(SAMPLES[kind], "type") == kind  # noqa: B009 - not every Model has it


@pytest.mark.parametrize("kind", sorted(DOCUMENT_TYPES))
def test_documents_are_frozen(kind: str) -> None:
    """Documents and their parts cannot be changed once made."""
    document = SAMPLES[kind]
    with pytest.raises(ValidationError, match="frozen"):
        document.number = "changed"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="frozen"):
        BUYER.name = "changed"  # type: ignore[misc]
    assert isinstance(getattr(document, "parties"), tuple)  # noqa: B009


def test_lists_become_tuples() -> None:
    """Repeated parts given as lists are stored as tuples, so they cannot be appended to."""
    order = PurchaseOrder(number="1", issue_date=DAY, notes=["a", "b"],  # type: ignore[arg-type]
                          parties=[BUYER])  # type: ignore[arg-type]
    assert order.notes == ("a", "b")
    assert order.parties == (BUYER,)


def test_party_identifiers_are_frozen_too() -> None:
    """A frozen Party's partner ids cannot be changed after creation, and it hashes."""
    party = Party(role="buyer", ids={"buyer": "B-1"})
    with pytest.raises(TypeError):
        party.ids["buyer"] = "changed"  # type: ignore[index]
    assert hash(party) == hash(Party(role="buyer", ids={"buyer": "B-1"}))


@pytest.mark.parametrize(("model", "data", "where"), [
    (PurchaseOrder, {"number": "1", "issue_date": "2025-03-10", "colour": "red"}, "colour"),
    (PurchaseOrder, {"number": "1", "issue_date": "2025-03-10",
                     "parties": [{"role": "buyer", "nickname": "B"}]}, "parties.0.nickname"),
    (Invoice, {"number": "1", "issue_date": "2025-03-10",
               "totals": {"payable": {"amount": "1", "currency": "EUR", "fx": "1"}}},
     "totals.payable.fx"),
    (Quantity, {"value": "1", "uom": "EA"}, "uom"),
])
def test_unknown_fields_are_refused(model: type[Model], data: dict[str, Any], where: str) -> None:
    """A field the model does not define is refused at any depth, naming where it is."""
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    errors = err.value.errors()
    assert [(".".join(str(p) for p in e["loc"]), e["type"]) for e in errors] == [
        (where, "extra_forbidden")]


@pytest.mark.parametrize(("given_value", "exact"), [
    (0.1, Decimal("0.1")),
    (1.1, Decimal("1.1")),
    (2.675, Decimal("2.675")),
    ("0.10", Decimal("0.10")),
    (3, Decimal("3")),
])
def test_decimals_are_exact(given_value: Any, exact: Decimal) -> None:
    """Quantities and money are Decimals; floats are taken by their text, without drift."""
    assert Quantity(value=given_value).value == exact
    assert str(Money(amount=given_value).amount) == str(exact)


def test_decimal_arithmetic_has_no_float_drift() -> None:
    """Sums of quantities are exact, and JSON numbers and decimal strings are read exactly."""
    total = sum((Quantity(value=v).value for v in (0.1, 0.2)), Decimal(0))
    assert total == Decimal("0.3")
    assert Quantity.model_validate_json('{"value": 0.1}').value == Decimal("0.1")
    assert Money.model_validate_json('{"amount": "1234567890.123456789"}').amount == Decimal(
        "1234567890.123456789")


def test_decimals_keep_their_scale_in_json() -> None:
    """JSON writes decimals as strings with their scale: 1.10 stays 1.10."""
    assert Money(amount=Decimal("1.10"), currency="EUR").model_dump_json() == (
        '{"amount":"1.10","currency":"EUR"}')


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", Decimal("NaN"),
                                   float("inf"), "twelve"])
def test_non_finite_or_non_numbers_are_refused(value: Any) -> None:
    """A quantity must be a finite number."""
    with pytest.raises(ValidationError):
        Quantity(value=value)


def test_moments_must_be_aware() -> None:
    """A moment needs its time zone: a naive datetime with a time of day is refused."""
    with pytest.raises(ValidationError, match="naive datetimes are ambiguous"):
        InventoryReport(number="1", issue_date=DAY, as_of=datetime(2025, 3, 10, 12, 0))
    with pytest.raises(ValidationError, match="naive datetimes are ambiguous"):
        InventoryReport.model_validate_json(
            '{"number": "1", "issue_date": "2025-03-10", "as_of": "2025-03-10T12:00:00"}')


def test_aware_moments_and_dates_are_kept() -> None:
    """An aware moment keeps its offset; a plain date stays a date."""
    plus_two = timezone(timedelta(hours=2))
    moment = InventoryReport(number="1", issue_date=DAY,
                             as_of=datetime(2025, 3, 10, 12, 0, tzinfo=plus_two)).as_of
    assert isinstance(moment, datetime) and moment.utcoffset() == timedelta(hours=2)
    day = InventoryReport(number="1", issue_date=DAY, as_of=DAY).as_of
    assert type(day) is date


def test_enums_are_closed() -> None:
    """Roles, purposes and statuses take only their listed values."""
    with pytest.raises(ValidationError, match="Input should be 'buyer'"):
        Party(role="king")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PurchaseOrder(number="1", issue_date=DAY, purpose="amend")  # type: ignore[arg-type]
    assert Party(role="ship_to").role is PartyRole.SHIP_TO  # type: ignore[arg-type]


# -- identifiers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("party", "key"), [
    (Party(role="buyer", gln="1", duns="2", ids={"a": "3"}, name="N"), "gln:1"),
    (Party(role="buyer", duns="2", ids={"a": "3"}, name="N"), "duns:2"),
    (Party(role="buyer", ids={"supplier": "9", "buyer": "3"}, name="N"), "buyer:3"),
    (Party(role="buyer", name="N"), "name:N"),
    (Party(role="buyer"), "name:"),
    (Party(role="buyer", gln="", duns="2"), "duns:2"),   # an empty GLN is no GLN
])
def test_party_key_precedence(party: Party, key: str) -> None:
    """Party.key: GLN, then DUNS, then the first partner id by assigner name, then name."""
    assert party.key() == key


@pytest.mark.parametrize(("item", "key"), [
    (ItemRef(gtin="1", supplier_part="S", buyer_part="B", description="D"), "gtin:1"),
    (ItemRef(supplier_part="S", buyer_part="B", description="D"), "supplier:S"),
    (ItemRef(buyer_part="B", description="D"), "buyer:B"),
    (ItemRef(description="D"), "description:D"),
    (ItemRef(), "description:"),
])
def test_item_key_precedence(item: ItemRef, key: str) -> None:
    """ItemRef.key: GTIN, then the supplier's part number, then the buyer's, then description."""
    assert item.key() == key


def test_purchase_order_party_by_role() -> None:
    """PurchaseOrder.party finds the first party in a role, or None."""
    order = SAMPLES["purchase_order"]
    assert isinstance(order, PurchaseOrder)
    assert order.party(PartyRole.SUPPLIER) == SUPPLIER
    assert order.party(PartyRole.CARRIER) is None


# -- the JSON form --------------------------------------------------------------------------------

DOCUMENT = TypeAdapter(Document)


@pytest.mark.parametrize("kind", sorted(DOCUMENT_TYPES))
def test_json_round_trip_of_hand_made_documents(kind: str) -> None:
    """model_dump_json -> model_validate_json gives an equal document of every type."""
    document = SAMPLES[kind]
    text = document.model_dump_json()
    assert DOCUMENT_TYPES[kind].model_validate_json(text) == document
    assert DOCUMENT.validate_json(text) == document


def test_the_json_form_says_what_it_is() -> None:
    """`type` picks the model when reading a JSON document; a wrong type is refused."""
    assert isinstance(DOCUMENT.validate_json(SAMPLES["invoice"].model_dump_json()), Invoice)
    with pytest.raises(ValidationError):
        PurchaseOrder(type="invoice", number="1", issue_date=DAY)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        DOCUMENT.validate_python({"type": "memo", "number": "1", "issue_date": DAY})


# Strategies built from the models' own field types, so new fields are covered too.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


def _for_type(annotation: Any) -> st.SearchStrategy[Any]:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _for_type(args[0])
    if origin in (Union, types.UnionType):
        return st.one_of([_for_type(a) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if origin is tuple:
        return st.lists(_for_type(args[0]), max_size=2).map(tuple)
    if origin is dict:
        return st.dictionaries(TEXT, TEXT, max_size=2)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        type(None): st.none(),
        str: TEXT,
        bool: st.booleans(),
        int: st.integers(-(10**9), 10**9),
        Decimal: st.decimals(allow_nan=False, allow_infinity=False),
        date: st.dates(),
        datetime: st.builds(lambda moment, tz: moment.replace(tzinfo=tz),
                            st.datetimes(min_value=datetime(1, 1, 2),
                                         max_value=datetime(9999, 12, 30)), OFFSETS),
    }
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return instances(annotation)
    raise AssertionError(f"no strategy for {annotation!r}: extend _for_type")


# Fields a model works out from the others when they are not given (drawn freely,
# they would rarely agree with them).
DERIVED: dict[type[BaseModel], frozenset[str]] = {ReceiptLine: frozenset({"accepted"})}


def _valid(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    try:
        return model(**fields)
    except ValidationError:
        return None  # values drawn against a rule between fields: drawn again


@cache
def instances(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Valid instances of ``model``: every required field, any of the optional ones."""
    derived = DERIVED.get(model, frozenset())
    required = {n: _for_type(f.annotation) for n, f in model.model_fields.items()
                if f.is_required()}
    optional = {n: _for_type(f.annotation) for n, f in model.model_fields.items()
                if not f.is_required() and n not in derived}
    return st.fixed_dictionaries(required, optional=optional) \
        .map(lambda kw: _valid(model, kw)).filter(lambda built: built is not None)


@pytest.mark.parametrize("kind", sorted(DOCUMENT_TYPES))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_round_trip_of_built_documents(kind: str, data: st.DataObject) -> None:
    """Any valid document of any type survives model_dump_json -> model_validate_json equal."""
    document = data.draw(instances(DOCUMENT_TYPES[kind]))
    text = document.model_dump_json()
    assert DOCUMENT_TYPES[kind].model_validate_json(text) == document
    assert DOCUMENT.validate_json(text) == document


@settings(max_examples=50, deadline=None)
@given(instances(Party))
def test_json_round_trip_keeps_the_party_key(party: Party) -> None:
    """A party read back from JSON has the same key."""
    assert Party.model_validate_json(party.model_dump_json()).key() == party.key()


def test_utc_moments_in_json() -> None:
    """An aware UTC moment is written with its zone and read back as the same instant."""
    report = InventoryReport(number="1", issue_date=DAY,
                             as_of=datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    assert '"as_of":"2025-03-10T12:00:00Z"' in report.model_dump_json()
    assert InventoryReport.model_validate_json(report.model_dump_json()) == report


def test_receipt_quantities_derived_exactly_whatever_their_digits() -> None:
    """Rule: accepted = received - rejected - damaged exactly (no 28-digit rounding), so
    a receipt line read back from its JSON is the same line, not a disagreement."""
    line = ReceiptLine(line_number="1", item=ITEM,
                       received=Quantity(value=Decimal("123456789012345678901234567890.5")),
                       damaged=Quantity(value=Decimal("0.0001")))
    assert line.accepted is not None
    assert line.accepted.value == Decimal("123456789012345678901234567890.4999")
    assert ReceiptLine.model_validate_json(line.model_dump_json()) == line


def test_receipt_quantities_too_far_apart_are_refused() -> None:
    """Rule: quantities whose exact sum would need hundreds of digits are a validation
    error, not a huge computation."""
    with pytest.raises(ValidationError, match="cannot be added exactly"):
        ReceiptLine(line_number="1", item=ITEM, received=Quantity(value=Decimal("1E+300")),
                    damaged=Quantity(value=Decimal("1E-300")))
