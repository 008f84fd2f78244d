"""X12 acknowledgements: the 997 and 999 answering each functional group, the TA1
answering the interchange, their envelope, and the ``edi-gateway ack`` command for
X12 files.

Inputs are short interchanges read and validated as the gateway does
(:func:`gateway.edi.report.inspect`); expected segments are written out in full.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gateway.cli.main import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from gateway.edi.ack import x12
from gateway.edi.ack.codes import AckLevel, ack_codes
from gateway.edi.ack.plan import AckOptions, InterchangePlan, Status, plan_interchange
from gateway.edi.ack.reading import read_acks
from gateway.edi.delimiters import X12_DEFAULT_REPEATING, Delimiters
from gateway.edi.issues import Code, Issue, Location, Severity
from gateway.edi.reader import read
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.guide import guide_from_yaml
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.tree import Interchange
from gateway.edi.writer import write, write_interchange
from tests.edi.snippets import isa

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
OPTIONS = AckOptions(now=NOW, interchange_control=7, group_control=8, set_control=9)

ISA_401 = isa()
ISA_501 = isa(version="00501", repetition="^")
GS = "GS*PO*SENDER*RECEIVER*20250101*1200*{ref}*X*{version}~"
GOOD = ("ST*850*{ref}~BEG*00*SA*PO1**20250101~PO1*1*24*EA*12.50**UP*614141100019~"
        "SE*4*{ref}~")
# BEG03 (324, mandatory) is missing.
BAD = "ST*850*{ref}~BEG*00*SA***20250101~PO1*1*24*EA*12.50**UP*614141100019~SE*4*{ref}~"

# The acknowledgement's envelope for OPTIONS, answering isa(): parties swapped.
ACK_ISA = ("ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         "
           "*250304*0506*U*00401*000000007*0*P*:~")
ACK_GS = "GS*FA*RECEIVER*SENDER*20250304*0506*8*X*004010~"


def _interchange(*groups: str, header: str = ISA_401, count: int | None = None,
                 control: str = "000000001") -> str:
    return header + "".join(groups) + f"IEA*{len(groups) if count is None else count}*{control}~"


def _group(*sets: str, ref: str = "1", version: str = "004010", count: int | str | None = None,
           trailer_ref: str | None = None) -> str:
    count = len(sets) if count is None else count
    return (GS.format(ref=ref, version=version) + "".join(sets)
            + f"GE*{count}*{ref if trailer_ref is None else trailer_ref}~")


def _report(text: str, schemas: Schemas | None = None) -> FileReport:
    report = inspect(text.encode("latin-1"), schemas=schemas)
    assert report.edi is not None
    return report


def _plans(text: str, schemas: Schemas | None = None) -> list[InterchangePlan]:
    result = _report(text, schemas).edi
    assert result is not None
    return [plan_interchange(ic, result.interchange_issues(ic), result.by_message)
            for ic in result.interchanges]


def _ack(text: str, kind: str = "997", options: AckOptions = OPTIONS,
         schemas: Schemas | None = None) -> Interchange:
    (plan,) = _plans(text, schemas)
    ack = x12.build(plan, kind, options)
    assert ack is not None
    return ack


def _written(ack: Interchange) -> list[str]:
    """The acknowledgement exactly as written, one segment a line."""
    return write_interchange(ack, line_ending="\n").splitlines()


def _lines(ack: Interchange) -> list[str]:
    """The segments as written, trailing empty elements dropped (whether a builder leaves
    them is checked once, in test_no_segment_ends_with_an_empty_element)."""
    sep, term = re.escape(ack.delimiters.element), re.escape(ack.delimiters.segment)
    return [re.sub(f"(?:{sep})+({term})$", r"\1", line) for line in _written(ack)]


def _set(ack: Interchange, n: int = 0) -> list[str]:
    """The n-th 997/999 of the acknowledgement, ST to SE."""
    lines = _lines(ack)
    starts = [i for i, line in enumerate(lines) if line.startswith("ST*")]
    start = starts[n]
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("SE*"))
    return lines[start:end + 1]


def _inner(ack: Interchange, n: int = 0) -> list[str]:
    """The n-th 997/999 without ST and SE."""
    return _set(ack, n)[1:-1]


# -- envelope -----------------------------------------------------------------------


def test_997_envelope_swaps_parties_and_takes_clock_and_control_numbers() -> None:
    """997 envelope: parties swapped, FA, clock dates, given control numbers, ISA14 0."""
    ack = _ack(_interchange(_group(GOOD.format(ref="0001"))))
    assert _lines(ack) == [
        ACK_ISA,
        ACK_GS,
        "ST*997*0009~",
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK5*A~",
        "AK9*A*1*1*1~",
        "SE*6*0009~",
        "GE*1*8~",
        "IEA*1*000000007~",
    ]


def test_997_takes_version_and_usage_from_the_original() -> None:
    """GS08, ISA12 and ISA15 of the 997 are those of the original."""
    header = isa(version="00401").replace("*P*:~", "*T*:~")
    text = _interchange(_group(GOOD.format(ref="0001"), version="004010VICS"), header=header)
    lines = _lines(_ack(text))
    assert lines[0].endswith("*U*00401*000000007*0*T*:~")
    assert lines[1] == "GS*FA*RECEIVER*SENDER*20250304*0506*8*X*004010VICS~"


def test_999_envelope_names_the_implementation_acknowledgment() -> None:
    """999 envelope: ISA 00501, GS08/ST03 005010X231A1, AK103 the original's version."""
    text = _interchange(_group(GOOD.format(ref="0001"), version="005010"), header=ISA_501)
    ack = _ack(text, "999")
    lines = _lines(ack)
    assert lines[0] == ("ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         "
                        "*250304*0506*^*00501*000000007*0*P*:~")
    assert lines[1] == "GS*FA*RECEIVER*SENDER*20250304*0506*8*X*005010X231A1~"
    assert _set(ack) == [
        "ST*999*0009*005010X231A1~",
        "AK1*PO*1*005010~",
        "AK2*850*0001~",
        "IK5*A~",
        "AK9*A*1*1*1~",
        "SE*6*0009~",
    ]


