"""``edi-gateway send``: a business document to a partner; ``traffic``: what was sent.

``send --partner P --document order-response|despatch-advice|invoice --order N``
composes the document from the purchase order ``N`` that partner ``P`` sent
(as the tables hold it), writes it in the partner's agreement's format with
control numbers from the traffic tables and queues it
(:func:`gateway.pipeline.send.send_from_order`, the call the web side makes
too). With no service running on the database it is then sent on the partner's
channel at once; while a service holds an SQLite database the service sends it
on its next run. One JSON line says what was queued and what became of it;
exit 0 when it was sent or queued, 1 when sending failed, 2 when the order,
the partner or its agreement is missing.

``traffic [--partner P] [--status S] [--overdue]`` lists the outbound files:
status, the acknowledgement expected and what it said (or that it is overdue).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from gateway.cli.serve import _common, _settings

if TYPE_CHECKING:
    from gateway.jobs.service import Opened

KINDS = ("order-response", "despatch-advice", "invoice")


def register(commands: Any) -> None:
    p = commands.add_parser("send", help="send a partner a document composed from the "
                                         "tables (order response, despatch advice, invoice)")
    _common(p)
    p.add_argument("--partner", dest="to", required=True, metavar="NAME",
                   help="the partner's profile name")
    p.add_argument("--document", required=True, choices=KINDS)
    p.add_argument("--order", required=True, metavar="NUMBER",
                   help="the purchase order the partner sent, by its number")
    p.add_argument("--number", metavar="NUMBER",
                   help="the document's own number (default: ORDER-N)")
    p.add_argument("--queue-only", action="store_true",
                   help="queue it for the service to send; do not send now")
    p.set_defaults(handler=cmd_send)

    p = commands.add_parser("traffic", help="the files sent to partners and their "
                                            "acknowledgements")
    _common(p)
    p.add_argument("--partner", dest="to", metavar="NAME")
    p.add_argument("--status", help="queued, sent, delivered, rejected or failed")
    p.add_argument("--overdue", action="store_true",
                   help="only files whose expected acknowledgement is overdue")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=cmd_traffic)


def _open(args: argparse.Namespace, command: str) -> tuple[Opened | None, bool]:
    """The gateway, and whether this process may send (no service holds the database)."""
    from gateway.errors import ConfigurationError
    from gateway.jobs.service import ServiceRunning, open_gateway
    from gateway.mapping.inbound import MappingError
    from gateway.partners.profile import ProfileError

    settings = _settings(args)
    try:
        try:
            return open_gateway(settings, exclusive=True), True
        except ServiceRunning:
            return open_gateway(settings, exclusive=False), False
    except (ConfigurationError, MappingError, ProfileError) as err:
        print(f"edi-gateway {command}: {err}", file=sys.stderr)
        return None, False


def cmd_send(args: argparse.Namespace) -> int:
    from gateway.errors import UsageError
    from gateway.pipeline.outbound import send_due
    from gateway.pipeline.send import send_from_order
    from gateway.traffic.states import OutboundStatus

    opened, may_send = _open(args, "send")
    if opened is None:
        return 2
    try:
        gw = opened.gateway
        try:
            result = send_from_order(gw, args.to, args.document, args.order,
                                     number=args.number)
        except UsageError as err:
            print(f"edi-gateway send: {err}", file=sys.stderr)
            return 2
        line: dict[str, Any] = result.to_json()
        if may_send and not args.queue_only:
            send_due(gw)
        row = _outbound_row(opened, result.outbound_id)
        line["status"], line["detail"] = row["status"], row["detail"]
        if row["status"] == OutboundStatus.QUEUED and not may_send:
            line["detail"] = "queued: the running service sends it"
        print(json.dumps(line, ensure_ascii=False))
        return 1 if row["status"] == OutboundStatus.FAILED else 0
    finally:
        opened.close()


def _outbound_row(opened: Opened, ident: int) -> dict[str, Any]:
    from sqlalchemy import select

    from gateway.db.base import table
    from gateway.traffic.models import OutboundFile

    files = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        row = conn.execute(select(files).where(files.c.id == ident)).mappings().one()
    return dict(row)


def cmd_traffic(args: argparse.Namespace) -> int:
    from gateway.pipeline.reconcile import outbound_listing

    opened, _ = _open(args, "traffic")
    if opened is None:
        return 2
    try:
        rows = outbound_listing(opened.gateway, partner=args.to, status=args.status,
                                overdue=args.overdue)
        for row in rows:
            if args.json:
                print(json.dumps(row, ensure_ascii=False, default=str))
                continue
            ack = row["ack_status"] or ("expected " + row["ack_expected"]
                                        if row["ack_expected"] else "none expected")
            due = f" (due {row['ack_due_at']:%Y-%m-%d %H:%M} UTC)" \
                if row["ack_due_at"] is not None and not row["ack_status"] else ""
            print(f"#{row['id']} {row['partner']} {row['kind']} "
                  f"{row['document_number'] or row['control'] or ''} {row['status']}; "
                  f"ack: {ack}{due}" + (f"; {row['ack_detail']}" if row["ack_detail"] else ""))
        if not rows and not args.json:
            print("no outbound files" + (" match" if args.to or args.status or args.overdue
                                         else ""))
        return 0
    finally:
        opened.close()
