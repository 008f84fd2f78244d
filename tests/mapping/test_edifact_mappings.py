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

Values that live in a group around the one a mapping repeats over (read with
``..``) are checked on small messages, one rule per test: a sales line's
location and period, a despatch line's package, a forecast period's
commitment and a forecast line's delivery point, and a package's parent (the
CPS level its CPS 02 names). So are what NAD and PAC cannot say in their own
elements: a party's assigned id beside its GLN (RFF+ZZZ) and EANCOM's own
package codes (read as UN/ECE Rec 21).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.documents.common import Model
from gateway.documents.models import DespatchAdvice, ProductActivity
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
    "edifact/INVOIC/staedi__invoic_d97b.edi":
        "declares UNOA and holds UTF-8 ('BÜTTNER'): a message that breaks its character "
        "set is not mapped",
    "edifact/INVOIC/staedi__wrapped_invoic_d97b.edi":
        "the same UNOA interchange with UTF-8 'BÜTTNER', line-wrapped: not mapped",
    "edifact/ORDERS/edifact__example_order_ok.edi":
        "declares UNOC and holds U+FFFD replacement characters, which ISO 8859-1 has not: "
        "the message breaks its character set and is not mapped",
    "edifact/INVOIC/staedi__invoic_d97b_bad.edi":
        "deliberately broken fixture: QTY '1020A' and PRI '$1.179' are not numbers",
    "edifact/ORDERS/module-ballerina-edi__sample-data-order-batch.edi":
        "D03A, read by the D01B mapping: its third message has no BGM, so no order number",
    "edifact/ORDERS/smooks-edi-cartridge__ORDERS_D.03B_Interchange.txt":
        "D03B, read by the D01B mapping: its items are ISBNs (LIN 03 of type IB), "
        "neither a GTIN nor a part number the mapping reads, so its lines have no item",
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


# Inbound mappings that extend another version's file and have no outbound
# mapping of their own: their documents are written back in the version extended.
EXTENDING = {"D02A": "D01B", "D02B": "D01B"}


def written_version(standard_version: str, message_type: str) -> str:
    """The version of the mapping that reads a message: the version it is written back in."""
    mapping = mappings().inbound_for("edifact", standard_version, message_type)
    assert mapping is not None, f"no mapping reads {message_type} {standard_version}"
    return EXTENDING.get(mapping.version, mapping.version)


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


# -- values that live in an enclosing group ('..') ---------------------------------------

ASSOCIATION = {("SLSRPT", "D96A"): "EAN004", ("SLSRPT", "D01B"): "EAN008",
               ("DESADV", "D96A"): "EAN005", ("DESADV", "D01B"): "EAN007",
               ("DELFOR", "D96A"): "EAN005", ("DELFOR", "D01B"): "EAN008"}
STORE_A, STORE_B, STORE_C = "5412345000044", "5412345000051", "5412345000068"
BEER, LAGER, CIDER = "4012345100013", "4012345100020", "4012345100044"
PALLET, CARTON_1, CARTON_2 = "340123450000000116", "340123450000000123", "340123450000000130"


def interchange(message: str, version: str, body: str) -> bytes:
    """One message of ``body`` (segments after UNH, each ending in ') in an interchange."""
    segments = [s for s in body.split("'") if s.strip()]
    release = version[1:]
    unh = f"UNH+1+{message}:D:{release}:UN:{ASSOCIATION[message, version]}"
    text = "".join(s + "'" for s in [
        "UNA:+.? ", "UNB+UNOC:3+5412345000013:14+4012345000016:14+240325:0400+T1", unh,
        *segments, f"UNT+{len(segments) + 2}+1", "UNZ+1+T1"])
    return text.encode("latin-1")


def mapped(data: bytes) -> dict[str, Any]:
    """The one document of ``data``, mapped without issues, as JSON."""
    report, items = read(data)
    assert report.valid, [str(i) for i in report.issues]
    assert len(items) == 1 and items[0].issues == [], [str(i) for i in items[0].issues]
    assert items[0].document is not None
    value: dict[str, Any] = as_json(items[0].document)
    return value


