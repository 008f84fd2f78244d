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

from sqlalchemy import Connection, bindparam, func, insert, select, update

from gateway.db.base import table
from gateway.db.statements import Bulk, where_in
from gateway.documents.common import ItemRef, Party, gtin14
from gateway.inventory.models import (
    Bucket,
    InventoryBalance,
    InventoryMovement,
    Item,
    ItemIdentifier,
    Location,
)
from gateway.partners.models import TradingParty
from gateway.partners.service import resolve_party

# The key prefix of the place a partner's document names none of: "unnamed@<issuer>".
UNNAMED = "unnamed"
_ZERO = Decimal(0)

_ITEMS = table(Item)
_LOCATIONS = table(Location)
_PARTIES = table(TradingParty)
_BALANCES = table(InventoryBalance)
_MOVEMENTS = table(InventoryMovement)

_IDENTIFIERS = table(ItemIdentifier)
_NEW_ITEMS = Bulk(_ITEMS)
_NEW_IDENTIFIERS = Bulk(_IDENTIFIERS)
# The column of the items table that shows an id of each scheme.
_COLUMN = {"gtin": "gtin", "supplier": "supplier_part", "buyer": "buyer_part"}
_GTIN_OF_ITEM = select(_ITEMS.c.gtin).where(_ITEMS.c.id == bindparam("item"))
_ENRICH_ITEM = update(_ITEMS).where(_ITEMS.c.id == bindparam("item")).values(
    gtin=func.coalesce(_ITEMS.c.gtin, bindparam("gtin")),
    supplier_part=func.coalesce(_ITEMS.c.supplier_part, bindparam("supplier_part")),
    buyer_part=func.coalesce(_ITEMS.c.buyer_part, bindparam("buyer_part")),
    description=func.coalesce(_ITEMS.c.description, bindparam("description")))
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


@dataclass(frozen=True, slots=True)
class Conflict:
    """An id of a line that names another item than the one the line was stored on."""

    identifier: str  # "scheme:value"
    other: int | None  # the item the id names (None: pending, created in this call)
    detail: str


