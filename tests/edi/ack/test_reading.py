"""Reading acknowledgements received (997, 999, TA1, CONTRL) and explaining them:
what the gateway builds reads back to the same statuses and places; hand-written acks
from partners read with the right meaning; malformed ones give issues, not exceptions;
and ``edi-gateway ack --read``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.cli.main import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from gateway.edi.ack import edifact, meaning, x12
from gateway.edi.ack.codes import ENVELOPE, TABLE, X12_SEGMENTS_IN_ERROR, AckCodes, AckLevel
from gateway.edi.ack.plan import AckOptions, InterchangePlan, Status, plan_interchange
from gateway.edi.ack.reading import AckReport, explain, read_acks
from gateway.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT
from gateway.edi.issues import Code
from gateway.edi.report import inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.tree import Group, Interchange, Message, Segment
from gateway.edi.writer import write
from tests.edi.snippets import isa

OPTIONS = AckOptions(now=datetime(2025, 3, 4, 5, 6, tzinfo=UTC))

# -- inbound interchanges with errors at every level ----------------------------------

X12_IN = (isa()
          + "GS*PO*SENDER*RECEIVER*20250101*1200*1*X*004010~"
          "ST*850*0001~BEG*00*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*4*0001~"
          "ST*850*0002~BEG*00*SA***20251301~REF*DP*042**ZZ~N1*ST~"
          "PO1*1*24*EA*12.50**UP*614141100019~PO4*X~SE*7*0002~"
          "ST*850*0003~BEG*00*SA*PO1**20250101~SE*3*0003~"
          "ST*850*0004~BEG*00*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*9*0004~"
          "GE*4*1~"
          "GS*PO*SENDER*RECEIVER*20250101*1200*2*X*004010~"
          "ST*850*0001~BEG*00*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*4*0001~"
          "GE*2*2~IEA*2*000000001~")
ORDERS = ("UNH+{ref}+ORDERS:D:96A:UN'BGM+220+PO1+9'DTM+137:20250101:102'"
          "NAD+BY+5412345000013::9'LIN+1++4000862141404:SRS'QTY+21:10'UNS+S'UNT+8+{ref}'")
EDIFACT_IN = ("UNB+UNOC:3+SENDER:14+RECEIVER:14+250101:1200+REF1'"
              + ORDERS.format(ref="1")
              + ORDERS.format(ref="2").replace("QTY+21:10", "QTY+21:1X").replace(
                  "DTM+137:20250101:102'", "ZZZ+1'").replace("BGM+220+PO1+9", "BGM+220+PO1+99")
              + ORDERS.format(ref="3").replace("UNT+8", "UNT+9")
              + "UNZ+3+REF1'")


def _plan(text: str, n: int = 0) -> InterchangePlan:
    report = inspect(text.encode("latin-1"))
    assert report.edi is not None
    ic = report.edi.interchanges[n]
    return plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)


def _read(data: bytes) -> list[AckReport]:
    report = inspect(data)
    assert report.edi is not None
    return read_acks(report.edi.interchanges)


# -- round trips ----------------------------------------------------------------------


def _x12_position(loc: Any) -> str:
    return str(loc.element or 1) + (f":{loc.component}" if loc.component else "")


@pytest.mark.parametrize("kind", ["997", "999"])
def test_built_997_and_999_read_back_to_their_plan(kind: str) -> None:
    """A built 997/999 reads back to its plan's statuses, counts, codes and places."""
    plan = _plan(X12_IN)
    ack = x12.build(plan, kind, OPTIONS)
    assert ack is not None
    reports = _read(write([ack]))  # one per 997/999, one 997/999 per group
    assert [(r.kind, r.sent_by, len(r.groups)) for r in reports] == [(kind, "RECEIVER", 1)] * 2
    groups = [g for r in reports for g in r.groups]
    for gplan, group in zip(plan.groups, groups, strict=True):
        assert (group.functional_id, group.reference) == ("PO", gplan.group.reference)
        assert group.status is gplan.status
        assert (group.received, group.accepted) == (len(gplan.messages), gplan.accepted)
        assert [c for c, _ in group.codes] == [x12._code(f, kind) for f in gplan.findings]
        assert len(group.messages) == len(gplan.messages)
        for mplan, message in zip(gplan.messages, group.messages, strict=True):
            assert (message.type, message.reference) == ("850", mplan.message.reference)
            assert message.status is mplan.status
            assert [c for c, _ in message.codes] == x12._message_codes(mplan, kind)
            expected = [(s.tag, str(s.position), s.loop or "",
                         next((c for f in s.segment if (c := x12._code(f, kind))), "8"),
                         [(_x12_position(f.issue.location), f.issue.location.element_id or "",
                           x12._code(f, kind), f.issue.location.value or "")
                          for f in s.elements])
                        for s in mplan.segments]
            assert [(s.tag, s.position, s.loop, s.code,
                     [(e.position, e.element_id, e.code, e.value) for e in s.elements])
                    for s in message.segments] == expected