def test_999_ak2_carries_the_implementation_reference_of_the_set() -> None:
    """AK203 repeats ST03 when the original set names an implementation convention."""
    good = GOOD.format(ref="0001").replace("ST*850*0001~", "ST*850*0001*005010X999~")
    text = _interchange(_group(good, version="005010"), header=ISA_501)
    assert _inner(_ack(text, "999"))[1] == "AK2*850*0001*005010X999~"


def test_control_numbers_are_padded_to_their_widths() -> None:
    """ISA13 has nine digits and ST02 at least four; GS06 is unpadded."""
    options = AckOptions(now=NOW, interchange_control=42, group_control=43, set_control=5)
    ack = _ack(_interchange(_group(GOOD.format(ref="0001"))), options=options)
    lines = _lines(ack)
    assert "*000000042*" in lines[0]
    assert lines[1].endswith("*43*X*004010~")
    assert lines[2] == "ST*997*0005~"
    assert lines[-1] == "IEA*1*000000042~"


def test_each_group_gets_its_own_set_in_one_fa_group() -> None:
    """Each inbound group gets its own 997, numbered on, inside one FA group."""
    invoice = "ST*810*0001~BIG*20250101*INV1~TDS*100~SE*4*0001~"
    text = _interchange(_group(GOOD.format(ref="0001"), ref="1"),
                        GS.format(ref="2", version="004010").replace("GS*PO", "GS*IN")
                        + invoice + "GE*1*2~")
    ack = _ack(text)
    assert [line for line in _lines(ack) if line[:2] in ("GS", "GE", "ST", "SE")] == [
        ACK_GS, "ST*997*0009~", "SE*6*0009~", "ST*997*0010~", "SE*6*0010~", "GE*2*8~"]
    assert _inner(ack, 1) == ["AK1*IN*2~", "AK2*810*0001~", "AK5*A~", "AK9*A*1*1*1~"]


def test_other_delimiters_can_be_asked_for() -> None:
    """Delimiters given in the options are used, ISA16 naming the component separator."""
    d = Delimiters(segment="\n", element="|", component="^")
    options = AckOptions(now=NOW, delimiters=d)
    ack = _ack(_interchange(_group(GOOD.format(ref="0001"))), options=options)
    text = write_interchange(ack)
    assert text.splitlines()[0].endswith("|0|P|^")
    assert "AK9|A|1|1|1\n" in text


def test_interchange_without_isa_gets_no_acknowledgement() -> None:
    """Bare transaction sets (no ISA) cannot be addressed: build returns None."""
    (plan,) = _plans(_group(GOOD.format(ref="0001")))
    assert x12.build(plan, "997", OPTIONS) is None


# -- statuses ------------------------------------------------------------------------


