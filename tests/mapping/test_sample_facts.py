"""The samples say what their stories say: per sample, the facts a business reads in
it (who buys, who ships to where, which item, how many, in what unit, at what
price, on which dates, for what total), and across standards, the samples that
tell one story agree on the fields they share.

Every expected value here was read by hand from the sample's bytes (see
samples/README.md for the stories), never from the gateway's output or the
``*.document.json`` goldens, which are regenerated from the code: a wrong mapping
(a ship-to read as a ship-from, a price read from the line amount, a unit dropped)
fails here even when it is wrong both ways and every round trip holds.

A fact is ``path: value``. The path walks the document as JSON: ``a.b``;
``parties[ship_to]`` is the one party of that role, ``lines[2]`` the line numbered
2, ``periods[0]`` (a list without roles or line numbers) the first item. Numbers
compare as decimals, GTINs as written in the file.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.documents.common import Model
from gateway.edi.report import inspect
from gateway.mapping.convert import documents
from gateway.mapping.registry import Mappings, load_mappings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SUFFIX = {"x12": ".x12", "edifact": ".edi", "ubl": ".xml", "cxml": ".xml"}
MISSING = object()

# -- X12: order 4500017821 from Northwind Retail to Acme Housewares (DUNS 039456712)
# for DC 0007; 005010: order 4500018190 for store 1187.
X12: dict[str, dict[str, Any]] = {
    "850_004010": {
        "number": "4500017821", "issue_date": "2024-03-11", "currency": "USD",
        "requested_delivery": "2024-03-18",
        "parties[ship_to].ids.assigned": "0007", "parties[ship_to].name": "NORTHWIND DC 7",
        "parties[ship_to].address.city": "COLUMBUS", "parties[ship_to].address.postal_code":
            "43219", "parties[bill_to].ids.assigned": "0001",
        "lines[1].item.gtin": "614141100019", "lines[1].item.supplier_part": "BX-330",
        "lines[1].quantity.value": 24, "lines[1].quantity.unit": "EA",
        "lines[1].unit_price.amount": "12.50",
        "lines[1].item.description": "STAINLESS WATER BOTTLE 750ML BLUE",
        "lines[2].item.gtin": "614141100026", "lines[2].quantity.value": 36,
        "lines[3].item.supplier_part": "LB-120", "lines[3].unit_price.amount": "18.75",
    },
    "855_004010": {
        # BAK 04 is the order's date, BAK 09 the acknowledgement's.
        "order_number": "4500017821", "issue_date": "2024-03-12", "number": "SO-90117",
        "parties[ship_to].ids.assigned": "0007",
        "lines[1].status": "accepted", "lines[1].quantity.value": 24,
        "lines[2].item.gtin": "614141100026", "lines[3].status": "rejected",
    },
    "860_004010": {
        "number": "4500017821", "issue_date": "2024-03-11", "purpose": "change",
        "parties[ship_to].ids.assigned": "0007",
        "lines[1].quantity.value": 30, "lines[1].change": "change",
        "lines[3].change": "delete", "lines[4].change": "add",
        "lines[4].item.supplier_part": "TM-050", "lines[4].quantity.value": 48,
        "lines[4].unit_price.amount": "9.90",
    },
    "856_004010": {
        "number": "SH240318007", "despatch_date": "2024-03-18",
        "order_numbers[0]": "4500017821", "tracking_number": "1Z999AA10123456784",
        "parties[ship_to].ids.assigned": "0007", "parties[ship_from].duns": "039456712",
        "parties[ship_from].address.city": "DAYTON",
        "packages[0].id": "006141410000000012",
        # An 856 line without LIN 01 is numbered by its HL.
        "lines[4].item.gtin": "614141100019", "lines[4].quantity.value": 24,
        "lines[4].package": "006141410000000012",
        "lines[7].item.supplier_part": "TM-050", "lines[7].quantity.value": 12,
        "lines[7].package": "006141410000000029",
    },
    "810_004010": {
        "number": "INV-77120", "issue_date": "2024-03-19", "order_number": "4500017821",
        "parties[payee].duns": "039456712", "parties[bill_to].ids.assigned": "0001",
        "parties[ship_to].ids.assigned": "0007",
        "lines[2].quantity.value": 18, "lines[2].item.supplier_part": "BX-331",
        "lines[3].item.gtin": "614141100040", "lines[3].unit_price.amount": "10.40",
        "totals.payable.amount": "664.80", "payment_terms.net_days": 30,
    },
    "861_004010": {
        "number": "RC-771203", "issue_date": "2024-03-20", "order_numbers[0]": "4500017821",
        "despatch_number": "SH240318007", "parties[ship_to].ids.assigned": "0007",
        "lines[2].item.gtin": "614141100026", "lines[2].accepted.value": 16,
        "lines[2].rejected.value": 2, "lines[3].accepted.value": 12,
    },
    "850_005010": {
        "number": "4500018190", "issue_date": "2024-03-25", "requested_delivery": "2024-03-28",
        "parties[ship_to].ids.assigned": "1187", "parties[ship_to].address.city": "DUBLIN",
        "lines[1].quantity.value": 48, "lines[2].item.gtin": "614141100040",
        "lines[2].quantity.value": 24, "lines[2].unit_price.amount": "9.90",
    },
    "855_005010": {
        "order_number": "4500018190", "parties[ship_to].ids.assigned": "1187",
        "parties[supplier].duns": "039456712", "lines[2].quantity.value": 36,
        "lines[3].status": "backordered", "lines[3].item.supplier_part": "LB-120",
    },
    "860_005010": {
        "number": "4500018190", "parties[ship_to].ids.assigned": "1187",
        "lines[2].quantity.value": 36, "lines[3].change": "add",
        "lines[3].quantity.value": 12, "lines[3].unit_price.amount": "18.75",
    },
    "856_005010": {
        "number": "SH240327011", "despatch_date": "2024-03-27",
        "order_numbers[0]": "4500018190", "parties[ship_to].ids.assigned": "1187",
        "parties[ship_from].duns": "039456712",
        "lines[2].quantity.value": 36, "lines[2].item.gtin": "614141100040",
        "lines[2].lot": "L2403-17", "lines[2].package": "006141410000000067",
    },
    "810_005010": {
        "number": "INV-77342", "issue_date": "2024-03-28", "order_number": "4500018190",
        "currency": "USD", "parties[ship_to].ids.assigned": "1187",
        "lines[2].quantity.value": 33, "lines[2].unit_price.amount": "9.90",
        "totals.payable.amount": "944.20",
    },
    "861_005010": {
        "number": "RC-771388", "order_numbers[0]": "4500018190",
        "parties[ship_to].ids.assigned": "1187",
        "lines[1].accepted.value": 48, "lines[2].item.gtin": "614141100040",
        "lines[2].accepted.value": 33,
    },
    "830_004010": {
        "number": "PS-2024-12", "issue_date": "2024-03-18", "horizon.start": "2024-03-25",
        "horizon.end": "2024-04-21", "parties[ship_to].ids.assigned": "0007",
        "parties[supplier].duns": "039456712", "lines[0].item.gtin": "614141100019",
        "lines[0].periods[0].period.start": "2024-03-25",
        "lines[0].periods[0].quantity.value": 240, "lines[0].periods[0].commitment": "firm",
        "lines[0].periods[2].quantity.value": 288,
        "lines[0].periods[2].commitment": "planning",
        "lines[1].item.supplier_part": "BX-331",
    },
    "830_005010": {
        "number": "PS-2024-14", "parties[ship_to].ids.assigned": "0007",
        "lines[1].item.gtin": "614141100040", "lines[1].periods[0].period.start": "2024-04-01",
        "lines[1].periods[0].period.end": "2024-04-07",
        "lines[1].periods[0].quantity.value": 144,
    },
    "846_004010": {
        "number": "INV-20240320-DAY", "issue_date": "2024-03-20",
        "parties[supplier].duns": "039456712",
        "lines[0].item.gtin": "614141100019", "lines[0].on_hand.value": 1250,
        "lines[0].on_hand.unit": "EA",
    },
    "846_005010": {
        "number": "INV-20240328-DAY", "issue_date": "2024-03-28",
        "lines[0].item.supplier_part": "BX-330", "lines[0].on_hand.value": 1154,
    },
    "852_004010": {
        "period.start": "2024-03-11", "period.end": "2024-03-17",
        "parties[reporter].ids.assigned": "0001", "parties[supplier].duns": "039456712",
    },
    "852_005010": {
        "number": "SR-2024-13", "period.start": "2024-03-25", "period.end": "2024-03-31",
    },
}

# -- EDIFACT D96A: PO4500017821 from Northwind Retail (5412345000013) to Brauerei
# Weissbach (4012345000016) for the store 5412345000037; D01B: PO4500018190 for the
# store 5412345000044.
BUYER, SUPPLIER, STORE = "5412345000013", "4012345000016", "5412345000037"
STORE_D01B = "5412345000044"
EDIFACT: dict[str, dict[str, Any]] = {
    "ORDERS_D96A": {
        "number": "PO4500017821", "issue_date": "2024-03-11", "currency": "EUR",
        "requested_delivery": "2024-03-18", "parties[buyer].gln": BUYER,
        "parties[supplier].gln": SUPPLIER, "parties[ship_to].gln": STORE,
        "parties[invoicee].gln": BUYER, "parties[buyer].ids.vat": "BE0123456749",
        "notes[0]": "Ramp 4+5 only: use the driver's gate, Rue du Port",
        "lines[1].item.gtin": "4012345100013", "lines[1].item.supplier_part": "WB-500-06",
        "lines[1].quantity.value": 48, "lines[1].quantity.unit": "EA",
        "lines[1].unit_price.amount": "4.79",
        "lines[2].item.gtin": "4012345100020", "lines[2].quantity.value": 30,
        "lines[2].unit_price.amount": "15.90",
        "lines[3].item.gtin": "4012345100037", "lines[3].quantity.value": 24,
        "lines[3].unit_price.amount": "7.45",
    },
    "ORDRSP_D96A": {
        "number": "RSP-88231", "order_number": "PO4500017821", "issue_date": "2024-03-11",
        "parties[ship_to].gln": STORE, "lines[1].status": "accepted",
        "lines[1].quantity.value": 48, "lines[2].status": "changed",
        "lines[2].quantity.value": 24, "lines[2].delivery_date": "2024-03-20",
        "lines[3].status": "rejected", "lines[3].quantity.value": 0,
    },
    "ORDCHG_D96A": {
        "number": "PO4500017821", "issue_date": "2024-03-12",
        "requested_delivery": "2024-03-19", "parties[ship_to].gln": STORE,
        "lines[1].change": "change", "lines[1].quantity.value": 60,
        "lines[3].change": "delete", "lines[4].change": "add",
        "lines[4].item.gtin": "4012345100044", "lines[4].quantity.value": 12,
        "lines[4].unit_price.amount": "13.20",
    },
    "DESADV_D96A": {
        "number": "DES-240318-07", "issue_date": "2024-03-18", "despatch_date": "2024-03-18",
        "expected_delivery": "2024-03-19", "order_numbers[0]": "PO4500017821",
        "parties[supplier].gln": SUPPLIER, "parties[ship_to].gln": STORE,
        "lines[1].item.gtin": "4012345100013", "lines[1].quantity.value": 48,
        "lines[1].package": "340123450000000017",
        "lines[3].item.gtin": "4012345100020", "lines[3].quantity.value": 12,
        "lines[3].package": "340123450000000024",
    },
    "INVOIC_D96A": {
        "number": "INV-2024-031907", "issue_date": "2024-03-19", "currency": "EUR",
        "order_number": "PO4500017821", "despatch_number": "DES-240318-07",
        "parties[buyer].gln": BUYER, "parties[supplier].gln": SUPPLIER,
        "parties[supplier].ids.vat": "DE123456788", "parties[ship_to].gln": STORE,
        "parties[supplier].address.city": "Würzburg",
        "lines[1].item.gtin": "4012345100013", "lines[1].quantity.value": 48,
        "lines[1].unit_price.amount": "4.89", "lines[1].line_amount.amount": "234.72",
        "lines[2].quantity.value": 24, "lines[2].unit_price.amount": "15.90",
        "totals.line_total.amount": "597.24", "totals.tax_total.amount": "118.23",
        "totals.payable.amount": "740.47", "payment_terms.net_days": 30,
    },
    "RECADV_D96A": {
        "number": "REC-771203", "receipt_date": "2024-03-19",
        "despatch_number": "DES-240318-07", "order_numbers[0]": "PO4500017821",
        "parties[ship_to].gln": STORE, "lines[1].accepted.value": 48,
        "lines[2].item.gtin": "4012345100020", "lines[2].accepted.value": 22,
        "lines[2].rejected.value": 2,
    },
    "DESADV_D96A_nested": {
        "number": "DES-240325-15", "order_numbers[0]": "PO4500017821",
        "parties[ship_to].gln": STORE, "lines[1].quantity.value": 12,
        "lines[2].quantity.value": 6, "lines[3].item.gtin": "4012345100044",
        "lines[3].quantity.value": 12, "lines[3].package": "340123450000000130",
    },
    "ORDERS_D01B": {
        "number": "PO4500018190", "issue_date": "2024-03-25", "currency": "EUR",
        # DTM 2 as a 719 range (CCYYMMDDHHMM-CCYYMMDDHHMM): its day.
        "requested_delivery": "2024-03-28", "parties[buyer].gln": BUYER,
        "parties[ship_to].gln": STORE_D01B, "lines[1].item.gtin": "4012345100013",
        "lines[1].quantity.value": 96, "lines[1].quantity.unit": "EA",
        "lines[1].unit_price.amount": "4.79", "lines[2].item.gtin": "4012345100044",
        "lines[2].quantity.value": 20, "lines[2].unit_price.amount": "13.20",
    },
    "ORDCHG_D01B": {
        # BGM holds the change's own number; the order's is in RFF ON.
        "number": "PO4500018190", "issue_date": "2024-03-26",
        "references[0].number": "CHG-4500018190-1",
        "lines[1].change": "change", "lines[1].quantity.value": 120,
        "lines[2].change": "delete", "lines[3].change": "add",
        "lines[3].item.gtin": "4012345100051", "lines[3].quantity.value": 24,
        "lines[3].unit_price.amount": "9.90",
    },
    "ORDRSP_D01B": {
        "number": "RSP-88307", "order_number": "PO4500018190", "issue_date": "2024-03-26",
        "lines[1].status": "accepted", "lines[1].quantity.value": 120,
        "lines[1].order_line_number": "1", "lines[2].status": "changed",
        "lines[2].quantity.value": 12, "lines[2].order_line_number": "3",
        "lines[2].delivery_date": "2024-04-02", "lines[2].unit_price.amount": "9.90",
    },
    "DESADV_D01B": {
        "number": "DES-240327-08", "despatch_date": "2024-03-27",
        "expected_delivery": "2024-03-28", "order_numbers[0]": "PO4500018190",
        "parties[ship_to].gln": STORE_D01B, "tracking_number": "JJD0099999001",
        "lines[1].quantity.value": 120, "lines[1].lot": "LOT2403A",
        "lines[1].best_before": "2025-01-31", "lines[1].order_line_number": "1",
        "lines[2].item.gtin": "4012345100051", "lines[2].order_line_number": "3",
        "lines[2].package": "354123450000000013",
    },
    "INVOIC_D01B": {
        "number": "INV-24-00417", "issue_date": "2024-03-28", "order_number": "PO4500018190",
        "despatch_number": "DES-240327-08", "parties[supplier].gln": SUPPLIER,
        "parties[invoicee].gln": "5412345000020", "parties[supplier].ids.vat": "DE812345678",
        "lines[1].quantity.value": 114, "lines[1].unit_price.amount": "4.79",
        "lines[1].line_amount.amount": "546.06", "lines[1].order_line_number": "1",
        "lines[2].item.gtin": "4012345100051", "lines[2].order_line_number": "3",
        "totals.line_total.amount": "664.86", "totals.payable.amount": "806.06",
        "payment_terms.net_days": 30,
    },
    "RECADV_D01B": {
        "number": "REC-771299", "receipt_date": "2024-03-28",
        "despatch_number": "DES-240327-08", "parties[ship_to].gln": STORE_D01B,
        "lines[1].accepted.value": 114, "lines[1].rejected.value": 6,
        "lines[1].order_line_number": "1", "lines[2].accepted.value": 12,
    },
    "INVRPT_D96A": {
        "number": "INVR-20240320-1", "issue_date": "2024-03-20",
        "parties[supplier].gln": SUPPLIER, "location": "4012345000023",
        "lines[0].item.gtin": "4012345100013", "lines[0].on_hand.value": 1250,
        "lines[2].item.gtin": "4012345100044", "lines[2].on_hand.value": 96,
    },
    "INVRPT_D01B": {
        "number": "INVR-20240320-3", "issue_date": "2024-03-20",
        "lines[0].item.gtin": "4012345100013", "lines[0].on_hand.value": 1250,
        "lines[0].on_hand.unit": "EA", "location": "4012345000023",
    },
    "SLSRPT_D96A": {
        "number": "SR-2024-11-1187", "issue_date": "2024-03-18",
        "period.start": "2024-03-11", "period.end": "2024-03-17", "currency": "EUR",
        "lines[0].item.gtin": "4012345100013", "lines[0].location": STORE_D01B,
        "lines[0].sold.value": 37, "lines[1].sold.value": 12,
    },
    "SLSRPT_D01B": {
        "number": "SR-2024-12-0042", "period.start": "2024-03-18",
        "lines[0].location": STORE_D01B, "lines[0].sold.value": 37,
        "lines[0].on_hand.value": 12, "lines[0].sales_amount.amount": "203.13",
    },
    "SLSRPT_D96A_locations": {
        "number": "SR-2024-12-0044", "lines[0].location": STORE_D01B,
        "lines[0].period.start": "2024-03-11", "lines[0].period.end": "2024-03-17",
        "lines[0].sold.value": 37, "lines[0].sales_amount.amount": "203.13",
    },
    "DELFOR_D96A": {
        "number": "DF-2024-W12", "issue_date": "2024-03-18", "horizon.start": "2024-03-25",
        # The NAD ST of the schedule is where its lines are delivered.
        "horizon.end": "2024-04-21", "lines[0].location": STORE,
        "lines[0].item.gtin": "4012345100013", "lines[0].periods[0].quantity.value": 240,
        "lines[0].periods[0].period.start": "2024-03-25",
        "lines[0].periods[2].quantity.value": 288,
    },
    "DELFOR_D01B": {
        "number": "DF-2024-W12-B", "lines[0].item.supplier_part": "WB-500-06",
        "lines[0].location": STORE, "lines[0].periods[0].commitment": "firm",
        "lines[0].periods[1].quantity.value": 288,
        "lines[0].periods[1].period.start": "2024-04-01",
    },
    "DELFOR_D01B_mixed": {
        "number": "DF-2024-W13", "lines[0].location": STORE,
        "lines[0].periods[0].commitment": "firm", "lines[0].periods[0].quantity.value": 240,
        "lines[0].periods[2].commitment": "planning",
        "lines[0].periods[2].quantity.value": 300,
    },
}

# -- UBL: the EDIFACT D96A story, number for number.
UBL: dict[str, dict[str, Any]] = {
    "Order": {
        "number": "PO4500017821", "issue_date": "2024-03-11", "currency": "EUR",
        "requested_delivery": "2024-03-18", "parties[buyer].gln": BUYER,
        "parties[supplier].gln": SUPPLIER, "parties[ship_to].gln": STORE,
        "parties[ship_to].address.city": "Vilvoorde", "total.amount": "885.72",
        "lines[1].item.gtin": "4012345100013", "lines[1].quantity.value": 48,
        "lines[1].quantity.unit": "C62", "lines[1].unit_price.amount": "4.79",
        "lines[2].quantity.value": 30, "lines[3].unit_price.amount": "7.45",
    },
    "OrderResponse": {
        "number": "RSP-88231", "order_number": "PO4500017821", "lines[1].status": "accepted",
        "lines[2].status": "changed", "lines[2].quantity.value": 24,
        "lines[3].status": "rejected",
    },
    "OrderChange": {
        "number": "PO4500017821", "issue_date": "2024-03-12",
        "lines[1].quantity.value": 60, "lines[3].change": "delete",
        "lines[4].change": "add", "lines[4].item.gtin": "4012345100044",
        "lines[4].unit_price.amount": "13.20",
    },
    "DespatchAdvice": {
        "number": "DES-240318-07", "despatch_date": "2024-03-18",
        "order_numbers[0]": "PO4500017821", "parties[ship_to].gln": STORE,
        "lines[1].quantity.value": 48, "lines[3].item.gtin": "4012345100020",
        "lines[3].quantity.value": 12, "lines[3].order_line_number": "2",
        "lines[3].package": "340123450000000024",
    },
    "ReceiptAdvice": {
        "number": "REC-771203", "despatch_number": "DES-240318-07",
        "lines[2].received.value": 24, "lines[2].rejected.value": 2,
    },
    "Invoice": {
        "number": "INV-2024-031907", "order_number": "PO4500017821",
        "parties[supplier].gln": SUPPLIER, "parties[buyer].gln": BUYER,
        "lines[1].unit_price.amount": "4.89", "lines[1].quantity.value": 48,
        "lines[2].quantity.value": 24, "totals.payable.amount": "740.47",
        "totals.tax_total.amount": "118.23",
    },
    "CreditNote": {
        "number": "CN-2024-000412", "credit_note": True, "issue_date": "2024-03-21",
        "lines[1].quantity.value": 2, "lines[1].item.gtin": "4012345100020",
        "totals.payable.amount": "35.95",
    },
    "Order_distributor": {
        "number": "SD-2024-0311", "parties[buyer].gln": "5412345000051",
        "parties[ship_to].gln": "5412345000068", "lines[1].quantity.value": 240,
        "lines[1].unit_price.amount": "15.90",
    },
}

# -- cXML: the X12 004010 order under the procurement network's numbers.
CXML: dict[str, dict[str, Any]] = {
    "OrderRequest": {
        "number": "PO-7730415", "issue_date": "2024-03-11", "currency": "USD",
        "parties[ship_to].ids.assigned": "0007", "parties[bill_to].ids.assigned": "0001",
        "total.amount": "1200.00",
        "lines[1].item.supplier_part": "BX-330", "lines[1].item.buyer_part": "NW-118830",
        "lines[1].quantity.value": 24, "lines[1].quantity.unit": "EA",
        "lines[1].unit_price.amount": "12.50", "lines[1].requested_delivery": "2024-03-18",
        "lines[2].quantity.value": 36, "lines[3].unit_price.amount": "18.75",
    },
    "ConfirmationRequest": {
        "number": "CONF-7730415", "order_number": "PO-7730415",
        "lines[1].status": "accepted", "lines[2].quantity.value": 30,
        "lines[3].status": "rejected",
    },
    "ShipNoticeRequest": {
        "number": "SN-7730415-1", "order_numbers[0]": "PO-7730415",
        "tracking_number": "1Z999AA10123456784", "parties[ship_to].ids.assigned": "0007",
        "lines[2].quantity.value": 30, "lines[2].item.supplier_part": "BX-331",
    },
    "InvoiceDetailRequest": {
        "number": "INV-77158", "issue_date": "2024-03-19", "order_number": "PO-7730415",
        "lines[1].unit_price.amount": "12.75", "lines[2].quantity.value": 30,
        "totals.payable.amount": "747.08", "payment_terms.net_days": 30,
    },
    "ReceiptRequest": {
        "number": "GR-2024-0320-07", "order_numbers[0]": "PO-7730415",
        "lines[1].accepted.value": 24, "lines[2].accepted.value": 28,
    },
}

FACTS = {"x12": X12, "edifact": EDIFACT, "ubl": UBL, "cxml": CXML}


@cache
def mappings() -> Mappings:
    return load_mappings()


@cache
def document(standard: str, name: str) -> Model:
    """The sample's one document, mapped without an issue."""
    data = (SAMPLES / standard / f"{name}{SUFFIX[standard]}").read_bytes()
    found = documents(inspect(data), mappings())
    assert found, f"{standard}/{name}: nothing mapped"
    first = found[0]
    assert first.issues == [], [str(i) for i in first.issues]
    assert first.document is not None
    return first.document


