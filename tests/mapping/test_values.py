"""The whitelisted transforms (gateway.mapping.values): dates by EDIFACT 2379 code and X12
convention, decimals with either mark and implied places, clear ValueProblems for bad
text, code lists both ways, and round trips through the outbound formatters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.mapping.values import (
    DATE_PATTERNS,
    CodeList,
    NumberFormat,
    ValueProblem,
    format_date,
    format_decimal,
    parse_date,
    parse_datetime,
    parse_decimal,
    strptime_fixed,
)

# -- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("20250310", "102", date(2025, 3, 10)),                  # CCYYMMDD
    ("250310", "101", date(2025, 3, 10)),                    # YYMMDD
    ("991231", "101", date(1999, 12, 31)),                   # two-digit years pivot at 69
    ("2503101230", "201", date(2025, 3, 10)),                # YYMMDDHHMM
    ("250310123045", "202", date(2025, 3, 10)),              # YYMMDDHHMMSS
    ("202503101230", "203", date(2025, 3, 10)),              # CCYYMMDDHHMM
    ("20250310123045", "204", date(2025, 3, 10)),            # CCYYMMDDHHMMSS
    ("20250310-20250320", "718", date(2025, 3, 10)),         # a range: its start
    ("202503101200-202503201200", "719", date(2025, 3, 10)),
    ("250310-250320", "717", date(2025, 3, 10)),             # YYMMDD-YYMMDD
    ("2503101200-2503201800", "713", date(2025, 3, 10)),     # YYMMDDHHMM-YYMMDDHHMM
    (" 20250310 ", "102", date(2025, 3, 10)),                # padding is stripped
    ("202503101230", "102", date(2025, 3, 10)),              # a 203 value read as 102: its date
    ("20250310", "CCYYMMDD", date(2025, 3, 10)),             # X12 DT of eight digits
    ("250310", "YYMMDD", date(2025, 3, 10)),                 # X12 DT of six digits
    ("2025-03-10", "ISO", date(2025, 3, 10)),                # UBL, cXML
    ("2025-03-10T23:30:00+02:00", "ISO", date(2025, 3, 10)),  # an ISO moment: its own date
    ("10.03.2025", "%d.%m.%Y", date(2025, 3, 10)),           # a strftime pattern
    ("2025-03-10", None, date(2025, 3, 10)),                 # no format: the usual forms
    ("20250310", None, date(2025, 3, 10)),
    ("250310", None, date(2025, 3, 10)),
    ("2025-03-10T08:00:00Z", None, date(2025, 3, 10)),
])
def test_parse_date_formats(text: str, fmt: str | None, expected: date) -> None:
    """Dates read by 2379 code (101-204, ranges 713/717/718/719), X12 name, ISO or strftime."""
    assert parse_date(text, fmt) == expected


@pytest.mark.parametrize(("text", "fmt"), [
    ("20251310", "102"),       # month 13
    ("20250230", "102"),       # 30 February
    ("2025-03-10", "102"),
    ("abc", "CCYYMMDD"),
    ("", "102"),
    ("2025W11", "616"),        # a 2379 code the gateway does not read
    ("x", None),
])
def test_parse_date_rejects_bad_text_naming_value_and_format(text: str, fmt: str | None) -> None:
    """A date that does not fit its format is a ValueProblem naming the text and the format."""
    with pytest.raises(ValueProblem) as err:
        parse_date(text, fmt)
    message = str(err.value)
    assert repr(text.strip()) in message
    assert (fmt or "any usual form") in message


@pytest.mark.parametrize(("text", "fmt", "start", "end"), [
    ("20250310-20250320", "718", date(2025, 3, 10), date(2025, 3, 20)),
    ("2025031020250320", "718", date(2025, 3, 10), date(2025, 3, 20)),   # no hyphen
    ("202503101200-202503201800", "719", date(2025, 3, 10), date(2025, 3, 20)),
    ("20250310-20250320", "RD8", date(2025, 3, 10), date(2025, 3, 20)),  # X12 1250
    ("250310-250320", "717", date(2025, 3, 10), date(2025, 3, 20)),      # halves YYMMDD
    ("250310250320", "717", date(2025, 3, 10), date(2025, 3, 20)),       # no hyphen
    ("2503101200-2503201800", "713", date(2025, 3, 10), date(2025, 3, 20)),
    ("20250310", "102", date(2025, 3, 10), date(2025, 3, 10)),           # one day: both
])
def test_parse_date_takes_either_end_of_a_range(text: str, fmt: str, start: date,
                                                end: date) -> None:
    """A range of dates (EDIFACT 713/717/718/719, X12 RD8) gives its start, or with
    ``end`` its end, each half read in the date format its range code names (YYMMDD
    for 713 and 717); a format of one date gives that date either way."""
    assert parse_date(text, fmt) == start
    assert parse_date(text, fmt, end=True) == end


def test_parse_date_refuses_a_range_without_an_end() -> None:
    """Asked for its end, a range that gives none is a ValueProblem, not its start."""
    with pytest.raises(ValueProblem):
        parse_date("20250310", "718", end=True)


def test_parse_date_rejects_a_truncated_date() -> None:
    """A 102 date needs all eight digits; seven are a truncated value, not the 1st."""
    with pytest.raises(ValueProblem):
        parse_date("2025031", "102")


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("202503101230", "203", datetime(2025, 3, 10, 12, 30, tzinfo=UTC)),
    ("20250310123045", "204", datetime(2025, 3, 10, 12, 30, 45, tzinfo=UTC)),
    ("2503101230", "201", datetime(2025, 3, 10, 12, 30, tzinfo=UTC)),
    ("20250310", "CCYYMMDD", datetime(2025, 3, 10, tzinfo=UTC)),
    ("2025-03-10T12:30:00Z", None, datetime(2025, 3, 10, 12, 30, tzinfo=UTC)),
    ("2025-03-10T12:30:00", "ISO", datetime(2025, 3, 10, 12, 30, tzinfo=UTC)),
    ("2025-03-10T12:30:00+02:00", "ISO",
     datetime(2025, 3, 10, 12, 30, tzinfo=timezone(timedelta(hours=2)))),
])
def test_parse_datetime_is_always_aware(text: str, fmt: str | None, expected: datetime) -> None:
    """Moments keep an ISO offset; EDIFACT/X12 patterns and offset-less ISO are read as UTC."""
    moment = parse_datetime(text, fmt)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "fmt", "message"), [
    ("nope", None, "'nope' is not an ISO 8601 moment"),
    ("2025-13-01T00:00", "ISO", "is not an ISO 8601 moment"),
    ("20250310", "203", "'20250310' is not a moment in format 203"),
])
def test_parse_datetime_rejects_bad_text(text: str, fmt: str | None, message: str) -> None:
    """A moment that does not fit is a ValueProblem naming the text (and format)."""
    with pytest.raises(ValueProblem, match=message):
        parse_datetime(text, fmt)


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (date(2025, 3, 10), "102", "20250310"),
    (date(2025, 3, 10), "101", "250310"),
    (date(2025, 3, 10), "CCYYMMDD", "20250310"),
    (date(2025, 3, 10), "YYMMDD", "250310"),
    (date(2025, 3, 10), "ISO", "2025-03-10"),
    (date(2025, 3, 10), "203", "202503100000"),
    (datetime(2025, 3, 10, 12, 30, tzinfo=UTC), "203", "202503101230"),
    (datetime(2025, 3, 10, 12, 30, tzinfo=UTC), "HHMM", "1230"),
    (date(2025, 3, 10), "%d/%m/%Y", "10/03/2025"),
    ("2025-03-10", "102", "20250310"),                    # ISO text from a JSON form
    ("2025-03-10T12:30:00Z", "102", "20250310"),
])
def test_format_date(value: object, fmt: str, text: str) -> None:
    """Outbound dates are written by 2379 code, X12 name, ISO or strftime pattern."""
    assert format_date(value, fmt) == text


def test_format_date_refuses_what_is_not_a_date() -> None:
    """Only dates (or ISO text) can be formatted; anything else is a ValueProblem."""
    with pytest.raises(ValueProblem, match="5 is not a date"):
        format_date(5, "102")


# -- decimals ------------------------------------------------------------------------------

E, X, XSD = NumberFormat.EDIFACT, NumberFormat.X12, NumberFormat.XSD


@pytest.mark.parametrize(("text", "form", "mark", "implied", "expected"), [
    ("12.5", E, ".", 0, Decimal("12.5")),
    ("12,5", E, ",", 0, Decimal("12.5")),         # EDIFACT decimal comma (UNA)
    ("12.5", E, ",", 0, Decimal("12.5")),         # a point is read under a comma mark too
    ("-3.25", E, ".", 0, Decimal("-3.25")),
    ("-3,25", E, ",", 0, Decimal("-3.25")),
    (".5", E, ".", 0, Decimal("0.5")),
    ("0012", E, ".", 0, Decimal("12")),
    ("1250", X, ".", 2, Decimal("12.50")),        # X12 N2: two implied decimals
    ("-1250", X, ".", 2, Decimal("-12.50")),
    ("5", X, ".", 2, Decimal("0.05")),
    ("1250", X, ".", 0, Decimal("1250")),         # X12 R
    ("12.75", X, ".", 0, Decimal("12.75")),
    ("1.5E3", X, ".", 0, Decimal("1500")),        # R may carry an exponent
    ("25E-2", X, ".", 0, Decimal("0.25")),
    (" 7 ", XSD, ".", 0, Decimal("7")),            # xs:decimal collapses XML whitespace
    ("+7.50", XSD, ".", 0, Decimal("7.50")),       # and takes a plus sign
    ("\n-0.5\t", XSD, ".", 0, Decimal("-0.5")),
    ("5.", XSD, ".", 0, Decimal("5")),
])
def test_parse_decimal(text: str, form: NumberFormat, mark: str, implied: int,
                       expected: Decimal) -> None:
    """Numbers are exact Decimals read by their standard's grammar: marks, signs, implied
    decimals, X12 exponents, XML whitespace."""
    value = parse_decimal(text, mark, implied, form=form)
    assert value == expected
    assert isinstance(value, Decimal)


def test_implied_decimals_keep_their_scale() -> None:
    """N2 '1250' is 12.50 with two places, as the partner meant it."""
    assert str(parse_decimal("1250", implied=2, form=X)) == "12.50"


# What Python's Decimal would take and no standard allows, or what no column can hold.
HOSTILE_NUMBERS = ["1E400", "1e400", "NaN", "nan", "Infinity", "-inf", "sNaN", "0x10", "1_000",
                   "\u0661\u0662\u0660\u0660\u0660",  # Arabic-Indic digits
                   "\u06f1\u06f2", "\uff11\uff12",   # extended Arabic-Indic, full width
                   "\u00b2", "1" * 300, "0." + "1" * 40, "", " ", "-", ".", "+", "1.2.3",
                   "1,234.5", "1 000", "12e", "E5", "--1", "1-", "\x00", "1\x00"]


@pytest.mark.parametrize("form", list(NumberFormat))
@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_no_format_reads_what_its_standard_does_not_allow(text: str, form: NumberFormat) -> None:
    """No standard's number format reads exponents it has not (X12 R aside), NaN,
    Infinity, hex, underscores, other scripts' digits, or more than 35 digits."""
    with pytest.raises(ValueProblem, match=r"is not a number|more digits"):
        parse_decimal(text, ".", form=form)