def test_accepted_set_and_group() -> None:
    """A valid set: AK5 A without codes; AK9 A with included, received and accepted 1."""
    ack = _ack(_interchange(_group(GOOD.format(ref="0001"))))
    assert _inner(ack) == ["AK1*PO*1~", "AK2*850*0001~", "AK5*A~", "AK9*A*1*1*1~"]


def test_rejected_set_and_group() -> None:
    """A missing mandatory element: AK3 code 8, AK4 code 1, AK5 R 5, AK9 R none accepted."""
    ack = _ack(_interchange(_group(BAD.format(ref="0001"))))
    assert _inner(ack) == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK3*BEG*2**8~",
        "AK4*3*324*1~",
        "AK5*R*5~",
        "AK9*R*1*1*0~",
    ]


def test_accepted_with_errors_set_and_group() -> None:
    """A non-blocking finding makes the set and group E; the set counts as accepted."""
    (plan,) = _plans(_interchange(_group(GOOD.format(ref="0001"))))
    (message,) = plan.messages()
    warning = Issue.of(Code.INVALID_CODE, "tolerated", Location(
        segment="BEG", position=2, element=2, element_id="92", value="SA"), Severity.WARNING)
    plan = plan_interchange(plan.interchange, [], {id(message.message): [warning]})
    ack = x12.build(plan, "997", OPTIONS)
    assert ack is not None
    assert _inner(ack) == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK3*BEG*2**8~",
        "AK4*2*92*7*SA~",
        "AK5*E*5~",
        "AK9*E*1*1*1~",
    ]


def test_partially_accepted_group() -> None:
    """One set of two rejected: AK9 P, two included and received, one accepted."""
    ack = _ack(_interchange(_group(GOOD.format(ref="0001"), BAD.format(ref="0002"))))
    assert _inner(ack) == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK5*A~",
        "AK2*850*0002~",
        "AK3*BEG*2**8~",
        "AK4*3*324*1~",
        "AK5*R*5~",
        "AK9*P*2*2*1~",
    ]


# -- where the errors are -------------------------------------------------------------

LOOPED = ("ST*850*0001~"
          "BEG*00*SA*PO1**20250101~"  # 2
          "REF*DP*042~"  # 3
          "N1*ST*" + "N" * 61 + "~"  # 4: loop N1; N102 longer than 60
          "PO1*1*24*EA*12.50**UP*614141100019~"  # 5: loop PO1
          "PID*F****" + "D" * 81 + "~"  # 6: loop PID inside PO1; PID05 longer than 80
          "PO4*X~"  # 7: in loop PO1; PO401 is numeric
          "CTT*1~"  # 8
          "SE*9*0001~")


def test_segment_positions_count_from_st_and_name_their_loop() -> None:
    """AK302 counts ST as 1, AK303 names the innermost loop, AK4 element, id and value."""
    ack = _ack(_interchange(_group(LOOPED)))
    assert _inner(ack) == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK3*N1*4*N1*8~",
        "AK4*2*93*5*" + "N" * 61 + "~",
        "AK3*PID*6*PID*8~",
        "AK4*5*352*5*" + "D" * 81 + "~",
        "AK3*PO4*7*PO1*8~",
        "AK4*1*356*6*X~",
        "AK5*R*5~",
        "AK9*R*1*1*0~",
    ]


def test_999_reports_the_same_places_with_ik_segments() -> None:
    """The 999 reports the same segments with IK3/IK4/IK5."""
    ack = _ack(_interchange(_group(LOOPED)), "999")
    assert _inner(ack) == [
        "AK1*PO*1*004010~",
        "AK2*850*0001~",
        "IK3*N1*4*N1*8~",
        "IK4*2*93*5*" + "N" * 61 + "~",
        "IK3*PID*6*PID*8~",
        "IK4*5*352*5*" + "D" * 81 + "~",
        "IK3*PO4*7*PO1*8~",
        "IK4*1*356*6*X~",
        "IK5*R*5~",
        "AK9*R*1*1*0~",
    ]


def test_missing_segment_is_reported_where_it_was_expected() -> None:
    """A missing segment gets AK3 code 3 at the position reached, in its loop, no AK4."""
    text = _interchange(_group("ST*850*0001~BEG*00*SA*PO1**20250101~SE*3*0001~"))
    assert _inner(_ack(text))[2:4] == ["AK3*PO1*3*PO1*3~", "AK5*R*5~"]


