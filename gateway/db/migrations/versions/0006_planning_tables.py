"""planning tables: forecast runs, revisions, CPFR exceptions, replenishment

Forecast runs with their series (model, reason, backtest scores, accuracy) and
values (forecast and quantiles); agreed forecast revisions; exception criteria,
exceptions and their audit trail; replenishment policies and proposals; the
documents planning produces for the outbound flow.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 20:27:58.797133
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exception_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=35), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("partner_key", sa.String(length=120), nullable=True),
        sa.Column("item_group", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("forecast_type", sa.String(length=8), nullable=False),
        sa.Column("comparison", sa.String(length=8), nullable=False),
        sa.Column("threshold", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("default_resolution", sa.String(length=8), nullable=True),
        sa.Column("effective_start", sa.Date(), nullable=True),
        sa.Column("effective_end", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_criteria")),
        sa.UniqueConstraint("code", name=op.f("uq_exception_criteria_code")),
    )
    op.create_table(
        "forecast_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("started_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", gateway.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("first_period", sa.Date(), nullable=True),
        sa.Column("last_period", sa.Date(), nullable=True),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_runs")),
    )
    op.create_table(
        "forecast_run_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("demand_class", sa.String(length=16), nullable=False),
        sa.Column("adi", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("cv2", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scores", sa.Text(), nullable=False),
        sa.Column("mase", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("rmsse", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("wape", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("bias", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("error_sd", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("history_periods", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_forecast_run_series_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_forecast_run_series_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["forecast_runs.id"],
            name=op.f("fk_forecast_run_series_run_id_forecast_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_run_series")),
        sa.UniqueConstraint(
            "run_id",
            "item_id",
            "location_id",
            name=op.f("uq_forecast_run_series_run_id_item_id_location_id"),
        ),
    )
    with op.batch_alter_table("forecast_run_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_run_series_run_id"), ["run_id"], unique=False)

    op.create_table(
        "planning_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("partner_key", sa.String(length=120), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("forecast_type", sa.String(length=8), nullable=False),
        sa.Column("source_value", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("compared_value", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("variance", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("variance_percent", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=8), nullable=True),
        sa.Column("agreed", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("reviewer", sa.String(length=80), nullable=True),
        sa.Column("raised_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", gateway.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["exception_criteria.id"],
            name=op.f("fk_planning_exceptions_criterion_id_exception_criteria"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_planning_exceptions_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_planning_exceptions_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["forecast_runs.id"],
            name=op.f("fk_planning_exceptions_run_id_forecast_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_exceptions")),
    )
    with op.batch_alter_table("planning_exceptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planning_exceptions_status_item_id_location_id"),
            ["status", "item_id", "location_id"],
            unique=False,
        )

    op.create_table(
        "replenishment_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("review_periods", sa.Integer(), nullable=False),
        sa.Column("lead_time_periods", sa.Integer(), nullable=False),
        sa.Column("service_level", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("service_measure", sa.String(length=16), nullable=False),
        sa.Column("minimum_order", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("pack_size", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("maximum_order", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("reorder_point", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("order_up_to", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("order_quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("vmi", sa.Boolean(), nullable=False),
        sa.Column("standard", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["trading_parties.id"],
            name=op.f("fk_replenishment_policies_buyer_id_trading_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_replenishment_policies_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_replenishment_policies_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["trading_parties.id"],
            name=op.f("fk_replenishment_policies_supplier_id_trading_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replenishment_policies")),
        sa.UniqueConstraint(
            "item_id", "location_id", name=op.f("uq_replenishment_policies_item_id_location_id")
        ),
    )
    op.create_table(
        "forecast_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("previous", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("exception_id", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["planning_exceptions.id"],
            name=op.f("fk_forecast_revisions_exception_id_planning_exceptions"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_forecast_revisions_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_forecast_revisions_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_revisions")),
    )
    with op.batch_alter_table("forecast_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_revisions_item_id_location_id_period_start"),
            ["item_id", "location_id", "period_start"],
            unique=False,
        )

    op.create_table(
        "forecast_run_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("p10", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("p50", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("p90", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["forecast_run_series.id"],
            name=op.f("fk_forecast_run_values_series_id_forecast_run_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_run_values")),
    )
    with op.batch_alter_table("forecast_run_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_run_values_series_id"), ["series_id"], unique=False
        )

    op.create_table(
        "planning_exception_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exception_id", sa.Integer(), nullable=False),
        sa.Column("at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["planning_exceptions.id"],
            name=op.f("fk_planning_exception_events_exception_id_planning_exceptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_exception_events")),
    )
    with op.batch_alter_table("planning_exception_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planning_exception_events_exception_id"), ["exception_id"], unique=False
        )

    op.create_table(
        "replenishment_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("need_date", sa.Date(), nullable=False),
        sa.Column("on_hand", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("on_order", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("in_transit", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("backorders", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("planned", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("position", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("demand", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("safety_stock", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("target", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=True),
        sa.Column("decided_at", gateway.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("order_number", sa.String(length=35), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_replenishment_proposals_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_replenishment_proposals_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["replenishment_policies.id"],
            name=op.f("fk_replenishment_proposals_policy_id_replenishment_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["forecast_runs.id"],
            name=op.f("fk_replenishment_proposals_run_id_forecast_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replenishment_proposals")),
        sa.UniqueConstraint("order_number", name=op.f("uq_replenishment_proposals_order_number")),
    )
    with op.batch_alter_table("replenishment_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replenishment_proposals_item_id_location_id_status"),
            ["item_id", "location_id", "status"],
            unique=False,
        )

    op.create_table(
        "planning_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=35), nullable=False),
        sa.Column("partner_key", sa.String(length=120), nullable=True),
        sa.Column("standard", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("rendered", sa.LargeBinary(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["replenishment_proposals.id"],
            name=op.f("fk_planning_documents_proposal_id_replenishment_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_documents")),
        sa.UniqueConstraint(
            "document_type", "number", name=op.f("uq_planning_documents_document_type_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("planning_documents")
    with op.batch_alter_table("replenishment_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replenishment_proposals_item_id_location_id_status"))

    op.drop_table("replenishment_proposals")
    with op.batch_alter_table("planning_exception_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planning_exception_events_exception_id"))

    op.drop_table("planning_exception_events")
    with op.batch_alter_table("forecast_run_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_run_values_series_id"))

    op.drop_table("forecast_run_values")
    with op.batch_alter_table("forecast_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_revisions_item_id_location_id_period_start"))

    op.drop_table("forecast_revisions")
    op.drop_table("replenishment_policies")
    with op.batch_alter_table("planning_exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planning_exceptions_status_item_id_location_id"))

    op.drop_table("planning_exceptions")
    with op.batch_alter_table("forecast_run_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_run_series_run_id"))

    op.drop_table("forecast_run_series")
    op.drop_table("forecast_runs")
    op.drop_table("exception_criteria")
