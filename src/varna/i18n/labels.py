"""What a person reads instead of a database name: a label for every table and column the
catalogue declares (categories, purposes and recipients carry their own labels in the
catalogue). A test walks the catalogue and fails for a table or column without one here."""

from __future__ import annotations

from typing import Final

from varna.i18n import N_, translate

TABLES: Final[dict[str, str]] = {
    "audit_events": N_("Audit log"),
    "consent_events": N_("Consents given and withdrawn"),
    "contracts": N_("Contracts"),
    "controller_instructions": N_("Customers' instructions"),
    "controller_requests": N_("Requests passed to customers"),
    "demo_marker": N_("Demo marker"),
    "devices": N_("Devices"),
    "disclosures": N_("Disclosures to authorities and others"),
    "download_tokens": N_("Download links"),
    "erasure_runs": N_("Erasures carried out"),
    "evidence_vault": N_("Evidence kept for a claim"),
    "evidence_vault_reads": N_("Reads of kept evidence"),
    "invoice_lines": N_("Invoice lines"),
    "invoices": N_("Invoices"),
    "jobs": N_("Background work"),
    "legal_holds": N_("Legal holds"),
    "legitimate_interest_decisions": N_("Legitimate-interest decisions"),
    "mail_outbox": N_("Mail outbox"),
    "marketing_suppressions": N_("Marketing opt-outs"),
    "notice_versions": N_("Privacy notice versions"),
    "objections": N_("Objections"),
    "orders": N_("Orders"),
    "organisations": N_("Organisations"),
    "outbox": N_("Notices to send"),
    "payments": N_("Payments"),
    "people": N_("People"),
    "person_roles": N_("Roles at organisations"),
    "privacy_center_link_asks": N_("Requests for a privacy-center link"),
    "privacy_center_links": N_("Privacy-center links"),
    "privacy_events": N_("Privacy events"),
    "quote_requests": N_("Quote requests"),
    "rectifications": N_("Corrections"),
    "request_codes": N_("Verification codes"),
    "request_events": N_("Request history"),
    "request_intake_log": N_("Request intake log"),
    "restrictions": N_("Restrictions of processing"),
    "retention_batches": N_("Retention sweep batches"),
    "retention_runs": N_("Retention sweeps"),
    "sim_end_users": N_("SIM end-user references"),
    "sims": N_("SIM cards"),
    "staff_accounts": N_("Staff accounts"),
    "staff_sessions": N_("Staff sign-ins"),
    "subject_requests": N_("Requests about personal data"),
    "support_tickets": N_("Support tickets"),
    "ticket_messages": N_("Support messages"),
    "unsubscribe_tokens": N_("Unsubscribe links"),
    "usage_daily_totals": N_("Anonymous daily usage totals"),
    "usage_records": N_("Usage records"),
    "web_visits": N_("Website visits"),
}

# Column labels: filled for every column the catalogue declares (see the module's test).
FIELDS: Final[dict[str, str]] = {}


def table_label(table: str, lang: str) -> str:
    """The table's name for a person; a table without a label is a bug the tests catch,
    so the fallback is a neutral word, never the table's name."""
    return translate(lang, TABLES.get(table, N_("Other records")))


def field_label(column: str, lang: str) -> str:
    """The column's name for a person (never the column's name itself)."""
    return translate(lang, FIELDS.get(column, N_("Other detail")))