def test_component_position_in_ak4() -> None:
    """An error in a composite gives C030 as element:component (REF04-2)."""
    good = GOOD.format(ref="0001").replace("PO1*1", "REF*DP*042**ZZ~PO1*1").replace(
        "SE*4", "SE*5")
    assert _inner(_ack(_interchange(_group(good))))[2:4] == [
        "AK3*REF*3**8~", "AK4*4:2*127*1~"]


def test_999_c030_carries_the_repetition_and_997_leaves_it_out() -> None:
    """IK401 is element::repetition for a repeated element; the 997's AK401 has none."""
    bad = GOOD.format(ref="0001").replace("BEG*00*", "BEG*00^01*")
    text = _interchange(_group(bad, version="005010"), header=ISA_501)
    assert _inner(_ack(text, "999"))[2:4] == ["IK3*BEG*2**8~", "IK4*1::2*353*12~"]
    assert _inner(_ack(text, "997"))[2:4] == ["AK3*BEG*2**8~", "AK4*1*353*12~"]


def test_bad_data_copy_is_cut_to_99_characters() -> None:
    """AK404 is at most 99 characters (element 724 is AN 1/99)."""
    long = "ABCDEFGHIJ" * 15
    text = _interchange(_group(GOOD.format(ref="0001").replace("SA*PO1", "SA*" + long)))
    ak4 = _inner(_ack(text))[3]
    assert ak4 == "AK4*3*324*5*" + long[:99] + "~"


def test_bad_data_copy_holds_no_delimiter_of_the_acknowledgement() -> None:
    """AK404 leaves out the acknowledgement's delimiters, so it can be written."""
    header = isa(element="|", component=">", terminator="!")
    text = (header + "GS|PO|SENDER|RECEIVER|20250101|1200|1|X|004010!ST|850|0001!"
            "BEG|00|SA|A*B~C:D^E" + "X" * 20 + "||20250101!PO1|1|24|EA|12.50||UP|1!"
            "SE|4|0001!GE|1|1!IEA|1|000000001!")
    options = AckOptions(now=NOW, delimiters=X12_DEFAULT_REPEATING)
    ack = _ack(text, options=options)
    assert _inner(ack)[3] == "AK4*3*324*5*ABCDE" + "X" * 20 + "~"
    assert write([ack])  # writable: no delimiter inside a value


def test_set_with_more_than_99_element_errors_in_a_segment_keeps_99_ak4() -> None:
    """At most 99 AK4 follow one AK3 (the 997 allows 99)."""
    (plan,) = _plans(_interchange(_group(GOOD.format(ref="0001"))))
    (message,) = plan.messages()
    issues = [Issue.of(Code.INVALID_CHARACTER, "bad", Location(
        segment="BEG", position=2, element=n, value="?")) for n in range(1, 121)]
    plan = plan_interchange(plan.interchange, [], {id(message.message): issues})
    ack = x12.build(plan, "997", OPTIONS)
    assert ack is not None
    body = _inner(ack)
    assert sum(line.startswith("AK4*") for line in body) == 99
    assert body[3] == "AK4*1**6*?~" and body[101] == "AK4*99**6*?~"


def test_ak5_codes_are_distinct_in_the_order_found() -> None:
    """AK502.. hold each set code once, in order found, 5 (segments in error) last."""
    (plan,) = _plans(_interchange(_group(GOOD.format(ref="0001"))))
    (message,) = plan.messages()
    issues = [Issue.of(code, "x", Location(segment=tag)) for code, tag in [
        (Code.MISSING_TRAILER, "SE"), (Code.REFERENCE_MISMATCH, "SE"),
        (Code.REFERENCE_MISMATCH, "SE"), (Code.COUNT_MISMATCH, "SE"),
        (Code.DUPLICATE_REFERENCE, "ST"), (Code.MISSING_TRAILER, "SE")]]
    issues.append(Issue.of(Code.TOO_LONG, "x", Location(segment="BEG", position=2, element=3,
                                                         value="A")))
    plan = plan_interchange(plan.interchange, [], {id(message.message): issues})
    ack = x12.build(plan, "997", OPTIONS)
    assert ack is not None
    ak5 = next(line for line in _inner(ack) if line.startswith("AK5"))
    assert ak5 == "AK5*R*2*3*4*23*5~"


# -- trailer and envelope problems ------------------------------------------------------


