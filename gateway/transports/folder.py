"""The folder channel: an inbox a partner (or its mailbox client) writes into, an
outbox we write into.

A file is taken only when complete: it has a final name (not starting with a
dot, not ending ``.tmp``, ``.part`` or ``.filepart``: a writer that renames into
place is never read half-written) and has not changed for ``settle`` seconds
(for writers that write in place). Taking is a rename into ``inbox/.taking/``
under a unique name: atomic, so of several gateway processes polling one inbox
exactly one takes each file, and a file taken is never seen in the inbox again.
The taken name carries the taker's process id: a file left in ``.taking`` by a
process that is gone (a crash) is offered again on the next poll, while one that
a live process on this host holds is left to it (and one from another host is
offered again after an hour). A file another poller takes or finishes while this
one looks is skipped, never an error. The outbox is written the same way round:
a temporary name, synced, then renamed.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from gateway.transports.base import Incoming, SendError

TAKING = ".taking"
_UNFINISHED = (".tmp", ".part", ".filepart", ".partial")
ABANDONED_AFTER = 3600.0  # seconds: a taken file whose taker cannot be asked


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _abandoned(path: Path, now: float) -> bool:
    """Whether a file in ``.taking`` was left by a taker that will not finish it."""
    owner = path.name.split("-", 1)[0]
    try:
        changed = path.stat().st_ctime  # the rename into .taking sets it
    except FileNotFoundError:
        return False  # its taker finished it meanwhile
    if owner.isdigit() and int(owner) != os.getpid():
        return not _alive(int(owner)) or now - changed > ABANDONED_AFTER
    return owner.isdigit() or now - changed > ABANDONED_AFTER


def _final(name: str) -> bool:
    return not name.startswith(".") and not name.lower().endswith(_UNFINISHED)


class FolderChannel:
    def __init__(self, name: str, inbox: Path, outbox: Path, *, settle: float = 2.0,
                 max_bytes: int = 100_000_000) -> None:
        self.name = name
        self.inbox = inbox
        self.outbox = outbox
        self.settle = settle
        self.max_bytes = max_bytes
        self.taking = inbox / TAKING

    def describe(self) -> str:
        return f"in {self.inbox}, out {self.outbox}"

    def prepare(self) -> None:
        for folder in (self.inbox, self.outbox, self.taking):
            folder.mkdir(parents=True, exist_ok=True)

    def poll(self, now: datetime) -> Iterator[Incoming]:
        self.prepare()
        # First what an earlier run took and did not finish, then the inbox.
        wall = time.time()
        for path in sorted(self.taking.iterdir()):
            if path.is_file() and _abandoned(path, wall):
                again = self._read(path, path.name.split("~", 1)[-1], now)
                if again is not None:
                    yield again
        stamp = now.timestamp()
        # Oldest first: the order the partner wrote them in (an order before its change).
        waiting = []
        for entry in os.scandir(self.inbox):
            if entry.is_file(follow_symlinks=False) and _final(entry.name):
                try:
                    waiting.append((entry.stat().st_mtime, entry.name, entry))
                except FileNotFoundError:
                    continue  # another poller took it since the listing
        for mtime, _, entry in sorted(waiting, key=lambda found: found[:2]):
            if stamp - mtime < self.settle:
                continue  # still being written, perhaps
            taken = self.taking / f"{os.getpid()}-{uuid.uuid4().hex}~{entry.name}"
            try:
                Path(entry.path).rename(taken)
            except FileNotFoundError:
                continue  # another process took it first
            incoming = self._read(taken, entry.name, now)
            if incoming is not None:
                yield incoming

    def _read(self, path: Path, name: str, now: datetime) -> Incoming | None:
        """The taken file, or None where another poller finished it first."""
        pickup = f"{self.name}/{path.name}"
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                return Incoming(self.name, name, pickup, b"", now, too_large=size)
            return Incoming(self.name, name, pickup, path.read_bytes(), now)
        except FileNotFoundError:
            return None

    def done(self, incoming: Incoming) -> None:
        (self.taking / incoming.pickup.rsplit("/", 1)[-1]).unlink(missing_ok=True)

    def send(self, name: str, data: bytes) -> str:
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            target = self.outbox / name
            handle, temporary = tempfile.mkstemp(dir=self.outbox, prefix=".sending-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(target)
        except OSError as err:
            raise SendError(f"cannot write to {self.outbox}: {err.strerror or err}") from err
        return str(target)
