"""The ``edi-gateway`` command line: argument parsing and dispatch.

JSON written here is a contract other tools and tests rely on. Bad input never
produces a traceback: data problems come out as issues, usage problems as a
one-line message and exit code 2. Each command lives in its own module; this
one only wires them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from gateway import __version__
from gateway.cli import ack, convert, edi, ingest, partners, plan, run, serve
from gateway.errors import GatewayError, UsageError
from gateway.runtime import collector_paused

log = logging.getLogger(__name__)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Commands that read their files whole and exit: the syntax trees form no reference
# cycles, so the collector is paused while they work rather than walking the trees
# again and again. The others run for long and collect between units of work.
COLLECTOR_PAUSED = frozenset({"detect", "parse", "write", "validate", "ack", "convert"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other mistake: what is wrong, and where to read more.
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
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
    except Exception as err:  # noqa: BLE001  # the edge: one line, never a traceback
        return _failed(args.command, err)
    return code


def _failed(command: str, err: Exception) -> int:
    """What escaped a command, said in one line on stderr; the exit status.

    Commands say what they can where they know best; this is the edge that catches
    the rest: misuse (2), a database or file the command could not use (1), and a
    bug (1, "internal error", the traceback logged; EDI_GATEWAY_DEBUG=1 shows it)."""
    name = f"edi-gateway {command}"
    if isinstance(err, UsageError):
        print(f"{name}: {err}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(err, GatewayError):
        print(f"{name}: {err}", file=sys.stderr)
        return EXIT_INVALID
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        print(f"{name}: {where}{str(err.strerror or err).lower()}", file=sys.stderr)
        return EXIT_INVALID
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        from gateway.db.engine import database_problem

        if isinstance(err, DBAPIError):
            print(f"{name}: {database_problem(err, None)}", file=sys.stderr)
            return EXIT_INVALID
    if os.environ.get("EDI_GATEWAY_DEBUG"):
        raise err
    log.debug("internal error", exc_info=err)
    print(f"{name}: internal error ({type(err).__name__}: {err}); please report it with the "
          "command and file that caused it (EDI_GATEWAY_DEBUG=1 shows where)",
          file=sys.stderr)
    return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