def round_trip(document: Model, version: str) -> Model | None:
    """``document`` written as EDIFACT of ``version`` (schema-valid) and read again."""
    written, _, remapped = write_and_read([document], version)
    assert_written_valid(written)
    assert len(remapped) == 1, [str(i) for m in remapped for i in m.issues]
    return remapped[0].document


SALES_HEAD = ("BGM+73E+SR-1+9'DTM+137:20240325:102'DTM+90:20240311:102'DTM+91:20240324:102'"
              "NAD+BY+5412345000013::9'NAD+SU+4012345000016::9'CUX+2:EUR:10'")
WEEK_1 = {"start": "2024-03-11", "end": "2024-03-17"}


@pytest.mark.parametrize("version", VERSIONS)
def test_location_driven_sales_report_gives_each_line_its_location_and_period(
        version: str) -> None:
    """A location-driven SLSRPT line takes the location (LOC 162) and the period of the
    location group it sits in: DTM 90 to 91, or a DTM 356 of one day."""
    doc = mapped(interchange("SLSRPT", version, SALES_HEAD + (
        f"LOC+162+{STORE_A}::9'DTM+90:20240311:102'DTM+91:20240317:102'"
        f"LIN+1++{BEER}:EN'QTY+153:37'LIN+2++{LAGER}:EN'QTY+153:12'"
        f"LOC+162+{STORE_B}::9'DTM+356:20240316:102'LIN+3++{BEER}:EN'QTY+153:9'"
        f"LOC+162+{STORE_C}::9'LIN+4++{CIDER}:EN'QTY+153:4'")))
    lines = [(line["item"]["gtin"], line.get("location"), line.get("period"))
             for line in doc["lines"]]
    assert lines == [
        (BEER, STORE_A, WEEK_1),
        (LAGER, STORE_A, WEEK_1),
        (BEER, STORE_B, {"start": "2024-03-16", "end": "2024-03-16"}),
        (CIDER, STORE_C, None),  # no period of its own: the report's period
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_sales_line_period_is_whole_or_absent(version: str) -> None:
    """A line period the mapping cannot read both ends of is left out, and the report
    still maps: a DTM 90 without 91."""
    doc = mapped(interchange("SLSRPT", version, SALES_HEAD + (
        f"LOC+162+{STORE_A}::9'DTM+90:20240311:102'LIN+1++{BEER}:EN'QTY+153:37'")))
    assert [(line.get("location"), line.get("period")) for line in doc["lines"]] == \
        [(STORE_A, None)]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("dates", [
    "DTM+356:20240311-20240317:718'",
    "DTM+356:2024031120240317:718'",        # written by some without the hyphen
], ids=["hyphen", "no-hyphen"])
def test_sales_line_period_from_a_range_has_both_ends(version: str, dates: str) -> None:
    """A DTM 356 range (2379 code 718, CCYYMMDD-CCYYMMDD) gives a line period its
    start and its end."""
    doc = mapped(interchange("SLSRPT", version, SALES_HEAD + (
        f"LOC+162+{STORE_A}::9'{dates}LIN+1++{BEER}:EN'QTY+153:37'")))
    assert [(line.get("location"), line.get("period")) for line in doc["lines"]] == \
        [(STORE_A, {"start": "2024-03-11", "end": "2024-03-17"})]


def test_product_driven_sales_report_gives_a_line_per_product_and_location() -> None:
    """A product-driven D01B SLSRPT gives one line per location of a product (SG13),
    with the product's item and that location's period, quantities and sales value;
    the product's own MOA (its total) is no one line's amount."""
    doc = mapped(interchange("SLSRPT", "D01B", SALES_HEAD + (
        f"GIS+37'LIN+1++{BEER}:EN'PIA+1+4711-13:SA'MOA+203:80.00'"
        f"LOC+162+{STORE_A}::9'DTM+90:20240311:102'DTM+91:20240317:102'MOA+203:35.00'"
        "QTY+153:7'"
        f"LOC+162+{STORE_B}::9'MOA+203:45.00'QTY+153:9'QTY+145:20'"
        f"LIN+2++{LAGER}:EN'LOC+162+{STORE_A}::9'QTY+153:2'UNS+S'")))
    beer = {"gtin": BEER, "supplier_part": "4711-13"}
    assert doc["lines"] == [
        {"item": beer, "location": STORE_A, "period": WEEK_1,
         "sold": {"value": "7", "unit": "EA"}, "sales_amount": {"amount": "35.00"}},
        {"item": beer, "location": STORE_B, "sold": {"value": "9", "unit": "EA"},
         "on_hand": {"value": "20", "unit": "EA"}, "sales_amount": {"amount": "45.00"}},
        {"item": {"gtin": LAGER}, "location": STORE_A, "sold": {"value": "2", "unit": "EA"}},
    ]


def test_product_driven_sales_report_without_locations_gives_a_line_per_product() -> None:
    """A product-driven D01B SLSRPT whose products have no location group still gives
    one line per product, with its item and sales value."""
    doc = mapped(interchange("SLSRPT", "D01B", SALES_HEAD + (
        f"GIS+37'LIN+1++{BEER}:EN'MOA+203:80.00'LIN+2++{LAGER}:EN'UNS+S'")))
    assert doc["lines"] == [{"item": {"gtin": BEER}, "sales_amount": {"amount": "80.00"}},
                            {"item": {"gtin": LAGER}}]


@pytest.mark.parametrize("version", VERSIONS)
def test_sales_line_location_and_period_survive_a_round_trip(version: str) -> None:
    """A sales line's location and period are written (LOC 162, DTM 90 and 91) so that
    reading the message back gives them again, in either version."""
    _, (report,) = sample_documents(SAMPLES / "edifact" / "SLSRPT_D96A_locations.edi")
    assert isinstance(report, ProductActivity)
    assert any(line.location and line.period for line in report.lines)
    assert round_trip(report, version) == report


DESPATCH_HEAD = "BGM+351+DES-1+9'DTM+137:20240325:102'"
PACKED = (f"CPS+1'PAC+1++201'PCI+33E'GIN+BJ+{PALLET}'"
          f"CPS+2+1'PAC+1++CT'PCI+33E'GIN+BJ+{CARTON_1}'"
          f"LIN+1++{BEER}:EN'QTY+12:24'"
          f"LIN+2++{LAGER}:EN'QTY+12:6'PCI+33E'GIN+BJ+{CARTON_2}'"
          f"CPS+3+1'LIN+3++{CIDER}:EN'QTY+12:12'CNT+2:3'")


@pytest.mark.parametrize("version", VERSIONS)
def test_despatch_line_is_in_the_package_of_its_packing_level(version: str) -> None:
    """A DESADV line that names no SSCC of its own is in the package (PAC with GIN+BJ)
    of the CPS it sits under; an SSCC the line names (PCI/GIN) wins; a line under a
    CPS without an identified package has none."""
    doc = mapped(interchange("DESADV", version, DESPATCH_HEAD + PACKED))
    assert [(line["line_number"], line.get("package")) for line in doc["lines"]] == \
        [("1", CARTON_1), ("2", CARTON_2), ("3", None)]
    assert [(p["id"], p["kind"]) for p in doc["packages"]] == \
        [(PALLET, "PX"), (CARTON_1, "CT")]


def test_despatch_package_parent_is_read() -> None:
    """A package's parent is the package of the CPS level its CPS names as parent."""
    _, (despatch,) = sample_documents(SAMPLES / "edifact" / "DESADV_D96A_nested.edi")
    assert isinstance(despatch, DespatchAdvice)
    assert [(p.id, p.parent) for p in despatch.packages] == \
        [(PALLET, None), (CARTON_1, PALLET), (CARTON_2, PALLET)]


@pytest.mark.parametrize("version", VERSIONS)
def test_despatch_line_without_package_stays_without_one_after_a_round_trip(
        version: str) -> None:
    """The DESADV written for a despatch advice with packages keeps a line that has no
    package out of every package's CPS, so reading it back gives it none."""
    despatch = DespatchAdvice.model_validate(
        mapped(interchange("DESADV", version, DESPATCH_HEAD + PACKED)))
    assert [line.package for line in despatch.lines] == [CARTON_1, CARTON_2, None]
    assert round_trip(despatch, version) == despatch


FORECAST_HEAD = ("BGM+241+DF-1+9'DTM+137:20240325:102'DTM+158:20240401:102'"
                 "DTM+159:20240428:102'NAD+BY+5412345000013::9'NAD+SU+4012345000016::9'")
DC, DOCK = "5412345000037", "5412345000075"


def _periods(line: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["period"]["start"], p["quantity"]["value"], p["commitment"])
            for p in line["periods"]]


