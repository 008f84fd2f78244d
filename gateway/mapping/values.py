"""The whitelisted transforms mappings may apply: dates, decimals, codes, units.

No ``eval``: a mapping names a transform and its argument, and this module
turns text into typed values (inbound) or values into text (outbound). Date
formats are EDIFACT 2379 codes (``102``, ``203``), X12/UBL/cXML conventions
(``CCYYMMDD``, ``YYMMDD``, ``HHMM``, ``ISO``) or plain strftime patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

# EDIFACT 2379 codes and named conventions -> strftime pattern.
DATE_PATTERNS: dict[str, str] = {
    "101": "%y%m%d", "102": "%Y%m%d", "201": "%y%m%d%H%M", "202": "%y%m%d%H%M%S",
    "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S", "401": "%H%M", "402": "%H%M%S",
    "CCYYMMDD": "%Y%m%d", "YYMMDD": "%y%m%d", "HHMM": "%H%M", "HHMMSS": "%H%M%S",
    "ISO": "%Y-%m-%d",
}


def split_outside_brackets(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` where it stands outside ``[...]`` predicates:
    path steps at ``/``, template paths at ``.``, filters at ``|``."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


class ValueProblem(ValueError):
    """A value a transform cannot convert; the mapper turns it into an issue."""


def parse_date(text: str, fmt: str | None, *, end: bool = False) -> date:
    """A date from partner text. ``fmt`` None guesses among the usual forms. For a
    format of a range (EDIFACT 718, X12 RD8: ``CCYYMMDD-CCYYMMDD``) the date is the
    range's start, or its end when ``end``; other formats name one date, which is
    both."""
    text = text.strip()
    half = _RANGES.get(fmt or "")
    if half is not None:
        text = range_half(text, end, _HALF_WIDTH[half])
        fmt = half
    candidates = (DATE_PATTERNS.get(fmt, fmt),) if fmt else _USUAL_DATES
    for pattern in candidates:
        try:
            if pattern == "%Y-%m-%d" and "T" in text:
                return datetime.fromisoformat(text).date()
            width = _DATE_WIDTHS.get(pattern, len(text))
            if len(text) < width:
                continue  # strptime would take '2025031' for March 1st
            return strptime_fixed(text[:width], pattern).date()
        except ValueError:
            continue
    raise ValueProblem(f"{text!r} is not a date in format {fmt or 'any usual form'}")


# Formats of a period from one date to another, and the date format each half
# starts with: EDIFACT 2379 codes 718 (CCYYMMDD-CCYYMMDD), 719 (the same with
# HHMM), 717 (YYMMDD-YYMMDD), 713 (the same with HHMM), and the X12 1250 date time
# period format qualifier RD8 (CCYYMMDD-CCYYMMDD).
_RANGES = {"718": "102", "719": "102", "RD8": "102", "717": "101", "713": "101"}
_HALF_WIDTH = {"102": 8, "101": 6}


def range_half(text: str, end: bool, width: int = 8) -> str:
    """The date at the start (or ``end``) of a range, as the first ``width`` digits
    of its half. The halves are split at the hyphen the formats put between them;
    a range sent without it (``2002080120020831``, as some partners write 718) is
    taken as two halves of equal length."""
    start, hyphen, rest = text.partition("-")
    if not hyphen and len(text) % 2 == 0 and text.isdigit():
        middle = len(text) // 2
        start, rest = text[:middle], text[middle:]
    return (rest if end else start)[:width]
_USUAL_DATES = ("%Y-%m-%d", "%Y%m%d", "%y%m%d")  # tried in turn without a format
# Date patterns read from the start of longer text (a 203 value read as 102).
_DATE_WIDTHS = {"%Y%m%d": 8, "%y%m%d": 6, "%Y-%m-%d": 10}


def parse_datetime(text: str, fmt: str | None) -> datetime:
    """An aware datetime: ISO 8601 with offset, or an EDIFACT/X12 pattern read as UTC."""
    text = text.strip()
    if not fmt or fmt == "ISO":
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as err:
            raise ValueProblem(f"{text!r} is not an ISO 8601 moment") from err
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    pattern = DATE_PATTERNS.get(fmt, fmt)
    try:
        return strptime_fixed(text, pattern).replace(tzinfo=UTC)
    except ValueError as err:
        raise ValueProblem(f"{text!r} is not a moment in format {fmt}") from err


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A pattern of fixed-width numbers: where each field's digits stand (start and
    end, or None when the pattern has no such field), and the literal characters
    between them."""

    length: int
    literals: tuple[tuple[int, str], ...]  # position, character
    fields: tuple[tuple[int, int], ...]  # every field, for the digit check
    year: tuple[int, int] | None
    century: bool  # %Y rather than %y
    month: tuple[int, int] | None
    day: tuple[int, int] | None
    hour: tuple[int, int] | None
    minute: tuple[int, int] | None
    second: tuple[int, int] | None


