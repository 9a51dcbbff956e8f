"""Who may do what: the roles a member of staff, an API token or a controller's admin holds.

The values are stored (``staff_accounts.role``, ``api_tokens.role``) and written in audit
entries, so they never change once released: a new role is a new member."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PRIVACY_OFFICER = "privacy_officer"  # the DPO: every page, every decision, staff accounts
    SUPPORT = "support"  # the request queue and the people it concerns
    BILLING = "billing"  # customers' invoices and contracts
    AUDITOR = "auditor"  # reads the audit log and the records; changes nothing
    CONTROLLER_ADMIN = "controller_admin"  # a customer's admin: its own tenant only


STAFF_ROLES = tuple(role.value for role in Role)
