"""The EDIFACT D96A and D01B mappings: golden documents, round trips and the corpus.

Each EDIFACT sample under ``samples/edifact`` (``<TYPE>_<VERSION>.edi``) maps to
exactly the documents stored beside it (``<name>.document.json``, written by
``tests/regenerate_samples.py``). Every sample's documents survive being
written as EDIFACT of the sample's version and read again, and what is written
is valid at schema level; a D96A document also survives D01B, which holds
everything D96A does. Every file of the shared corpus whose message type a
mapping reads maps to valid documents, except those listed below with the
reason, and its documents survive the same round trip.

Outbound mappings are picked the way the gateway picks them
(:func:`gateway.mapping.convert.to_edifact`): an order change or cancellation
is written as ORDCHG, every other purchase order as ORDERS.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.documents.common import Model
from gateway.edi.issues import Code, Level
from gateway.edi.report import FileReport, inspect
from gateway.errors import WriteError
from gateway.mapping.convert import EnvelopeOptions, Mapped, documents, to_edifact
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.registry import Mappings, load_mappings
from tests import corpus
from tests.regenerate_samples import DOCUMENT, SAMPLES, expected_path, sample_id

VERSIONS = ("D96A", "D01B")
MESSAGES = ("ORDERS", "ORDCHG", "ORDRSP", "DESADV", "RECADV", "INVOIC", "INVRPT", "SLSRPT",
            "DELFOR")
EDIFACT_SAMPLES = sorted((SAMPLES / "edifact").glob("*.edi"))
NOW = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)

# Corpus files of a mapped type that give no valid document, and why.
UNMAPPABLE: dict[str, str] = {
    "edifact/DESADV/edifact__example_utf8.edi":
        "UNH names message version 0, release 96A (not D:96A): no mapping reads that version",
    "edifact/INVOIC/edireader__tiny-UNOA.edi":
        "a four-segment character-set fixture: no DTM, so no invoice date",
    "edifact/INVOIC/edireader__tiny-UNOE.edi":
        "a four-segment character-set fixture: no DTM, so no invoice date",
    "edifact/INVOIC/edireader__tiny-withUNA-UNOE.edi":
        "a four-segment character-set fixture: no DTM, so no invoice date",
    "edifact/INVOIC/pydifact__invoice_with_colon_at_end.edi":
        "its one line has no line number (LIN+++...), which an invoice line needs",
    "edifact/INVOIC/smooks-edi-cartridge__d93a-invoic-1-input.edi":
        "a bare message body without UNH: no message type or version to map by",
    "edifact/INVOIC/smooks-edi-cartridge__invoic-invoic.txt":
        "D03B: the gateway ships no D03B structure, so no mapping reads that version",
    "edifact/INVOIC/staedi__invoic_d97b_bad.edi":
        "deliberately broken fixture: QTY '1020A' and PRI '$1.179' are not numbers",
    "edifact/ORDERS/module-ballerina-edi__sample-data-order-batch.edi":
        "D03A: the gateway ships no D03A structure, so no mapping reads that version "
        "(its third message has no BGM either)",
    "edifact/ORDERS/smooks-edi-cartridge__ORDERS_D.03B_Interchange.txt":
        "D03B: the gateway ships no D03B structure, so no mapping reads that version",
    "edifact/ORDRSP/EDI.Net__edifact.ORDRSP.edi":
        "D10A: the gateway ships no D10A structure, so no mapping reads that version",
    "edifact/ORDRSP/edireader__ORDERS-D01B-UNOC.edi":
        "a generated every-segment fixture of lorem ipsum: no RFF+ON and no real dates",
    "edifact/ORDRSP/edireader__ORDERS-D01B-UNOD.edi":
        "a generated every-segment fixture of lorem ipsum: no RFF+ON and no real dates",
}

# Corpus documents that cannot be written back unchanged, and why.
LOSSY: dict[str, str] = {
    "edifact/ORDERS/edifact__example_order_ok.edi":
        "its text holds U+FFFD replacement characters (the source's umlauts were already "
        "lost), which the UNOC (ISO 8859-1) interchange to_edifact writes cannot carry",
}


@cache
def mappings() -> Mappings:
    return load_mappings()


def read(data: bytes) -> tuple[FileReport, list[Mapped]]:
    report = inspect(data, level=Level.ENVELOPE)
    return report, documents(report, mappings())


def as_json(document: Model) -> Any:
    return document.model_dump(mode="json", exclude_none=True)


def written_version(standard_version: str, message_type: str) -> str:
    """The version of the mapping that reads a message: the version it is written back in."""
    mapping = mappings().inbound_for("edifact", standard_version, message_type)
    assert mapping is not None, f"no mapping reads {message_type} {standard_version}"
    return mapping.version


def sample_documents(sample: Path) -> tuple[FileReport, list[Model]]:
    """A sample's documents, each mapped without any issue."""
    report, mapped = read(sample.read_bytes())
    assert report.valid, [str(i) for i in report.issues]
    assert mapped, "a sample holds at least one message"
    for item in mapped:
        assert item.issues == [], [str(i) for i in item.issues]
        assert item.document is not None
    return report, [item.document for item in mapped if item.document is not None]


