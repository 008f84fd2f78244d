"""Assembling the gateway service from its settings, and running its jobs.

:class:`Settings` has embedded defaults for everything: SQLite, the archive and
one inbox/outbox per partner under ``var/``, the demo partners, HTTP on
127.0.0.1:8080. :func:`open_gateway` migrates the database, loads the partner
profiles into it and builds the context every step takes. :func:`drain` runs
every job once until nothing is left to do (``serve --once``, and each tick of
the running service). The scheduler itself is built in
:mod:`gateway.jobs.scheduler`, only when the service runs.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from gateway.archive.store import open_archive
from gateway.db.engine import make_engine
from gateway.db.migrate import upgrade
from gateway.errors import ConfigurationError
from gateway.jobs.tasks import (
    PollReport,
    overdue,
    poll_channels,
    process_received,
    reconcile,
    send_pending,
    send_planned_documents,
)
from gateway.mapping.registry import DEFAULT_ROOT
from gateway.partners.mappings import MappingSets, check_agreements
from gateway.partners.profile import DEFAULT_PARTNERS, HttpChannel, Profiles, load_profiles
from gateway.partners.service import SyncReport, sync_profiles
from gateway.pipeline.context import Clock, Gateway, folder_channels, utc_now
from gateway.pipeline.inbound import FileOutcome
from gateway.pipeline.outbound import SendReport
from gateway.pipeline.planned import PlannedReport
from gateway.pipeline.reconcile import Overdue, ReconcileReport
from gateway.transports.base import Channel
from gateway.transports.http import HttpSender


@dataclass(frozen=True)
class Settings:
    var: Path = Path("var")
    database: str | None = None  # default: SQLite in var/
    partners: Path = DEFAULT_PARTNERS
    archive: str = ""  # default: var/archive
    mappings: Path = DEFAULT_ROOT
    host: str = "127.0.0.1"
    port: int = 8080
    poll_seconds: float = 2.0
    send_seconds: float = 5.0
    overdue_seconds: float = 300.0
    planning_cron: str = "0 2 * * *"  # the planning cycle: nightly at 02:00 UTC
    retention_days: int = 400

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite:///{self.var / 'gateway.db'}"

    @property
    def partner_folders(self) -> Path:
        return self.var / "partners"


@dataclass
class Opened:
    gateway: Gateway
    settings: Settings
    sync: SyncReport
    lock: IO[bytes] | None = None
    notes: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.gateway.engine.dispose()
        if self.lock is not None:
            self.lock.close()
            self.lock = None


class ServiceRunning(ConfigurationError):
    """Another gateway service holds the SQLite database's lock."""


def _lock(settings: Settings) -> IO[bytes] | None:
    """One service per SQLite file (SQLite has no row claims to share work with):
    an exclusive lock beside the database, refused while another holds it."""
    if not settings.database_url.startswith("sqlite"):
        return None
    settings.var.mkdir(parents=True, exist_ok=True)
    handle = (settings.var / "gateway.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        handle.close()
        raise ServiceRunning(
            f"another gateway service is using {settings.database_url}; several services "
            "share work only on PostgreSQL (--database postgresql://...)") from err
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    return handle


def open_gateway(settings: Settings, *, clock: Clock = utc_now,
                 exclusive: bool = True) -> Opened:
    """Everything the service needs, ready; :class:`ConfigurationError` (or a profile
    or mapping error) when a setting or file is wrong. ``exclusive``: the caller runs
    the service's jobs, which on SQLite only one process may do."""
    profiles = load_profiles(settings.partners)
    sets = MappingSets(settings.mappings)
    problems = check_agreements(profiles, sets)
    if problems:
        raise ConfigurationError("; ".join(problems))
    lock = _lock(settings) if exclusive else None
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            sync = sync_profiles(conn, profiles, clock())
        archive = open_archive(settings.archive, settings.var / "archive")
    except BaseException:
        engine.dispose()
        if lock is not None:
            lock.close()
        raise
    channels = folder_channels(profiles, settings.partner_folders)
    channels.update(http_channels(profiles))
    gateway = Gateway(engine, archive, profiles, sets, clock, channels)
    for channel in gateway.channels.values():
        prepare = getattr(channel, "prepare", None)
        if prepare is not None:
            prepare()
    return Opened(gateway, settings, sync, lock)


def http_channels(profiles: Profiles) -> dict[str, Channel]:
    """A sender for each partner whose profile has an HTTP channel with a URL to POST
    documents to."""
    return {profile.name: HttpSender(f"http:{profile.name}", profile.channel.url,
                                     timeout=profile.channel.timeout_seconds)
            for profile in profiles
            if isinstance(profile.channel, HttpChannel) and profile.channel.url}


@dataclass(slots=True)
class Drained:
    polled: PollReport = field(default_factory=PollReport)
    files: list[FileOutcome] = field(default_factory=list)
    sent: SendReport = field(default_factory=SendReport)
    acks: ReconcileReport = field(default_factory=ReconcileReport)
    overdue: list[Overdue] = field(default_factory=list)
    planned: PlannedReport = field(default_factory=PlannedReport)


def drain(gw: Gateway, *, rounds: int = 100) -> Drained:
    """Poll, process, reconcile acknowledgements, queue planning's documents and send
    until a round finds nothing new (at most ``rounds``); then flag the
    acknowledgements overdue. The planning cycle itself is a job of its own
    (:func:`gateway.jobs.tasks.planning_cycle`)."""
    total = Drained()
    for _ in range(rounds):
        polled = poll_channels(gw)
        files = process_received(gw)
        acks = reconcile(gw)
        total.acks.matched.extend(acks.matched)
        total.acks.unmatched.extend(acks.unmatched)
        planned = send_planned_documents(gw)
        total.planned.queued.extend(planned.queued)
        total.planned.waiting = planned.waiting  # the latest round's: they wait each time
        sent = send_pending(gw)
        total.polled.taken += polled.taken
        total.polled.again += polled.again
        total.polled.errors.extend(polled.errors)
        total.files.extend(files)
        total.sent.sent += sent.sent
        total.sent.retrying += sent.retrying
        total.sent.failed += sent.failed
        if not (polled.taken or polled.again or files or sent.sent):
            break
    total.overdue.extend(overdue(gw))
    return total