def _fixed(pattern: str) -> _Fixed:
    widths = {"Y": 4, "y": 2, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}
    fields: dict[str, tuple[int, int]] = {}
    literals: list[tuple[int, str]] = []
    at, i = 0, 0
    while i < len(pattern):
        if pattern[i] == "%":
            letter = pattern[i + 1]
            fields[letter] = (at, at + widths[letter])
            at, i = at + widths[letter], i + 2
        else:
            literals.append((at, pattern[i]))
            at, i = at + 1, i + 1
    return _Fixed(at, tuple(literals), tuple(fields.values()), fields.get("Y", fields.get("y")),
                  "Y" in fields, fields.get("m"), fields.get("d"), fields.get("H"),
                  fields.get("M"), fields.get("S"))


# The patterns of DATE_PATTERNS, read by slicing instead of strptime's regular
# expressions; other patterns (a mapping's own strftime) still go to strptime.
_FIXED = {pattern: _fixed(pattern) for pattern in {*DATE_PATTERNS.values()}}


def strptime_fixed(text: str, pattern: str) -> datetime:
    """``datetime.strptime(text, pattern)``, sliced for the fixed-width patterns.

    Text of exactly a fixed pattern's length, ASCII digits where its fields stand,
    can only be split one way by strptime (every field at its widest, or there is
    text left over), so slicing gives its result, and the datetime constructor
    refuses the same out-of-range fields. Any other text goes to strptime itself,
    which accepts or refuses it as it always has (one-digit months, spaces, ...)."""
    fixed = _FIXED.get(pattern)
    if fixed is None or len(text) != fixed.length or not text.isascii():
        return datetime.strptime(text, pattern)
    if fixed.literals:
        if any(text[at] != char for at, char in fixed.literals) or not all(
                text[start:end].isdigit() for start, end in fixed.fields):
            return datetime.strptime(text, pattern)
    elif not text.isdigit():
        return datetime.strptime(text, pattern)
    year = 1900  # strptime's defaults: 1 January 1900, midnight
    if fixed.year is not None:
        year = int(text[fixed.year[0]:fixed.year[1]])
        if not fixed.century:
            year += 2000 if year <= 68 else 1900  # strptime's pivot
    month, day, hour, minute, second = fixed.month, fixed.day, fixed.hour, fixed.minute, \
        fixed.second
    return datetime(year,
                    1 if month is None else int(text[month[0]:month[1]]),
                    1 if day is None else int(text[day[0]:day[1]]),
                    0 if hour is None else int(text[hour[0]:hour[1]]),
                    0 if minute is None else int(text[minute[0]:minute[1]]),
                    0 if second is None else int(text[second[0]:second[1]]))


class NumberFormat(StrEnum):
    """The number formats of the standards, each read by its own grammar.

    - ``EDIFACT``: ISO 9735 numeric: ASCII digits, a leading minus, the decimal mark
      the interchange declares (UNA, else a point; under a comma mark a point is
      read too). No plus sign, exponent, spaces or separators between thousands.
    - ``X12``: X12.6 ``R`` (a leading minus, an optional point, an optional
      exponent ``E``) or, with implied decimals, ``Nn`` (a leading minus and
      digits only).
    - ``XSD``: XML Schema ``xs:decimal``, which UBL's quantities and amounts are
      made of and cXML's are read as: an optional sign, digits with an optional
      point, surrounding XML whitespace collapsed; no exponent, no ``NaN`` or
      ``INF``.

    Python's own ``Decimal`` and ``int`` take far more: ``1_000``, ``Infinity``,
    ``NaN`` and digits of any script (``١٢``); none of that is a number a partner
    can send, so nothing reads partner numbers but :func:`parse_decimal`.
    """

    EDIFACT = "edifact"
    X12 = "x12"
    XSD = "xsd"


