"""EDIFACT CONTRL: UCI for the interchange, UCF per group, UCM per message, UCS and
UCD for the segments and elements in error; its envelope; and ``edi-gateway ack`` for
EDIFACT files.

Action codes are those of 0083: 7 (this level acknowledged, and lower levels unless
reported), 4 (this level and all lower levels rejected); 8 (interchange received,
not yet checked) is never sent by a gateway that has checked the interchange.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gateway.cli.main import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from gateway.edi.ack import edifact
from gateway.edi.ack.codes import AckLevel, ack_codes
from gateway.edi.ack.plan import AckOptions, InterchangePlan, Status, plan_interchange
from gateway.edi.ack.reading import read_acks
from gateway.edi.delimiters import Delimiters
from gateway.edi.issues import Issue
from gateway.edi.reader import read
from gateway.edi.report import inspect
from gateway.edi.tree import Interchange
from gateway.edi.writer import write, write_interchange

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
OPTIONS = AckOptions(now=NOW, interchange_control=7, group_control=8, set_control=9)

UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+250101:1200+REF1'"
UNB4 = "UNB+UNOC:4+SENDER:14+RECEIVER:14+20250101:1200+REF1'"
ORDERS = ("UNH+{ref}+ORDERS:D:96A:UN{subset}'"  # 1
          "BGM+220+PO1+9'"  # 2
          "DTM+137:20250101:102'"  # 3
          "NAD+BY+5412345000013::9'"  # 4
          "LIN+1++4000862141404:SRS'"  # 5
          "QTY+21:10'"  # 6
          "UNS+S'"  # 7
          "UNT+8+{ref}'")

# The CONTRL envelope for OPTIONS answering UNB: parties swapped, clock, control numbers.
ACK_UNB = "UNB+UNOC:3+RECEIVER:14+SENDER:14+250304:0506+7'"
ACK_UNH = "UNH+9+CONTRL:D:3:UN'"
ACK_UCI = "UCI+REF1+SENDER:14+RECEIVER:14+7'"


def _order(ref: str = "1", subset: str = "") -> str:
    return ORDERS.format(ref=ref, subset=subset)


def _interchange(*messages: str, header: str = UNB, count: int | None = None,
                 ref: str = "REF1") -> str:
    return header + "".join(messages) + f"UNZ+{len(messages) if count is None else count}+{ref}'"


def _plans(text: str) -> list[InterchangePlan]:
    report = inspect(text.encode("latin-1"))
    assert report.edi is not None
    result = report.edi
    return [plan_interchange(ic, result.interchange_issues(ic), result.by_message)
            for ic in result.interchanges]


def _contrl(text: str, options: AckOptions = OPTIONS, n: int = 0) -> Interchange:
    plan = _plans(text)[n]
    ack = edifact.build(plan, options)
    assert ack is not None
    return ack


def _lines(ack: Interchange) -> list[str]:
    return write_interchange(ack, line_ending="\n").splitlines()


def _body(ack: Interchange) -> list[str]:
    """The CONTRL's segments between UNH and UNT."""
    lines = _lines(ack)
    start = next(i for i, line in enumerate(lines) if line.startswith("UNH+"))
    end = next(i for i, line in enumerate(lines) if line.startswith("UNT+"))
    return lines[start + 1:end]


# -- envelope -----------------------------------------------------------------------


def test_contrl_envelope_swaps_parties_and_takes_clock_and_references() -> None:
    """CONTRL envelope: syntax kept, parties swapped, clock, given references, D:3."""
    assert _lines(_contrl(_interchange(_order()))) == [
        ACK_UNB,
        ACK_UNH,
        ACK_UCI,
        "UCM+1+ORDERS:D:96A:UN+7'",
        "UNT+4+9'",
        "UNZ+1+7'",
    ]


def test_syntax_4_contrl_is_version_4_release_1_with_a_long_date() -> None:
    """For syntax version 4 the CONTRL is 4:1 and the UNB date has the century."""
    lines = _lines(_contrl(_interchange(_order(), header=UNB4)))
    assert lines[:3] == ["UNB+UNOC:4+RECEIVER:14+SENDER:14+20250304:0506+7'",
                         "UNH+9+CONTRL:4:1:UN'", ACK_UCI]


def test_eancom_messages_get_an_eancom_contrl() -> None:
    """EANCOM messages get a CONTRL with EAN002; UCM copies the full identifier."""
    lines = _lines(_contrl(_interchange(_order(subset=":EAN008"))))
    assert lines[1] == "UNH+9+CONTRL:D:3:UN:EAN002'"
    assert lines[3] == "UCM+1+ORDERS:D:96A:UN:EAN008+7'"


