"""Wiring of the consent use cases for one container, shared by the CLI, the API and the
worker, so each use case has one code path whichever entry point starts it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from varna.bootstrap import Container
from varna.domain.consent.expiry import ValidityPolicy
from varna.services.consent.center_links import (
    AskForLink,
    LinkAsked,
    ask_for_link,
    person_of_link,
    send_link,
)
from varna.services.consent.expiry import (
    ExpireCommand,
    ExpiryReport,
    daily_expiry_job,
    expire_consents,
)
from varna.services.consent.marketing import MailTemplate, SendReport, send_marketing

log = logging.getLogger(__name__)


def run_send(
    container: Container, purpose: str, template: MailTemplate, *, actor: str
) -> SendReport:
    """A marketing send: only people who pass the gate; SMTP after the commit when set."""
    return send_marketing(
        container,
        purpose,
        template,
        gate=container.consent_gate,
        links=container.access_links,
        base_url=container.settings.public_url,
        mailer=container.smtp_mailer(),  # without SMTP the messages stay queued in the outbox
        actor=actor,
    )


def validity_policy(container: Container) -> ValidityPolicy:
    """The validity period of each consent (VARNA_CONSENT_VALIDITY_MONTHS over the
    defaults), the gate's own, so the sweep and the gate never disagree."""
    return container.consent_gate.validity


def run_expiry(container: Container, command: ExpireCommand, *, actor: str) -> ExpiryReport:
    """The expiry sweep as of ``command.as_of``."""
    return expire_consents(
        container,
        command,
        gate=container.consent_gate,
        policy=validity_policy(container),
        actor=actor,
    )


def daily_expiry(container: Container) -> ExpiryReport:
    """The daily expiry sweep, as of now."""
    return daily_expiry_job(
        container, gate=container.consent_gate, policy=validity_policy(container)
    )


def start_daily_expiry(
    container: Container, *, check_every: timedelta = timedelta(hours=1)
) -> Callable[[], None]:
    """The worker's daily expiry sweep, in a background thread: once at start, then on the
    first check of every new day (UTC); returns its stop function."""
    stop = threading.Event()

    def loop() -> None:
        last_day = None
        while not stop.is_set():
            today = container.clock.now().date()
            if today != last_day:
                try:
                    daily_expiry(container)
                    last_day = today
                except Exception as exc:  # noqa: BLE001 - retried at the next check
                    log.warning("consent expiry sweep failed: %s", type(exc).__name__)
            stop.wait(check_every.total_seconds())

    thread = threading.Thread(target=loop, name="varna-consent-expiry", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=30)

    return halt


def link_person(container: Container, link: str) -> int:
    """The person of a privacy-center link (signed, or asked for by e-mail); InvalidLink."""
    return person_of_link(container, link, links=container.access_links)


def run_ask_for_link(container: Container, command: AskForLink, *, client: str) -> LinkAsked:
    """Check and log an ask for a privacy-center link (the same work for any address);
    ``client`` is the asker's network address."""
    return ask_for_link(container, command, client=client)


def deliver_link(container: Container, asked: LinkAsked, *, actor: str) -> None:
    """The link for a known address, after the answer is out. A failure is logged by its
    type only (mail errors can quote the address); the person may ask again."""
    try:
        send_link(
            container,
            asked,
            base_url=container.settings.public_url,
            mailer=container.mailer(),
            actor=actor,
        )
    except Exception as exc:  # noqa: BLE001 - after the answer, nobody else to tell
        log.warning("privacy-center link not sent: %s", type(exc).__name__)