def test_round_trip_covers_every_status() -> None:
    """The round-trip input has accepted, rejected and partial groups, sets and loops."""
    plan = _plan(X12_IN)
    assert [g.status for g in plan.groups] == [Status.PARTIALLY_ACCEPTED, Status.REJECTED]
    assert [m.status for m in plan.messages()] == [Status.ACCEPTED] + [Status.REJECTED] * 3 + [
        Status.ACCEPTED]
    assert {s.loop for m in plan.messages() for s in m.segments} >= {"N1", "PO1"}


def test_built_contrl_reads_back_to_its_plan() -> None:
    """A built CONTRL reads back to its plan's actions, UCS and UCD."""
    plan = _plan(EDIFACT_IN)
    ack = edifact.build(plan, OPTIONS)
    assert ack is not None
    (report,) = _read(write([ack]))
    assert (report.kind, report.sent_by, report.groups) == ("CONTRL", "RECEIVER", [])
    (interchange,) = report.interchanges
    assert (interchange.reference, interchange.status, interchange.sender,
            interchange.receiver) == ("REF1", Status.ACCEPTED, "SENDER", "RECEIVER")
    assert len(report.messages) == 3
    for mplan, message in zip(plan.messages(), report.messages, strict=True):
        assert (message.type, message.reference) == ("ORDERS", mplan.message.reference)
        rejected = mplan.status is Status.REJECTED
        assert message.status is (Status.REJECTED if rejected else Status.ACCEPTED)
        assert [c for c, _ in message.codes] == [f.codes.contrl for f in mplan.findings][:1]
        expected = [(str(s.position),
                     next((f.codes.contrl for f in s.segment if f.codes.contrl), ""),
                     [(_x12_position(f.issue.location), f.codes.contrl) for f in s.elements])
                    for s in mplan.segments]
        assert [(s.position, s.code, [(e.position, e.code) for e in s.elements])
                for s in message.segments] == expected
    assert [m.status for m in report.messages] == [Status.ACCEPTED, Status.REJECTED,
                                                   Status.REJECTED]


def test_built_ta1_reads_back_to_its_finding() -> None:
    """A built TA1 reads back to its control number, status, note and meaning."""
    text = X12_IN.replace("IEA*2*000000001", "IEA*2*000000009")
    ack = x12.build(_plan(text), "997", OPTIONS)
    assert ack is not None
    (report,) = _read(write([ack]))
    assert report.kind == "TA1"
    (interchange,) = report.interchanges
    assert (interchange.reference, interchange.status, interchange.code) == (
        "000000001", Status.REJECTED, "001")
    assert interchange.meaning == meaning.TA1_NOTES["001"]


def test_999_repetition_position_reads_back_as_a_repetition() -> None:
    """IK401 element::repetition keeps the empty component position when read."""
    header = isa(version="00501", repetition="^")
    text = (header + "GS*PO*SENDER*RECEIVER*20250101*1200*1*X*005010~ST*850*0001~"
            "BEG*00^01*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*4*0001~"
            "GE*1*1~IEA*1*000000001~")
    ack = x12.build(_plan(text), "999", OPTIONS)
    assert ack is not None
    assert b"IK4*1::2*353*12" in write([ack])
    (report,) = _read(write([ack]))
    (element,) = report.groups[0].messages[0].segments[0].elements
    assert element.position == "1::2"