@dataclass(slots=True)
class Catalog:
    """Finds or creates the rows documents refer to, by natural key.

    Items go through the cross-reference: a line names its item by as many ids as
    its document gives (GTIN, the supplier's and the buyer's part numbers); the
    strongest id that is known decides the item, the others are added to it, so
    a later document naming the item by any one of them finds it. An item has at
    most one GTIN: a line whose ids name different items, or whose GTIN differs
    from its item's, lands on the item the strongest id names (a new one for an
    unknown GTIN) and the disagreement is kept in :attr:`conflicts`.

    Locations are keyed by GLN, or by the id the partners agreed for the place
    (``assigned:...``), or by what names the party; a document that names no
    place gets one of its sender's, never a place shared by every partner."""

    conn: Connection
    items: dict[ItemRef, int] = field(default_factory=dict)
    # "scheme:value" -> item id, for every id seen in this unit of work
    identifiers: dict[str, int] = field(default_factory=dict)
    gtins: dict[int, str | None] = field(default_factory=dict)
    conflicts: dict[ItemRef, list[Conflict]] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)

    def forget(self) -> None:
        """After a rollback the ids created in it are gone."""
        self.items.clear()
        self.identifiers.clear()
        self.gtins.clear()
        self.conflicts.clear()
        self.locations.clear()
        self.parties.clear()

    def item_ids(self, refs: list[ItemRef]) -> list[int]:
        """Ids for ``refs``, creating the items not seen before (a few statements for
        any number of them)."""
        missing = [ref for ref in dict.fromkeys(refs) if ref not in self.items]
        if missing:
            self._resolve(missing)
        return [self.items[ref] for ref in refs]

    def item_id(self, ref: ItemRef) -> int:
        return self.item_ids([ref])[0]

    def _resolve(self, refs: list[ItemRef]) -> None:
        keys = {f"{s}:{v}" for ref in refs for s, v in ref.identifiers()}
        plain = {ref.key() for ref in refs if not ref.identifiers()}
        self._look_up(sorted(keys - self.identifiers.keys()), sorted(plain))
        # Items to create, by the key each will have; pending ones are named by
        # negative numbers until they have ids.
        new: dict[str, int] = {}
        facts: dict[int, dict[str, str | None]] = {}  # what the lines said of each item
        learned: set[int] = set()
        links: dict[str, int] = {}
        chosen: dict[ItemRef, int] = {}
        for ref in refs:
            pairs = [f"{s}:{v}" for s, v in ref.identifiers()]
            if not pairs:
                key = ref.key()
                found = self.identifiers.get(key)
                if found is None:
                    found = new.setdefault(key, -len(new) - 1)
                    self.identifiers[key] = found
                    facts[found] = {"key": key, "description": ref.description}
                chosen[ref] = found
                continue
            item, conflicts = self._pick(ref, pairs)
            if item is None:
                item = new.setdefault(pairs[0], -len(new) - 1)
                facts.setdefault(item, {"key": pairs[0]})
            for pair in pairs:
                if pair not in self.identifiers:
                    self.identifiers[pair] = item
                    links[pair] = item
                    learned.add(item)
                    if pair.startswith("gtin:"):
                        self.gtins[item] = pair[5:]
            said = facts.setdefault(item, {})
            for pair, column in zip(pairs, (_COLUMN[p.partition(":")[0]] for p in pairs),
                                    strict=True):
                if self.identifiers.get(pair) == item and not said.get(column):
                    said[column] = pair.partition(":")[2]
            if ref.description and not said.get("description"):
                said["description"] = ref.description[:200]
            if conflicts:
                self.conflicts[ref] = conflicts
            chosen[ref] = item
        created = self._create(new, facts)
        for key, ident in list(self.identifiers.items()):
            if ident < 0:
                self.identifiers[key] = created[ident]
        for pending, ident in created.items():
            self.gtins[ident] = self.gtins.pop(pending, None)
        for ref, item in chosen.items():
            self.items[ref] = created.get(item, item)
        for ref, met in self.conflicts.items():
            if ref in chosen:
                self.conflicts[ref] = [Conflict(c.identifier, created.get(c.other, c.other)
                                                if c.other is not None else None, c.detail)
                                       for c in met]
        if links:
            _NEW_IDENTIFIERS.run(self.conn, [
                {"key": key, "item_id": created.get(item, item)} for key, item in links.items()])
        self._enrich({item: facts[item] for item in learned if item > 0})

    def _pick(self, ref: ItemRef, pairs: list[str]) -> tuple[int | None, list[Conflict]]:
        """The item the strongest known id names, unless the line's GTIN is not that
        item's (then None: a new item); and the ids that disagree."""
        known = [(pair, self.identifiers[pair]) for pair in pairs if pair in self.identifiers]
        conflicts: list[Conflict] = []
        if not known:
            return None, conflicts
        pair, item = known[0]
        gtin = pairs[0][5:] if pairs[0].startswith("gtin:") else None
        has = self._gtin_of(item) if gtin is not None and pair != pairs[0] else None
        if gtin is not None and has is not None and has != gtin:
            # The GTIN is new, but a weaker id names an item with another GTIN.
            conflicts.append(Conflict(pair, item, f"{pair} names the item with GTIN {has}, "
                                      f"this line gives GTIN {gtin}"))
            return None, conflicts
        for other_pair, other in known[1:]:
            if other != item:
                conflicts.append(Conflict(other_pair, other, f"{other_pair} names another "
                                          f"item than {pair} does"))
        return item, conflicts

    def _look_up(self, keys: list[str], plain: list[str]) -> None:
        if keys:
            for key, ident in where_in(self.conn, _IDENTIFIERS.c.key, keys,
                                       _IDENTIFIERS.c.key, _IDENTIFIERS.c.item_id):
                self.identifiers[key] = ident
        if plain:
            for key, ident in where_in(self.conn, _ITEMS.c.key, plain, _ITEMS.c.key,
                                       _ITEMS.c.id):
                self.identifiers[key] = ident

    def _gtin_of(self, item: int) -> str | None:
        if item not in self.gtins:
            gtin = self.conn.execute(_GTIN_OF_ITEM, {"item": item}).scalar()
            self.gtins[item] = gtin14(gtin) if gtin else None
        return self.gtins[item]

    def _create(self, new: dict[str, int], facts: dict[int, dict[str, str | None]]
                ) -> dict[int, int]:
        """Insert the new items; their ids by the pending numbers that named them."""
        if not new:
            return {}
        _NEW_ITEMS.run(self.conn, [
            {"key": key, "gtin": facts[pending].get("gtin"),
             "supplier_part": facts[pending].get("supplier_part"),
             "buyer_part": facts[pending].get("buyer_part"),
             "description": facts[pending].get("description") or None}
            for key, pending in new.items()])
        found = dict(where_in(self.conn, _ITEMS.c.key, list(new), _ITEMS.c.key, _ITEMS.c.id))
        return {pending: found[key] for key, pending in new.items()}

    def _enrich(self, facts: dict[int, dict[str, str | None]]) -> None:
        """Fill in what an item lacked (its GTIN, a part number, a description) from a
        line that named it by another id as well."""
        rows = [{"item": item, "gtin": said.get("gtin"),
                 "supplier_part": said.get("supplier_part"),
                 "buyer_part": said.get("buyer_part"), "description": said.get("description")}
                for item, said in sorted(facts.items())]
        if rows:
            self.conn.execute(_ENRICH_ITEM, rows)

    def conflicts_of(self, refs: list[ItemRef]) -> list[tuple[int, Conflict]]:
        """The conflicts the lines naming ``refs`` met, each with the item the line is
        on: for the storing document to record."""
        return [(self.items[ref], c) for ref in dict.fromkeys(refs)
                for c in self.conflicts.get(ref, ())]

    def location_id(self, code: str | None, name: str | None = None, *,
                    owner: str | None = None) -> int:
        """The location a document names by a code (a GLN, or an id the partners
        agreed), or, naming none, the unnamed place of ``owner`` (the issuer)."""
        if code:
            digits = code.isascii() and code.isdigit() and len(code) == 13
            key = f"gln:{code}" if digits else f"assigned:{code}"
            return self._location(key, code if digits else None, name)
        return self._location(f"{UNNAMED}@{owner or 'unknown'}"[:120], None, name)

    def party_location(self, party: Party | None, *, owner: str | None = None) -> int:
        """The location of a party in a place role (ship-to, ...): by its GLN, else by
        what else identifies it; without a party, the issuer's unnamed place."""
        if party is None or not (party.gln or party.duns or party.ids or party.name):
            return self.location_id(None, owner=owner)
        if party.gln:
            return self.location_id(party.gln, party.name)
        return self._location(party.key()[:120], None, party.name)

    def _location(self, key: str, gln: str | None, name: str | None) -> int:
        found = self.locations.get(key)
        if found is not None:
            return found
        ident = self.conn.execute(_LOCATION_BY_KEY, {"key": key}).scalar()
        if ident is None:
            ident = self.conn.execute(_NEW_LOCATION, {
                "key": key, "gln": gln, "name": name[:200] if name else None}).scalar_one()
        self.locations[key] = ident
        return int(ident)

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