@pytest.mark.parametrize(("change", "ak5"), [
    (("SE*4*0001", "SE*5*0001"), "AK5*R*4~"),  # segment count wrong
    (("SE*4*0001", "SE*4*0002"), "AK5*R*3~"),  # control numbers differ
    (("SE*4*0001~", ""), "AK5*R*2~"),  # trailer missing
])
def test_set_trailer_problems_give_the_set_code(change: tuple[str, str], ak5: str) -> None:
    """SE problems are AK502 codes 4 (count), 3 (control number) and 2 (missing)."""
    text = _interchange(_group(GOOD.format(ref="0001").replace(*change)))
    assert _inner(_ack(text))[-2:] == [ak5, "AK9*R*1*1*0~"]


@pytest.mark.parametrize(("group", "ak9"), [
    (_group(GOOD.format(ref="0001"), count=2), "AK9*R*2*1*1*5~"),
    (_group(GOOD.format(ref="0001"), count="X"), "AK9*R*1*1*1*5~"),
    (_group(GOOD.format(ref="0001"), trailer_ref="9"), "AK9*R*1*1*1*4~"),
    (GS.format(ref="1", version="004010") + GOOD.format(ref="0001"), "AK9*R*1*1*1*3~"),
])
def test_group_trailer_problems_give_the_group_code(group: str, ak9: str) -> None:
    """GE problems give AK905 5 (count), 4 (control number), 3 (missing); AK902 is GE01."""
    assert _inner(_ack(_interchange(group)))[-1] == ak9


@pytest.mark.parametrize(("text", "note"), [
    (_interchange(_group(GOOD.format(ref="0001")), control="000000002"), "001"),
    (_interchange(_group(GOOD.format(ref="0001")), count=2), "021"),
    (ISA_401 + _group(GOOD.format(ref="0001")), "023"),
    (_interchange(GOOD.format(ref="0001") + "GE*1*1~"), "024"),
])
def test_interchange_problems_are_answered_by_ta1_alone(text: str, note: str) -> None:
    """IEA/GE envelope problems reject the interchange: TA1 R with its note, no group."""
    assert _lines(_ack(text)) == [
        ACK_ISA,
        f"TA1*000000001*250101*1200*R*{note}~",
        "IEA*0*000000007~",
    ]


def test_ta1_accepts_when_the_partner_asks_for_one() -> None:
    """ISA14 = 1 on a clean interchange: TA1 A 000 before the 997."""
    header = ISA_401.replace("*0*P*", "*1*P*")
    lines = _lines(_ack(_interchange(_group(GOOD.format(ref="0001")), header=header)))
    assert lines[:3] == [ACK_ISA, "TA1*000000001*250101*1200*A*000~", ACK_GS]
    assert "AK9*A*1*1*1~" in lines


def test_duplicate_interchange_control_number_is_rejected_in_ta1() -> None:
    """An ISA13 used twice in one file gets TA1 R 025 on the second interchange, whose
    groups are then not answered."""
    one = _interchange(_group(GOOD.format(ref="0001")))
    _, second = _plans(one + one)
    ack = x12.build(second, "997", OPTIONS)
    assert ack is not None
    lines = _lines(ack)
    assert lines[1] == "TA1*000000001*250101*1200*R*025~"
    assert not any(line.startswith("AK9") for line in lines)


def test_ta1_is_not_sent_unasked_for_a_clean_interchange() -> None:
    """No TA1 when ISA14 is 0 and the envelope is fine."""
    lines = _lines(_ack(_interchange(_group(GOOD.format(ref="0001")))))
    assert not any(line.startswith("TA1") for line in lines)


def test_impossible_interchange_date_is_noted_in_ta1() -> None:
    """ISA09 = 251399 is no date: TA1 R with note 014 (invalid interchange date)."""
    header = ISA_401.replace("*250101*", "*251399*")
    lines = _lines(_ack(_interchange(_group(GOOD.format(ref="0001")), header=header)))
    assert lines[1] == "TA1*000000001*251399*1200*R*014~"


# -- partner guides -------------------------------------------------------------------

GUIDE = """
guide: test
standard: x12
version: "005010"
message: "850"
segments:
  CUR: {usage: X}
elements:
  BEG/01: {codes: ["00"]}
  BEG/03: {pattern: "[0-9]+"}
  REF/02: {usage: M}
  REF/03: {usage: X}
"""
GUIDED = ("ST*850*0001~BEG*01*SA*PO1**20250101~CUR*BY*USD~REF*DP**XX~"
          "PO1*1*24*EA*12.50**UP*614141100019~SE*6*0001~")


