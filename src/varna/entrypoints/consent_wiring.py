"""Wiring of the consent use cases for one container, shared by the CLI, the API and the
worker, so each use case has one code path whichever entry point starts it (issue 5)."""

from __future__ import annotations

from varna.bootstrap import Container
from varna.services.consent.marketing import MailTemplate, SendReport, send_marketing


def run_send(
    container: Container, purpose: str, template: MailTemplate, *, actor: str
) -> SendReport:
    """A marketing send: only people who pass the gate; SMTP after the commit when set."""
    return send_marketing(
        container.uow(),
        purpose,
        template,
        gate=container.consent_gate,
        links=container.access_links,
        base_url=container.settings.public_url,
        mailer=container.smtp_mailer(),  # without SMTP the messages stay queued in the outbox
        actor=actor,
        at=container.clock.now(),
    )
