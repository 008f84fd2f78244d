"""1,200 hostile inputs through the inbound flow: each ends in a recorded, readable
reason and, where the agreement asks for one and the envelope can be answered, an
acknowledgement that is negative when the interchange was broken; nothing is lost
and the flow keeps going."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.db.base import table
from gateway.jobs.service import Opened, Settings, drain, open_gateway
from gateway.pipeline.inbound import receive
from gateway.traffic.models import InboundFile, InboundInterchange, InboundMessage, OutboundFile
from gateway.transports.base import Incoming
from gateway.transports.memory import MemoryChannel

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
X12 = (SAMPLES / "x12" / "850_004010.x12").read_bytes()
EDIFACT = (SAMPLES / "edifact" / "ORDERS_D96A.edi").read_bytes()
UBL = (SAMPLES / "ubl" / "Order_distributor.xml").read_bytes()
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Order>&lol3;</Order>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE Order [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">&x;</Order>"""
DEEP = b"<Order>" + b"<a>" * 20000 + b"</a>" * 20000 + b"</Order>"


def _unique(data: bytes, n: int) -> bytes:
    """A distinct ISA13/UNB 0020 per input, so duplicates are only the ones meant."""
    return data.replace(b"000001042", f"{n:09d}".encode()).replace(
        b"00000000000481", f"{n:014d}".encode())


def _mutations(rng: random.Random, n: int) -> tuple[str, str, bytes]:
    """(kind, partner, bytes) for input ``n``."""
    kind = ["truncated", "count", "delimiter", "junk", "xml", "unknown", "duplicate",
            "segment", "empty"][n % 9]
    base, partner = (X12, "nwretail") if n % 2 else (EDIFACT, "northwind-be")
    data = _unique(base, n)
    if kind == "truncated":
        return kind, partner, data[:rng.randrange(1, len(data) - 1)]
    if kind == "count":
        if partner == "nwretail":
            return kind, partner, data.replace(b"SE*26*", f"SE*{rng.randrange(27, 99)}*".encode())
        return kind, partner, data.replace(b"UNT+30+", f"UNT+{rng.randrange(31, 99)}+".encode())
    if kind == "delimiter":
        if partner == "nwretail":  # ISA16 the same as the element separator, or a letter
            return kind, partner, data[:104] + rng.choice([b"*", b"A", b"~"]) + data[105:]
        return kind, partner, b"UNA:+.? +" + data[9:]  # release and terminator clash
    if kind == "junk":
        return kind, partner, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    if kind == "xml":
        return kind, "scheldt-distribution", rng.choice(
            [BOMB, EXTERNAL, DEEP, UBL[:rng.randrange(10, len(UBL))], b"<?xml version='1.0'?>"])
    if kind == "unknown":
        if partner == "nwretail":
            return kind, partner, data.replace(b"ZZ*NWRETAIL       ", b"ZZ*INTRUDER       ")
        return kind, partner, data.replace(b"5412345000013:14+4012", b"5400000000009:14+4012")
    if kind == "duplicate":
        return kind, partner, base  # the sample's own control number, every time
    if kind == "segment":  # a segment tag no message has, in the middle
        cut = rng.randrange(len(data) // 3, 2 * len(data) // 3)
        glue = b"ZZZ*1~" if partner == "nwretail" else b"ZZZ+1'"
        return kind, partner, data[:cut] + glue + data[cut:]
    return kind, partner, rng.choice([b"", b"   \n", b"\x00" * 10])


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Opened]:
    found = open_gateway(Settings(var=tmp_path / "var"))
    try:
        yield found
    finally:
        found.close()


def test_hostile_inputs_end_in_a_reason_and_lose_nothing(opened: Opened) -> None:
    """Truncated files, wrong counts and delimiters, binary junk, XML bombs, unknown
    senders, duplicates, stray segments, empty files, and files over the size limit."""
    gw = opened.gateway
    memory = {name: MemoryChannel(f"memory:{name}") for name in
              ("nwretail", "northwind-be", "acme-retail", "scheldt-distribution")}
    gw.channels = dict(memory)
    rng = random.Random(20241207)
    sent: dict[int, tuple[str, bytes]] = {}
    now = datetime(2024, 3, 11, 9, 15, tzinfo=UTC)
    for n in range(1, 1201):
        kind, partner, data = _mutations(rng, n)
        if n % 100 == 0:  # over the size limit: refused unread, recorded with its size
            incoming = Incoming(f"memory:{partner}", f"big-{n}", f"big/{n}", b"", now,
                                too_large=200_000_000)
            received = receive(gw, incoming, partner)
            sent[received.file_id] = ("too large", b"")
            continue
        received = receive(gw, Incoming(f"memory:{partner}", f"{kind}-{n}", f"in/{n}", data,
                                        now), partner)
        sent[received.file_id] = (kind, data)
        if n % 50 == 0:
            drain(gw)  # the flow keeps going between arrivals
    drain(gw)
    files = table(InboundFile)
    interchanges = table(InboundInterchange)
    messages = table(InboundMessage)
    outbound = table(OutboundFile)
    with gw.engine.connect() as conn:
        rows = conn.execute(select(files.c.id, files.c.status, files.c.detail,
                                   files.c.archive_key)).all()
        ics = conn.execute(select(interchanges.c.id, interchanges.c.file_id,
                                  interchanges.c.status, interchanges.c.detail,
                                  interchanges.c.partner_id, interchanges.c.control)).all()
        bad_messages = conn.execute(select(messages.c.status, messages.c.detail).where(
            messages.c.status != "stored")).all()
        acks = {row.answers_id: row for row in conn.execute(select(
            outbound.c.answers_id, outbound.c.kind, outbound.c.archive_key, outbound.c.status))}
    # Nothing lost: every input has its row, and its bytes in the archive.
    assert len(rows) == 1200 == len(sent)
    for row in rows:
        assert row.status in ("processed", "quarantined", "rejected"), row
        assert row.detail and len(row.detail) > 10, row
        kind, data = sent[row.id]
        if kind == "too large":
            assert row.status == "rejected" and "over the limit" in row.detail
        else:
            assert gw.archive.get(row.archive_key) == data
    # Every message not stored says why.
    assert all(detail and len(detail) > 10 for _, detail in bad_messages)
    # Each interchange of a known partner whose header can be answered got its ack, and
    # a broken one a negative ack.
    by_file = {row.id: row for row in rows}
    negative = 0
    for ic in ics:
        assert ic.status != "reading", ic
        assert ic.detail, ic
        kind, _ = sent[ic.file_id]
        if ic.status == "rejected" and ic.partner_id is not None and kind != "xml" and \
                ic.id in acks:
            text = gw.archive.get(acks[ic.id].archive_key)
            assert b"*R*" in text or b"AK5*R" in text or b"AK9*R" in text \
                or b"+4'" in text or b"+4+" in text, text
            negative += 1
        if ic.status in ("accepted", "accepted-with-errors") and kind != "xml":
            assert ic.id in acks, (ic, by_file[ic.file_id])
    assert negative > 100  # broken interchanges were answered negatively, not dropped
    kinds = {sent[row.id][0] for row in rows if row.status == "quarantined"}
    assert "unknown" in kinds
    assert all(a.status == "sent" for a in acks.values())