@pytest.mark.parametrize(("text", "form", "mark"), [
    ("12,5", E, "."),     # a comma needs the comma mark
    ("+5", E, "."),       # EDIFACT has no plus sign
    (" 7", E, "."),       # nor padding
    ("1.5E3", E, "."),    # nor an exponent
    ("1.5E3", XSD, "."),  # xs:decimal neither
    ("1.5e3", X, "."),    # X12's exponent is a capital E
    ("12.5", X, ","),     # the EDIFACT mark means nothing to X12: still R
    ("+5", X, "."),
    ("12,5", XSD, ","),
    ("1E36", X, "."),     # 37 digits written out
    ("1E-36", X, "."),
])
def test_each_format_keeps_its_own_grammar(text: str, form: NumberFormat, mark: str) -> None:
    """What one standard writes another may not: each format is read by its own grammar."""
    if (text, form, mark) == ("12.5", X, ","):
        assert parse_decimal(text, mark, form=form) == Decimal("12.5")
        return
    with pytest.raises(ValueProblem):
        parse_decimal(text, mark, form=form)


def test_x12_implied_decimals_take_digits_only() -> None:
    """An Nn element is digits and a sign: a point or exponent there is no N value."""
    for text in ("12.50", "1E3"):
        with pytest.raises(ValueProblem, match="X12 numeric"):
            parse_decimal(text, implied=2, form=X)


