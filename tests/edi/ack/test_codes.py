"""The code table: every issue that reaches an acknowledgement is given a code that
the acknowledgement's own code list holds, at the level that list belongs to.

The code lists are the gateway's standards data (gateway/edi/schema/data): X12
716/718/720/723 (997, 004010), 716/618/620/621 (999, 005010), 715/717 (statuses)
and EDIFACT 0085/0083 (CONTRL of syntax versions 3 and 4).
"""

from __future__ import annotations

import functools

import pytest

from gateway.edi.ack import edifact, x12
from gateway.edi.ack.codes import (
    ENVELOPE,
    TABLE,
    X12_IMPLEMENTATION_SEGMENTS_IN_ERROR,
    X12_SEGMENTS_IN_ERROR,
    AckCodes,
    AckLevel,
    ack_codes,
)
from gateway.edi.ack.meaning import TA1_NOTES
from gateway.edi.issues import Code, Level, Severity
from gateway.edi.schema.loader import load_directory

X12_TAGS = {"ISA", "IEA", "GS", "GE", "ST", "SE"}
EDIFACT_TAGS = {"UNB", "UNZ", "UNG", "UNE", "UNH", "UNT"}


@functools.cache
def _codes(standard: str, version: str, element: str) -> frozenset[str]:
    directory = load_directory(standard, version)
    assert directory is not None, f"no {standard} {version} directory"
    found = directory.elements[element].codes
    assert found, f"{standard} {version} has no code list for {element}"
    return frozenset(found)


# Which data element carries a code, by the level the table files it at.
X997_LISTS = {AckLevel.GROUP: "716", AckLevel.MESSAGE: "718", AckLevel.SEGMENT: "720",
              AckLevel.ELEMENT: "723"}
X999_LISTS = {AckLevel.GROUP: "716", AckLevel.MESSAGE: "618", AckLevel.SEGMENT: "620",
              AckLevel.ELEMENT: "621"}

ENTRIES: list[tuple[str, AckCodes]] = [
    *((f"{code.name}/{tag}", codes) for (code, tag), codes in ENVELOPE.items()),
    *((code.name, codes) for code, codes in TABLE.items()),
]


def test_997_codes_are_in_the_004010_list_of_their_level() -> None:
    """A 997 code is in the 004010 list its level fills (716, 718, 720, 723)."""
    wrong = [(name, c.level, c.x997) for name, c in ENTRIES if c.x997 is not None and (
        c.level not in X997_LISTS or c.x997 not in _codes("x12", "004010", X997_LISTS[c.level]))]
    assert wrong == []


def test_999_codes_are_in_the_005010_list_of_their_level() -> None:
    """A 999 code is in the 005010 list its level fills (716, 618, 620, 621)."""
    wrong = [(name, c.level, c.x999) for name, c in ENTRIES if c.x999 is not None and (
        c.level not in X999_LISTS or c.x999 not in _codes("x12", "005010", X999_LISTS[c.level]))]
    assert wrong == []


@pytest.mark.parametrize("version", ["syntax3", "syntax4"])
def test_contrl_codes_are_0085_syntax_errors(version: str) -> None:
    """A CONTRL code is a value of 0085 (syntax error, coded) in both syntax versions'
    service directories."""
    valid = _codes("edifact", version, "0085")
    wrong = [(name, c.contrl) for name, c in ENTRIES if c.contrl is not None
             and c.contrl not in valid]
    assert wrong == []


def test_ta1_codes_are_interchange_note_codes() -> None:
    """A TA1 note (TA105) is a known three-digit note code other than 000 (no error)."""
    wrong = [(name, c.ta1) for name, c in ENTRIES if c.ta1 is not None and (
        len(c.ta1) != 3 or not c.ta1.isdigit() or c.ta1 == "000" or c.ta1 not in TA1_NOTES)]
    assert wrong == []


def test_codes_exist_only_where_their_level_has_a_segment() -> None:
    """Interchange problems go only in TA1/UCI; lower levels never in TA1."""
    wrong = [name for name, c in ENTRIES
             if (c.level is AckLevel.INTERCHANGE and (c.x997 or c.x999))
             or (c.level is not AckLevel.INTERCHANGE and c.ta1)]
    assert wrong == []


@pytest.mark.parametrize(("key", "codes"), list(ENVELOPE.items()),
                         ids=[f"{c.name}/{t}" for c, t in ENVELOPE])
def test_envelope_codes_belong_to_their_standard(key: tuple[Code, str], codes: AckCodes) -> None:
    """An X12 envelope tag has only X12 codes, an EDIFACT one only CONTRL codes."""
    _, tag = key
    assert tag in X12_TAGS | EDIFACT_TAGS
    if tag in X12_TAGS:
        assert codes.contrl is None
        assert (codes.ta1, codes.x997, codes.x999) != (None, None, None)
    else:
        assert (codes.ta1, codes.x997, codes.x999) == (None, None, None)
        assert codes.contrl is not None


