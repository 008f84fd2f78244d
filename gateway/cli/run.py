"""``edi-gateway run``: the gateway's inbound job on embedded defaults.

Brings the embedded SQLite database (``var/gateway.db``, or ``--database``) to
the current schema, then takes every file of a folder (the project's
``samples/`` unless another is given) through the inbound pipeline: archived
by content hash, detected, validated, mapped and stored. It prints one line
per message and a summary of what the tables now hold. Run twice, it recognises the files it already
has. Every file is looked at, whatever its name: those that are not EDIFACT,
X12 or XML (the expected JSON beside the samples, a README) are counted as not
taken, never skipped without a word. Of the project's own samples it takes the
stories (``edifact/``, ``x12/``, ``ubl/``, ``cxml/``): ``schema/`` and ``broken/``
are test fixtures that reuse the stories' numbers in other versions and would
stand in for the story's own files. The exit status is 1 when any message
could not be stored or any EDI or XML file could not be read, else 0. The
running gateway, with partners, channels and acknowledgements, is ``serve``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# The folders of samples/ that tell the stories (see samples/README.md).
STORIES = ("cxml", "edifact", "ubl", "x12")
# Tables worth a line in the summary, in the order a reader expects them.
SUMMARY_TABLES = ("inbound_files", "inbound_messages", "purchase_orders", "purchase_order_lines",
                  "order_responses", "despatch_advices", "receipts", "invoices",
                  "invoice_matches", "inventory_reports", "inventory_balances", "sales_history",
                  "forecasts", "forecast_lines")


def register(commands: Any) -> None:
    p = commands.add_parser("run", help="run the inbound job on the embedded defaults")
    p.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES,
                   help="folder of files to take in (default: the project's samples/)")
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: the embedded SQLite file var/gateway.db)")
    p.set_defaults(handler=cmd_run)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _summary(engine: Engine) -> list[str]:
    from sqlalchemy import func, select

    from gateway.db.models import metadata

    lines = []
    with engine.connect() as conn:
        for name in SUMMARY_TABLES:
            table = metadata.tables.get(name)
            if table is None:
                continue
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            lines.append(f"{name:<22} {count:>8}")
    return lines


def cmd_run(args: argparse.Namespace) -> int:
    folder: Path = args.samples
    if not folder.is_dir():
        print(f"edi-gateway run: {folder} is not a folder")
        return 2
    from gateway.db.engine import DEFAULT_URL, make_engine
    from gateway.db.migrate import upgrade
    from gateway.edi.detect import SAMPLE, UNKNOWN, detect
    from gateway.mapping.registry import load_mappings
    from gateway.pipeline.ingest import ingest

    mappings = load_mappings()
    engine = make_engine(args.database or DEFAULT_URL)
    upgrade(engine)
    statuses: Counter[str] = Counter()
    files = _files(folder)
    if folder.resolve() == DEFAULT_SAMPLES.resolve():
        files = [p for p in files if p.relative_to(folder).parts[0] in STORIES]
    taken = 0
    for path in files:
        data = path.read_bytes()
        shown = path.relative_to(folder).as_posix()
        if detect(data[:SAMPLE]).standard == UNKNOWN:
            statuses["not EDI or XML"] += 1
            continue
        taken += 1
        result = ingest(engine, data, shown, mappings)
        if result.already:
            print(f"= {shown}: already taken in")
            statuses["already"] += 1
            continue
        if not result.messages:
            reason = result.issues[0].message if result.issues else "nothing to read"
            print(f"! {shown}: {reason}")
            statuses["unreadable"] += 1
            continue
        for message in result.messages:
            mark = {"stored": "+", "duplicate": "=", "skipped": "-"}.get(message.status, "!")
            unread = ", ".join(f"{tag} {n}" for tag, n in message.unread.items())
            print(f"{mark} {shown} #{message.position} {message.message_type}: "
                  f"{message.detail}" + (f" (not read: {unread})" if unread else ""))
            statuses[message.status] += 1
    print(f"\n{taken} of the {len(files)} files in {folder} taken into "
          f"{engine.url.render_as_string()} ({statuses.pop('not EDI or XML', 0)} are not "
          "EDIFACT, X12 or XML):")
    print("  " + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())))
    for line in _summary(engine):
        print("  " + line)
    engine.dispose()
    failed = statuses["unreadable"] + statuses["failed"]
    return 1 if failed else 0
