"""The ``edi-gateway`` command line: argument parsing and dispatch.

JSON written here is a contract other tools and tests rely on. Bad input never
produces a traceback: data problems come out as issues, usage problems as a
one-line message and exit code 2. Each command lives in its own module; this
one only wires them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gateway import __version__
from gateway.cli import ack, convert, edi, ingest, partners, plan, run, send, serve
from gateway.runtime import collector_paused

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Commands that read their files whole and exit: the syntax trees form no reference
# cycles, so the collector is paused while they work rather than walking the trees
# again and again. The others run for long and collect between units of work.
COLLECTOR_PAUSED = frozenset({"detect", "parse", "write", "validate", "ack", "convert"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edi-gateway", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"edi-gateway {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    edi.register(commands)
    ack.register(commands)
    convert.register(commands)
    ingest.register(commands)
    run.register(commands)
    partners.register(commands)
    serve.register(commands)
    send.register(commands)
    plan.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command in COLLECTOR_PAUSED:
            with collector_paused():
                code: int = args.handler(args)
        else:
            code = args.handler(args)
    except BrokenPipeError:
        # A reader such as `head` closed the pipe: not an error of ours.
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
