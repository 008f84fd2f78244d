"""``edi-gateway ingest FILE... [--database URL] [--workers N]``: map and store files.

Prints one JSON line per file: what was stored from each message, or why not.
A large file is shared among worker processes (one per core by default; see
:func:`gateway.pipeline.ingest.worker_count`); ``--workers 1`` keeps it in one.
The database is migrated to the current schema first. Exit 0 when every
message was stored (or was a duplicate or an acknowledgement), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gateway.cli.inputs import (
    WHOLE_LIMIT,
    InputTooLarge,
    add_limit_option,
    read_input,
    reason,
)
from gateway.cli.jsonlines import json_line, write_json_line
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
    add_limit_option(p, WHOLE_LIMIT)
    p.set_defaults(handler=cmd_ingest)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def _no_messages(result: Any) -> str:
    """Why a file gave no message: the first problem found in it, in words."""
    if result.already:
        return "this file was already ingested, and it held no message then"
    blocking = [issue for issue in result.issues if issue.blocking]
    found = blocking or result.issues
    if found:
        return f"no messages: {found[0].message}"
    return "no messages: the file holds no EDIFACT or X12 message and no UBL or cXML document"


def cmd_ingest(args: argparse.Namespace) -> int:
    from gateway.db.migrate import open_database
    from gateway.mapping.inbound import MappingError
    from gateway.mapping.registry import DEFAULT_ROOT, load_mappings
    from gateway.partners.profile import ProfileError
    from gateway.pipeline.ingest import ingest
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
    worst = 0
    for path in args.files:
        try:
            data = read_input(path, args.max_size)
        except (OSError, InputTooLarge) as err:
            print(json_line({"path": path, "error": f"cannot read: {reason(err)}"}))
            worst = 2
            continue
        result = ingest(engine, data, path, mappings, workers=args.workers)
        ok = {MessageStatus.STORED, MessageStatus.DUPLICATE, MessageStatus.SKIPPED}
        if not result.messages or any(m.status not in ok for m in result.messages):
            worst = max(worst, 1)
        line: dict[str, Any] = {"path": path, "already_ingested": result.already,
                                "messages": (m.to_json() for m in result.messages)}
        if not result.messages:  # nothing stored: why, never a bare empty list
            line["reason"] = _no_messages(result)
        # The line is written a message at a time, never built whole in memory.
        write_json_line(sys.stdout, line)
    engine.dispose()
    return worst