@pytest.mark.parametrize(("value", "places", "implied", "text"), [
    (Decimal("12.5"), None, 0, "12.5"),
    (Decimal("1E+3"), None, 0, "1000"),              # never exponent notation
    (Decimal("1E-7"), None, 0, "0.0000001"),
    (Decimal("12.5"), 2, 0, "12.50"),
    (Decimal("12"), 0, 0, "12"),
    (Decimal("-3.256"), 2, 0, "-3.26"),
    (Decimal("12.5"), None, 2, "1250"),              # implied: the digits without the mark
    (Decimal("-12.5"), None, 2, "-1250"),
    (1.1, None, 0, "1.1"),                           # floats go through their text, no drift
    (3, 2, 0, "3.00"),
])
def test_format_decimal(value: object, places: int | None, implied: int, text: str) -> None:
    """Outbound numbers are plain text, quantized to places or scaled for implied decimals."""
    assert format_decimal(value, places, implied) == text


# Finite numbers of up to 35 digits, as the standards carry them.
FINITE = st.builds(lambda digits, places: Decimal(digits).scaleb(-places),
                   st.integers(-10**20, 10**20), st.integers(0, 15))


@given(FINITE)
def test_decimal_round_trip(value: Decimal) -> None:
    """parse_decimal(format_decimal(d)) == d for any finite decimal."""
    assert parse_decimal(format_decimal(value), form=E) == value


