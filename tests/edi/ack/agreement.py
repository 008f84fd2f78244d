"""What an acknowledgement must say about an inbound file, and what it does say.

Shared by the schema goldens and the corpus tests. :func:`build_acks` builds the
acknowledgements of a file with the pure core, as ``edi-gateway ack`` does;
:func:`promised` is what the acknowledgement plan decided (statuses, counts,
references), in the shape :func:`stated` reads back from the acknowledgement's
bytes with the gateway's own reader (``ack --read``). The two are compared as
plain values, so a test failure shows both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.edi.ack import edifact as contrl
from gateway.edi.ack import x12
from gateway.edi.ack.plan import AckOptions, InterchangePlan, Status, plan_interchange
from gateway.edi.ack.reading import read_acks
from gateway.edi.issues import Level
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.edi.tree import Interchange, Message
from gateway.edi.writer import write

NOW = datetime(2025, 1, 1)


@dataclass(slots=True)
class Built:
    """One acknowledgement built for one inbound interchange."""

    inbound: Interchange
    plan: InterchangePlan
    kind: str  # "997", "999" or "contrl"
    data: bytes


def default_kind(ic: Interchange) -> str:
    """What ``ack`` sends without ``--format``: CONTRL, 999 for 00501 and later, else 997."""
    if ic.standard == "edifact":
        return "contrl"
    version = ic.header.get(12) if ic.header is not None and ic.header.tag == "ISA" else ""
    return "999" if version >= "00501" else "997"


def inspect_schema(data: bytes) -> FileReport:
    return inspect(data, level=Level.SCHEMA, schemas=Schemas(load_directory))


def build_acks(data: bytes, kinds: tuple[str, ...] | None = None,
               report: FileReport | None = None) -> list[Built]:
    """The acknowledgements of every interchange of ``data`` that has a header to
    answer: the default kind, or each of ``kinds`` that fits the standard."""
    report = report or inspect_schema(data)
    assert report.edi is not None
    built = []
    for ic in report.edi.interchanges:
        plan = plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)
        wanted = kinds or (default_kind(ic),)
        for kind in wanted:
            if (kind == "contrl") != (ic.standard == "edifact"):
                continue
            options = AckOptions(now=NOW)
            ack = contrl.build(plan, options) if kind == "contrl" else x12.build(plan, kind,
                                                                                 options)
            if ack is not None:
                built.append(Built(ic, plan, kind, write([ack],
                                                         encoding=report.detection.encoding)))
    return built


def _ids(message: Message) -> list[str]:
    """Type and reference as an acknowledgement names them (AK2, UCM)."""
    header = message.header
    if header is not None and header.tag == "UNH":
        return [header.get(2), message.reference or header.get(1)]
    return [message.type or (header.get(1) if header is not None else ""),
            message.reference or (header.get(2) if header is not None else "")]


def _x12_status(status: Status) -> str:
    return status.value


def _contrl_status(status: Status) -> str:
    # CONTRL has only "acknowledged" (7) and "rejected" (4) for each level.
    return "rejected" if status is Status.REJECTED else "accepted"


def promised(plan: InterchangePlan, kind: str) -> dict[str, Any]:
    """What an acknowledgement of ``kind`` built from ``plan`` must say."""
    ic = plan.interchange
    assert ic.header is not None
    if kind == "contrl":
        answer: dict[str, Any] = {
            "interchanges": [[ic.header.get(5), _contrl_status(plan.status)]],
            "groups": [], "messages": []}
        if plan.status is Status.REJECTED:
            return answer
        for gplan in plan.groups:
            messages = [[*_ids(m.message), _contrl_status(m.status)] for m in gplan.messages]
            if gplan.group.header is not None:
                answer["groups"].append([gplan.group.reference,
                                         _contrl_status(gplan.status), messages])
            else:
                answer["messages"].extend(messages)
        return answer
    answer = {"ta1": [], "groups": []}
    if x12.needs_ta1(plan):
        answer["ta1"].append([ic.header.get(13), _x12_status(plan.status)])
    if plan.status is Status.REJECTED:
        return answer
    for gplan in plan.groups:
        gs = gplan.group.header
        if gs is None:
            continue
        trailer = gplan.group.trailer
        included = trailer.get(1) if trailer is not None else ""
        answer["groups"].append([
            gs.get(1), gs.get(6), _x12_status(gplan.status),
            int(included) if included.isdigit() else len(gplan.messages),
            len(gplan.messages), gplan.accepted,
            [[*_ids(m.message), _x12_status(m.status)] for m in gplan.messages]])
    return answer


def stated(data: bytes) -> dict[str, Any]:
    """What an acknowledgement's bytes say, read back by the gateway's reader, in
    the shape of :func:`promised`."""
    report = inspect(data, level=Level.ENVELOPE)
    assert report.edi is not None, "the acknowledgement is not readable EDI"
    acks = [a.to_json() for a in read_acks(report.edi.interchanges)]
    if any(a["kind"] == "CONTRL" for a in acks):
        answer: dict[str, Any] = {"interchanges": [], "groups": [], "messages": []}
        for a in acks:
            answer["interchanges"] += [[i["reference"], i["status"]] for i in a["interchanges"]]
            answer["groups"] += [[g["reference"], g["status"],
                                  [[m["type"], m["reference"], m["status"]]
                                   for m in g["messages"]]] for g in a["groups"]]
            answer["messages"] += [[m["type"], m["reference"], m["status"]]
                                   for m in a["messages"]]
        return answer
    answer = {"ta1": [], "groups": []}
    for a in acks:
        if a["kind"] == "TA1":
            answer["ta1"] += [[i["reference"], i["status"]] for i in a["interchanges"]]
            continue
        answer["groups"] += [[g["functional_id"], g["reference"], g["status"], g["included"],
                              g["received"], g["accepted"],
                              [[m["type"], m["reference"], m["status"]]
                               for m in g["messages"]]] for g in a["groups"]]
    return answer