def _guided(kind: str) -> list[str]:
    schemas = Schemas(load_directory, [guide_from_yaml(GUIDE, "test")])
    text = _interchange(_group(GUIDED, version="005010"), header=ISA_501)
    return _inner(_ack(text, kind, schemas=schemas))


def test_999_reports_guide_problems_with_implementation_codes() -> None:
    """Guide violations are 999 I codes (I4, I6, I9, I10, I12) and IK502 I5."""
    assert _guided("999") == [
        "AK1*PO*1*005010~",
        "AK2*850*0001~",
        "IK3*BEG*2**8~",
        "IK4*1*353*I6*01~",
        "IK4*3*324*I12*PO1~",
        "IK3*CUR*3**I4~",
        "IK3*REF*4**8~",
        "IK4*2*127*I9~",
        "IK4*3*352*I10*XX~",
        "IK5*R*I5~",
        "AK9*R*1*1*0~",
    ]


def test_997_reports_guide_problems_with_standard_codes() -> None:
    """The 997 has no I codes: the same violations use the nearest 004010 codes."""
    assert _guided("997") == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK3*BEG*2**8~",
        "AK4*1*353*7*01~",
        "AK4*3*324*6*PO1~",
        "AK3*CUR*3**2~",
        "AK3*REF*4**8~",
        "AK4*2*127*1~",
        "AK4*3*352*10*XX~",
        "AK5*R*5~",
        "AK9*R*1*1*0~",
    ]


# -- bugs -----------------------------------------------------------------------------


def test_invalid_segment_tag_is_not_reported_as_an_unsupported_set() -> None:
    """A malformed tag is a segment error (AK3 code 1); the set's AK5 says only 5."""
    bad = GOOD.format(ref="0001").replace("PO1*1", "B-G*1~PO1*1").replace("SE*4", "SE*5")
    body = _inner(_ack(_interchange(_group(bad))))
    assert "AK3*B-G*3**1~" in body
    assert body[-2] == "AK5*R*5~"


def test_no_segment_ends_with_an_empty_element() -> None:
    """No segment of a 997/999 ends with an empty element (AK4*3*324*1, not ...*1*)."""
    for kind in ("997", "999"):
        written = _written(_ack(_interchange(_group(BAD.format(ref="0001"))), kind))
        assert [line for line in written if line.endswith("*~")] == []


def test_999_for_an_004010_interchange_declares_a_repetition_separator() -> None:
    """In an 00501 ISA, ISA11 is the repetition separator: not a letter or digit."""
    isa11 = _lines(_ack(_interchange(_group(GOOD.format(ref="0001"))), "999"))[0].split("*")[11]
    assert not isa11.isalnum()


def test_duplicate_set_control_number_is_reported_on_the_duplicate() -> None:
    """The second set reusing ST02 in its group is rejected with AK5 R 23 (control number
    not unique); the first is accepted, the group partially."""
    one = GOOD.format(ref="0001")
    assert _inner(_ack(_interchange(_group(one, one)))) == [
        "AK1*PO*1~",
        "AK2*850*0001~",
        "AK5*A~",
        "AK2*850*0001~",
        "AK5*R*23~",
        "AK9*P*2*2*1~",
    ]


def test_duplicate_group_control_number_is_rejected_in_ak9() -> None:
    """A GS06 used twice in one interchange rejects the second group: AK9 R with AK905 6
    in a 997 (19, not unique within the interchange, in a 999)."""
    text = _interchange(_group(GOOD.format(ref="0001")), _group(GOOD.format(ref="0002")))
    lines = _lines(_ack(text))
    assert [line for line in lines if line.startswith("AK9")] == [
        "AK9*A*1*1*1~", "AK9*R*1*1*1*6~"]


# -- the acknowledgements are valid X12 ----------------------------------------------------

CASES = {
    "accepted": _interchange(_group(GOOD.format(ref="0001"))),
    "partial": _interchange(_group(GOOD.format(ref="0001"), BAD.format(ref="0002"))),
    "loops": _interchange(_group(LOOPED)),
    "group count": _interchange(_group(GOOD.format(ref="0001"), count=3)),
    "ta1": _interchange(_group(GOOD.format(ref="0001")), control="000000002"),
    "005010": _interchange(_group(GOOD.format(ref="0001").replace("BEG*00*", "BEG*00^01*"),
                                  version="005010"), header=ISA_501),
    "two groups": _interchange(_group(GOOD.format(ref="0001"), ref="1"),
                               _group(BAD.format(ref="0001"), ref="2")),
}


