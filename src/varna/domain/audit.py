"""The audit log's vocabulary: what varna records (``AuditAction``) and who acts (``Actor``).

The values are stored in ``audit_events`` and shown in exports and the console, so they never
change once released: a new action is a new member, never a renamed one. Every action is listed
in docs/security.md, and a unit test keeps the list and this enum the same.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # Data subjects' rights, done by the subject engine
    SUBJECT_FIND = "subject.find"
    SUBJECT_EXTRACT = "subject.extract"
    SUBJECT_PORTABILITY = "subject.portability"
    SUBJECT_ERASE = "subject.erase"
    SUBJECT_ERASE_TABLE = "subject.erase.table"
    SUBJECT_RECTIFY = "subject.rectify"
    SUBJECT_RESTRICT = "subject.restrict"
    SUBJECT_UNRESTRICT = "subject.unrestrict"
    SUBJECT_OBJECT = "subject.object"
    SUBJECT_OBJECTION_OVERRIDDEN = "subject.objection.overridden"
    # Requests from data subjects, and the staff who handle them
    REQUEST_RECEIVED = "request.received"
    REQUEST_VERIFIED = "request.verified"
    REQUEST_IDENTITY_NEEDS_CHECKING = "request.identity_needs_checking"
    REQUEST_IDENTITY_CHECKED = "request.identity_checked"
    REQUEST_EXTENDED = "request.extended"
    REQUEST_REFUSED = "request.refused"
    REQUEST_COMPLETED = "request.completed"
    REQUEST_FORWARDED = "request.forwarded"
    REQUEST_DOWNLOAD = "request.download"
    REQUEST_ANSWER_OPENED = "request.answer_opened"
    REQUEST_EXTRACT_DROPPED = "request.extract_dropped"
    STAFF_CREATE = "staff.create"
    STAFF_LOGIN = "staff.login"
    # Staff sign-in: two-factor, sessions and the staff administration (R6, A1)
    STAFF_LOGOUT = "staff.logout"
    STAFF_LOGOUT_EVERYWHERE = "staff.logout_everywhere"
    STAFF_TOTP_ENROLLED = "staff.totp_enrolled"
    STAFF_TOTP_RESET = "staff.totp_reset"
    STAFF_RECOVERY_USED = "staff.recovery_used"
    STAFF_RECOVERY_REGENERATED = "staff.recovery_regenerated"
    STAFF_DISABLED = "staff.disabled"
    STAFF_ENABLED = "staff.enabled"
    STAFF_ROLE_CHANGED = "staff.role_changed"
    STAFF_PASSWORD_CHANGED = "staff.password_changed"  # noqa: S105 - an action name
    OUTBOX_READ = "outbox.read"
    JOB_RETRIED = "job.retried"
    NOTICE_RETRIED = "notice.retried"
    # Consent and marketing
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_EXPIRED = "consent.expired"
    CONSENT_LINK_SENT = "consent.link_sent"
    MARKETING_SENT = "marketing.sent"
    NOTICE_SENT = "notice.sent"
    # Retention
    RETENTION_RUN_STARTED = "retention.run_started"
    RETENTION_RUN_FINISHED = "retention.run_finished"
    RETENTION_DELETE = "retention.delete"
    RETENTION_ANONYMISE = "retention.anonymise"
    RETENTION_CLEAR = "retention.clear"
    RETENTION_MOVE = "retention.move"
    RETENTION_HOLD_RELEASED = "retention.hold_released"
    RETENTION_HOLD_REAPPROVED = "retention.hold_reapproved"
    RETENTION_INTEREST_DECIDED = "retention.interest_decided"
    RETENTION_INSTRUCTION_RECORDED = "retention.instruction_recorded"
    RETENTION_VAULT_READ = "retention.vault_read"
    RETENTION_VAULT_READ_REFUSED = "retention.vault_read_refused"
    # Free texts and data coming in
    INTAKE_REFUSED = "intake.refused"
    QUOTE_REQUEST_RECEIVED = "quote_request.received"
    TICKET_MESSAGE_ADDED = "ticket.message_added"
    USAGE_INGESTED = "usage.ingested"
    DEMO_BUILT = "demo.built"
    # API bearer tokens: made and revoked by the CLI, and each call made with one
    TOKEN_CREATED = "token.created"  # noqa: S105 - an action, not a secret
    TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an action, not a secret
    TOKEN_USED = "token.used"  # noqa: S105 - an action, not a secret
    # The audit chain and reads of personal data (R6, A1): ids and counts, never the data
    AUDIT_PRUNED = "audit.pruned"
    REQUEST_VIEWED = "request.viewed"
    # Field encryption: the key-encryption key and the data keys (docs/security.md)
    KEYS_ROTATED = "keys.rotated"
    KEYS_SHREDDED = "keys.shredded"
    KEYS_SEALED = "keys.sealed"

    @classmethod
    def closing(cls, state: str) -> AuditAction:
        """The action for a request closed in ``state`` (a final ``RequestState``)."""
        return cls(f"request.{state}")

    @classmethod
    def retention(cls, action: str) -> AuditAction:
        """The action for a retention batch that did ``action`` (a retention ``Action``)."""
        return cls(f"retention.{action}")


class SystemActor(StrEnum):
    """Who acts when no member of staff or data subject does: each way in has its own name."""

    CLI = "cli"
    DEMO = "cli:demo"
    API = "api"
    BROWSER = "browser"  # a consent given by a browser id, no person known
    PRIVACY_CENTER = "privacy_center"
    SUBJECT = "subject"  # the data subject, confirming their e-mail address
    REQUEST_WORKER = "worker"
    NOTICES_WORKER = "worker:notices"
    RETENTION_SCHEDULER = "scheduler:retention"
    CONSENT_SCHEDULER = "scheduler:consent"


class Actor:
    """The actors that carry an id: how the audit log names them (an id, never personal data)."""

    @staticmethod
    def staff(account_id: int) -> str:
        return f"staff:{account_id}"

    @staticmethod
    def token(token_id: int) -> str:
        """A program calling the API with a bearer token (``varna token create``)."""
        return f"token:{token_id}"

    @staticmethod
    def request(request_id: int) -> str:
        """The worker carrying out a request, acting for its subject."""
        return f"request:{request_id}"

    @staticmethod
    def person(person_id: int) -> str:
        return f"person:{person_id}"
