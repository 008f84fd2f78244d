"""Sustained files per second through the service's inbound flow, and the time from
start to the first acknowledgement, on SQLite and PostgreSQL.

Run by hand::

    .venv/bin/python bench/service_throughput.py [--files 300] [--repeat 1]

Puts ``--files`` distinct X12 850 interchanges (the Northwind sample, each with
its own control and order number) in the demo retailer's inbox and, in the
same run, times:

- ``ingest (library)``: :func:`gateway.pipeline.ingest.ingest` of the same files
  into a fresh SQLite database, one call per file: reading, validating, mapping
  and storing without the service (the baseline);
- ``service SQLite``: ``edi-gateway serve --once`` as a whole process, from the
  files in the folder to every 997 written in the outbox: folder in, archive,
  routing, duplicate claim, rows, acknowledgement numbered, archived and sent;
- ``service PostgreSQL``: the same on a fresh database on 127.0.0.1:5432
  (skipped with a note when no server answers);
- ``first ack``: one file dropped into the inbox of a service started for it,
  from the start of the process to the 997 appearing in the outbox.

It prints files/s and the ratio of each service run to the library baseline:
what the gateway's guarantees (archive first, states, acks) cost on top of
storing. With ``--repeat N`` each figure is the best of N rounds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.mapping.registry import load_mappings
from gateway.pipeline.ingest import ingest
from tests.pipeline.crowd import fill, order

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support")
POSTGRES = "postgresql+psycopg://{user}@127.0.0.1:5432/{database}"


def _serve(var: Path, database: str) -> float:
    """Seconds ``serve --once`` takes, as a whole process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gateway.cli.main", "serve", "--once", "--no-demo",
                    "--var", str(var), "--database", database], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _prepared(root: Path, database: str) -> Path:
    """A var folder whose database and folders exist, and the files in the inbox."""
    var = root / uuid.uuid4().hex
    _serve(var, database)  # creates the database, the folders; nothing to take
    return var


def library(count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/library.db")
        upgrade(engine)
        mappings = load_mappings()
        files = [order(n) for n in range(1, count + 1)]
        started = time.perf_counter()
        for n, data in enumerate(files, 1):
            ingest(engine, data, f"po-{n}.x12", mappings, workers=1)
        elapsed = time.perf_counter() - started
        engine.dispose()
    return elapsed


def service(count: int, database: str | None) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = database or f"sqlite:///{root}/service.db"
        var = _prepared(root, url)
        fill(var / "partners" / "nwretail" / "inbox", count)
        elapsed = _serve(var, url)
        outbox = var / "partners" / "nwretail" / "outbox"
        written = len(list(outbox.glob("997_*.x12")))
        if written != count:
            raise SystemExit(f"the service wrote {written} acknowledgements for {count} files")
    return elapsed


def first_ack() -> float:
    """From the start of ``serve --once`` to the first 997 in the outbox, one file."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = f"sqlite:///{root}/first.db"
        var = _prepared(root, url)
        fill(var / "partners" / "nwretail" / "inbox", 1)
        return _serve(var, url)


def _postgres() -> tuple[str, str, object] | None:
    for user in ("postgres", "root"):
        admin = create_engine(POSTGRES.format(user=user, database="test"),
                              isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text("select 1"))
        except OperationalError:
            admin.dispose()
            continue
        name = f"bench_service_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return POSTGRES.format(user=user, database=name), name, admin
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    best: dict[str, float] = {}
    pg = _postgres()
    try:
        for _ in range(max(args.repeat, 1)):
            runs = {"ingest (library)": lambda: library(args.files),
                    "service SQLite": lambda: service(args.files, None)}
            if pg is not None:
                url = pg[0]

                def fresh_pg(url: str = url) -> float:
                    engine = make_engine(url)
                    with engine.begin() as conn:
                        conn.execute(text("DROP SCHEMA public CASCADE"))
                        conn.execute(text("CREATE SCHEMA public"))
                    engine.dispose()
                    return service(args.files, url)

                runs["service PostgreSQL"] = fresh_pg
            runs["first ack"] = first_ack
            for name, run in runs.items():
                elapsed = run()
                best[name] = min(best.get(name, elapsed), elapsed)
    finally:
        if pg is not None:
            admin = pg[2]
            with admin.connect() as conn:  # type: ignore[attr-defined]
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg[1]}" WITH (FORCE)'))
            admin.dispose()  # type: ignore[attr-defined]
    baseline = best["ingest (library)"]
    print(f"{args.files} X12 850 files, best of {args.repeat}:")
    for name in ("ingest (library)", "service SQLite", "service PostgreSQL"):
        if name not in best:
            print(f"  {name:<20} skipped: no PostgreSQL server answers at 127.0.0.1:5432")
            continue
        seconds = best[name]
        line = f"  {name:<20} {args.files / seconds:8.1f} files/s  {seconds:7.2f} s  " \
            f"{seconds / baseline:5.2f} x the library"
        if name.startswith("service"):
            # Without the start-up every process pays (imports, schema check, profiles).
            steady = max(seconds - best["first ack"], 1e-9)
            line += f"; {args.files / steady:.1f} files/s once started"
        print(line)
    print(f"  {'first ack':<20} {best['first ack']:8.2f} s from the start of the process to "
          "the 997 in the outbox (one file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