@pytest.mark.parametrize("kind", ["997", "999"])
@pytest.mark.parametrize("name", list(CASES))
def test_built_acknowledgements_are_valid_for_the_gateway(name: str, kind: str) -> None:
    """Every 997/999 built reads back with no issue under the gateway's own schemas."""
    ack = _ack(CASES[name], kind)
    report = inspect(write([ack]))
    assert report.issues == []
    assert report.edi is not None
    versions = {(m.type, m.version) for m in report.edi.messages()}
    if versions:
        expected = ("999", "005010") if kind == "999" else (
            "997", "005010" if "00501" in CASES[name][:106] else "004010")
        assert versions == {expected}


SAFE = string.ascii_uppercase + string.digits + " .-/#&,()"
VALUES = st.one_of(st.just(""), st.text(SAFE, min_size=1, max_size=12),
                   st.text(SAFE, min_size=95, max_size=130))
SAMPLES = {"004010": ROOT / "samples" / "x12" / "850_004010.x12",
           "005010": ROOT / "samples" / "x12" / "850_005010.x12"}


@pytest.mark.parametrize("kind", ["997", "999"])
@pytest.mark.parametrize("version", list(SAMPLES))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_element_corruption_gives_a_valid_acknowledgement(
        version: str, kind: str, data: st.DataObject) -> None:
    """Any one-element corruption of a sample gives a valid ack with matching counts."""
    original = read(SAMPLES[version].read_bytes())
    (ic,) = original.interchanges
    (message,) = ic.messages()
    index = data.draw(st.integers(0, len(message.segments) - 1), label="segment")
    seg = message.segments[index]
    element = data.draw(st.integers(1, len(seg.elements) + 1), label="element")
    value = data.draw(VALUES, label="value")
    if element > len(seg.elements):
        seg.elements.append([value])
    else:
        seg.elements[element - 1] = [value]
        if seg.repeats:
            seg.repeats.pop(element, None)
    report = _report(write([ic]).decode("latin-1"))
    result = report.edi
    assert result is not None
    (corrupt,) = result.interchanges
    plan = plan_interchange(corrupt, result.interchange_issues(corrupt), result.by_message)
    ack = x12.build(plan, kind, OPTIONS)
    assert ack is not None
    back = inspect(write([ack]))
    assert [i for i in back.issues if i.blocking] == []
    assert back.edi is not None
    reports = read_acks(back.edi.interchanges)
    (acked,) = [r for r in reports if r.kind == kind]
    assert [r.interchanges[0].status for r in reports if r.kind == "TA1"] in (
        [], [Status.ACCEPTED])  # the 005010 sample asks for a TA1
    (group,) = acked.groups
    (mplan,) = plan.messages()
    rejected = mplan.status is Status.REJECTED
    event(f"set {mplan.status}")
    assert (group.included, group.received, group.accepted) == (1, 1, 0 if rejected else 1)
    (answer,) = group.messages
    assert answer.status is mplan.status
    found = {(i.location.segment, str(i.location.position))
             for i in result.message_issues(next(corrupt.messages()))
             if i.location.position is not None and _acknowledged_below_set(i)}
    assert {(s.tag, s.position) for s in answer.segments} == found


def _acknowledged_below_set(issue: Issue) -> bool:
    codes = ack_codes(issue.code, issue.location.segment)
    return codes is not None and codes.level in (AckLevel.SEGMENT, AckLevel.ELEMENT)


# -- edi-gateway ack -------------------------------------------------------------------


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return str(path)


def _run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["ack", *argv])
    except SystemExit as exit_:
        assert isinstance(exit_.code, int)
        code = exit_.code
    out, err = capsysbinary.readouterr()
    return code, out.decode("latin-1"), err.decode()


