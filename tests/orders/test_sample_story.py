"""The samples tell one story per standard, and the tables tell it back: one order per
order, one item per item (whatever id a document names it by), no stock at a place
nobody named, every invoice line matched to its order line and what was received
of it, with exactly the discrepancies the story puts there: in each standard one
price and one quantity.

Every expectation here is written by hand from the samples' bytes (see
samples/README.md for the stories), never from what the gateway printed. Each
standard's files are taken in the order the story happened, in a database of their
own; then all of them together in another order (reverse by name, so invoices,
receipts and despatches come before their orders) must give the same matches and
identities: documents find each other whatever order they come in. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from gateway.cli.main import main
from gateway.db.base import table
from gateway.db.engine import make_engine
from gateway.inventory.models import InventoryBalance, Item, ItemIdentifier, Location
from gateway.mapping.registry import Mappings, load_mappings
from gateway.orders.models import (
    AwaitedReference,
    InvoiceLineRecord,
    InvoiceMatch,
    InvoiceRecord,
    OrderChangeRecord,
    PurchaseOrderLineRecord,
    PurchaseOrderRecord,
)
from gateway.pipeline.ingest import ingest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# Each standard's files in the order their story happened (dates in the files).
STORIES = {
    "x12": ["850_004010", "855_004010", "860_004010", "856_004010", "810_004010",
            "861_004010", "850_005010", "860_005010", "855_005010", "856_005010",
            "810_005010", "861_005010", "846_004010", "846_005010", "852_004010",
            "852_005010", "830_004010", "830_005010"],
    "edifact": ["ORDERS_D96A", "ORDRSP_D96A", "ORDCHG_D96A", "DESADV_D96A", "INVOIC_D96A",
                "RECADV_D96A", "DESADV_D96A_nested", "ORDERS_D01B", "ORDCHG_D01B",
                "ORDRSP_D01B", "DESADV_D01B", "INVOIC_D01B", "RECADV_D01B", "INVRPT_D96A",
                "INVRPT_D01B", "SLSRPT_D96A", "SLSRPT_D96A_locations", "SLSRPT_D01B",
                "DELFOR_D96A", "DELFOR_D01B", "DELFOR_D01B_mixed"],
    "ubl": ["Order", "OrderResponse", "OrderChange", "DespatchAdvice", "Invoice",
            "ReceiptAdvice", "CreditNote", "OrderCancellation", "InventoryReport",
            "ProductActivity", "Forecast"],
    "cxml": ["OrderRequest", "ConfirmationRequest", "ShipNoticeRequest",
             "InvoiceDetailRequest", "ReceiptRequest"],
}
SUFFIX = {"x12": ".x12", "edifact": ".edi", "ubl": ".xml", "cxml": ".xml"}

# The orders of each story: buyer's number -> the state of each line at the end, as
# (ordered, confirmed, still on order, state).
ORDERS: dict[str, dict[str, dict[str, tuple[Any, ...]]]] = {
    "x12": {
        # 850: 24 BX-330, 36 BX-331, 24 LB-120. 855: 24 accepted, 30 of 36, LB-120
        # rejected. 860: BX-330 up to 30, LB-120 deleted, 48 TM-050 added. 856 ships
        # 24, 18 and 12.
        "4500017821": {"1": (30, None, 6, "changed"), "2": (36, 30, 12, "changed"),
                       "3": (24, 0, 0, "cancelled"), "4": (48, None, 36, "open")},
        # 850: 48 BX-330, 24 TM-050. 860: TM-050 to 36, 12 LB-120 added. 855 accepts
        # both, LB-120 backordered. 856 ships 48 and 36.
        "4500018190": {"1": (48, 48, 0, "accepted"), "2": (36, 36, 0, "accepted"),
                       "3": (12, 12, 12, "backordered")},
    },
    "edifact": {
        # ORDERS 48/30/24. ORDRSP: 48 accepted, 24 of 30, line 3 rejected. ORDCHG: line 1
        # to 60, line 3 deleted, 12 of 4012345100044 added. DESADV 48 + 12 + 12, the
        # nested DESADV the rest: 12, 6, 12.
        "PO4500017821": {"1": (60, None, 0, "changed"), "2": (30, 24, 0, "changed"),
                         "3": (24, 0, 0, "cancelled"), "4": (12, None, 0, "open")},
        # ORDERS 96/20. ORDCHG: line 1 to 120, line 2 deleted, 24 Dunkel added. ORDRSP:
        # 120 accepted, 12 of the 24 Dunkel. DESADV 120 and 12.
        "PO4500018190": {"1": (120, 120, 0, "accepted"), "2": (20, None, 0, "cancelled"),
                         "3": (24, 12, 0, "changed")},
    },
    "ubl": {
        # As the EDIFACT D96A story, without the second despatch: 12 of line 1 and the
        # 12 added are still on order. The change restates line 2 as it is.
        "PO4500017821": {"1": (60, None, 12, "changed"), "2": (30, 24, 0, "changed"),
                         "3": (24, 0, 0, "cancelled"), "4": (12, None, 12, "open")},
    },
    "cxml": {
        # OrderRequest 24/36/24. Confirmation: 24 accepted, 30 of 36, line 3 rejected.
        # ShipNotice 24 and 30.
        "PO-7730415": {"1": (24, 24, 0, "accepted"), "2": (36, 30, 0, "changed"),
                       "3": (24, 0, 0, "rejected")},
    },
}

# Every item of a standard's samples and every id the samples name it by.
X12_ITEMS = {
    "00614141100019": {"supplier:BX-330"}, "00614141100026": {"supplier:BX-331"},
    "00614141100033": {"supplier:LB-120"}, "00614141100040": {"supplier:TM-050"},
}
ITEMS = {
    "x12": X12_ITEMS,
    "edifact": {
        "04012345100013": {"supplier:WB-500-06"}, "04012345100020": {"supplier:WB-500-24"},
        "04012345100037": {"supplier:WB-330-12"}, "04012345100044": {"supplier:WB-330-24"},
        "04012345100051": set(),
    },
    "ubl": {
        "04012345100013": {"supplier:WB-500-06"}, "04012345100020": {"supplier:WB-500-24"},
        "04012345100037": {"supplier:WB-330-12"}, "04012345100044": {"supplier:WB-330-24"},
    },
    "cxml": {
        "00614141100019": {"supplier:BX-330", "buyer:NW-118830"},
        "00614141100026": {"supplier:BX-331", "buyer:NW-118831"},
        "00614141100033": {"supplier:LB-120", "buyer:NW-204112"},
    },
}

# The three-way match of every invoice line: (invoice, line, GTIN, accepted on
# receipt, invoiced, quantity status, price status).
MATCHES = {
    "x12": [
        ("INV-77120", "1", "00614141100019", 24, 24, "matched", "matched"),
        # 18 shipped and invoiced, 2 returned: 16 accepted.
        ("INV-77120", "2", "00614141100026", 16, 18, "quantity_over", "matched"),
        # Ordered at 9.90, invoiced at 10.40.
        ("INV-77120", "3", "00614141100040", 12, 12, "matched", "price_over"),
        ("INV-77342", "1", "00614141100019", 48, 48, "matched", "matched"),
        # 36 received, 1 returned and 2 damaged: the invoice bills the 33 kept.
        ("INV-77342", "2", "00614141100040", 33, 33, "matched", "matched"),
    ],
    "edifact": [
        # Ordered at 4.79, invoiced at 4.89.
        ("INV-2024-031907", "1", "04012345100013", 48, 48, "matched", "price_over"),
        # 24 crates received, 2 broken ones refused: 22 accepted, 24 invoiced.
        ("INV-2024-031907", "2", "04012345100020", 22, 24, "quantity_over", "matched"),
        # 120 received, 6 refused at the dock: the invoice bills the 114 kept.
        ("INV-24-00417", "1", "04012345100013", 114, 114, "matched", "matched"),
        ("INV-24-00417", "2", "04012345100051", 12, 12, "matched", "matched"),
    ],
    "cxml": [
        # Ordered at 12.50, invoiced at 12.75.
        ("INV-77158", "1", "00614141100019", 24, 24, "matched", "price_over"),
        # 30 shipped, 2 returned: 28 kept, 30 invoiced.
        ("INV-77158", "2", "00614141100026", 28, 30, "quantity_over", "matched"),
    ],
}
# UBL tells the EDIFACT D96A story; its credit note returns money and is not matched.
MATCHES["ubl"] = [m for m in MATCHES["edifact"] if m[0] == "INV-2024-031907"]

# What is in transit and on order at the ship-to at the end of each story (item's
# GTIN, place's key): (on order, in transit); and what is on hand where no count
# was reported.
BALANCES: dict[str, dict[tuple[str, str], tuple[int, int]]] = {
    "x12": {("00614141100019", "assigned:0007"): (6, 0),
            ("00614141100026", "assigned:0007"): (12, 0),
            ("00614141100040", "assigned:0007"): (36, 0),
            ("00614141100019", "assigned:1187"): (0, 0),
            ("00614141100040", "assigned:1187"): (0, 0),
            ("00614141100033", "assigned:1187"): (12, 0)},
    "edifact": {("04012345100013", "gln:5412345000037"): (0, 12),
                ("04012345100020", "gln:5412345000037"): (0, 6),
                ("04012345100044", "gln:5412345000037"): (0, 12),
                ("04012345100013", "gln:5412345000044"): (0, 0),
                ("04012345100051", "gln:5412345000044"): (0, 0)},
    "ubl": {("04012345100013", "gln:5412345000037"): (12, 0),
            ("04012345100020", "gln:5412345000037"): (0, 0),
            ("04012345100044", "gln:5412345000037"): (12, 0)},
    "cxml": {("00614141100019", "assigned:0007"): (0, 0),
             ("00614141100026", "assigned:0007"): (0, 0)},
}
ON_HAND = {
    "x12": {("00614141100019", "assigned:0007"): 24, ("00614141100026", "assigned:0007"): 16,
            ("00614141100040", "assigned:0007"): 12, ("00614141100019", "assigned:1187"): 48,
            ("00614141100040", "assigned:1187"): 33},
    "edifact": {("04012345100013", "gln:5412345000044"): 114,
                ("04012345100051", "gln:5412345000044"): 12},
    "ubl": {},
    "cxml": {("00614141100019", "assigned:0007"): 24, ("00614141100026", "assigned:0007"): 28},
}


@pytest.fixture(scope="module")
def mappings() -> Mappings:
    return load_mappings()


def _take(engine: Engine, mappings: Mappings, paths: list[Path]) -> None:
    for path in paths:
        result = ingest(engine, path.read_bytes(), path.name, mappings)
        failed = [m for m in result.messages if m.status == "failed"]
        assert not failed, (path.name, failed[0].detail)


def _story(standard: str) -> list[Path]:
    return [SAMPLES / standard / f"{name}{SUFFIX[standard]}" for name in STORIES[standard]]


def _matches(engine: Engine) -> list[tuple[Any, ...]]:
    matches, lines, invoices = table(InvoiceMatch), table(InvoiceLineRecord), \
        table(InvoiceRecord)
    items = table(Item)
    with engine.connect() as conn:
        rows = conn.execute(select(
            invoices.c.number, lines.c.line_number, items.c.gtin, matches.c.received_quantity,
            matches.c.invoiced_quantity, matches.c.quantity_status, matches.c.price_status)
            .join(lines, lines.c.id == matches.c.invoice_line_id)
            .join(invoices, invoices.c.id == lines.c.invoice_id)
            .join(items, items.c.id == lines.c.item_id)).all()
    return sorted(tuple(r) for r in rows)


def _orders(engine: Engine) -> dict[str, dict[str, tuple[Any, ...]]]:
    orders, lines = table(PurchaseOrderRecord), table(PurchaseOrderLineRecord)
    found: dict[str, dict[str, tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        numbers = [r[0] for r in conn.execute(select(orders.c.number))]
        assert len(numbers) == len(set(numbers)), f"an order stored twice: {numbers}"
        for row in conn.execute(select(
                orders.c.number, lines.c.line_number, lines.c.quantity,
                lines.c.confirmed_quantity, lines.c.open_quantity, lines.c.state)
                .join(lines, lines.c.order_id == orders.c.id)):
            found.setdefault(row[0], {})[row[1]] = tuple(row[2:])
    return found


def _items(engine: Engine) -> dict[str, set[str]]:
    items, ids = table(Item), table(ItemIdentifier)
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        gtins = [r[0] for r in conn.execute(select(items.c.gtin))]
        assert None not in gtins, "an item known by no GTIN: the same item stored twice?"
        assert len(gtins) == len(set(gtins)), f"one GTIN on two items: {gtins}"
        for gtin, key in conn.execute(select(items.c.gtin, ids.c.key)
                                      .join(ids, ids.c.item_id == items.c.id)):
            found.setdefault(gtin, set()).add(key)
    return {gtin: keys - {f"gtin:{gtin}"} for gtin, keys in found.items()}


def _balances(engine: Engine) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]]:
    balances, items, places = table(InventoryBalance), table(Item), table(Location)
    with engine.connect() as conn:
        return {(r[0], r[1]): (r[2], r[3], r[4]) for r in conn.execute(select(
            items.c.gtin, places.c.key, balances.c.on_order, balances.c.in_transit,
            balances.c.on_hand)
            .join(items, items.c.id == balances.c.item_id)
            .join(places, places.c.id == balances.c.location_id))}


@pytest.mark.parametrize("standard", sorted(STORIES))
def test_each_standard_tells_its_story_in_the_tables(engine: Engine, mappings: Mappings,
                                                      standard: str) -> None:
    """A standard's samples, taken as their story happened, leave one order per order
    with each line where the story leaves it, one item per item with every id it was
    named by, and the three-way match flagging exactly the story's one price and one
    quantity discrepancy."""
    _take(engine, mappings, _story(standard))
    assert _orders(engine) == ORDERS[standard]
    assert _items(engine) == ITEMS[standard]
    assert _matches(engine) == sorted(MATCHES[standard])
    flagged = [m for m in MATCHES[standard] if m[5:] != ("matched", "matched")]
    assert sorted(m[5] for m in flagged if m[5] != "matched") == ["quantity_over"]
    assert sorted(m[6] for m in flagged if m[6] != "matched") == ["price_over"]
    balances = _balances(engine)
    for place, (on_order, in_transit) in BALANCES[standard].items():
        assert balances[place][:2] == (on_order, in_transit), place
    for place, on_hand in ON_HAND[standard].items():
        assert balances[place][2] == on_hand, place


def test_every_sample_together_in_any_order_gives_the_same_identities(
        engine: Engine, mappings: Mappings) -> None:
    """All the samples in one database, in reverse order of their names (invoices and
    receipts before the orders they name, changes before their orders): the same
    matches, one order per order and one item per GTIN; EDIFACT and UBL, telling one
    story, share their documents; nothing waits but the cancellation of an order the
    samples never send; no place is one shared by everybody."""
    paths = sorted((p for standard in STORIES for p in _story(standard)),
                   key=lambda p: p.name, reverse=True)
    _take(engine, mappings, paths)
    assert _matches(engine) == sorted(
        {m for standard in MATCHES for m in MATCHES[standard]})
    orders = _orders(engine)
    assert sorted(orders) == sorted({n for standard in ORDERS for n in ORDERS[standard]})
    items = _items(engine)
    assert sorted(items) == sorted({g for standard in ITEMS for g in ITEMS[standard]})
    assert items["00614141100019"] == {"supplier:BX-330", "buyer:NW-118830"}
    assert items["04012345100013"] == {"supplier:WB-500-06"}
    with engine.connect() as conn:
        waiting = conn.execute(select(table(OrderChangeRecord).c.order_number)
                               .where(table(OrderChangeRecord).c.status == "waiting")).all()
        awaited = conn.execute(select(table(AwaitedReference).c.number)).all()
        places = set(conn.execute(select(table(Location).c.key)).scalars())
    assert [tuple(r) for r in waiting] == [("PO4500017905",)]
    assert [tuple(r) for r in awaited] == [("PO4500017905",)]
    assert "unknown" not in places


def test_run_on_the_project_samples_flags_each_story_s_discrepancies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``edi-gateway run`` on a fresh database takes the project's samples as a new user
    would: every invoice line finds its order line and what was received of it, and the
    matches are exactly the stories' (one price and one quantity discrepancy in each),
    not those of the schema fixtures that reuse the stories' numbers."""
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    assert main(["run", "--database", url]) == 0
    assert "schema/" not in capsys.readouterr().out
    engine = make_engine(url)
    try:
        assert _matches(engine) == sorted(
            {m for standard in MATCHES for m in MATCHES[standard]})
    finally:
        engine.dispose()