# -- acknowledgements from partners -----------------------------------------------------

PARTNER_997 = (isa(sender="PARTNER", receiver="GATEWAY", component=">", control="000000042")
               + "GS*FA*PARTNER*GATEWAY*20250102*0900*42*X*004010~ST*997*0001~AK1*IN*17~"
               "AK2*810*0003~AK3*IT1*5*IT1*8~AK4*2*358*1~AK4*3*355*7*ZZ~AK5*R*5~"
               "AK2*810*0004~AK5*A~AK9*P*2*2*1~SE*11*0001~GE*1*42~IEA*1*000000042~")
PARTNER_999 = (isa(sender="PARTNER", receiver="GATEWAY", version="00501", repetition="^",
                   component=">")
               + "GS*FA*PARTNER*GATEWAY*20250102*0900*43*X*005010X231A1~"
               "ST*999*0001*005010X231A1~AK1*PO*5*005010~AK2*850*0001*005010X220~"
               "IK3*CUR*3**I4~IK3*BEG*2**8~IK4*1*353*I6*01~IK5*R*I5~AK9*R*1*1*0~"
               "SE*9*0001~GE*1*43~IEA*1*000000001~")
PARTNER_CONTRL = ("UNB+UNOA:3+PARTNER:14+GATEWAY:14+250102:0900+CTRL42'UNH+1+CONTRL:D:3:UN'"
                  "UCI+ICREF7+GATEWAY:14+PARTNER:14+7'"
                  "UCM+M1+ORDERS:D:96A:UN+4+29+UNT'"
                  "UCM+M2+INVOIC:D:96A:UN+4'UCS+5+12'UCD+13+2:1'"
                  "UCM+M3+ORDERS:D:96A:UN+7'"
                  "UNT+8+1'UNZ+1+CTRL42'")


def test_partner_997_rejecting_a_set_is_read_with_its_meaning() -> None:
    """A partner's 997 rejecting a set reads with its statuses, places and meanings."""
    assert inspect(PARTNER_997.encode()).issues == []
    (report,) = _read(PARTNER_997.encode())
    assert report.to_json() == {
        "kind": "997", "sent_by": "PARTNER", "interchanges": [], "messages": [],
        "groups": [{
            "functional_id": "IN", "reference": "17", "status": "partially-accepted",
            "included": 2, "received": 2, "accepted": 1, "codes": [],
            "messages": [
                {"type": "810", "reference": "0003", "status": "rejected",
                 "codes": [{"code": "5", "meaning": "one or more segments in error"}],
                 "segments": [{
                     "tag": "IT1", "position": "5", "loop": "IT1", "code": "8",
                     "meaning": "segment has data element errors",
                     "elements": [
                         {"position": "2", "element_id": "358", "code": "1",
                          "meaning": "required data element missing", "value": ""},
                         {"position": "3", "element_id": "355", "code": "7",
                          "meaning": "invalid code value", "value": "ZZ"}]}]},
                {"type": "810", "reference": "0004", "status": "accepted", "codes": [],
                 "segments": []}],
        }],
    }
    assert explain(report) == (
        "997 from PARTNER:\n"
        "  group IN 17: partially-accepted (1 of 2 accepted)\n"
        "    message 810 0003: rejected; one or more segments in error\n"
        "      segment IT1 at position 5 (loop IT1): segment has data element errors\n"
        "        element 2 (358): required data element missing\n"
        "        element 3 (355): invalid code value - value 'ZZ'\n"
        "    message 810 0004: accepted\n")


def test_partner_999_is_read_with_implementation_meanings() -> None:
    """A 999 with IK3/IK4/IK5 reads like a 997, its I codes with their meanings."""
    assert inspect(PARTNER_999.encode()).issues == []
    (report,) = _read(PARTNER_999.encode())
    assert report.kind == "999"
    (group,) = report.groups
    (message,) = group.messages
    assert (group.status, message.status) == (Status.REJECTED, Status.REJECTED)
    assert message.codes == [("I5", "implementation one or more segments in error")]
    assert [(s.tag, s.position, s.code, s.meaning) for s in message.segments] == [
        ("CUR", "3", "I4", "implementation 'not used' segment present"),
        ("BEG", "2", "8", "segment has data element errors")]
    (element,) = message.segments[1].elements
    assert (element.code, element.meaning, element.value) == (
        "I6", "code value not used in implementation", "01")