@given(FINITE)
def test_decimal_round_trip_with_a_comma_mark(value: Decimal) -> None:
    """A number written with a decimal comma reads back the same under the comma mark."""
    assert parse_decimal(format_decimal(value).replace(".", ","), ",", form=E) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                   min_value=Decimal("-1e12"), max_value=Decimal("1e12")))
def test_implied_decimal_round_trip(value: Decimal) -> None:
    """Two places written as N2 implied decimals read back as the same amount."""
    assert parse_decimal(format_decimal(value, implied=2), implied=2, form=X) == value


@given(st.dates(min_value=date(1000, 1, 1)),
       st.sampled_from(["102", "CCYYMMDD", "ISO", "%d.%m.%Y"]))
def test_date_round_trip_four_digit_years(value: date, fmt: str) -> None:
    """A date written by the outbound formatter reads back as the same date."""
    assert parse_date(format_date(value, fmt), fmt) == value


@given(st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)),
       st.sampled_from(["101", "YYMMDD"]))
def test_date_round_trip_two_digit_years(value: date, fmt: str) -> None:
    """Six-digit dates round trip within the century their two-digit years pivot on."""
    assert parse_date(format_date(value, fmt), fmt) == value


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31))
       .map(lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)),
       st.sampled_from(["203", "204"]))
def test_moment_round_trip(value: datetime, fmt: str) -> None:
    """A UTC moment written as 203/204 reads back as the same aware moment."""
    assert parse_datetime(format_date(value, fmt), fmt) == value


# -- fixed-width dates read by slicing ------------------------------------------------------

def _strptime_outcome(read: Callable[[str, str], datetime], text: str, pattern: str
                      ) -> datetime | str:
    try:
        return read(text, pattern)
    except ValueError:
        return "refused"


FIXED_PATTERNS = sorted({*DATE_PATTERNS.values()})


