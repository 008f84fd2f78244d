"""End-to-end ingest throughput against parse-only, on SQLite and PostgreSQL.

Run by hand::

    .venv/bin/python bench/ingest_throughput.py [--orders 10000] [--lines 20] [--repeat 1]

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

With ``--repeat N`` everything runs N rounds, one of each per round, and each
figure is the best of its rounds: on a shared host a busy spell then falls on
the baseline and the ingests alike.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def postgres() -> tuple[str, Any] | None:
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


def ingest_into(url: str, data: bytes, mappings: Mappings, workers: int | None
                ) -> tuple[float, int, int]:
    """Seconds, rows stored and workers used for one ingest into a fresh ``url``."""
    engine = make_engine(url)
    upgrade(engine)
    count = worker_count(engine, len(data)) if workers is None else workers
    start = time.perf_counter()
    ingest(engine, data, "bench.edi", mappings, workers=count)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, rows_in(url), count


def ingest_postgres(data: bytes, mappings: Mappings, workers: int | None
                    ) -> tuple[float, int, int] | None:
    found = postgres()
    if found is None:
        return None
    url, admin = found
    try:
        return ingest_into(url, data, mappings, workers)
    finally:
        name = url.rsplit("/", 1)[1]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds; each figure is the best of them")
    args = parser.parse_args()
    data = edifact_orders(args.orders, args.lines)
    mappings = load_mappings()
    orders = args.orders
    print(f"{orders} purchase orders of {args.lines} lines: {len(data) / 1e6:.1f} MB, "
          f"best of {args.repeat} round(s)")
    best: dict[str, tuple[float, int, int]] = {}
    no_postgres = False

    def keep(label: str, found: tuple[float, int, int] | None) -> None:
        if found is not None and (label not in best or found[0] < best[label][0]):
            best[label] = found

    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.repeat):
            # One of each per round, so a busy spell of the host falls on all alike.
            keep("parse only", (timed(lambda: parse_only(data)), 0, 1))
            keep("validate + map", (timed(lambda: validate_and_map(data, mappings)), 0, 1))
            for workers in (1, None):
                url = f"sqlite:///{folder}/bench-{round_}-{workers}.db"
                keep(f"ingest SQLite {workers}", ingest_into(url, data, mappings, workers))
            for workers in (1, None):
                found = ingest_postgres(data, mappings, workers)
                no_postgres = found is None
                keep(f"ingest PostgreSQL {workers}", found)
    parse = best["parse only"][0]
    for label in ("parse only", "validate + map"):
        seconds = best[label][0]
        print(f"  {label:<30} {seconds:7.2f} s {orders / seconds:8.0f} orders/s")
    for label, (seconds, rows, count) in best.items():
        if not label.startswith("ingest"):
            continue
        name = f"{label.rsplit(' ', 1)[0]}, {count} worker{'s' if count > 1 else ''}"
        print(f"  {name:<30} {seconds:7.2f} s {orders / seconds:8.0f} orders/s "
              f"{rows / seconds:10.0f} rows/s  ({rows} rows)  "
              f"(ingest - parse) / parse: {(seconds - parse) / parse:5.2f}")
    if no_postgres:
        print("  ingest PostgreSQL: skipped, no server answers at 127.0.0.1:5432")
    print("  targets: >= 1000 orders/s into SQLite; (ingest - parse) / parse <= 3")


if __name__ == "__main__":
    main()
