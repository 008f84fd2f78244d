"""Business documents sent from the tables, on SQLite and PostgreSQL: a purchase order a
demo partner sent becomes an order response, a despatch advice and an invoice in the
partner's agreement's format and envelope, numbered from the traffic tables, queued
and delivered on its channel; what the partner's system reads back is the order."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.cli.main import main
from gateway.db.base import table
from gateway.edi.report import inspect
from gateway.errors import UsageError
from gateway.jobs.service import Opened, Settings, drain, open_gateway
from gateway.mapping.convert import documents
from gateway.mapping.registry import load_mappings
from gateway.partners.profile import DEFAULT_PARTNERS
from gateway.pipeline.send import send_from_order
from gateway.traffic.models import ControlCounter, OutboundFile

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


class Clock:
    """The time now plus what the test moves it by (the folder channel compares it with
    the files' modification times)."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def opened(engine: Engine, tmp_path: Path, clock: Clock) -> Iterator[Opened]:
    partners = tmp_path / "profiles"
    shutil.copytree(DEFAULT_PARTNERS, partners)
    found = open_gateway(Settings(var=tmp_path / "var", partners=partners,
                                  database=engine.url.render_as_string(hide_password=False)),
                         clock=clock)
    for channel in found.gateway.channels.values():
        channel.settle = 0  # type: ignore[attr-defined]
    try:
        yield found
    finally:
        found.close()


def receive(opened: Opened, partner: str, name: str, data: bytes) -> None:
    inbox = opened.settings.partner_folders / partner / "inbox"
    (inbox / f".{name}.part").write_bytes(data)
    (inbox / f".{name}.part").rename(inbox / name)
    outcome = drain(opened.gateway)
    assert [f.status for f in outcome.files] == ["processed"], outcome.files


def outbox(opened: Opened, partner: str, prefix: str) -> list[Path]:
    folder = opened.settings.partner_folders / partner / "outbox"
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix))


def read_back(data: bytes) -> object:
    (mapped,) = documents(inspect(data), load_mappings())
    assert mapped.document is not None, mapped.issues
    return mapped.document


def test_an_x12_order_is_answered_with_an_855_856_and_810_in_its_outbox(
        opened: Opened) -> None:
    """PO 4500017821 from NWRETAIL (the X12 sample: 24, 36 and 24 EA at 12.50, 12.50 and
    18.75 USD) gets an 855, an 856 and an 810 in its outbox: our ISA id 01/039456712 as
    sender, its ZZ/NWRETAIL as receiver, control numbers after the 997's (ISA 1, GS 1,
    ST 1), the agreement's delimiters; each reads back to the order."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    gw = opened.gateway
    sent = [send_from_order(gw, "nwretail", kind, "4500017821")
            for kind in ("order-response", "despatch-advice", "invoice")]
    assert [(s.message, s.number, s.control) for s in sent] == [
        ("855", "4500017821-1", "000000002"), ("856", "4500017821-1", "000000003"),
        ("810", "4500017821-1", "000000004")]
    assert drain(gw).sent.sent == 3
    (x855,) = outbox(opened, "nwretail", "855_")
    text = x855.read_text("ascii")
    assert text.startswith("ISA*00*          *00*          *01*039456712      *ZZ*NWRETAIL  ")
    assert "*U*00401*000000002*0*P*>~" in text
    assert "GS*PR*039456712*NWRETAIL*" in text and "*2*X*004010~" in text
    assert "ST*855*0002~" in text and "BAK*00*AD*4500017821*" in text
    response = read_back(x855.read_bytes())
    assert response.order_number == "4500017821"  # type: ignore[attr-defined]
    assert [(line.line_number, line.status.value, line.quantity.value, line.item.gtin)
            for line in response.lines] == [  # type: ignore[attr-defined]
        # UP carries the twelve-digit UPC: the stored GTIN-14 without its leading "00".
        ("1", "accepted", Decimal(24), "614141100019"),
        ("2", "accepted", Decimal(36), "614141100026"),
        ("3", "accepted", Decimal(24), "614141100033")]
    (x856,) = outbox(opened, "nwretail", "856_")
    despatch = read_back(x856.read_bytes())
    assert despatch.order_numbers == ("4500017821",)  # type: ignore[attr-defined]
    assert [line.quantity.value for line in despatch.lines] == [  # type: ignore[attr-defined]
        Decimal(24), Decimal(36), Decimal(24)]
    (x810,) = outbox(opened, "nwretail", "810_")
    invoice = read_back(x810.read_bytes())
    # 24 x 12.50 + 36 x 12.50 + 24 x 18.75 = 1200.00 (TDS: in cents)
    assert "TDS*120000~" in x810.read_text("ascii")
    assert invoice.order_number == "4500017821"  # type: ignore[attr-defined]
    assert [(line.quantity.value, line.unit_price.amount) for line in  # type: ignore[attr-defined]
            invoice.lines] == [(Decimal(24), Decimal("12.5")), (Decimal(36), Decimal("12.5")),
                               (Decimal(24), Decimal("18.75"))]


def test_an_edifact_order_is_answered_in_d96a_with_its_unb_ids(opened: Opened) -> None:
    """ORDERS PO4500017821 from Northwind Belgium (48, 30 and 24 EA) gets an ORDRSP,
    DESADV and INVOIC D96A in UNOC, our GLN 4012345000016 (14) as sender and its
    5412345000013 (14) as receiver, interchange numbers after the CONTRL's (1)."""
    receive(opened, "northwind-be", "orders.edi",
            (SAMPLES / "edifact/ORDERS_D96A.edi").read_bytes())
    gw = opened.gateway
    for kind in ("order-response", "despatch-advice", "invoice"):
        send_from_order(gw, "northwind-be", kind, "PO4500017821")
    assert drain(gw).sent.sent == 3
    (ordrsp,) = outbox(opened, "northwind-be", "ORDRSP_")
    text = ordrsp.read_text("latin-1")
    assert text.startswith("UNB+UNOC:3+4012345000016:14+5412345000013:14+")
    assert "+2'" in text.splitlines()[0] and "UNH+2+ORDRSP:D:96A:UN" in text
    response = read_back(ordrsp.read_bytes())
    assert response.order_number == "PO4500017821"  # type: ignore[attr-defined]
    assert [line.quantity.value for line in response.lines] == [  # type: ignore[attr-defined]
        Decimal(48), Decimal(30), Decimal(24)]
    (invoic,) = outbox(opened, "northwind-be", "INVOIC_")
    assert "UNB+UNOC:3+4012345000016:14+5412345000013:14+" in invoic.read_text("latin-1")
    assert len(outbox(opened, "northwind-be", "DESADV_")) == 1


