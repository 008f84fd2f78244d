"""outbound documents and acknowledgements received

An outbound file may be a business document (its type and number), and carries
the acknowledgement its agreement expects back, the time it is due and what the
partner's acknowledgement said; each acknowledgement message received is
recorded once with what it was matched to.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("document_number", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("ack_expected", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("ack_due_at", gateway.db.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("ack_status", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("ack_detail", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbound_files_document_number"),
                              ["document_number"], unique=False)
    op.create_table(
        "received_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("outbound_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["inbound_messages.id"],
                                name=op.f("fk_received_acks_message_id_inbound_messages")),
        sa.ForeignKeyConstraint(["outbound_id"], ["outbound_files.id"],
                                name=op.f("fk_received_acks_outbound_id_outbound_files")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_acks")),
        sa.UniqueConstraint("message_id", name=op.f("uq_received_acks_message_id")),
    )
    with op.batch_alter_table("received_acks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_received_acks_outbound_id"), ["outbound_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("received_acks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_received_acks_outbound_id"))
    op.drop_table("received_acks")
    with op.batch_alter_table("outbound_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_files_document_number"))
        for name in ("ack_detail", "ack_status", "ack_due_at", "ack_expected",
                     "document_number", "document_type"):
            batch_op.drop_column(name)
