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

Workers are forked: they start at once with the loaded schemas and mappings,
and the file's bytes are shared, not copied. Each opens its own connections
(the engine's pool is dropped, not closed, in the child, as SQLAlchemy asks).

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


def run_workers(job: Job) -> tuple[list[Any], list[Issue]]:
    """Run ``job`` in ``job.count`` forked workers; the outcomes of every message in
    the file's order, and the issues found between messages. See the module
    docstring."""
    context = multiprocessing.get_context("fork")
    turn = _Turn(context)
    news: multiprocessing.Queue[tuple[Any, ...]] = context.Queue()
    processes = [context.Process(target=_work, name=f"ingest-worker-{w}", daemon=True,
                                 args=(job, w, turn, news)) for w in range(job.count)]
    for process in processes:
        process.start()
    stored: dict[int, list[Any]] = {}
    issues: list[Issue] = []
    done = 0
    failure: BaseException | None = None
    try:
        while done < job.count and failure is None:
            try:
                kind, *news_of = news.get(timeout=_POLL)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    failure = WorkerFailed(f"{dead[0].name} ended with exit code "
                                           f"{dead[0].exitcode}")
                continue
            if kind == "batch":
                stored[news_of[0]] = news_of[1]
            elif kind == "done":
                done += 1
                issues.extend(news_of[0])
            else:  # "failed"
                failure = news_of[0]
    finally:
        finished = failure is None and done == job.count
        if not finished:
            turn.stop(patience=_POLL)
        for process in processes:
            process.join(timeout=None if finished else 2)
            if process.is_alive():
                process.kill()
                process.join()
        news.close()
    if failure is not None:
        raise failure
    return [outcome for index in sorted(stored) for outcome in stored[index]], issues


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

    def pass_on(self, index: int) -> None:
        with self.changed:
            if self.value.value != _FAILED:
                self.value.value = index + 1
            self.changed.notify_all()

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
    """One worker: prepare its batches, store each in its turn, report what became of
    its messages. The first worker also reports the issues found between messages,
    which every worker sees."""
    engine = job.engine
    engine.dispose(close=False)
    gc.disable()  # as in a single process: a batch is many small objects, no cycles
    issues: list[Issue] = []
    try:
        for read in job.batches(mine=lambda index: index % job.count == worker):
            if worker == 0:
                issues.extend(read.issues)
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
        news.put(("done", issues))
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
