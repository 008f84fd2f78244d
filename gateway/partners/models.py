"""Trading parties, partners, their identities and agreements, as tables.

A trading party is anyone the business documents name (by GLN, DUNS or a
partner-assigned id); order and inventory rows point at it. A partner is a
trading party we exchange documents with under a profile
(:mod:`gateway.partners.profile`): its row, its identities and its agreements
are loaded from the profile files (:mod:`gateway.partners.service`), never
edited here. Each identity belongs to one partner (a unique key), so whatever
id a document names a partner by, it resolves to the partner's one party.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base
from gateway.db.types import UTCDateTime


class TradingParty(Base):
    __tablename__ = "trading_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "gln:...", "partner:..."
    gln: Mapped[str | None] = mapped_column(String(13))
    duns: Mapped[str | None] = mapped_column(String(13))
    name: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))


class Partner(Base):
    """A trading partner as its profile file says, and whether that file is still there."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    party_id: Mapped[int] = mapped_column(ForeignKey("trading_parties.id"))
    test: Mapped[bool]
    channel: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool]
    source: Mapped[str] = mapped_column(String(512))  # the profile file
    digest: Mapped[str] = mapped_column(String(64))  # its SHA-256 when loaded
    profile: Mapped[str] = mapped_column(Text)  # the checked profile, as JSON
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerIdentity(Base):
    """An id a partner is known by; ``key`` as :attr:`Identity.key` spells it."""

    __tablename__ = "partner_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(8))
    qualifier: Mapped[str | None] = mapped_column(String(35))
    value: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(130), unique=True)


class AgreementRecord(Base):
    """One agreement of a partner: a message type in one direction."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("partner_id", "direction", "standard", "message"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    direction: Mapped[str] = mapped_column(String(3))
    standard: Mapped[str] = mapped_column(String(8))
    version: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(35))
    mapping: Mapped[str | None] = mapped_column(String(200))
    overlays: Mapped[str | None] = mapped_column(String(63))
    ack_send: Mapped[str] = mapped_column(String(40))  # "997" or "TA1,997", "" for none
    ack_expect: Mapped[str | None] = mapped_column(String(8))
    ack_within_hours: Mapped[int]
    duplicate_window_days: Mapped[int]
    duplicate_action: Mapped[str] = mapped_column(String(8))
    delimiters: Mapped[str | None] = mapped_column(String(200))  # JSON
    charset: Mapped[str | None] = mapped_column(String(20))
