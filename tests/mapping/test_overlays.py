"""Partner overlays: a partner's qualifiers, code lists and units change the mapping
through files only, and a mistake in an overlay names its file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway.edi.issues import Level
from gateway.edi.report import inspect
from gateway.mapping.convert import documents
from gateway.mapping.inbound import MappingError
from gateway.mapping.registry import DEFAULT_ROOT, load_mappings

ACME_ORDER = (
    "UNA:+.? 'UNB+UNOC:3+5490000000001:14+4012345000016:14+250310:1200+77'"
    "UNH+1+ORDERS:D:96A:UN'BGM+220+ACME-1+9'DTM+137:20250310:102'"
    "NAD+OB+ACME-PURCHASING::92'NAD+DP+STORE-0042::92'NAD+SU+4012345000016::9'"
    "LIN+1++4012345100013:EN'QTY+21:12:KAR'UNS+S'UNT+10+1'UNZ+1+77'"
).encode("latin-1")


def _order(partner: str | None) -> dict[str, object]:
    mapped = documents(inspect(ACME_ORDER, level=Level.ENVELOPE),
                       load_mappings(partner=partner))
    assert mapped and mapped[0].document is not None, mapped[0].issues if mapped else None
    return mapped[0].document.model_dump(mode="json")


def test_overlay_changes_roles_ids_and_units() -> None:
    """With ACME's overlay, OB is the buyer, store numbers are ids and KAR is a carton."""
    order = _order("acme-retail")
    parties = {p["role"]: p for p in order["parties"]}  # type: ignore[union-attr]
    assert parties["buyer"]["ids"]["buyer"] == "ACME-PURCHASING"
    assert parties["ship_to"]["ids"]["buyer"] == "STORE-0042"
    assert order["lines"][0]["quantity"] == {"value": "12", "unit": "CT"}  # type: ignore[index]


def test_without_overlay_the_standard_reading_applies() -> None:
    """The shared mapping keeps KAR and reads OB as ordered_by: overlays touch one partner."""
    order = _order(None)
    roles = {p["role"] for p in order["parties"]}  # type: ignore[union-attr]
    assert "ordered_by" in roles and "buyer" not in roles
    assert order["lines"][0]["quantity"]["unit"] == "KAR"  # type: ignore[index]


def test_unknown_partner_is_refused() -> None:
    """Asking for a partner without an overlay folder is an error naming the folder."""
    with pytest.raises(MappingError, match="no partner folder 'nobody'"):
        load_mappings(partner="nobody")


def test_overlay_mistake_names_file_and_field(tmp_path: Path) -> None:
    """A wrong path in an overlay fails when loading, naming the file and the field."""
    root = tmp_path / "mappings"
    shutil.copytree(DEFAULT_ROOT, root)
    overlay = root / "partners" / "acme-retail" / "edifact" / "D96A" / "ORDERS.in.yaml"
    overlay.write_text("fields:\n  number: BGM/99-9[\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mappings(root, partner="acme-retail")
    assert "edifact/D96A/ORDERS.in.yaml" in str(caught.value)
    assert "fields.number" in str(caught.value)
