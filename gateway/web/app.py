"""The HTTP channel: a partner POSTs a raw document and reads the answer.

``POST /inbound`` with ``Authorization: Bearer <token>`` (the token whose
SHA-256 the partner's profile holds) and the document as the body. The bytes
are archived and recorded before anything else, processed at once, and the
answer is the validation result with the acknowledgement the agreement asks
for: 200 when every interchange was accepted, 422 when the document was
rejected, 202 when it waits in quarantine for a profile change, 413 over the
channel's size limit, 401 without a partner's token. An ``Idempotency-Key``
header makes a retry safe: the same key from the same partner gets the first
answer again, and the document is taken once.

:func:`create_app` builds the app from an opened gateway; nothing is built at
import. Processing here runs in the request's thread, never forks, and shares
the service's lock on SQLite (one writer) or the row claims on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from gateway.db.base import table
from gateway.partners.profile import HttpChannel, Profile
from gateway.pipeline.context import Gateway
from gateway.pipeline.inbound import claim_and_process, file_answer, receive
from gateway.pipeline.outbound import send_due
from gateway.traffic.models import IdempotencyKey
from gateway.traffic.states import FileStatus, InterchangeStatus
from gateway.transports.base import Incoming

_KEYS = table(IdempotencyKey)
IN_PROGRESS = 0


def _partner(gw: Gateway, request: Request) -> Profile | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    for profile in gw.profiles:
        channel = profile.channel
        if isinstance(channel, HttpChannel) and hmac.compare_digest(channel.token_sha256,
                                                                    digest):
            return profile
    return None


def _status(answer: dict[str, Any]) -> int:
    if answer["status"] == FileStatus.QUARANTINED:
        return 202
    if answer["status"] == FileStatus.REJECTED or any(
            i["status"] in (InterchangeStatus.REJECTED, InterchangeStatus.DUPLICATE)
            for i in answer["interchanges"]):
        return 422
    return 200


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def create_app(gw: Gateway) -> FastAPI:
    app = FastAPI(title="edi-gateway", docs_url=None, redoc_url=None)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/inbound")
    async def inbound(request: Request) -> Response:
        partner = _partner(gw, request)
        if partner is None:
            return _json(401, {"error": "a partner's bearer token is needed"})
        assert isinstance(partner.channel, HttpChannel)
        limit = partner.channel.max_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _json(413, {"error": f"the body is {declared} bytes, over the limit of "
                                        f"{limit} bytes for {partner.name}"})
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                return _json(413, {"error": f"the body is over the limit of {limit} bytes "
                                            f"for {partner.name}"})
        key = request.headers.get("idempotency-key", "").strip()[:200] or None
        from starlette.concurrency import run_in_threadpool  # noqa: PLC0415

        status, answer = await run_in_threadpool(_take, gw, partner, bytes(body), key)
        return _json(status, answer)

    return app


def _take(gw: Gateway, partner: Profile, data: bytes,
          key: str | None) -> tuple[int, dict[str, Any]]:
    """Record, process and answer one posted document (in a worker thread)."""
    partner_id = gw.partner_id(partner.name)
    now = gw.clock()
    if key is not None:
        with gw.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(_KEYS.insert(), {
                        "partner_id": partner_id, "key": key, "file_id": None,
                        "status_code": IN_PROGRESS, "answer": "", "created_at": now})
            except IntegrityError:
                found = conn.execute(select(_KEYS.c.status_code, _KEYS.c.answer).where(
                    _KEYS.c.partner_id == partner_id, _KEYS.c.key == key)).one()
                if found.status_code == IN_PROGRESS:
                    return 409, {"error": f"a request with Idempotency-Key {key!r} is being "
                                          "processed; ask again shortly"}
                answer = json.loads(found.answer)
                answer["replayed"] = True
                return int(found.status_code), answer
    pickup = f"http:{partner.name}/{uuid.uuid4().hex}"
    incoming = Incoming(f"http:{partner.name}", key or pickup.rsplit("/", 1)[-1], pickup,
                        data, now)
    received = receive(gw, incoming, partner.name)
    claim_and_process(gw, received.file_id)
    send_due(gw)
    answer = file_answer(gw, received.file_id)
    status = _status(answer)
    if key is not None:
        with gw.engine.begin() as conn:
            conn.execute(update(_KEYS).where(_KEYS.c.partner_id == partner_id,
                                             _KEYS.c.key == key).values(
                file_id=received.file_id, status_code=status,
                answer=json.dumps(answer, ensure_ascii=False)))
    return status, answer
