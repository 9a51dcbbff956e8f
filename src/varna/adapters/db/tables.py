"""The tables of the business. Every column holding personal data is declared in the
catalogue (``varna/catalog/default.yaml``); a test fails for any column that is not."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from varna.adapters.db import person_key
from varna.adapters.db.types import BigId, DirectIdentifier, UTCDateTime
from varna.domain.access import Role
from varna.domain.audit_chain import LANES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ORGANISATION_KINDS = ("customer", "supplier", "partner")
ROLE_KINDS = (
    "customer_contact",
    "supplier_contact",
    "partner_contact",
    "lead",
    "newsletter_subscriber",
    "web_visitor",
)
SIM_STATUSES = ("issued", "activated", "suspended", "terminated")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("orgnr", String(11), unique=True),
    Column("country", String(2), nullable=False, server_default="SE"),
    Column("address", DirectIdentifier("address")),
    Column("privacy_contact_email", DirectIdentifier("email")),
    Column("source", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("kind", ORGANISATION_KINDS), name="kind"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("full_name", DirectIdentifier("name", 1024, per_subject=True), nullable=False),
    Column("email", DirectIdentifier("email", 1024, per_subject=True)),
    Column("phone", DirectIdentifier("phone", 1024, per_subject=True)),
    Column("address", DirectIdentifier("address", 1024, per_subject=True)),
    Column("personnummer", DirectIdentifier("personnummer", 1024, per_subject=True)),
    Column("source", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # field encryption (docs/security.md): the person's data key in the key store, minted
    # when the row is inserted, and the keyed blind indexes that lookups by value compare
    Column("key_id", String(32), default=person_key.mint_for_row),
    Column("email_bidx", String(32), default=person_key.blind("email"), index=True),
    Column("phone_bidx", String(32), default=person_key.blind("phone"), index=True),
    Column("personnummer_bidx", String(32), default=person_key.blind("personnummer"), index=True),
)

person_roles = Table(
    "person_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("role", String(32), nullable=False),
    Column("title", String(120)),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
    CheckConstraint(_in("role", ROLE_KINDS), name="role"),
)

quote_requests = Table(
    "quote_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("company_name", String(200)),
    Column("message", Text),
    Column("sim_count", Integer),
    Column("received_at", UTCDateTime, nullable=False),
    Column("source", String(32), nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("contact_person_id", ForeignKey("people.id"), index=True),
    Column("quote_request_id", ForeignKey("quote_requests.id")),
    Column("reference", String(40), nullable=False, unique=True),
    Column("sim_count", Integer, nullable=False),
    Column("ordered_at", UTCDateTime, nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("order_id", ForeignKey("orders.id")),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("terminated_on", Date),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
)

sims = Table(
    "sims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("iccid", String(20), nullable=False, unique=True),
    Column("imsi", String(15), nullable=False, unique=True),
    Column("msisdn", String(16), unique=True),
    Column("status", String(16), nullable=False),
    Column("customer_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("contract_id", ForeignKey("contracts.id"), index=True),
    Column("activated_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("status", SIM_STATUSES), name="status"),
)

# The customer's reference for the end user of a SIM (a customer number, often an e-mail
# address), kept apart from the SIM: erasing it deletes a row here instead of updating a SIM
# row and each of its seven indexes.
sim_end_users = Table(
    "sim_end_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sim_id", ForeignKey("sims.id"), nullable=False, unique=True),
    Column("end_user_ref", String(120), nullable=False, index=True),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sim_id", ForeignKey("sims.id"), index=True),
    Column("customer_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("imei", String(16), nullable=False, index=True),
    Column("name", String(120)),
    Column("ip_address", String(45)),
)

# Created by the migration with dialect-specific DDL: range-partitioned by month on
# PostgreSQL (primary key (id, started_at)), a plain rowid table on SQLite.
usage_records = Table(
    "usage_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("source_id", BigInteger),
    Column("sim_id", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("bytes_up", BigInteger, nullable=False),
    Column("bytes_down", BigInteger, nullable=False),
    Column("mcc", String(3), nullable=False),
    Column("mnc", String(3), nullable=False),
    Column("cell_id", BigInteger),
    Column("lac_tac", Integer),
    Column("rat", String(8)),
    Column("traffic_type", String(8), nullable=False),
    CheckConstraint("ended_at >= started_at", name="span"),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("contact_person_id", ForeignKey("people.id"), index=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("billing_address", DirectIdentifier("address")),
    Column("total_ore", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False, server_default="SEK"),
    Column("paid_on", Date),
    Column("disputed", Boolean, nullable=False, server_default="0"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("sim_id", ForeignKey("sims.id"), index=True),
    Column("description", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_ore", BigInteger, nullable=False),
    Column("amount_ore", BigInteger, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("paid_at", UTCDateTime, nullable=False),
    Column("amount_ore", BigInteger, nullable=False),
    Column("method", String(16), nullable=False),
    # C2: never a full card number; a processor token and the last four digits only.
    Column("card_token", String(64)),
    Column("card_last4", String(4)),
    CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="card_last4_only"),
)

support_tickets = Table(
    "support_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("subject", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("support_tickets.id"), nullable=False, index=True),
    Column("author_person_id", ForeignKey("people.id"), index=True),
    Column("author_staff", String(64)),
    Column("body", Text, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
)

web_visits = Table(
    "web_visits",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("visited_at", UTCDateTime, nullable=False, index=True),
    Column("path", String(500), nullable=False),
    Column("ip_address", String(45)),
    Column("cookie_id", String(64), index=True),
    Column("user_agent", String(500)),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(120), nullable=False),
    Column("action", String(64), nullable=False, index=True),
    Column("target", String(120)),
    # Ids and counts only: never the personal data itself.
    Column("details", JSON, nullable=False),
    # The audit chain (domain/audit_chain.py): the entry's lane, its position in the lane, the
    # previous entry's hash and its own. Written once; triggers refuse changes (migration 0026).
    Column("lane", Integer, nullable=False, server_default="0"),
    Column("seq", BigInteger, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("lane", "seq"),
)

# The chain's heads: one row per lane (LANES of them), the position and hash of the lane's
# newest entry. A transaction that writes audit entries locks a free lane's row first and
# moves it (the lock that puts the lane's entries in one order).
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("lane", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    CheckConstraint(f"lane >= 0 AND lane < {LANES}", name="lanes"),
)

# What retention removed from the start of the chain: verification goes on from the last one.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lane", Integer, nullable=False),
    Column("through_seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("entries_removed", BigInteger, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("lane", "through_seq"),
)

Index("ix_usage_records_sim_started", usage_records.c.sim_id, usage_records.c.started_at)


# -- subject rights: restriction, objection, suppression, rectification history,
# legal holds, disclosure log, notice outbox, erasure runs, requests routed to controllers.
# Created by migration 0003; declared in the catalogue like every other table.

restrictions = Table(
    "restrictions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("restricted_at", UTCDateTime, nullable=False),
    Column("lifted_at", UTCDateTime),
    Column("lift_reason", Text),
)

objections = Table(
    "objections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("objected_at", UTCDateTime, nullable=False),
    Column("overriding_reason", Text),
    Column("decided_at", UTCDateTime),
)

# D8: only a keyed hash (HMAC-SHA256 with the secret key) of the normalised e-mail address.
marketing_suppressions = Table(
    "marketing_suppressions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email_hmac", String(64), nullable=False, unique=True),
)

rectifications = Table(
    "rectifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("record_table", String(64), nullable=False),
    Column("record_column", String(64), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("old_value", Text),
    Column("statement", Text),
    Column("rectified_at", UTCDateTime, nullable=False),
)

HOLD_KINDS = ("legal_hold", "evidence")
HOLD_SCOPES = ("person", "organisation", "table")

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("reference", String(120), nullable=False),
    Column("owner", String(120), nullable=False),
    Column("review_date", Date, nullable=False),
    Column("scope", String(16), nullable=False),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("scope_table", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime),
    CheckConstraint(_in("kind", HOLD_KINDS), name="kind"),
    CheckConstraint(_in("scope", HOLD_SCOPES), name="scope"),
)

disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(64), nullable=False),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("categories", JSON, nullable=False),
    Column("disclosed_at", UTCDateTime, nullable=False),
    Column("reference", String(120)),
)

# Notices waiting to be sent: Art. 19 notices to recipients, a notice to the person when a
# restriction is lifted, requests routed to a controller. ``details`` holds ids only.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("recipient", String(64)),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("details", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    # delivery (migration 0012): tries so far, and why it is not sent yet (a reason code)
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    Column("last_error", String(64)),
)

erasure_runs = Table(
    "erasure_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("controller_instruction", String(120)),
    Column("actor", String(120), nullable=False),
    Column("ran_at", UTCDateTime, nullable=False),
    Column("outcome", JSON, nullable=False),
)

CONTROLLER_REQUEST_STATUSES = ("routed", "executed")

controller_requests = Table(
    "controller_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("kind", String(16), nullable=False),
    Column("sim_ids", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("instruction_ref", String(120)),
    Column("received_at", UTCDateTime, nullable=False),
    Column("executed_at", UTCDateTime),
    CheckConstraint(_in("status", CONTROLLER_REQUEST_STATUSES), name="status"),
)


# -- consent: the append-only ledger, the notice versions it points to, the mail
# outbox of marketing sends and the one-click unsubscribe tokens. Created by migration 0004.

CONSENT_EVENT_KINDS = ("given", "refused", "withdrawn", "expired")
CONSENT_CHANNELS = (
    "banner",
    "privacy_center",
    "api",
    "import",
    "gpc",
    "unsubscribe",
    "expiry",  # expiry: 0014
)

# C7, R-LB-02: one row per decision, never updated; the subject is a person or an anonymous
# browser id. Never the raw IP address.
consent_events = Table(
    "consent_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("person_id", ForeignKey("people.id")),
    Column("browser_id", String(64)),
    Column("purpose", String(64), nullable=False),
    Column("event", String(16), nullable=False),
    Column("notice_version", String(32), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("language", String(2), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    CheckConstraint(_in("event", CONSENT_EVENT_KINDS), name="event"),
    CheckConstraint(_in("channel", CONSENT_CHANNELS), name="channel"),
    CheckConstraint("(person_id IS NULL) <> (browser_id IS NULL)", name="one_subject"),
)
Index(
    "ix_consent_events_person_purpose",
    consent_events.c.person_id,
    consent_events.c.purpose,
    consent_events.c.at,
)
Index(
    "ix_consent_events_browser_purpose",
    consent_events.c.browser_id,
    consent_events.c.purpose,
    consent_events.c.at,
)

notice_versions = Table(
    "notice_versions",
    metadata,
    Column("version", String(32), primary_key=True),
    Column("published_at", UTCDateTime, nullable=False),
    Column("item_hashes", JSON, nullable=False),  # purpose or cookie category -> SHA-256
    Column("text_hashes", JSON, nullable=False),  # language -> SHA-256 of the text shown
)

# Messages of marketing sends, and every other message when no SMTP server is configured
# (the demo default; readable by the privacy officer at /admin/outbox). A marketing row names
# the person by id (the address stays in people); any other message keeps its recipient.
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("recipient", DirectIdentifier("email")),  # messages not addressed through people
    Column("purpose", String(64), nullable=False),
    Column("mail_subject", String(200), nullable=False),
    Column("message_body", Text, nullable=False),
    Column("unsubscribe_url", String(300)),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("sent_at", UTCDateTime),
)

# D6: the link in every message withdraws that purpose in one action, without login. Only the
# SHA-256 of the token is stored.
unsubscribe_tokens = Table(
    "unsubscribe_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

# C7, D6: privacy-center links a person asked for by e-mail (single purpose: their consent
# page; they expire). Only the SHA-256 of the token is stored. Created by migration 0014.
privacy_center_links = Table(
    "privacy_center_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# Rate limiting of those asks: a keyed hash of the address given (known or not), and when.
privacy_center_link_asks = Table(
    "privacy_center_link_asks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hmac", String(64), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, index=True),
)

# What the intake guard and the sweep saw or did (promises C2, C3, C4, P4): the kind of event,
# the finding type and where (source table, record id). Never the content.
privacy_events = Table(
    "privacy_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("finding_type", String(40), nullable=False),
    Column("source_table", String(64), nullable=False),
    Column("record_id", BigInteger),
    Column("actor", String(120), nullable=False),
    Column("details", JSON, nullable=False),
)


# -- retention: sweep runs and their batches (the progress of a run lives here, so a
# killed run resumes), legitimate-interest decisions (R3), the evidence vault and its read log
# (R6), and the anonymised daily usage totals. Created by migration 0005.

RETENTION_RUN_STATUSES = ("running", "finished")

retention_runs = Table(
    "retention_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False, index=True),
    Column("actor", String(120), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("due_rows", BigInteger, nullable=False),  # the backlog when the run started
    Column("plan", JSON, nullable=False),  # due rows per target at the start: counts only
    CheckConstraint(_in("status", RETENTION_RUN_STATUSES), name="status"),
)

# One row per batch, written in the batch's own transaction: totals are sums of these rows.
retention_batches = Table(
    "retention_batches",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("run_id", ForeignKey("retention_runs.id"), nullable=False, index=True),
    Column("target", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("details", JSON, nullable=False),  # counts and ids of units (a day, a partition)
)

legitimate_interest_decisions = Table(
    "legitimate_interest_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("category", String(64), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

# R6: the one store of evidence. ``payload`` holds the rows moved out of the operational
# tables; it is read only through the vault service, which checks the role and logs the read.
evidence_vault = Table(
    "evidence_vault",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hold_id", ForeignKey("legal_holds.id"), index=True),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("source_table", String(64), nullable=False),
    Column("record_ids", JSON, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("moved_at", UTCDateTime, nullable=False),
    Column("end_date", Date, nullable=False, index=True),
    Column("run_id", ForeignKey("retention_runs.id")),
)

# A2: the controller's instruction on its usage data, versioned like a DPA record (a new
# instruction is a new row; the highest version is in force). Created by migration 0015.
controller_instructions = Table(
    "controller_instructions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("usage_days", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("location_days", Integer),
    Column("reference", String(120)),  # the DPA or instruction reference, not personal data
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("after_contract_days", Integer),  # processor data after the contracts end (0022)
    CheckConstraint("action IN ('delete', 'anonymise')", name="action"),
    UniqueConstraint("customer_id", "version"),
)

evidence_vault_reads = Table(
    "evidence_vault_reads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, nullable=False, index=True),
    Column("actor", String(120), nullable=False),
    Column("role", String(64), nullable=False),
    Column("allowed", Boolean, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

# Anonymised usage: per customer, per day, per country (MCC); no SIM, no cell, no time of day.
# A group with fewer than k SIMs is not written (``VARNA_RETENTION_K``).
usage_daily_totals = Table(
    "usage_daily_totals",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("customer_id", Integer, nullable=False, index=True),
    Column("day", Date, nullable=False, index=True),
    Column("mcc", String(3), nullable=False),
    Column("sessions", BigInteger, nullable=False),
    Column("sims", Integer, nullable=False),
    Column("bytes_up", BigInteger, nullable=False),
    Column("bytes_down", BigInteger, nullable=False),
    Column("run_id", Integer),
)


# -- data-subject requests (D1-D8, G3, A3): the requests, their timeline, the one-time
# codes and download tokens, the job queue, staff accounts and sessions. Migration 0006.

REQUEST_KINDS = (
    "access",
    "portability",
    "rectification",
    "restriction",
    "erasure",
    "objection",
    "consent_withdrawal",
    "marketing_objection",
)
REQUEST_STATES = (
    "received",
    "verified",
    "in_progress",
    "extended",
    "completed",
    "refused",
    "forwarded",
)
JOB_STATES = ("queued", "running", "done", "failed")
STAFF_ROLES = tuple(role.value for role in Role)

subject_requests = Table(
    "subject_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    # the request's public name (random, 128 bits): links and the API use it, never the id
    Column("reference", String(32), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("email", DirectIdentifier("email"), nullable=False),
    Column("email_hmac", String(64), nullable=False, index=True),
    Column("identifiers", JSON, nullable=False),  # further identifiers, normal forms
    Column("details", Text),  # the person's free text; never a required reason
    Column("language", String(2), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_date", Date, nullable=False, index=True),
    Column("extension_months", SmallInteger, nullable=False, default=0),
    Column("extension_reason", Text),
    Column("refusal_ground", String(32)),
    Column("refusal_reason", Text),
    Column("person_id", ForeignKey("people.id"), index=True),
    Column("controller_id", ForeignKey("organisations.id")),
    Column("outcome", JSON),
    Column("verified_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    CheckConstraint(_in("kind", REQUEST_KINDS), name="kind"),
    CheckConstraint(_in("state", REQUEST_STATES), name="state"),
)

request_events = Table(
    "request_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("subject_requests.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("note", Text),
)

request_codes = Table(
    "request_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("subject_requests.id"), nullable=False, index=True),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("used_at", UTCDateTime),
)

download_tokens = Table(
    "download_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("subject_requests.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

# Rate limiting of intake and of code tries: keyed hashes (of a client's address, a verified
# e-mail address, a client and a request reference), and when. Rows older than a day go.
request_intake_log = Table(
    "request_intake_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hmac", String(64), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, index=True),
)

# A job is only a wake-up; the state it acts on lives in its own tables.
jobs = Table(
    "jobs",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("task", String(64), nullable=False),
    Column("job_key", String(160), nullable=False, unique=True),
    Column("request_id", Integer),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("run_after", UTCDateTime, nullable=False),
    Column("locked_by", String(120)),
    Column("locked_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("last_error", Text),
    CheckConstraint(_in("state", JOB_STATES), name="state"),
    Index("ix_jobs_state_run_after", "state", "run_after"),
)

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(120), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime),
    # Two-factor sign-in (TOTP): the secret encrypted with a key derived from the app secret
    # (set when enrolment starts; enrolled once a first code confirmed it), and the last time
    # step a code was accepted for, so a code cannot be used twice.
    Column("totp_secret", String(255)),
    Column("totp_enrolled_at", UTCDateTime),
    Column("totp_last_step", BigInteger),
    Column("last_login_at", UTCDateTime),
    CheckConstraint(_in("role", STAFF_ROLES), name="role"),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("staff_accounts.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime),  # idle expiry; touched at most once a minute
    # False while the password is checked but the second step (code or enrolment) is not.
    Column("second_factor_done", Boolean, nullable=False, server_default="1"),
)

# Single-use recovery codes of two-factor sign-in, as keyed hashes; regenerating replaces
# them all.
staff_recovery_codes = Table(
    "staff_recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("staff_accounts.id"), nullable=False, index=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

# API bearer tokens (R6, A1-A3): a program's way in, with one role and, for a controller's
# admin, the customer it acts for. Only the keyed hash of the token is kept; the label names
# the program that uses it, never a person. Migration 0024.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(120), nullable=False),
    Column("role", String(32), nullable=False),
    Column("controller_id", ForeignKey("organisations.id"), index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    CheckConstraint(_in("role", STAFF_ROLES), name="role"),
)

# Written by `varna demo` into the database it builds: this database holds the synthetic demo
# data set, so commands run on it in demo mode (its placeholder secret allowed) without
# VARNA_DEMO. A production database never has a row here.
demo_marker = Table(
    "demo_marker",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("built_at", UTCDateTime, nullable=False),
    Column("size", String(16), nullable=False),
    Column("seed", BigInteger, nullable=False),
)
