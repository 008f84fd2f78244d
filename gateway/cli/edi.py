"""Syntax commands: ``detect``, ``parse``, ``write`` and ``validate``.

Each reads files, calls the pure core and prints. ``validate`` prints one JSON
object per line and file; its exit code is 0 when every file is valid, 1 when
any is not, 2 when a file cannot be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from gateway.cli.inputs import (
    DEFAULT_LIMIT,
    WHOLE_LIMIT,
    InputTooLarge,
    add_limit_option,
    open_input,
    read_input,
    reason,
    size_text,
)
from gateway.cli.jsonlines import Later, json_line, write_json_line
from gateway.cli.outputs import write_output
from gateway.cli.progress import Progress, total_size
from gateway.edi.detect import SAMPLE, detect
from gateway.edi.issues import Level
from gateway.edi.jsonform import result_to_json, tree_from_json
from gateway.edi.report import ISSUES_PER_CODE, FileReport, Inspection, inspect
from gateway.edi.schema.guide import guide_from_yaml
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.writer import write
from gateway.errors import ConfigurationError, UsageError, WriteError

log = logging.getLogger(__name__)

LEVELS = {"syntax": Level.SYNTAX, "envelope": Level.ENVELOPE, "schema": Level.SCHEMA,
          "rules": Level.RULES}


def register(commands: Any) -> None:
    p = commands.add_parser("detect", help="tell the format, encoding and delimiters of files")
    p.add_argument("files", nargs="+", metavar="FILE")
    add_limit_option(p)
    p.set_defaults(handler=cmd_detect)

    p = commands.add_parser("parse", help="print the syntax tree of a file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the tree as JSON")
    p.add_argument("--level", choices=sorted(LEVELS), default=None,
                   help="how far to check for the verdict (default: as validate, rules for "
                        "XML and schema for EDI; with --json, whose tree is a contract, "
                        "envelope)")
    add_limit_option(p, WHOLE_LIMIT)
    p.set_defaults(handler=cmd_parse)

    p = commands.add_parser("write", help="write EDI from the JSON that 'parse --json' prints")
    p.add_argument("source", metavar="JSONFILE|-")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--normalize", action="store_true",
                   help="write the canonical form: the line ending after every segment and "
                        "nothing else between them, the ISA at its standard widths, a UNA "
                        "written afresh (default: the bytes as read)")
    add_limit_option(p, WHOLE_LIMIT)
    p.set_defaults(handler=cmd_write)

    p = commands.add_parser("validate", help="check files; one JSON line per file")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--level", choices=sorted(LEVELS), default=None,
                   help="how far to check (default: rules for XML, schema for EDI; rules "
                        "adds Schematron and partner rules to XML)")
    p.add_argument("--guide", action="append", default=[], metavar="FILE",
                   help="a partner implementation guide (YAML) to check against; repeatable")
    p.add_argument("--per-code", type=_count, default=ISSUES_PER_CODE, metavar="N",
                   help=f"list at most N issues of each code per file, and count the others "
                        f"(default {ISSUES_PER_CODE}; 0 lists every issue)")
    add_limit_option(p)
    p.set_defaults(handler=cmd_validate)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, not {text!r}")
    return int(text)




def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json_line(obj) + "\n")


def _unreadable(path: str, err: OSError | InputTooLarge) -> dict[str, Any]:
    if isinstance(err, InputTooLarge):
        code, message = "usage.too-large", (
            f"The file is not read past {size_text(err.limit)}, the --max-size limit.")
    else:
        code, message = "usage.unreadable-file", f"The file cannot be read: {err.strerror or err}."
    return {
        "path": path, "standard": "unknown", "messages": [], "valid": False,
        "issues": [{"code": code, "severity": "fatal", "location": {}, "message": message}],
    }


def cmd_detect(args: argparse.Namespace) -> int:
    worst = 0
    for path in args.files:
        try:
            # The format shows in the first bytes: the rest is never read.
            with open_input(path, args.max_size) as source:
                data = source.read(SAMPLE)
        except (OSError, InputTooLarge) as err:
            _emit(_unreadable(path, err))
            worst = 2
            continue
        found = detect(data)
        _emit({"path": path, **found.to_json(),
               "issues": [i.to_json() for i in found.issues]})
    return worst


def cmd_parse(args: argparse.Namespace) -> int:
    try:
        if args.json:
            return _parse_json(args.file, args.max_size)
        data = read_input(args.file, args.max_size)
    except (OSError, InputTooLarge) as err:
        print(f"edi-gateway parse: cannot read {args.file}: {reason(err)}", file=sys.stderr)
        return 2
    # The outline's verdict is validate's: the same level by default, and it says
    # which. The JSON tree is a contract of its own, judged to the envelope.
    level = LEVELS[args.level] if args.level else Level.ENVELOPE if args.json else \
        Level.RULES if detect(data[:SAMPLE]).standard == "xml" else Level.SCHEMA
    report = inspect(data, level=level)
    if args.json:
        if report.edi is not None:
            _emit(result_to_json(report.edi, args.file))
        else:
            _emit(report.to_json(args.file))
    else:
        outline = report.describe(args.file).splitlines()[:-1]  # all but its verdict
        errors = sum(issue.blocking for issue in report.issues)
        verdict = f"valid at the {level.name.lower()} level" if report.valid else \
            f"not valid at the {level.name.lower()} level ({errors} " \
            f"error{'s' if errors != 1 else ''})"
        sys.stdout.write("\n".join([*outline, f"  {verdict}"]) + "\n")
    return 0 if report.valid else 1


def _parse_json(path: str, limit: int) -> int:
    """``parse --json``: an EDI file's tree written as it is read (see
    :mod:`gateway.cli.parse_json`), the same text as the whole tree gives; XML and
    what is not EDI are read whole."""
    from gateway.cli.parse_json import streamed_json
    from gateway.edi.lexer import EDIFACT, X12
    from gateway.edi.reader import CHUNK_SIZE, stream

    with open_input(path, limit) as source:
        head = source.read(max(CHUNK_SIZE, SAMPLE))
        found = detect(head)
        if found.standard not in (EDIFACT, X12):
            report = inspect(head + source.read(), level=Level.ENVELOPE)
            _emit(result_to_json(report.edi, path) if report.edi is not None
                  else report.to_json(path))
            return 0 if report.valid else 1
        document, issues = streamed_json(stream(source, head=head), found, path)
        write_json_line(sys.stdout, document)
    return 1 if any(issue.blocking for issue in issues) else 0


def cmd_write(args: argparse.Namespace) -> int:
    try:
        raw = read_input(args.source, args.max_size).decode("utf-8")
    except (OSError, InputTooLarge) as err:
        print(f"edi-gateway write: cannot read {args.source}: {reason(err)}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as err:
        print(f"edi-gateway write: {args.source} is not UTF-8 text (byte {err.start}); "
              "give it the JSON that 'parse --json' prints", file=sys.stderr)
        return 2
    try:
        data = json.loads(raw)
        interchanges, encoding, bom = tree_from_json(data)
        out = write(interchanges, encoding=encoding, bom=bom, normalize=args.normalize)
    except json.JSONDecodeError as err:
        print(f"edi-gateway write: the input is not JSON: {err}", file=sys.stderr)
        return 2
    except (UsageError, WriteError) as err:
        print(f"edi-gateway write: {err}", file=sys.stderr)
        return 2
    if args.output:
        write_output(Path(args.output), out)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    return 0


def load_guides(paths: list[str]) -> Schemas:
    """Schemas with the guides at ``paths``; raises UsageError naming a bad file."""
    guides = []
    xml_guides = []
    for path in paths:
        from gateway.edi.xml.guide import declares_xml, xml_guide_from_yaml  # only with guides


        try:
            text = Path(path).read_text("utf-8")
        except OSError as err:
            raise UsageError(f"cannot read guide {path}: {err.strerror or err}") from err
        except UnicodeDecodeError as err:
            raise UsageError(f"guide {path} is not UTF-8 text (byte {err.start}); a guide "
                             "is YAML written in UTF-8") from None
        if declares_xml(text):
            try:
                xml_guides.append(xml_guide_from_yaml(text, path))
            except ConfigurationError as err:
                raise UsageError(str(err)) from err
            continue
        try:
            guide = guide_from_yaml(text, path)
            directory = load_directory(guide.standard, guide.version)
            message = directory.messages.get(guide.message) if directory else None
            if directory is None or message is None:
                raise UsageError(f"{path}: no schema for {guide.standard} {guide.version} "
                                 f"{guide.message} to apply the guide to")
            guide.check(directory, message)
        except ConfigurationError as err:
            raise UsageError(str(err)) from err
        guides.append(guide)
    return Schemas(load_directory, guides, xml_guides=xml_guides)


def validate_file(path: str, level: Level | None, schemas: Schemas | None = None, *,
                  per_code: int = ISSUES_PER_CODE, limit: int = DEFAULT_LIMIT,
                  out: TextIO | None = None, progress: Progress | None = None) -> int:
    """Write the JSON line for one file as it is read; its exit code contribution.

    The line holds the same keys as ever; its messages are written as the
    messages are read and its verdict and issues when the file has been read,
    so a large file is never held, nor its line built, in memory. ``level`` None
    is the file's default (rules for XML, schema for EDI)."""
    out = out or sys.stdout
    try:
        source = open_input(path, limit)
    except (OSError, InputTooLarge) as err:
        _emit(_unreadable(path, err))
        return 2
    with source:
        try:
            check = Inspection(source, level=level, schemas=schemas, per_code=per_code)
            standard = check.standard
        except InputTooLarge as err:
            _emit(_unreadable(path, err))
            return 2
        failures: list[dict[str, Any]] = []
        code = [0]

        def messages() -> Iterator[dict[str, str]]:
            try:
                for info in check.messages():
                    if progress is not None:
                        progress.advance(source.count)
                    yield info.to_json()
            except InputTooLarge as err:
                failures.append(_unreadable(path, err)["issues"][0])
                code[0] = 2
            except Exception:  # the one boundary where a bug must not stop the other files
                log.exception("internal error while validating %s", path)
                failures.append({"code": "internal.error", "severity": "fatal", "location": {},
                                 "message": "The gateway failed on this file; the error is "
                                            "logged."})
                code[0] = 1

        write_json_line(out, {
            "path": path, "standard": standard, "messages": messages(),
            "valid": Later(lambda: check.valid and not failures),
            "issues": Later(lambda: [i.to_json() for i in check.issues()] + failures),
        })
        if progress is not None:
            progress.next_file(source.count)
    return code[0] or (0 if check.valid else 1)


def cmd_validate(args: argparse.Namespace) -> int:
    level = LEVELS[args.level] if args.level else None
    try:
        schemas = load_guides(args.guide)
    except UsageError as err:
        print(f"edi-gateway validate: {err}", file=sys.stderr)
        return 2
    worst = 0
    with Progress(total_size(args.files), len(args.files)) as progress:
        for path in args.files:
            worst = max(worst, validate_file(path, level, schemas, per_code=args.per_code,
                                             limit=args.max_size, progress=progress))
    return worst


__all__ = ["FileReport", "register"]
