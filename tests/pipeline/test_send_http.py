"""Documents to a partner on the HTTP channel, through the outbound queue, against a real
HTTP server on loopback: the distributor's UBL order comes in over HTTP, its order
response is POSTed to the URL of its profile, a busy answer is tried again after the
channel's backoff, and the acknowledgement given in the HTTP answer is not posted."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.db.base import table
from gateway.jobs.service import Opened, Settings, drain, open_gateway
from gateway.partners.profile import DEFAULT_PARTNERS
from gateway.pipeline.send import send_from_order
from gateway.traffic.models import OutboundFile
from gateway.web.app import create_app
from tests.pipeline.test_send import Clock, clock, read_back
from tests.transports.test_http import Partner, partner

__all__ = ["clock", "partner"]  # fixtures shared with the modules they come from

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def opened(tmp_path: Path, clock: Clock, partner: Partner) -> Iterator[Opened]:
    profiles = tmp_path / "profiles"
    shutil.copytree(DEFAULT_PARTNERS, profiles)
    scheldt = profiles / "scheldt-distribution.yaml"
    scheldt.write_text(scheldt.read_text("utf-8").replace(
        "  token_sha256:", f"  url: {partner.url}\n"
        "  retry: {attempts: 3, first_seconds: 30, factor: 2}\n  token_sha256:"), "utf-8")
    found = open_gateway(Settings(var=tmp_path / "var", partners=profiles), clock=clock)
    try:
        yield found
    finally:
        found.close()


def _order_over_http(opened: Opened) -> None:
    client = TestClient(create_app(opened.gateway))
    answer = client.post("/inbound", content=(SAMPLES / "ubl/Order_distributor.xml").read_bytes(),
                         headers={"Authorization": "Bearer scheldt-demo-token"})
    assert answer.status_code == 200, answer.text


def test_an_order_response_is_posted_to_the_distributor_and_reads_back(
        opened: Opened, partner: Partner) -> None:
    """Order SD-2024-0311 (one line, 240 C62) posted by Scheldt: its MLR goes back in the
    HTTP answer, not to the URL; the order response is POSTed there as XML, and reads
    back as the answer to SD-2024-0311 with its line accepted at 240."""
    _order_over_http(opened)
    assert partner.got == []
    send_from_order(opened.gateway, "scheldt-distribution", "order-response", "SD-2024-0311")
    assert drain(opened.gateway).sent.sent == 1
    ((_, headers, body),) = partner.got
    assert headers["Content-Type"] == "application/xml"
    assert headers["Idempotency-Key"].startswith("OrderResponse_scheldt-distribution_")
    response = read_back(body)
    assert response.order_number == "SD-2024-0311"  # type: ignore[attr-defined]
    assert [(line.status.value, str(line.quantity.value)) for line in  # type: ignore[attr-defined]
            response.lines] == [("accepted", "240")]


def test_a_busy_partner_gets_the_same_file_again_after_the_backoff(
        opened: Opened, partner: Partner, clock: Clock) -> None:
    """The first POST gets 503: the file waits 30 s (the profile's first_seconds); a run
    before then sends nothing; after, the same bytes and Idempotency-Key go again and
    the file is sent on its second attempt."""
    _order_over_http(opened)
    result = send_from_order(opened.gateway, "scheldt-distribution", "invoice", "SD-2024-0311")
    partner.answers = [503]
    first = drain(opened.gateway).sent
    assert (first.sent, first.retrying) == (0, 1)
    clock.ahead += timedelta(seconds=20)
    assert drain(opened.gateway).sent.sent == 0
    clock.ahead += timedelta(seconds=15)
    assert drain(opened.gateway).sent.sent == 1
    assert len(partner.got) == 2
    assert partner.got[0][1]["Idempotency-Key"] == partner.got[1][1]["Idempotency-Key"]
    assert partner.got[0][2] == partner.got[1][2]
    outbound = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        row = conn.execute(select(outbound.c.status, outbound.c.attempts).where(
            outbound.c.id == result.outbound_id)).one()
    assert tuple(row) == ("sent", 2)


def test_a_refusing_partner_fails_the_file_at_once(opened: Opened, partner: Partner) -> None:
    """A 400 is final: the file is failed after one attempt with the answer in its
    detail, for a person to look at."""
    _order_over_http(opened)
    result = send_from_order(opened.gateway, "scheldt-distribution", "despatch-advice",
                             "SD-2024-0311")
    partner.answers = [400]
    assert drain(opened.gateway).sent.failed == 1
    outbound = table(OutboundFile)
    with opened.gateway.engine.connect() as conn:
        row = conn.execute(select(outbound.c.status, outbound.c.detail).where(
            outbound.c.id == result.outbound_id)).one()
    assert row.status == "failed" and "answered HTTP 400" in row.detail