def _step(value: Any, step: str) -> Any:
    name, _, key = step.partition("[")
    value = value.get(name, MISSING) if isinstance(value, dict) else MISSING
    if not key or value is MISSING:
        return value
    key = key.rstrip("]")
    if not isinstance(value, list):
        return MISSING
    for field in ("role", "line_number"):
        if value and isinstance(value[0], dict) and field in value[0]:
            hits = [item for item in value if item.get(field) == key]
            assert len(hits) <= 1, f"{step}: {len(hits)} items"
            return hits[0] if hits else MISSING
    index = int(key)
    return value[index] if index < len(value) else MISSING


def fact(doc: Model, path: str) -> Any:
    value: Any = doc.model_dump(mode="json", exclude_none=True)
    for step in path.split("."):
        value = _step(value, step)
        if value is MISSING:
            return MISSING
    return value


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, int) or (isinstance(want, str) and want[:1].isdigit()
                                 and "-" not in want and len(want) < 12):
        try:
            return Decimal(str(got)) == Decimal(str(want))
        except (InvalidOperation, ValueError):
            return False
    return bool(got == want)


def _cases() -> list[Any]:
    return [pytest.param(standard, name, id=f"{standard}/{name}")
            for standard, samples in FACTS.items() for name in samples]


@pytest.mark.parametrize(("standard", "name"), _cases())
def test_sample_says_what_its_story_says(standard: str, name: str) -> None:
    """The sample's document holds the facts read by hand from its bytes: parties by
    role, items, quantities, units, prices, dates and totals."""
    doc = document(standard, name)
    wrong = {path: fact(doc, path) for path, want in FACTS[standard][name].items()
             if not _same(fact(doc, path), want)}
    assert not wrong, {p: (g if g is not MISSING else "missing", FACTS[standard][name][p])
                       for p, g in wrong.items()}


