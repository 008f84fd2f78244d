"""edi-gateway: read, check, answer, convert and store EDIFACT, X12, UBL and cXML files.

Each command checks one thing or does one job; ``edi-gateway COMMAND --help``
shows its options and an example. Data problems come out as issues with their
place in the file; a mistake in the command line, or a file, folder or database
that cannot be used, as one line on standard error, with exit status 2 (usage)
or 1 (failure). JSON written here is a contract other tools rely on.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from gateway import __version__
from gateway.cli import ack, convert, edi, ingest, partners, plan, run, send, serve
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


# One example per command, shown at the end of its --help.
EXAMPLES = {
    "detect": "edi-gateway detect inbox/*.edi",
    "parse": "edi-gateway parse samples/edifact/ORDERS_D96A.edi --json",
    "write": "edi-gateway parse --json order.edi | edi-gateway write - -o copy.edi",
    "validate": "edi-gateway validate samples/x12/850_004010.x12 --level envelope",
    "ack": "edi-gateway ack samples/edifact/ORDERS_D96A.edi --control-number 42",
    "convert": "edi-gateway convert samples/x12/850_004010.x12 --to edifact -o order.edi",
    "check-mappings": "edi-gateway check-mappings --partner acme-retail",
    "ingest": "edi-gateway ingest samples/x12/850_004010.x12 --database sqlite:///orders.db",
    "run": "edi-gateway run --samples samples/ --database sqlite:///var/demo.db",
    "partners": "edi-gateway partners check --partners samples/partners",
    "serve": "edi-gateway serve --once --var /srv/edi",
    "reprocess": "edi-gateway reprocess --quarantined",
    "send": "edi-gateway send --partner nwretail --document invoice --order 4500017821",
    "traffic": "edi-gateway traffic --partner nwretail --overdue",
    "plan": "edi-gateway plan forecast --history sales.csv --horizon 8",
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edi-gateway", description=__doc__.split("\n\n")[0].strip('"'),
                     epilog="Example: edi-gateway validate samples/x12/850_004010.x12")
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
    for name, command in commands.choices.items():
        if name in EXAMPLES and not command.epilog:
            command.epilog = f"Example: {EXAMPLES[name]}"
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