def test_what_is_sent_validates_with_the_validate_command(
        opened: Opened, capsys: pytest.CaptureFixture[str]) -> None:
    """The 855 and the ORDRSP in the outboxes are valid against their standards, as the
    partner's own check would find (``edi-gateway validate``, exit 0)."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    receive(opened, "northwind-be", "orders.edi",
            (SAMPLES / "edifact/ORDERS_D96A.edi").read_bytes())
    send_from_order(opened.gateway, "nwretail", "order-response", "4500017821")
    send_from_order(opened.gateway, "northwind-be", "order-response", "PO4500017821")
    drain(opened.gateway)
    files = outbox(opened, "nwretail", "855_") + outbox(opened, "northwind-be", "ORDRSP_")
    capsys.readouterr()
    assert main(["validate", *map(str, files)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["valid"], line["issues"]) for line in lines] == [(True, []), (True, [])]


def test_a_missing_order_queues_nothing_and_uses_no_number(opened: Opened) -> None:
    """An order the partner never sent is a usage error naming it; no outbound row is
    written and no control number is spent: the next document takes ISA 2."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    gw = opened.gateway
    with pytest.raises(UsageError, match="no purchase order 999 from nwretail"):
        send_from_order(gw, "nwretail", "invoice", "999")
    with pytest.raises(UsageError, match="acme-retail has no outbound agreement whose "
                                         "mapping writes invoices"):
        send_from_order(gw, "acme-retail", "invoice", "4500017821")
    outbound = table(OutboundFile)
    with gw.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbound)).scalar_one() == 1
    result = send_from_order(gw, "nwretail", "order-response", "4500017821")
    assert result.control == "000000002"


def test_the_numbers_of_successive_documents_count_up(opened: Opened) -> None:
    """A second order response for one order is ORDER-2, with the next ISA, GS and ST
    numbers; the counters say so."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    gw = opened.gateway
    first = send_from_order(gw, "nwretail", "order-response", "4500017821")
    second = send_from_order(gw, "nwretail", "order-response", "4500017821")
    assert (first.number, second.number) == ("4500017821-1", "4500017821-2")
    counters = table(ControlCounter)
    with gw.engine.connect() as conn:
        values = dict(conn.execute(select(counters.c.scope, counters.c.value).where(
            counters.c.partner_id == gw.partner_id("nwretail"))).all())
    assert values == {"isa": 3, "gs": 3, "st": 3}


def test_a_document_expects_the_agreements_ack_within_its_hours(
        opened: Opened, clock: Clock) -> None:
    """NWRETAIL's agreement expects a 997 within 24 hours: the 855 carries it, due 24
    hours after it was sent (not after it was queued)."""
    receive(opened, "nwretail", "850.x12", (SAMPLES / "x12/850_004010.x12").read_bytes())
    result = send_from_order(opened.gateway, "nwretail", "order-response", "4500017821")
    clock.ahead += timedelta(minutes=10)
    drain(opened.gateway)
    outbound = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        row = conn.execute(select(outbound).where(
            outbound.c.id == result.outbound_id)).mappings().one()
    assert (row["status"], row["ack_expected"], row["document_type"]) == (
        "sent", "997", "order_response")
    assert row["ack_due_at"] == row["sent_at"] + timedelta(hours=24)
