"""Traffic: the files received and the messages in them, the root of lineage.

Every business row points at the message it came from, and every message at
its file, so an order line can be traced to the bytes a partner sent. Files
are unique by content hash, so the same file ingested twice is recognised.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db.base import Base
from gateway.db.types import UTCDateTime


class MessageStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"  # not a business document the gateway stores (e.g. an ack)


class InboundFile(Base):
    __tablename__ = "inbound_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    size: Mapped[int]
    standard: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    messages: Mapped[list[InboundMessage]] = relationship(back_populates="file")


class InboundMessage(Base):
    """One message (or XML document) of a file and what became of it."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("file_id", "position"),
                      Index(None, "document_type", "document_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("inbound_files.id"))
    position: Mapped[int]  # 1-based, in file order
    interchange_ref: Mapped[str | None] = mapped_column(String(35))
    group_ref: Mapped[str | None] = mapped_column(String(35))
    message_ref: Mapped[str | None] = mapped_column(String(35))
    message_type: Mapped[str] = mapped_column(String(35))
    version: Mapped[str | None] = mapped_column(String(35))
    sender: Mapped[str | None] = mapped_column(String(80))
    receiver: Mapped[str | None] = mapped_column(String(80))
    document_type: Mapped[str | None] = mapped_column(String(32))
    document_number: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)

    file: Mapped[InboundFile] = relationship(back_populates="messages")