def test_every_story_sample_has_its_facts() -> None:
    """Every sample of an order, response, change, despatch, receipt or invoice has
    facts written for it here: a new sample without them fails."""
    story = {"850", "855", "860", "856", "810", "861", "ORDERS", "ORDRSP", "ORDCHG",
             "DESADV", "INVOIC", "RECADV", "Order", "OrderResponse", "OrderChange",
             "DespatchAdvice", "ReceiptAdvice", "Invoice", "CreditNote", "OrderRequest",
             "ConfirmationRequest", "ShipNoticeRequest", "InvoiceDetailRequest",
             "ReceiptRequest"}
    missing = [f"{standard}/{path.stem}" for standard in FACTS
               for path in sorted((SAMPLES / standard).glob(f"*{SUFFIX[standard]}"))
               if path.stem.split("_")[0] in story and path.stem not in FACTS[standard]]
    assert not missing


# -- one story, several standards ---------------------------------------------------

# Pairs that tell the same story: the UBL files are the EDIFACT D96A ones, number for
# number; the cXML order and confirmation are the X12 004010 ones under the network's
# own numbers (so their numbers and parties, named by other ids, are not compared).
SAME_STORY = [
    (("edifact", "ORDERS_D96A"), ("ubl", "Order"), True),
    (("edifact", "ORDRSP_D96A"), ("ubl", "OrderResponse"), True),
    (("edifact", "ORDCHG_D96A"), ("ubl", "OrderChange"), True),
    (("edifact", "DESADV_D96A"), ("ubl", "DespatchAdvice"), True),
    (("edifact", "RECADV_D96A"), ("ubl", "ReceiptAdvice"), True),
    (("edifact", "INVOIC_D96A"), ("ubl", "Invoice"), True),
    (("x12", "850_004010"), ("cxml", "OrderRequest"), False),
    (("x12", "855_004010"), ("cxml", "ConfirmationRequest"), False),
]
# The fields a story is about, as a document says them: the header's, each party's
# identifiers by role, and each line's by line number.
HEADER = ("number", "order_number", "order_numbers", "despatch_number", "issue_date",
          "currency", "requested_delivery", "despatch_date", "expected_delivery",
          "receipt_date", "total.amount", "totals.line_total.amount",
          "totals.tax_total.amount", "totals.payable.amount")
