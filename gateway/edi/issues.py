"""Problems found in data, as values with a code, a severity and a location.

Readers, envelope checks and validators return :class:`Issue` values; nothing
here raises on bad data. Every code lives in :class:`Code` with the check level
that finds it, so ``validate --level`` can filter, and the acknowledgement
builders can translate codes into the standards' error codes from one table.
This module owns the vocabulary only; it must not know how issues are found.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import IntEnum, StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a problem is; ``fatal`` stops the interchange it is in."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Level(IntEnum):
    """Check levels, in the order a file passes them."""

    SYNTAX = 1
    ENVELOPE = 2
    SCHEMA = 3
    RULES = 4
    MAPPING = 5


class Code(StrEnum):
    """Every issue code the gateway emits. The prefix names the level that finds it."""

    # detection and character sets
    UNKNOWN_FORMAT = "syntax.unknown-format"
    EMPTY_INPUT = "syntax.empty-input"
    INVALID_BYTES = "syntax.invalid-bytes"
    CHARSET_MISMATCH = "syntax.charset-mismatch"
    OUTSIDE_REPERTOIRE = "syntax.outside-repertoire"
    OUTSIDE_CHARSET = "syntax.character-outside-charset"  # in a value, located
    UNKNOWN_CHARSET = "syntax.unknown-charset"
    # lexical
    BAD_SERVICE_STRING = "syntax.bad-service-string-advice"
    BAD_HEADER = "syntax.bad-interchange-header"
    NONSTANDARD_ISA = "syntax.nonstandard-isa"
    DELIMITER_CONFLICT = "syntax.delimiter-conflict"
    INVALID_TAG = "syntax.invalid-segment-tag"
    WRAPPED_SEGMENT = "syntax.wrapped-segment"
    DANGLING_RELEASE = "syntax.dangling-release"
    NEEDLESS_RELEASE = "syntax.needless-release"
    TRAILING_SEPARATOR = "syntax.trailing-separator"
    UNTERMINATED = "syntax.unterminated-segment"
    BINARY_LENGTH = "syntax.binary-length"
    STRAY_DATA = "syntax.stray-data"
    # envelope
    MISSING_HEADER = "envelope.missing-header"
    MISSING_TRAILER = "envelope.missing-trailer"
    UNEXPECTED_SEGMENT = "envelope.unexpected-segment"
    REFERENCE_MISMATCH = "envelope.reference-mismatch"
    COUNT_MISMATCH = "envelope.count-mismatch"
    DUPLICATE_REFERENCE = "envelope.duplicate-reference"
    MIXED_GROUPS = "envelope.groups-and-messages-mixed"
    EMPTY_ENVELOPE = "envelope.empty"
    BAD_ENVELOPE_VALUE = "envelope.bad-value"
    BAD_INTERCHANGE_DATE = "envelope.bad-interchange-date"
    BAD_INTERCHANGE_TIME = "envelope.bad-interchange-time"
    BAD_ACK_REQUEST = "envelope.bad-acknowledgment-request"
    BAD_USAGE_INDICATOR = "envelope.bad-usage-indicator"
    BAD_HEADER_FIELD = "envelope.bad-header-field"  # a field a translator reads by position
    BARE_MESSAGE = "envelope.no-interchange"
    OUTSIDE_INTERCHANGE = "envelope.outside-interchange"  # after an interchange's trailer
    # schema: message structure and element content against the standard
    UNKNOWN_MESSAGE = "schema.unknown-message"
    UNRECOGNIZED_SEGMENT = "schema.unrecognized-segment"
    SEGMENT_NOT_IN_MESSAGE = "schema.segment-not-in-message"
    SEGMENT_OUT_OF_ORDER = "schema.segment-out-of-order"
    MISSING_SEGMENT = "schema.missing-segment"
    SEGMENT_TOO_OFTEN = "schema.segment-repeated-too-often"
    GROUP_TOO_OFTEN = "schema.group-repeated-too-often"
    MISSING_ELEMENT = "schema.missing-element"
    CONDITIONAL_MISSING = "schema.conditional-element-missing"
    EXCLUSION_VIOLATED = "schema.exclusion-violated"
    TOO_MANY_ELEMENTS = "schema.too-many-elements"
    TOO_MANY_COMPONENTS = "schema.too-many-components"
    TOO_MANY_REPETITIONS = "schema.too-many-repetitions"
    TOO_SHORT = "schema.element-too-short"
    TOO_LONG = "schema.element-too-long"
    INVALID_CHARACTER = "schema.invalid-character"
    INVALID_NUMBER = "schema.invalid-number"
    INVALID_CODE = "schema.invalid-code"
    UNKNOWN_CODE = "schema.unlisted-code"
    INVALID_DATE = "schema.invalid-date"
    INVALID_TIME = "schema.invalid-time"
    # schema: a partner's implementation guide, on top of the standard
    SEGMENT_NOT_USED = "schema.guide-segment-not-used"
    GUIDE_SEGMENT_MISSING = "schema.guide-segment-missing"
    ELEMENT_NOT_USED = "schema.guide-element-not-used"
    GUIDE_ELEMENT_MISSING = "schema.guide-element-missing"
    CODE_NOT_USED = "schema.guide-code-not-used"
    PATTERN_MISMATCH = "schema.guide-pattern-mismatch"
    # mapping a message to a business document
    NO_MAPPING = "mapping.no-mapping"
    MAPPING_VALUE = "mapping.unreadable-value"
    MAPPING_INVALID = "mapping.invalid-document"
    NOT_STORABLE = "mapping.not-storable"  # a value its column cannot hold as it is
    # XML
    XML_NOT_WELL_FORMED = "syntax.xml-not-well-formed"
    XML_FORBIDDEN = "syntax.xml-forbidden-construct"
    XML_TOO_LARGE = "syntax.xml-too-large"
    XML_TOO_DEEP = "syntax.xml-too-deep"
    XML_UNKNOWN_DOCUMENT = "syntax.xml-unknown-document"
    XML_SCHEMA_INVALID = "schema.xsd"
    XML_DTD_INVALID = "schema.dtd"
    XML_CODE_LIST = "schema.code-list"
    XML_NO_SCHEMA = "schema.xml-no-schema"
    XML_DTD_SUBSTITUTED = "schema.dtd-substituted"
    # business rules: published Schematron and partner rules on XML documents
    XML_RULE = "rules.schematron"
    XML_GUIDE_RULE = "rules.guide"
    XML_PROFILE_MISMATCH = "rules.profile-mismatch"

    @property
    def level(self) -> Level:
        prefix = self.value.split(".", 1)[0]
        return _LEVELS[prefix]

    @property
    def severity(self) -> Severity:
        """The severity this code has unless the finder says otherwise."""
        return _DEFAULT_SEVERITY.get(self, Severity.ERROR)


_LEVELS = {"syntax": Level.SYNTAX, "envelope": Level.ENVELOPE, "schema": Level.SCHEMA,
           "rules": Level.RULES, "mapping": Level.MAPPING}

_DEFAULT_SEVERITY: dict[Code, Severity] = {
    Code.UNKNOWN_FORMAT: Severity.FATAL,
    Code.EMPTY_INPUT: Severity.FATAL,
    Code.CHARSET_MISMATCH: Severity.WARNING,
    Code.OUTSIDE_REPERTOIRE: Severity.WARNING,  # an error where no character of the set
    Code.UNKNOWN_CHARSET: Severity.WARNING,
    Code.BAD_SERVICE_STRING: Severity.FATAL,
    Code.BAD_HEADER: Severity.FATAL,
    Code.NONSTANDARD_ISA: Severity.WARNING,
    Code.DELIMITER_CONFLICT: Severity.FATAL,
    Code.WRAPPED_SEGMENT: Severity.INFO,
    Code.UNTERMINATED: Severity.WARNING,
    Code.NEEDLESS_RELEASE: Severity.WARNING,
    Code.TRAILING_SEPARATOR: Severity.WARNING,
    Code.BARE_MESSAGE: Severity.WARNING,
    Code.EMPTY_ENVELOPE: Severity.WARNING,
    Code.UNKNOWN_MESSAGE: Severity.WARNING,
    Code.UNKNOWN_CODE: Severity.WARNING,
    Code.XML_NOT_WELL_FORMED: Severity.FATAL,
    Code.XML_FORBIDDEN: Severity.FATAL,
    Code.XML_TOO_LARGE: Severity.FATAL,
    Code.XML_TOO_DEEP: Severity.FATAL,
    Code.XML_UNKNOWN_DOCUMENT: Severity.WARNING,
    Code.XML_NO_SCHEMA: Severity.WARNING,
    Code.XML_DTD_SUBSTITUTED: Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is, as precisely as the finder knows.

    ``position`` is the segment's position in its message, the header counting 1
    (what X12 AK3/IK3 and EDIFACT UCS report); for envelope segments outside a
    message it is ``None``. ``loop`` is the segment group or loop the segment is
    in (``SG2``, ``N1``). ``element``, ``component`` and ``repetition`` count from
    1; ``element_id`` is the data element's number in the standard (``1004``,
    ``98``). ``line`` and ``column`` point into the file as received (1-based).
    """

    interchange: str | None = None
    group: str | None = None
    message: str | None = None
    segment: str | None = None
    position: int | None = None
    loop: str | None = None
    element: int | None = None
    component: int | None = None
    repetition: int | None = None
    element_id: str | None = None
    value: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}

    def where(self) -> str:
        """A short human form: ``line 12, column 5, NAD (segment 7), element 3``."""
        parts: list[str] = []
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.segment:
            seg = self.segment + (f" (segment {self.position})" if self.position else "")
            parts.append(seg)
        if self.element is not None:
            parts.append(f"element {self.element}")
        if self.component is not None:
            parts.append(f"component {self.component}")
        if self.repetition is not None:
            parts.append(f"repetition {self.repetition}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: a code, how bad it is, where, and what a person should read.

    ``rule`` is the identifier of the published or partner rule the finding
    breaks, where there is one (``BR-CO-15``, ``PEPPOL-T01-R001``,
    ``cvc-datatype-valid.1.2.1``): partners quote it, so it goes into the code
    they read (``rules.schematron:BR-CO-15``).
    """

    code: Code
    severity: Severity
    location: Location
    message: str
    rule: str | None = None
    # For a report's summary of a flood: how many issues of this code it stands for
    # that are not listed (0 for an ordinary issue).
    omitted: int = 0

    @classmethod
    def of(
        cls, code: Code, message: str, location: Location | None = None,
        severity: Severity | None = None, rule: str | None = None,
    ) -> Issue:
        return cls(code, severity or code.severity, location or Location(), message, rule)

    @property
    def code_text(self) -> str:
        """The code as printed: the gateway's code, then the rule's id when there is one."""
        return f"{self.code.value}:{self.rule}" if self.rule else self.code.value

    @property
    def blocking(self) -> bool:
        """Whether the data is invalid because of this issue."""
        return self.severity in (Severity.FATAL, Severity.ERROR)

    def within(self, **where: Any) -> Issue:
        """The same issue with its location completed by an enclosing scope."""
        known = {k: v for k, v in where.items() if getattr(self.location, k) is None}
        return replace(self, location=replace(self.location, **known)) if known else self

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "code": self.code_text,
            "severity": self.severity.value,
            "location": self.location.to_json(),
            "message": self.message,
        }
        if self.rule:
            found["rule"] = self.rule
        if self.omitted:
            found["omitted"] = self.omitted
        return found

    def __str__(self) -> str:
        where = self.location.where()
        rule = f"[{self.rule}] " if self.rule else ""
        return f"{self.severity}: {rule}{self.message}" + (f" [{where}]" if where else "")
