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

from sqlalchemy import Connection, bindparam, insert, select

from gateway.db.base import table
from gateway.db.statements import Bulk, where_in
from gateway.documents.common import ItemRef, Party
from gateway.inventory.models import (
    Bucket,
    InventoryBalance,
    InventoryMovement,
    Item,
    Location,
)
from gateway.partners.models import TradingParty
from gateway.partners.service import resolve_party

UNKNOWN_LOCATION = "unknown"
_ZERO = Decimal(0)

_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)
_BALANCES = table(InventoryBalance)
_MOVEMENTS = table(InventoryMovement)

_NEW_ITEMS = Bulk(_ITEMS)
_NEW_MOVEMENTS = Bulk(_MOVEMENTS)
# Balances are keyed by (item, location): the rows of one flush never conflict with
# one another, only with balances already stored, which they add to.
_ADD_TO_BALANCES = Bulk(_BALANCES, ("item_id", "location_id"), lambda stmt: {
    "on_hand": _BALANCES.c.on_hand + stmt.excluded.on_hand,
    "on_order": _BALANCES.c.on_order + stmt.excluded.on_order,
    "in_transit": _BALANCES.c.in_transit + stmt.excluded.in_transit,
})
_LOCATION_BY_KEY = select(_LOCATIONS.c.id).where(_LOCATIONS.c.key == bindparam("key"))
_NEW_LOCATION = insert(_LOCATIONS).returning(_LOCATIONS.c.id)
_PARTY_BY_KEY = select(_PARTIES.c.id).where(_PARTIES.c.key == bindparam("key"))
_NEW_PARTY = insert(_PARTIES).returning(_PARTIES.c.id)
_BALANCE = select(_BALANCES.c.on_hand, _BALANCES.c.on_order, _BALANCES.c.in_transit).where(
    _BALANCES.c.item_id == bindparam("item_id"),
    _BALANCES.c.location_id == bindparam("location_id"))


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
        """Ids for ``refs``, creating the items not seen before (a few statements for
        any number of them)."""
        keys = [ref.key() for ref in refs]
        known = self.items
        missing = {k: r for k, r in zip(keys, refs, strict=True) if k not in known}
        if missing:
            self._look_up(list(missing))
            for key in known.keys() & missing.keys():
                del missing[key]
        if missing:
            _NEW_ITEMS.run(self.conn, [
                {"key": k, "gtin": r.gtin, "supplier_part": r.supplier_part,
                 "buyer_part": r.buyer_part,
                 "description": (r.description or None) and r.description[:200]}
                for k, r in missing.items()])
            self._look_up(list(missing))
        return [known[k] for k in keys]

    def _look_up(self, keys: list[str]) -> None:
        for key, ident in where_in(self.conn, _ITEMS.c.key, keys, _ITEMS.c.key, _ITEMS.c.id):
            self.items[key] = ident

    def item_id(self, ref: ItemRef) -> int:
        return self.item_ids([ref])[0]

    def location_id(self, gln: str | None, name: str | None = None) -> int:
        key = f"gln:{gln}" if gln else UNKNOWN_LOCATION
        found = self.locations.get(key)
        if found is not None:
            return found
        ident = self.conn.execute(_LOCATION_BY_KEY, {"key": key}).scalar()
        if ident is None:
            ident = self.conn.execute(_NEW_LOCATION,
                                      {"key": key, "gln": gln, "name": name}).scalar_one()
        self.locations[key] = ident
        return int(ident)

    def party_location(self, party: Party | None) -> int:
        if party is None:
            return self.location_id(None)
        return self.location_id(party.gln, party.name)

    def party_id(self, party: Party | None) -> int | None:
        """The party's row: its partner's one party when any id it is named by belongs
        to a partner profile, else the row of its best id (created when new)."""
        if party is None:
            return None
        key = party.key()
        found = self.parties.get(key)
        if found is not None:
            return found
        partner = resolve_party(self.conn, party)
        if partner is not None:
            self.parties[key] = partner.party_id
            return partner.party_id
        ident = self.conn.execute(_PARTY_BY_KEY, {"key": key}).scalar()
        if ident is None:
            country = party.address.country if party.address else None
            ident = self.conn.execute(
                _NEW_PARTY,
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
        value = bucket.value
        self.movements.append({
            "item_id": item_id, "location_id": location_id, "bucket": value,
            "kind": kind, "quantity": quantity, "occurred_on": occurred_on,
            "document_number": number, "message_id": message_id,
        })
        place = (item_id, location_id)
        self.deltas[place][value] += quantity
        if unit:
            self.units.setdefault(place, unit)

    def balance(self, item_id: int, location_id: int) -> dict[str, Decimal]:
        """The balance as it will be after pending movements."""
        row = self.conn.execute(_BALANCE, {"item_id": item_id, "location_id": location_id}
                                ).first()
        current = {b.value: Decimal(0) for b in Bucket}
        if row is not None:
            current = {"on_hand": row[0], "on_order": row[1], "in_transit": row[2]}
        for bucket, delta in self.deltas.get((item_id, location_id), {}).items():
            current[bucket] += delta
        return current

    def flush(self) -> None:
        """Write the movements and add their sums to the balances."""
        _NEW_MOVEMENTS.run(self.conn, self.movements)
        if self.deltas:
            units = self.units
            rows = [{
                "item_id": place[0], "location_id": place[1],
                "on_hand": d.get("on_hand", _ZERO), "on_order": d.get("on_order", _ZERO),
                "in_transit": d.get("in_transit", _ZERO), "unit": units.get(place),
            } for place, d in sorted(self.deltas.items())]
            _ADD_TO_BALANCES.run(self.conn, rows)
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
