"""The HTTP channel: a partner's token, the answer in the response, Idempotency-Key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.db.base import table
from gateway.jobs.service import Opened, Settings, open_gateway
from gateway.orders.models import PurchaseOrderRecord
from gateway.traffic.models import InboundFile
from gateway.web.app import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ORDER = (SAMPLES / "ubl" / "Order_distributor.xml").read_bytes()
TOKEN = {"Authorization": "Bearer scheldt-demo-token"}


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Opened]:
    found = open_gateway(Settings(var=tmp_path / "var"))
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def client(opened: Opened) -> TestClient:
    return TestClient(create_app(opened.gateway))


def _count(opened: Opened, model: type) -> int:
    with opened.gateway.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table(model))).scalar_one())


def test_a_posted_order_is_stored_and_answered(client: TestClient, opened: Opened) -> None:
    """The distributor's UBL order with its token: 200, the order stored under the
    partner, and the answer lists the message and its outcome."""
    answer = client.post("/inbound", content=ORDER, headers=TOKEN)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "processed"
    assert body["messages"][0]["document_number"] == "SD-2024-0311"
    assert body["messages"][0]["status"] == "stored"
    (mlr,) = body["acknowledgements"]
    # The agreement asks for a Peppol Message Level Response: an ApplicationResponse
    # answering SD-2024-0311, from us (the seller's endpoint) to the distributor.
    assert mlr["kind"] == "MLR" and "<ApplicationResponse" in mlr["text"]
    assert "SD-2024-0311" in mlr["text"] and "5412345000051" in mlr["text"]
    orders = table(PurchaseOrderRecord)
    with opened.gateway.engine.connect() as conn:
        issuer = conn.execute(select(orders.c.issuer_key)).scalar_one()
    assert issuer == "partner:scheldt-distribution"


def test_a_retry_with_the_same_key_gets_the_first_answer(client: TestClient,
                                                         opened: Opened) -> None:
    """Two posts with one Idempotency-Key: one file recorded, the same answer twice."""
    headers = {**TOKEN, "Idempotency-Key": "order-SD-2024-0311"}
    first = client.post("/inbound", content=ORDER, headers=headers)
    again = client.post("/inbound", content=ORDER, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["file"] == first.json()["file"]
    assert _count(opened, InboundFile) == 1


def test_without_a_partners_token_nothing_is_taken(client: TestClient,
                                                    opened: Opened) -> None:
    """No token or a wrong one: 401, and nothing is recorded."""
    assert client.post("/inbound", content=ORDER).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.post("/inbound", content=ORDER, headers=wrong).status_code == 401
    assert _count(opened, InboundFile) == 0


def test_a_body_over_the_limit_is_refused(client: TestClient) -> None:
    """A body over the channel's max_bytes (10 MB by default) is refused with 413."""
    answer = client.post("/inbound", content=b"<" * 10_000_001, headers=TOKEN)
    assert answer.status_code == 413
    assert "over the limit of 10000000 bytes" in answer.json()["error"]


def test_a_broken_document_is_rejected_with_its_reason(client: TestClient) -> None:
    """XML that is not well-formed: 422, and the answer says where it breaks."""
    answer = client.post("/inbound", content=ORDER[:400], headers=TOKEN)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["status"] in ("rejected", "processed")
    assert body["interchanges"][0]["status"] == "rejected"
    assert body["interchanges"][0]["issues"][0]["code"].startswith("syntax.xml")