def sample_version(report: FileReport) -> str:
    versions = {written_version(m.version, m.type) for m in report.messages()}
    assert len(versions) == 1, versions
    return versions.pop()


def write_and_read(docs: list[Model], version: str) -> tuple[bytes, FileReport, list[Mapped]]:
    """``docs`` as one EDIFACT interchange of ``version``, and that interchange read again."""
    written = to_edifact(docs, mappings(), version, EnvelopeOptions(now=NOW))
    report, mapped = read(written)
    return written, report, mapped


def assert_written_valid(written: bytes) -> None:
    checked = inspect(written)  # up to schema level
    assert checked.valid, [str(i) for i in checked.issues]


# -- the mappings themselves -------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("message", MESSAGES)
def test_message_has_own_mappings(message: str, version: str) -> None:
    """Each message type has an inbound and an outbound mapping filed under the version itself."""
    inbound = mappings().inbound_for("edifact", version, message)
    assert inbound is not None and inbound.version == version, \
        f"{message} {version} is read by {inbound.name if inbound else 'nothing'}"
    written = {m.message for (standard, v, _), m in mappings().outbound.items()
               if standard == "edifact" and v == version and isinstance(m, OutboundMapping)}
    assert message in written


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("message", MESSAGES)
def test_message_has_sample(message: str, version: str) -> None:
    """Each message type has a golden sample in each version."""
    assert (SAMPLES / "edifact" / f"{message}_{version}.edi").is_file()


# -- golden samples -----------------------------------------------------------------------


@pytest.mark.parametrize("sample", EDIFACT_SAMPLES, ids=sample_id)
def test_sample_maps_to_expected_document(sample: Path) -> None:
    """An EDIFACT sample maps, without issues, to exactly its stored <name>.document.json."""
    expected = expected_path(sample, DOCUMENT)
    assert expected.exists(), f"run tests/regenerate_samples.py edifact for {sample.name}"
    stored = json.loads(expected.read_text("utf-8"))
    _, docs = sample_documents(sample)
    assert [as_json(d) for d in docs] == (stored if isinstance(stored, list) else [stored])


@pytest.mark.parametrize("sample", EDIFACT_SAMPLES, ids=sample_id)
def test_sample_round_trip(sample: Path) -> None:
    """A sample's documents written in its own version are valid and read back the same."""
    report, docs = sample_documents(sample)
    written, again, remapped = write_and_read(docs, sample_version(report))
    assert_written_valid(written)
    assert [m.type for m in again.messages()] == [m.type for m in report.messages()]
    assert [m.document for m in remapped] == docs, [str(i) for m in remapped for i in m.issues]


@pytest.mark.parametrize("sample", [s for s in EDIFACT_SAMPLES if s.stem.endswith("_D96A")],
                         ids=sample_id)
def test_d96a_sample_round_trip_through_d01b(sample: Path) -> None:
    """A D96A sample's documents written as D01B are schema-valid and read back the same."""
    _, docs = sample_documents(sample)
    written, again, remapped = write_and_read(docs, "D01B")
    assert_written_valid(written)
    assert {m.version for m in again.messages()} == {"D01B"}
    assert [m.document for m in remapped] == docs, [str(i) for m in remapped for i in m.issues]


