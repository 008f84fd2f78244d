"""The channel interface every transport implements.

A channel *polls* for complete incoming files, handing each over as an
:class:`Incoming` with a ``pickup`` name that is unique to this taking of it;
the caller archives and records it, then calls :meth:`Channel.done` so the
channel lets go of the file (a crash before ``done`` leaves it to be taken
again, and the recorded pickup name makes the second recording a no-op). A
channel *sends* one outbound file's bytes under a name; a failure raises
:class:`SendError` and the outbound queue tries again later. Pushing channels
(HTTP, AS2) receive in a web request instead of polling: their ``poll`` yields
nothing. Transports do I/O only: no database, no parsing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from gateway.errors import GatewayError


class SendError(GatewayError):
    """A send did not go through; ``permanent`` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Incoming:
    """A complete file taken from a channel, not yet recorded."""

    channel: str  # "folder:nwretail"
    name: str  # as the partner named it
    pickup: str  # unique to this taking of it
    data: bytes
    received_at: datetime
    too_large: int | None = None  # the size, when over the channel's limit (data empty)


class Channel(Protocol):
    name: str

    def poll(self, now: datetime) -> Iterator[Incoming]:
        """Complete files waiting, each taken once."""

    def done(self, incoming: Incoming) -> None:
        """The file is recorded: let go of it."""

    def send(self, name: str, data: bytes) -> str:
        """Deliver ``data`` as ``name``; where it went. :class:`SendError` on failure."""

    def describe(self) -> str: ...