NUMBERS = {"number", "order_number", "order_numbers", "despatch_number"}
PARTY = ("gln", "duns", "ids.vat")
LINE = ("item.gtin", "item.supplier_part", "item.buyer_part", "quantity.value",
        "quantity.unit", "unit_price.amount", "status", "change", "accepted.value",
        "rejected.value", "package", "order_line_number")


# Rec 20 C62 ("one") is how PEPPOL counts pieces, where EANCOM's QTY without a unit
# (and its PCE) counts each (EA): the same piece, in the unit each standard uses.
PIECE = {"C62": "EA"}


def _unit(path: str, value: Any) -> Any:
    return PIECE.get(value, value) if path.endswith(".unit") else value


def story_fields(doc: Model, numbers: bool) -> dict[str, Any]:
    """The story's fields of a document, flat: ``lines[2].quantity.value`` -> 24."""
    data = doc.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {}
    for path in HEADER:
        if path in NUMBERS and not numbers:
            continue
        value = fact(doc, path)
        if value is not MISSING and value not in ((), []):
            out[path] = value
    if numbers:
        for party in data.get("parties", []):
            for path in PARTY:
                value = fact(doc, f"parties[{party['role']}].{path}")
                if value is not MISSING:
                    out[f"parties[{party['role']}].{path}"] = value
    for line in data.get("lines", []):
        for path in LINE:
            value = fact(doc, f"lines[{line['line_number']}].{path}")
            if value is not MISSING:
                out[f"lines[{line['line_number']}].{path}"] = _unit(path, value)
    return out


@pytest.mark.parametrize(("first", "second", "numbers"), [
    pytest.param(a, b, n, id=f"{a[1]}={b[1]}") for a, b, n in SAME_STORY])
def test_one_story_maps_alike_in_every_standard(first: tuple[str, str],
                                                second: tuple[str, str], numbers: bool) -> None:
    """Two samples that tell the same story in different standards map to the same
    document on every story field both give (items, quantities, units, prices, line
    statuses and, where the numbers are the same, numbers and parties); and they
    share at least every line's quantity."""
    a, b = story_fields(document(*first), numbers), story_fields(document(*second), numbers)
    shared = sorted(set(a) & set(b))
    lines = {k.split(".")[0] for k in a if k.startswith("lines[")}
    assert {f"{line}.quantity.value" for line in lines} <= set(shared) or \
        {f"{line}.accepted.value" for line in lines} <= set(shared), shared
    differ = {k: (a[k], b[k]) for k in shared if not _same(a[k], b[k]) and
              not (isinstance(a[k], str) and isinstance(b[k], str)
                   and k.endswith("gtin") and a[k].zfill(14) == b[k].zfill(14))}
    assert not differ