@pytest.mark.parametrize(("code", "tag", "field", "expected"), [
    (Code.REFERENCE_MISMATCH, "IEA", "ta1", "001"),  # control numbers do not match
    (Code.COUNT_MISMATCH, "IEA", "ta1", "021"),  # invalid number of included groups
    (Code.MISSING_TRAILER, "IEA", "ta1", "023"),  # improper (premature) end-of-file
    (Code.DUPLICATE_REFERENCE, "ISA", "ta1", "025"),  # duplicate interchange control number
    (Code.MISSING_TRAILER, "GE", "x997", "3"),  # functional group trailer missing
    (Code.REFERENCE_MISMATCH, "GE", "x997", "4"),  # GS06 and GE02 do not agree
    (Code.COUNT_MISMATCH, "GE", "x997", "5"),  # included sets do not match actual count
    (Code.MISSING_TRAILER, "SE", "x997", "2"),  # transaction set trailer missing
    (Code.REFERENCE_MISMATCH, "SE", "x997", "3"),  # ST02 and SE02 do not match
    (Code.COUNT_MISMATCH, "SE", "x997", "4"),  # included segments do not match
    (Code.DUPLICATE_REFERENCE, "ST", "x997", "23"),  # ST02 not unique in the group
    (Code.REFERENCE_MISMATCH, "UNZ", "contrl", "28"),  # references do not match
    (Code.COUNT_MISMATCH, "UNT", "contrl", "29"),  # control count does not match
    (Code.DUPLICATE_REFERENCE, "UNB", "contrl", "26"),  # duplicate detected
    (Code.MISSING_TRAILER, "UNT", "contrl", "13"),  # missing
])
def test_envelope_problem_gets_the_code_the_standard_assigns(
        code: Code, tag: str, field: str, expected: str) -> None:
    """Envelope problems map to the code the standard names for that exact problem."""
    found = ack_codes(code, tag)
    assert found is not None
    assert getattr(found, field) == expected


@pytest.mark.parametrize(("code", "x997", "x999", "contrl"), [
    (Code.MISSING_ELEMENT, "1", "1", "13"),
    (Code.CONDITIONAL_MISSING, "2", "2", "13"),
    (Code.TOO_SHORT, "4", "4", "40"),
    (Code.TOO_LONG, "5", "5", "39"),
    (Code.INVALID_CHARACTER, "6", "6", "37"),
    (Code.INVALID_CODE, "7", "7", "12"),
    (Code.INVALID_DATE, "8", "8", "12"),
    (Code.INVALID_TIME, "9", "9", "12"),
    (Code.TOO_MANY_REPETITIONS, "12", "12", "35"),
    (Code.TOO_MANY_COMPONENTS, "13", "13", "16"),
    (Code.CODE_NOT_USED, "7", "I6", "14"),
    (Code.GUIDE_ELEMENT_MISSING, "1", "I9", "13"),
    (Code.ELEMENT_NOT_USED, "10", "I10", "15"),
    (Code.PATTERN_MISMATCH, "6", "I12", "12"),
])
def test_element_problems_get_the_standard_element_codes(
        code: Code, x997: str, x999: str, contrl: str) -> None:
    """Element problems get AK403/IK403/0085 codes of their meaning; guide ones I codes."""
    found = ack_codes(code, "BEG")
    assert found is not None and found.level is AckLevel.ELEMENT
    assert (found.x997, found.x999, found.contrl) == (x997, x999, contrl)


@pytest.mark.parametrize(("code", "x997", "x999", "contrl"), [
    (Code.UNRECOGNIZED_SEGMENT, "1", "1", "12"),
    (Code.SEGMENT_NOT_IN_MESSAGE, "6", "6", "15"),
    (Code.SEGMENT_OUT_OF_ORDER, "7", "7", "15"),
    (Code.MISSING_SEGMENT, "3", "3", "13"),
    (Code.SEGMENT_TOO_OFTEN, "5", "5", "35"),
    (Code.GROUP_TOO_OFTEN, "4", "4", "36"),
    (Code.SEGMENT_NOT_USED, "2", "I4", "15"),
    (Code.GUIDE_SEGMENT_MISSING, "3", "I6", "13"),
])
def test_segment_problems_get_the_standard_segment_codes(
        code: Code, x997: str, x999: str, contrl: str) -> None:
    """Segment problems map to AK304/IK304 and 0085 codes of the same meaning."""
    found = ack_codes(code, "N1")
    assert found is not None and found.level is AckLevel.SEGMENT
    assert (found.x997, found.x999, found.contrl) == (x997, x999, contrl)