def test_partner_contrl_rejecting_messages_is_read_with_its_meaning() -> None:
    """A partner's CONTRL rejecting messages reads with its actions, places and meanings."""
    assert inspect(PARTNER_CONTRL.encode()).issues == []
    (report,) = _read(PARTNER_CONTRL.encode())
    assert report.to_json() == {
        "kind": "CONTRL", "sent_by": "PARTNER", "groups": [],
        "interchanges": [{"reference": "ICREF7", "status": "accepted", "code": "",
                          "meaning": "acknowledged (lower levels too, unless rejected)",
                          "sender": "GATEWAY", "receiver": "PARTNER"}],
        "messages": [
            {"type": "ORDERS", "reference": "M1", "status": "rejected",
             "codes": [{"code": "29", "meaning": "control count does not match number of "
                        "instances received (in UNT)"}], "segments": []},
            {"type": "INVOIC", "reference": "M2", "status": "rejected", "codes": [],
             "segments": [{"tag": "", "position": "5", "loop": "", "code": "12",
                           "meaning": "invalid value",
                           "elements": [{"position": "2:1", "element_id": "", "code": "13",
                                         "meaning": "missing", "value": ""}]}]},
            {"type": "ORDERS", "reference": "M3", "status": "accepted", "codes": [],
             "segments": []},
        ],
    }
    assert explain(report) == (
        "CONTRL from PARTNER:\n"
        "  interchange ICREF7: accepted\n"
        "  message ORDERS M1: rejected; control count does not match number of instances "
        "received (in UNT)\n"
        "  message INVOIC M2: rejected\n"
        "    segment at position 5: invalid value\n"
        "      element 2:1: missing\n"
        "  message ORDERS M3: accepted\n")


def test_partner_contrl_rejecting_the_interchange_names_the_error() -> None:
    """UCI action 4 reads as a rejected interchange with the 0085 meaning and segment."""
    text = PARTNER_CONTRL.replace("UCI+ICREF7+GATEWAY:14+PARTNER:14+7'",
                                  "UCI+ICREF7+GATEWAY:14+PARTNER:14+4+28+UNZ'")
    (report,) = _read(text.encode())
    (interchange,) = report.interchanges
    assert (interchange.status, interchange.code, interchange.meaning) == (
        Status.REJECTED, "28", "references do not match (in UNZ)")
    assert explain(report).splitlines()[1] == (
        "  interchange ICREF7: rejected - references do not match (in UNZ)")


def test_partner_contrl_that_only_confirms_receipt_is_not_read_as_acceptance() -> None:
    """Rule: UCI action 8 (0083: interchange received) confirms the interchange
    arrived without judging its content; it reads as received, not accepted."""
    text = PARTNER_CONTRL.replace("UCI+ICREF7+GATEWAY:14+PARTNER:14+7'",
                                  "UCI+ICREF7+GATEWAY:14+PARTNER:14+8'")
    (report,) = _read(text.encode())
    (interchange,) = report.interchanges
    assert interchange.status is Status.RECEIVED
    assert explain(report).splitlines()[1] == "  interchange ICREF7: received"


def test_partner_contrl_groups_hold_their_messages() -> None:
    """UCF opens a group for the UCMs that follow it."""
    text = PARTNER_CONTRL.replace("UCM+M1", "UCF+G1+A:14+B:14+4+29+UNE'UCM+M1").replace(
        "UNT+8", "UNT+9")
    (report,) = _read(text.encode())
    (group,) = report.groups
    assert (group.reference, group.status) == ("G1", Status.REJECTED)
    assert group.codes == [("29", "control count does not match number of instances "
                            "received (in UNE)")]
    assert [m.reference for m in group.messages] == ["M1", "M2", "M3"]
    assert report.messages == []