@pytest.mark.parametrize("text", [
    "20240229", "20230229", "20250230", "20251310", "20250010", "20250100", "20250132",
    "00000101", "00010101", "99991231", "000101", "690101", "681231", "2025-03-10",
    "2025-3-10", "2025-03-1", "2025+03-10", "202503101200", "202503102400", "202503101260",
    "20250310123060", "20250310123061", "1230", "2400", "0060", "123059", "123060",
    "2025 310", "202503 1", " 2025031", "2025031",
    "\uff12\uff10\uff12\uff15\uff10\uff13\uff11\uff10",  # full-width digits
    "\u0662\u0660\u0662\u0665\u0660\u0663\u0661\u0660",  # Arabic-Indic digits
    "2025_310", "+2025031", "", "abcdefgh",
])
@pytest.mark.parametrize("pattern", FIXED_PATTERNS)
def test_sliced_dates_read_as_strptime_does(text: str, pattern: str) -> None:
    """Every fixed-width 2379 / X12 pattern read by slicing gives strptime's date, or
    is refused where strptime refuses: leap days, out-of-range fields, padding,
    one-digit fields, signs and non-ASCII digits alike."""
    assert _strptime_outcome(strptime_fixed, text, pattern) == \
        _strptime_outcome(datetime.strptime, text, pattern)


def _digits_about(pattern: str) -> st.SearchStrategy[tuple[str, str]]:
    width = len(format_date(date(2000, 1, 1), pattern))
    return st.tuples(st.just(pattern),
                     st.text("0123456789-", min_size=width - 1, max_size=width + 1))


@given(st.sampled_from(FIXED_PATTERNS).flatmap(_digits_about))
def test_sliced_dates_read_any_digits_as_strptime_does(case: tuple[str, str]) -> None:
    """Any run of digits and dashes about a fixed pattern's length reads as strptime
    reads it, or is refused as strptime refuses it."""
    pattern, text = case
    assert _strptime_outcome(strptime_fixed, text, pattern) == \
        _strptime_outcome(datetime.strptime, text, pattern)


# -- code lists ---------------------------------------------------------------------------------

ROLES = CodeList.of("party_function", {"BY": "buyer", "DP": "ship_to", "ST": "ship_to",
                                       "SU": "supplier"})


def test_code_list_reads_every_code() -> None:
    """Inbound, every partner code maps to its canonical value; unknown codes give nothing."""
    assert ROLES.inbound["DP"] == "ship_to"
    assert ROLES.inbound["ST"] == "ship_to"
    assert ROLES.inbound.get("XX") is None


def test_code_list_writes_the_first_code_listed() -> None:
    """Outbound, a canonical value is written as the first code listed for it."""
    assert ROLES.outbound == {"buyer": "BY", "ship_to": "DP", "supplier": "SU"}


def test_code_list_out_overrides_the_written_code() -> None:
    """`out` chooses another code to write without changing what is read."""
    codes = CodeList.of("party_function", dict(ROLES.inbound), {"ship_to": "ST"})
    assert codes.outbound["ship_to"] == "ST"
    assert codes.inbound == ROLES.inbound


@given(st.dictionaries(st.text("ABCDEFGHIJ", min_size=1, max_size=3),
                       st.sampled_from(["buyer", "supplier", "ship_to", "payee"]), min_size=1))
def test_code_list_round_trip(pairs: dict[str, str]) -> None:
    """Writing a canonical value and reading the code back gives the same value."""
    codes = CodeList.of("x", pairs)
    for canonical, code in codes.outbound.items():
        assert codes.inbound[code] == canonical
    assert set(codes.outbound) == set(pairs.values())


def test_partner_code_list_takes_precedence() -> None:
    """An overlaid partner list wins both ways and keeps the shared entries it leaves alone."""
    partner = CodeList.of("party_function", {"OB": "buyer", "DP": "delivery_point"})
    merged = ROLES.overlaid(partner)
    assert merged.inbound["OB"] == "buyer"
    assert merged.inbound["DP"] == "delivery_point"
    assert merged.inbound["BY"] == "buyer"
    assert merged.outbound["buyer"] == "OB"
    assert merged.outbound["supplier"] == "SU"
    assert merged.name == "party_function"
    assert ROLES.inbound["DP"] == "ship_to"  # the shared list is unchanged