def test_forecast_line_keeps_firm_and_planning_periods() -> None:
    """A D01B DELFOR period takes its commitment from the SCC of the group holding its
    QTY (1 firm, 4 planning), so a line mixing both keeps every period, in order, with
    the SG22 route as with SG17; QTY without SCC (SG15) is planning."""
    doc = mapped(interchange("DELFOR", "D01B", FORECAST_HEAD + (
        f"GIS+37'NAD+ST+{DC}::9'"
        f"LIN+1++{BEER}:EN'SCC+1'QTY+113:240'DTM+2:20240401:102'"
        "SCC+4'QTY+113:300'DTM+2:20240408:102'QTY+113:320'DTM+2:20240415:102'"
        f"LIN+2++{LAGER}:EN'NAD+ST+{DOCK}::9'SCC+4'QTY+113:60'DTM+2:20240401:102'"
        "SCC+1'QTY+113:48'DTM+2:20240408:102'"
        f"LIN+3++{CIDER}:EN'QTY+113:12'DTM+2:20240401:102'")))
    assert [_periods(line) for line in doc["lines"]] == [
        [("2024-04-01", "240", "firm"), ("2024-04-08", "300", "planning"),
         ("2024-04-15", "320", "planning")],
        [("2024-04-01", "60", "planning"), ("2024-04-08", "48", "firm")],
        [("2024-04-01", "12", "planning")],
    ]