def test_partner_ta1_is_read_with_its_note() -> None:
    """A TA1 at interchange level reads to its control number, status and note meaning."""
    text = (isa(sender="PARTNER", receiver="GATEWAY") + "TA1*000000777*250101*1200*R*014~"
            "IEA*0*000000001~")
    (report,) = _read(text.encode())
    assert report.to_json()["interchanges"] == [{
        "reference": "000000777", "status": "rejected", "code": "014",
        "meaning": "invalid interchange date value", "sender": "", "receiver": ""}]
    assert explain(report) == ("TA1 from PARTNER:\n"
                               "  interchange 000000777: rejected - invalid interchange "
                               "date value\n")


@pytest.mark.parametrize(("letter", "status"), [
    ("A", Status.ACCEPTED), ("E", Status.ACCEPTED_WITH_ERRORS),
    ("P", Status.PARTIALLY_ACCEPTED), ("R", Status.REJECTED), ("M", Status.REJECTED),
    ("W", Status.REJECTED), ("X", Status.REJECTED), ("Q", None)])
def test_x12_status_letters_read_to_statuses(letter: str, status: Status | None) -> None:
    """AK901 A/E/P read as such, R/M/W/X as rejected, an unknown letter as unknown."""
    (report,) = _read(PARTNER_997.replace("AK9*P*", f"AK9*{letter}*").encode())
    assert report.groups[0].status is status


# -- malformed acknowledgements -----------------------------------------------------------

MALFORMED_997 = (isa(sender="PARTNER", receiver="GATEWAY")
                 + "GS*FA*PARTNER*GATEWAY*20250102*0900*42*X*004010~ST*997*0001~AK1*IN*17~"
                 "AK4*2*358*1~AK2*810*0003~AK5*Q~AK9*R*x~SE*7*0001~GE*1*42~"
                 "IEA*1*000000001~")
MALFORMED_CONTRL = ("UNB+UNOA:3+PARTNER:14+GATEWAY:14+250102:0900+CTRL42'"
                    "UNH+1+CONTRL:D:3:UN'UCD+13+2:1'UCM+M2++9'UCD+13'UNT+5+1'UNZ+1+CTRL42'")


def test_malformed_997_gives_issues_and_reads_what_it_can() -> None:
    """A malformed 997 gives validator issues and reads without raising."""
    codes = {(i.code, i.location.segment) for i in inspect(MALFORMED_997.encode()).issues}
    assert {(Code.SEGMENT_OUT_OF_ORDER, "AK4"), (Code.INVALID_CODE, "AK5"),
            (Code.INVALID_NUMBER, "AK9"), (Code.MISSING_ELEMENT, "AK9")} <= codes
    (report,) = _read(MALFORMED_997.encode())
    (group,) = report.groups
    assert (group.status, group.included, group.received, group.accepted) == (
        Status.REJECTED, None, None, None)
    (message,) = group.messages
    assert (message.status, message.segments) == (None, [])
    assert "message 810 0003: status unknown" in explain(report)


def test_malformed_contrl_gives_issues_and_reads_what_it_can() -> None:
    """A malformed CONTRL gives validator issues and reads without raising."""
    codes = {(i.code, i.location.segment) for i in inspect(MALFORMED_CONTRL.encode()).issues}
    assert {(Code.MISSING_SEGMENT, "UCI"), (Code.SEGMENT_OUT_OF_ORDER, "UCD"),
            (Code.MISSING_ELEMENT, "UCM"), (Code.INVALID_CODE, "UCM")} <= codes
    (report,) = _read(MALFORMED_CONTRL.encode())
    assert report.interchanges == []
    (message,) = report.messages
    assert (message.reference, message.type, message.status) == ("M2", "", None)
    (segment,) = message.segments
    assert [(e.position, e.code) for e in segment.elements] == [("", "13")]
    explain(report)


def test_files_without_acknowledgements_read_to_nothing() -> None:
    """An interchange holding no 997, 999, TA1 or CONTRL gives no reports."""
    assert _read(X12_IN.encode()) == []
    assert _read(EDIFACT_IN.encode()) == []


def test_explain_never_prints_a_missing_count_as_none() -> None:
    """explain never shows an absent AK9 count as 'None'."""
    (report,) = _read(PARTNER_997.replace("AK9*P*2*2*1", "AK9*P*2*2").encode())
    assert "None" not in explain(report)


