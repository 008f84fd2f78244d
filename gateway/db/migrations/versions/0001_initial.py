"""initial order, inventory and traffic tables

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:51:27.695971
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=16), nullable=False),
        sa.Column("received_at", gateway.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_inbound_files_sha256")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("supplier_part", sa.String(length=80), nullable=True),
        sa.Column("buyer_part", sa.String(length=80), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("key", name=op.f("uq_items_key")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_gtin"), ["gtin"], unique=False)

    op.create_table(
        "trading_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("gln", sa.String(length=13), nullable=True),
        sa.Column("duns", sa.String(length=13), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_parties")),
        sa.UniqueConstraint("key", name=op.f("uq_trading_parties_key")),
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("interchange_ref", sa.String(length=35), nullable=True),
        sa.Column("group_ref", sa.String(length=35), nullable=True),
        sa.Column("message_ref", sa.String(length=35), nullable=True),
        sa.Column("message_type", sa.String(length=35), nullable=False),
        sa.Column("version", sa.String(length=35), nullable=True),
        sa.Column("sender", sa.String(length=80), nullable=True),
        sa.Column("receiver", sa.String(length=80), nullable=True),
        sa.Column("document_type", sa.String(length=32), nullable=True),
        sa.Column("document_number", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["inbound_files.id"],
            name=op.f("fk_inbound_messages_file_id_inbound_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "file_id", "position", name=op.f("uq_inbound_messages_file_id_position")
        ),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_document_type_document_number"),
            ["document_type", "document_number"],
            unique=False,
        )

    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("gln", sa.String(length=13), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"], ["trading_parties.id"], name=op.f("fk_locations_party_id_trading_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("key", name=op.f("uq_locations_key")),
    )
    op.create_table(
        "despatch_advices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("despatch_date", sa.Date(), nullable=True),
        sa.Column("expected_delivery", sa.Date(), nullable=True),
        sa.Column("ship_to_id", sa.Integer(), nullable=False),
        sa.Column("order_numbers", sa.Text(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_despatch_advices_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["ship_to_id"], ["locations.id"], name=op.f("fk_despatch_advices_ship_to_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_despatch_advices")),
        sa.UniqueConstraint(
            "issuer_key", "number", name=op.f("uq_despatch_advices_issuer_key_number")
        ),
    )
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("received_at", gateway.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_forecasts_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
        sa.UniqueConstraint("issuer_key", "number", name=op.f("uq_forecasts_issuer_key_number")),
    )
    op.create_table(
        "inventory_balances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("on_order", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("in_transit", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_inventory_balances_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_inventory_balances_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_balances")),
        sa.UniqueConstraint(
            "item_id", "location_id", name=op.f("uq_inventory_balances_item_id_location_id")
        ),
    )
    op.create_table(
        "inventory_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(length=80), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_inventory_movements_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_inventory_movements_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_inventory_movements_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_movements")),
    )
    with op.batch_alter_table("inventory_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_movements_item_id_location_id"),
            ["item_id", "location_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_movements_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "inventory_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_inventory_reports_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_reports")),
        sa.UniqueConstraint(
            "issuer_key", "number", name=op.f("uq_inventory_reports_issuer_key_number")
        ),
    )
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("order_type", sa.String(length=35), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("ship_to_id", sa.Integer(), nullable=False),
        sa.Column("requested_delivery", sa.Date(), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["trading_parties.id"],
            name=op.f("fk_purchase_orders_buyer_id_trading_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["last_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_purchase_orders_last_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_purchase_orders_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["ship_to_id"], ["locations.id"], name=op.f("fk_purchase_orders_ship_to_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["trading_parties.id"],
            name=op.f("fk_purchase_orders_supplier_id_trading_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint(
            "issuer_key", "number", name=op.f("uq_purchase_orders_issuer_key_number")
        ),
    )
    op.create_table(
        "sales_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sold", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("returned", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("on_hand", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sales_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_sales_history_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_sales_history_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_sales_history_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_history")),
        sa.UniqueConstraint(
            "issuer_key",
            "item_id",
            "location_id",
            "period_start",
            "period_end",
            name=op.f("uq_sales_history_issuer_key_item_id_location_id_period_start_period_end"),
        ),
    )
    op.create_table(
        "forecast_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forecast_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("commitment", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["forecast_id"], ["forecasts.id"], name=op.f("fk_forecast_lines_forecast_id_forecasts")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_forecast_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_forecast_lines_location_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_lines")),
    )
    with op.batch_alter_table("forecast_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_lines_forecast_id"), ["forecast_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_forecast_lines_item_id_location_id_period_start"),
            ["item_id", "location_id", "period_start"],
            unique=False,
        )

    op.create_table(
        "inventory_report_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("previous", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_inventory_report_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_inventory_report_lines_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["inventory_reports.id"],
            name=op.f("fk_inventory_report_lines_report_id_inventory_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_report_lines")),
    )
    with op.batch_alter_table("inventory_report_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_report_lines_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("credit_note", sa.Boolean(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("order_number", sa.String(length=80), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("line_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("payable", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("discrepancies", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_invoices_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["purchase_orders.id"], name=op.f("fk_invoices_order_id_purchase_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "issuer_key",
            "number",
            "credit_note",
            name=op.f("uq_invoices_issuer_key_number_credit_note"),
        ),
    )
    op.create_table(
        "order_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("order_number", sa.String(length=80), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_order_responses_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_order_responses_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_responses")),
        sa.UniqueConstraint(
            "issuer_key", "number", name=op.f("uq_order_responses_issuer_key_number")
        ),
    )
    op.create_table(
        "purchase_order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("line_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("requested_delivery", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("confirmed_quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("open_quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_purchase_order_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_purchase_order_lines_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_purchase_order_lines_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
        sa.UniqueConstraint(
            "order_id", "line_number", name=op.f("uq_purchase_order_lines_order_id_line_number")
        ),
    )
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_order_lines_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_key", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("receipt_date", sa.Date(), nullable=True),
        sa.Column("despatch_number", sa.String(length=80), nullable=True),
        sa.Column("despatch_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["despatch_id"],
            ["despatch_advices.id"],
            name=op.f("fk_receipts_despatch_id_despatch_advices"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_receipts_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_receipts_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("issuer_key", "number", name=op.f("uq_receipts_issuer_key_number")),
    )
    op.create_table(
        "despatch_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("despatch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("order_number", sa.String(length=80), nullable=True),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("package", sa.String(length=35), nullable=True),
        sa.ForeignKeyConstraint(
            ["despatch_id"],
            ["despatch_advices.id"],
            name=op.f("fk_despatch_lines_despatch_id_despatch_advices"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_despatch_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_despatch_lines_order_line_id_purchase_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_despatch_lines")),
    )
    with op.batch_alter_table("despatch_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_despatch_lines_despatch_id"), ["despatch_id"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("line_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_invoice_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_invoice_lines_order_line_id_purchase_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "order_response_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_order_response_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_order_response_lines_order_line_id_purchase_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["order_responses.id"],
            name=op.f("fk_order_response_lines_response_id_order_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_response_lines")),
    )
    with op.batch_alter_table("order_response_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_response_lines_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "receipt_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("damaged", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("rejected", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_receipt_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_receipt_lines_order_line_id_purchase_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_receipt_lines_receipt_id_receipts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_lines")),
    )
    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_lines_order_line_id"), ["order_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_receipt_lines_receipt_id"), ["receipt_id"], unique=False
        )

    op.create_table(
        "invoice_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_line_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("ordered_quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("received_quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("invoiced_quantity", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("ordered_price", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("invoiced_price", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("quantity_status", sa.String(length=16), nullable=False),
        sa.Column("price_status", sa.String(length=16), nullable=False),
        sa.Column("quantity_difference", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("price_difference", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_line_id"],
            ["invoice_lines.id"],
            name=op.f("fk_invoice_matches_invoice_line_id_invoice_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_invoice_matches_order_line_id_purchase_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_matches")),
        sa.UniqueConstraint("invoice_line_id", name=op.f("uq_invoice_matches_invoice_line_id")),
    )


def downgrade() -> None:
    op.drop_table("invoice_matches")
    with op.batch_alter_table("receipt_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_lines_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_receipt_lines_order_line_id"))

    op.drop_table("receipt_lines")
    with op.batch_alter_table("order_response_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_response_lines_response_id"))

    op.drop_table("order_response_lines")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_lines_invoice_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("despatch_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_despatch_lines_despatch_id"))

    op.drop_table("despatch_lines")
    op.drop_table("receipts")
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_order_lines_order_id"))

    op.drop_table("purchase_order_lines")
    op.drop_table("order_responses")
    op.drop_table("invoices")
    with op.batch_alter_table("inventory_report_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_report_lines_report_id"))

    op.drop_table("inventory_report_lines")
    with op.batch_alter_table("forecast_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_lines_item_id_location_id_period_start"))
        batch_op.drop_index(batch_op.f("ix_forecast_lines_forecast_id"))

    op.drop_table("forecast_lines")
    op.drop_table("sales_history")
    op.drop_table("purchase_orders")
    op.drop_table("inventory_reports")
    with op.batch_alter_table("inventory_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_movements_message_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_movements_item_id_location_id"))

    op.drop_table("inventory_movements")
    op.drop_table("inventory_balances")
    op.drop_table("forecasts")
    op.drop_table("despatch_advices")
    op.drop_table("locations")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_document_type_document_number"))

    op.drop_table("inbound_messages")
    op.drop_table("trading_parties")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_gtin"))

    op.drop_table("items")
    op.drop_table("inbound_files")
