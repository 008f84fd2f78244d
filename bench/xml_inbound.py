"""Per-file cost of XML through ``ingest()`` and the service's inbound flow, with the
rules level (Schematron, guide rules) against the schema level they used to stop at.

Run by hand::

    .venv/bin/python bench/xml_inbound.py [--files 40] [--repeat 3]

Makes ``--files`` distinct copies of the distributor's Peppol order
(``samples/ubl/Order_distributor.xml``, a new order number each) and of the
Peppol invoice (``samples/ubl/Invoice.xml``, a new invoice number each) and, in
the same run, times per file:

- ``validate schema`` / ``validate rules``: :func:`gateway.edi.report.inspect`
  alone at each level (the checking without storing);
- ``ingest, schema level`` (the baseline: what ingest did before it ran the
  rules) and ``ingest, rules level`` (what it does now):
  :func:`gateway.pipeline.ingest.ingest` into a fresh SQLite database;
- ``service, schema level`` and ``service, rules level``: the service's inbound
  flow in the process, as the HTTP channel runs it for the distributor (record
  the file, claim, validate, route, store, number and send the MLR), on a fresh
  SQLite database; the orders only (the distributor has no inbound invoice
  agreement).

The schema-level runs swap the level the pipeline asks :func:`inspect` for; the
rules are compiled once per process, before any timing (the first-file cost is
printed apart). Each figure is the best of ``--repeat`` rounds, the contenders
taking turns within a round.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.edi.issues import Level
from gateway.edi.report import inspect
from gateway.jobs.service import Settings, open_gateway
from gateway.mapping.registry import load_mappings
from gateway.pipeline import inbound
from gateway.pipeline import ingest as ingest_module
from gateway.pipeline.inbound import claim_and_process, receive
from gateway.pipeline.outbound import send_due
from gateway.transports.base import Incoming

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support")
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "ubl"


def copies(sample: str, number: str, count: int, tag: str) -> list[bytes]:
    """``count`` copies of a sample, its document number ``number`` made unique."""
    text = (SAMPLES / sample).read_text("utf-8")
    assert f"<cbc:ID>{number}</cbc:ID>" in text
    return [re.sub(f"<cbc:ID>{re.escape(number)}</cbc:ID>",
                   f"<cbc:ID>{tag}-{uuid.uuid4().hex[:12]}-{n}</cbc:ID>", text, count=1)
            .encode("utf-8") for n in range(count)]


class AskedLevel:
    """The level the pipeline modules ask :func:`inspect` for, swapped while timing."""

    def __init__(self, level: Level | None) -> None:
        self.level = level

    def __enter__(self) -> None:
        if self.level is None:
            return

        def forced(data: bytes, *, level: Level = Level.SCHEMA, **kwargs: Any) -> Any:
            return inspect(data, level=self.level if level >= Level.SCHEMA else level,
                           **kwargs)
        ingest_module.inspect = forced  # type: ignore[assignment]
        inbound.inspect = forced  # type: ignore[assignment]

    def __exit__(self, *_: object) -> None:
        ingest_module.inspect = inspect
        inbound.inspect = inspect


def per_file(files: list[bytes], run: Callable[[bytes], object]) -> float:
    start = time.perf_counter()
    for data in files:
        run(data)
    return (time.perf_counter() - start) / len(files) * 1000


def ingest_run(folder: Path, files: list[bytes], level: Level | None) -> float:
    engine = make_engine(f"sqlite:///{folder / uuid.uuid4().hex}.db")
    upgrade(engine)
    mappings = load_mappings()
    with AskedLevel(level):
        found = per_file(files, lambda data: _stored(ingest_module.ingest(
            engine, data, "bench.xml", mappings, workers=1), level))
    engine.dispose()
    return found


def _stored(result: Any, level: Level | None) -> None:
    bad = [m for m in result.messages if m.status != "stored"]
    if bad:
        raise SystemExit(f"not stored at {level}: {bad[0].status} {bad[0].issues[:2]}")


def service_run(folder: Path, files: list[bytes], level: Level | None) -> float:
    opened = open_gateway(Settings(var=folder / uuid.uuid4().hex))
    gw = opened.gateway

    def one(data: bytes) -> None:
        pickup = f"http:scheldt-distribution/{uuid.uuid4().hex}"
        received = receive(gw, Incoming("http:scheldt-distribution", "order.xml", pickup,
                                        data, datetime.now(UTC)), "scheldt-distribution")
        outcome = claim_and_process(gw, received.file_id)
        send_due(gw)
        if outcome is None or outcome.status != "processed":
            raise SystemExit(f"not processed at {level}: {outcome}")

    try:
        with AskedLevel(level):
            return per_file(files, one)
    finally:
        opened.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40, help="files per contender")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    orders = copies("Order_distributor.xml", "SD-2024-0311", args.files * 40, "SD")
    invoices = copies("Invoice.xml", "INV-2024-031907", args.files * 40, "INV")
    start = time.perf_counter()
    for data in (orders[0], invoices[0]):
        inspect(data, level=Level.RULES)
    print(f"first documents at the rules level (compiling the schemas and rules): "
          f"{time.perf_counter() - start:.2f} s")
    contenders: dict[str, tuple[str, Callable[[Path, list[bytes]], float]]] = {}
    for kind in ("order", "invoice"):
        for level in (Level.SCHEMA, Level.RULES):
            contenders[f"{kind}: validate {level.name.lower()}"] = (
                kind, lambda _f, files, lv=level: per_file(
                    files, lambda data, lv=lv: inspect(data, level=lv)))
        contenders[f"{kind}: ingest, schema level (baseline)"] = (
            kind, lambda f, files: ingest_run(f, files, Level.SCHEMA))
        contenders[f"{kind}: ingest, rules level"] = (
            kind, lambda f, files: ingest_run(f, files, None))
    contenders["order: service, schema level"] = (
        "order", lambda f, files: service_run(f, files, Level.SCHEMA))
    contenders["order: service, rules level"] = (
        "order", lambda f, files: service_run(f, files, None))
    best: dict[str, float] = {}
    used = {"order": 0, "invoice": 0}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            for name, (kind, run) in contenders.items():
                pool = orders if kind == "order" else invoices
                files = pool[used[kind]:used[kind] + args.files]
                used[kind] += args.files
                found = run(Path(folder), files)
                best[name] = min(best.get(name, found), found)
    print(f"\nms per file, best of {args.repeat} rounds of {args.files} files")
    for kind in ("order", "invoice"):
        base = best[f"{kind}: ingest, schema level (baseline)"]
        for name, value in best.items():
            if name.startswith(kind):
                print(f"  {name:42} {value:8.1f} ms  {value / base:5.2f} x ingest at schema")
    service = best["order: service, schema level"]
    print(f"  service, rules / schema level: {best['order: service, rules level'] / service:.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
