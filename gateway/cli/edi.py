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
from pathlib import Path
from typing import Any

from gateway.cli.jsonlines import json_line
from gateway.edi.detect import detect
from gateway.edi.issues import Level
from gateway.edi.jsonform import result_to_json, tree_from_json
from gateway.edi.report import FileReport, default_level, inspect
from gateway.edi.schema.guide import guide_from_yaml
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.writer import write
from gateway.edi.xml.guide import declares_xml, xml_guide_from_yaml
from gateway.errors import ConfigurationError, UsageError, WriteError

log = logging.getLogger(__name__)

LEVELS = {"syntax": Level.SYNTAX, "envelope": Level.ENVELOPE, "schema": Level.SCHEMA,
          "rules": Level.RULES}


def register(commands: Any) -> None:
    p = commands.add_parser("detect", help="tell the format, encoding and delimiters of files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_detect)

    p = commands.add_parser("parse", help="print the syntax tree of a file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the tree as JSON")
    p.set_defaults(handler=cmd_parse)

    p = commands.add_parser("write", help="write EDI from the JSON that 'parse --json' prints")
    p.add_argument("source", metavar="JSONFILE|-")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--normalize", action="store_true",
                   help="write the canonical form: the line ending after every segment and "
                        "nothing else between them, the ISA at its standard widths, a UNA "
                        "written afresh (default: the bytes as read)")
    p.set_defaults(handler=cmd_write)

    p = commands.add_parser("validate", help="check files; one JSON line per file")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--level", choices=sorted(LEVELS), default=None,
                   help="how far to check (default: rules for XML, schema for EDI; rules "
                        "adds Schematron and partner rules to XML)")
    p.add_argument("--guide", action="append", default=[], metavar="FILE",
                   help="a partner implementation guide (YAML) to check against; repeatable")
    p.set_defaults(handler=cmd_validate)


def _read_file(path: str) -> bytes:
    return Path(path).read_bytes()


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json_line(obj) + "\n")


def _unreadable(path: str, err: OSError) -> dict[str, Any]:
    return {
        "path": path, "standard": "unknown", "messages": [], "valid": False,
        "issues": [{
            "code": "usage.unreadable-file", "severity": "fatal",
            "location": {}, "message": f"The file cannot be read: {err.strerror or err}.",
        }],
    }


def cmd_detect(args: argparse.Namespace) -> int:
    worst = 0
    for path in args.files:
        try:
            data = _read_file(path)
        except OSError as err:
            _emit(_unreadable(path, err))
            worst = 2
            continue
        found = detect(data)
        _emit({"path": path, **found.to_json(),
               "issues": [i.to_json() for i in found.issues]})
    return worst


def cmd_parse(args: argparse.Namespace) -> int:
    try:
        data = _read_file(args.file)
    except OSError as err:
        print(f"edi-gateway parse: cannot read {args.file}: {err.strerror or err}",
              file=sys.stderr)
        return 2
    report = inspect(data, level=Level.ENVELOPE)
    if args.json:
        if report.edi is not None:
            _emit(result_to_json(report.edi, args.file))
        else:
            _emit(report.to_json(args.file))
    else:
        sys.stdout.write(report.describe(args.file))
    return 0 if report.valid else 1


def cmd_write(args: argparse.Namespace) -> int:
    try:
        raw = sys.stdin.read() if args.source == "-" else Path(args.source).read_text("utf-8")
    except OSError as err:
        print(f"edi-gateway write: cannot read {args.source}: {err.strerror or err}",
              file=sys.stderr)
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
        Path(args.output).write_bytes(out)
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
        try:
            text = Path(path).read_text("utf-8")
        except OSError as err:
            raise UsageError(f"cannot read guide {path}: {err.strerror or err}") from err
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


def validate_file(path: str, level: Level | None, schemas: Schemas | None = None
                  ) -> tuple[dict[str, Any], int]:
    """The JSON line for one file and its exit code contribution; ``level`` None is
    the file's default (rules for XML, schema for EDI)."""
    try:
        data = _read_file(path)
    except OSError as err:
        return _unreadable(path, err), 2
    if level is None:
        level = default_level(data)
    try:
        report = inspect(data, level=level, schemas=schemas)
    except Exception:  # the one boundary where a bug must not stop the other files
        log.exception("internal error while validating %s", path)
        return {
            "path": path, "standard": "unknown", "messages": [], "valid": False,
            "issues": [{"code": "internal.error", "severity": "fatal", "location": {},
                        "message": "The gateway failed on this file; the error is logged."}],
        }, 1
    line = report.validation_json(path, level)
    return line, 0 if line["valid"] else 1


def cmd_validate(args: argparse.Namespace) -> int:
    level = LEVELS[args.level] if args.level else None
    try:
        schemas = load_guides(args.guide)
    except UsageError as err:
        print(f"edi-gateway validate: {err}", file=sys.stderr)
        return 2
    worst = 0
    for path in args.files:
        line, code = validate_file(path, level, schemas)
        _emit(line)
        worst = max(worst, code)
    return worst


__all__ = ["FileReport", "register"]
