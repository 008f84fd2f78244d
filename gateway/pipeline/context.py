"""What every pipeline step needs, built once by the service or the command line and
passed down: the database, the archive, the partner profiles and their mappings,
the channels, the clock. No globals: two gateways in one process do not meet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from gateway.archive.store import Archive
from gateway.db.base import table
from gateway.edi.schema.loader import load_directory
from gateway.edi.schema.validator import Schemas
from gateway.partners.mappings import MappingSets
from gateway.partners.models import Partner
from gateway.partners.profile import FolderChannel as FolderSettings
from gateway.partners.profile import Profile, Profiles
from gateway.transports.base import Channel
from gateway.transports.folder import FolderChannel

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Gateway:
    engine: Engine
    archive: Archive
    profiles: Profiles
    sets: MappingSets
    clock: Clock = utc_now
    channels: dict[str, Channel] = field(default_factory=dict)  # by partner name
    schemas: Schemas = field(default_factory=lambda: Schemas(load_directory))
    partner_ids: dict[str, int] = field(default_factory=dict)
    batch: int = 200
    # SQLite has one writer and no row locks: the threads of one service (the scheduler's,
    # the HTTP requests') take turns processing files under this lock.
    processing: threading.Lock = field(default_factory=threading.Lock)

    def partner_id(self, name: str) -> int:
        found = self.partner_ids.get(name)
        if found is None:
            with self.engine.connect() as conn:
                ident = conn.execute(select(table(Partner).c.id)
                                     .where(table(Partner).c.name == name)).scalar_one()
            found = self.partner_ids[name] = int(ident)
        return found

    def profile(self, name: str | None) -> Profile | None:
        return self.profiles.get(name) if name else None


def folder_channels(profiles: Profiles, root: Path) -> dict[str, Channel]:
    """A folder channel for each partner whose profile has one; relative folders are
    under ``root/<partner>/``."""
    found: dict[str, Channel] = {}
    for profile in profiles:
        settings = profile.channel
        if not isinstance(settings, FolderSettings):
            continue
        base = root / profile.name
        found[profile.name] = FolderChannel(
            f"folder:{profile.name}", base / settings.inbox, base / settings.outbox,
            settle=settings.settle_seconds, max_bytes=settings.max_bytes)
    return found
