"""The running service: APScheduler's jobs in background threads, the HTTP channel under
uvicorn in the main thread, until stopped.

Jobs: ``inbound`` (poll every channel, process what was received, send what is
due) every ``poll_seconds``; ``send`` (retries whose backoff has passed) every
``send_seconds``; ``acknowledgements`` (match the partners' 997, 999 and
CONTRL to what we sent) every ``poll_seconds``; ``overdue`` (flag expected
acknowledgements that did not come in time) every ``overdue_seconds``;
``retention`` once a day. Each job runs one instance at a
time, and a run that was missed is run once, not caught up. Other parts of the
gateway hand in :class:`~gateway.jobs.tasks.Job` values (the overdue
acknowledgement check, the nightly forecast) to run beside them.

Ctrl-C (SIGINT) or SIGTERM stops uvicorn; the scheduler is then shut down
waiting for the job in hand, so the file being processed is finished (its
transactions commit) or, if the process is killed meanwhile, rolled back and
taken again on the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import uvicorn
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]  # no stubs
    BackgroundScheduler,
)

from gateway.jobs.service import Opened, drain
from gateway.jobs.tasks import Job, overdue, reconcile, retention, send_pending
from gateway.pipeline.context import Gateway
from gateway.web.app import create_app

log = logging.getLogger("gateway.service")
DAY = 24 * 3600


def _guarded(job: Job, opened: Opened) -> None:
    try:
        job.run(opened.gateway)
    except Exception:  # a job boundary: log it; the next run tries again
        log.exception("job %s failed", job.name)


def _inbound(gw: Gateway) -> None:
    """Poll, process, send; one log line per file processed."""
    drained = drain(gw, rounds=1)
    for outcome in drained.files:
        acks = ", ".join(i.ack for i in outcome.interchanges if i.ack) or "no acknowledgement"
        log.info("file %s: %s: %s (%s)", outcome.file_id, outcome.status, outcome.detail, acks)
    for error in drained.polled.errors:
        log.warning("channel: %s", error)


def build_scheduler(opened: Opened, extra: Sequence[Job] = ()) -> BackgroundScheduler:
    settings = opened.settings
    jobs = [
        Job("inbound", _inbound, settings.poll_seconds),
        Job("send", send_pending, settings.send_seconds),
        Job("acknowledgements", reconcile, settings.poll_seconds),
        Job("overdue", overdue, settings.overdue_seconds),
        Job("retention", lambda gw: retention(gw, settings.retention_days), DAY),
        *extra,
    ]
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in jobs:
        scheduler.add_job(_guarded, "interval", args=(job, opened), seconds=job.seconds,
                          id=job.name, max_instances=1, coalesce=True,
                          next_run_time=None if job.seconds >= DAY else opened.gateway.clock())
    return scheduler


def run_service(opened: Opened, extra: Sequence[Job] = ()) -> int:
    """Run until stopped; 0 after a clean stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = opened.settings
    scheduler = build_scheduler(opened, extra)
    config = uvicorn.Config(create_app(opened.gateway), host=settings.host,
                            port=settings.port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    scheduler.start()
    print(f"http      http://{settings.host}:{settings.port}/inbound; "
          "running until Ctrl-C", flush=True)
    try:
        server.run()
    finally:
        scheduler.shutdown(wait=True)
    print("stopped: the file in hand was finished; nothing is left half-done", flush=True)
    return 0
