"""The HTTP channel outward against a real HTTP server on loopback: what it POSTs, which
answers count as delivered, which are worth another try and which are final."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gateway.transports.base import SendError
from gateway.transports.http import HttpSender


class Partner(ThreadingHTTPServer):
    """A partner's endpoint: answers each POST with the next status of ``answers``
    (then 200) and keeps what it got."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: list[int] = []
        self.got: list[tuple[str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/edi"


class _Handler(BaseHTTPRequestHandler):
    server: Partner

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.got.append((self.path, dict(self.headers.items()), body))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def partner() -> Iterator[Partner]:
    server = Partner()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_file_is_posted_with_its_type_name_and_idempotency_key(partner: Partner) -> None:
    """The body is the bytes as given; an .x12 file goes as application/edi-x12 with its
    name as Idempotency-Key and file name; a 200 is delivery."""
    sender = HttpSender("http:p", partner.url)
    where = sender.send("855_p_000000002.x12", b"ISA*00~")
    assert where == f"{partner.url} (HTTP 200)"
    ((path, headers, body),) = partner.got
    assert (path, body) == ("/edi", b"ISA*00~")
    assert headers["Content-Type"] == "application/edi-x12"
    assert headers["Idempotency-Key"] == "855_p_000000002.x12"
    assert headers["Content-Disposition"] == 'attachment; filename="855_p_000000002.x12"'


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_a_busy_or_failing_partner_is_worth_another_try(partner: Partner, status: int) -> None:
    """5xx, 429 and 408 raise a SendError that is not permanent, naming the status."""
    partner.answers = [status]
    with pytest.raises(SendError, match=f"answered HTTP {status}") as raised:
        HttpSender("http:p", partner.url).send("a.xml", b"<a/>")
    assert not raised.value.permanent


@pytest.mark.parametrize("status", [400, 401, 404, 413])
def test_a_refusal_is_final(partner: Partner, status: int) -> None:
    """Another 4xx will not change by trying again: the SendError is permanent."""
    partner.answers = [status]
    with pytest.raises(SendError) as raised:
        HttpSender("http:p", partner.url).send("a.edi", b"UNB")
    assert raised.value.permanent


def test_nobody_listening_is_worth_another_try() -> None:
    """A refused connection (a port nobody listens on) is not permanent."""
    server = Partner()
    url = server.url
    server.server_close()  # the port is free again: nothing answers there
    with pytest.raises(SendError, match="cannot be reached") as raised:
        HttpSender("http:p", url, timeout=5).send("a.x12", b"ISA")
    assert not raised.value.permanent