@pytest.mark.parametrize(("version", "detail"), [
    ("D96A", f"UNS+D'NAD+ST+{DC}::9'LIN+1++{BEER}:EN'QTY+113:240'SCC+4'"),
    ("D01B", f"GIS+37'NAD+ST+{DC}::9'LIN+1++{BEER}:EN'QTY+113:240'"),
])
def test_forecast_period_of_a_range_has_both_ends(version: str, detail: str) -> None:
    """A period's DTM 2 given as a range (718) starts and ends where the range does;
    one of a single day (102) ends where it starts."""
    for dates, end in (("DTM+2:20240401-20240407:718'", "2024-04-07"),
                       ("DTM+2:20240401:102'", "2024-04-01")):
        doc = mapped(interchange("DELFOR", version, FORECAST_HEAD + detail + dates
                                 + ("UNS+S'" if version == "D96A" else "")))
        (line,) = doc["lines"]
        assert [p["period"] for p in line["periods"]] == [{"start": "2024-04-01", "end": end}]


def test_forecast_line_gets_the_delivery_point_of_its_section() -> None:
    """A D01B DELFOR line without a delivery point of its own (SG22 NAD, LOC) takes the
    one of its GIS section (SG7 NAD); each section's lines take their own section's."""
    doc = mapped(interchange("DELFOR", "D01B", FORECAST_HEAD + (
        f"GIS+37'NAD+ST+{DC}::9'"
        f"LIN+1++{BEER}:EN'QTY+113:240'DTM+2:20240401:102'"
        f"LIN+2++{LAGER}:EN'NAD+ST+{STORE_A}::9'SCC+4'QTY+113:60'DTM+2:20240401:102'"
        f"GIS+37'NAD+ST+{DOCK}::9'"
        f"LIN+3++{CIDER}:EN'QTY+113:12'DTM+2:20240401:102'")))
    assert [(line["item"]["gtin"], line.get("location")) for line in doc["lines"]] == \
        [(BEER, DC), (LAGER, STORE_A), (CIDER, DOCK)]