TAGS = ["AK1", "AK2", "AK3", "AK4", "AK5", "AK9", "IK3", "IK4", "IK5", "CTX",
        "UCI", "UCF", "UCM", "UCS", "UCD", "TA1", "BEG"]
ELEMENT = st.lists(st.sampled_from(["", "1", "2:1", "A", "R", "5", "I5", "7", "4", "X Y"]),
                   max_size=3)
SEGMENTS = st.lists(st.builds(Segment, st.sampled_from(TAGS), st.lists(ELEMENT, max_size=6)),
                    max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["997", "999", "CONTRL"]), body=SEGMENTS, loose=SEGMENTS)
def test_any_sequence_of_ack_segments_reads_without_raising(
        kind: str, body: list[Segment], loose: list[Segment]) -> None:
    """Any sequence of ack segments reads, explains and dumps JSON without raising."""
    standard = "edifact" if kind == "CONTRL" else "x12"
    header = (Segment.of("UNB", ["UNOA", "3"], ["P", "14"], ["G", "14"], ["250101", "1200"],
                         "R1") if kind == "CONTRL"
              else Segment.of("ISA", *(["00"] * 16)))
    message = Message(None, body, None, type=kind)
    ic = Interchange(standard, EDIFACT_DEFAULT if kind == "CONTRL" else X12_DEFAULT, header,
                     [Group(None, [message])], interchange_segments=loose)
    for report in read_acks([ic]):
        explain(report)
        json.dumps(report.to_json())


# -- meaning ------------------------------------------------------------------------------


def _all_codes() -> list[AckCodes]:
    return [*ENVELOPE.values(), *TABLE.values()]


def test_every_code_the_builders_write_has_a_meaning() -> None:
    """Every code the builders write has a meaning in the table of its level."""
    tables = {AckLevel.GROUP: meaning.GROUP_ERRORS, AckLevel.MESSAGE: meaning.SET_ERRORS,
              AckLevel.SEGMENT: meaning.SEGMENT_ERRORS, AckLevel.ELEMENT: meaning.ELEMENT_ERRORS}
    missing = []
    for codes in _all_codes():
        for code in (codes.x997, codes.x999):
            if code is not None and code not in tables[codes.level]:
                missing.append((codes.level, code))
        if codes.ta1 is not None and codes.ta1 not in meaning.TA1_NOTES:
            missing.append(("ta1", codes.ta1))
        if codes.contrl is not None and codes.contrl not in meaning.CONTRL_ERRORS:
            missing.append(("contrl", codes.contrl))
    assert missing == []
    assert X12_SEGMENTS_IN_ERROR in meaning.SET_ERRORS and "I5" in meaning.SET_ERRORS
    assert "8" in meaning.SEGMENT_ERRORS  # AK304 when only elements are in error
    assert {"A", "E", "P", "R"} <= set(meaning.STATUS)
    assert {edifact.ACKNOWLEDGED, edifact.REJECTED} <= set(meaning.CONTRL_ACTIONS)


def test_unknown_codes_are_described_as_codes() -> None:
    """A code missing from a table is shown as itself rather than raising."""
    assert meaning.describe(meaning.SEGMENT_ERRORS, "Z9") == "code 'Z9'"
    assert meaning.describe(meaning.SEGMENT_ERRORS, "3") == "required segment missing"


@pytest.mark.parametrize(("table", "standard", "version", "elements"), [
    ("SEGMENT_ERRORS", "x12", "005010", ["620"]),
    ("ELEMENT_ERRORS", "x12", "005010", ["621"]),
    ("SET_ERRORS", "x12", "005010", ["618"]),
    ("GROUP_ERRORS", "x12", "004010", ["716"]),
    ("STATUS", "x12", "004010", ["715"]),
    ("CONTRL_ERRORS", "edifact", "syntax3", ["0085"]),
    ("CONTRL_ACTIONS", "edifact", "syntax3", ["0083"]),
    ("CONTRL_ERRORS", "edifact", "syntax4", ["0085"]),
    ("CONTRL_ACTIONS", "edifact", "syntax4", ["0083"]),
])
def test_meaning_tables_hold_only_codes_of_the_standard(
        table: str, standard: str, version: str, elements: list[str]) -> None:
    """Every code the meaning tables explain is in the standard's code list."""
    directory = load_directory(standard, version)
    assert directory is not None
    valid: set[str] = set()
    for element in elements:
        valid |= set(directory.elements[element].codes or ())
    assert set(getattr(meaning, table)) - valid == set()


