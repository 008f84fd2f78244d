"""The catalog and the ledger write their rows in bulk (gateway/db/statements.py): what
they store must be exactly what was given, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, select

from gateway.db.base import table
from gateway.db.types import ValueDoesNotFit
from gateway.documents.common import ItemRef, Party
from gateway.inventory.models import (
    Bucket,
    InventoryBalance,
    InventoryMovement,
    Item,
    Location,
)
from gateway.inventory.service import Catalog, Ledger
from gateway.traffic.models import InboundFile, InboundMessage

AWKWARD = [
    'say "cheese"', "back\\slash", "trailing\\", "{braces}", "a,b", "NULL", "null", "",
    "  spaced  ", "quote'single", "ünïcödé ✓", "tab\tand\nnewline", '\\"', "}{,\"\\",
]


def _message(conn: Connection) -> int:
    file_id = conn.execute(insert(table(InboundFile)).returning(table(InboundFile).c.id), {
        "sha256": "0" * 64, "name": "f", "size": 1, "standard": "edifact",
        "received_at": datetime(2025, 3, 10, tzinfo=UTC)}).scalar_one()
    return int(conn.execute(insert(table(InboundMessage)).returning(
        table(InboundMessage).c.id), {
        "file_id": file_id, "position": 1, "message_type": "TEST", "status": "stored",
        "interchange_ref": None, "group_ref": None, "message_ref": None, "version": None,
        "sender": None, "receiver": None, "document_type": None, "document_number": None,
        "detail": None}).scalar_one())


def test_items_keep_every_character(engine: Engine) -> None:
    """Texts arrive as they were sent: quotes, backslashes, braces, commas, the word
    NULL, empty strings, whitespace and non-ASCII letters alike."""
    refs = [ItemRef(supplier_part=f"P{i}", description=text or None)
            for i, text in enumerate(AWKWARD)]
    refs.append(ItemRef(buyer_part="B1", description="x" * 300))  # cut to 200 by the catalog
    with engine.begin() as conn:
        ids = Catalog(conn).item_ids(refs)
    assert len(set(ids)) == len(refs)
    items = table(Item)
    with engine.connect() as conn:
        stored = {row.key: row for row in conn.execute(select(items))}
        # a second catalog finds them all, creating nothing
        assert Catalog(conn).item_ids(refs) == ids
    for ref, ident in zip(refs, ids, strict=True):
        row = stored[ref.key()]
        assert row.id == ident
        assert (row.supplier_part, row.buyer_part, row.gtin) == \
            (ref.supplier_part, ref.buyer_part, None)
        assert row.description == ((ref.description or None) and ref.description[:200])


def test_items_seen_twice_in_one_call_are_one_item(engine: Engine) -> None:
    apple = ItemRef(gtin="04012345100013")
    with engine.begin() as conn:
        first, second = Catalog(conn).item_ids([apple, apple])
    assert first == second
    with engine.connect() as conn:
        assert len(conn.execute(select(table(Item).c.id)).all()) == 1


def test_a_value_too_long_is_refused_not_cut(engine: Engine) -> None:
    """A text longer than its column is refused before it is sent, on SQLite (which
    would keep it whole) as on PostgreSQL, naming the column."""
    ref = ItemRef(supplier_part="S" * 81)  # supplier_part is String(80)
    with engine.begin() as conn, pytest.raises(ValueDoesNotFit, match=r"items\.supplier_part"):
        Catalog(conn).item_ids([ref])
    with engine.connect() as conn:
        assert conn.execute(select(table(Item).c.supplier_part)).all() == []


def test_a_quantity_the_column_would_round_is_refused(engine: Engine) -> None:
    """A seventh decimal place would be rounded away by the column: refused, not changed."""
    with engine.begin() as conn:
        message = _message(conn)
        [item] = Catalog(conn).item_ids([ItemRef(gtin="04012345100013")])
        location = Catalog(conn).location_id("5412345000037", "Store 37")
        ledger = Ledger(conn)
        ledger.move(item, location, Bucket.ON_HAND, Decimal("3.1234564"), "received",
                    message_id=message)
        with pytest.raises(ValueDoesNotFit, match=r"inventory_movements\.quantity"):
            ledger.flush()


def test_movements_and_balances_are_stored_exactly(engine: Engine) -> None:
    """Amounts to the column's six places, exponents, signs, dates and missing values
    survive the bulk insert; balances add what is already there."""
    quantities = [Decimal("1E+2"), Decimal("0.000001"), Decimal("-2.5"),
                  Decimal("123456789.123456"), Decimal("3.123456"), Decimal(7)]
    with engine.begin() as conn:
        message = _message(conn)
        [item] = Catalog(conn).item_ids([ItemRef(gtin="04012345100013")])
        location = Catalog(conn).location_id("5412345000037", 'Store "37"')
        ledger = Ledger(conn)
        for n, quantity in enumerate(quantities):
            ledger.move(item, location, Bucket.ON_HAND, quantity, "received",
                        message_id=message, unit="EA",
                        occurred_on=date(2025, 3, n + 1) if n % 2 else None,
                        number=AWKWARD[n])
        ledger.move(item, location, Bucket.IN_TRANSIT, Decimal(4), "despatched",
                    message_id=message)
        ledger.flush()
    with engine.begin() as conn:
        ledger = Ledger(conn)
        ledger.move(item, location, Bucket.ON_HAND, Decimal(1), "received", message_id=message)
        ledger.flush()
    movements = table(InventoryMovement)
    with engine.connect() as conn:
        rows = conn.execute(select(movements.c.quantity, movements.c.occurred_on,
                                   movements.c.document_number, movements.c.bucket,
                                   movements.c.kind).order_by(movements.c.id)).all()
        balance = conn.execute(select(
            table(InventoryBalance).c.on_hand, table(InventoryBalance).c.on_order,
            table(InventoryBalance).c.in_transit, table(InventoryBalance).c.unit)).one()
    expected: list[tuple[Any, ...]] = [
        (q.quantize(Decimal("0.000001")), date(2025, 3, n + 1) if n % 2 else None,
         AWKWARD[n], "on_hand", "received") for n, q in enumerate(quantities)]
    expected += [(Decimal(4), None, None, "in_transit", "despatched"),
                 (Decimal(1), None, None, "on_hand", "received")]
    assert [tuple(r) for r in rows] == expected
    total = sum(quantities, Decimal(1)).quantize(Decimal("0.000001"))
    assert tuple(balance) == (total, Decimal(0), Decimal(4), "EA")


# -- the item cross-reference -------------------------------------------------------------


def _item_ids(engine: Engine, refs: list[ItemRef]) -> tuple[list[int], Catalog]:
    with engine.begin() as conn:
        catalog = Catalog(conn)
        return catalog.item_ids(refs), catalog


def test_an_item_is_found_by_any_id_it_was_named_by(engine: Engine) -> None:
    """GTIN, supplier part and buyer part each find the item a line named by all three,
    in the same call and in later ones; GTIN-12, -13 and -14 forms are one GTIN."""
    full = ItemRef(gtin="614141100019", supplier_part="BX-330", buyer_part="NW-118830")
    ids, _ = _item_ids(engine, [ItemRef(supplier_part="BX-330"), full,
                                ItemRef(buyer_part="NW-118830")])
    assert len(set(ids)) == 1
    later, _ = _item_ids(engine, [ItemRef(gtin="00614141100019"),
                                  ItemRef(gtin="0614141100019", description="Bottle")])
    assert set(later) == set(ids)
    with engine.connect() as conn:
        row = conn.execute(select(table(Item))).one()
    assert (row.key, row.gtin, row.supplier_part, row.buyer_part) == \
        ("supplier:BX-330", "00614141100019", "BX-330", "NW-118830")


def test_ids_that_name_different_items_are_a_conflict(engine: Engine) -> None:
    """A line whose supplier part names one item and GTIN another lands on the GTIN's
    item, and the catalog says which id disagreed; a new GTIN beside a part number of
    an item with another GTIN is a new item, with a conflict too."""
    ids, _ = _item_ids(engine, [ItemRef(gtin="4012345100013", supplier_part="WB-500-06"),
                                ItemRef(gtin="4012345100020", supplier_part="WB-500-24")])
    both, catalog = _item_ids(engine, [ItemRef(gtin="4012345100020", supplier_part="WB-500-06")])
    assert both == [ids[1]]
    [(item, conflict)] = catalog.conflicts_of([ItemRef(gtin="4012345100020",
                                                       supplier_part="WB-500-06")])
    assert (item, conflict.identifier, conflict.other) == (ids[1], "supplier:WB-500-06", ids[0])
    new, catalog = _item_ids(engine, [ItemRef(gtin="4012345100037", supplier_part="WB-500-24")])
    assert new[0] not in ids
    [(_, conflict)] = catalog.conflicts_of([ItemRef(gtin="4012345100037",
                                                    supplier_part="WB-500-24")])
    assert "GTIN 04012345100020" in conflict.detail


# -- locations ---------------------------------------------------------------------------


def test_no_place_is_shared_by_unrelated_partners(engine: Engine) -> None:
    """A party known by an agreed id has a place of its own; documents that name no place
    put stock at their issuer's, not at one place for everybody."""
    with engine.begin() as conn:
        catalog = Catalog(conn)
        store = catalog.party_location(Party(role="ship_to", ids={"assigned": "0007"}))
        other = catalog.party_location(Party(role="ship_to", ids={"assigned": "1187"}))
        gln = catalog.location_id("5412345000037")
        code = catalog.location_id("1187")
        mine = catalog.location_id(None, owner="gln:5412345000013")
        theirs = catalog.party_location(None, owner="duns:039456712")
    assert len({store, other, gln, mine, theirs}) == 5
    assert code == other  # the same store, by a bare code or as a party
    with engine.connect() as conn:
        keys = set(conn.execute(select(table(Location).c.key)).scalars())
    assert "unknown" not in keys
    assert {"assigned:0007", "gln:5412345000037", "unnamed@gln:5412345000013"} <= keys
