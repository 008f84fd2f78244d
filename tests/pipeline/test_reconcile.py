"""Acknowledgements received for what we sent, on SQLite and PostgreSQL: a partner's 997
or CONTRL marks the file it answers delivered or rejected with the partner's reasons;
one that answers nothing we sent is recorded as unmatched; an acknowledgement the
agreement expects and that does not come in time is flagged overdue, once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from gateway.db.base import table
from gateway.jobs.service import Opened, drain
from gateway.pipeline.reconcile import flag_overdue, outbound_listing
from gateway.pipeline.send import send_from_order
from gateway.traffic.models import OutboundFile, ReceivedAck, StateChange
from tests.pipeline.test_send import Clock, clock, opened, outbox, receive

__all__ = ["clock", "opened"]  # the fixtures, shared with test_send

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ISA = ("ISA*00*          *00*          *ZZ*NWRETAIL       *01*039456712      "
       "*261207*1200*U*00401*{n:09d}*0*P*>~\n")


def x12_ack(control: int, body: str) -> bytes:
    """A 997 from NWRETAIL, interchange and group ``control``."""
    segments = body.strip().splitlines()
    return (ISA.format(n=control)
            + f"GS*FA*NWRETAIL*039456712*20261207*1200*{control}*X*004010~\n"
            + "ST*997*0001~\n" + "".join(s + "\n" for s in segments)
            + f"SE*{len(segments) + 2}*0001~\nGE*1*{control}~\nIEA*1*{control:09d}~\n").encode()


def _ordered_and_answered(opened: Opened) -> int:
    """The sample 850 taken in (997 #1 out), then the 855 sent: ISA 2, GS 2, ST 0002."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    sent = send_from_order(opened.gateway, "nwretail", "order-response", "4500017821")
    drain(opened.gateway)
    return sent.outbound_id


def _row(opened: Opened, ident: int) -> dict[str, object]:
    outbound = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        return dict(conn.execute(select(outbound).where(outbound.c.id == ident))
                    .mappings().one())


def test_a_997_accepting_our_group_marks_the_855_delivered(opened: Opened) -> None:
    """AK1*PR*2 / AK5*A answers group 2, the 855's: it becomes delivered, accepted; the
    997 itself is not answered with another 997 (only the 850's is in the outbox)."""
    ident = _ordered_and_answered(opened)
    receive(opened, "nwretail", "997.x12", x12_ack(5001, "AK1*PR*2~\nAK2*855*0002~\nAK5*A~\n"
                                                         "AK9*A*1*1*1~"))
    row = _row(opened, ident)
    assert (row["status"], row["ack_status"]) == ("delivered", "accepted")
    assert [p.name for p in outbox(opened, "nwretail", "997_")] == ["997_nwretail_000000001.x12"]
    received = table(ReceivedAck)
    with opened.gateway.engine.connect() as conn:
        claims = conn.execute(select(received.c.outbound_id, received.c.status)).all()
    assert [tuple(c) for c in claims] == [(ident, "accepted")]


def test_a_997_rejecting_the_855_keeps_the_partners_reasons(opened: Opened) -> None:
    """AK3 names segment PO1 at position 5 with error 8, AK5*R*5: the 855 becomes
    rejected and the reasons name the segment and the set's error in words."""
    ident = _ordered_and_answered(opened)
    receive(opened, "nwretail", "997.x12", x12_ack(5002, "AK1*PR*2~\nAK2*855*0002~\n"
                                                         "AK3*PO1*5**8~\nAK5*R*5~\n"
                                                         "AK9*R*1*1*0~"))
    row = _row(opened, ident)
    assert (row["status"], row["ack_status"]) == ("rejected", "rejected")
    detail = str(row["ack_detail"])
    assert "0 of 1 transaction sets accepted" in detail
    assert "855 0002: segment PO1 at 5" in detail
    assert "855 0002: 5:" in detail  # AK5 02 = 5, one or more segments in error


def test_a_contrl_accepting_our_interchange_marks_the_ordrsp_delivered(
        opened: Opened) -> None:
    """A CONTRL from Northwind Belgium whose UCI answers interchange 2 (the ORDRSP, after
    the ORDERS' CONTRL took 1) with action 7 marks it delivered, accepted."""
    receive(opened, "northwind-be", "orders.edi",
            (SAMPLES / "edifact/ORDERS_D96A.edi").read_bytes())
    sent = send_from_order(opened.gateway, "northwind-be", "order-response", "PO4500017821")
    drain(opened.gateway)
    contrl = (b"UNB+UNOC:3+5412345000013:14+4012345000016:14+261207:1200+77'\n"
              b"UNH+1+CONTRL:D:3:UN'\nUCI+2+4012345000016:14+5412345000013:14+7'\n"
              b"UNT+3+1'\nUNZ+1+77'\n")
    receive(opened, "northwind-be", "contrl.edi", contrl)
    row = _row(opened, sent.outbound_id)
    assert (row["status"], row["ack_status"]) == ("delivered", "accepted")


def test_an_ack_for_a_group_never_sent_is_recorded_unmatched(opened: Opened) -> None:
    """A 997 answering group 99, which was never sent to NWRETAIL, matches nothing: it
    is recorded once as unmatched with a reason naming the group."""
    ident = _ordered_and_answered(opened)
    inbox = opened.settings.partner_folders / "nwretail" / "inbox"
    (inbox / "997.x12").write_bytes(x12_ack(5003, "AK1*PR*99~\nAK9*A*1*1*1~"))
    drained = drain(opened.gateway)
    assert drained.acks.unmatched == [
        "997 from nwretail answers group PR 99, which was not sent to it"]
    assert _row(opened, ident)["status"] == "sent"
    assert drain(opened.gateway).acks.unmatched == []  # reconciled once


def test_an_expected_997_that_does_not_come_is_flagged_overdue_once(
        opened: Opened, clock: Clock) -> None:
    """NWRETAIL expects a 997 within 24 hours: 23 hours after sending nothing is flagged;
    after 25 the 855 is overdue (a state change, the traffic listing shows it), the
    next check does not flag it again, and a late 997 still reconciles it."""
    ident = _ordered_and_answered(opened)
    gw = opened.gateway
    clock.ahead += timedelta(hours=23)
    assert flag_overdue(gw) == []
    clock.ahead += timedelta(hours=2)
    (late,) = flag_overdue(gw)
    assert (late.outbound_id, late.partner, late.expected) == (ident, "nwretail", "997")
    assert flag_overdue(gw) == []
    (listed,) = outbound_listing(gw, overdue=True)
    assert (listed["id"], listed["ack_status"]) == (ident, "overdue")
    assert str(listed["ack_detail"]).startswith("no 997 from nwretail by ")
    changes = table(StateChange)
    with gw.engine.connect() as conn:
        statuses = list(conn.execute(select(changes.c.status).where(
            changes.c.subject == "outbound", changes.c.subject_id == ident)
            .order_by(changes.c.id)).scalars())
    assert statuses == ["queued", "sent", "overdue"]
    receive(opened, "nwretail", "997.x12", x12_ack(5004, "AK1*PR*2~\nAK9*A*1*1*1~"))
    assert (_row(opened, ident)["status"], _row(opened, ident)["ack_status"]) == (
        "delivered", "accepted")
