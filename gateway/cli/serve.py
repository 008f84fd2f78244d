"""``edi-gateway serve``: the gateway service; ``reprocess``: take files again.

``serve`` starts on embedded defaults with nothing to configure: SQLite, the
archive and an inbox/outbox per partner under ``var/``, the demo partners of
``samples/partners``, HTTP on 127.0.0.1:8080, and the scheduled jobs (poll the
channels, process what was received, send what is due, retention). It prints
where everything is, puts the demo partners' sample files in their inboxes the
first time, and runs until stopped; Ctrl-C lets the file in hand finish (or
roll back) and stops. ``--once`` drains the inboxes, runs every due job once,
prints what became of each file and exits: 0 when every file was processed
with every interchange accepted, 1 otherwise. FastAPI, uvicorn and APScheduler
are imported only when the service runs.

``reprocess FILE_ID... | --quarantined`` makes files received again after a
profile was fixed; the next ``serve`` (or its next poll) takes them from the
archive.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.cli.partners import add_partners_option
from gateway.errors import DatabaseError
from gateway.partners import DEFAULT_PARTNERS

if TYPE_CHECKING:
    from gateway.jobs.service import Drained, Opened, Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Which sample files each demo partner sends, put in its inbox on the first start.
DEMO_FILES = SAMPLES / "partners" / "demo-inbox.txt"


def register(commands: Any) -> None:
    p = commands.add_parser("serve", help="run the gateway service (embedded defaults)")
    _common(p)
    p.add_argument("--once", action="store_true",
                   help="drain the inboxes, run every due job once, and exit")
    p.add_argument("--host", default="127.0.0.1", help="HTTP address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="HTTP port (default 8080)")
    p.add_argument("--no-demo", action="store_true",
                   help="do not put the demo partners' sample files in their inboxes")
    p.add_argument("--planning-cron", default="0 2 * * *", metavar="CRONTAB",
                   help="when the planning cycle runs, a crontab line in UTC "
                        "(default \"0 2 * * *\": nightly at 02:00)")
    p.set_defaults(handler=cmd_serve)

    p = commands.add_parser("reprocess", help="take files again from the archive")
    _common(p)
    p.add_argument("files", nargs="*", type=int, metavar="FILE_ID")
    p.add_argument("--quarantined", action="store_true",
                   help="every quarantined file")
    p.set_defaults(handler=cmd_reprocess)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--var", type=Path, default=Path("var"),
                   help="folder for the database, archive and partner folders (default var/)")
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: SQLite in the var folder; "
                        "postgresql+psycopg://user@host/db to share work between services)")
    p.add_argument("--archive", default="", metavar="DIR|s3://BUCKET/PREFIX",
                   help="where raw bytes are kept (default: var/archive)")
    add_partners_option(p)


def _settings(args: argparse.Namespace) -> Settings:
    from gateway.jobs.service import Settings

    return Settings(var=args.var, database=args.database, partners=args.partners,
                    archive=args.archive, host=getattr(args, "host", "127.0.0.1"),
                    port=getattr(args, "port", 8080),
                    planning_cron=getattr(args, "planning_cron", "0 2 * * *"))


def _open(args: argparse.Namespace, command: str) -> Opened | None:
    from sqlalchemy.exc import DBAPIError

    from gateway.db.engine import database_problem
    from gateway.db.migrate import open_database
    from gateway.errors import ConfigurationError
    from gateway.jobs.service import open_gateway
    from gateway.mapping.inbound import MappingError
    from gateway.partners.profile import ProfileError

    settings = _settings(args)
    try:
        if command == "serve":  # the service's own folder (--var), asked for
            settings.var.mkdir(parents=True, exist_ok=True)
        # A database that cannot be used is said before the profiles and mappings
        # are loaded; no folder is made for it.
        open_database(args.database, default=settings.database_url,
                      create_folder=False).dispose()
        return open_gateway(settings, exclusive=command == "serve")
    except (ConfigurationError, MappingError, ProfileError) as err:
        print(f"edi-gateway {command}: {err}", file=sys.stderr)
        return None
    except DBAPIError as err:
        raise database_problem(err, settings.database_url) from None
    except OSError as err:
        raise DatabaseError(
            f"cannot use {err.filename or settings.var} ({str(err.strerror or err).lower()}); "
            "run where you may write, or give --var DIR") from None


def seed_demo(opened: Opened) -> list[str]:
    """Copy the demo partners' sample files into their inboxes, once per var folder."""
    settings = opened.settings
    marker = settings.var / ".demo-seeded"
    if settings.partners != DEFAULT_PARTNERS or marker.exists() or not DEMO_FILES.is_file():
        return []
    placed = []
    # Arrival order is the list's: an hour ago, a second apart (complete: no settling).
    arrived = time.time() - 3600
    for line in DEMO_FILES.read_text("utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) != 2:
            continue
        partner, sample = words
        channel = opened.gateway.channels.get(partner)
        inbox = getattr(channel, "inbox", None)
        if inbox is None:
            continue
        target = inbox / Path(sample).name
        shutil.copyfile(SAMPLES / sample, target)
        arrived += 1
        os.utime(target, (arrived, arrived))
        placed.append(f"{partner}: {sample}")
    marker.write_text("the demo partners' sample files were put in their inboxes\n", "utf-8")
    return placed


def _where(opened: Opened) -> None:
    gw, settings = opened.gateway, opened.settings
    print(f"database  {gw.engine.url.render_as_string(hide_password=True)}")
    print(f"archive   {gw.archive.describe()}")
    print(f"partners  {settings.partners} ({len(gw.profiles)} profiles: "
          f"{len(opened.sync.added)} new, {len(opened.sync.updated)} changed)")
    for name, channel in sorted(gw.channels.items()):
        if channel.name.startswith("folder:"):
            print(f"  {name:<22} folder {channel.describe()}")
    for profile in gw.profiles:
        if profile.channel.type == "http":
            out = f"; out POST {profile.channel.url}" if getattr(profile.channel, "url", None) \
                else ""
            print(f"  {profile.name:<22} http POST http://{settings.host}:{settings.port}"
                  f"/inbound with its bearer token{out}")


def _report(drained: Drained, cycle: str | None = None) -> int:
    from gateway.traffic.states import FileStatus, InterchangeStatus

    bad = 0
    for outcome in drained.files:
        good = outcome.status == FileStatus.PROCESSED and all(
            i.status in (InterchangeStatus.ACCEPTED, InterchangeStatus.ACCEPTED_WITH_ERRORS)
            for i in outcome.interchanges) and all(
            m.status in ("stored", "skipped") for m in outcome.messages)
        bad += not good
        acks = ", ".join(i.ack for i in outcome.interchanges if i.ack) or "no ack"
        print(f"{'+' if good else '!'} file {outcome.file_id}: {outcome.status}: "
              f"{outcome.detail} ({acks})")
        for message in outcome.messages:
            if message.status not in ("stored", "skipped"):
                print(f"    #{message.position} {message.message_type}: {message.status}: "
                      f"{message.detail}")
    sent = drained.sent
    print(f"{len(drained.files)} files processed, {bad} not cleanly; "
          f"{sent.sent} sent, {sent.retrying} waiting to be tried again, {sent.failed} failed"
          + (f"; {len(drained.polled.errors)} channel errors" if drained.polled.errors else ""))
    for error in drained.polled.errors:
        print(f"  channel error: {error}")
    for outbound_id, status in drained.acks.matched:
        print(f"  outbound {outbound_id}: acknowledged, {status}")
    for reason in drained.acks.unmatched:
        print(f"  acknowledgement unmatched: {reason}")
    if cycle is not None:
        print(f"  {cycle}")
    for queued in drained.planned.queued:
        print(f"  planning: {queued.document_type.replace('_', ' ')} {queued.number} queued "
              f"for {queued.partner} as {queued.message} {queued.control}")
    for reason in drained.planned.waiting:
        print(f"  planning: not sent, waits: {reason}")
    for late in drained.overdue:
        print(f"  outbound {late.outbound_id} {late.name} to {late.partner}: "
              f"acknowledgement overdue (no {late.expected} in time)")
    return 1 if bad or sent.failed or drained.polled.errors else 0


def cmd_serve(args: argparse.Namespace) -> int:
    opened = _open(args, "serve")
    if opened is None:
        return 2
    try:
        _where(opened)
        if not args.no_demo:
            for placed in seed_demo(opened):
                print(f"  demo file in the inbox of {placed}")
        if args.once:
            from gateway.jobs.service import drain
            from gateway.jobs.tasks import planning_cycle

            drained = drain(opened.gateway)
            cycle = planning_cycle(opened.gateway)  # when due; its documents queued
            if cycle.queued:
                drained.sent.sent += drain(opened.gateway).sent.sent
            drained.planned.queued.extend(cycle.queued)
            drained.planned.waiting = cycle.waiting
            return _report(drained, cycle.cycle)
        from gateway.errors import ConfigurationError
        from gateway.jobs.scheduler import run_service

        try:
            code: int = run_service(opened)
        except ConfigurationError as err:
            print(f"edi-gateway serve: {err}", file=sys.stderr)
            return 2
        return code
    finally:
        opened.close()


def cmd_reprocess(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from gateway.db.base import table
    from gateway.pipeline.inbound import reprocess
    from gateway.traffic.models import InboundFile
    from gateway.traffic.states import FileStatus, IllegalTransition

    opened = _open(args, "reprocess")
    if opened is None:
        return 2
    try:
        gw = opened.gateway
        ids = list(args.files)
        if args.quarantined:
            files = table(InboundFile)
            with gw.engine.connect() as conn:
                ids += [int(i) for i in conn.execute(select(files.c.id).where(
                    files.c.status == FileStatus.QUARANTINED.value)).scalars()]
        if not ids:
            print("edi-gateway reprocess: name files by id, or --quarantined", file=sys.stderr)
            return 2
        worst = 0
        for ident in ids:
            try:
                reprocess(gw, ident)
                print(f"file {ident}: received again; the service takes it from the archive")
            except IllegalTransition as err:
                print(f"edi-gateway reprocess: file {ident}: {err}", file=sys.stderr)
                worst = 1
            except LookupError:
                print(f"edi-gateway reprocess: no file {ident}", file=sys.stderr)
                worst = 1
        return worst
    finally:
        opened.close()