def test_cli_answers_004010_with_997_and_005010_with_999(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """ack answers 00401 with a 997 and 00501 with a 999; --now and --control-number apply."""
    old = _file(tmp_path, "old.x12", _interchange(_group(GOOD.format(ref="0001"))))
    code, out, _ = _run(capsysbinary, old, "--now", "2025-03-04T05:06:00",
                        "--control-number", "12")
    assert code == EXIT_OK
    assert out == (ACK_ISA.replace("000000007", "000000012")
                   + "GS*FA*RECEIVER*SENDER*20250304*0506*12*X*004010~ST*997*0012~AK1*PO*1~"
                   "AK2*850*0001~AK5*A~AK9*A*1*1*1~SE*6*0012~GE*1*12~IEA*1*000000012~")
    new = _file(tmp_path, "new.x12", _interchange(_group(GOOD.format(ref="0001"),
                                                          version="005010"), header=ISA_501))
    code, out, _ = _run(capsysbinary, new, "--now", "2025-03-04T05:06:00")
    assert code == EXIT_OK
    assert "ST*999*0001*005010X231A1~" in out and "IK5*A~" in out


def test_cli_format_chooses_997_or_999(tmp_path: Path,
                                       capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """--format 997 or 999 overrides the version's default acknowledgement."""
    old = _file(tmp_path, "old.x12", _interchange(_group(GOOD.format(ref="0001"))))
    code, out, _ = _run(capsysbinary, old, "--format", "999", "--now", "2025-03-04T05:06:00")
    assert code == EXIT_OK and "ST*999*0001*005010X231A1~" in out
    new = _file(tmp_path, "new.x12", _interchange(_group(GOOD.format(ref="0001"),
                                                          version="005010"), header=ISA_501))
    code, out, _ = _run(capsysbinary, new, "--format", "997", "--now", "2025-03-04T05:06:00")
    assert code == EXIT_OK and "ST*997*0001~" in out and "*00501*" in out


def test_cli_prints_the_rejection_and_exits_1_for_invalid_input(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """An invalid file still gets its acknowledgement on stdout; the exit code is 1."""
    path = _file(tmp_path, "bad.x12", _interchange(_group(BAD.format(ref="0001"))))
    code, out, _ = _run(capsysbinary, path, "--now", "2025-03-04T05:06:00")
    assert code == EXIT_INVALID
    assert "AK3*BEG*2**8~" in out and "AK5*R*5~" in out and "AK9*R*1*1*0~" in out


def test_cli_numbers_each_interchange_on(tmp_path: Path,
                                         capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Two interchanges get two acknowledgements with consecutive control numbers."""
    one = _interchange(_group(GOOD.format(ref="0001")))
    two = _interchange(_group(GOOD.format(ref="0001")), header=isa(control="000000002"),
                       control="000000002")
    path = _file(tmp_path, "two.x12", one + two)
    code, out, _ = _run(capsysbinary, path, "--control-number", "5")
    assert code == EXIT_OK
    assert re.findall(r"ISA\*(?:[^*]*\*){12}(\d{9})", out) == ["000000005", "000000006"]
    assert re.findall(r"ST\*997\*(\d+)", out) == ["0005", "0006"]


def test_cli_refuses_contrl_for_x12(tmp_path: Path,
                                    capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """--format contrl on an X12 file is a usage error (exit 2) with a one-line message."""
    path = _file(tmp_path, "a.x12", _interchange(_group(GOOD.format(ref="0001"))))
    code, out, err = _run(capsysbinary, path, "--format", "contrl")
    assert code == EXIT_USAGE and out == ""
    assert err.strip() == "edi-gateway ack: an X12 file is acknowledged with 997 or 999, not CONTRL"


def test_cli_refuses_a_file_that_is_not_edi(tmp_path: Path,
                                            capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """A file that is neither X12 nor EDIFACT has nothing to acknowledge: exit 2."""
    path = _file(tmp_path, "notes.txt", "just some text\n")
    code, out, err = _run(capsysbinary, path)
    assert code == EXIT_USAGE and out == ""
    assert "nothing to acknowledge" in err


def test_cli_without_isa_has_nothing_to_answer(tmp_path: Path,
                                               capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Bare X12 sets (no ISA) get no acknowledgement: a message and exit 1."""
    path = _file(tmp_path, "bare.x12", _group(GOOD.format(ref="0001")))
    code, out, err = _run(capsysbinary, path)
    assert code == EXIT_INVALID and out == ""
    assert "has no readable header to answer" in err


def test_cli_applies_partner_guides(tmp_path: Path,
                                    capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """--guide validates against the partner's guide, so the 999 carries its I codes."""
    guide = tmp_path / "guide.yaml"
    guide.write_text(GUIDE, "utf-8")
    path = _file(tmp_path, "g.x12", _interchange(_group(GUIDED, version="005010"),
                                                 header=ISA_501))
    code, out, _ = _run(capsysbinary, path, "--guide", str(guide))
    assert code == EXIT_INVALID
    assert "IK3*CUR*3**I4~" in out and "IK5*R*I5~" in out
