"""Statements the services share: upserts that work on SQLite and PostgreSQL, and the
bulk inserts of the hot paths.

Both databases support ``INSERT ... ON CONFLICT``; SQLAlchemy spells it per
dialect, so the dialect is picked from the connection here and nowhere else.

Storing a purchase order writes some eighty rows (items, lines, movements,
balances). Executed the ordinary way, SQLAlchemy turns every parameter row
through ``construct_params`` and its bind processors, about ten microseconds a
row, more than the database takes to store it; and PostgreSQL's ``executemany``
costs a round trip's worth of work per row. :class:`Bulk` compiles its INSERT
once per dialect and hands the driver plain values: on SQLite an
``executemany`` of tuples, on PostgreSQL one ``INSERT ... SELECT FROM unnest``
of one array per column. Values go through the columns' own bind processors
(Decimal to float, dates to text on SQLite), so they are stored exactly as an
ordinary execute stores them; the statement runs through
``Connection.exec_driver_sql``, so the transaction, savepoints and error wrapping
(``DBAPIError``) are those of any other statement.

:func:`where_in` looks thousands of keys up with one parameter; on SQLite it
needs the JSON functions, built in since SQLite 3.38.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeEngine


def insert_for(conn: Connection, table: Table) -> Any:
    """An INSERT that offers ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    return _insert(conn.dialect, table)


_BUILT: dict[tuple[str, Hashable], Any] = {}


def once(conn: Connection, key: Hashable, build: Callable[[Connection], Any]) -> Any:
    """The statement ``build`` makes for the connection's dialect, made the first time
    only. A statement object used again skips SQLAlchemy's construction and cache-key
    work, and its compiled form comes from the engine's cache; parameters are given
    to ``execute``, never baked into the statement with ``.values()``."""
    found = _BUILT.get((conn.dialect.name, key))
    if found is None:
        found = _BUILT[(conn.dialect.name, key)] = build(conn)
    return found


def where_in(conn: Connection, key: Column[str], keys: Sequence[str],
             *wanted: Column[Any]) -> list[Any]:
    """``SELECT wanted FROM key's table WHERE key IN keys`` with the keys as one
    parameter (an array on PostgreSQL, a JSON array on SQLite), not one each:
    thousands of them cost SQLAlchemy milliseconds to expand and the database
    as much to parse."""
    name = ("where_in", key.table.name, key.name, *(c.name for c in wanted))
    stmt = once(conn, name, lambda conn: select(*wanted).where(
        key == any_(cast(bindparam("keys"), postgresql.ARRAY(Text)))
        if conn.dialect.name == "postgresql" else
        key.in_(select(column("value")).select_from(func.json_each(bindparam("keys"))))))
    return list(conn.execute(stmt, {"keys": list(keys) if conn.dialect.name == "postgresql"
                                    else json.dumps(list(keys))}).all())


def _insert(dialect: Dialect, table: Table) -> Any:
    if dialect.name == "postgresql":
        return postgresql.insert(table)
    if dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the gateway supports SQLite and PostgreSQL, not "
                              f"{dialect.name}")


# PostgreSQL: each column is one array parameter, written as an array literal here
# (psycopg adapts lists element by element, several microseconds a row) and cast to
# the type without length or scale, so that the column's own type still checks the
# values as on an ordinary INSERT: an over-long text is refused, not cut, and a
# numeric is rounded to the column's scale.
def _array(values: Sequence[Any], element: Callable[[Any], str]) -> str:
    return "{" + ",".join(["NULL" if v is None else element(v) for v in values]) + "}"


def _quoted(value: Any) -> str:
    # Quoted, an element is taken as it is but for backslash and double quote.
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _boolean(value: Any) -> str:
    return "t" if value else "f"


def _iso(value: Any) -> str:
    return str(value.isoformat())


_ARRAYS: tuple[tuple[type[TypeEngine[Any]], Callable[[TypeEngine[Any]], TypeEngine[Any]],
                     Callable[[Any], str]], ...] = (
    (Boolean, lambda t: Boolean(), _boolean),
    (Integer, lambda t: BigInteger(), str),
    (Numeric, lambda t: Numeric(), str),
    (String, lambda t: Text(), _quoted),
    (DateTime, lambda t: DateTime(timezone=getattr(t, "timezone", False)), _iso),
    (Date, lambda t: Date(), _iso),
)


def _array_of(column_type: TypeEngine[Any]) -> tuple[TypeEngine[Any], Callable[[Any], str]]:
    """The element type a column is sent as on PostgreSQL, and how a value is written."""
    affinity = column_type._type_affinity
    impl = getattr(column_type, "impl_instance", column_type)
    for kind, element_type, write in _ARRAYS:
        if affinity is not None and issubclass(affinity, kind):
            return element_type(impl), write
    raise NotImplementedError(f"Bulk cannot send {column_type!r} to PostgreSQL")