def test_location_driven_d96a_forecast_line_gets_its_delivery_point() -> None:
    """A location-driven D96A DELFOR line takes the delivery point of the SG4 it sits in
    (NAD), unless it gives its own LOC."""
    doc = mapped(interchange("DELFOR", "D96A", FORECAST_HEAD + (
        f"UNS+D'NAD+ST+{DC}::9'"
        f"LIN+1++{BEER}:EN'QTY+113:240'SCC+4'DTM+2:20240401:102'"
        f"LIN+2++{LAGER}:EN'LOC+7+{STORE_A}::9'QTY+113:60'SCC+1'DTM+2:20240401:102'"
        f"NAD+ST+{DOCK}::9'LIN+3++{CIDER}:EN'QTY+113:12'SCC+4'DTM+2:20240401:102'UNS+S'")))
    assert [(line["item"]["gtin"], line.get("location")) for line in doc["lines"]] == \
        [(BEER, DC), (LAGER, STORE_A), (CIDER, DOCK)]


# -- what a NAD or PAC cannot say in its own element -------------------------------------

# A sample of every message with parties; the D96A SLSRPT and DELFOR party groups have
# no RFF, so those two are checked as D01B only.
PARTY_SAMPLES = ("ORDERS_D96A", "ORDCHG_D96A", "ORDRSP_D96A", "DESADV_D96A", "RECADV_D96A",
                 "INVOIC_D96A", "INVRPT_D96A", "SLSRPT_D96A", "DELFOR_D96A")


def _with_assigned_ids(document: Any) -> Any:
    parties = [p.model_copy(update={"ids": {**p.ids, "assigned": f"ID-{n}"}})
               for n, p in enumerate(document.parties, 1)]
    return document.model_copy(update={"parties": tuple(parties)})


@pytest.mark.parametrize(("name", "version"), [
    (name, version) for name in PARTY_SAMPLES for version in VERSIONS
    if version == "D01B" or not name.startswith(("SLSRPT", "DELFOR"))])
def test_assigned_id_beside_a_gln_is_kept_in_the_party_rff(name: str, version: str) -> None:
    """NAD names one identifier: a party's assigned id beside its GLN is written in the
    party's RFF+ZZZ (mutually defined reference number) and read back from there."""
    _, (source, *_) = sample_documents(SAMPLES / "edifact" / f"{name}.edi")
    document = _with_assigned_ids(source)
    assert all(p.gln for p in document.parties)
    written, _, (again,) = write_and_read([document], version)
    assert_written_valid(written)
    assert b"RFF+ZZZ:ID-1'" in written
    back: Any = again.document
    assert back is not None and back.parties == document.parties


@pytest.mark.parametrize("version", VERSIONS)
def test_assigned_id_alone_stays_in_the_nad(version: str) -> None:
    """A party known only by its assigned id has it in NAD C082, and no RFF+ZZZ."""
    doc = mapped(interchange("DESADV", version, "BGM+351+DES-1+9'DTM+137:20240325:102'"
                             "NAD+SU+SUP-77::92'CPS+1'LIN+1++4012345100013:EN'QTY+12:1'"))
    assert doc["parties"] == [{"role": "supplier", "ids": {"assigned": "SUP-77"}}]
    despatch = DespatchAdvice.model_validate(doc)
    written, _, _ = write_and_read([despatch], version)
    assert b"NAD+SU+SUP-77'" in written and b"RFF+ZZZ" not in written
    assert round_trip(despatch, version) == despatch


@pytest.mark.parametrize("version", VERSIONS)
def test_eancom_package_codes_read_as_rec_21(version: str) -> None:
    """EANCOM's own pallet codes (GS1 codes, 7065) read as UN/ECE Rec 21 PX, the code UBL
    and X12 give; a Rec 21 kind is written as it is (PAC+1++PX, PAC+1++CT)."""
    head = DESPATCH_HEAD + "CPS+1'"
    packs = "".join(f"CPS+{n}+1'PAC+1++{code}::9'PCI+33E'GIN+BJ+{sscc}'"
                    for n, (code, sscc) in enumerate(
                        [("201", PALLET), ("09", CARTON_1), ("CT", CARTON_2)], 2))
    doc = mapped(interchange("DESADV", version, head + packs + f"LIN+1++{BEER}:EN'QTY+12:1'"))
    assert [p["kind"] for p in doc["packages"]] == ["PX", "PX", "CT"]
    despatch = DespatchAdvice.model_validate(doc)
    written, _, _ = write_and_read([despatch], version)
    assert written.count(b"PAC+1++PX'") == 2 and written.count(b"PAC+1++CT'") == 1
    assert round_trip(despatch, version) == despatch
