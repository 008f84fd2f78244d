"""inbound messages: the segments no mapping read, counted by tag

An EDI message's segments that no path of its inbound mapping reads, as a JSON
object of tag -> count (``{"FOB": 1, "PO4": 3}``), recorded with the message so
that what a partner sent and the gateway did not take is visible, not silent.
Empty for a message whose mapping read everything; none where nothing was mapped.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unread_segments", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_column("unread_segments")