def test_service_string_advice_is_kept() -> None:
    """An inbound UNA is repeated when the CONTRL uses the inbound delimiters."""
    lines = _lines(_contrl("UNA:+.? '" + _interchange(_order())))
    assert lines[:2] == ["UNA:+.? '", ACK_UNB]


def test_other_delimiters_are_announced_by_una() -> None:
    """Delimiters given in the options are used and announced in a UNA."""
    d = Delimiters(segment="~", element="*", component="^", release="!")
    ack = _contrl(_interchange(_order()), AckOptions(now=NOW, delimiters=d))
    text = write_interchange(ack)
    assert text.startswith("UNA^*.! ~UNB*UNOC^3*RECEIVER^14*SENDER^14*250304^0506*1~")
    assert "UCI*REF1*SENDER^14*RECEIVER^14*7~" in text


def test_messages_without_interchange_get_no_contrl() -> None:
    """Bare messages (no UNB) have no interchange to answer: build returns None."""
    (plan,) = _plans(_order())
    assert edifact.build(plan, OPTIONS) is None


# -- UCI ------------------------------------------------------------------------------


def test_uci_names_the_original_interchange_as_sent() -> None:
    """UCI repeats the original reference, sender and recipient unswapped."""
    header = "UNB+UNOC:3+SENDER:14:BACK+RECEIVER:ZZ:TO+250101:1200+ICREF42'"
    ack = _contrl(_interchange(_order(), header=header, ref="ICREF42"))
    assert _lines(ack)[0] == "UNB+UNOC:3+RECEIVER:ZZ:TO+SENDER:14:BACK+250304:0506+7'"
    assert _body(ack)[0] == "UCI+ICREF42+SENDER:14:BACK+RECEIVER:ZZ:TO+7'"


@pytest.mark.parametrize(("text", "uci"), [
    (UNB + _order() + "UNZ+1+REF2'",
     "UCI+REF1+SENDER:14+RECEIVER:14+4+28+UNZ+2'"),  # references do not match
    (_interchange(_order(), count=3), "UCI+REF1+SENDER:14+RECEIVER:14+4+29+UNZ+1'"),  # count
    (UNB + _order(), "UCI+REF1+SENDER:14+RECEIVER:14+4+13+UNZ'"),  # UNZ missing
])
def test_interchange_problems_reject_in_uci_alone(text: str, uci: str) -> None:
    """A UNZ problem is UCI action 4 with code, segment and element; no UCM follows."""
    assert _body(_contrl(text)) == [uci]


def test_duplicate_interchange_reference_in_one_file_rejects_the_second() -> None:
    """A UNB reference used twice in one file is UCI action 4 with 26 on the second."""
    one = _interchange(_order())
    assert _body(_contrl(one + one, n=1)) == [
        "UCI+REF1+SENDER:14+RECEIVER:14+4+26+UNB'",
    ]


# -- UCM, UCS, UCD ----------------------------------------------------------------------


@pytest.mark.parametrize(("change", "ucm"), [
    (("UNT+8+1", "UNT+9+1"), "UCM+1+ORDERS:D:96A:UN+4+29+UNT+1'"),
    (("UNT+8+1", "UNT+8+2"), "UCM+1+ORDERS:D:96A:UN+4+28+UNT+2'"),
    (("UNT+8+1'", ""), "UCM+1+ORDERS:D:96A:UN+4+13+UNT'"),
])
def test_message_trailer_problems_reject_in_ucm(change: tuple[str, str], ucm: str) -> None:
    """UNT problems are UCM action 4 with 29, 28 or 13, UNT and the element."""
    assert _body(_contrl(_interchange(_order().replace(*change)))) == [ACK_UCI, ucm]


def test_element_errors_give_ucs_with_position_and_ucd_with_element_and_component() -> None:
    """UCS counts from UNH as 1; UCD gives 0085 and element:component."""
    bad = _order().replace("DTM+137:20250101:102", "DTM+137:20251301:102").replace(
        "QTY+21:10", "QTY+21:1X")
    assert _body(_contrl(_interchange(bad))) == [
        ACK_UCI,
        "UCM+1+ORDERS:D:96A:UN+4'",
        "UCS+3'",
        "UCD+12+1:2'",
        "UCS+6'",
        "UCD+37+1:2'",
    ]