def test_expected_documents_are_samples() -> None:
    """Every stored EDIFACT document JSON has its sample beside it."""
    stored = sorted((SAMPLES / "edifact").glob("*.document.json"))
    assert [p.name for p in stored] == [expected_path(s, DOCUMENT).name for s in EDIFACT_SAMPLES]


# -- the shared corpus ----------------------------------------------------------------------


def _mapped_types() -> set[str]:
    return {message for (standard, _, message) in mappings().inbound if standard == "edifact"}


def _types(entry: corpus.Entry) -> set[str]:
    """The message types of a corpus file: its folder, or the ``types:`` a mixed file lists."""
    if entry.doctype != "mixed":
        return {entry.doctype}
    for note in entry.notes.split(";"):
        name, _, value = note.strip().partition(":")
        if name == "types":
            return {t.strip() for t in value.split(",")}
    return set()


def _corpus_params() -> list[Any]:
    if not corpus.is_available(under="edifact"):
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(
            reason=f"the shared corpus is not at {corpus.CORPUS / 'edifact'}"))]
    types = _mapped_types()
    return [pytest.param(entry, id=entry.local_path) for entry in corpus.entries("edifact")
            if _types(entry) & types]


CORPUS_PARAMS = _corpus_params()


def _of_mapped_types(mapped: list[Mapped]) -> list[Mapped]:
    """The messages a mapping is there for (a broken envelope's untyped remnant is not)."""
    types = _mapped_types()
    return [m for m in mapped if m.message_type in types]


@pytest.mark.corpus
def test_corpus_lists_name_corpus_files() -> None:
    """Every file UNMAPPABLE and LOSSY name is a corpus file of a mapped type."""
    if not corpus.is_available(under="edifact"):
        pytest.skip(f"the shared corpus is not at {corpus.CORPUS / 'edifact'}")
    read_here = {p.values[0].local_path for p in CORPUS_PARAMS}
    assert sorted((UNMAPPABLE.keys() | LOSSY.keys()) - read_here) == []


@pytest.mark.corpus
@pytest.mark.parametrize("entry", CORPUS_PARAMS)
def test_corpus_file_maps(entry: corpus.Entry) -> None:
    """A corpus file of a mapped type maps with no invalid-document issue, or is listed."""
    _, mapped = read(entry.read_bytes())
    ours = _of_mapped_types(mapped)
    invalid = [str(i) for m in ours for i in m.issues if i.code is Code.MAPPING_INVALID]
    failed = not ours or any(m.document is None for m in ours) or bool(invalid)
    if entry.local_path in UNMAPPABLE:
        assert failed, f"listed as unmappable but maps now: {entry.local_path}; remove it"
        return
    assert not failed, invalid or [str(i) for m in ours for i in m.issues] or "no message"


@pytest.mark.corpus
@pytest.mark.parametrize("entry", [p for p in CORPUS_PARAMS
                                   if p.values[0] is None
                                   or p.values[0].local_path not in UNMAPPABLE])
def test_corpus_round_trip(entry: corpus.Entry) -> None:
    """A corpus document written in its mapping's version is valid and reads back, or is listed."""
    report, mapped = read(entry.read_bytes())
    types = _mapped_types()
    changed = []
    for info, item in zip(report.messages(), mapped, strict=True):
        if item.message_type not in types:
            continue
        assert item.document is not None
        try:
            written, _, remapped = write_and_read(
                [item.document], written_version(info.version, info.type))
        except WriteError as err:
            changed.append(f"{item.reference}: {err}")
            continue
        assert_written_valid(written)
        assert len(remapped) == 1 and remapped[0].document is not None, \
            [str(i) for i in remapped[0].issues]
        if remapped[0].document != item.document:
            changed.append(item.reference)
            if entry.local_path not in LOSSY:
                assert as_json(remapped[0].document) == as_json(item.document)
    if entry.local_path in LOSSY:
        assert changed, f"listed as lossy but survives now: {entry.local_path}; remove it"
        return
    assert changed == []
