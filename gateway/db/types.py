"""Column types shared by every table, and the check that a value fits its column.

:data:`Amount` keeps quantities and money: at most fourteen digits before the
point and six after. PostgreSQL stores it as NUMERIC, exactly; SQLite has no
decimal type and stores REAL, which holds fifteen significant digits exactly and
comes back rounded to the column's six places. Timestamps are stored in UTC and
always come back aware, on both databases.

**Nothing is stored that its column cannot hold as it is.** The databases differ
in what they do with such a value: SQLite keeps a 10,000-character text in a
``VARCHAR(80)`` and ``inf`` in a NUMERIC column; PostgreSQL refuses both mid-batch
but rounds a seventh decimal place away and takes a text with a NUL byte from no
driver. So every column of the gateway's tables is checked the same way on both,
before the statement is sent, by one rule per column type (:func:`misfit`):

- text: no longer than the column, no NUL character, no undecodable byte (a lone
  surrogate, as :mod:`gateway.edi.charsets` keeps a byte its character set has no
  character for);
- NUMERIC(p, s): finite, at most ``p - s`` digits before the point and ``s``
  after (none rounded away), and on SQLite at most fifteen significant digits;
- INTEGER and BIGINTEGER: within the 32 or 64 bits the column has.

:func:`guard_columns` puts the check on every column of a table (the declarative
base does it for each model), so it runs for every statement, ORM, Core or
:class:`gateway.db.statements.Bulk`, and raises :class:`ValueDoesNotFit` naming
table, column and value. The orchestrator turns that into a failed message.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.types import TypeDecorator, TypeEngine

Amount = Numeric(20, 6, asdecimal=True)

# Significant decimal digits an IEEE double (SQLite's REAL) holds exactly.
REAL_DIGITS = 15
_INTEGER_BITS = {SmallInteger: 16, BigInteger: 64, Integer: 32}


class ValueDoesNotFit(ValueError):
    """A value its column cannot hold as it is; ``where`` is ``table.column``."""

    def __init__(self, where: str, value: Any, reason: str) -> None:
        shown = repr(value) if not isinstance(value, str) or len(value) <= 40 else \
            repr(value[:37] + "...")
        super().__init__(f"{where}: {shown} {reason}")
        self.where = where
        self.value = value
        self.reason = reason


def misfit(column_type: TypeEngine[Any], value: Any, dialect: str) -> str | None:
    """Why ``value`` does not fit a column of ``column_type`` on ``dialect``
    (``sqlite``, ``postgresql``), or None when it fits. The one rule per type."""
    if value is None:
        return None
    if isinstance(column_type, String):
        return _text_misfit(value, column_type.length)
    if isinstance(column_type, Float):
        return "is not a finite number" if isinstance(value, float | Decimal) and \
            not math.isfinite(value) else None
    if isinstance(column_type, Numeric):
        return _number_misfit(value, column_type, dialect)
    if isinstance(column_type, Integer):
        bits = next((b for kind, b in _INTEGER_BITS.items() if isinstance(column_type, kind)),
                    64)
        if dialect == "sqlite":
            bits = 64  # SQLite's INTEGER is 64 bits whatever the declared width
        limit = 1 << (bits - 1)
        if isinstance(value, int) and not -limit <= value < limit:
            return f"is outside the {bits}-bit whole numbers the column holds"
    return None


def _text_misfit(value: Any, length: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    if length is not None and len(value) > length:
        return f"is {len(value)} characters long; the column holds at most {length}"
    if "\x00" in value:
        return "holds a NUL character, which no text column stores"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            byte = ord(value[err.start]) - 0xDC00
            shown = f"byte 0x{byte:02X}" if 0x80 <= byte <= 0xFF else \
                f"U+{ord(value[err.start]):04X}"
            return (f"holds {shown} at character {err.start + 1}, which is no character "
                    "(not valid in the character set it was sent in)")
    return None


def _number_misfit(value: Any, column_type: Numeric[Any], dialect: str) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return "is not a finite number"
        value = Decimal(repr(value))
    if not isinstance(value, Decimal):
        if not isinstance(value, int):
            return None
        value = Decimal(value)
    if not value.is_finite():
        return "is not a finite number"
    precision, scale = column_type.precision, column_type.scale or 0
    if precision is None:
        return None
    if not value:
        return None
    whole = max(value.adjusted() + 1, 0)
    if whole > precision - scale:
        return (f"has {whole} digits before the point; the column holds at most "
                f"{precision - scale} (NUMERIC({precision},{scale}))")
    exponent = int(value.as_tuple().exponent)
    if -exponent > scale and value != value.quantize(Decimal(1).scaleb(-scale)):
        return (f"has {-exponent} digits after the point; the column keeps {scale}, "
                "and rounding would change the value")
    if dialect == "sqlite":
        digits = len(value.normalize().as_tuple().digits)
        if digits > REAL_DIGITS:
            return (f"has {digits} significant digits; SQLite stores this column as REAL, "
                    f"exact to {REAL_DIGITS}")
    return None


def _never(value: Any) -> bool:
    return False


def _plainly_fits(column_type: TypeEngine[Any]) -> Callable[[Any], bool]:
    """A quick test that passes only values :func:`misfit` lets through on every
    dialect: short ASCII text without NUL, whole numbers within the declared width,
    small decimals within the scale. What it does not pass gets the full rule."""
    if isinstance(column_type, String):
        length = column_type.length if column_type.length is not None else 1 << 62

        def text(value: Any) -> bool:
            return type(value) is str and len(value) <= length and value.isascii() \
                and "\x00" not in value
        return text
    if isinstance(column_type, Float | Numeric):
        if isinstance(column_type, Float) or column_type.precision is None:
            return _never
        # At most ``scale`` digits after the point, the whole part within the
        # precision and no more digits than SQLite's REAL keeps exactly: fits.
        scale = column_type.scale or 0
        whole_digits = column_type.precision - scale
        whole_limit = 10 ** min(whole_digits, REAL_DIGITS)

        def number(value: Any) -> bool:
            if type(value) is int:
                return bool(-whole_limit < value < whole_limit)
            if type(value) is not Decimal:
                return False
            _, digits, exponent = value.as_tuple()
            return type(exponent) is int and -scale <= exponent <= 0 and \
                len(digits) <= REAL_DIGITS and len(digits) + exponent <= whole_digits
        return number
    if isinstance(column_type, Integer):
        bits = next((b for kind, b in _INTEGER_BITS.items() if isinstance(column_type, kind)),
                    64)
        limit = 1 << (bits - 1)

        def whole(value: Any) -> bool:
            return type(value) is int and -limit <= value < limit
        return whole
    return _never


class Checked(TypeDecorator[Any]):
    """A column type that refuses, before the statement is sent, a value the column
    cannot hold (:func:`misfit`); otherwise the wrapped type unchanged. The
    migrations and the databases see the wrapped type only."""

    impl = String  # replaced by the wrapped type in __init__
    cache_ok = True

    def __init__(self, wrapped: TypeEngine[Any], where: str) -> None:
        super().__init__()
        self.impl = wrapped  # type: ignore[assignment]
        self.wrapped = wrapped
        self.where = where
        self._plain = _plainly_fits(wrapped)

    @property
    def python_type(self) -> type[Any]:
        return self.wrapped.python_type

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # A value compared with the column is looked for, not stored: unchecked.
        return self.wrapped.coerce_compared_value(op, value)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        # Most values are plainly fine; the full rule is asked about the others
        # (the hot path of storing: every value of every row comes through here).
        if value is not None and not self._plain(value):
            reason = misfit(self.wrapped, value, dialect.name)
            if reason is not None:
                raise ValueDoesNotFit(self.where, value, reason)
        return value

    def __repr__(self) -> str:
        return repr(self.wrapped)


def _needs_check(column_type: TypeEngine[Any]) -> bool:
    return isinstance(column_type, String | Numeric | Integer) and not isinstance(
        column_type, TypeDecorator)


def guard_columns(table: Table) -> None:
    """Put the fit check on every text, numeric and integer column of ``table``."""
    for column in table.columns:
        if _needs_check(column.type):
            column.type = Checked(column.type, f"{table.name}.{column.name}")


def text_length(column_type: TypeEngine[Any]) -> int | None:
    """The length of a text column (checked or not), None for unbounded text."""
    inner = column_type.wrapped if isinstance(column_type, Checked) else column_type
    return inner.length if isinstance(inner, String) else None


def is_text(column_type: TypeEngine[Any]) -> bool:
    inner = column_type.wrapped if isinstance(column_type, Checked) else column_type
    return isinstance(inner, String)


def storable(text: str, length: int | None = None) -> str:
    """``text`` as a record of what was received can keep it in a column of
    ``length``: an undecodable byte written ``\\xE9``, a NUL ``\\x00``, cut at the
    length. For descriptions of a file (references, reasons), never for business
    values, which are refused instead."""
    if not text.isascii():
        try:  # the bytes as received, where the surrogates are escaped bytes
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # other lone surrogates
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    return text if length is None or len(text) <= length else text[:length]


# What a statement raises when the data is refused: the database's own errors
# (DBAPIError, a StatementError) and the fit check's, raised as it is from a bulk
# insert's encoders or wrapped by SQLAlchemy in a StatementError.
REFUSALS = (StatementError, ValueDoesNotFit)


def does_not_fit(err: BaseException) -> ValueDoesNotFit | None:
    """The fit check's refusal behind ``err``, if that is what it is."""
    if isinstance(err, ValueDoesNotFit):
        return err
    if isinstance(err, StatementError) and isinstance(err.orig, ValueDoesNotFit):
        return err.orig
    return None


def refused(err: BaseException) -> bool:
    """Whether ``err`` (one of :data:`REFUSALS`) is the data being refused, by the
    fit check or by the database, rather than a bug in the statement."""
    return does_not_fit(err) is not None or isinstance(err, DBAPIError)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime in, the same moment (in UTC) out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a time zone")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