def test_codes_not_about_an_envelope_fall_back_to_the_general_table() -> None:
    """A code without an envelope entry maps the same whatever segment it is about."""
    assert ack_codes(Code.INVALID_DATE, "BEG") is TABLE[Code.INVALID_DATE]
    assert ack_codes(Code.INVALID_DATE, None) is TABLE[Code.INVALID_DATE]
    assert ack_codes(Code.REFERENCE_MISMATCH, "BEG") is None
    assert ack_codes(Code.REFERENCE_MISMATCH, None) is None


@pytest.mark.parametrize("code", [Code.UNKNOWN_CODE, Code.WRAPPED_SEGMENT, Code.NEEDLESS_RELEASE,
                                  Code.UNKNOWN_MESSAGE, Code.CHARSET_MISMATCH,
                                  Code.NO_MAPPING, Code.MAPPING_INVALID])
def test_information_and_business_codes_are_not_acknowledged(code: Code) -> None:
    """Non-syntax warnings and mapping problems have no acknowledgement code."""
    assert ack_codes(code, "BEG") is None
    assert ack_codes(code, None) is None


# Codes that can never be acknowledged: no interchange to answer (file-level), or
# not EDI syntax at all. Everything else that blocks must have an entry.
NOT_IN_AN_INTERCHANGE = {Code.UNKNOWN_FORMAT, Code.EMPTY_INPUT, Code.STRAY_DATA,
                         Code.BARE_MESSAGE, Code.UNTERMINATED}


def test_every_blocking_syntax_code_has_an_acknowledgement() -> None:
    """Every blocking syntax, envelope or schema code in an interchange has an entry."""
    blocking = [c for c in Code if c.level <= Level.SCHEMA and not c.name.startswith("XML_")
                and c not in NOT_IN_AN_INTERCHANGE
                and c.severity in (Severity.ERROR, Severity.FATAL)]
    enveloped = {c for c, _ in ENVELOPE}
    assert [c for c in blocking if c not in TABLE and c not in enveloped
            and ack_codes(c, "ISA", 1) is None] == []


def test_each_isa_field_has_its_ta1_note_code() -> None:
    """A bad ISA field is answered with the TA105 code naming that field."""
    found = {n: ack_codes(Code.BAD_HEADER_FIELD, "ISA", n) for n in (5, 6, 12, 13, 16, None)}
    assert {n: codes.ta1 for n, codes in found.items() if codes is not None} == {
        5: "005", 6: "006", 12: "017", 13: "018", 16: "027", None: "026"}


def test_envelope_codes_cover_every_envelope_of_both_standards() -> None:
    """Reference, count and trailer problems have an entry for every trailer tag."""
    for code in (Code.REFERENCE_MISMATCH, Code.COUNT_MISMATCH, Code.BAD_ENVELOPE_VALUE,
                 Code.MISSING_TRAILER):
        for tag in ("IEA", "GE", "SE", "UNZ", "UNE", "UNT"):
            assert (code, tag) in ENVELOPE, (code, tag)
    for tag in ("ISA", "GS", "ST", "UNB", "UNG", "UNH"):
        assert (Code.DUPLICATE_REFERENCE, tag) in ENVELOPE


def test_segments_in_error_codes_are_set_level_codes() -> None:
    """The AK502/IK502 code for 'segments in error' is in 718 (997) and 618 (999)."""
    assert X12_SEGMENTS_IN_ERROR in _codes("x12", "004010", "718")
    assert X12_SEGMENTS_IN_ERROR in _codes("x12", "005010", "618")
    assert X12_IMPLEMENTATION_SEGMENTS_IN_ERROR in _codes("x12", "005010", "618")
    assert X12_IMPLEMENTATION_SEGMENTS_IN_ERROR not in _codes("x12", "004010", "718")


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_x12_statuses_are_in_the_status_lists(version: str) -> None:
    """Status letters are 715 codes (AK901); set statuses are 717 codes, without P."""
    statuses = set(x12._X12_STATUS.values())
    assert statuses <= _codes("x12", version, "715")
    assert statuses - {"P"} <= _codes("x12", version, "717")
    assert "P" not in _codes("x12", version, "717")


@pytest.mark.parametrize("version", ["syntax3", "syntax4"])
def test_contrl_actions_are_0083_codes(version: str) -> None:
    """CONTRL writes 0083 actions: 7 (acknowledged) and 4 (rejected)."""
    assert (edifact.ACKNOWLEDGED, edifact.REJECTED) == ("7", "4")
    assert {edifact.ACKNOWLEDGED, edifact.REJECTED} <= _codes("edifact", version, "0083")


def test_duplicate_group_control_number_in_a_999_is_code_19() -> None:
    """005010 has a code for a group control number that is not unique: 716 code 19."""
    assert "19" in _codes("x12", "005010", "716")
    found = ack_codes(Code.DUPLICATE_REFERENCE, "GS")
    assert found is not None and found.x999 == "19"
