"""Partners in the database: loading the profiles into tables and resolving ids.

:func:`sync_profiles` makes the partner tables say what the profile files say:
a partner per profile (with its one trading party, key ``partner:NAME``), its
identities and agreements replaced by the file's; a partner whose file is gone
is kept (rows point at it) but marked inactive. :func:`resolve_party` finds
the partner a document's party is, by any of its ids. Functions here take a
connection and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from gateway.db.base import table
from gateway.documents.common import Party
from gateway.partners.models import AgreementRecord, Partner, PartnerIdentity, TradingParty
from gateway.partners.profile import Profile, Profiles

PARTY_PREFIX = "partner:"
_PARTNERS = table(Partner)
_IDENTITIES = table(PartnerIdentity)
_AGREEMENTS = table(AgreementRecord)
_PARTIES = table(TradingParty)
_PARTNER_BY_IDENTITY = (
    select(_PARTNERS.c.id, _PARTNERS.c.name, _PARTNERS.c.party_id)
    .join(_IDENTITIES, _IDENTITIES.c.partner_id == _PARTNERS.c.id)
    .where(_IDENTITIES.c.key.in_(bindparam("keys", expanding=True)))
)


def party_key(name: str) -> str:
    """The trading-party key of partner ``name``: what its documents are filed under."""
    return PARTY_PREFIX + name


def identity_keys(party: Party) -> list[str]:
    """Every id a document's party is named by, spelt as identity keys."""
    keys = []
    if party.gln:
        keys.append(f"gln:{party.gln}")
    if party.duns:
        keys.append(f"duns:{party.duns}")
    keys.extend(f"{who}:{value}" for who, value in sorted(party.ids.items()))
    return keys


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    retired: list[str]


def sync_profiles(conn: Connection, profiles: Profiles, now: datetime) -> SyncReport:
    """Load ``profiles`` into the partner tables; see the module docstring."""
    existing = {row.name: row for row in conn.execute(
        select(_PARTNERS.c.id, _PARTNERS.c.name, _PARTNERS.c.digest, _PARTNERS.c.active))}
    report = SyncReport([], [], [], [])
    # Identities move between partners only after every old one is gone: free them first.
    changed = [item for item in profiles.loaded.values()
               if item.profile.name not in existing
               or existing[item.profile.name].digest != item.digest
               or not existing[item.profile.name].active]
    for item in changed:
        found = existing.get(item.profile.name)
        if found is not None:
            conn.execute(delete(_IDENTITIES).where(_IDENTITIES.c.partner_id == found.id))
            conn.execute(delete(_AGREEMENTS).where(_AGREEMENTS.c.partner_id == found.id))
    for name, row in existing.items():
        if name not in profiles.loaded and row.active:
            conn.execute(delete(_IDENTITIES).where(_IDENTITIES.c.partner_id == row.id))
            conn.execute(update(_PARTNERS).where(_PARTNERS.c.id == row.id).values(active=False))
            report.retired.append(name)
    for item in profiles.loaded.values():
        profile = item.profile
        values = {
            "display_name": profile.display_name, "test": profile.test,
            "channel": profile.channel.type, "active": True, "source": str(item.path),
            "digest": item.digest, "profile": profile.model_dump_json(), "loaded_at": now,
        }
        found = existing.get(profile.name)
        if found is None:
            party_id = _party(conn, profile)
            partner_id = conn.execute(insert(_PARTNERS).returning(_PARTNERS.c.id), {
                "name": profile.name, "party_id": party_id, **values}).scalar_one()
            report.added.append(profile.name)
        elif item in changed:
            partner_id = found.id
            conn.execute(update(_PARTNERS).where(_PARTNERS.c.id == partner_id).values(**values))
            report.updated.append(profile.name)
        else:
            report.unchanged.append(profile.name)
            continue
        _write_rows(conn, partner_id, profile)
    return report


def _party(conn: Connection, profile: Profile) -> int:
    key = party_key(profile.name)
    found = conn.execute(select(_PARTIES.c.id).where(_PARTIES.c.key == key)).scalar()
    if found is not None:
        return int(found)
    gln = next((i.id for i in profile.identities if i.scheme.value == "gln"), None)
    duns = next((i.id for i in profile.identities if i.scheme.value == "duns"), None)
    return int(conn.execute(insert(_PARTIES).returning(_PARTIES.c.id), {
        "key": key, "gln": gln, "duns": duns, "name": profile.display_name[:200],
        "country": None}).scalar_one())


def _write_rows(conn: Connection, partner_id: int, profile: Profile) -> None:
    conn.execute(insert(_IDENTITIES), [
        {"partner_id": partner_id, "scheme": i.scheme.value, "qualifier": i.qualifier,
         "value": i.id, "key": i.key} for i in profile.identities])
    if profile.agreements:
        conn.execute(insert(_AGREEMENTS), [_agreement_row(partner_id, a)
                                           for a in profile.agreements])


def _agreement_row(partner_id: int, agreement: Any) -> dict[str, Any]:
    return {
        "partner_id": partner_id, "direction": agreement.direction.value,
        "standard": agreement.standard, "version": agreement.version,
        "message": agreement.message, "mapping": agreement.mapping,
        "overlays": agreement.overlays,
        "ack_send": ",".join(k.value for k in agreement.ack.send),
        "ack_expect": agreement.ack.expect.value if agreement.ack.expect else None,
        "ack_within_hours": agreement.ack.within_hours,
        "duplicate_window_days": agreement.duplicates.window_days,
        "duplicate_action": agreement.duplicates.action.value,
        "delimiters": json.dumps(agreement.delimiters.model_dump()) if agreement.delimiters
        else None,
        "charset": agreement.charset,
    }


@dataclass(frozen=True, slots=True)
class PartnerRef:
    id: int
    name: str
    party_id: int


def resolve_party(conn: Connection, party: Party) -> PartnerRef | None:
    """The partner ``party`` is, by any id it is named by; None when no profile has one."""
    keys = identity_keys(party)
    if not keys:
        return None
    row = conn.execute(_PARTNER_BY_IDENTITY, {"keys": keys}).first()
    return PartnerRef(row.id, row.name, row.party_id) if row is not None else None


def partner_row(conn: Connection, name: str) -> PartnerRef | None:
    row = conn.execute(select(_PARTNERS.c.id, _PARTNERS.c.name, _PARTNERS.c.party_id)
                       .where(_PARTNERS.c.name == name)).first()
    return PartnerRef(row.id, row.name, row.party_id) if row is not None else None
