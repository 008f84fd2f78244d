"""The X12 004010 and 005010 mappings: golden documents, round trips and the corpus.

Each X12 sample of a mapped transaction set (``samples/x12/<SET>_<VERSION>.x12``)
maps to exactly the document stored beside it (``<name>.document.json``, a list
when the file holds several, written by ``tests/regenerate_samples.py``); its
documents written back as X12 004010 and as 005010 are valid at schema level
and read back as the same documents. Every file of the shared corpus that
holds a mapped transaction set maps to valid documents, except those listed
below with the reason, and its documents survive the same round trip. X12
units read as the canonical (UN/ECE Rec 20) units the other formats use, and
packaging codes as the canonical (UN/ECE Rec 21) package kinds. What N1 and HL
cannot say in their own elements has a segment of its own: a party's assigned
id beside its GLN, a package's type.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.documents.common import Address, Model
from gateway.edi.issues import Code, Level
from gateway.edi.report import FileReport, inspect
from gateway.errors import WriteError
from gateway.mapping.convert import EnvelopeOptions, Mapped, documents, to_x12
from gateway.mapping.registry import DEFAULT_ROOT, Mappings, load_codelists, load_mappings
from tests import corpus
from tests.regenerate_samples import DOCUMENT, SAMPLES, expected_path, sample_id

SETS = ("810", "830", "846", "850", "852", "855", "856", "860", "861")
VERSIONS = ("004010", "005010")
NOW = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)
X12_SAMPLES = sorted(p for p in (SAMPLES / "x12").glob("*.x12") if p.stem.split("_")[0] in SETS)

# Corpus files holding a mapped transaction set that give no valid document, and why.
UNMAPPABLE: dict[str, str] = {
    "x12/830/bots-plugins__830-004010UCS-01.x12":
        "BFR 02 and BFR 03 are both empty (note R0203): the schedule has no number",
    "x12/830/stupidedi__002001-PO830-fail-1.edi":
        "version 002001: six-digit dates (YYMMDD), which the 004010 paths would misread",
    "x12/850/EDI.Net__x12.Issue172.edi":
        "no BEG: the 850 holds made-up AA/BB segments (EDI.Net issue 172 fixture)",
    "x12/850/X12.NET__CorruptIsa.txt":
        "no ISA: the source's corrupt-envelope fixture has no transaction set to read",
    "x12/850/stupidedi__003050-PO850-fail-1.edi":
        "version 003050: six-digit dates (YYMMDD), which the 004010 paths would misread",
    "x12/mixed/X12.NET__MixedTransactionsNoEnvelopes.txt":
        "no ISA/GS envelope: the transaction sets carry no version to pick a mapping by",
}

# Corpus documents that cannot be written back as X12 unchanged, and why.
LOSSY: dict[str, str] = {}


@cache
def mappings() -> Mappings:
    return load_mappings()


def read(data: bytes, level: Level = Level.ENVELOPE) -> tuple[FileReport, list[Mapped]]:
    report = inspect(data, level=level)
    return report, documents(report, mappings())


def as_json(document: Model) -> Any:
    return document.model_dump(mode="json", exclude_none=True)


def mapped_documents(data: bytes) -> list[Model]:
    """The documents of a file that must map cleanly: no issues, no missing document."""
    report, mapped = read(data)
    assert report.valid, [str(i) for i in report.issues]
    assert mapped
    for item in mapped:
        assert item.issues == [], [str(i) for i in item.issues]
        assert item.document is not None
    return [item.document for item in mapped if item.document is not None]


def write(docs: list[Model], version: str) -> bytes:
    return to_x12(docs, mappings(), version, EnvelopeOptions(now=NOW))


def version_of(report: FileReport, item: Mapped) -> str:
    """The X12 version a corpus document is written back in: 005010 for 5010-based sets."""
    assert report.edi is not None
    found = next((m.version for m in report.edi.messages()
                  if m.type == item.message_type and m.reference == item.reference), "")
    return "005010" if found.startswith("005") else "004010"


# -- golden samples -----------------------------------------------------------------------


@pytest.mark.parametrize("sample", X12_SAMPLES, ids=sample_id)
def test_sample_maps_to_expected_document(sample: Path) -> None:
    """An X12 sample maps, without issues, to exactly its stored <name>.document.json."""
    expected = expected_path(sample, DOCUMENT)
    assert expected.exists(), f"run tests/regenerate_samples.py x12 for {sample.name}"
    docs = [as_json(d) for d in mapped_documents(sample.read_bytes())]
    assert (docs[0] if len(docs) == 1 else docs) == json.loads(expected.read_text("utf-8"))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("sample", X12_SAMPLES, ids=sample_id)
def test_sample_round_trip(sample: Path, version: str) -> None:
    """A sample's documents written as X12 of either version are schema-valid and read back."""
    docs = mapped_documents(sample.read_bytes())
    written = write(docs, version)
    report, again = read(written, Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    assert report.edi is not None
    assert [(m.type, m.version) for m in report.edi.messages()] == \
        [(sample.stem.split("_")[0], version)] * len(docs)
    assert [as_json(d.document) for d in again if d.document is not None] == \
        [as_json(d) for d in docs]


def test_expected_documents_are_samples() -> None:
    """Every stored X12 document JSON has its sample beside it."""
    stored = sorted((SAMPLES / "x12").glob("*.document.json"))
    assert [p.name for p in stored] == [expected_path(s, DOCUMENT).name for s in X12_SAMPLES]


def test_every_set_has_both_versions() -> None:
    """Each mapped transaction set has a 004010 and a 005010 sample, and mappings both ways."""
    assert {s.stem for s in X12_SAMPLES} == {f"{t}_{v}" for t in SETS for v in VERSIONS}
    found = mappings()
    for version in VERSIONS:
        for message in SETS:
            assert found.inbound_for("x12", version, message) is not None, (version, message)
        assert {m.message for (s, v, _), m in found.outbound.items()
                if s == "x12" and v == version} >= set(SETS)


def test_units_round_trip_through_canonical_units() -> None:
    """Every X12 unit code reads as a canonical unit that writes back as a code of that unit."""
    lists = load_codelists(DEFAULT_ROOT, None)
    units = lists["x12_units"]
    for code, canonical in units.inbound.items():
        assert units.inbound[units.outbound[canonical]] == canonical, code
    # The consumer unit is EA in every format (EANCOM's PCE, X12's EA and PC).
    assert {lists["edifact_units"].inbound["PCE"], units.inbound["EA"], units.inbound["PC"]} == \
        {"EA"}



# -- what N1 and HL cannot say in their own elements ----------------------------------------


def _with_gln_and_assigned_id(document: Any) -> Any:
    parties = [p.model_copy(update={"gln": p.gln or (None if p.duns else "0614141000005"),
                                    "ids": {**p.ids, "assigned": f"ID-{n}"}})
               for n, p in enumerate(document.parties, 1)]
    return document.model_copy(update={"parties": tuple(parties)})


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("message", SETS)
def test_assigned_id_beside_a_gln_is_kept_in_the_n1_loop(message: str, version: str) -> None:
    """N1 03/04 name one identifier: a party's assigned id beside its GLN is written in
    the N1 loop's REF ZZ (mutually defined; N9 ZZ in the 852, whose loop has no REF) and
    read back from there."""
    (document, *_) = mapped_documents((SAMPLES / "x12" / f"{message}_004010.x12").read_bytes())
    document = _with_gln_and_assigned_id(document)
    written = write([document], version)
    report, (again, *_) = read(written, Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    segment = "N9" if message == "852" else "REF"
    assert f"\n{segment}*ZZ*ID-1~".encode() in written
    back: Any = again.document
    assert back is not None and back.parties == document.parties


def _with_four_address_lines(document: Any) -> Any:
    parties = [p.model_copy(update={"address": (p.address or Address()).model_copy(
        update={"lines": ("1 Main St", "Building 2", "Suite 4", "Dock 9")})})
        for p in document.parties]
    return document.model_copy(update={"parties": tuple(parties)})


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("message", SETS)
def test_four_address_lines_take_two_n3_segments(message: str, version: str) -> None:
    """An N1 loop holds up to two N3 segments of two address lines each: lines 3 and 4
    are written in the second N3 and read back from it (`N3#2`)."""
    (document, *_) = mapped_documents((SAMPLES / "x12" / f"{message}_004010.x12").read_bytes())
    document = _with_four_address_lines(document)
    written = write([document], version)
    report, (again, *_) = read(written, Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    assert b"\nN3*1 Main St*Building 2~\nN3*Suite 4*Dock 9~" in written
    back: Any = again.document
    assert back is not None
    assert [p.address.lines for p in back.parties] == \
        [("1 Main St", "Building 2", "Suite 4", "Dock 9")] * len(document.parties)


def _despatch_with_kinds(*kinds: str) -> Any:
    """The 005010 856 sample's despatch advice (a pallet and two cartons) with its
    packages of ``kinds``."""
    document: Any
    (document,) = mapped_documents((SAMPLES / "x12" / "856_005010.x12").read_bytes())
    packages = [p.model_copy(update={"kind": k})
                for p, k in zip(document.packages, kinds, strict=True)]
    return document.model_copy(update={"packages": tuple(packages)})


@pytest.mark.parametrize("version", VERSIONS)
def test_package_type_is_kept_in_td1(version: str) -> None:
    """A package's type (a UN/ECE Rec 21 code) is written as TD1 01, the X12 103 packaging
    code of its tare or pack level (x12_package_type), and read back from there."""
    document = _despatch_with_kinds("PX", "BX", "CS")
    written = write([document], version)
    assert [s for s in written.decode().split() if s.startswith("TD1")] == \
        ["TD1*PLT*1~", "TD1*BOX*1~", "TD1*CAS*1~"]
    report, (again,) = read(written, Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    assert again.document == document


def test_package_type_falls_back_to_the_hl_level() -> None:
    """TD1 01 with a material (CTN25) reads as its package type where x12_package_type
    lists it; a pack level without a known TD1 type is a carton, a tare level a pallet."""
    sample = (SAMPLES / "x12" / "856_005010.x12").read_text()
    sample = sample.replace("HL*4*3*P*1~", "HL*4*3*P*1~TD1*CTN25*1~")
    sample = sample.replace("HL*6*3*P*1~", "HL*6*3*P*1~TD1*ZZZ*1~")
    sample = sample.replace("SE*31*0001~", "SE*33*0001~")
    document: Any
    (document,) = mapped_documents(sample.encode())
    assert [p.kind for p in document.packages] == ["PX", "CT", "CT"]


def test_package_types_round_trip_through_canonical_kinds() -> None:
    """Every X12 packaging code listed reads as a Rec 21 kind that writes back as a code
    of that kind; every EANCOM package code reads as a Rec 21 pallet."""
    lists = load_codelists(DEFAULT_ROOT, None)
    types = lists["x12_package_type"]
    for code, kind in types.inbound.items():
        assert types.inbound[types.outbound[kind]] == kind, code
        assert len(types.outbound[kind]) == 3, "part 1 alone: the package form"
    assert set(lists["edifact_package_type"].inbound.values()) == {"PX"}


@pytest.mark.parametrize("version", VERSIONS)
def test_each_order_level_holds_its_own_items(version: str) -> None:
    """An 856 has an order level (HL O) per order the despatch advice or a line names;
    each holds the item levels of its lines, the first also those naming no order."""
    document: Any = _despatch_with_kinds("PX", "CT", "CT")
    lines = [line.model_copy(update={"order_number": order, "package": None})
             for line, order in zip(document.lines, [None, "PO-2"], strict=True)]
    document = document.model_copy(update={"lines": tuple(lines), "order_numbers": ("PO-1",),
                                           "packages": ()})
    written = write([document], version)
    levels = [segment.rstrip("~").split("*")[1:4] for segment in written.decode().split()
              if segment.startswith("HL*")]
    orders = [own for own, _, level in levels if level == "O"]
    assert [(parent, level) for _, parent, level in levels if level != "S"] == \
        [("1", "O"), (orders[0], "I"), ("1", "O"), (orders[1], "I")]
    report, (again,) = read(written, Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    back: Any = again.document
    assert list(back.order_numbers) == ["PO-1", "PO-2"]
    assert [line.order_number for line in back.lines] == ["PO-1", "PO-2"]

# -- the shared corpus ----------------------------------------------------------------------


def _corpus_params() -> list[Any]:
    if not corpus.is_available(under="x12"):
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(
            reason=f"the shared corpus is not at {corpus.CORPUS / 'x12'}"))]
    folders = {*SETS, "mixed"}
    return [pytest.param(entry, id=entry.local_path) for entry in corpus.entries("x12")
            if entry.local_path.split("/")[1] in folders]


CORPUS_PARAMS = _corpus_params()


def _of_mapped_sets(mapped: list[Mapped]) -> list[Mapped]:
    return [m for m in mapped if m.message_type in SETS]


@pytest.mark.parametrize("entry", CORPUS_PARAMS)
def test_corpus_file_maps(entry: corpus.Entry) -> None:
    """A corpus file's mapped sets map with no invalid-document issue, or the file is listed."""
    _, mapped = read(entry.read_bytes())
    mapped = _of_mapped_sets(mapped)
    invalid = [str(i) for m in mapped for i in m.issues
               if i.code in (Code.MAPPING_INVALID, Code.NO_MAPPING)]
    failed = not mapped or any(m.document is None for m in mapped) or bool(invalid)
    if entry.local_path in UNMAPPABLE:
        assert failed, f"listed as unmappable but maps now: {entry.local_path}; remove it"
        return
    assert not failed, invalid or "no transaction set of a mapped type"


@pytest.mark.parametrize("entry", [p for p in CORPUS_PARAMS
                                   if p.values[0] is None
                                   or p.values[0].local_path not in UNMAPPABLE])
def test_corpus_round_trip(entry: corpus.Entry) -> None:
    """A corpus document written as X12 reads back unchanged, schema-valid if its source is."""
    source, mapped = read(entry.read_bytes(), Level.SCHEMA)
    results = []
    for item in _of_mapped_sets(mapped):
        assert item.document is not None
        try:
            written = write([item.document], version_of(source, item))
        except WriteError:
            results.append(False)
            continue
        report, again = read(written, Level.SCHEMA if source.valid else Level.ENVELOPE)
        assert report.valid, [str(i) for i in report.issues]
        assert again and again[0].document is not None, [str(i) for i in again[0].issues]
        results.append(as_json(again[0].document) == as_json(item.document))
    if entry.local_path in LOSSY:
        assert not all(results), f"listed as lossy but survives now: {entry.local_path}; remove it"
        return
    assert all(results)


# -- a GTIN under the qualifier of its digits --------------------------------------------

# (GTIN as a document holds it, the qualifier and id X12 must carry), pinned from GS1's
# rules: UP (UPC-A) holds twelve digits, EN (EAN-13) thirteen, UK (GTIN-14) fourteen;
# fewer digits are written only by dropping leading zeros.
GTIN_FORMS = [
    ("614141100019", "UP", "614141100019"),
    ("00614141100026", "UP", "614141100026"),
    ("4012345100013", "EN", "4012345100013"),
    ("04012345100020", "EN", "4012345100020"),
    ("10614141100016", "UK", "10614141100016"),
]


def _with_gtins(document: Any) -> Any:
    lines = [document.lines[0].model_copy(update={
        "line_number": str(n),
        "item": document.lines[0].item.model_copy(update={"gtin": gtin})})
        for n, (gtin, _, _) in enumerate(GTIN_FORMS, 1)]
    return document.model_copy(update={"lines": tuple(lines)})


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("message", "segment", "at"), [("850", "PO1", 6), ("830", "LIN", 2)])
def test_a_gtin_goes_under_the_qualifier_its_digits_fit(message: str, segment: str, at: int,
                                                       version: str) -> None:
    """UP is UPC-A, twelve digits: a GTIN-14 whose first two digits are zeros is written
    as its twelve-digit UPC; one that needs thirteen digits goes under EN, fourteen
    under UK; never fourteen digits after UP. The written file is valid at schema level."""
    (document, *_) = mapped_documents((SAMPLES / "x12" / f"{message}_004010.x12").read_bytes())
    written = write([_with_gtins(document)], version)
    report = inspect(written, level=Level.SCHEMA)
    assert report.valid, [str(i) for i in report.issues]
    segments = [s.split("*") for s in written.decode().replace("\n", "").split("~")]
    ids = [tuple(s[at:at + 2]) for s in segments if s[0] == segment]
    assert ids == [(qualifier, value) for _, qualifier, value in GTIN_FORMS]
