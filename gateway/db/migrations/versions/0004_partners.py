"""partner profiles, identities and agreements

The tables the partner profile files are loaded into: one row per partner
(pointing at its one trading party), each id it is known by (unique: an id
names one partner), and one agreement per message type and direction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=512), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("loaded_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["trading_parties.id"], name=op.f("fk_partners_party_id_trading_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("message", sa.String(length=35), nullable=False),
        sa.Column("mapping", sa.String(length=200), nullable=True),
        sa.Column("overlays", sa.String(length=63), nullable=True),
        sa.Column("ack_send", sa.String(length=40), nullable=False),
        sa.Column("ack_expect", sa.String(length=8), nullable=True),
        sa.Column("ack_within_hours", sa.Integer(), nullable=False),
        sa.Column("duplicate_window_days", sa.Integer(), nullable=False),
        sa.Column("duplicate_action", sa.String(length=8), nullable=False),
        sa.Column("delimiters", sa.String(length=200), nullable=True),
        sa.Column("charset", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_agreements_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint(
            "partner_id",
            "direction",
            "standard",
            "message",
            name=op.f("uq_agreements_partner_id_direction_standard_message"),
        ),
    )
    op.create_table(
        "partner_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=8), nullable=False),
        sa.Column("qualifier", sa.String(length=35), nullable=True),
        sa.Column("value", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=130), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_identities_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_identities")),
        sa.UniqueConstraint("key", name=op.f("uq_partner_identities_key")),
    )
    with op.batch_alter_table("partner_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_identities_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partner_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_identities_partner_id"))
    op.drop_table("partner_identities")
    op.drop_table("agreements")
    op.drop_table("partners")
