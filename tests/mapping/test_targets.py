"""Target fields (gateway.mapping.targets): every field an inbound mapping fills is a
field of the document model, in the shape the model gives it; a mistake fails when
the mappings load (check-mappings), naming file and field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.cli.main import main
from gateway.documents.common import Address, ItemRef, Party
from gateway.documents.models import OrderLine, PurchaseOrder
from gateway.mapping.inbound import MappingError
from gateway.mapping.registry import DEFAULT_ROOT, load_mappings
from gateway.mapping.targets import Target, check_targets, target_of

BASE = {"number": "BGM/02", "issue_date": {"from": "DTM/01-2", "as": "date"}}


@pytest.mark.parametrize(("annotation", "target"), [
    (PurchaseOrder.model_fields["number"].annotation, Target("value")),
    (PurchaseOrder.model_fields["notes"].annotation, Target("values")),
    (PurchaseOrder.model_fields["parties"].annotation, Target("objects", Party)),
    (PurchaseOrder.model_fields["lines"].annotation, Target("objects", OrderLine)),
    (Party.model_fields["address"].annotation, Target("object", Address)),
    (Party.model_fields["ids"].annotation, Target("mapping")),
    (OrderLine.model_fields["item"].annotation, Target("object", ItemRef)),
])
def test_the_shape_of_a_field_comes_from_its_annotation(annotation: Any, target: Target) -> None:
    """Optional, tuple and Annotated fields are seen for what they hold."""
    assert target_of(annotation) == target


@pytest.mark.parametrize(("fields", "where", "problem"), [
    ({"bogus": "BGM/01"}, "fields.bogus", "PurchaseOrder has no field 'bogus'"),
    ({"type": {"const": "invoice"}}, "fields.type", "comes from the mapping's 'document'"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01", "colour": "NAD/02"}}},
     "fields.parties.fields.colour", "Party has no field 'colour'"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01", "address": {"street": "NAD/05"}}}},
     "fields.parties.fields.address.street", "Address has no field 'street'"),
    ({"parties": {"each": "SG2", "fields": {"role": "NAD/01"}, "also": [{"rol": "NAD/01"}]}},
     "fields.parties.also[0].rol", "Party has no field 'rol'"),
    ({"lines": {"each": "SG25", "fields": {"item": {"gtin": "LIN/03-1", "size": "IMD/03"}}}},
     "fields.lines.fields.item.size", "ItemRef has no field 'size'"),
    ({"lines": {"each": "SG25", "fields": {"item": "LIN/03-1"}}},
     "fields.lines.fields.item", "is an object (ItemRef): give its fields"),
    ({"number": {"buyer": "BGM/02"}}, "fields.number", "is a value, not an object"),
    ({"total": {"first_of": [{"amount": "MOA/01-2", "cents": "MOA/01-3"}]}},
     "fields.total.first_of[0].cents", "Money has no field 'cents'"),
    ({"parties": {"role": "NAD/01"}}, "fields.parties", "not an object with fields"),
    ({"currency": {"each": "SG2", "fields": {"role": "NAD/01"}}}, "fields.currency",
     "not a list of objects"),
])
def test_a_field_the_model_cannot_take_is_refused(fields: dict[str, Any], where: str,
                                                   problem: str) -> None:
    """A target the document model lacks, or of the wrong shape, names file and field."""
    with pytest.raises(MappingError) as err:
        check_targets("x.in.yaml", "purchase_order", {**BASE, **fields})
    assert str(err.value).startswith(f"x.in.yaml: {where}: ")
    assert problem in str(err.value)


def test_free_keys_of_an_id_mapping_are_allowed() -> None:
    """A party's ids are keyed by who assigned them: any key is a target."""
    check_targets("x.in.yaml", "purchase_order", {**BASE, "parties": {
        "each": "SG2", "fields": {"role": "NAD/01", "ids": {"buyer": "NAD/02-1",
                                                          "anyone": "NAD/02-1"}}}})


def test_every_bundled_inbound_mapping_fills_only_model_fields() -> None:
    """The shipped mappings pass the check (load_mappings runs it on every inbound file)."""
    assert load_mappings().inbound


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    root = tmp_path / "mappings"
    shutil.copytree(DEFAULT_ROOT, root)
    return root


def test_check_mappings_names_file_and_field_of_a_bogus_target(
        copied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A `bogus` target in the X12 850 mapping fails check-mappings with exit 1, naming
    the file and the field, before any 850 is mapped."""
    path = copied / "x12" / "004010" / "850.in.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["fields"]["lines"]["fields"]["bogus"] = "PO1/02"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["check-mappings", "--mappings", str(copied)]) == 1
    err = capsys.readouterr().err
    assert "x12/004010/850.in.yaml: fields.lines.fields.bogus: OrderLine has no field 'bogus'" \
        in err
