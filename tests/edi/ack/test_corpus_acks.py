"""Validation and acknowledgements over the shared real-world corpus.

Three rules: a file its source declares malformed is invalid at schema level,
unless the breakage is one the gateway cannot know (listed below with the
reason); every acknowledgement the gateway builds for an EDIFACT or X12 file
with a readable envelope is valid EDIFACT or X12 by the gateway's own reader and
schemas; and the acknowledgement names what it answers, control numbers and
counts, exactly as the inbound file has them, with the statuses the plan decided.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from gateway.edi.issues import Code, Level
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.model import Directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.tree import Interchange, Segment
from tests import corpus
from tests.edi.ack.agreement import Built, build_acks, inspect_schema, promised, stated

corpus.require()

pytestmark = pytest.mark.corpus

MALFORMED_NOTE = "malformed (source-declared)"
MALFORMED = sorted(path for path, entry in corpus.manifest().items()
                   if MALFORMED_NOTE in entry.notes)

# Declared malformed, but by a rule the gateway does not check; each is valid here.
CANNOT_KNOW: dict[str, str] = {
    "xml/Order/ubl-release-package__order-test-bad-model.xml":
        "fails the UBL document-constraint model check (a business rule above the XSD)",
}

EDI = corpus.entries("edifact", "x12")
ENTRY = {entry.local_path: entry for entry in EDI}
KINDS = ("997", "999", "contrl")

# Warnings an acknowledgement may carry because it echoes the inbound envelope
# verbatim (identifiers, syntax identifier) or names codes of partial lists.
ECHOED = {Code.UNKNOWN_CODE, Code.UNKNOWN_CHARSET, Code.OUTSIDE_REPERTOIRE}


@cache
def _report(path: str) -> FileReport:
    return inspect_schema(corpus.manifest()[path].read_bytes())


@cache
def _built(path: str) -> list[Built]:
    return build_acks(b"", KINDS, _report(path))


def _answered(path: str) -> bool:
    report = _report(path)
    return report.edi is not None and any(
        ic.header is not None and ic.header.tag in ("ISA", "UNB")
        for ic in report.edi.interchanges)


ANSWERED = [path for path in ENTRY if _answered(path)]


def _lookup(standard: str, version: str) -> Directory | None:
    """The shipped directory, or for an X12 997 of a version without one, 004010's:
    the gateway writes every 997 in the shape of 004010's, which has not changed
    since 003xxx, so that is the schema it must meet."""
    found = load_directory(standard, version)
    if found is None and standard == "x12":
        return load_directory("x12", "004010")
    return found


def test_the_corpus_has_what_this_module_needs() -> None:
    """The corpus holds source-declared malformed files and answerable interchanges."""
    assert len(MALFORMED) >= 10
    assert len(ANSWERED) >= 100
    assert set(CANNOT_KNOW) <= set(MALFORMED)


@pytest.mark.parametrize("path", MALFORMED)
def test_declared_malformed_is_invalid(path: str) -> None:
    """A file its source declares malformed is invalid at schema level, or listed
    in CANNOT_KNOW with the reason (and then, until the gateway learns, valid)."""
    report = inspect(corpus.manifest()[path].read_bytes(), level=Level.SCHEMA,
                     schemas=Schemas(load_directory))
    line = report.validation_json(path, Level.SCHEMA)
    if path in CANNOT_KNOW:
        assert line["valid"] is True, f"the gateway now finds it: drop it from CANNOT_KNOW {line}"
    else:
        assert line["valid"] is False
        assert any(i["severity"] in ("fatal", "error") for i in line["issues"])


@pytest.mark.parametrize("path", ANSWERED)
def test_acks_are_valid_edi(path: str) -> None:
    """Every acknowledgement built for the file (997 and 999 for X12, CONTRL for
    EDIFACT) reads back as valid X12/EDIFACT, schema-checked, with no blocking issue."""
    built = _built(path)
    assert built, "an interchange with a header always gets an acknowledgement"
    for ack in built:
        report = inspect(ack.data, level=Level.SCHEMA, schemas=Schemas(_lookup))
        assert report.edi is not None
        problems = [(i.code.value, i.location.where(), i.message) for i in report.issues
                    if i.code not in ECHOED]
        assert problems == [], ack.kind
        assert {m.type for m in report.edi.messages()} <= {ack.kind.upper()}


@pytest.mark.parametrize("path", ANSWERED)
def test_acks_say_what_the_plan_decided(path: str) -> None:
    """`ack --read` of each acknowledgement gives the statuses and counts of the plan."""
    for ack in _built(path):
        assert stated(ack.data) == promised(ack.plan, ack.kind), ack.kind


def _only(report: FileReport) -> Interchange:
    assert report.edi is not None and len(report.edi.interchanges) == 1
    return report.edi.interchanges[0]


def _x12_references(inbound: Interchange, ack: Interchange, kind: str,
                    rejected: bool) -> list[Any]:
    """Mismatches between an X12 ack's references and counts and the inbound file's."""
    isa, out = inbound.header, ack.header
    assert isa is not None and out is not None
    wrong: list[Any] = []
    # ISA fields are fixed-width: the writer pads what a partner sent short.
    if [out.get(i).strip() for i in (5, 6, 7, 8)] != [isa.get(i).strip() for i in (7, 8, 5, 6)]:
        wrong.append(("ISA05-08 not the inbound's swapped", out, isa))
    for ta1 in ack.interchange_segments:
        if (ta1.get(1), ta1.get(2), ta1.get(3)) != (isa.get(13), isa.get(9), isa.get(10)):
            wrong.append(("TA1 01-03 != ISA13, ISA09, ISA10", ta1, isa))
    groups = [g for g in inbound.groups if g.header is not None]
    answers = list(ack.messages())
    if rejected:
        return wrong + ([("a rejected interchange has no group answers", answers)]
                        if answers else [])
    if len(answers) != len(groups):
        return [*wrong, ("one 997/999 per inbound group", len(answers), len(groups))]
    for group, answer in zip(groups, answers, strict=True):
        gs = group.header
        assert gs is not None
        body = answer.segments
        ak1 = body[0]
        expected_ak1 = [gs.get(1), gs.get(6), *([gs.get(8)] if kind == "999" else [])]
        if [ak1.get(i + 1) for i in range(len(expected_ak1))] != expected_ak1:
            wrong.append(("AK1 != GS01, GS06 (, GS08)", ak1, gs))
        ak2s = [s for s in body if s.tag == "AK2"]
        sent = [(m.header.get(1), m.header.get(2)) for m in group.messages
                if m.header is not None]
        if [(s.get(1), s.get(2)) for s in ak2s] != sent:
            wrong.append(("AK2 01-02 != ST01-02", [str(s) for s in ak2s], sent))
        ak9 = body[-1]
        trailer = group.trailer.get(1) if group.trailer is not None else ""
        included = trailer if trailer.isdigit() else str(len(group.messages))
        ends = [s for s in body if s.tag in ("AK5", "IK5")]
        accepted = sum(s.get(1) in ("A", "E") for s in ends)
        if (ak9.tag, ak9.get(2), ak9.get(3), ak9.get(4)) != (
                "AK9", included, str(len(group.messages)), str(accepted)):
            wrong.append(("AK9 02-04 != GE01, sets received, sets accepted", ak9, trailer))
    return wrong


def _contrl_references(inbound: Interchange, ack: Interchange, rejected: bool) -> list[Any]:
    """Mismatches between a CONTRL's references and the inbound interchange's."""
    unb, out = inbound.header, ack.header
    assert unb is not None and out is not None
    wrong: list[Any] = []
    if (out.composite(2), out.composite(3)) != (unb.composite(3), unb.composite(2)):
        wrong.append(("UNB 02/03 not the inbound's swapped", out, unb))
    (answer,) = list(ack.messages())
    body: list[Segment] = answer.segments
    uci = body[0]
    if (uci.tag, uci.get(1), uci.composite(2), uci.composite(3)) != (
            "UCI", unb.get(5), unb.composite(2), unb.composite(3)):
        wrong.append(("UCI 01-03 != UNB 0020, S002, S003", uci, unb))
    ucf = [(s.get(1), s.composite(2), s.composite(3)) for s in body if s.tag == "UCF"]
    ucm = [(s.get(1), s.composite(2)) for s in body if s.tag == "UCM"]
    if rejected:
        return wrong + ([("a rejected interchange has no lower-level answers", ucm)]
                        if ucf or ucm else [])
    groups = [g.header for g in inbound.groups if g.header is not None]
    if ucf != [(g.get(5), g.composite(2), g.composite(3)) for g in groups]:
        wrong.append(("UCF 01-03 != UNG 0048, S006, S007", ucf))
    sent = [(m.header.get(1), m.header.composite(2)) for m in inbound.messages()
            if m.header is not None]
    if ucm != sent:
        wrong.append(("UCM 01-02 != UNH 0062, S009", ucm, sent))
    return wrong


@pytest.mark.parametrize("path", ANSWERED)
def test_acks_name_what_they_answer(path: str) -> None:
    """TA1/AK1/AK2/UCI/UCF/UCM carry the inbound ISA13/GS/ST/UNB 0020/UNG/UNH
    references, the ack's envelope swaps the parties, and AK9 counts the group."""
    for ack in _built(path):
        inbound = ack.inbound
        read = _only(inspect(ack.data, level=Level.ENVELOPE))
        rejected = ack.plan.status.value == "rejected"
        if ack.kind == "contrl":
            wrong = _contrl_references(inbound, read, rejected)
        else:
            wrong = _x12_references(inbound, read, ack.kind, rejected)
        assert wrong == [], ack.kind
