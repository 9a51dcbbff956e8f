"""Composition root: the only package that knows both services and adapters.

The container lives here; the wiring of the use cases that several entry points share is in
the submodules (:mod:`.consent`, :mod:`.requests`, :mod:`.notices`, :mod:`.extracts`), which
an entry point imports when it needs them."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property

from pydantic import ValidationError
from sqlalchemy import Engine

from varna.adapters.db import migrate
from varna.adapters.db.counts import row_counts
from varna.adapters.db.demo_marker import is_demo_database
from varna.adapters.db.engine import make_engine, use_role
from varna.adapters.db.outbox_store import OutboxMailer
from varna.adapters.db.subjects.build import build_plan
from varna.adapters.db.subjects.plan import SubjectPlan
from varna.adapters.db.uow import SqlUnitOfWork
from varna.adapters.fieldcrypt import FieldCrypto, KeyStore, install
from varna.adapters.mail import SmtpMailer
from varna.catalog import Catalog, load_catalog
from varna.config import PlaceholderSecretError, Settings
from varna.domain.audit_chain import AuditEntry, AuditFilter, Verdict
from varna.services.consent.gate import ConsentGate
from varna.services.consent.links import AccessLinks
from varna.services.consent.ports import ProcessingVeto
from varna.services.ports import Clock
from varna.services.requests.ports import Passwords
from varna.services.subjects.vetoes import SubjectRightsVeto


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Container:
    """Everything an entry point needs, wired once per process."""

    settings: Settings
    engine: Engine
    catalog: Catalog
    clock: Clock = field(default_factory=SystemClock)
    crypto: FieldCrypto | None = None

    @cached_property
    def secret(self) -> bytes:
        """The secret key as bytes, converted once for every use case."""
        return self.settings.secret_key.get_secret_value().encode("utf-8")

    @property
    def public_url(self) -> str:
        """Where people reach this varna (links in mails: status pages, answers)."""
        return self.settings.public_url

    @cached_property
    def subject_plan(self) -> SubjectPlan:
        """The subject engine's statements for the catalogue and the database's dialect."""
        return build_plan(self.catalog, self.engine.dialect.name)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            catalog=self.catalog,
            subject_plan=self.subject_plan,
        )

    def with_clock(self, clock: Clock) -> Container:
        """The same wiring (engine, catalogue, settings) read at another clock."""
        return replace(self, clock=clock)

    @cached_property
    def passwords(self) -> Passwords:
        """The staff password hasher (argon2id); imported when first used, as only the
        sign-in and the account commands need it."""
        from varna.adapters.passwords import Argon2Passwords

        return Argon2Passwords()

    # -- consent -------------------------------------------------------------------------
    @cached_property
    def consent_gate(self) -> ConsentGate:
        """The one consent gate of the process, with the vetoes of the subject engine."""
        return ConsentGate(
            self.catalog,
            vetoes=consent_vetoes(self.secret),
            validity_months=self.settings.consent_validity_months,
        )

    @cached_property
    def access_links(self) -> AccessLinks:
        return AccessLinks(self.secret)

    def mailer(self) -> SmtpMailer | OutboxMailer:
        """Where every message goes: SMTP when VARNA_SMTP_HOST is set, otherwise the mail
        outbox (the demo default), which the privacy officer reads at /admin/outbox."""
        return self.smtp_mailer() or OutboxMailer(self.engine, now=self.clock.now)

    def smtp_mailer(self) -> SmtpMailer | None:
        """SMTP when VARNA_SMTP_HOST is set; None for senders whose messages are already
        queued in the mail outbox (marketing sends)."""
        s = self.settings
        if not s.smtp_host:
            return None
        return SmtpMailer(
            s.smtp_host,
            s.smtp_port,
            sender=s.mail_from,
            starttls=s.smtp_starttls,
            user=s.smtp_user,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        )

    def upgrade_schema(self) -> None:
        """Migrate as the login role, the tables' owner: on PostgreSQL without the
        application's ``SET ROLE`` (docs/security.md, "The audit chain")."""
        owner = self.owner_engine()
        try:
            migrate.upgrade(owner)
        finally:
            if owner is not self.engine:
                owner.dispose()
        if self.crypto is not None:
            from varna.adapters.db.seal_existing import seal_existing

            seal_existing(self.engine)

    def owner_engine(self) -> Engine:
        """An engine of the login role itself (the application's engine when no role is set
        or on SQLite); the caller disposes of a new one."""
        if self.settings.is_postgres and self.settings.database_role:
            return make_engine(self.settings.database_url)
        return self.engine

    def check_schema(self) -> None:
        """Refuse (a VarnaError that says to run ``varna db upgrade``) a schema that is not
        the one this varna expects; changes nothing."""
        migrate.require_current(self.engine)

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self.engine)

    def verify_audit_chain(self) -> Verdict:
        """Recompute the audit chain from its last checkpoint (or its start) to its head."""
        from varna.adapters.db.audit import verify_chain

        with self.engine.begin() as connection:
            return verify_chain(connection)

    def audit_entries(self, filt: AuditFilter, *, offset: int, limit: int) -> list[AuditEntry]:
        """A page of the audit log, newest first (the audit page)."""
        from varna.adapters.db.audit import read_entries

        with self.engine.connect() as connection:
            return read_entries(connection, filt, offset=offset, limit=limit)

    def audit_export(self, filt: AuditFilter) -> Iterator[AuditEntry]:
        """Every entry ``filt`` matches, newest first, streamed from one connection."""
        from varna.adapters.db.audit import stream_entries

        with self.engine.connect() as connection:
            yield from stream_entries(connection, filt)

    def row_counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return row_counts(connection)

    def close(self) -> None:
        self.engine.dispose()
        if self.crypto is not None and self.crypto.keys is not None:
            self.crypto.keys.close()


