"""``edi-gateway ack``: the acknowledgement the gateway would return for a file,
or (``--read``) what an acknowledgement received says.

The command line is where the clock is read; ``--now`` fixes it for
reproducible output. Control numbers start at ``--control-number``; the
running gateway allocates them from its database instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from gateway.cli.arguments import check_control_number, control_number
from gateway.cli.edi import load_guides
from gateway.cli.inputs import (
    WHOLE_LIMIT,
    InputTooLarge,
    Limited,
    add_limit_option,
    open_input,
    read_input,
    reason,
)
from gateway.cli.jsonlines import json_line
from gateway.cli.progress import Progress, total_size
from gateway.edi.ack import edifact as contrl
from gateway.edi.ack import x12
from gateway.edi.ack.plan import AckOptions, Planner, identity
from gateway.edi.issues import Level
from gateway.edi.reader import InterchangeRead
from gateway.edi.report import Checked, FileReport, Inspection, MessageChecked, inspect
from gateway.edi.schema.validator import Schemas
from gateway.edi.writer import write
from gateway.errors import UsageError, WriteError

EDI_FORMATS = ("997", "999", "contrl")


class _Formats:
    """The --format choices: the EDI acknowledgements, then the XML answer kinds,
    looked up only when a value is not an EDI one (lxml comes with them)."""

    def _all(self) -> tuple[str, ...]:
        from gateway.edi.ack import xml_answers

        return (*EDI_FORMATS, *xml_answers.KINDS)

    def __contains__(self, value: object) -> bool:
        return value in EDI_FORMATS or value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())


FORMATS = _Formats()


def register(commands: Any) -> None:
    p = commands.add_parser("ack", help="print the acknowledgement for a file, or explain one")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=FORMATS, metavar="FORMAT",
                   help="997 or 999 for X12 (default: 999 for 005010, else 997), contrl for "
                        "EDIFACT; mlr (default) or invoice-response for UBL, response "
                        "(default) or status-update for cXML")
    p.add_argument("--read", action="store_true", help="FILE is an acknowledgement: explain it")
    p.add_argument("--json", action="store_true", help="with --read: print JSON")
    p.add_argument("--guide", action="append", default=[], metavar="FILE",
                   help="a partner implementation guide to validate against; repeatable")
    p.add_argument("--control-number", type=control_number, default=1, metavar="N",
                   help="first control number of the acknowledgement (default 1)")
    p.add_argument("--now", type=datetime.fromisoformat, metavar="ISO-8601",
                   help="the time to put in the envelope (default: now, UTC)")
    add_limit_option(p)
    p.set_defaults(handler=cmd_ack)


def _format_for(standard: str, version: str, asked: str | None) -> str:
    if standard == "edifact":
        if asked not in (None, "contrl"):  # an XML answer kind included
            raise UsageError(f"an EDIFACT file is acknowledged with CONTRL, not {asked}")
        return "contrl"
    if asked == "contrl":
        raise UsageError("an X12 file is acknowledged with 997 or 999, not CONTRL")
    if asked not in (None, "997", "999"):  # an XML answer kind
        raise UsageError(f"an X12 file is acknowledged with 997 or 999, not {asked}")
    return asked or ("999" if version >= "00501" else "997")


def cmd_ack(args: argparse.Namespace) -> int:
    if args.read:
        try:  # an acknowledgement is read whole: the memory limit applies
            data = read_input(args.file, min(args.max_size, WHOLE_LIMIT))
        except (OSError, InputTooLarge) as err:
            print(f"edi-gateway ack: cannot read {args.file}: {reason(err)}", file=sys.stderr)
            return 2
        return _read(data, args)
    try:
        schemas: Schemas = load_guides(args.guide)
    except UsageError as err:
        print(f"edi-gateway ack: {err}", file=sys.stderr)
        return 2
    try:
        with open_input(args.file, args.max_size) as source:
            return _acknowledge(source, schemas, args)
    except (OSError, InputTooLarge) as err:
        print(f"edi-gateway ack: cannot read {args.file}: {reason(err)}", file=sys.stderr)
        return 2


def _acknowledge(source: Limited, schemas: Schemas, args: argparse.Namespace) -> int:
    """Read the file as a stream and answer each interchange as it ends.

    Each message is planned as it is read and only what its answer needs is
    kept (:func:`~gateway.edi.ack.plan.identity`), so memory holds the findings
    of an interchange, not its messages. The acknowledgements are small beside
    what they answer; they are written once the whole file has been answered,
    so a file that cannot be answered prints nothing."""
    # EDI is checked to its schema; an XML document, read whole, to its rules.
    check = Inspection(source, schemas=schemas)
    xml = check.xml_report()
    if xml is not None:
        return _answer_xml(xml, args)
    if check.detection.standard not in ("edifact", "x12"):
        print(f"edi-gateway ack: {args.file} is not EDIFACT or X12; nothing to acknowledge",
              file=sys.stderr)
        return 2
    now = args.now or datetime.now(UTC)
    out: list[bytes] = []
    control = args.control_number
    planners: dict[int, Planner] = {}
    with Progress(total_size([args.file])) as progress:
        for event in check.events():
            if isinstance(event, MessageChecked):
                planner = planners.setdefault(id(event.interchange), Planner())
                planner.message(event.group, identity(event.message), event.issues)
                progress.advance(source.count)
                continue
            answer = _answer(event, args, now=now, control=control,
                             encoding=check.detection.encoding, planners=planners)
            if isinstance(answer, int):
                return answer
            if answer is not None:
                out.append(answer)
                control += 1
    if not out:
        return 1
    sys.stdout.flush()
    sys.stdout.buffer.write(b"".join(out))
    sys.stdout.buffer.flush()
    return 0 if check.valid else 1


def _answer(event: Checked, args: argparse.Namespace, *, now: datetime, control: int,
            encoding: str, planners: dict[int, Planner]) -> bytes | int | None:
    """The acknowledgement of an interchange that has ended, as bytes; an exit
    status when it cannot be given; None for an event that needs no answer."""
    if not isinstance(event, InterchangeRead) or event.fatal:
        return None
    ic = event.interchange
    plan = planners.pop(id(ic), Planner()).finish(ic, event.issues)
    version = ic.header.get(12) if ic.header is not None and ic.header.tag == "ISA" else ""
    try:
        kind = _format_for(ic.standard, version, args.format)
        check_control_number(control, "edifact" if kind == "contrl" else "x12")
    except UsageError as err:
        print(f"edi-gateway ack: {err}", file=sys.stderr)
        return 2
    options = AckOptions(now=now, interchange_control=control, group_control=control,
                         set_control=control)
    ack = contrl.build(plan, options) if kind == "contrl" else x12.build(plan, kind, options)
    if ack is None:
        print(f"edi-gateway ack: interchange {ic.reference or '(no envelope)'} has no "
              "readable header to answer", file=sys.stderr)
        return None
    try:
        return write([ack], encoding=encoding)
    except WriteError as err:
        print(f"edi-gateway ack: {err}", file=sys.stderr)
        return 2


def _answer_xml(report: FileReport, args: argparse.Namespace) -> int:
    """The Peppol or cXML answer for an XML file, built from what validating it found."""
    from gateway.edi.ack import xml_answers

    read = report.xml
    if read is None or read.document is None or read.root is None:
        print(f"edi-gateway ack: {args.file} is not a UBL or cXML document the gateway knows",
              file=sys.stderr)
        return 2
    try:
        kind = xml_answers.AnswerKind(args.format) if args.format in xml_answers.KINDS \
            else xml_answers.default_kind(read.document)
        if args.format and args.format not in xml_answers.KINDS:
            raise UsageError(f"an XML file is answered with {', '.join(xml_answers.KINDS)}, "
                             f"not {args.format}")
        out = xml_answers.answer(read.document, read.root, report.issues, kind,
                                 now=args.now or datetime.now(UTC),
                                 number=args.control_number)
    except UsageError as err:
        print(f"edi-gateway ack: {err}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0 if report.valid else 1


def _read_xml(report: FileReport, args: argparse.Namespace) -> int:
    from gateway.edi.ack import xml_answers

    read = report.xml
    found = (xml_answers.read_answer(read.document, read.root)
             if read is not None and read.document is not None and read.root is not None
             else None)
    if found is None:
        print(f"edi-gateway ack: {args.file} holds no Peppol response or cXML status",
              file=sys.stderr)
        return 1
    sys.stdout.write(json_line(found.to_json()) + "\n" if args.json
                     else xml_answers.explain(found))
    broken = [issue for issue in report.issues if issue.blocking]
    for issue in broken:
        print(f"edi-gateway ack: {args.file}: {issue.code_text}: {issue}", file=sys.stderr)
    return 1 if broken else 0


def _read(data: bytes, args: argparse.Namespace) -> int:
    """Explain each acknowledgement as far as it can be read. The file is validated
    against its message standard too: an acknowledgement that breaks it is still
    explained, its issues go to stderr, and the exit status is 1."""
    from gateway.edi.ack.reading import explain, read_acks

    report = inspect(data, level=Level.RULES)
    if report.xml is not None:
        return _read_xml(report, args)
    if report.edi is None:
        print(f"edi-gateway ack: {args.file} is not an X12 or EDIFACT acknowledgement",
              file=sys.stderr)
        return 2
    acks = read_acks(report.edi.interchanges)
    if not acks:
        print(f"edi-gateway ack: {args.file} holds no 997, 999, TA1 or CONTRL",
              file=sys.stderr)
        return 1
    if args.json:
        for ack in acks:
            sys.stdout.write(json_line(ack.to_json()) + "\n")
    else:
        for ack in acks:
            sys.stdout.write(explain(ack))
    broken = [issue for issue in report.issues if issue.blocking]
    for issue in broken:
        print(f"edi-gateway ack: {args.file}: {issue.code.value}: {issue}", file=sys.stderr)
    return 1 if broken else 0
