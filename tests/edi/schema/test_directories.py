"""Every UN/EDIFACT directory the gateway ships validates its messages: per family
(D9x, D0x, D1x, D2x), a good message of each type passes in every directory of
the family and a broken one fails with the issues its breakage names; the
D.97B INVOIC of issue 14 fails at schema level with its faults named; CONTRL
answers with the codes of those faults."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.edi.ack import edifact
from gateway.edi.ack.plan import AckOptions, plan_interchange
from gateway.edi.issues import Code, Issue, Level, Severity
from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory, versions
from gateway.edi.schema.validator import Schemas
from gateway.edi.writer import write_interchange
from gateway.mapping.convert import documents
from gateway.mapping.inbound import InboundMapping
from gateway.mapping.registry import Mappings, load_mappings
from tests import corpus

SCHEMAS = Schemas(load_directory)
MAPPINGS = load_mappings()
OPTIONS = AckOptions(now=datetime(2024, 6, 1, 10, tzinfo=UTC), interchange_control=5,
                     group_control=5, set_control=5)
DIRECTORIES = [v for v in versions("edifact") if v.startswith("D")]
FAMILIES = {"D9x": "D9", "D0x": "D0", "D1x": "D1", "D2x": "D2"}

# The body of a good message of each type, one segment a string, written from the
# UN segment tables: what every directory requires (BGM, DTM, the summary's UNS
# and MOA where the table makes them mandatory) and the usual parties and a
# line. Codes are ones every directory lists (1001 220 order, 231 order
# response, 230 order change, 351 despatch advice, 632 goods receipt, 380
# invoice, 241 delivery schedule, 242 delivery just-in-time, 9 price catalogue;
# 3035 BY buyer, SU supplier; 7143 SA supplier's article number; 6063 21
# ordered, 12 despatched, 47 invoiced, 1 discrete, 48 received quantity).
PARTIES = ("NAD+BY+5412345000013::9", "NAD+SU+4012345000016::9")
LINE = ("LIN+1++ART-1:SA",)
PLACE = ("LOC+7+5412345000099::9",)
GOOD: dict[str, tuple[str, ...]] = {
    "ORDERS": ("BGM+220+PO-1+9", "DTM+137:20240318:102", *PARTIES, *LINE, "QTY+21:10",
               "UNS+S", "CNT+2:1"),
    "ORDRSP": ("BGM+231+RSP-1+9", "DTM+137:20240318:102", *PARTIES, *LINE, "QTY+21:10",
               "UNS+S"),
    "ORDCHG": ("BGM+230+CHG-1+9", "DTM+137:20240318:102", *PARTIES, "LIN+1+3+ART-1:SA",
               "QTY+21:12", "UNS+S"),
    "DESADV": ("BGM+351+DES-1+9", "DTM+137:20240318:102", *PARTIES, "CPS+1",
               *LINE, "QTY+12:10"),
    "RECADV": ("BGM+632+REC-1+9", "DTM+137:20240318:102", *PARTIES, "CPS+1"),
    "INVOIC": ("BGM+380+INV-1+9", "DTM+137:20240318:102", *PARTIES, *LINE, "QTY+47:10",
               "UNS+S", "MOA+77:100"),
    # The stock of a line: up to D.96B a group started by QTY, INV optional after
    # it; from D.97A started by INV (inventory movement), QTY mandatory after it.
    "INVRPT": ("BGM++INR-1+9", "DTM+137:20240318:102", *PARTIES, *LINE, "QTY+1:40"),
    "INVRPT from D97A": ("BGM++INR-1+9", "DTM+137:20240318:102", *PARTIES, *LINE,
                         "INV+2", "QTY+1:40"),
    # Sales by place: the LOC group is mandatory up to D.96B; from D.01A the
    # message has a summary section, whose UNS is mandatory.
    "SLSRPT": ("BGM++SR-1+9", "DTM+137:20240318:102", *PARTIES, *PLACE),
    "SLSRPT from D01A": ("BGM++SR-1+9", "DTM+137:20240318:102", *PARTIES, *PLACE, "UNS+S"),
    "SLSFCT": ("BGM++SF-1+9", "DTM+137:20240318:102", *PARTIES, *PLACE),
    # DELFOR's header, detail and summary are parted by UNS up to D.96A (both
    # mandatory), by nothing after.
    "DELFOR": ("BGM+241+DF-1+9", "DTM+137:20240318:102", *PARTIES, "UNS+D",
               "NAD+ST+5412345000037::9", "UNS+S"),
    "DELFOR from D96B": ("BGM+241+DF-1+9", "DTM+137:20240318:102", *PARTIES),
    "DELJIT": ("BGM+242+DJ-1+9", "DTM+137:20240318:102", *PARTIES, "SEQ++1"),
    "PRICAT": ("BGM+9+PC-1+9", "DTM+137:20240318:102", *PARTIES),
    "APERAK": ("BGM++AP-1+9", "DTM+137:20240318:102"),
}


def order(version: str) -> tuple[int, str]:
    year = int(version[1:3])
    return (1900 + year if year >= 90 else 2000 + year), version[3]


def good(mtype: str, version: str) -> tuple[str, ...]:
    """The good body of ``mtype`` as ``version`` writes it."""
    later = [key for key in GOOD if key.startswith(f"{mtype} from ")
             and order(version) >= order(key.rsplit(" ", 1)[1])]
    return GOOD[later[-1] if later else mtype]


# One breakage of the header every type has: a document number one character
# over its maximum (1004 is an..35 up to D.08A, an..70 from D.08B), a message
# function no directory lists, 30 February.
BROKEN_HEADER = ("BGM+220+" + "P" * 71 + "+99", "DTM+137:20240230:102")
BROKEN_CODES = {Code.TOO_LONG, Code.INVALID_CODE, Code.INVALID_DATE}


def interchange(version: str, mtype: str, body: tuple[str, ...], association: str = "",
                syntax: str = "3") -> bytes:
    """One message in an interchange, with a correct UNT count."""
    text = "".join(s + "'" for s in body)
    identifier = f"{mtype}:D:{version[1:]}:UN{':' + association if association else ''}"
    return (f"UNB+UNOC:{syntax}+5412345000013:14+4012345000016:14+240318:1200+IC1'"
            f"UNH+1+{identifier}'{text}UNT+{len(body) + 2}+1'UNZ+1+IC1'").encode("latin-1")


def schema_issues(data: bytes) -> list[Issue]:
    report = inspect(data, level=Level.SCHEMA, schemas=SCHEMAS)
    return [i for i in report.issues if i.code.level is Level.SCHEMA]


def in_family(family: str) -> list[str]:
    return [v for v in DIRECTORIES if v.startswith(FAMILIES[family])]


def test_every_family_has_its_directories() -> None:
    """The four families hold the 60 directories D94B to D24A between them."""
    counts = {family: len(in_family(family)) for family in FAMILIES}
    assert counts == {"D9x": 11, "D0x": 21, "D1x": 20, "D2x": 8}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_good_message_of_each_type_is_valid_in_every_directory_of_the_family(
        family: str) -> None:
    """Each directory of the family validates a good message of each of its types
    with no issue at all."""
    checked = 0
    for version in in_family(family):
        directory = load_directory("edifact", version)
        assert directory is not None
        for mtype in sorted(directory.messages):
            issues = schema_issues(interchange(version, mtype, good(mtype, version)))
            assert [str(i) for i in issues] == [], (version, mtype)
            checked += 1
    assert checked >= 9 * len(in_family(family))


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_broken_message_of_each_type_fails_with_its_issues(family: str) -> None:
    """Each directory of the family finds the broken header in every message type:
    the document number too long, the message function not a code, the date not a
    day; each located at its segment, element and component."""
    for version in in_family(family):
        directory = load_directory("edifact", version)
        assert directory is not None
        for mtype in sorted(directory.messages):
            body = (*BROKEN_HEADER, *good(mtype, version)[2:])
            issues = schema_issues(interchange(version, mtype, body))
            found = {(i.code, i.location.segment, i.location.element) for i in issues}
            assert found == {(Code.TOO_LONG, "BGM", 2), (Code.INVALID_CODE, "BGM", 3),
                             (Code.INVALID_DATE, "DTM", 1)}, (version, mtype, issues)
            assert all(i.severity is Severity.ERROR for i in issues)


# Issue 14's D.97B invoice, written here with the same faults: a party function
# BYZZ (3035 is an..3 and has no such code), a quantity 1020A and a price $1.179
# (6060 and 5118 are numeric, n..15, in D.97B), and UNS twice.
D97B_INVOIC = (
    "UNB+UNOA:3+SELLER01:1+BUYER01:1+240601:0900+IC97B'\n"
    "UNH+1+INVOIC:D:97B:UN'\n"
    "BGM+380+INV-97B-1+9'\n"
    "DTM+3:20240601:102'\n"
    "RFF+ON:PO-4711'\n"
    "NAD+BYZZ+112233445::16++BUYER PLANT'\n"
    "NAD+SE+998877665::16++SELLER WORKS'\n"
    "CUX+1:USD'\n"
    "LIN+1++A-100:IN'\n"
    "QTY+47:1020A:EA'\n"
    "PRI+INV:$1.179'\n"
    "LIN+2++A-200:IN'\n"
    "QTY+47:20:EA'\n"
    "PRI+INV:20.5'\n"
    "UNS+S'\n"
    "UNS+S'\n"
    "MOA+39:1613.58'\n"
    "UNT+17+1'\n"
    "UNZ+1+IC97B'\n").encode("ascii")

# (code, segment, position, element, component, value), pinned from D.97B.
D97B_FAULTS = [
    (Code.TOO_LONG, "NAD", 5, 1, None, "BYZZ"),
    (Code.INVALID_CODE, "NAD", 5, 1, None, "BYZZ"),
    (Code.INVALID_NUMBER, "QTY", 9, 1, 2, "1020A"),
    (Code.INVALID_NUMBER, "PRI", 10, 1, 2, "$1.179"),
    (Code.SEGMENT_TOO_OFTEN, "UNS", 15, None, None, None),
]


def _faults(issues: list[Issue]) -> list[tuple[object, ...]]:
    return [(i.code, i.location.segment, i.location.position, i.location.element,
             i.location.component, i.location.value) for i in issues
            if i.severity is not Severity.WARNING]


def test_the_d97b_invoice_fails_at_schema_level_with_its_faults_named() -> None:
    """The D.97B INVOIC is placed with the D.97B directory and fails with each of
    its faults located: BYZZ too long and not a party code, 1020A and $1.179 not
    numbers, the second UNS one too many."""
    report = inspect(D97B_INVOIC, level=Level.SCHEMA, schemas=SCHEMAS)
    assert report.edi is not None
    (message,) = report.edi.messages()
    assert report.edi.placed[id(message)].version == "D97B"
    assert _faults(report.issues) == D97B_FAULTS
    assert not report.valid


def test_the_d97b_invoice_gets_a_contrl_naming_its_faults() -> None:
    """CONTRL rejects the message (UCM 4) and names each fault with its 0085 code:
    UCD 39 too long and 12 invalid value at NAD 1, UCD 37 invalid characters at QTY
    and PRI 1:2, UCS 35 too many repetitions at the second UNS."""
    contrl = edifact_ack(D97B_INVOIC)
    assert contrl[3:-2] == [
        "UCM+1+INVOIC:D:97B:UN+4'", "UCS+5'", "UCD+39+1'", "UCD+12+1'",
        "UCS+9'", "UCD+37+1:2'", "UCS+10'", "UCD+37+1:2'", "UCS+15+35'"]


@pytest.mark.corpus
def test_the_corpus_d97b_invoice_fails_the_same_way() -> None:
    """The real D.97B invoice with these faults (staedi's test file) fails with the
    same issue codes at NAD, QTY, PRI and UNS."""
    corpus.require(under="edifact")
    data = corpus.manifest()["edifact/INVOIC/staedi__invoic_d97b_bad.edi"].read_bytes()
    report = inspect(data, level=Level.SCHEMA, schemas=SCHEMAS)
    found = [(code, segment) for code, segment, *_ in _faults(report.issues)]
    assert found == [(Code.TOO_LONG, "NAD"), (Code.INVALID_CODE, "NAD"),
                     (Code.INVALID_NUMBER, "QTY"), (Code.INVALID_NUMBER, "PRI"),
                     (Code.SEGMENT_TOO_OFTEN, "UNS")]


def edifact_ack(data: bytes) -> list[str]:
    """The CONTRL lines the gateway builds for ``data``."""
    report = inspect(data, level=Level.SCHEMA, schemas=SCHEMAS)
    assert report.edi is not None
    (interchange,) = report.edi.interchanges
    plan = plan_interchange(interchange, report.edi.interchange_issues(interchange),
                            report.edi.by_message)
    built = edifact.build(plan, OPTIONS)
    assert built is not None
    return write_interchange(built, line_ending="\n").splitlines()


# -- the D96A mappings on every directory --------------------------------------------

# What a directory changes against the D.96A layout of the project's samples, as
# each directory's own schema finds it in a D.96A message labelled with its
# version (segment, issue code), pinned from the directories' segment tables:
# DELFOR lost its UNS and regrouped its detail in D.96B; INVOIC's payment terms
# are PYT instead of PAT from D.02B; INVRPT's stock group starts with INV from
# D.97A; SLSRPT has a summary section with a mandatory UNS from D.01A; D.95B
# lists UN/ECE Recommendation 19's one-digit transport modes only.
CHANGES: dict[str, list[tuple[str, str, set[tuple[str, Code]]]]] = {
    "DELFOR": [("D96B", "D24A", {("UNS", Code.SEGMENT_NOT_IN_MESSAGE),
                                 ("DTM", Code.SEGMENT_OUT_OF_ORDER),
                                 ("LIN", Code.SEGMENT_OUT_OF_ORDER),
                                 ("QTY", Code.SEGMENT_OUT_OF_ORDER),
                                 ("SCC", Code.SEGMENT_OUT_OF_ORDER)})],
    "DESADV": [("D95B", "D95B", {("TDT", Code.INVALID_CODE)})],
    "INVOIC": [("D02B", "D24A", {("PAT", Code.UNRECOGNIZED_SEGMENT)})],
    "INVRPT": [("D97A", "D24A", {("QTY", Code.SEGMENT_OUT_OF_ORDER)})],
    "SLSRPT": [("D01A", "D24A", {("UNS", Code.MISSING_SEGMENT)})],
}
ROOT = Path(__file__).resolve().parents[3]
D96A_SAMPLES = sorted((ROOT / "samples" / "edifact").glob("*_D96A*.edi"))


def _expected_changes(mtype: str, version: str) -> set[tuple[str, Code]]:
    return next((found for first, last, found in CHANGES.get(mtype, [])
                 if order(first) <= order(version) <= order(last)), set())


def _mapped(data: bytes, mappings: Mappings) -> tuple[list[Any], set[tuple[str, Code]]]:
    report = inspect(data, level=Level.SCHEMA, schemas=SCHEMAS)
    found = {(i.location.segment or "", i.code) for i in report.issues
             if i.severity is not Severity.WARNING}
    return [m.document.model_dump(mode="json") if m.document else m.issues
            for m in documents(report, mappings)], found


@pytest.mark.parametrize("sample", D96A_SAMPLES, ids=lambda p: p.stem)
def test_the_d96a_mapping_reads_the_message_in_every_directory(sample: Path) -> None:
    """The D.96A mapping of the sample's type gives the same document for the
    sample labelled with any directory that has the type, and each directory's
    schema finds exactly the changes it made to the D.96A layout (CHANGES), the
    things the mapping, reading the D.96A layout, does not follow."""
    data = sample.read_bytes()
    mtype = sample.stem.split("_")[0]
    mapping = MAPPINGS.inbound_for("edifact", "D96A", mtype)
    assert mapping is not None
    every = _AnyVersion(mapping)
    expected, found = _mapped(data, every)
    assert found == set()
    for version in DIRECTORIES:
        directory = load_directory("edifact", version)
        assert directory is not None
        if mtype not in directory.messages:
            continue
        labelled = data.replace(b":D:96A:", f":D:{version[1:]}:".encode())
        labelled = labelled.replace(b"+D:96A'", f"+D:{version[1:]}'".encode())
        documents_there, found = _mapped(labelled, every)
        assert documents_there == expected, version
        assert found == _expected_changes(mtype, version), version


class _AnyVersion(Mappings):
    """The one mapping, for any version of its message type."""

    def __init__(self, mapping: InboundMapping) -> None:
        super().__init__()
        self.mapping = mapping

    def inbound_for(self, standard: str, version: str,
                    message: str) -> InboundMapping | None:
        return self.mapping if message == self.mapping.message else None
