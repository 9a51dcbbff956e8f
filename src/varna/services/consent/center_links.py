"""A link to one's consents in the privacy center, asked for by giving an e-mail address
(C7, D6). The answer is the same whether or not varna knows the address, and so is the
work done before it (no enumeration by answer or by time): the ask is checked and logged,
rate-limited per address and per client (keyed hashes, known or not; docs/consent.md says
why both), and only after the answer does varna
look the address up and, for a known one, make a single-purpose link (it opens that person's
consent page and nothing else) that expires; only the SHA-256 of its token is stored.

Links in messages (marketing sends) are signed instead (:mod:`.links`); :func:`person_of_link`
accepts both."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from varna.domain.audit import AuditAction
from varna.domain.consent.events import LANGUAGES
from varna.domain.errors import InputRefused, InvalidIdentifier, VarnaError
from varna.domain.requests.codes import hash_secret
from varna.domain.subjects.keys import normalise
from varna.i18n import translate
from varna.services.consent.decisions import InvalidLink, token_hash
from varna.services.consent.links import AccessLinks
from varna.services.consent.ports import ConsentUnitOfWork, Mailer, OutgoingMail
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent

CENTER_LINK_LIFETIME = timedelta(hours=24)


class TooManyAsks(VarnaError):
    """Too many link requests for one address in the window. Said in the same words for a
    known and an unknown address: if the address is known, every earlier ask mailed its
    owner a link, so the owner is told to use it."""

    def __init__(self) -> None:
        super().__init__(
            "a link was already asked for this address; if we know the address, it is in the "
            "e-mail we sent. Use that link, or ask again in an hour"
        )


class TooManyAsksFromClient(VarnaError):
    """Too many link requests from one client (any addresses) in the window."""

    def __init__(self) -> None:
        super().__init__("too many requests for links from here; try again in an hour")


@dataclass(frozen=True, slots=True)
class AskLimits:
    per_address: int = 3  # asks for one address, from all clients together
    per_client: int = 10  # asks from one client, for all addresses together
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class AskForLink:
    email: str
    language: str = "sv"


def link_mail(lang: str, *, controller: str, url: str, hours: int) -> tuple[str, str]:
    """The subject and body of the mail with a link to one's consents, in ``lang``."""
    body = "\n\n".join(
        [
            translate(lang, "Hello,"),
            translate(
                lang,
                "someone, hopefully you, asked for a link to your consents with "
                "%(controller)s. There you see them and can change them; withdrawing a consent "
                "is as easy as giving it:",
                controller=controller,
            ),
            url,
            translate(
                lang,
                "The link works for %(hours)s hours and only for the page with your consents. "
                "If you did not ask for it, you can ignore this message.",
                hours=hours,
            ),
        ]
    )
    return translate(lang, "Your link to your consents"), body + "\n"


@dataclass(frozen=True, slots=True)
class LinkAsked:
    """An ask that passed the checks, for :func:`send_link` to finish after the answer."""

    email: str
    language: str


def ask_for_link(
    ctx: ServiceContext[ConsentUnitOfWork],
    command: AskForLink,
    *,
    client: str,
    limits: AskLimits = AskLimits(),  # noqa: B008 - frozen
) -> LinkAsked:
    """Check and log an ask: the part done before the answer, the same work for a known and
    an unknown address (varna does not look the address up here, so neither the answer nor
    its time tells whether it is known). ``client`` is the asker's network address. Bad
    address: InputRefused (field email); too many asks from this client:
    TooManyAsksFromClient (nothing logged); too many for this address: TooManyAsks (the
    ask still counts for the client). The owner of an address is never kept from a link by
    a stranger's asks: each of them mailed a link to the owner, and one client can spend the
    quota of at most ``per_client // per_address`` addresses an hour."""
    try:
        email = normalise("email", command.email).value
    except InvalidIdentifier:
        raise InputRefused("not an e-mail address", field="email") from None
    language = command.language if command.language in LANGUAGES else "sv"
    key = hash_secret(email, key=ctx.secret, purpose="consent-link-email")
    from_client = hash_secret(client, key=ctx.secret, purpose="consent-link-client")
    now = ctx.clock.now()
    since = now - limits.window
    with ctx.uow() as work:
        if work.consent.links.asks_since(from_client, since) >= limits.per_client:
            raise TooManyAsksFromClient
        work.consent.links.log_ask(from_client, now)
        capped = work.consent.links.asks_since(key, since) >= limits.per_address
        if not capped:
            work.consent.links.log_ask(key, now)
        work.commit()
    if capped:
        raise TooManyAsks
    return LinkAsked(email, language)


def send_link(
    ctx: ServiceContext[ConsentUnitOfWork],
    asked: LinkAsked,
    *,
    base_url: str,
    mailer: Mailer,
    actor: str,
    lifetime: timedelta = CENTER_LINK_LIFETIME,
) -> None:
    """After the answer: a single-purpose link for a known address, nothing for another."""
    now = ctx.clock.now()
    token = secrets.token_urlsafe(32)
    with ctx.uow() as work:
        person_id = work.consent.person_by_email(asked.email)
        if person_id is None:
            return
        work.consent.links.add(token_hash(token), person_id, at=now, expires_at=now + lifetime)
        work.audit.record(
            AuditEvent(
                actor,
                AuditAction.CONSENT_LINK_SENT,
                f"person:{person_id}",
                {"expires_in_hours": int(lifetime.total_seconds() // 3600)},
            ),
            at=now,
        )
        work.commit()
    url = f"{base_url.rstrip('/')}/privacy/consents/{token}?lang={asked.language}"
    subject, body = link_mail(
        asked.language,
        controller=ctx.catalog.controller.name,
        url=url,
        hours=int(lifetime.total_seconds() // 3600),
    )
    mailer.send(OutgoingMail(to=asked.email, subject=subject, body=body, headers={}))


def person_of_link(ctx: ServiceContext[ConsentUnitOfWork], link: str, *, links: AccessLinks) -> int:
    """The person a privacy-center link belongs to: a signed link from a message, or an
    unexpired link asked for by e-mail. InvalidLink otherwise."""
    at = ctx.clock.now()
    if "." in link:
        return links.verify(link, at=at)
    with ctx.uow() as work:
        person_id = work.consent.links.person_of(token_hash(link), at=at)
    if person_id is None:
        raise InvalidLink
    return person_id
