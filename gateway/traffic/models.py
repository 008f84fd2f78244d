"""Traffic: the files received and sent, the interchanges and messages in them,
every state they went through, control numbers, the root of lineage.

Every business row points at the message it came from, every message at its
interchange and file, and every file at its bytes in the archive, so an order
line can be traced to the bytes a partner sent. A file row is a receipt: the
same bytes received twice are two receipts of one archived object (the
duplicate policy of the partner's agreement decides what the second one does).
Duplicate interchanges are caught by the unique key of :class:`InterchangeKey`;
acknowledgements by the unique (interchange, kind) of :class:`OutboundFile`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db.base import Base
from gateway.db.types import UTCDateTime


class MessageStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"  # not a business document the gateway stores (e.g. an ack)
    QUARANTINED = "quarantined"  # no agreement, or an unknown issuer: waits for a profile


class InboundFile(Base):
    __tablename__ = "inbound_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(512))
    size: Mapped[int]
    standard: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where it came from ("folder:nwretail", "http:NAME", "cli") and which partner that
    # channel belongs to; the key of its bytes in the archive (None: not archived,
    # as with the ingest command or a body refused for its size).
    channel: Mapped[str] = mapped_column(String(80), server_default="cli")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    archive_key: Mapped[str | None] = mapped_column(String(80))
    # What the channel calls this pickup (its claimed name): a pickup recorded twice
    # after a crash is one receipt.
    pickup: Mapped[str | None] = mapped_column(String(600), unique=True)
    status: Mapped[str] = mapped_column(String(16), server_default="processed", index=True)
    detail: Mapped[str | None] = mapped_column(Text)

    messages: Mapped[list[InboundMessage]] = relationship(back_populates="file")


class InboundMessage(Base):
    """One message (or XML document) of a file and what became of it."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("file_id", "position"),
                      Index(None, "document_type", "document_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("inbound_files.id"))
    position: Mapped[int]  # 1-based, in file order
    interchange_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_interchanges.id"))
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
    # EDI: the segments no path of the inbound mapping read, as JSON {tag: count}.
    unread_segments: Mapped[str | None] = mapped_column(Text)

    file: Mapped[InboundFile] = relationship(back_populates="messages")


class InboundInterchange(Base):
    """One interchange of a received file (an XML document counts as one), where it was
    routed and what became of it."""

    __tablename__ = "inbound_interchanges"
    __table_args__ = (UniqueConstraint("file_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("inbound_files.id"))
    position: Mapped[int]  # 1-based, in file order
    standard: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str | None] = mapped_column(String(120))  # "isa:ZZ:NWRETAIL"
    receiver: Mapped[str | None] = mapped_column(String(120))
    control: Mapped[str | None] = mapped_column(String(35))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    status: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str | None] = mapped_column(Text)
    issues: Mapped[str | None] = mapped_column(Text)  # JSON list


class InterchangeKey(Base):
    """The first interchange seen with a sender and control number, per partner. The
    unique key is what catches a duplicate; an entry older than the agreement's
    window is taken over by the next interchange with the same number."""

    __tablename__ = "interchange_keys"
    __table_args__ = (UniqueConstraint("partner_id", "sender", "control"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    sender: Mapped[str] = mapped_column(String(120))
    control: Mapped[str] = mapped_column(String(35))
    interchange_id: Mapped[int] = mapped_column(ForeignKey("inbound_interchanges.id"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StateChange(Base):
    """Every status a file, interchange, message or outbound file took, when, and why."""

    __tablename__ = "state_changes"
    __table_args__ = (Index(None, "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))  # file, interchange, message, outbound
    subject_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(Text)
    issues: Mapped[str | None] = mapped_column(Text)  # JSON list


class OutboundFile(Base):
    """A file to send to a partner: its bytes in the archive, its control numbers, and
    where it stands. An acknowledgement answers one inbound interchange, once."""

    __tablename__ = "outbound_files"
    __table_args__ = (UniqueConstraint("answers_id", "kind"),
                      Index(None, "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    kind: Mapped[str] = mapped_column(String(24))  # "997", "CONTRL", "TA1", document type
    name: Mapped[str] = mapped_column(String(200))  # the file name it is sent under
    archive_key: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    standard: Mapped[str] = mapped_column(String(16))
    interchange_control: Mapped[str | None] = mapped_column(String(35))
    group_controls: Mapped[str | None] = mapped_column(String(200))  # comma-separated
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_interchanges.id"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(Text)
    # A business document: its type and number (an order response, an invoice ...).
    document_type: Mapped[str | None] = mapped_column(String(32))
    document_number: Mapped[str | None] = mapped_column(String(80), index=True)
    # The acknowledgement the agreement expects back, by when, and what it said:
    # accepted, accepted-with-errors, partially-accepted, rejected; overdue while
    # none came in time (see gateway.pipeline.reconcile).
    ack_expected: Mapped[str | None] = mapped_column(String(8))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ack_status: Mapped[str | None] = mapped_column(String(24))
    ack_detail: Mapped[str | None] = mapped_column(Text)


class ReceivedAck(Base):
    """An acknowledgement message received (997, 999, CONTRL, an MLR) and what it was
    matched to: one row per message, so it is reconciled once by one process."""

    __tablename__ = "received_acks"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), unique=True)
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_files.id"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ControlCounter(Base):
    """The last control number given out, per partner and scope (``isa``, ``gs``,
    ``st``, ``unb``, ``ung``, ``unh``)."""

    __tablename__ = "control_counters"
    __table_args__ = (UniqueConstraint("partner_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    scope: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(BigInteger)  # UNB 0020 goes to fourteen digits


class IdempotencyKey(Base):
    """An HTTP request's Idempotency-Key and the answer it got, per partner."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("partner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    key: Mapped[str] = mapped_column(String(200))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_files.id"))
    status_code: Mapped[int]
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