def _memoized(process: Callable[[Any], Any]) -> Callable[[Sequence[Any]], list[Any]]:
    """A bind processor applied once per distinct value: dates repeat, one or two to
    a document, and SQLite's is a Python function formatting each one."""
    def encode(values: Sequence[Any]) -> list[Any]:
        done = {value: process(value) for value in set(values)}
        return list(map(done.__getitem__, values))
    return encode


def _mapped(process: Callable[[Any], Any]) -> Callable[[Sequence[Any]], list[Any]]:
    def encode(values: Sequence[Any]) -> list[Any]:
        return list(map(process, values))
    return encode


def _then(first: Callable[[Sequence[Any]], list[Any]] | None,
          then: Callable[[Sequence[Any]], Any]) -> Callable[[Sequence[Any]], Any]:
    if first is None:
        return then
    return lambda values: then(first(values))


@dataclass(slots=True)
class _Compiled:
    sql: str
    # How to send each column (its index), when it is not sent as it is.
    encoders: list[tuple[int, Callable[[Sequence[Any]], Any]]]
    postgresql: bool


@dataclass(eq=False)
class Bulk:
    """Many rows into one table in one statement, every column given in every row.

    ``conflict`` names the unique columns of ``ON CONFLICT``: with ``update`` (the
    SET clause, from the dialect's insert, as ``on_conflict_do_update`` takes it)
    conflicting rows are updated, without it they are skipped. On PostgreSQL
    the rows of one call are one statement, so they must not conflict with one
    another when ``update`` is given.
    """

    table: Table
    conflict: tuple[str, ...] = ()
    update: Callable[[Any], Mapping[str, Any]] | None = None
    columns: tuple[str, ...] = field(init=False)
    _row: Callable[[Mapping[str, Any]], tuple[Any, ...]] = field(init=False, repr=False)
    _compiled: dict[tuple[str, str, str], _Compiled] = field(init=False, default_factory=dict,
                                                            repr=False)

    def __post_init__(self) -> None:
        auto = self.table.autoincrement_column
        self.columns = tuple(c.key for c in self.table.columns if c is not auto)
        if len(self.columns) < 2:
            raise ValueError("Bulk needs at least two columns")
        self._row = itemgetter(*self.columns)

    def run(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (mappings with a value for every column)."""
        if not rows:
            return
        dialect = conn.dialect
        kind = (dialect.name, dialect.driver, dialect.paramstyle)
        compiled = self._compiled.get(kind)
        if compiled is None:
            compiled = self._compiled[kind] = self._compile(dialect)
        # Row-wise to column-wise, each column encoded whole (bind processors; array
        # literals on PostgreSQL): no Python-level loop per value but in the encoders.
        columns: list[Any] = list(zip(*map(self._row, rows), strict=True))
        for index, encode in compiled.encoders:
            columns[index] = encode(columns[index])
        if compiled.postgresql:
            conn.exec_driver_sql(compiled.sql, dict(zip(self.columns, columns, strict=True)))
        else:
            conn.exec_driver_sql(compiled.sql, list(zip(*columns, strict=True)))

    def _compile(self, dialect: Dialect) -> _Compiled:
        table, names = self.table, list(self.columns)
        postgres = dialect.name == "postgresql"
        if postgres:
            arrays = [_array_of(table.c[name].type) for name in names]
            source: Any = select(literal_column("*")).select_from(func.unnest(*[
                cast(bindparam(name), postgresql.ARRAY(element_type))
                for name, (element_type, _) in zip(names, arrays, strict=True)]))
            stmt = _insert(dialect, table).from_select(names, source)
        else:
            stmt = _insert(dialect, table)
        if self.conflict and self.update is not None:
            stmt = stmt.on_conflict_do_update(index_elements=list(self.conflict),
                                              set_=dict(self.update(stmt)))
        elif self.conflict:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(self.conflict))
        compiled = stmt.compile(dialect=dialect, column_keys=names)
        sent = compiled.positiontup if dialect.positional else list(compiled.binds)
        if list(sent or ()) != names:
            raise AssertionError(f"unexpected parameters in {compiled.string}")
        encoders: list[tuple[int, Callable[[Sequence[Any]], Any]]] = []
        for index, name in enumerate(names):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            processed = None
            if process is not None:
                dates = column_type._type_affinity is Date
                processed = (_memoized if dates else _mapped)(process)
            if postgres:
                write = arrays[index][1]
                encoders.append((index, _then(processed, partial(_array, element=write))))
            elif processed is not None:
                encoders.append((index, processed))
        return _Compiled(compiled.string, encoders, postgres)