def number_format(standard: str) -> NumberFormat:
    """The number format of a standard as the gateway names it (``edifact``, ``x12``,
    ``ubl``, ``cxml``)."""
    if standard == "edifact":
        return NumberFormat.EDIFACT
    if standard == "x12":
        return NumberFormat.X12
    return NumberFormat.XSD


# The grammars, ASCII only (re.ASCII: \d is 0-9, never another script's digits).
_EDIFACT_NUMBER = {".": re.compile(r"-?(\d*)(?:\.(\d*))?", re.ASCII),
                   ",": re.compile(r"-?(\d*)(?:[,.](\d*))?", re.ASCII)}
_X12_REAL = re.compile(r"-?(\d*)(?:\.(\d*))?(?:E(-?\d+))?", re.ASCII)
_X12_INTEGER = re.compile(r"-?(\d+)()", re.ASCII)
_XSD_DECIMAL = re.compile(r"[+-]?(\d*)(?:\.(\d*))?", re.ASCII)
_XML_SPACE = " \t\r\n"
# The longest numeric element of the standards is EDIFACT's n..35; a number with
# more digits than that (written out, without exponent) is no quantity or amount,
# and reading it is refused before it is expanded (1E999999999 would be a billion).
MAX_DIGITS = 35


def parse_decimal(text: str, decimal_mark: str = ".", implied: int = 0, *,
                  form: NumberFormat) -> Decimal:
    """A Decimal from partner text written in ``form``, the number format of the
    standard it comes from; ``decimal_mark`` is the EDIFACT interchange's, and
    ``implied`` the decimals an X12 ``Nn`` element implies. Anything else is a
    :class:`ValueProblem` quoting the text."""
    if form is NumberFormat.XSD:
        cleaned = text.strip(_XML_SPACE)
        grammar, name = _XSD_DECIMAL, "XML Schema decimal"
    elif form is NumberFormat.X12:
        cleaned = text
        grammar, name = (_X12_INTEGER, "X12 numeric N") if implied else \
            (_X12_REAL, "X12 decimal R")
    else:
        cleaned = text
        grammar = _EDIFACT_NUMBER.get(decimal_mark, _EDIFACT_NUMBER["."])
        name = f"EDIFACT numeric, decimal mark {decimal_mark!r}"
    found = grammar.fullmatch(cleaned)
    if found is None or not (found.group(1) or found.group(2)):
        raise ValueProblem(f"{text!r} is not a number ({name})")
    # The grammar let through ASCII digits, a sign, a point and an exponent only,
    # which Decimal reads as the standards mean them.
    value = Decimal(cleaned.replace(",", "."))
    places = -int(value.as_tuple().exponent) + implied
    if (value and value.adjusted() - implied >= MAX_DIGITS) or places > MAX_DIGITS:
        raise ValueProblem(f"{text!r} has more digits than a number the standards carry "
                           f"(at most {MAX_DIGITS})")
    return value.scaleb(-implied) if implied else value


def format_decimal(value: Any, places: int | None = None, implied: int = 0) -> str:
    """Plain decimal text (never exponent notation)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if implied:
        number = number.scaleb(implied).quantize(Decimal(1))
    elif places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    return format(number, "f")


def format_date(value: Any, fmt: str) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    pattern = DATE_PATTERNS.get(fmt, fmt)
    if not isinstance(value, date):
        raise ValueProblem(f"{value!r} is not a date")
    return value.strftime(pattern)


@dataclass(frozen=True, slots=True)
class CodeList:
    """Partner codes <-> canonical values. ``inbound`` reads codes; ``outbound``
    writes the first code listed for each canonical value unless told otherwise."""

    name: str
    inbound: dict[str, str]
    outbound: dict[str, str]

    @classmethod
    def of(cls, name: str, pairs: dict[str, str], out: dict[str, str] | None = None) -> CodeList:
        reverse: dict[str, str] = {}
        for code, canonical in pairs.items():
            reverse.setdefault(canonical, code)
        if out:
            reverse.update(out)
        return cls(name, dict(pairs), reverse)

    def overlaid(self, other: CodeList) -> CodeList:
        """This list with a partner's pairs taking precedence."""
        return CodeList(self.name, {**self.inbound, **other.inbound},
                        {**self.outbound, **other.outbound})
