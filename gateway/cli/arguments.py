"""Arguments checked against the field they fill, before any work is done.

A control number becomes ISA13 and GS06 (X12: nine digits, ``N0`` 9/9 and 1/9),
ST02 (four to nine characters), or UNB 0020 and UNH 0062 (EDIFACT: up to
fourteen characters). ``--control-number -5`` once wrote ISA13 ``-00000005``;
here it is a usage error naming the argument and the field.
"""

from __future__ import annotations

import argparse

from gateway.errors import UsageError

# The largest control number each standard's envelope holds.
CONTROL_LIMITS = {"x12": 999_999_999, "edifact": 10**14 - 1}
_FIELDS = {"x12": "ISA13 and GS06 (nine digits)", "edifact": "UNB 0020 (fourteen characters)"}


def control_number(text: str) -> int:
    """An argparse type: a whole number from 1, written in ASCII digits."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 (it becomes the envelope's control number), "
            f"not {text!r}")
    return int(text)


def check_control_number(first: int, standard: str, count: int = 1) -> None:
    """The control numbers ``first`` to ``first + count - 1`` fit ``standard``'s
    envelope; :class:`UsageError` naming the argument and the field otherwise."""
    limit = CONTROL_LIMITS.get(standard)
    if limit is not None and first + count - 1 > limit:
        last = "" if count == 1 else f" (and the {count - 1} after it)"
        raise UsageError(f"--control-number {first}{last} does not fit {_FIELDS[standard]}: "
                         f"at most {limit}")
