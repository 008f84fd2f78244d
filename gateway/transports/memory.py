"""An in-memory channel for tests and for partners answered in the same request."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from gateway.transports.base import Incoming, SendError


@dataclass
class MemoryChannel:
    """Files put in ``waiting`` come in; files sent land in ``sent``. ``failures``
    makes the next sends fail (as a busy partner's server would)."""

    name: str
    waiting: list[tuple[str, bytes]] = field(default_factory=list)
    sent: list[tuple[str, bytes]] = field(default_factory=list)
    failures: int = 0
    taken: int = 0

    def describe(self) -> str:
        return "in memory"

    def poll(self, now: datetime) -> Iterator[Incoming]:
        while self.waiting:
            name, data = self.waiting.pop(0)
            self.taken += 1
            yield Incoming(self.name, name, f"{self.name}/{self.taken}-{name}", data, now)

    def done(self, incoming: Incoming) -> None:
        return None

    def send(self, name: str, data: bytes) -> str:
        if self.failures:
            self.failures -= 1
            raise SendError("the partner's end did not answer")
        self.sent.append((name, data))
        return f"memory:{self.name}/{name}"