def test_segment_errors_give_ucs_with_their_code() -> None:
    """Segment errors are UCS codes (12 unknown, 13 missing); simple elements no component."""
    bad = _order().replace("BGM+220+PO1+9", "BGM+220+PO1+99").replace(
        "DTM+137:20250101:102'", "ZZZ+1'")
    assert _body(_contrl(_interchange(bad))) == [
        ACK_UCI,
        "UCM+1+ORDERS:D:96A:UN+4'",
        "UCS+2'",
        "UCD+12+3'",
        "UCS+3+12'",
        "UCS+4+13'",
    ]


def test_each_message_has_its_own_ucm_and_action() -> None:
    """Each message gets a UCM with its own action, 7 or 4; a document name code
    too long for 1001 is not one of its codes either (39 and 12)."""
    bad = _order("2").replace("BGM+220", "BGM+2200000")
    assert _body(_contrl(_interchange(_order(), bad))) == [
        ACK_UCI,
        "UCM+1+ORDERS:D:96A:UN+7'",
        "UCM+2+ORDERS:D:96A:UN+4'",
        "UCS+2'",
        "UCD+39+1:1'",
        "UCD+12+1:1'",
    ]


def test_groups_get_ucf_with_their_action() -> None:
    """A UNG group gets UCF with its application parties and action, 4 with 29 on UNE."""
    ung = "UNG+ORDERS+APPSEND:14+APPRECV:14+250101:1200+G1+UN+D:96A'"
    fine = _interchange(ung + _order() + "UNE+1+G1'")
    assert _body(_contrl(fine)) == [
        ACK_UCI, "UCF+G1+APPSEND:14+APPRECV:14+7'", "UCM+1+ORDERS:D:96A:UN+7'"]
    counted = _interchange(ung + _order() + "UNE+2+G1'")
    assert _body(_contrl(counted))[1] == "UCF+G1+APPSEND:14+APPRECV:14+4+29+UNE+1'"


def test_duplicate_message_reference_is_reported_on_the_duplicate() -> None:
    """The second message reusing UNH 0062 in its interchange is rejected: UCM action 4
    with 26 (duplicate detected) and UNH; the first is acknowledged."""
    assert _body(_contrl(_interchange(_order(), _order()))) == [
        ACK_UCI,
        "UCM+1+ORDERS:D:96A:UN+7'",
        "UCM+1+ORDERS:D:96A:UN+4+26+UNH'",
    ]


def test_duplicate_group_reference_is_reported_on_the_duplicate_group() -> None:
    """The second UNG reusing 0048 in its interchange is rejected: UCF action 4 with 26
    and UNG; its message reuses UNH 0062 in the interchange too and is rejected."""
    group = "UNG+ORDERS+A:14+B:14+250101:1200+G1+UN+D:96A'" + _order() + "UNE+1+G1'"
    assert _body(_contrl(_interchange(group, group, count=2))) == [
        ACK_UCI,
        "UCF+G1+A:14+B:14+7'",
        "UCM+1+ORDERS:D:96A:UN+7'",
        "UCF+G1+A:14+B:14+4+26+UNG'",
        "UCM+1+ORDERS:D:96A:UN+4+26+UNH'",
    ]


# -- the CONTRLs are valid -------------------------------------------------------------

CASES = {
    "accepted": _interchange(_order()),
    "rejected": _interchange(_order(), count=2),
    "elements": _interchange(_order().replace("QTY+21:10", "QTY+21:1X")),
    "segments": _interchange(_order().replace("DTM+137:20250101:102'", "ZZZ+1'")),
    "trailer": _interchange(_order().replace("UNT+8", "UNT+9")),
    "eancom": _interchange(_order(subset=":EAN008"), _order("2", ":EAN008")),
    "group": _interchange("UNG+ORDERS+A:14+B:14+250101:1200+G1+UN+D:96A'" + _order()
                          + "UNE+3+G1'"),
    "syntax 4": _interchange(_order().replace("BGM+220", "BGM+2200000"), header=UNB4),
}


@pytest.mark.parametrize("name", list(CASES))
def test_built_contrls_are_valid_for_the_gateway(name: str) -> None:
    """Every CONTRL built reads back with no issue (D:3 under the syntax 3 service
    directory, 4:1 under the syntax 4 one)."""
    report = inspect(write([_contrl(CASES[name])]))
    assert report.issues == []
    assert report.edi is not None
    (message,) = report.edi.messages()
    placed = report.edi.placed[id(message)]
    assert placed.version == ("syntax4" if name == "syntax 4" else "syntax3")


ANY_TEXT = string.ascii_letters + string.digits + " .,-/()+:'?*"
VALUES = st.one_of(st.just(""), st.text(ANY_TEXT, min_size=1, max_size=12),
                   st.text(string.ascii_uppercase, min_size=36, max_size=80))