def test_contrl_actions_mean_what_0083_says() -> None:
    """0083: 4 rejects this level and all below, 7 acknowledges, 8 only says received."""
    assert "rejected" in meaning.CONTRL_ACTIONS["4"]
    assert "acknowledged" in meaning.CONTRL_ACTIONS["7"]
    assert "received" in meaning.CONTRL_ACTIONS["8"]


def test_group_code_19_means_a_control_number_not_unique() -> None:
    """AK905 19 is explained as the standard's 716 code 19."""
    directory = load_directory("x12", "005010")
    assert directory is not None and "19" in (directory.elements["716"].codes or ())
    assert "not unique" in meaning.describe(meaning.GROUP_ERRORS, "19")


# -- edi-gateway ack --read ------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["ack", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_read_explains_each_acknowledgement(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """--read prints the explanation of every ack in the file and exits 0."""
    path = tmp_path / "997.x12"
    path.write_text(PARTNER_997, "latin-1")
    code, out, _ = _run(capsys, str(path), "--read")
    assert code == EXIT_OK
    assert out == explain(_read(PARTNER_997.encode())[0])


def test_cli_read_json_prints_one_line_per_acknowledgement(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--read --json prints each ack's JSON on its own line (here a TA1 and a 997)."""
    text = PARTNER_997.replace("GS*FA", "TA1*000000001*250101*1200*A*000~GS*FA")
    path = tmp_path / "acks.x12"
    path.write_text(text, "latin-1")
    code, out, _ = _run(capsys, str(path), "--read", "--json")
    assert code == EXIT_OK
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["kind"] for line in lines] == ["TA1", "997"]
    assert lines[1] == _read(PARTNER_997.encode())[0].to_json()


def test_cli_read_contrl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--read explains a CONTRL too."""
    path = tmp_path / "contrl.edi"
    path.write_text(PARTNER_CONTRL, "latin-1")
    code, out, _ = _run(capsys, str(path), "--read")
    assert code == EXIT_OK
    assert out.startswith("CONTRL from PARTNER:\n  interchange ICREF7: accepted\n")


def test_cli_read_of_a_file_without_acks_exits_1(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """--read on an order, not an acknowledgement, says so and exits 1."""
    path = tmp_path / "order.x12"
    path.write_text(X12_IN, "latin-1")
    code, out, err = _run(capsys, str(path), "--read")
    assert code == EXIT_INVALID and out == ""
    assert err.strip() == f"edi-gateway ack: {path} holds no 997, 999, TA1 or CONTRL"


@pytest.mark.parametrize("content", [None, "not edi at all\n"])
def test_cli_read_of_a_missing_or_non_edi_file_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None) -> None:
    """A file that cannot be read, or is not EDI, exits 2 with one line on stderr."""
    path = tmp_path / "ack.txt"
    if content is not None:
        path.write_text(content, "utf-8")
    code, out, err = _run(capsys, str(path), "--read")
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("edi-gateway ack: ") and len(err.strip().splitlines()) == 1


def test_cli_read_accepts_a_malformed_ack_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rule: a malformed 997 is explained as far as it can be (unknown statuses, no
    crash), and the ways it breaks the 997 standard go to stderr with exit 1."""
    path = tmp_path / "bad997.x12"
    path.write_text(MALFORMED_997, "latin-1")
    code, out, err = _run(capsys, str(path), "--read")
    assert code == EXIT_INVALID
    assert "status unknown" in out
    found = err.splitlines()
    assert found and all(line.startswith(f"edi-gateway ack: {path}: ") for line in found)
    assert any("schema.invalid-code" in line and "AK5 (segment 5)" in line for line in found)
