"""One table from issue codes to the error codes acknowledgements carry.

For each :class:`~gateway.edi.issues.Code` the level it is reported at
(interchange, group, message, segment or element) and its code in each
acknowledgement: X12 TA1 note (TA105), 997 AK905/AK502/AK304/AK403, 999
AK905/IK502/IK304/IK403, and EDIFACT CONTRL syntax error (0085). Codes with
no entry are not reported in acknowledgements (information and warnings that
do not concern the partner's syntax). The builders read this table and
nothing else; changing how an issue is acknowledged is an edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gateway.edi.issues import Code


class AckLevel(StrEnum):
    INTERCHANGE = "interchange"
    GROUP = "group"
    MESSAGE = "message"
    SEGMENT = "segment"
    ELEMENT = "element"


@dataclass(frozen=True, slots=True)
class AckCodes:
    level: AckLevel
    ta1: str | None = None  # TA105 interchange note code
    x997: str | None = None  # AK905 / AK502 / AK304 / AK403 by level
    x999: str | None = None  # AK905 / IK502 / IK304 / IK403 by level
    contrl: str | None = None  # 0085 syntax error, coded


# Short names keep the table readable, one line per code.
IC, G, M, S, E = (AckLevel.INTERCHANGE, AckLevel.GROUP, AckLevel.MESSAGE, AckLevel.SEGMENT,
                  AckLevel.ELEMENT)

# Envelope codes depend on which envelope they are about; the key adds the
# trailer or header tag. Other codes are the same wherever they occur.
ENVELOPE: dict[tuple[Code, str], AckCodes] = {
    # interchange: ISA/IEA, UNB/UNZ
    (Code.REFERENCE_MISMATCH, "IEA"): AckCodes(IC, ta1="001"),
    (Code.COUNT_MISMATCH, "IEA"): AckCodes(IC, ta1="021"),
    (Code.BAD_ENVELOPE_VALUE, "IEA"): AckCodes(IC, ta1="021"),
    (Code.MISSING_TRAILER, "IEA"): AckCodes(IC, ta1="023"),
    (Code.MISSING_HEADER, "IEA"): AckCodes(IC, ta1="022"),
    (Code.DUPLICATE_REFERENCE, "ISA"): AckCodes(IC, ta1="025"),
    (Code.BAD_INTERCHANGE_DATE, "ISA"): AckCodes(IC, ta1="014"),
    (Code.BAD_INTERCHANGE_TIME, "ISA"): AckCodes(IC, ta1="015"),
    (Code.BAD_ACK_REQUEST, "ISA"): AckCodes(IC, ta1="019"),
    (Code.BAD_USAGE_INDICATOR, "ISA"): AckCodes(IC, ta1="020"),
    (Code.BAD_INTERCHANGE_DATE, "UNB"): AckCodes(IC, contrl="12"),
    (Code.BAD_INTERCHANGE_TIME, "UNB"): AckCodes(IC, contrl="12"),
    (Code.REFERENCE_MISMATCH, "UNZ"): AckCodes(IC, contrl="28"),
    (Code.COUNT_MISMATCH, "UNZ"): AckCodes(IC, contrl="29"),
    (Code.BAD_ENVELOPE_VALUE, "UNZ"): AckCodes(IC, contrl="29"),
    (Code.MISSING_TRAILER, "UNZ"): AckCodes(IC, contrl="13"),
    (Code.MISSING_HEADER, "UNZ"): AckCodes(IC, contrl="13"),
    (Code.DUPLICATE_REFERENCE, "UNB"): AckCodes(IC, contrl="26"),
    # group: GS/GE, UNG/UNE
    (Code.MISSING_TRAILER, "GE"): AckCodes(G, x997="3", x999="3"),
    (Code.REFERENCE_MISMATCH, "GE"): AckCodes(G, x997="4", x999="4"),
    (Code.COUNT_MISMATCH, "GE"): AckCodes(G, x997="5", x999="5"),
    (Code.BAD_ENVELOPE_VALUE, "GE"): AckCodes(G, x997="5", x999="5"),
    (Code.MISSING_HEADER, "GE"): AckCodes(IC, ta1="024"),
    # 005010 has a code for it (716 19); 004010 only "violates syntax".
    (Code.DUPLICATE_REFERENCE, "GS"): AckCodes(G, x997="6", x999="19"),
    (Code.MISSING_TRAILER, "UNE"): AckCodes(G, contrl="13"),
    (Code.REFERENCE_MISMATCH, "UNE"): AckCodes(G, contrl="28"),
    (Code.COUNT_MISMATCH, "UNE"): AckCodes(G, contrl="29"),
    (Code.BAD_ENVELOPE_VALUE, "UNE"): AckCodes(G, contrl="29"),
    (Code.MISSING_HEADER, "UNE"): AckCodes(IC, contrl="13"),
    (Code.DUPLICATE_REFERENCE, "UNG"): AckCodes(G, contrl="26"),
    # message: ST/SE, UNH/UNT
    (Code.MISSING_TRAILER, "SE"): AckCodes(M, x997="2", x999="2"),
    (Code.REFERENCE_MISMATCH, "SE"): AckCodes(M, x997="3", x999="3"),
    (Code.COUNT_MISMATCH, "SE"): AckCodes(M, x997="4", x999="4"),
    (Code.BAD_ENVELOPE_VALUE, "SE"): AckCodes(M, x997="4", x999="4"),
    (Code.MISSING_HEADER, "SE"): AckCodes(G, x997="1", x999="1"),
    (Code.DUPLICATE_REFERENCE, "ST"): AckCodes(M, x997="23", x999="23"),
    (Code.MISSING_TRAILER, "UNT"): AckCodes(M, contrl="13"),
    (Code.REFERENCE_MISMATCH, "UNT"): AckCodes(M, contrl="28"),
    (Code.COUNT_MISMATCH, "UNT"): AckCodes(M, contrl="29"),
    (Code.BAD_ENVELOPE_VALUE, "UNT"): AckCodes(M, contrl="29"),
    (Code.MISSING_HEADER, "UNT"): AckCodes(IC, contrl="13"),
    (Code.DUPLICATE_REFERENCE, "UNH"): AckCodes(M, contrl="26"),
}

TABLE: dict[Code, AckCodes] = {
    # reading the interchange
    Code.BAD_HEADER: AckCodes(IC, ta1="022", contrl="12"),
    Code.BAD_SERVICE_STRING: AckCodes(IC, ta1="022", contrl="20"),
    Code.DELIMITER_CONFLICT: AckCodes(IC, ta1="026", contrl="20"),
    Code.NONSTANDARD_ISA: AckCodes(IC, ta1="022"),
    Code.INVALID_BYTES: AckCodes(IC, ta1="024", contrl="21"),
    Code.OUTSIDE_REPERTOIRE: AckCodes(IC, ta1="024", contrl="21"),
    Code.OUTSIDE_CHARSET: AckCodes(E, x997="6", x999="6", contrl="21"),
    Code.OUTSIDE_INTERCHANGE: AckCodes(IC, ta1="024", contrl="33"),
    Code.UNEXPECTED_SEGMENT: AckCodes(IC, ta1="024", contrl="33"),
    Code.MIXED_GROUPS: AckCodes(IC, contrl="30"),
    Code.EMPTY_ENVELOPE: AckCodes(G, x997="5", x999="5", contrl="32"),
    Code.INVALID_TAG: AckCodes(S, x997="1", x999="1", contrl="12"),
    Code.DANGLING_RELEASE: AckCodes(S, x997="8", x999="8", contrl="12"),
    # BIN01 and the binary data it measures disagree: the data element is not as long
    # as its length says (X12 only: EDIFACT has no binary segment).
    Code.BINARY_LENGTH: AckCodes(E, x997="5", x999="5"),
    # message structure
    Code.UNRECOGNIZED_SEGMENT: AckCodes(S, x997="1", x999="1", contrl="12"),
    Code.SEGMENT_NOT_IN_MESSAGE: AckCodes(S, x997="6", x999="6", contrl="15"),
    Code.SEGMENT_OUT_OF_ORDER: AckCodes(S, x997="7", x999="7", contrl="15"),
    Code.MISSING_SEGMENT: AckCodes(S, x997="3", x999="3", contrl="13"),
    Code.SEGMENT_TOO_OFTEN: AckCodes(S, x997="5", x999="5", contrl="35"),
    Code.GROUP_TOO_OFTEN: AckCodes(S, x997="4", x999="4", contrl="36"),
    Code.SEGMENT_NOT_USED: AckCodes(S, x997="2", x999="I4", contrl="15"),
    Code.GUIDE_SEGMENT_MISSING: AckCodes(S, x997="3", x999="I6", contrl="13"),
    # element content
    Code.MISSING_ELEMENT: AckCodes(E, x997="1", x999="1", contrl="13"),
    Code.CONDITIONAL_MISSING: AckCodes(E, x997="2", x999="2", contrl="13"),
    Code.EXCLUSION_VIOLATED: AckCodes(E, x997="10", x999="10", contrl="12"),
    Code.TOO_MANY_ELEMENTS: AckCodes(E, x997="3", x999="3", contrl="16"),
    Code.TOO_MANY_COMPONENTS: AckCodes(E, x997="13", x999="13", contrl="16"),
    Code.TOO_MANY_REPETITIONS: AckCodes(E, x997="12", x999="12", contrl="35"),
    Code.TOO_SHORT: AckCodes(E, x997="4", x999="4", contrl="40"),
    Code.TOO_LONG: AckCodes(E, x997="5", x999="5", contrl="39"),
    Code.INVALID_CHARACTER: AckCodes(E, x997="6", x999="6", contrl="37"),
    Code.INVALID_NUMBER: AckCodes(E, x997="6", x999="6", contrl="37"),
    Code.INVALID_CODE: AckCodes(E, x997="7", x999="7", contrl="12"),
    Code.INVALID_DATE: AckCodes(E, x997="8", x999="8", contrl="12"),
    Code.INVALID_TIME: AckCodes(E, x997="9", x999="9", contrl="12"),
    Code.ELEMENT_NOT_USED: AckCodes(E, x997="10", x999="I10", contrl="15"),
    Code.GUIDE_ELEMENT_MISSING: AckCodes(E, x997="1", x999="I9", contrl="13"),
    Code.CODE_NOT_USED: AckCodes(E, x997="7", x999="I6", contrl="14"),
    Code.PATTERN_MISMATCH: AckCodes(E, x997="6", x999="I12", contrl="12"),
}

# Message-level codes the trailer carries when segments are in error.
X12_SEGMENTS_IN_ERROR = "5"
X12_IMPLEMENTATION_SEGMENTS_IN_ERROR = "I5"


# A bad ISA field by its position: TA105 names the field (X12.56 note codes 005-018,
# 026 element separator, 027 component separator). The element separator, having
# no field of its own, is reported without an element.
ISA_FIELDS = {1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007",
              8: "008", 9: "014", 10: "015", 11: "016", 12: "017", 13: "018", 14: "019",
              15: "020", 16: "027", None: "026"}


def ack_codes(code: Code, segment: str | None, element: int | None = None) -> AckCodes | None:
    """How an issue with ``code`` about ``segment`` (and ``element`` of it) is
    acknowledged, if at all."""
    if code is Code.BAD_HEADER_FIELD:
        if segment == "ISA":
            return AckCodes(IC, ta1=ISA_FIELDS.get(element, "022"))
        return AckCodes(IC, contrl="12")  # UNB: invalid value
    if segment is not None:
        found = ENVELOPE.get((code, segment))
        if found is not None:
            return found
    return TABLE.get(code)
