"""End-to-end ingest throughput against parse-only, on SQLite and PostgreSQL.

Run by hand::

    .venv/bin/python bench/ingest_throughput.py [--orders 10000] [--lines 20]

Generates one interchange of purchase orders (EDIFACT ORDERS D96A, twenty
lines each, as bench/generate.py writes them) and, in the same run, times:

- ``parse only``: reading the same bytes a message at a time (the baseline);
- ``validate + map``: schema validation and mapping to purchase orders, no database;
- ``ingest SQLite``: the whole pipeline into a fresh embedded database file;
- ``ingest PostgreSQL``: the same into a fresh database on 127.0.0.1:5432
  (skipped with a note when no server answers).

Each ingest runs twice: in one process, and shared among the worker processes
the gateway would use by default (one per core; see
``gateway.pipeline.ingest.worker_count``). It prints orders/s, rows/s and the
ratio of (ingest - parse) to parse: what validating, mapping and storing cost on
top of reading. Targets: at least 1,000 orders/s
into SQLite; mapping and storing together at most three times parsing.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from bench.generate import edifact_orders
from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.db.models import metadata
from gateway.edi.envelope import Scope
from gateway.edi.reader import MessageRead, stream
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Context, Schemas, check_message
from gateway.mapping.convert import map_message
from gateway.mapping.registry import Mappings, load_mappings
from gateway.pipeline.ingest import ingest, worker_count

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support")


def parse_only(data: bytes) -> int:
    return sum(isinstance(e, MessageRead) for e in stream(io.BytesIO(data)))


def validate_and_map(data: bytes, mappings: Mappings) -> int:
    schemas = Schemas(load_directory)
    mapped = 0
    for event in stream(io.BytesIO(data)):
        if isinstance(event, MessageRead):
            ic, message = event.interchange, event.message
            _, placed = check_message(message, Context(Scope(), ic.delimiters.decimal,
                                                       ic.standard), schemas)
            result = map_message(message, ic.standard, ic.delimiters.decimal, mappings,
                                 placed)
            mapped += result.document is not None
    return mapped


def rows_in(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        total = sum(conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables)
    engine.dispose()
    return total


def timed(label: str, orders: int, run: object, rows: int | None = None) -> float:
    assert callable(run)
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    extra = f" {rows / seconds:10.0f} rows/s" if rows is not None else ""
    print(f"  {label:<22} {seconds:7.2f} s {orders / seconds:8.0f} orders/s{extra}")
    return seconds


def postgres() -> tuple[str, object] | None:
    for user in ("postgres", "root"):
        admin = create_engine(f"postgresql+psycopg://{user}@127.0.0.1:5432/test",
                              isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                name = f"gateway_bench_{uuid.uuid4().hex[:10]}"
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            return f"postgresql+psycopg://{user}@127.0.0.1:5432/{name}", admin
        except OperationalError:
            admin.dispose()
    return None


def ingest_into(url: str, data: bytes, mappings: Mappings, *, label: str, orders: int,
                parse: float, workers: int | None) -> None:
    engine = make_engine(url)
    upgrade(engine)
    count = worker_count(engine, len(data)) if workers is None else workers
    start = time.perf_counter()
    ingest(engine, data, "bench.edi", mappings, workers=count)
    seconds = time.perf_counter() - start
    engine.dispose()
    rows = rows_in(url)
    name = f"{label}, {count} worker{'s' if count > 1 else ''}"
    print(f"  {name:<30} {seconds:7.2f} s {orders / seconds:8.0f} orders/s "
          f"{rows / seconds:10.0f} rows/s  ({rows} rows)  "
          f"(ingest - parse) / parse: {(seconds - parse) / parse:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=20)
    args = parser.parse_args()
    data = edifact_orders(args.orders, args.lines)
    mappings = load_mappings()
    print(f"{args.orders} purchase orders of {args.lines} lines: {len(data) / 1e6:.1f} MB")
    parse = timed("parse only", args.orders, lambda: parse_only(data))
    timed("validate + map", args.orders, lambda: validate_and_map(data, mappings))
    with tempfile.TemporaryDirectory() as folder:
        for workers in (1, None):
            url = f"sqlite:///{folder}/bench-{workers}.db"
            ingest_into(url, data, mappings, label="ingest SQLite", orders=args.orders,
                        parse=parse, workers=workers)
    print("  targets: >= 1000 orders/s into SQLite; (ingest - parse) / parse <= 3")
    for workers in (1, None):
        found = postgres()
        if found is None:
            print("  ingest PostgreSQL: skipped, no server answers at 127.0.0.1:5432")
            return
        url, admin = found
        try:
            ingest_into(url, data, mappings, label="ingest PostgreSQL", orders=args.orders,
                        parse=parse, workers=workers)
        finally:
            name = url.rsplit("/", 1)[1]
            with admin.connect() as conn:  # type: ignore[attr-defined]
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
