"""the gateway's traffic: receipts, interchanges, states, outbound files, control numbers

A file row becomes a receipt of archived bytes (the same bytes may be received
twice: the content hash is indexed, no longer unique), with its channel,
partner, archive key and status. Interchanges get rows of their own, every
status change is recorded, duplicates are caught by the unique key of
interchange_keys, acknowledgements and later documents wait in
outbound_files, control numbers are counted per partner and scope, and HTTP
idempotency keys keep their answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_changes")),
    )
    with op.batch_alter_table("state_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_changes_subject_subject_id"),
            ["subject", "subject_id"],
            unique=False,
        )

    op.create_table(
        "control_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_control_counters_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_counters")),
        sa.UniqueConstraint(
            "partner_id", "scope", name=op.f("uq_control_counters_partner_id_scope")
        ),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["inbound_files.id"],
            name=op.f("fk_idempotency_keys_file_id_inbound_files"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_idempotency_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("partner_id", "key", name=op.f("uq_idempotency_keys_partner_id_key")),
    )
    op.create_table(
        "inbound_interchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=120), nullable=True),
        sa.Column("receiver", sa.String(length=120), nullable=True),
        sa.Column("control", sa.String(length=35), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["inbound_files.id"],
            name=op.f("fk_inbound_interchanges_file_id_inbound_files"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_inbound_interchanges_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_interchanges")),
        sa.UniqueConstraint(
            "file_id", "position", name=op.f("uq_inbound_interchanges_file_id_position")
        ),
    )
    op.create_table(
        "interchange_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=120), nullable=False),
        sa.Column("control", sa.String(length=35), nullable=False),
        sa.Column("interchange_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interchange_id"],
            ["inbound_interchanges.id"],
            name=op.f("fk_interchange_keys_interchange_id_inbound_interchanges"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_interchange_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interchange_keys")),
        sa.UniqueConstraint(
            "partner_id",
            "sender",
            "control",
            name=op.f("uq_interchange_keys_partner_id_sender_control"),
        ),
    )
    op.create_table(
        "outbound_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("archive_key", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=16), nullable=False),
        sa.Column("interchange_control", sa.String(length=35), nullable=True),
        sa.Column("group_controls", sa.String(length=200), nullable=True),
        sa.Column("answers_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", gateway.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["inbound_interchanges.id"],
            name=op.f("fk_outbound_files_answers_id_inbound_interchanges"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_outbound_files_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_files")),
        sa.UniqueConstraint("answers_id", "kind", name=op.f("uq_outbound_files_answers_id_kind")),
    )
    with op.batch_alter_table("outbound_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_files_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )

    with op.batch_alter_table("inbound_files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=80), server_default="cli", nullable=False)
        )
        batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("archive_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("pickup", sa.String(length=600), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="processed", nullable=False)
        )
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_inbound_files_sha256"), type_="unique")
        batch_op.create_index(batch_op.f("ix_inbound_files_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_files_status"), ["status"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_inbound_files_pickup"), ["pickup"])
        batch_op.create_foreign_key(
            batch_op.f("fk_inbound_files_partner_id_partners"), "partners", ["partner_id"], ["id"]
        )

    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interchange_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inbound_messages_interchange_id_inbound_interchanges"),
            "inbound_interchanges",
            ["interchange_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_inbound_messages_interchange_id_inbound_interchanges"),
            type_="foreignkey",
        )
        batch_op.drop_column("interchange_id")
    with op.batch_alter_table("inbound_files", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_inbound_files_partner_id_partners"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_inbound_files_pickup"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_inbound_files_status"))
        batch_op.drop_index(batch_op.f("ix_inbound_files_sha256"))
        batch_op.create_unique_constraint(batch_op.f("uq_inbound_files_sha256"), ["sha256"])
        for column in ("detail", "status", "pickup", "archive_key", "partner_id", "channel"):
            batch_op.drop_column(column)
    with op.batch_alter_table("outbound_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_files_status_next_attempt_at"))
    for name in (
        "outbound_files",
        "interchange_keys",
        "inbound_interchanges",
        "idempotency_keys",
        "control_counters",
    ):
        op.drop_table(name)
    with op.batch_alter_table("state_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_changes_subject_subject_id"))
    op.drop_table("state_changes")
