"""Inventory service: items, locations and the stock ledger.

:class:`Catalog` finds or creates items, locations and parties by their keys,
with a cache for the life of one unit of work. :class:`Ledger` collects
movements and applies them to balances in as few statements as possible.
Both take a connection and never commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from gateway.db.base import table
from gateway.db.statements import insert_for
from gateway.documents.common import ItemRef, Party
from gateway.inventory.models import (
    Bucket,
    InventoryBalance,
    InventoryMovement,
    Item,
    Location,
)
from gateway.partners.models import TradingParty

UNKNOWN_LOCATION = "unknown"

_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)
_BALANCES = table(InventoryBalance)
_MOVEMENTS = table(InventoryMovement)


@dataclass(slots=True)
class Catalog:
    """Finds or creates the rows documents refer to, by natural key."""

    conn: Connection
    items: dict[str, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)

    def forget(self) -> None:
        """After a rollback the ids created in it are gone."""
        self.items.clear()
        self.locations.clear()
        self.parties.clear()

    def item_ids(self, refs: list[ItemRef]) -> list[int]:
        """Ids for ``refs``, creating the items not seen before (one statement each way)."""
        keys = [ref.key() for ref in refs]
        missing = {k: r for k, r in zip(keys, refs, strict=True) if k not in self.items}
        if missing:
            rows = self.conn.execute(select(_ITEMS.c.key, _ITEMS.c.id)
                                     .where(_ITEMS.c.key.in_(list(missing))))
            for key, ident in rows:
                self.items[key] = ident
                missing.pop(key, None)
        if missing:
            values = [{"key": k, "gtin": r.gtin, "supplier_part": r.supplier_part,
                       "buyer_part": r.buyer_part,
                       "description": (r.description or None) and r.description[:200]}
                      for k, r in missing.items()]
            created = self.conn.execute(
                insert(_ITEMS).returning(_ITEMS.c.key, _ITEMS.c.id,
                                         sort_by_parameter_order=True), values)
            for key, ident in created:
                self.items[key] = ident
        return [self.items[k] for k in keys]

    def item_id(self, ref: ItemRef) -> int:
        return self.item_ids([ref])[0]

    def location_id(self, gln: str | None, name: str | None = None) -> int:
        key = f"gln:{gln}" if gln else UNKNOWN_LOCATION
        found = self.locations.get(key)
        if found is not None:
            return found
        ident = self.conn.execute(select(_LOCATIONS.c.id).where(_LOCATIONS.c.key == key)
                                  ).scalar()
        if ident is None:
            ident = self.conn.execute(insert(_LOCATIONS).returning(_LOCATIONS.c.id),
                                      {"key": key, "gln": gln, "name": name}).scalar_one()
        self.locations[key] = ident
        return int(ident)

    def party_location(self, party: Party | None) -> int:
        if party is None:
            return self.location_id(None)
        return self.location_id(party.gln, party.name)

    def party_id(self, party: Party | None) -> int | None:
        if party is None:
            return None
        key = party.key()
        found = self.parties.get(key)
        if found is not None:
            return found
        ident = self.conn.execute(select(_PARTIES.c.id).where(_PARTIES.c.key == key)).scalar()
        if ident is None:
            country = party.address.country if party.address else None
            ident = self.conn.execute(
                insert(_PARTIES).returning(_PARTIES.c.id),
                {"key": key, "gln": party.gln, "duns": party.duns,
                 "name": party.name[:200] if party.name else None, "country": country},
            ).scalar_one()
        self.parties[key] = ident
        return int(ident)


@dataclass(slots=True)
class Ledger:
    """Stock movements of one unit of work, applied to balances on :meth:`flush`."""

    conn: Connection
    movements: list[dict[str, Any]] = field(default_factory=list)
    deltas: dict[tuple[int, int], dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Decimal)))
    units: dict[tuple[int, int], str | None] = field(default_factory=dict)

    def move(self, item_id: int, location_id: int, bucket: Bucket, quantity: Decimal,
             kind: str, *, message_id: int, unit: str | None = None,
             occurred_on: date | None = None, number: str | None = None) -> None:
        if not quantity:
            return
        self.movements.append({
            "item_id": item_id, "location_id": location_id, "bucket": bucket.value,
            "kind": kind, "quantity": quantity, "occurred_on": occurred_on,
            "document_number": number, "message_id": message_id,
        })
        self.deltas[(item_id, location_id)][bucket.value] += quantity
        if unit:
            self.units.setdefault((item_id, location_id), unit)

    def balance(self, item_id: int, location_id: int) -> dict[str, Decimal]:
        """The balance as it will be after pending movements."""
        row = self.conn.execute(
            select(_BALANCES.c.on_hand, _BALANCES.c.on_order, _BALANCES.c.in_transit)
            .where(_BALANCES.c.item_id == item_id, _BALANCES.c.location_id == location_id)
        ).first()
        current = {b.value: Decimal(0) for b in Bucket}
        if row is not None:
            current = {"on_hand": row[0], "on_order": row[1], "in_transit": row[2]}
        for bucket, delta in self.deltas.get((item_id, location_id), {}).items():
            current[bucket] += delta
        return current

    def flush(self) -> None:
        """Write the movements and add their sums to the balances."""
        if self.movements:
            self.conn.execute(insert(_MOVEMENTS), self.movements)
        if self.deltas:
            stmt = insert_for(self.conn, _BALANCES)
            upsert = stmt.on_conflict_do_update(
                index_elements=["item_id", "location_id"],
                set_={
                    "on_hand": _BALANCES.c.on_hand + stmt.excluded.on_hand,
                    "on_order": _BALANCES.c.on_order + stmt.excluded.on_order,
                    "in_transit": _BALANCES.c.in_transit + stmt.excluded.in_transit,
                })
            rows = [{
                "item_id": item, "location_id": location,
                "on_hand": d.get("on_hand", Decimal(0)),
                "on_order": d.get("on_order", Decimal(0)),
                "in_transit": d.get("in_transit", Decimal(0)),
                "unit": self.units.get((item, location)),
            } for (item, location), d in sorted(self.deltas.items())]
            self.conn.execute(upsert, rows)
        self.movements = []
        self.deltas = defaultdict(lambda: defaultdict(Decimal))
        self.units = {}

    def undo(self, mark: int) -> None:
        """Forget the movements after the first ``mark`` (a message rolled back)."""
        kept = self.movements[:mark]
        self.movements = []
        self.deltas = defaultdict(lambda: defaultdict(Decimal))
        for move in kept:
            self.deltas[(move["item_id"], move["location_id"])][move["bucket"]] += \
                move["quantity"]
        self.movements = kept