SAMPLES = {"D96A": ROOT / "samples" / "edifact" / "ORDERS_D96A.edi",
           "D01B": ROOT / "samples" / "edifact" / "ORDERS_D01B.edi"}


@pytest.mark.parametrize("version", list(SAMPLES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_value_corruption_gives_a_valid_contrl(version: str,
                                                          data: st.DataObject) -> None:
    """Any one-value corruption of a sample gives a valid CONTRL naming its errors."""
    (ic,) = read(SAMPLES[version].read_bytes()).interchanges
    (message,) = ic.messages()
    seg = message.segments[data.draw(st.integers(0, len(message.segments) - 1),
                                     label="segment")]
    element = data.draw(st.integers(1, len(seg.elements) + 1), label="element")
    value = data.draw(VALUES, label="value")
    if element > len(seg.elements):
        seg.elements.append([value])
    else:
        comps = seg.elements[element - 1]
        component = data.draw(st.integers(0, len(comps)), label="component")
        if component == 0:
            seg.elements[element - 1] = [value]
        else:
            comps[component - 1] = value
    report = inspect(write([ic]))
    result = report.edi
    assert result is not None
    (corrupt,) = result.interchanges
    plan = plan_interchange(corrupt, result.interchange_issues(corrupt), result.by_message)
    ack = edifact.build(plan, OPTIONS)
    assert ack is not None
    back = inspect(write([ack]))
    assert [i for i in back.issues if i.blocking] == []
    assert back.edi is not None
    (acked,) = read_acks(back.edi.interchanges)
    (interchange,) = acked.interchanges
    assert interchange.status is Status.ACCEPTED
    (answer,) = acked.messages
    (mplan,) = plan.messages()
    rejected = mplan.status is Status.REJECTED
    event(f"message {mplan.status}")
    assert answer.status is (Status.REJECTED if rejected else Status.ACCEPTED)
    found = {str(i.location.position)
             for i in result.message_issues(next(corrupt.messages()))
             if i.location.position is not None and _acknowledged_below_message(i)}
    assert {s.position for s in answer.segments} == found


def _acknowledged_below_message(issue: Issue) -> bool:
    codes = ack_codes(issue.code, issue.location.segment)
    return (codes is not None and codes.contrl is not None
            and codes.level in (AckLevel.SEGMENT, AckLevel.ELEMENT))


# -- edi-gateway ack -------------------------------------------------------------------


def _run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["ack", *argv])
    except SystemExit as exit_:
        assert isinstance(exit_.code, int)
        code = exit_.code
    out, err = capsysbinary.readouterr()
    return code, out.decode("latin-1"), err.decode()


def test_cli_answers_edifact_with_contrl(tmp_path: Path,
                                         capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """ack answers EDIFACT with CONTRL; --now and --control-number apply; exit 0."""
    path = tmp_path / "orders.edi"
    path.write_text(_interchange(_order()), "latin-1")
    code, out, _ = _run(capsysbinary, str(path), "--now", "2025-03-04T05:06:00",
                        "--control-number", "3")
    assert code == EXIT_OK
    assert out == ("UNB+UNOC:3+RECEIVER:14+SENDER:14+250304:0506+3'UNH+3+CONTRL:D:3:UN'"
                   + ACK_UCI + "UCM+1+ORDERS:D:96A:UN+7'UNT+4+3'UNZ+1+3'")


def test_cli_contrl_for_an_invalid_file_exits_1(tmp_path: Path,
                                                capsysbinary: pytest.CaptureFixture[bytes]
                                                ) -> None:
    """A rejected message is still acknowledged on stdout; the exit code is 1."""
    path = tmp_path / "bad.edi"
    path.write_text(_interchange(_order().replace("UNT+8", "UNT+9")), "latin-1")
    code, out, _ = _run(capsysbinary, str(path), "--format", "contrl")
    assert code == EXIT_INVALID
    assert "UCM+1+ORDERS:D:96A:UN+4+29+UNT+1'" in out


@pytest.mark.parametrize("kind", ["997", "999"])
def test_cli_refuses_x12_acknowledgements_for_edifact(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], kind: str) -> None:
    """--format 997 or 999 on an EDIFACT file is a usage error (exit 2)."""
    path = tmp_path / "orders.edi"
    path.write_text(_interchange(_order()), "latin-1")
    code, out, err = _run(capsysbinary, str(path), "--format", kind)
    assert code == EXIT_USAGE and out == ""
    assert err.strip() == ("edi-gateway ack: an EDIFACT file is acknowledged with CONTRL, "
                           f"not {kind}")
