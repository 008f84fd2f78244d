"""Ingesting one large file with several processes, in the file's order.

Reading, validating and mapping take most of an ingest and need no database;
storing needs the database and must follow the file's order (an order before
its change, the first copy of a document before its duplicate). So each
worker process reads the whole file, validates and maps only its own batches
(batch ``k`` belongs to worker ``k % count``), and stores them when their turn
comes: a shared counter names the next batch to store, and a worker waits for
it before it opens its transaction. While one worker stores, the others
prepare. Every batch is stored by one transaction, as in a single process, so
the database ends as a single process would leave it, message ids included.

The calling process is the first worker; the others are forked: they start at
once with the loaded schemas and mappings. Each reads the file on its own, a
message at a time, so no process holds the file, and the memory of the whole
is the number of workers times that of one. Each opens its own connections
(the engine's pool is dropped, not closed, in the child, as SQLAlchemy asks).
The calling process hands on the outcomes, its own and those the others send,
in the file's order as their batches are stored.

A worker that fails stops the turns: the batches after the failing one are not
stored, the others stop, and the failure is raised in the calling process, as
a single process would raise it.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import Any, Protocol

from sqlalchemy import Engine

from gateway.edi.issues import Issue
from gateway.runtime import collector_paused

# How long the calling process waits for news before it checks its workers are alive.
_POLL = 0.5
_FAILED = -1


class WorkerFailed(RuntimeError):
    """A worker process failed in a way that could not be carried back as is."""


class Batch(Protocol):
    """A batch as :func:`gateway.pipeline.ingest.batches` reads it."""

    index: int
    pending: list[Any]
    issues: list[Issue]


@dataclass(frozen=True, slots=True)
class Job:
    """What every worker needs: how to read the file's batches
    (``batches(mine=...)`` reads the whole file, preparing only the batches ``mine``
    accepts), how to store one (``store(engine, pending)``) and how many workers."""

    engine: Engine
    batches: Callable[..., Iterator[Batch]]
    store: Callable[[Engine, list[Any]], None]
    count: int


def run_workers(job: Job, issues: list[Issue]) -> Iterator[Any]:
    """Run ``job`` with ``job.count`` workers, the calling process the first of them
    and the others forked; the outcomes of every message in the file's order, each
    batch's as soon as it and those before it are stored. The issues found between
    messages are added to ``issues`` as they come, all of them by the time the
    outcomes end. See the module docstring.

    The workers start when the first outcome is asked for; leaving the loop
    early (or an error) stops them."""
    context = multiprocessing.get_context("fork")
    turn = _Turn(context)
    news: multiprocessing.Queue[tuple[Any, ...]] = context.Queue()
    processes = [context.Process(target=_work, name=f"ingest-worker-{w}", daemon=True,
                                 args=(job, w, turn, news)) for w in range(1, job.count)]
    for process in processes:
        process.start()
    heard = _Heard(processes, news)
    finished = False
    collecting = gc.isenabled()
    try:
        mine = job.batches(mine=lambda index: index % job.count == 0)
        while True:
            # Read and prepare with the collector paused, as the forked workers do.
            with collector_paused():
                read = next(mine, None)
            if read is None:
                break
            issues.extend(read.issues)
            if read.index % job.count:
                yield from heard.ready()
                continue
            # Its turn comes when the others have told of every batch before it
            # (they pass the turn on, then tell): waiting on their news, not on the
            # turn's lock, which a worker that dies may leave held.
            while not heard.stored_before(read.index):
                heard.listen(_POLL)
                yield from heard.ready()
            with collector_paused():
                try:
                    job.store(job.engine, read.pending)
                except BaseException:
                    turn.stop()
                    raise
                while not turn.pass_on(read.index, patience=_POLL):
                    heard.listen(0)  # a worker gone holding the lock is raised here
                heard.stored[read.index] = [item.outcome for item in read.pending]
                read.pending.clear()  # stored: free its documents before they are walked
            if collecting:
                gc.collect(1)
            heard.listen(0)
            yield from heard.ready()
        while heard.done < len(processes):
            heard.listen(_POLL)
            yield from heard.ready()
        finished = True
    finally:
        if not finished:
            turn.stop(patience=_POLL)
        for process in processes:
            process.join(timeout=None if finished else 2)
            if process.is_alive():
                process.kill()
                process.join()
        news.close()
    yield from heard.ready()


class _Heard:
    """What the calling process has heard from the forked workers: the outcomes of
    the batches stored and not yet handed on, by batch, and how many workers are
    done. A failure, told or seen (a worker gone with an error code), is raised."""

    def __init__(self, processes: list[Any], news: multiprocessing.Queue[tuple[Any, ...]]
                 ) -> None:
        self.processes = processes
        self.news = news
        self.stored: dict[int, list[Any]] = {}
        self.following = 0
        self.done = 0

    def listen(self, wait: float) -> None:
        """Take every piece of news there is, waiting ``wait`` seconds for the first."""
        while True:
            try:
                kind, *news_of = self.news.get(timeout=wait) if wait else \
                    self.news.get_nowait()
            except queue.Empty:
                dead = [p for p in self.processes if p.exitcode not in (None, 0)]
                if dead:
                    raise WorkerFailed(f"{dead[0].name} ended with exit code "
                                       f"{dead[0].exitcode}") from None
                return
            wait = 0
            if kind == "batch":
                self.stored[news_of[0]] = news_of[1]
            elif kind == "done":
                self.done += 1
            else:  # "failed"
                raise news_of[0]

    def stored_before(self, index: int) -> bool:
        """Whether every batch before ``index`` is stored."""
        following = self.following
        while following < index and following in self.stored:
            following += 1
        return following >= index

    def ready(self) -> Iterator[Any]:
        """The outcomes that can be handed on: those of the batches stored in a row."""
        while self.following in self.stored:
            yield from self.stored.pop(self.following)
            self.following += 1


class _Turn:
    """The index of the next batch to store, shared by the workers; ``_FAILED`` once
    a worker failed."""

    def __init__(self, context: Any) -> None:
        self.value: Synchronized[int] = context.Value("q", 0)
        self.changed = context.Condition(self.value.get_lock())

    def wait_for(self, index: int) -> bool:
        """Wait until batch ``index`` may be stored; False when the turns stopped."""
        with self.changed:
            self.changed.wait_for(lambda: self.value.value in (index, _FAILED))
            return bool(self.value.value == index)

    def pass_on(self, index: int, *, patience: float | None = None) -> bool:
        """Pass the turn on to the batch after ``index``; False when the lock could
        not be had within ``patience`` seconds (and nothing was done)."""
        if not self.changed.acquire(timeout=patience):
            return False
        try:
            if self.value.value != _FAILED:
                self.value.value = index + 1
            self.changed.notify_all()
        finally:
            self.changed.release()
        return True

    def stop(self, *, patience: float | None = None) -> None:
        """Mark the turns stopped and wake the waiting workers. The calling process
        waits ``patience`` seconds at most for the lock, which a worker killed in
        the middle of passing its turn would hold for ever; the mark is then set
        without it, and the workers still waiting are ended by the caller."""
        if not self.changed.acquire(timeout=patience):
            self.value.get_obj().value = _FAILED
            return
        try:
            self.value.get_obj().value = _FAILED
            self.changed.notify_all()
        finally:
            self.changed.release()


def _work(job: Job, worker: int, turn: _Turn,
          news: multiprocessing.Queue[tuple[Any, ...]]) -> None:
    """A forked worker: prepare its batches, store each in its turn, report what became
    of its messages. The calling process, the first worker, keeps the issues found
    between messages, which every worker sees."""
    engine = job.engine
    engine.dispose(close=False)
    gc.disable()  # as in a single process: a batch is many small objects, no cycles
    try:
        for read in job.batches(mine=lambda index: index % job.count == worker):
            if read.index % job.count != worker:
                continue
            if not turn.wait_for(read.index):
                return  # another worker failed; the calling process reports it
            try:
                job.store(engine, read.pending)
            except BaseException:
                turn.stop()
                raise
            turn.pass_on(read.index)
            news.put(("batch", read.index, [item.outcome for item in read.pending]))
            read.pending.clear()  # stored: free its documents before the collection walks them
            gc.collect(1)
        news.put(("done",))
    except BaseException as err:  # noqa: BLE001 - whatever it is, the caller raises it
        turn.stop()
        news.put(("failed", _portable(err)))
    finally:
        engine.dispose(close=True)


def _portable(err: BaseException) -> BaseException:
    """``err`` if it survives the trip between processes, else its text."""
    try:
        pickle.loads(pickle.dumps(err))
    except (pickle.PickleError, TypeError, AttributeError, ValueError):
        return WorkerFailed("".join(traceback.format_exception(err)))
    return err
