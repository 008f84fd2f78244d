"""The HTTP channel outward: each outbound file POSTed to the partner's URL.

The body is the file's bytes as archived, with its media type (X12, EDIFACT or
XML), ``Idempotency-Key`` set to the file's name (which carries its control
number, so a retry of one file is recognised by a partner that honours the
header, and a resend of the archived bytes is the same request), and the file
name in ``Content-Disposition``. A 2xx answer is delivery; a timeout, a
refused connection, 408, 425, 429 and 5xx are worth another try (the outbound
queue waits the channel's backoff, :class:`~gateway.partners.profile.Retry`);
any other answer is permanent. Inbound, the partner POSTs to the gateway
(:mod:`gateway.web.app`), so :meth:`HttpSender.poll` yields nothing. Standard
library only, I/O only: no database, no parsing.

SFTP and AS2 channels implement the same :class:`~gateway.transports.base.Channel`
interface: SFTP as a pair of remote folders (``poll`` lists, takes by rename
into a ``.taking`` folder and reads; ``send`` writes under a temporary name and
renames, as the folder channel does), AS2 as a pushing channel like this one
(``send`` POSTs the signed and encrypted MIME message and raises
:class:`~gateway.transports.base.SendError` unless the synchronous MDN says
``processed``; an asynchronous MDN arrives on the web side and is reconciled
like an acknowledgement), with certificates named in the partner's profile.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from http.client import HTTPException

from gateway.transports.base import Incoming, SendError

# Answers a later attempt may get past: the partner's end is busy or down.
RETRYABLE = frozenset({408, 425, 429})
MEDIA_TYPES = {".x12": "application/edi-x12", ".edi": "application/edifact",
               ".xml": "application/xml"}


class HttpSender:
    def __init__(self, name: str, url: str, *, timeout: float = 30.0) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout

    def describe(self) -> str:
        return f"out POST {self.url}"

    def poll(self, now: datetime) -> Iterator[Incoming]:
        return iter(())

    def done(self, incoming: Incoming) -> None:
        return None

    def send(self, name: str, data: bytes) -> str:
        suffix = name[name.rfind("."):] if "." in name else ""
        request = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Content-Type": MEDIA_TYPES.get(suffix, "application/octet-stream"),
            "Idempotency-Key": name,
            "Content-Disposition": f'attachment; filename="{name}"',
        })
        try:
            # The partner's URL: its profile allows http and https only.
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = int(answer.status)
        except urllib.error.HTTPError as err:
            permanent = err.code not in RETRYABLE and err.code < 500
            raise SendError(f"{self.url} answered HTTP {err.code} {err.reason}",
                            permanent=permanent) from err
        except (urllib.error.URLError, HTTPException, OSError) as err:
            reason = getattr(err, "reason", None) or err
            raise SendError(f"{self.url} cannot be reached: {reason}") from err
        return f"{self.url} (HTTP {status})"
