"""The prepared form of the standards: in step with the YAML in the repository, the
same directory as the YAML gives, used only while every file it was made from is
unchanged, and building message structures only when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.edi.schema import loader, prepare, prepared
from gateway.edi.schema.model import Directory
from tests.edi.schema.test_loader import CODES, DIRECTORY, MESSAGE


def test_every_prepared_file_is_in_step_with_the_yaml() -> None:
    """Each shipped directory has a prepared file equal to what its YAML gives now,
    and no prepared file is left without YAML (the check CI runs; fix it with
    `python -m gateway.edi.schema.prepare`)."""
    assert prepare.out_of_step() == []


def _same(a: Directory, b: Directory) -> None:
    assert (a.standard, a.version) == (b.standard, b.version)
    assert a.elements == b.elements
    assert a.composites == b.composites
    assert a.segments == b.segments
    assert dict(a.messages) == dict(b.messages)


@pytest.mark.parametrize(("standard", "version"), [
    ("edifact", "D96A"), ("edifact", "D01B"), ("edifact", "D24A"), ("edifact", "syntax4"),
    ("x12", "004010"), ("x12", "005010")])
def test_a_prepared_directory_is_the_directory_the_yaml_gives(standard: str,
                                                              version: str) -> None:
    """What the loader takes from the prepared form equals what it reads from the
    YAML: elements with their codes, composites, segments with their rules, and
    every message structure."""
    from_prepared = prepared.read(loader.PREPARED, loader.DATA, standard, version)
    from_yaml = loader.from_yaml(standard, version)
    assert from_prepared is not None and from_yaml is not None
    _same(from_prepared, from_yaml.directory)


def test_the_loader_uses_the_prepared_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shipped directory loads without reading its YAML while the prepared file is
    in step."""
    def refuse(standard: str, version: str) -> None:
        raise AssertionError(f"read {standard}/{version} from YAML")

    monkeypatch.setattr(loader, "from_yaml", refuse)
    found = loader.load_directory.__wrapped__("edifact", "D03B")
    assert found is not None and "ORDERS" in found.messages


def test_message_structures_are_built_when_first_asked_for() -> None:
    """A prepared directory builds a message structure on first use, once."""
    found = prepared.read(loader.PREPARED, loader.DATA, "edifact", "D10A")
    assert found is not None
    messages = found.messages
    assert "INVOIC" in messages and len(messages) == 13
    assert messages._built == {}  # type: ignore[attr-defined]
    first = messages["INVOIC"]
    assert messages["INVOIC"] is first
    assert set(messages._built) == {"INVOIC"}  # type: ignore[attr-defined]


# -- invalidation, on a data folder of our own ---------------------------------------


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    """A data folder with one directory (T1) and a prepared folder written from it."""
    standard = f"prep_{tmp_path.name}"
    data, ready = tmp_path / "data", tmp_path / "prepared"
    for relative, text in {"T1/directory.yaml": DIRECTORY, "T1/codes.yaml": CODES,
                           "T1/messages/ORDERS.yaml": MESSAGE}.items():
        path = data / standard / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    monkeypatch.setattr(loader, "DATA", data)
    (ready / standard).mkdir(parents=True)
    (ready / standard / "T1.json.gz").write_bytes(
        prepared.dumps(prepare.prepare(standard, "T1")))
    return data, ready, standard


def test_a_prepared_file_in_step_is_used(folders: tuple[Path, Path, str]) -> None:
    """With its sources unchanged the prepared file gives the directory."""
    data, ready, standard = folders
    found = prepared.read(ready, data, standard, "T1")
    assert found is not None and found.elements["1225"].codes == {"9", "1"}


@pytest.mark.parametrize("change", ["edit", "same-size edit", "delete"])
def test_a_changed_source_makes_the_prepared_file_stale(
        folders: tuple[Path, Path, str], change: str) -> None:
    """An edit of any file it was made from (even one keeping the size), or its
    removal, makes the prepared file unusable: the YAML is read instead."""
    data, ready, standard = folders
    codes = data / standard / "T1" / "codes.yaml"
    if change == "edit":
        codes.write_text(CODES.replace('[9, "1"]', '[9, "1", "2"]'), "utf-8")
    elif change == "same-size edit":
        codes.write_text(CODES.replace('[9, "1"]', '[9, "3"]'), "utf-8")
    else:
        codes.unlink()
    assert prepared.read(ready, data, standard, "T1") is None


@pytest.mark.parametrize("damage", ["format", "version", "garbage"])
def test_a_prepared_file_of_another_format_or_damaged_is_ignored(
        folders: tuple[Path, Path, str], damage: str) -> None:
    """A prepared file of another format number, for another version, or that does
    not decompress is ignored rather than trusted."""
    data, ready, standard = folders
    path = ready / standard / "T1.json.gz"
    if damage == "garbage":
        path.write_bytes(b"not gzip at all")
    else:
        content = prepared.loads(path.read_bytes())
        content["format" if damage == "format" else "version"] = \
            prepared.FORMAT + 1 if damage == "format" else "T9"
        path.write_bytes(prepared.dumps(content))
    assert prepared.read(ready, data, standard, "T1") is None


def test_prepared_bytes_do_not_depend_on_when_they_are_written(
        folders: tuple[Path, Path, str]) -> None:
    """Writing the same directory twice gives the same bytes (no time stamp), so an
    unchanged directory leaves its prepared file alone."""
    _, _, standard = folders
    assert prepared.dumps(prepare.prepare(standard, "T1")) == \
        prepared.dumps(prepare.prepare(standard, "T1"))
