"""The business documents the gateway exchanges, neutral across standards.

Purchase order (with change and cancellation), order response, despatch
advice, receipt advice, invoice, inventory report, product activity (sales
report), forecast (planning schedule) and the CPFR exception notification.
Mappings are the only bridge to and from the syntax trees; the database layer
stores these values. Each document carries ``type`` so a JSON form says what it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from gateway.documents.common import (
    AwareDatetime,
    ItemRef,
    Model,
    Money,
    Party,
    PartyRole,
    Period,
    Quantity,
    Reference,
)

# -- orders -------------------------------------------------------------------------


class OrderPurpose(StrEnum):
    ORIGINAL = "original"
    CHANGE = "change"
    CANCELLATION = "cancellation"
    REPLACE = "replace"


class OrderLine(Model):
    line_number: str
    item: ItemRef
    quantity: Quantity
    unit_price: Money | None = None
    line_amount: Money | None = None
    requested_delivery: date | None = None
    ship_to: Party | None = None
    # For a change: what happens to this line ("add", "change", "delete").
    change: str | None = None


class PurchaseOrder(Model):
    type: Literal["purchase_order"] = "purchase_order"
    number: str
    purpose: OrderPurpose = OrderPurpose.ORIGINAL
    issue_date: date
    order_type: str | None = None  # e.g. stand-alone, blanket, consignment, as the partner codes it
    currency: str | None = None
    parties: tuple[Party, ...] = ()
    requested_delivery: date | None = None
    references: tuple[Reference, ...] = ()
    notes: tuple[str, ...] = ()
    lines: tuple[OrderLine, ...] = ()
    total: Money | None = None

    def party(self, role: PartyRole) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)


class LineStatus(StrEnum):
    ACCEPTED = "accepted"
    CHANGED = "changed"
    REJECTED = "rejected"
    BACKORDERED = "backordered"


class ResponseLine(Model):
    line_number: str
    # A line may confirm an order line by its number alone (cXML without ItemIn).
    item: ItemRef | None = None
    status: LineStatus
    quantity: Quantity | None = None
    unit_price: Money | None = None
    delivery_date: date | None = None
    order_line_number: str | None = None


class OrderResponse(Model):
    type: Literal["order_response"] = "order_response"
    number: str
    order_number: str
    issue_date: date
    status: LineStatus
    currency: str | None = None
    parties: tuple[Party, ...] = ()
    notes: tuple[str, ...] = ()
    lines: tuple[ResponseLine, ...] = ()


# -- shipping -------------------------------------------------------------------------


class DespatchLine(Model):
    line_number: str
    item: ItemRef
    quantity: Quantity
    order_number: str | None = None
    order_line_number: str | None = None
    package: str | None = None  # SSCC (or other id) of the package the goods are in
    lot: str | None = None
    best_before: date | None = None


class Package(Model):
    id: str  # SSCC where the partner uses them
    kind: str | None = None  # pallet, carton, ... as the partner codes it
    parent: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_its_own_parent(cls, data: Any) -> Any:
        """A package named as its own parent (files that give every level one SSCC)
        has none: no hierarchy can hold it."""
        if isinstance(data, dict) and data.get("parent") is not None \
                and data.get("parent") == data.get("id"):
            return {k: v for k, v in data.items() if k != "parent"}
        return data


class DespatchAdvice(Model):
    type: Literal["despatch_advice"] = "despatch_advice"
    number: str
    issue_date: date
    despatch_date: date | None = None
    expected_delivery: date | None = None
    order_numbers: tuple[str, ...] = ()
    parties: tuple[Party, ...] = ()
    carrier: str | None = None
    tracking_number: str | None = None
    packages: tuple[Package, ...] = ()
    lines: tuple[DespatchLine, ...] = ()


class ReceiptLine(Model):
    """What arrived of one item. ``received`` is everything that arrived; of it,
    ``rejected`` was refused (to be returned or destroyed) and ``damaged`` found
    damaged and set aside; ``accepted`` is the rest, taken into stock and paid for.

    The standards report it differently (UBL the total received and the part
    rejected; EDIFACT QTY 194/195, X12 RCD and cXML the accepted and the rejected
    quantities side by side), so a document may give either ``received`` or
    ``accepted``: the other follows from the parts. Given both, they must agree."""

    line_number: str
    item: ItemRef
    received: Quantity
    accepted: Quantity | None = None
    damaged: Quantity | None = None
    rejected: Quantity | None = None
    reason: str | None = None
    order_number: str | None = None
    order_line_number: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _received_and_accepted(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        received, accepted = data.get("received"), data.get("accepted")
        parts = [_amount(data.get(name)) for name in ("rejected", "damaged")]
        aside = _exact_sum(*(p for p in parts if p is not None))
        if received is None and accepted is not None:
            amount = _amount(accepted)
            if amount is not None:
                return {**data, "received": {"value": _exact_sum(amount, aside),
                                             "unit": _unit(accepted)}}
        elif received is not None and accepted is None:
            amount = _amount(received)
            if amount is not None:
                return {**data, "accepted": {"value": _exact_sum(amount, aside.copy_negate()),
                                             "unit": _unit(received)}}
        elif received is not None and accepted is not None:
            total, taken = _amount(received), _amount(accepted)
            if total is not None and taken is not None and total != _exact_sum(taken, aside):
                raise ValueError(f"received {total} is not accepted {taken} plus "
                                 f"rejected and damaged {aside}")
        return data

    @model_validator(mode="after")
    def _parts_within_received(self) -> ReceiptLine:
        if self.accepted is not None and self.accepted.value < 0:
            raise ValueError(f"rejected and damaged together exceed the {self.received.value} "
                             "received")
        return self


class ReceiptAdvice(Model):
    type: Literal["receipt_advice"] = "receipt_advice"
    number: str
    issue_date: date
    receipt_date: date | None = None
    despatch_number: str | None = None
    order_numbers: tuple[str, ...] = ()
    parties: tuple[Party, ...] = ()
    lines: tuple[ReceiptLine, ...] = ()


_EXACT_DIGITS = 200  # far beyond any quantity a column holds; keeps a hostile one cheap


def _exact_sum(*values: Decimal) -> Decimal:
    """The sum without rounding (the default context keeps 28 digits, so a received
    quantity derived by rounding would not equal its parts when read back)."""
    if not values:
        return Decimal(0)
    top = max(v.adjusted() for v in values)
    bottom = min(int(v.as_tuple().exponent) for v in values)
    digits = top - bottom + 2
    if digits > _EXACT_DIGITS:
        raise ValueError("received, accepted, rejected and damaged quantities span more "
                         f"than {_EXACT_DIGITS} digits together: they cannot be added exactly")
    with localcontext() as context:
        context.prec = max(digits, 28)
        return sum(values[1:], values[0])


def _amount(quantity: Any) -> Decimal | None:
    """The value of a quantity given as a model or as its fields (before validation)."""
    value = quantity.value if isinstance(quantity, Quantity) else \
        quantity.get("value") if isinstance(quantity, dict) else None
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return None  # not a number: the field's own validation says so
    return number if number.is_finite() else None


def _unit(quantity: Any) -> str:
    unit = quantity.unit if isinstance(quantity, Quantity) else \
        quantity.get("unit") if isinstance(quantity, dict) else None
    return str(unit) if unit else "EA"


# -- invoicing -------------------------------------------------------------------------


class AllowanceCharge(Model):
    charge: bool  # False: allowance (discount), True: charge
    amount: Money
    reason: str | None = None
    percent: Decimal | None = None


class TaxSubtotal(Model):
    category: str | None = None  # S, Z, E, ... (UN/ECE 5305)
    rate: Decimal | None = None
    taxable: Money | None = None
    tax: Money


class InvoiceLine(Model):
    line_number: str
    item: ItemRef
    quantity: Quantity
    unit_price: Money | None = None
    line_amount: Money | None = None
    tax_rate: Decimal | None = None
    order_number: str | None = None
    order_line_number: str | None = None


class PaymentTerms(Model):
    due_date: date | None = None
    net_days: int | None = None
    discount_percent: Decimal | None = None
    discount_days: int | None = None
    text: str | None = None


class InvoiceTotals(Model):
    line_total: Money | None = None
    allowance_total: Money | None = None
    charge_total: Money | None = None
    tax_total: Money | None = None
    taxable_total: Money | None = None
    payable: Money | None = None


class Invoice(Model):
    type: Literal["invoice"] = "invoice"
    number: str
    credit_note: bool = False
    issue_date: date
    currency: str | None = None
    order_number: str | None = None
    despatch_number: str | None = None
    receipt_number: str | None = None
    parties: tuple[Party, ...] = ()
    lines: tuple[InvoiceLine, ...] = ()
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    taxes: tuple[TaxSubtotal, ...] = ()
    totals: InvoiceTotals = InvoiceTotals()
    payment_terms: PaymentTerms | None = None
    notes: tuple[str, ...] = ()


# -- inventory and sales -------------------------------------------------------------------


class InventoryLine(Model):
    item: ItemRef
    location: str | None = None  # GLN of the stock location
    on_hand: Quantity
    status: str | None = None  # e.g. available, damaged, in transit, as reported


class InventoryReport(Model):
    type: Literal["inventory_report"] = "inventory_report"
    number: str
    issue_date: date
    as_of: AwareDatetime | date | None = None
    parties: tuple[Party, ...] = ()
    location: str | None = None
    lines: tuple[InventoryLine, ...] = ()


class ActivityLine(Model):
    item: ItemRef
    location: str | None = None
    period: Period | None = None
    sold: Quantity | None = None
    returned: Quantity | None = None
    on_hand: Quantity | None = None
    on_order: Quantity | None = None
    sales_amount: Money | None = None


class ProductActivity(Model):
    """A sales and stock report per item, location and period (SLSRPT, 852)."""

    type: Literal["product_activity"] = "product_activity"
    number: str
    issue_date: date
    period: Period | None = None
    currency: str | None = None
    parties: tuple[Party, ...] = ()
    lines: tuple[ActivityLine, ...] = ()


# -- planning -------------------------------------------------------------------------------


class Commitment(StrEnum):
    FIRM = "firm"
    PLANNING = "planning"


class ForecastPeriod(Model):
    period: Period
    quantity: Quantity
    commitment: Commitment = Commitment.PLANNING


class ForecastLine(Model):
    item: ItemRef
    location: str | None = None
    periods: tuple[ForecastPeriod, ...] = ()


class Forecast(Model):
    """A forecast or planning schedule (DELFOR, SLSFCT, 830, UBL Forecast)."""

    type: Literal["forecast"] = "forecast"
    number: str
    issue_date: date
    purpose: str | None = None
    horizon: Period | None = None
    parties: tuple[Party, ...] = ()
    lines: tuple[ForecastLine, ...] = ()


class ExceptionLine(Model):
    """One CPFR exception: the partner's figure (compared value) against the sender's
    (source value) for an item, location and period (UBL ExceptionNotificationLine)."""

    line_number: str
    item: ItemRef
    location: str | None = None
    period: Period
    source_value: Quantity
    compared_value: Quantity
    variance: Decimal
    status: str | None = None  # open, resolved
    priority: str | None = None  # high, medium, low
    resolution: str | None = None  # buyer, seller, average, high, low, manual
    forecast_type: str | None = None  # sales or order: what was compared
    note: str | None = None


class ExceptionNotification(Model):
    """Exceptions found comparing forecasts, sales and stock (UBL ExceptionNotification)."""

    type: Literal["exception_notification"] = "exception_notification"
    number: str
    issue_date: date
    period: Period
    parties: tuple[Party, ...] = ()
    lines: tuple[ExceptionLine, ...] = ()


Document = Annotated[
    PurchaseOrder | OrderResponse | DespatchAdvice | ReceiptAdvice | Invoice | InventoryReport
    | ProductActivity | Forecast | ExceptionNotification,
    Field(discriminator="type"),
]

DOCUMENT_TYPES: dict[str, type[Model]] = {
    "purchase_order": PurchaseOrder,
    "order_response": OrderResponse,
    "despatch_advice": DespatchAdvice,
    "receipt_advice": ReceiptAdvice,
    "invoice": Invoice,
    "inventory_report": InventoryReport,
    "product_activity": ProductActivity,
    "forecast": Forecast,
    "exception_notification": ExceptionNotification,
}