def consent_vetoes(secret: bytes) -> list[ProcessingVeto]:
    """Restriction, objection and the suppression list (the subject engine) stop
    consent-based processing, whatever the ledger says (D3, D5, D8)."""
    return [SubjectRightsVeto(secret)]


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (``overrides`` win). A placeholder secret is
    refused, as :class:`Settings` says, unless demo mode is set or the database is one that
    `varna demo` built (its marker): there the demo's settings hold without VARNA_DEMO."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        if not _placeholder_secret_only(exc):
            raise
        demo = Settings(**{**overrides, "demo": True})  # type: ignore[arg-type]
        if not is_demo_database(demo.database_url):
            raise
        return demo


def _placeholder_secret_only(exc: ValidationError) -> bool:
    errors = exc.errors()
    return bool(errors) and all(
        isinstance(error.get("ctx", {}).get("error"), PlaceholderSecretError) for error in errors
    )


def build(
    settings: Settings, *, engine_factory: Callable[[str], Engine] = make_engine
) -> Container:
    """Wire adapters to services for ``settings``; validates the catalogue first."""
    catalog = load_catalog(settings.catalog_path).with_fiscal_year_end(
        settings.fiscal_year_end_month
    )
    engine = engine_factory(settings.database_url)
    if settings.database_role:
        use_role(engine, settings.database_role)
    crypto = field_crypto(settings)
    install(engine, crypto)
    wired = Container(settings=settings, engine=engine, catalog=catalog, crypto=crypto)
    _settle_process()
    return wired


def field_crypto(settings: Settings) -> FieldCrypto:
    """The field encryption of ``settings``: the key store and its KEKs, the blind index key
    (docs/security.md, "Field encryption and crypto-shredding")."""
    from varna.adapters import fieldcrypt

    secret = settings.secret_key.get_secret_value().encode("utf-8")
    if settings.kek_file is not None:
        ring = fieldcrypt.KekRing.from_file(settings.kek_file)
    elif settings.kek is not None:
        given = settings.kek.get_secret_value().split(",")
        ring = fieldcrypt.KekRing([fieldcrypt.decode_kek(k) for k in given if k.strip()])
    else:
        ring = fieldcrypt.KekRing([fieldcrypt.derive(secret, "varna kek v1")])
    blind = (
        settings.blind_index_key.get_secret_value().encode("utf-8")
        if settings.blind_index_key is not None
        else secret
    )
    keys = KeyStore.open(keystore_url(settings), ring)
    return FieldCrypto(
        keys, fieldcrypt.derive(blind, "varna blind index v1"), enabled=settings.field_encryption
    )


def keystore_url(settings: Settings) -> str:
    if settings.keystore_url:
        return settings.keystore_url
    url = settings.database_url
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = url[len("sqlite:///") :]
        stem = path[: -len(".db")] if path.endswith(".db") else path
        return f"sqlite:///{stem}.keys.db"
    return "sqlite:///varna-keys.db"


_settled: list[bool] = []
GC_YOUNG = 50_000  # new container objects between collections of the youngest generation


def _settle_process() -> None:
    """Once per process, when the first container is wired: what start-up built (modules,
    the SQL metadata, the catalogue) lives as long as the process, so it is moved out of
    the garbage collector's view (``gc.freeze``). Otherwise every full collection walks
    those 90,000-odd objects again: up to a third of the time of an extract of 2,500 usage
    rows, half of a million-row export (docs/performance.md). Reference counting still
    frees them; only cycles among them would stay, and they are not garbage.

    The youngest generation is collected after ``GC_YOUNG`` new objects instead of 700: an
    extract makes a tuple per row and block, and with 700 a request went through dozens of
    collections (after the freeze the collector counts few long-lived objects, so its rule
    for a full one is met often too): 1.2 of 27 ms of an extract of 2,500 usage rows, 0.8 of
    14 ms of reading the same rows through SQLAlchemy (medians, in-process A/B). Cycles still
    go, at most that many objects later."""
    if not _settled:
        _settled.append(True)
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(GC_YOUNG, older, oldest)
