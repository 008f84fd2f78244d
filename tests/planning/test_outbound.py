"""Planning's documents in each supplier standard: the purchase order and the order
forecast rendered as X12 850/830, EDIFACT ORDERS/DELFOR and UBL Order/Forecast are
valid and read back to the same figures by the gateway's inbound mappings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gateway.documents.common import ItemRef, Party, PartyRole, Period, Quantity, gtin14
from gateway.documents.models import (
    Forecast,
    ForecastLine,
    ForecastPeriod,
    OrderLine,
    PurchaseOrder,
)
from gateway.edi.report import inspect
from gateway.mapping.convert import documents, written_issues
from gateway.mapping.registry import load_mappings
from gateway.planning.outbound import render

BUYER = Party(role=PartyRole.BUYER, gln="0614141000012", name="NORTHWIND RETAIL")
SUPPLIER = Party(role=PartyRole.SUPPLIER, gln="0614141999996", name="ACME HOUSEWARES")
SHIP_TO = Party(role=PartyRole.SHIP_TO, gln="0614141000029")
ITEM = ItemRef(gtin="00614141100019", supplier_part="BX-330")
NOW = datetime(2024, 7, 1, 6, 0, tzinfo=UTC)

ORDER = PurchaseOrder(
    number="PLN0000007", issue_date=date(2024, 7, 1), parties=(BUYER, SUPPLIER, SHIP_TO),
    requested_delivery=date(2024, 7, 8),
    lines=(OrderLine(line_number="1", item=ITEM, quantity=Quantity(value=Decimal(48)),
                     requested_delivery=date(2024, 7, 8)),))
FORECAST = Forecast(
    number="F0000007", issue_date=date(2024, 7, 1), purpose="original",
    horizon=Period(start=date(2024, 7, 1), end=date(2024, 7, 14)), parties=(BUYER, SUPPLIER),
    lines=(ForecastLine(item=ITEM, location="0614141000029", periods=(
        ForecastPeriod(period=Period(start=date(2024, 7, 1), end=date(2024, 7, 7)),
                       quantity=Quantity(value=Decimal(33))),
        ForecastPeriod(period=Period(start=date(2024, 7, 8), end=date(2024, 7, 14)),
                       quantity=Quantity(value=Decimal("45.5"))))),))


@pytest.mark.parametrize("standard", ["x12", "edifact", "ubl"])
def test_order_and_forecast_in_each_standard(standard: str) -> None:
    """Quantities, item and dates survive the round through the partner's standard."""
    mappings = load_mappings()
    for document in (ORDER, FORECAST):
        version, data = render(document, standard, mappings, now=NOW, control=7,
                               sender=BUYER, receiver=SUPPLIER)
        assert version == {"x12": "004010", "edifact": "D96A", "ubl": "2.1"}[standard]
        if standard != "ubl":
            assert written_issues(data) == []
        (read,) = [m.document for m in documents(inspect(data), mappings)]
        assert read is not None and read.number == document.number
        if isinstance(read, PurchaseOrder):
            assert read.lines[0].quantity.value == Decimal(48)
            # The same GTIN, in the digits the standard writes it in (X12 UP: twelve).
            assert gtin14(read.lines[0].item.gtin or "") == ITEM.gtin
        else:
            assert isinstance(read, Forecast)
            # UBL has one period per ForecastLine: read back, one line per period.
            got = [(p.period.start, p.quantity.value) for line in read.lines
                   for p in line.periods if gtin14(line.item.gtin or "") == ITEM.gtin]
            assert got == [(date(2024, 7, 1), Decimal(33)),
                           (date(2024, 7, 8), Decimal("45.5"))]


def test_an_unknown_standard_is_refused() -> None:
    """Planning writes X12, EDIFACT or UBL; anything else is a clear error."""
    with pytest.raises(ValueError, match="x12, edifact or ubl"):
        render(ORDER, "cxml", load_mappings(), now=NOW, control=1, sender=None,
               receiver=None)
