"""``convert``, ``check-mappings``: business documents across formats.

``convert FILE --to edifact|x12|ubl|cxml|json`` reads every message of FILE
through its inbound mapping and writes the documents in the target form;
``json`` prints the canonical business documents, one per line.
``check-mappings`` compiles every mapping file and reports the first mistake.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.cli.arguments import check_control_number, control_number
from gateway.cli.inputs import (
    InputTooLarge,
    Limited,
    add_limit_option,
    open_input,
    reason,
)
from gateway.cli.jsonlines import json_line
from gateway.cli.outputs import output_file, output_folder, write_output
from gateway.cli.partners import add_partners_option, overlays_for
from gateway.cli.progress import Progress, total_size
from gateway.errors import UsageError

if TYPE_CHECKING:
    from gateway.edi.report import Inspection
    from gateway.mapping.convert import Mapped
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
    p.add_argument("--control-number", type=control_number, default=1, metavar="N",
                   help="the control number of the interchange written (default 1)")
    p.add_argument("--now", type=datetime.fromisoformat, metavar="ISO-8601")
    add_limit_option(p)
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
    from gateway.mapping.inbound import MappingError
    from gateway.partners.profile import ProfileError

    try:
        mappings = _mappings(args)
    except (MappingError, ProfileError) as err:
        print(f"edi-gateway convert: {err}", file=sys.stderr)
        return 2
    check_control_number(args.control_number, args.target)
    if args.output is not None:  # checked before anything is read
        xml_folder = args.target in ("ubl", "cxml") and args.output.is_dir()
        (output_folder if xml_folder else output_file)(args.output)
    try:
        with open_input(args.file, args.max_size) as source:
            return _convert(source, mappings, args)
    except (OSError, InputTooLarge) as err:
        print(f"edi-gateway convert: cannot read {args.file}: {reason(err)}", file=sys.stderr)
        return 2


def _convert(source: Limited, mappings: Mappings, args: argparse.Namespace) -> int:
    """Read, map and write. The file is read as a stream: each message is mapped as
    it is read, and with ``--to json`` its document is written at once, so memory
    holds one message and its document; the other targets keep the documents
    until the file is read (one interchange, or one XML document each)."""
    from gateway.edi.issues import Level
    from gateway.edi.report import Inspection
    from gateway.mapping.convert import written_issues

    check = Inspection(source, level=Level.ENVELOPE)
    stream = args.target == "json"
    sink = _JsonLines(args) if stream else None
    failed = False
    docs: list[Any] = []
    count = 0
    try:
        with Progress(total_size([args.file]), unit="documents") as progress:
            for item in _mapped(check, mappings):
                progress.advance(source.count)
                for issue in item.issues:
                    print(f"edi-gateway convert: {item.message_type} {item.reference}: {issue}",
                          file=sys.stderr)
                if item.document is None:
                    failed = True
                    continue
                # A value that could not be read is left out of the document: said above,
                # and the exit status says the conversion is not whole.
                failed = failed or any(issue.blocking for issue in item.issues)
                count += 1
                if sink is not None:
                    sink.put(item.document)
                else:
                    docs.append(item.document)
    finally:
        if sink is not None:
            sink.close()
    for issue in check.issues():
        if issue.blocking:
            print(f"edi-gateway convert: {args.file}: {issue}", file=sys.stderr)
    if not count:
        print(f"edi-gateway convert: no document could be read from {args.file}",
              file=sys.stderr)
        return 1
    if stream:
        return 1 if failed else 0
    from gateway.mapping.templates import noting_cuts

    try:
        with noting_cuts() as cuts:
            outputs = _render(docs, args, mappings)
    except UsageError as err:
        print(f"edi-gateway convert: {err}", file=sys.stderr)
        return 2
    _write(outputs, args)
    for cut in cuts:  # written all the same; the exit status says it is not whole
        failed = True
        print(f"edi-gateway convert: not carried whole: {cut}", file=sys.stderr)
    if args.target in ("edifact", "x12"):
        # Written all the same, to be looked at; the exit status says it must not go out.
        for issue in (i for out in outputs for i in written_issues(out)):
            failed = True
            print(f"edi-gateway convert: the {args.target.upper()} written breaks its "
                  f"standard: {issue}", file=sys.stderr)
    return 1 if failed else 0


def _mapped(check: Inspection, mappings: Mappings) -> Iterator[Mapped]:
    """Each message of the file mapped to its document, as it is read."""
    from gateway.edi.report import MessageChecked
    from gateway.mapping.convert import documents, map_message

    xml = check.xml_report()
    if xml is not None:
        yield from documents(xml, mappings)
        return
    for event in check.events():
        if isinstance(event, MessageChecked):
            ic = event.interchange
            yield map_message(event.message, ic.standard, ic.delimiters.decimal, mappings)


class _JsonLines:
    """The canonical documents, one JSON line each, written as they are mapped."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._file = args.output.open("w", encoding="utf-8") if args.output else None
        self._out = self._file or sys.stdout

    def put(self, document: Any) -> None:
        self._out.write(json_line(document.model_dump(mode="json", exclude_none=True)) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        else:
            self._out.flush()


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
        write_output(args.output, b"".join(outputs))
        return
    output_folder(args.output)
    for n, out in enumerate(outputs, 1):
        write_output(args.output / f"document-{n}.xml", out)
