"""``convert``, ``check-mappings``: business documents across formats.

``convert FILE --to edifact|x12|ubl|cxml|json`` reads every message of FILE
through its inbound mapping and writes the documents in the target form;
``json`` prints the canonical business documents, one per line.
``check-mappings`` compiles every mapping file and reports the first mistake.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.cli.inputs import (
    WHOLE_LIMIT,
    InputTooLarge,
    add_limit_option,
    read_input,
    reason,
)
from gateway.cli.jsonlines import json_line
from gateway.cli.partners import add_partners_option, overlays_for
from gateway.errors import UsageError

if TYPE_CHECKING:
    from gateway.mapping.registry import Mappings

TARGETS = ("edifact", "x12", "ubl", "cxml", "json")


def register(commands: Any) -> None:
    p = commands.add_parser("convert", help="convert a file's documents to another format")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--to", required=True, choices=TARGETS, dest="target")
    p.add_argument("--version", help="target version (default: D96A, 004010, 2.1, 1.2)")
    p.add_argument("--partner", metavar="NAME",
                   help="apply the mapping overlays of this partner's profile")
    add_partners_option(p)
    p.add_argument("--mappings", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--output", "-o", type=Path,
                   help="write here (XML targets: a folder when there are several documents)")
    p.add_argument("--control-number", type=int, default=1, metavar="N")
    p.add_argument("--now", type=datetime.fromisoformat, metavar="ISO-8601")
    add_limit_option(p, WHOLE_LIMIT)
    p.set_defaults(handler=cmd_convert)

    p = commands.add_parser("check-mappings", help="compile every mapping file")
    p.add_argument("--partner", metavar="NAME",
                   help="also check the overlays of this partner's profile")
    add_partners_option(p)
    p.add_argument("--mappings", type=Path, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_check)


def _mappings(args: argparse.Namespace) -> Mappings:
    """The mappings the command reads (the shipped ones unless --mappings names others)."""
    from gateway.mapping.registry import DEFAULT_ROOT, load_mappings

    return load_mappings(args.mappings or DEFAULT_ROOT, overlays_for(args.partners, args.partner))


def cmd_check(args: argparse.Namespace) -> int:
    from gateway.mapping.inbound import MappingError
    from gateway.partners.profile import ProfileError

    try:
        mappings = _mappings(args)
    except (MappingError, ProfileError) as err:
        print(f"edi-gateway check-mappings: {err}", file=sys.stderr)
        return 1
    print(f"{len(mappings.files)} mapping files compiled: {len(mappings.inbound)} inbound "
          f"(with the versions they also read), {len(mappings.outbound)} outbound.")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    try:
        data = read_input(args.file, args.max_size)
    except (OSError, InputTooLarge) as err:
        print(f"edi-gateway convert: cannot read {args.file}: {reason(err)}", file=sys.stderr)
        return 2
    from gateway.edi.issues import Level
    from gateway.edi.report import inspect
    from gateway.mapping.convert import documents, written_issues
    from gateway.mapping.inbound import MappingError
    from gateway.partners.profile import ProfileError

    try:
        mappings = _mappings(args)
    except (MappingError, ProfileError) as err:
        print(f"edi-gateway convert: {err}", file=sys.stderr)
        return 2
    report = inspect(data, level=Level.ENVELOPE)
    for issue in report.issues:
        if issue.blocking:
            print(f"edi-gateway convert: {args.file}: {issue}", file=sys.stderr)
    mapped = documents(report, mappings)
    failed = False
    docs = []
    for item in mapped:
        for issue in item.issues:
            print(f"edi-gateway convert: {item.message_type} {item.reference}: {issue}",
                  file=sys.stderr)
        if item.document is None:
            failed = True
        else:
            # A value that could not be read is left out of the document: said above,
            # and the exit status says the conversion is not whole.
            failed = failed or any(issue.blocking for issue in item.issues)
            docs.append(item.document)
    if not docs:
        print(f"edi-gateway convert: no document could be read from {args.file}",
              file=sys.stderr)
        return 1
    try:
        outputs = _render(docs, args, mappings)
    except UsageError as err:
        print(f"edi-gateway convert: {err}", file=sys.stderr)
        return 2
    _write(outputs, args)
    if args.target in ("edifact", "x12"):
        # Written all the same, to be looked at; the exit status says it must not go out.
        for issue in (i for out in outputs for i in written_issues(out)):
            failed = True
            print(f"edi-gateway convert: the {args.target.upper()} written breaks its "
                  f"standard: {issue}", file=sys.stderr)
    return 1 if failed else 0


def _render(docs: list[Any], args: argparse.Namespace, mappings: Any) -> list[bytes]:
    from gateway.mapping.convert import (
        DEFAULT_VERSIONS,
        EnvelopeOptions,
        to_edifact,
        to_x12,
        to_xml,
    )

    target = args.target
    if target == "json":
        return [(json_line(d.model_dump(mode="json", exclude_none=True))
                 + "\n").encode("utf-8") for d in docs]
    version = args.version or DEFAULT_VERSIONS[target]
    if target in ("ubl", "cxml"):
        return [to_xml(d, mappings, target, version) for d in docs]
    options = EnvelopeOptions(now=args.now or datetime.now(UTC), control=args.control_number)
    writer = to_edifact if target == "edifact" else to_x12
    return [writer(docs, mappings, version, options)]


def _write(outputs: list[bytes], args: argparse.Namespace) -> None:
    if args.output is None:
        sys.stdout.flush()
        for out in outputs:
            sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
        return
    if len(outputs) == 1 or args.target in ("json", "edifact", "x12"):
        args.output.write_bytes(b"".join(outputs))
        return
    args.output.mkdir(parents=True, exist_ok=True)
    for n, out in enumerate(outputs, 1):
        (args.output / f"document-{n}.xml").write_bytes(out)
