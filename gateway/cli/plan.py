"""``edi-gateway plan``: demand forecasts, CPFR exceptions and replenishment proposals.

``plan forecast --history FILE.csv --horizon H [--season N]`` forecasts a
spreadsheet's history (columns ``item,location,period,quantity``, period an ISO
date) and writes ``item,location,period,forecast,p10,p50,p90`` to stdout, with
the default configuration the stored runs use. Without ``--history`` it runs
on the database: the demand history built from the stored sales reports (or
orders and receipts), stored as a forecast run; then the exception criteria
are checked and replenishment is proposed. ``plan exceptions``, ``plan
proposals`` and ``plan approve`` show and decide what needs a person.

The forecasting and planning modules are imported inside the handlers, so that
the other commands do not pay for numpy at start-up.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COLUMNS = ("item", "location", "period", "quantity")
FORMATS = ("table", "json", "csv")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def register(commands: Any) -> None:
    plan = commands.add_parser("plan", help="demand forecasts, CPFR exceptions and "
                                            "replenishment proposals")
    sub = plan.add_subparsers(dest="plan_command", metavar="ACTION",
                              parser_class=type(plan))
    plan.set_defaults(handler=lambda args: _missing_action(plan))

    p = sub.add_parser("forecast", help="forecast a CSV history, or the stored history "
                                        "into a forecast run")
    p.add_argument("--history", type=Path, metavar="FILE.csv",
                   help="columns item,location,period,quantity; forecasts go to stdout as CSV")
    p.add_argument("--horizon", type=_positive, metavar="H",
                   help="periods to forecast (default for stored runs: 13)")
    p.add_argument("--season", type=_positive, metavar="N",
                   help="season length in periods (default: 7 daily, 52 weekly, 12 monthly, "
                        "4 quarterly)")
    p.add_argument("--frequency", choices=("day", "week", "month", "quarter"),
                   help="period length (default: inferred from the dates)")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="local processes (default: one per core for 2,000 series or more)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler instead")
    p.add_argument("--setup", type=Path, metavar="PLANNING.yaml",
                   help="first load exception criteria and replenishment policies from "
                        "this file")
    _database_options(p)
    p.set_defaults(handler=cmd_forecast)

    p = sub.add_parser("exceptions", help="list CPFR exceptions, or resolve one")
    p.add_argument("--status", default="open", choices=("open", "resolved", "all"),
                   help="which to list (default: open)")
    p.add_argument("--resolve", type=int, metavar="ID", help="resolve this exception")
    p.add_argument("--resolution",
                   choices=("buyer", "seller", "average", "high", "low", "manual"),
                   help="which value becomes the agreed forecast")
    p.add_argument("--quantity", help="the agreed quantity, for a manual resolution")
    p.add_argument("--reviewer", help="who decides (recorded in the audit trail)")
    _database_options(p)
    p.set_defaults(handler=cmd_exceptions)

    p = sub.add_parser("proposals", help="list replenishment proposals")
    p.add_argument("--status", default="proposed",
                   choices=("proposed", "approved", "rejected", "received", "superseded",
                            "all"), help="which to list (default: proposed)")
    _database_options(p)
    p.set_defaults(handler=cmd_proposals)

    p = sub.add_parser("approve", help="approve proposals: they become purchase orders")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--reviewer", required=True, help="who approves (recorded)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="also write the documents produced (the purchase order and the "
                        "order forecast, in the supplier's standard) into this folder")
    _database_options(p)
    p.set_defaults(handler=cmd_approve)


def _database_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: the embedded SQLite file)")
    p.add_argument("--format", choices=FORMATS, default="table", dest="output_format",
                   help="table for people (default), json or csv for tools")
    p.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="the planning date (default: today)")


def _missing_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _fail(message: str) -> int:
    print(f"edi-gateway plan: {message}", file=sys.stderr)
    return EXIT_USAGE


# -- the CSV forecast -----------------------------------------------------------------------


class CsvError(ValueError):
    """A located problem in the history file."""


def read_history(stream: TextIO, name: str) -> list[tuple[str, str, date, float]]:
    """The rows of a history CSV; a problem names the file, line and column."""
    reader = csv.DictReader(stream)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CsvError(f"{name}: line 1: the header lacks {', '.join(missing)} (expected "
                       f"columns {','.join(COLUMNS)})")
    reader.fieldnames = header
    rows = []
    for row in reader:
        line = reader.line_num
        item = (row.get("item") or "").strip()
        location = (row.get("location") or "").strip()
        if not item:
            raise CsvError(f"{name}: line {line}: item is empty")
        text = (row.get("period") or "").strip()
        try:
            period = date.fromisoformat(text)
        except ValueError:
            raise CsvError(f"{name}: line {line}: period {text!r} is not an ISO date "
                           "(YYYY-MM-DD)") from None
        value = (row.get("quantity") or "").strip()
        try:
            quantity = Decimal(value)
        except InvalidOperation:
            raise CsvError(f"{name}: line {line}: quantity {value!r} is not a number") from None
        if not quantity.is_finite():
            raise CsvError(f"{name}: line {line}: quantity {value!r} is not a finite number")
        rows.append((item, location, period, float(quantity)))
    if not rows:
        raise CsvError(f"{name}: no rows after the header")
    return rows


def number(value: float) -> str:
    """A quantity as CSV text: three decimals at most, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cmd_forecast(args: argparse.Namespace) -> int:
    if args.history is None:
        from gateway.cli import plan_db

        return plan_db.forecast(args)
    if args.setup is not None:
        return _fail("--setup loads into the database: use it without --history")
    if args.horizon is None:
        return _fail("forecast --history needs --horizon H")
    from gateway.forecast.engine import Config
    from gateway.forecast.history import Frequency, build_history
    from gateway.forecast.partition import run

    try:
        with args.history.open(newline="", encoding="utf-8-sig") as stream:
            rows = read_history(stream, str(args.history))
    except OSError as err:
        return _fail(f"cannot read {args.history}: {err.strerror or err}")
    except UnicodeDecodeError as err:
        return _fail(f"{args.history}: not UTF-8 text ({err.reason} at byte {err.start})")
    except CsvError as err:
        return _fail(str(err))
    history = build_history(rows, Frequency(args.frequency) if args.frequency else None)
    season = args.season or history.calendar.frequency.season
    config = Config(horizon=args.horizon, season=season)
    results = run(list(history.values), config, workers=args.workers, cluster=args.dask)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("item", "location", "period", "forecast", "p10", "p50", "p90"))
    levels = list(config.levels)
    for (item, location), result in zip(history.keys, results, strict=True):
        for step in range(config.horizon):
            quantiles = [number(result.quantiles[levels.index(q), step])
                         for q in (0.1, 0.5, 0.9)]
            out.writerow((item, location,
                          history.period_start(history.periods + step).isoformat(),
                          number(result.forecast[step]), *quantiles))
    sys.stdout.flush()
    return EXIT_OK


def cmd_exceptions(args: argparse.Namespace) -> int:
    from gateway.cli import plan_db

    return plan_db.exceptions_command(args)


def cmd_proposals(args: argparse.Namespace) -> int:
    from gateway.cli import plan_db

    return plan_db.proposals(args)


def cmd_approve(args: argparse.Namespace) -> int:
    from gateway.cli import plan_db

    return plan_db.approve(args)
