"""The running service: APScheduler's jobs in background threads, the HTTP channel under
uvicorn in the main thread, until stopped.

Jobs: ``inbound`` (poll every channel, process what was received, send what is
due) every ``poll_seconds``; ``send`` (retries whose backoff has passed) every
``send_seconds``; ``acknowledgements`` (match the partners' 997, 999 and
CONTRL to what we sent) every ``poll_seconds``; ``overdue`` (flag expected
acknowledgements that did not come in time) every ``overdue_seconds``;
``retention`` once a day; ``planning`` (the planning cycle, then its documents
queued for their partners) on the crontab line of ``planning_cron``, nightly
at 02:00 UTC by default. Each job runs one instance at a
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
import re
from collections.abc import Sequence

import uvicorn
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]  # no stubs
    BackgroundScheduler,
)
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]  # no stubs

from gateway.errors import ConfigurationError
from gateway.jobs.service import Opened, drain
from gateway.jobs.tasks import Job, overdue, planning_cycle, reconcile, retention, send_pending
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


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_trigger(line: str) -> CronTrigger:
    """A crontab line (minute hour day month weekday, UTC) as crontab reads it:
    APScheduler 3 counts weekdays from Monday = 0, crontab from Sunday = 0 (and 7), so
    weekday numbers are given to it by name. :class:`ValueError` when it is wrong."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"a crontab line has 5 fields, not {len(fields)}")
    minute, hour, day, month, weekday = fields
    weekday = re.sub(r"(?<![/\d])\d+", lambda found: _WEEKDAYS[int(found.group())]
                     if int(found.group()) < len(_WEEKDAYS) else found.group(), weekday)
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                       timezone="UTC")


def build_scheduler(opened: Opened, extra: Sequence[Job] = ()) -> BackgroundScheduler:
    settings = opened.settings
    jobs = [
        Job("inbound", _inbound, settings.poll_seconds),
        Job("send", send_pending, settings.send_seconds),
        Job("acknowledgements", reconcile, settings.poll_seconds),
        Job("overdue", overdue, settings.overdue_seconds),
        Job("retention", lambda gw: retention(gw, settings.retention_days), DAY),
        Job("planning", planning_cycle, DAY, cron=settings.planning_cron),
        *extra,
    ]
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in jobs:
        if job.cron is not None:
            try:
                trigger = cron_trigger(job.cron)
            except ValueError as err:
                raise ConfigurationError(f"the {job.name} job's cron {job.cron!r}: {err}") \
                    from err
            scheduler.add_job(_guarded, trigger, args=(job, opened), id=job.name,
                              max_instances=1, coalesce=True)
            continue
        scheduler.add_job(_guarded, "interval", args=(job, opened), seconds=job.seconds,
                          id=job.name, max_instances=1, coalesce=True,
                          next_run_time=None if job.seconds >= DAY else opened.gateway.clock())
    return scheduler


def run_service(opened: Opened, extra: Sequence[Job] = ()) -> int:
    """Run until stopped; 0 after a clean stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = opened.settings
    scheduler = build_scheduler(opened, extra)  # a wrong cron line: before anything starts
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
