"""The states of what flows through the gateway, and which changes are allowed.

A file, an interchange, a message and an outbound file each have a status,
stored as text; every change is checked against its transition table here and
recorded with its time and issues (:class:`gateway.traffic.models.StateChange`).
Values only: recording is the traffic service's job.
"""

from __future__ import annotations

from enum import StrEnum

from gateway.errors import GatewayError


class IllegalTransition(GatewayError):
    """A status change the transition table does not allow: a bug, not bad data."""


class FileStatus(StrEnum):
    RECEIVED = "received"  # archived and recorded; nothing else done yet
    PROCESSED = "processed"  # every interchange in it has a final state
    QUARANTINED = "quarantined"  # waiting for a profile (unknown partner or document)
    REJECTED = "rejected"  # unreadable, or over the size limit: nothing to route


class InterchangeStatus(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted-with-errors"  # some messages failed, or warnings
    REJECTED = "rejected"  # the envelope is broken: nothing in it is taken
    DUPLICATE = "duplicate"  # sender and control number seen within the window
    QUARANTINED = "quarantined"  # unknown partner, or not ours


class OutboundStatus(StrEnum):
    QUEUED = "queued"  # archived, waiting to be sent (or to be tried again)
    SENT = "sent"  # the channel took it
    DELIVERED = "delivered"  # the partner acknowledged it
    REJECTED = "rejected"  # the partner's acknowledgement rejected it
    FAILED = "failed"  # every attempt failed; a person must look


FILE_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({FileStatus.RECEIVED, FileStatus.REJECTED}),
    FileStatus.RECEIVED: frozenset({FileStatus.PROCESSED, FileStatus.QUARANTINED,
                                    FileStatus.REJECTED}),
    # Reprocessing takes a file again from the archive.
    FileStatus.QUARANTINED: frozenset({FileStatus.RECEIVED}),
    FileStatus.REJECTED: frozenset({FileStatus.RECEIVED}),
    FileStatus.PROCESSED: frozenset({FileStatus.RECEIVED}),
}

OUTBOUND_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({OutboundStatus.QUEUED}),
    OutboundStatus.QUEUED: frozenset({OutboundStatus.QUEUED, OutboundStatus.SENT,
                                      OutboundStatus.FAILED}),
    OutboundStatus.SENT: frozenset({OutboundStatus.DELIVERED, OutboundStatus.REJECTED,
                                    OutboundStatus.QUEUED}),  # a resend
    OutboundStatus.FAILED: frozenset({OutboundStatus.QUEUED}),  # a resend
    OutboundStatus.DELIVERED: frozenset(),
    OutboundStatus.REJECTED: frozenset({OutboundStatus.QUEUED}),
}


def check(table: dict[str | None, frozenset[str]], old: str | None, new: str) -> None:
    """Raise :class:`IllegalTransition` unless ``old`` may become ``new``."""
    if new not in table.get(old, frozenset()):
        raise IllegalTransition(f"{old or 'nothing'} cannot become {new}")
