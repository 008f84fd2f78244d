"""Profiles loaded into tables: one party per partner, identities unique, reloads
replace what changed and keep what rows point at."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from gateway.db.base import table
from gateway.documents.common import Party, PartyRole
from gateway.inventory.service import Catalog
from gateway.partners.models import AgreementRecord, Partner, PartnerIdentity
from gateway.partners.profile import DEFAULT_PARTNERS, load_profiles
from gateway.partners.service import party_key, resolve_party, sync_profiles

NOW = datetime(2024, 3, 11, 9, 15, tzinfo=UTC)


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table(model))).scalar_one())


def test_sync_loads_every_profile_and_a_second_sync_changes_nothing(engine: Engine) -> None:
    """Each profile becomes a partner with its identities and agreements; syncing the
    same files again reports them unchanged."""
    profiles = load_profiles(DEFAULT_PARTNERS)
    with engine.begin() as conn:
        first = sync_profiles(conn, profiles, NOW)
    assert sorted(first.added) == sorted(profiles.loaded)
    assert _count(engine, Partner) == 4
    assert _count(engine, PartnerIdentity) == sum(len(p.identities) for p in profiles)
    assert _count(engine, AgreementRecord) == sum(len(p.agreements) for p in profiles)
    with engine.begin() as conn:
        again = sync_profiles(conn, profiles, NOW)
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 4


def test_a_party_named_by_any_of_its_ids_is_the_partners_one_party(engine: Engine) -> None:
    """Northwind's bill-to id 0001 and its GS id resolve to the one trading party the
    partner has, which the catalog then uses instead of creating a party."""
    with engine.begin() as conn:
        sync_profiles(conn, load_profiles(DEFAULT_PARTNERS), NOW)
        by_bill_to = resolve_party(conn, Party(role=PartyRole.BILL_TO, ids={"assigned": "0001"}))
        assert by_bill_to is not None and by_bill_to.name == "nwretail"
        catalog = Catalog(conn)
        party = catalog.party_id(Party(role=PartyRole.BUYER, ids={"assigned": "0001"}))
        assert party == by_bill_to.party_id
        stranger = catalog.party_id(Party(role=PartyRole.BUYER, gln="4000000000003"))
        assert stranger != party
        assert resolve_party(conn, Party(role=PartyRole.BUYER, gln="4000000000003")) is None


def test_a_changed_profile_replaces_its_rows_and_a_removed_one_is_retired(
        engine: Engine, tmp_path: Path) -> None:
    """Editing a file replaces its identities; a file taken away leaves the partner row
    (documents point at it) inactive and frees its identities."""
    folder = tmp_path / "partners"
    shutil.copytree(DEFAULT_PARTNERS, folder)
    with engine.begin() as conn:
        sync_profiles(conn, load_profiles(folder), NOW)
    path = folder / "nwretail.yaml"
    path.write_text(path.read_text("utf-8").replace("id: NWRETAIL}      # ISA05/06",
                                                    "id: NWRETAIL2}"), "utf-8")
    (folder / "acme-retail.yaml").unlink()
    with engine.begin() as conn:
        report = sync_profiles(conn, load_profiles(folder), NOW)
        assert report.updated == ["nwretail"] and report.retired == ["acme-retail"]
        keys = set(conn.execute(select(table(PartnerIdentity).c.key)).scalars())
        active = dict(conn.execute(select(table(Partner).c.name, table(Partner).c.active)).all())
    assert "isa:ZZ:NWRETAIL2" in keys and "isa:ZZ:NWRETAIL" not in keys
    assert "unb:14:5490000000001" not in keys
    assert active["acme-retail"] is False and active["nwretail"] is True
    assert party_key("nwretail") == "partner:nwretail"
