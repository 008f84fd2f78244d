"""No positive answer to a broken file: an acknowledgement never says accepted where
validation finds an error in what it acknowledges, over every generated hostile input
and the cases seen answered UCI 7 or AK9 A."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gateway.edi.ack.plan import Status
from gateway.edi.ack.reading import read_acks
from gateway.edi.detect import EDIFACT, X12, detect
from gateway.edi.issues import Issue, Level
from gateway.edi.report import FileReport, inspect
from gateway.edi.tree import Interchange
from gateway.errors import WriteError
from tests.edi.ack.agreement import build_acks, inspect_schema
from tests.hostile import Hostile, hostile_inputs

EDI = [h for h in hostile_inputs() if detect(h.data).standard in (EDIFACT, X12)]


def _scope(report: FileReport, ic: Interchange) -> list[Issue]:
    """Everything validation found in what the interchange's acknowledgement answers:
    its envelope and everything filed with it, and each of its messages."""
    assert report.edi is not None
    found = list(report.edi.interchange_issues(ic))
    for message in ic.messages():
        found.extend(report.edi.message_issues(message))
    return found


def _statuses(data: bytes) -> list[Status | None]:
    """Every status an acknowledgement states, read back as a partner reads it."""
    read = inspect(data, level=Level.ENVELOPE)
    assert read.edi is not None
    found: list[Status | None] = []
    for ack in read_acks(read.edi.interchanges):
        found += [i.status for i in ack.interchanges]
        found += [g.status for g in ack.groups]
        found += [m.status for g in ack.groups for m in g.messages]
        found += [m.status for m in ack.messages]
    return found


def _check(hostile: Hostile) -> int:
    """The acknowledgements of one input: none says only 'accepted' where its scope
    holds a blocking issue. Returns how many acknowledgements were built."""
    report = inspect_schema(hostile.data)
    if hostile.broken:
        assert not report.valid, f"{hostile.name}: validate finds nothing wrong"
    if report.edi is None:
        return 0
    built = 0
    for ic in report.edi.interchanges:
        try:
            acks = build_acks(hostile.data, report=_alone(report, ic))
        except WriteError:
            continue  # ids that do not fit an envelope: no acknowledgement at all
        for ack in acks:
            built += 1
            blocking = [i for i in _scope(report, ack.inbound) if i.blocking]
            statuses = _statuses(ack.data)
            assert statuses, f"{hostile.name}: the acknowledgement states nothing"
            if blocking:
                assert any(s is not Status.ACCEPTED for s in statuses), (
                    f"{hostile.name}: accepted despite {blocking[0]}")
    return built


def _alone(report: FileReport, ic: Interchange) -> FileReport:
    """The report with ``ic`` its only interchange, to answer it by itself."""
    assert report.edi is not None
    edi = replace(report.edi, interchanges=[ic])
    return replace(report, edi=edi)


@pytest.mark.parametrize("hostile", [h for h in EDI if h.family in ("envelope", "charset")],
                         ids=lambda h: h.name)
def test_a_broken_envelope_or_character_set_is_never_accepted(hostile: Hostile) -> None:
    """Each case seen answered as accepted (invalid bytes under UNOY, a bad UNA, ISA12
    99999, a NUL separator, ISA16 missing, wrong ISA widths, a message after UNZ, a
    file of only UNA) is invalid, and no acknowledgement of it says accepted."""
    _check(hostile)


def test_no_hostile_input_gets_a_positive_answer_to_an_error() -> None:
    """Over every generated EDI input (numbers, lengths and random damage too), each
    acknowledgement whose interchange or messages hold an error says so."""
    answered = sum(_check(hostile) for hostile in EDI)
    assert len(EDI) > 300 and answered > 200


def test_the_file_of_only_una_is_not_valid() -> None:
    """'UNA:+.? '' alone holds nothing to read: not valid, with a fatal issue."""
    report = inspect(b"UNA:+.? '", level=Level.SCHEMA)
    assert not report.valid
    assert [i.code.value for i in report.issues] == ["syntax.empty-input"]


def test_a_message_after_unz_is_an_error_and_answered_by_no_acknowledgement() -> None:
    """A message after UNZ belongs to no interchange: an error located at its UNH; the
    interchange before it is answered for itself alone."""
    data = (Path(__file__).resolve().parents[3] / "samples/edifact/ORDERS_D96A.edi"
            ).read_bytes() + b"UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+PO9+9'UNT+3+2'"
    report = inspect_schema(data)
    assert not report.valid
    outside = [i for i in report.issues if i.code.value == "envelope.outside-interchange"]
    assert [(i.location.segment, i.location.message) for i in outside] == [("UNH", "2")]
    [ack] = build_acks(data, report=report)
    assert ack.inbound.reference == "00000000000481"
