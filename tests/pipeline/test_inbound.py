"""The inbound flow with the demo partners, on SQLite and PostgreSQL: files in a
partner's folder become rows and an acknowledgement in its outbox; unknown
senders wait in quarantine until their profile is fixed; duplicates are caught."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.db.base import table
from gateway.jobs.service import Opened, Settings, drain, open_gateway
from gateway.orders.models import PurchaseOrderRecord
from gateway.partners.profile import DEFAULT_PARTNERS
from gateway.pipeline.inbound import reprocess
from gateway.traffic.models import InboundFile, OutboundFile, StateChange

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def opened(engine: Engine, tmp_path: Path) -> Iterator[Opened]:
    partners = tmp_path / "profiles"
    shutil.copytree(DEFAULT_PARTNERS, partners)
    found = open_gateway(Settings(var=tmp_path / "var", partners=partners,
                                  database=engine.url.render_as_string(hide_password=False)))
    try:
        yield found
    finally:
        found.close()


def _drop(opened: Opened, partner: str, sample: str, name: str | None = None, *,
          data: bytes | None = None) -> Path:
    inbox = opened.settings.partner_folders / partner / "inbox"
    target = inbox / (name or Path(sample).name)
    data = (SAMPLES / sample).read_bytes() if data is None else data
    temporary = inbox / f".{target.name}.part"
    temporary.write_bytes(data)
    temporary.rename(target)  # complete when it appears under its name
    return target


def _outbox(opened: Opened, partner: str) -> list[bytes]:
    folder = opened.settings.partner_folders / partner / "outbox"
    return [p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")]


def _set_settle(opened: Opened) -> None:
    for channel in opened.gateway.channels.values():
        channel.settle = 0  # type: ignore[attr-defined]


def test_an_x12_order_and_its_change_become_one_order_and_two_997s(opened: Opened) -> None:
    """850 then 860 from NWRETAIL: the order is stored under the partner's one party,
    the change reaches it, and each interchange gets a 997 with its own numbers."""
    _set_settle(opened)
    _drop(opened, "nwretail", "x12/850_004010.x12")
    drained = drain(opened.gateway)
    _drop(opened, "nwretail", "x12/860_004010.x12")
    drained2 = drain(opened.gateway)
    assert [f.status for f in drained.files + drained2.files] == ["processed", "processed"]
    orders = table(PurchaseOrderRecord)
    with opened.gateway.engine.connect() as conn:
        rows = conn.execute(select(orders.c.issuer_key, orders.c.number, orders.c.status)).all()
    assert [tuple(r) for r in rows] == [("partner:nwretail", "4500017821", "changed")]
    acks = _outbox(opened, "nwretail")
    assert len(acks) == 2
    first = acks[0].decode()
    # The 997 answers group 1042 (GS06 of the 850), transaction set 0001, accepted,
    # with sender and receiver swapped and control number 1 for this partner.
    assert first.startswith("ISA*00*          *00*          *01*039456712      *ZZ*NWRETAIL")
    assert "*000000001*0*P*>~" in first
    assert "AK1*PO*1042~" in first and "AK2*850*0001~" in first and "AK5*A~" in first
    assert "*000000002*" in acks[1].decode() and "AK1*PC*1043~" in acks[1].decode()


def test_an_edifact_order_is_answered_with_a_contrl(opened: Opened) -> None:
    """ORDERS D96A from Northwind Belgium: stored, and a CONTRL (UCI action 7) in its
    outbox answering interchange 00000000000481, sender and recipient swapped."""
    _set_settle(opened)
    _drop(opened, "northwind-be", "edifact/ORDERS_D96A.edi")
    drained = drain(opened.gateway)
    assert drained.files[0].status == "processed" and drained.sent.sent == 1
    (contrl,) = _outbox(opened, "northwind-be")
    text = contrl.decode("latin-1")
    assert "UNB+UNOC:3+4012345000016:14+5412345000013:14+" in text
    assert "UCI+00000000000481+5412345000013:14+4012345000016:14+7'" in text
    assert "UNH+1+CONTRL:D:3:UN" in text


def test_an_unknown_sender_is_quarantined_then_taken_after_the_profile_is_fixed(
        opened: Opened) -> None:
    """An interchange from an identity no profile has is quarantined with a reason that
    names it, not given a party; after the profile lists it, reprocess takes it from
    the archive, stores it and answers it."""
    _set_settle(opened)
    stranger = (SAMPLES / "x12/850_004010.x12").read_text().replace(
        "ZZ*NWRETAIL       ", "ZZ*NWRETAIL9      ")
    _drop(opened, "nwretail", "stranger.x12", data=stranger.encode())
    (outcome,) = drain(opened.gateway).files
    assert outcome.status == "quarantined"
    assert "no partner profile has the sender's identity isa:ZZ:NWRETAIL9" in outcome.detail
    assert _outbox(opened, "nwretail") == []
    profile = opened.settings.partners / "nwretail.yaml"
    profile.write_text(profile.read_text("utf-8").replace(
        "  - {scheme: gs, id: NWRETAIL}",
        "  - {scheme: gs, id: NWRETAIL}\n  - {scheme: isa, qualifier: ZZ, id: NWRETAIL9}"),
        "utf-8")
    opened.close()  # the service stops; its profile is fixed; it starts again
    fixed = open_gateway(opened.settings)
    try:
        reprocess(fixed.gateway, outcome.file_id)
        (again,) = drain(fixed.gateway).files
        assert again.status == "processed", again.detail
        assert len(_outbox(fixed, "nwretail")) == 1
        files = table(InboundFile)
        changes = table(StateChange)
        with fixed.gateway.engine.connect() as conn:
            history = list(conn.execute(select(changes.c.status).where(
                changes.c.subject == "file", changes.c.subject_id == outcome.file_id)
                .order_by(changes.c.id)).scalars())
            count = conn.execute(select(func.count()).select_from(files)).scalar_one()
        assert history == ["received", "quarantined", "received", "processed"]
        assert count == 1
    finally:
        fixed.close()


def test_a_duplicate_interchange_is_rejected_with_a_ta1(opened: Opened) -> None:
    """The same 850 sent twice: the second is a duplicate (same sender, ISA13 within the
    window), nothing of it is stored, and its answer is a TA1 with note 025."""
    _set_settle(opened)
    _drop(opened, "nwretail", "x12/850_004010.x12", "first.x12")
    drain(opened.gateway)
    _drop(opened, "nwretail", "x12/850_004010.x12", "again.x12")
    (outcome,) = drain(opened.gateway).files
    assert outcome.interchanges[0].status == "rejected"
    assert "already received" in outcome.interchanges[0].issues[0].message
    answers = _outbox(opened, "nwretail")
    assert len(answers) == 2
    assert b"TA1*000001042*240311*0915*R*025~" in answers[1]
    outbound = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        controls = list(conn.execute(select(outbound.c.interchange_control)
                                     .order_by(outbound.c.id)).scalars())
    assert controls == ["000000001", "000000002"]
