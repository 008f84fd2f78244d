"""Ingesting files: read, validate, map and store every message, owning the commits.

The file row is committed first, before anything can fail. Messages are then
stored in batches, one transaction per batch; each message's rows sit in a
savepoint, so a message the database refuses is rolled back alone and marked
failed while the others commit. Nothing is half-written: a message is stored
whole or not at all, and the file's row records what became of each one.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, bindparam, insert, select
from sqlalchemy.pool import QueuePool

from gateway.db.base import table
from gateway.db.statements import Bulk
from gateway.db.types import REFUSALS, does_not_fit, is_text, refused, storable, text_length
from gateway.edi.detect import SAMPLE, detect
from gateway.edi.envelope import Scope
from gateway.edi.issues import Code, Issue, Level, Location
from gateway.edi.lexer import EDIFACT, X12
from gateway.edi.reader import MessageRead, stream
from gateway.edi.report import FileReport, inspect
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Context, Schemas, check_message
from gateway.inventory.service import Catalog, Ledger
from gateway.mapping.convert import documents, map_message
from gateway.mapping.registry import Mappings
from gateway.orders.service import STORES, Tolerance, Work
from gateway.pipeline.workers import Job, run_workers
from gateway.runtime import collector_paused
from gateway.traffic.models import InboundFile, InboundMessage, MessageStatus

BATCH = 200
_FILES = table(InboundFile)
_MESSAGES = table(InboundMessage)
_NEW_MESSAGES = Bulk(_MESSAGES)
_MESSAGE_IDS = select(_MESSAGES.c.position, _MESSAGES.c.id).where(
    _MESSAGES.c.file_id == bindparam("file_id"),
    _MESSAGES.c.position.between(bindparam("first"), bindparam("last")))
_UPDATE_MESSAGE = _MESSAGES.update().where(_MESSAGES.c.id == bindparam("message_id"))
# Acknowledgements and service messages are read, not stored as business documents.
SERVICE_TYPES = frozenset({"997", "999", "CONTRL", "APERAK", "TA1"})


@dataclass(slots=True)
class MessageOutcome:
    position: int
    message_type: str
    reference: str
    document_type: str | None
    number: str | None
    status: str
    detail: str
    issues: list[Issue] = field(default_factory=list)
    # EDI: segments of the message its mapping did not read, counted by tag.
    unread: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        found = {"position": self.position, "type": self.message_type,
                 "reference": self.reference, "document": self.document_type,
                 "number": self.number, "status": self.status, "detail": self.detail,
                 "issues": [i.to_json() for i in self.issues]}
        if self.unread:
            found["unread"] = self.unread
        return found


@dataclass(slots=True)
class IngestResult:
    name: str
    file_id: int | None
    already: bool
    messages: list[MessageOutcome] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(m.status == MessageStatus.STORED for m in self.messages)


@dataclass(slots=True)
class _Pending:
    """A message read and mapped, waiting for its batch."""

    outcome: MessageOutcome
    row: dict[str, Any]
    document: Any
    sender: str | None


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


FileData = bytes | Path
"""A file to ingest: its bytes, or the path of a regular file, which is then read
as a stream (by each worker on its own) and never held whole in memory."""


@dataclass(slots=True)
class Ingesting:
    """An ingest under way. The file's row is committed (or found: ``already``);
    ``outcomes`` gives what became of each message, in the file's order, as its
    batch is stored, and ``issues`` grows with the issues found between messages
    as the file is read (complete once ``outcomes`` is exhausted)."""

    name: str
    file_id: int | None
    already: bool
    issues: list[Issue]
    outcomes: Iterator[MessageOutcome]


def ingest(engine: Engine, data: FileData, name: str, mappings: Mappings, *,
           clock: Clock = _utc_now, tolerance: Tolerance | None = None,
           batch: int = BATCH, workers: int | None = None,
           schemas: Schemas | None = None) -> IngestResult:
    """Store every message of one file; see the module docstring for the guarantees
    and :func:`ingesting` for how. The outcome of every message is kept in the
    result; a caller that only reports them takes them as they come from
    :func:`ingesting` instead, so their number does not weigh on memory."""
    run = ingesting(engine, data, name, mappings, clock=clock, tolerance=tolerance,
                    batch=batch, workers=workers, schemas=schemas)
    messages = list(run.outcomes)
    return IngestResult(run.name, run.file_id, run.already, messages, run.issues)


def ingesting(engine: Engine, data: FileData, name: str, mappings: Mappings, *,
              clock: Clock = _utc_now, tolerance: Tolerance | None = None,
              batch: int = BATCH, workers: int | None = None,
              schemas: Schemas | None = None) -> Ingesting:
    """Record the file, then store its messages batch by batch as ``outcomes`` is
    iterated.

    EDI files are streamed: a batch of messages is read, validated, mapped and
    stored before the next is read, so memory stays bounded by the batch, and
    by the largest message, not the file (a file given by its path is read from
    disk as it goes). The cyclic garbage collector is paused while a batch is
    prepared and stored: a batch is many small objects and few if any reference
    cycles, and the collector would walk them, and soon everything else alive,
    every few hundred allocations. Between batches it collects the young
    generations only, and it is running as found whenever an outcome is handed
    to the caller.

    A large file is ingested by several processes at once (``workers``; by
    default :func:`worker_count` decides): each reads the whole file, validates
    and maps its own share of the batches, and stores them in the file's order,
    so the result is the one a single process gives.

    ``schemas`` carries partner guides (EDI and XML); by default the shipped
    standards. XML is checked to the rules level, as XML partners' own networks
    check it: schema, code lists, the Peppol or EN 16931 Schematron, guide rules."""
    path = data if isinstance(data, Path) else None
    if path is not None:
        with path.open("rb") as source:
            sha = hashlib.file_digest(source, "sha256").hexdigest()
            size = source.tell()
            source.seek(0)
            head = source.read(SAMPLE)
    else:
        assert isinstance(data, bytes)
        sha = hashlib.sha256(data).hexdigest()
        size, head = len(data), data[:SAMPLE]
    detection = detect(head)
    with engine.begin() as conn:
        found = conn.execute(select(_FILES.c.id).where(_FILES.c.sha256 == sha)).scalar()
        if found is not None:
            return _already(conn, int(found), name)
        file_id = conn.execute(insert(_FILES).returning(_FILES.c.id), {
            "sha256": sha, "name": storable(name[-512:], 512), "size": size,
            "standard": detection.standard, "received_at": clock()}).scalar_one()
    issues = list(detection.issues)
    tolerance = tolerance or Tolerance()
    schemas = Schemas(load_directory) if schemas is None else schemas
    if detection.standard not in (EDIFACT, X12):
        # XML is one document: read whole.
        whole = path.read_bytes() if path is not None else data
        assert isinstance(whole, bytes)
        report = inspect(whole, level=Level.RULES, schemas=schemas)
        issues[:] = report.issues
        pending = _prepare_xml(report, mappings, file_id)
        _store_batch(engine, pending, tolerance)
        return Ingesting(name, file_id, False, issues, iter([p.outcome for p in pending]))
    opener = partial(_open, data)
    read = partial(batches, opener, schemas, mappings, file_id, size=max(batch, 1))
    count = worker_count(engine, size) if workers is None else max(workers, 1)
    if count > 1:
        outcomes = run_workers(Job(engine, read, partial(_store_in_turn, tolerance), count),
                               issues)
    else:
        outcomes = _alone(engine, read(), tolerance, issues)
    return Ingesting(name, file_id, False, issues, outcomes)


def _open(data: FileData) -> BinaryIO:
    return data.open("rb") if isinstance(data, Path) else io.BytesIO(data)


def _alone(engine: Engine, read: Iterator[Batch], tolerance: Tolerance,
           issues: list[Issue]) -> Iterator[MessageOutcome]:
    """Each batch read, stored and handed on, in the calling process."""
    collecting = gc.isenabled()
    while True:
        with collector_paused():
            got = next(read, None)
            if got is None:
                return
            issues.extend(got.issues)
            _store_batch(engine, got.pending, tolerance)
            outcomes = [item.outcome for item in got.pending]
            # Stored: its documents go now, not when the generator moves on, so the
            # collection below does not walk them.
            got.pending.clear()
            del got
        if collecting:
            # Whatever the batch left in unreachable cycles goes now; only the young
            # generations are walked, not everything long-lived (schemas, mappings).
            gc.collect(1)
        yield from outcomes


# Below this size a file is ingested in the calling process: starting workers
# costs more than they would save.
PARALLEL_FROM = 2_000_000
MAX_WORKERS = 4


def worker_count(engine: Engine, size: int) -> int:
    """How many processes should ingest a file of ``size`` bytes into ``engine``.

    More than one only where each process can open its own connection to the
    same database (not an in-memory SQLite one), where processes can be forked
    safely (a POSIX system, and no other thread running that could hold a lock
    at the moment of the fork), and where there is more than one core."""
    if size < PARALLEL_FROM or not isinstance(engine.pool, QueuePool):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or \
            threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return max(1, min(cores, MAX_WORKERS))


@dataclass(slots=True)
class Batch:
    """One batch of a file: its index from 0, its messages read, validated and
    mapped (none where the batch is another worker's), and the issues found
    between messages (envelope problems) while reading it."""

    index: int
    pending: list[_Pending]
    issues: list[Issue]


def batches(opener: Callable[[], BinaryIO], schemas: Schemas, mappings: Mappings,
            file_id: int, *, size: int,
            mine: Callable[[int], bool] | None = None) -> Iterator[Batch]:
    """The messages of the file ``opener`` opens, in batches of ``size``; only the
    batches ``mine`` accepts are validated and mapped, the others are read to keep
    count. Positions count the messages of the whole file from 1."""
    with opener() as source:
        yield from _batches(source, schemas, mappings, file_id, size=size, mine=mine)


def _batches(source: BinaryIO, schemas: Schemas, mappings: Mappings, file_id: int, *,
             size: int, mine: Callable[[int], bool] | None) -> Iterator[Batch]:
    pending: list[_Pending] = []
    issues: list[Issue] = []
    index = count = position = 0
    wanted = mine is None or mine(0)
    for event in stream(source):
        if not isinstance(event, MessageRead):
            issues.extend(event.issues)
            continue
        position += 1
        count += 1
        if wanted:
            pending.append(_prepare_message(event, schemas, mappings, file_id, position))
        if count == size:
            yield Batch(index, pending, issues)
            index += 1
            pending, issues, count = [], [], 0
            wanted = mine is None or mine(index)
    if count or issues:
        yield Batch(index, pending, issues)


def _already(conn: Connection, file_id: int, name: str) -> Ingesting:
    outcomes = []
    rows = conn.execute(select(_MESSAGES).where(_MESSAGES.c.file_id == file_id)
                        .order_by(_MESSAGES.c.position)).mappings()
    for row in rows:
        outcomes.append(MessageOutcome(
            row["position"], row["message_type"], row["message_ref"] or "",
            row["document_type"], row["document_number"], row["status"],
            "this file was already ingested: " + (row["detail"] or "")))
    return Ingesting(name, file_id, True, [], iter(outcomes))


def _blocking(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.blocking]


def _prepare_message(event: MessageRead, schemas: Schemas, mappings: Mappings,
                     file_id: int, position: int) -> _Pending:
    """Validate and map one message read from the stream."""
    ic, group, message = event.interchange, event.group, event.message
    sender = ic.sender[0] or None
    scope = Scope(ic.reference or None, group.reference or None, message.reference or None)
    issues, placed = check_message(message, Context(scope, ic.delimiters.decimal, ic.standard),
                                   schemas)
    issues = [*event.issues, *issues]
    row = {"file_id": file_id, "position": position,
           "interchange_ref": ic.reference or None, "group_ref": group.reference or None,
           "message_ref": message.reference or None, "message_type": message.type or "?",
           "version": message.version or None, "sender": sender,
           "receiver": ic.receiver[0] or None}
    outcome = MessageOutcome(position, message.type or "?", message.reference, None, None,
                             "", "")
    document = None
    if message.type in SERVICE_TYPES:
        _settle(outcome, row, MessageStatus.SKIPPED,
                f"{message.type} is an acknowledgement, read not stored")
    elif _blocking(issues):
        outcome.issues = _blocking(issues)
        _settle(outcome, row, MessageStatus.FAILED, f"not valid: {outcome.issues[0].message}")
    else:
        mapped = map_message(message, ic.standard, ic.delimiters.decimal, mappings, placed)
        document = _mapped(outcome, row, mapped.document, mapped.issues)
        outcome.unread = mapped.unread
        row["unread_segments"] = json.dumps(mapped.unread)
    return _Pending(outcome, row, document, sender)


def _prepare_xml(report: FileReport, mappings: Mappings, file_id: int) -> list[_Pending]:
    pending: list[_Pending] = []
    if report.xml is not None:
        doc = report.xml.document
        row = {"file_id": file_id, "position": 1, "interchange_ref": None, "group_ref": None,
               "message_ref": doc.reference if doc else None,
               "message_type": doc.type if doc else "xml",
               "version": doc.version if doc else None, "sender": None, "receiver": None}
        outcome = MessageOutcome(1, doc.type if doc else "xml", doc.reference if doc else "",
                                 None, None, "", "")
        document = None
        if _blocking(report.issues):
            outcome.issues = _blocking(report.issues)
            _settle(outcome, row, MessageStatus.FAILED,
                    f"not valid: {outcome.issues[0].message}")
        else:
            found = documents(report, mappings)
            if found:
                document = _mapped(outcome, row, found[0].document, found[0].issues)
            else:
                _settle(outcome, row, MessageStatus.FAILED, "not a document the gateway reads")
        pending.append(_Pending(outcome, row, document, None))
    return pending


def _mapped(outcome: MessageOutcome, row: dict[str, Any], document: Any,
            issues: list[Issue]) -> Any:
    # A value that could not be read fails the message, even where the document
    # would be valid without it: it is not stored with the value silently dropped.
    unread = _blocking(issues)
    if document is None or unread:
        outcome.issues = issues
        reason = (unread or issues)[0].message if issues else "no mapping"
        _settle(outcome, row, MessageStatus.FAILED, f"not mapped: {reason}")
        return None
    outcome.document_type = document.type
    outcome.number = document.number
    row["document_type"] = document.type
    row["document_number"] = document.number
    # What storing will most likely say; the row is corrected when it says otherwise.
    row["detail"] = f"{document.type.replace('_', ' ')} {document.number}: " \
        f"{len(getattr(document, 'lines', ()))} lines"
    return document


def _settle(outcome: MessageOutcome, row: dict[str, Any], status: MessageStatus,
            detail: str) -> None:
    outcome.status = status.value
    outcome.detail = detail
    row["status"] = status.value
    row["detail"] = detail[:2000]


def _store_in_turn(tolerance: Tolerance, engine: Engine, batch: list[_Pending]) -> None:
    """A worker's store: looked up when called, so it is the module's current one."""
    _store_batch(engine, batch, tolerance)


def _store_batch(engine: Engine, batch: list[_Pending], tolerance: Tolerance) -> None:
    """Store a batch in one transaction; if the database refuses anything, store it
    again with a savepoint per message so only the refused ones fail."""
    if not batch:
        return
    try:
        results = _write(engine, batch, tolerance, careful=False)
    except REFUSALS as err:
        if not refused(err):
            raise
        results = _write(engine, batch, tolerance, careful=True)
    for item, (status, detail, issue) in zip(batch, results, strict=True):
        if item.document is not None:
            _settle(item.outcome, item.row, status, detail)
            if issue is not None:
                item.outcome.issues.append(issue)


def _write(engine: Engine, batch: list[_Pending], tolerance: Tolerance, *,
           careful: bool) -> list[tuple[MessageStatus, str, Issue | None]]:
    results: list[tuple[MessageStatus, str, Issue | None]] = []
    with engine.begin() as conn:
        # Carefully, each message's rows are written in its savepoint; else the
        # batch's child rows and ledger are written together at the end.
        work = Work(conn, Catalog(conn), Ledger(conn), tolerance, batched=not careful)
        ids = _message_rows(conn, batch)
        documents = [item.document for item in batch if item.document is not None]
        work.catalog.item_ids([ref for doc in documents for ref in _items(doc)])
        for item, message_id in zip(batch, ids, strict=True):
            if item.document is None:
                results.append((MessageStatus(item.row["status"]), item.row["detail"] or "",
                                None))
                continue
            issue = None
            store: Any = STORES[item.document.type]
            if not careful:
                stored = store(work, item.document, message_id, item.sender)
                status, detail = MessageStatus(stored.status), stored.detail
            else:
                mark = len(work.ledger.movements)
                savepoint = conn.begin_nested()
                try:
                    stored = store(work, item.document, message_id, item.sender)
                    savepoint.commit()
                    status, detail = MessageStatus(stored.status), stored.detail
                except REFUSALS as err:
                    if not refused(err):
                        raise
                    savepoint.rollback()
                    work.catalog.forget()
                    work.ledger.undo(mark)
                    status = MessageStatus.FAILED
                    detail, issue = _refusal(err)
            results.append((status, detail, issue))
            if status is not MessageStatus.STORED or detail != item.row.get("detail"):
                conn.execute(_UPDATE_MESSAGE, {"message_id": message_id,
                                               "status": status.value,
                                               "detail": storable(detail, 2000)})
        work.flush()
    return results


def _refusal(err: Exception) -> tuple[str, Issue]:
    """The detail and issue of a message whose rows were refused: by the fit check,
    naming the column and the value, or by the database, in its words."""
    misfit = does_not_fit(err)
    if misfit is not None:
        detail = f"a value does not fit where it is stored: {misfit}"
        location = Location(path=misfit.where, value=str(misfit.value)[:80])
    else:
        detail = f"the database refused it: {getattr(err, 'orig', err)}"
        location = Location()
    return detail, Issue.of(Code.NOT_STORABLE, detail, location)


def _message_rows(conn: Connection, batch: list[_Pending]) -> list[int]:
    """All message rows of a batch first, in one statement; their ids (in batch order)
    carry the lineage. A message is unique by its file and position."""
    rows = [_defaults({**item.row, "status": item.row.get("status") or "stored",
                       "detail": item.row.get("detail")}) for item in batch]
    _NEW_MESSAGES.run(conn, rows)
    positions = [row["position"] for row in rows]
    found = dict(conn.execute(_MESSAGE_IDS, {"file_id": rows[0]["file_id"],
                                             "first": min(positions),
                                             "last": max(positions)}).all())
    return [found[position] for position in positions]


def _items(document: Any) -> list[Any]:
    """The item references of a document's lines, to resolve them in one go."""
    found = []
    for line in getattr(document, "lines", ()):
        item = getattr(line, "item", None)
        if item is not None:
            found.append(item)
    return found


# What a partner puts in an envelope reference or type can be any length in a broken
# file; the message row keeps as much as its column holds rather than be refused.
# Undecodable bytes and NULs in them are written out (a file breaking its character
# set is recorded like any other).
_LENGTHS = {column.name: text_length(column.type) for column in _MESSAGES.columns
            if is_text(column.type)}


def _defaults(row: dict[str, Any]) -> dict[str, Any]:
    full = {"document_type": None, "document_number": None, "status": "", "detail": None,
            "interchange_id": None, "unread_segments": None, **row}
    for name, length in _LENGTHS.items():
        value = full.get(name)
        if isinstance(value, str):
            full[name] = storable(value, length)
    return full
