"""``edi-gateway ingest FILE... [--database URL] [--workers N]``: map and store files.

Prints one JSON line per file: what was stored from each message, or why not,
written as the messages are stored. A file is read from disk as it is stored,
never held whole (standard input or a pipe is first copied to a temporary file).
A large file is shared among worker processes (one per core by default; see
:func:`gateway.pipeline.ingest.worker_count`); ``--workers 1`` keeps it in one.
The database is migrated to the current schema first. Exit 0 when every
message was stored (or was a duplicate or an acknowledgement), 1 otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from gateway.cli.inputs import (
    InputTooLarge,
    add_limit_option,
    open_input,
    reason,
)
from gateway.cli.jsonlines import Later, json_line, write_json_line
from gateway.cli.partners import add_partners_option, overlays_for


def register(commands: Any) -> None:
    p = commands.add_parser("ingest", help="map files to business documents and store them")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: the embedded SQLite file var/gateway.db)")
    p.add_argument("--partner", metavar="NAME",
                   help="apply the mapping overlays of this partner's profile")
    add_partners_option(p)
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="processes sharing a large file (default: one per core, up to 4, "
                        "for files of 2 MB and more)")
    p.add_argument("--mappings", type=Path, help=argparse.SUPPRESS)
    add_limit_option(p)
    p.set_defaults(handler=cmd_ingest)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def cmd_ingest(args: argparse.Namespace) -> int:
    from gateway.db.migrate import open_database
    from gateway.mapping.inbound import MappingError
    from gateway.mapping.registry import DEFAULT_ROOT, load_mappings
    from gateway.partners.profile import ProfileError
    from gateway.pipeline.ingest import ingesting
    from gateway.traffic.models import MessageStatus

    # A database that cannot be used is said before the mappings are loaded.
    engine = open_database(args.database)
    try:
        mappings = load_mappings(args.mappings or DEFAULT_ROOT,
                                 overlays_for(args.partners, args.partner))
    except (MappingError, ProfileError) as err:
        engine.dispose()
        print(f"edi-gateway ingest: {err}", file=sys.stderr)
        return 2
    ok = {MessageStatus.STORED, MessageStatus.DUPLICATE, MessageStatus.SKIPPED}
    worst = 0
    for path in args.files:
        try:
            with _on_disk(path, args.max_size) as found:
                run = ingesting(engine, found, path, mappings, workers=args.workers)
                seen = Counter[bool]()  # messages stored (or as good), and not
                # The line is written a message at a time, as they are stored, never
                # built whole in memory.
                write_json_line(sys.stdout, {
                    "path": path, "already_ingested": run.already,
                    "messages": _counted(run.outcomes, ok, seen),
                    "reason": Later(partial(_why_none, run, seen))})
        except (OSError, InputTooLarge) as err:
            print(json_line({"path": path, "error": f"cannot read: {reason(err)}"}))
            worst = 2
            continue
        if not seen.total() or seen[False]:
            worst = max(worst, 1)
    engine.dispose()
    return worst


def _why_none(run: Any, seen: Counter[bool]) -> str | None:
    """Why a file gave no message at all (known once its messages are read); None
    where it gave some, or was ingested before."""
    if seen.total() or run.already:
        return None
    found = [i for i in run.issues if i.severity.value == "error"] or list(run.issues)
    if found:
        return f"no messages: {found[0].message}"
    return "no messages: the file holds no EDIFACT, X12 or XML message"


def _counted(outcomes: Iterator[Any], ok: set[Any], seen: Counter[bool]
             ) -> Iterator[dict[str, Any]]:
    for outcome in outcomes:
        seen[outcome.status in ok] += 1
        yield outcome.to_json()


@contextmanager
def _on_disk(path: str, limit: int) -> Iterator[Path]:
    """``path`` as a regular file the ingest can read, and read again in each
    worker: itself, or a temporary copy of standard input, a pipe or a device
    (made through the size limit, removed afterwards)."""
    with open_input(path, limit) as source:
        if path != "-" and stat.S_ISREG(Path(path).stat().st_mode):
            yield Path(path)
            return
        with tempfile.NamedTemporaryFile(prefix="edi-gateway-ingest-") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
            copy.flush()
            yield Path(copy.name)
