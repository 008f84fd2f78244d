"""Dates and times as EDI writes them: digits only, and days that exist.

Shared by the envelope checks (ISA09/ISA10, UNB S004) and the schema checks
(X12 DT and TM). Two-digit years are read in this century, where only 00 could
be ambiguous for 29 February. Pure.
"""

from __future__ import annotations

from datetime import date


def ascii_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` also takes superscripts and other scripts)."""
    return value.isascii() and value.isdigit()


def is_date(value: str) -> bool:
    """YYMMDD or CCYYMMDD, and a real calendar day."""
    if not ascii_digits(value) or len(value) not in (6, 8):
        return False
    year = int(value[:-4]) + (2000 if len(value) == 6 else 0)
    try:
        date(year, int(value[-4:-2]), int(value[-2:]))
    except ValueError:
        return False
    return True


def is_time(value: str, lengths: tuple[int, ...] = (4, 6, 7, 8)) -> bool:
    """HHMM, optionally with seconds and their decimals (X12 TM), a time that exists."""
    if not ascii_digits(value) or len(value) not in lengths:
        return False
    hour, minute = int(value[:2]), int(value[2:4])
    second = int(value[4:6]) if len(value) >= 6 else 0
    return hour <= 23 and minute <= 59 and second <= 59
