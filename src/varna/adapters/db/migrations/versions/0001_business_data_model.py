"""business data model

Revision ID: 0001
Revises:
Create Date: 2026-11-25 04:07:59.701307
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("orgnr", sa.String(length=11), nullable=True),
        sa.Column("country", sa.String(length=2), server_default="SE", nullable=False),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("privacy_contact_email", sa.String(length=320), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('customer', 'supplier', 'partner')", name=op.f("ck_organisations_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("orgnr", name=op.f("uq_organisations_orgnr")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=320), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=320), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("personnummer", sa.String(length=320), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_personnummer"), ["personnummer"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_phone"), ["phone"], unique=False)

    _create_usage_records()

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_person_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fiscal_year", sa.SmallInteger(), nullable=False),
        sa.Column("billing_address", sa.String(length=320), nullable=True),
        sa.Column("total_ore", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="SEK", nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("disputed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_person_id"], ["people.id"], name=op.f("fk_invoices_contact_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invoices_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoices_contact_person_id"), ["contact_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "person_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "role IN ('customer_contact', 'supplier_contact', 'partner_contact', 'lead', 'newsletter_subscriber', 'web_visitor')",
            name=op.f("ck_person_roles_role"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_person_roles_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_roles_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_roles")),
    )
    with op.batch_alter_table("person_roles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_roles_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_roles_person_id"), ["person_id"], unique=False)

    op.create_table(
        "quote_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("sim_count", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_quote_requests_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_quote_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_requests")),
    )
    with op.batch_alter_table("quote_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quote_requests_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quote_requests_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "support_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_support_tickets_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_support_tickets_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
    )
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_tickets_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_tickets_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "web_visits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("cookie_id", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_web_visits_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_visits")),
    )
    with op.batch_alter_table("web_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_visits_cookie_id"), ["cookie_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_visits_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_visits_visited_at"), ["visited_at"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_person_id", sa.Integer(), nullable=True),
        sa.Column("quote_request_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("sim_count", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_person_id"], ["people.id"], name=op.f("fk_orders_contact_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_orders_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["quote_request_id"],
            ["quote_requests.id"],
            name=op.f("fk_orders_quote_request_id_quote_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("reference", name=op.f("uq_orders_reference")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_contact_person_id"), ["contact_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_orders_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("card_token", sa.String(length=64), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.CheckConstraint(
            "card_last4 IS NULL OR length(card_last4) = 4", name=op.f("ck_payments_card_last4_only")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author_person_id", sa.Integer(), nullable=True),
        sa.Column("author_staff", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_person_id"],
            ["people.id"],
            name=op.f("fk_ticket_messages_author_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["support_tickets.id"],
            name=op.f("fk_ticket_messages_ticket_id_support_tickets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_messages")),
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_messages_author_person_id"), ["author_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_messages_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_contracts_dates")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_contracts_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contracts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contracts_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "sims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iccid", sa.String(length=20), nullable=False),
        sa.Column("imsi", sa.String(length=15), nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("end_user_ref", sa.String(length=120), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('issued', 'activated', 'suspended', 'terminated')",
            name=op.f("ck_sims_status"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_sims_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["organisations.id"], name=op.f("fk_sims_customer_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sims")),
        sa.UniqueConstraint("iccid", name=op.f("uq_sims_iccid")),
        sa.UniqueConstraint("imsi", name=op.f("uq_sims_imsi")),
        sa.UniqueConstraint("msisdn", name=op.f("uq_sims_msisdn")),
    )
    with op.batch_alter_table("sims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sims_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sims_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sims_end_user_ref"), ["end_user_ref"], unique=False)

    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("imei", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["organisations.id"], name=op.f("fk_devices_customer_id_organisations")
        ),
        sa.ForeignKeyConstraint(["sim_id"], ["sims.id"], name=op.f("fk_devices_sim_id_sims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_devices_imei"), ["imei"], unique=False)
        batch_op.create_index(batch_op.f("ix_devices_sim_id"), ["sim_id"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_ore", sa.BigInteger(), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(["sim_id"], ["sims.id"], name=op.f("fk_invoice_lines_sim_id_sims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoice_lines_sim_id"), ["sim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_lines_sim_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_lines_invoice_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_sim_id"))
        batch_op.drop_index(batch_op.f("ix_devices_imei"))
        batch_op.drop_index(batch_op.f("ix_devices_customer_id"))

    op.drop_table("devices")
    with op.batch_alter_table("sims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sims_end_user_ref"))
        batch_op.drop_index(batch_op.f("ix_sims_customer_id"))
        batch_op.drop_index(batch_op.f("ix_sims_contract_id"))

    op.drop_table("sims")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_organisation_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_messages_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_messages_author_person_id"))

    op.drop_table("ticket_messages")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))

    op.drop_table("payments")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_orders_contact_person_id"))

    op.drop_table("orders")
    with op.batch_alter_table("web_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_visits_visited_at"))
        batch_op.drop_index(batch_op.f("ix_web_visits_person_id"))
        batch_op.drop_index(batch_op.f("ix_web_visits_cookie_id"))

    op.drop_table("web_visits")
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_tickets_person_id"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_organisation_id"))

    op.drop_table("support_tickets")
    with op.batch_alter_table("quote_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_quote_requests_organisation_id"))

    op.drop_table("quote_requests")
    with op.batch_alter_table("person_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_roles_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_roles_organisation_id"))

    op.drop_table("person_roles")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_contact_person_id"))

    op.drop_table("invoices")
    op.drop_table("usage_records")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_phone"))
        batch_op.drop_index(batch_op.f("ix_people_personnummer"))
        batch_op.drop_index(batch_op.f("ix_people_email"))

    op.drop_table("people")
    op.drop_table("organisations")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")


USAGE_COLUMNS = """
    source_id BIGINT,
    sim_id INTEGER NOT NULL,
    started_at {ts} NOT NULL,
    ended_at {ts} NOT NULL,
    bytes_up BIGINT NOT NULL,
    bytes_down BIGINT NOT NULL,
    mcc VARCHAR(3) NOT NULL,
    mnc VARCHAR(3) NOT NULL,
    cell_id BIGINT,
    lac_tac INTEGER,
    rat VARCHAR(8),
    traffic_type VARCHAR(8) NOT NULL,
    CONSTRAINT ck_usage_records_span CHECK (ended_at >= started_at)"""


def _create_usage_records() -> None:
    """Usage records: range-partitioned by month on PostgreSQL (partitions are created as
    data arrives), a plain indexed rowid table on SQLite. A record that carries the
    streamer's source id is stored once."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE usage_records (id BIGINT GENERATED BY DEFAULT AS IDENTITY,"
            + USAGE_COLUMNS.format(ts="TIMESTAMPTZ")
            + ", CONSTRAINT pk_usage_records PRIMARY KEY (id, started_at),"
            " CONSTRAINT uq_usage_records_source_id UNIQUE (source_id, started_at))"
            " PARTITION BY RANGE (started_at)"
        )
    else:
        # SQLite keeps timestamps as text: the checks keep them real moments in one form.
        op.execute(
            "CREATE TABLE usage_records (id INTEGER NOT NULL,"
            + USAGE_COLUMNS.format(ts="DATETIME")
            + ", CONSTRAINT pk_usage_records PRIMARY KEY (id),"
            " CONSTRAINT ck_usage_records_started_at CHECK (started_at = datetime(julianday(started_at))),"
            " CONSTRAINT ck_usage_records_ended_at CHECK (ended_at = datetime(julianday(ended_at))))"
        )
        op.execute(
            "CREATE UNIQUE INDEX uq_usage_records_source_id ON usage_records (source_id)"
            " WHERE source_id IS NOT NULL"
        )
    op.execute("CREATE INDEX ix_usage_records_sim_started ON usage_records (sim_id, started_at)")
