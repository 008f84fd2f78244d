"""The fit check (gateway.db.types): one rule per column type, on every column of every
table, the same on SQLite and PostgreSQL; what does not fit is refused, never stored."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, ForeignKey, Integer, Numeric, String, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeEngine

from gateway.db.base import table
from gateway.db.models import metadata
from gateway.db.types import (
    REAL_DIGITS,
    Amount,
    Checked,
    ValueDoesNotFit,
    does_not_fit,
    misfit,
    storable,
)
from gateway.inventory.models import InventoryBalance, Item

TEXT80 = String(80)


@pytest.mark.parametrize(("column_type", "value", "reason"), [
    (TEXT80, "x" * 81, "81 characters long; the column holds at most 80"),
    (TEXT80, "a\x00b", "NUL character"),
    (TEXT80, "Wei\udce9bach", "byte 0xE9 at character 4"),
    (String(), "y" * 100_000 + "\x00", "NUL"),
    (Amount, Decimal("1E+400"), "401 digits before the point; the column holds at most 14"),
    (Amount, Decimal("1" * 300), "300 digits before the point"),
    (Amount, Decimal("100000000000000"), "15 digits before the point"),
    (Amount, Decimal("-100000000000000"), "15 digits before the point"),
    (Amount, Decimal("NaN"), "not a finite number"),
    (Amount, Decimal("sNaN"), "not a finite number"),
    (Amount, Decimal("Infinity"), "not a finite number"),
    (Amount, Decimal("-Infinity"), "not a finite number"),
    (Amount, float("inf"), "not a finite number"),
    (Amount, float("nan"), "not a finite number"),
    (Amount, 10**14, "15 digits before the point"),
    (Amount, Decimal("0.1234567"), "7 digits after the point; the column keeps 6"),
    (Integer(), 2**31, "32-bit"),
    (Integer(), -(2**31) - 1, "32-bit"),
])
def test_each_column_type_has_one_rule(column_type: TypeEngine[Any], value: Any,
                                       reason: str) -> None:
    """Text: length, NUL, undecodable bytes; NUMERIC: finite, digits before and after
    the point; INTEGER: its bits. Each misfit says why."""
    found = misfit(column_type, value, "postgresql")
    assert found is not None and reason in found


@pytest.mark.parametrize(("column_type", "value"), [
    (TEXT80, "x" * 80), (TEXT80, "Weißbach crate"), (TEXT80, ""), (String(), "z" * 100_000),
    (Amount, Decimal("99999999999999.999999")), (Amount, Decimal("-99999999999999.999999")),
    (Amount, Decimal("0.000001")), (Amount, Decimal("1E+13")), (Amount, Decimal("12.5000000")),
    (Amount, Decimal(0)), (Amount, Decimal("-0E-30")), (Amount, 7), (Amount, 2.5),
    (Integer(), 2**31 - 1), (Integer(), -(2**31)), (Amount, None), (TEXT80, None),
])
def test_what_fits_passes(column_type: TypeEngine[Any], value: Any) -> None:
    """Values a column holds as they are pass, up to its very limits; trailing zeros
    beyond the scale round nothing away."""
    assert misfit(column_type, value, "postgresql") is None


@pytest.mark.parametrize(("column_type", "value"), [
    (TEXT80, "x" * 81), (TEXT80, "a\x00b"), (TEXT80, "Wei\udce9bach"),
    (String(), "y" * 100_000 + "\x00"), (Amount, Decimal("1E+400")),
    (Amount, Decimal("100000000000000")), (Amount, Decimal("-100000000000000")),
    (Amount, Decimal("NaN")), (Amount, Decimal("Infinity")), (Amount, float("inf")),
    (Amount, 10**14), (Amount, -(10**14)), (Amount, Decimal("0.1234567")),
    (Amount, Decimal("1234567890.123456")), (Integer(), 2**31), (Integer(), -(2**31) - 1),
    (TEXT80, "x" * 80), (TEXT80, "Weißbach"), (Amount, Decimal("99999999999999.999999")),
    (Amount, Decimal("123456789.123456")), (Amount, Decimal("12.5000000")),
    (Amount, Decimal("0.000001")), (Amount, 10**14 - 1), (Integer(), 2**31 - 1),
])
@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_the_column_refuses_exactly_what_the_rule_refuses(
        column_type: TypeEngine[Any], value: Any, dialect: Any) -> None:
    """Storing tries a quick test before the full rule; the column refuses a value on
    a dialect exactly when the rule does (NUMERIC(20,6): 14 digits before the point,
    6 after; SQLite: 15 significant digits in all; values at the limits pass)."""
    checked = Checked(column_type, "t.c")
    if misfit(column_type, value, dialect.name) is None:
        assert checked.process_bind_param(value, dialect) == value
    else:
        with pytest.raises(ValueDoesNotFit):
            checked.process_bind_param(value, dialect)


def test_sqlite_holds_fifteen_significant_digits() -> None:
    """SQLite keeps NUMERIC as REAL: a sixteenth significant digit would be changed
    there, so it does not fit there, though PostgreSQL holds it."""
    value = Decimal("1234567890.123456")  # 16 significant digits
    assert misfit(Amount, value, "postgresql") is None
    found = misfit(Amount, value, "sqlite")
    assert found is not None and f"exact to {REAL_DIGITS}" in found
    assert misfit(Amount, Decimal("123456789.123456"), "sqlite") is None
    assert misfit(Integer(), 2**40, "sqlite") is None  # SQLite integers have 64 bits


def _partner_columns() -> list[tuple[str, str]]:
    found = []
    for tbl in metadata.sorted_tables:
        for column in tbl.columns:
            if column.foreign_keys or column.primary_key:
                continue  # ids the database gives, not values received
            inner = column.type.wrapped if isinstance(column.type, Checked) else column.type
            if isinstance(inner, String | Numeric | Integer):
                found.append((tbl.name, column.name))
    return found


PARTNER_COLUMNS = _partner_columns()


def test_every_text_number_and_integer_column_is_checked() -> None:
    """No model escapes the check: every text, numeric and integer column of every
    table (ids and foreign keys aside) is a Checked type naming its column."""
    assert len(PARTNER_COLUMNS) > 100
    for table_name, column_name in PARTNER_COLUMNS:
        column_type = metadata.tables[table_name].c[column_name].type
        assert isinstance(column_type, Checked), (table_name, column_name)
        assert column_type.where == f"{table_name}.{column_name}"


def _too_much(column_type: TypeEngine[Any]) -> list[Any]:
    """Values the column cannot hold, for its type."""
    if isinstance(column_type, String):
        values: list[Any] = ["bad\x00", "Wei\udce9bach"]
        if column_type.length is not None:
            values.append("L" * (column_type.length + 1))
        return values
    if isinstance(column_type, Numeric):
        assert column_type.precision is not None and column_type.scale is not None
        whole = column_type.precision - column_type.scale
        return [Decimal("1E+400"), Decimal("NaN"), Decimal("-Infinity"), float("inf"),
                Decimal(10) ** whole, Decimal(1).scaleb(-column_type.scale - 1)]
    return [2**63]


@pytest.mark.parametrize(("table_name", "column_name"), PARTNER_COLUMNS)
def test_every_column_refuses_what_it_cannot_hold_on_both_databases(
        table_name: str, column_name: str) -> None:
    """Each column's bind processor, on SQLite and on PostgreSQL, raises the fit error
    naming the column for every value of its type that does not fit."""
    column_type = metadata.tables[table_name].c[column_name].type
    assert isinstance(column_type, Checked)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        process = column_type.bind_processor(dialect)
        assert process is not None
        for value in _too_much(column_type.wrapped):
            with pytest.raises(ValueDoesNotFit) as refused:
                process(value)
            assert refused.value.where == f"{table_name}.{column_name}"


def test_a_refused_value_is_never_stored(engine: Engine) -> None:
    """On a real database, through an ordinary INSERT: refused before it is sent (as a
    StatementError carrying the fit error), the table stays empty."""
    items = table(Item)
    for value in ("K" * 121, "bad\x00key", "Wei\udce9bach"):
        with pytest.raises(Exception) as raised, engine.begin() as conn:
            conn.execute(insert(items), {"key": value, "description": "d"})
        misfit_found = does_not_fit(raised.value)
        assert misfit_found is not None and misfit_found.where == "items.key"
    with engine.connect() as conn:
        assert conn.execute(select(items.c.id)).all() == []


def test_what_fits_is_stored_exactly(engine: Engine) -> None:
    """At the limits the check allows, each database gives back what it was given."""
    balances, items = table(InventoryBalance), table(Item)
    big = Decimal("99999999999999.999999") if engine.dialect.name == "postgresql" else \
        Decimal("999999999.999999")
    with engine.begin() as conn:
        conn.execute(insert(items), {"key": "K" * 120, "description": "Weißbach"})
        item_id = conn.execute(select(items.c.id)).scalar_one()
        location = metadata.tables["locations"]
        conn.execute(insert(location), {"key": "L", "name": "Store"})
        location_id = conn.execute(select(location.c.id)).scalar_one()
        conn.execute(insert(balances), {"item_id": item_id, "location_id": location_id,
                                        "on_hand": big, "on_order": -big, "in_transit": 0,
                                        "unit": "EA"})
    with engine.connect() as conn:
        row = conn.execute(select(balances.c.on_hand, balances.c.on_order)).one()
        key = conn.execute(select(items.c.key)).scalar_one()
    assert tuple(row) == (big, -big)
    assert key == "K" * 120


def test_records_of_a_broken_file_keep_what_their_column_holds() -> None:
    """storable(): descriptions of what was received (references, reasons) keep an
    undecodable byte and a NUL written out, cut at the column's length."""
    assert storable("Wei\udce9bach") == "Wei\\xe9bach"
    assert storable("a\x00b") == "a\\x00b"
    assert storable("x" * 50, 35) == "x" * 35
    assert misfit(TEXT80, storable("R\udcff" * 100, 80), "postgresql") is None


def test_no_foreign_key_column_is_left_to_partner_values() -> None:
    """The columns left unchecked are ids the database assigns (keys and references
    to them), dates, times and flags: none takes text or numbers from a partner."""
    for tbl in metadata.sorted_tables:
        for column in tbl.columns:
            if isinstance(column.type, Checked):
                continue
            kind = column.type
            assert column.primary_key or column.foreign_keys or not isinstance(
                kind, String | Numeric), (tbl.name, column.name)
            if isinstance(kind, Integer):
                assert column.primary_key or any(
                    isinstance(fk, ForeignKey) for fk in column.foreign_keys)
    assert math.isfinite(float(Decimal("99999999999999.999999")))
