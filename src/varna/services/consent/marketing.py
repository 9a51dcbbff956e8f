"""Marketing sends: only to people who pass the consent gate, each message with a one-click
unsubscribe link and a link to the privacy center (C5, C7, D6, D8, R-LB-05).

Recipients are selected with one set-based query; vetoes (restriction, objection, the
suppression list) are subtracted as sets. The messages, their unsubscribe tokens and the
audit event are written in one transaction; delivery by SMTP happens after the commit, and
without a mailer the messages stay in the mail outbox.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from string import Template
from typing import Any

from varna.domain.audit import AuditAction
from varna.domain.errors import InputRefused
from varna.domain.marketing import MAIL_PURPOSES as MAIL_PURPOSES
from varna.i18n import N_, translate
from varna.services.consent.decisions import token_hash
from varna.services.consent.gate import ConsentGate, NotConsentBased
from varna.services.consent.links import AccessLinks
from varna.services.consent.ports import ConsentUnitOfWork, Mailer, QueuedMessage
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, iter_chunks

UNSUBSCRIBE = N_("Unsubscribe with one click")
YOUR_CONSENTS = N_("Your consents")


def footer() -> str:
    """The lines added to a message without the links. A send's template has no language of
    its own, so they are in both, from the catalogue."""
    lines = [
        f"{' / '.join(translate(lang, text) for lang in ('en', 'sv'))}: ${name}"
        for text, name in ((UNSUBSCRIBE, "unsubscribe_url"), (YOUR_CONSENTS, "privacy_center_url"))
    ]
    return "\n\n--\n" + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str

    @classmethod
    def parse(cls, text: str) -> MailTemplate:
        """``Subject: ...`` on the first line, a blank line, then the body; ``$unsubscribe_url``
        and ``$privacy_center_url`` are filled in (and added at the end when missing)."""
        first, _, rest = text.partition("\n")
        if not first.lower().startswith("subject:") or not first[8:].strip():
            raise InputRefused("the first line must be 'Subject: ...'", line=1)
        body = rest.lstrip("\n")
        if not body.strip():
            raise InputRefused("the message has no body", line=2)
        return cls.of(first[8:], body)

    @classmethod
    def of(cls, subject: str, body: str) -> MailTemplate:
        """A subject line and a body (the API's fields), with the same rules as a file."""
        subject = subject.strip()
        if not subject:
            raise InputRefused("the subject is empty", field="subject")
        if any(ord(char) < 32 for char in subject):
            raise InputRefused("the subject must be one line", field="subject")
        if not body.strip():
            raise InputRefused("the message has no body", field="template")
        if "$unsubscribe_url" not in body:
            body = body.rstrip("\n") + footer()
        return cls(subject=subject[:200], body=body)


@dataclass(frozen=True)
class SendReport:
    purpose: str
    sent: int
    delivered: int
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "sent": self.sent,
            "delivered": self.delivered,
            "skipped": self.skipped_total,
            "skipped_by_reason": dict(sorted(self.skipped.items())),
        }


def send_marketing(
    ctx: ServiceContext[ConsentUnitOfWork],
    purpose: str,
    template: MailTemplate,
    *,
    gate: ConsentGate,
    links: AccessLinks,
    base_url: str,
    mailer: Mailer | None,
    actor: str,
) -> SendReport:
    if purpose not in MAIL_PURPOSES:
        raise InputRefused(f"a send is for one of {', '.join(MAIL_PURPOSES)}", field="purpose")
    if not gate.catalog.purpose(purpose).consent_required:
        raise NotConsentBased(purpose)
    base = base_url.rstrip("/")
    at = ctx.clock.now()
    with ctx.uow() as work:
        gate.publish(work, at=at)
        versions = gate.valid_versions(work, purpose)
        given_after = gate.validity.given_before(purpose, at)  # older consents have lapsed
        recipients = work.consent.marketing_recipients(
            purpose, versions, at=at, given_after=given_after
        )
        skips = work.consent.marketing_skips(purpose, versions, at=at, given_after=given_after)
        skipped = Counter({k: v for k, v in skips.items() if v})
        vetoed: dict[int, str] = {}
        for veto in gate.vetoes:
            for person_id, why in veto.vetoed_people(work, purpose).items():
                vetoed.setdefault(person_id, why)
        messages: list[QueuedMessage] = []
        tokens: list[tuple[str, int, str]] = []
        for recipient in recipients:
            veto_reason = vetoed.get(recipient.person_id)
            if veto_reason is not None:
                skipped[veto_reason] += 1
                continue
            token = secrets.token_urlsafe(24)
            tokens.append((token_hash(token), recipient.person_id, purpose))
            unsubscribe_url = f"{base}/unsubscribe/{token}"
            values = {
                "unsubscribe_url": unsubscribe_url,
                "privacy_center_url": f"{base}/privacy/consents/"
                f"{links.issue(recipient.person_id, at=at)}",
            }
            messages.append(
                QueuedMessage(
                    person_id=recipient.person_id,
                    purpose=purpose,
                    subject=template.subject,
                    body=Template(template.body).safe_substitute(values),
                    unsubscribe_url=unsubscribe_url,
                )
            )
        work.consent.add_unsubscribe_tokens(tokens, at=at)
        ids = work.consent.queue_messages(messages, at=at)
        work.audit.record(
            AuditEvent(
                actor=actor,
                action=AuditAction.MARKETING_SENT,
                target=f"purpose:{purpose}",
                details={"queued": len(ids), "skipped": dict(skipped)},
            ),
            at=at,
        )
        work.commit()
    delivered = 0
    if mailer is not None:
        delivered = deliver(ctx.uow(), ids, mailer=mailer, at=at)
    return SendReport(purpose=purpose, sent=len(ids), delivered=delivered, skipped=dict(skipped))


def deliver(uow: ConsentUnitOfWork, ids: list[int], *, mailer: Mailer, at: datetime) -> int:
    """Send queued messages by SMTP, marking each batch sent; returns how many were sent."""
    sent = 0
    for chunk in iter_chunks(ids, 500):
        with uow as work:
            done = []
            for message_id, mail in work.consent.unsent_mail(chunk):
                mailer.send(mail)
                done.append(message_id)
            work.consent.mark_sent(done, at=at)
            work.commit()
        sent += len(done)
    return sent
