"""One typed Settings object for the whole product (environment prefix ``VARNA_``).

Nothing here does I/O at import time: call :func:`load_settings` (or construct
:class:`Settings` directly in tests) where the settings are needed.
"""

from __future__ import annotations

import calendar
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder", "xxx"})
DEFAULT_SQLITE_PATH = Path("varna.db")


class PlaceholderSecretError(ValueError):
    """The secret key is a placeholder outside demo mode."""


class Settings(BaseSettings):
    """Everything varna can be told from the environment."""

    model_config = SettingsConfigDict(env_prefix="VARNA_", env_file=None, extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL of the store: an SQLite file (embedded default) or PostgreSQL.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("change-me"),
        description="Key for sessions, tokens and keyed hashes; refused when a placeholder "
        "outside demo mode.",
    )
    demo: bool = Field(default=False, description="Demo mode: synthetic data, relaxed secrets.")
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port of the web server.")
    catalog_path: Path | None = Field(
        default=None,
        description="A catalogue YAML to use instead of the built-in catalog/default.yaml.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body the server reads, in bytes (1 MiB); a larger one is "
        "refused with 413 before it is read, whether its length is declared or it comes "
        "in chunks.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the server and the CLI."
    )
    scan_special_policy: Literal["refuse", "redact"] = Field(
        default="redact",
        description="What the intake guard does with special-category content in free text "
        "(promise C3): refuse the whole message, or store it with those words redacted.",
    )
    # -- field encryption (docs/security.md) -------------------------------------------------
    field_encryption: bool = Field(
        default=True,
        description="Encrypt people's direct identifiers under a data key per person (off "
        "only to measure what it costs).",
    )
    database_role: str = Field(
        default="varna_app",
        pattern=r"^([a-z_][a-z0-9_]{0,62})?$",
        description="PostgreSQL: the role the application works as (SET ROLE on each "
        "connection; migrations run as the login role, the owner); empty when the login "
        "role already is the narrow one.",
    )
    keystore_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the key store (the wrapped data keys), a database apart "
        "from varna's own; default: an SQLite file beside an SQLite database "
        "(varna.db -> varna.keys.db), varna-keys.db in the working directory for PostgreSQL.",
    )
    kek_file: Path | None = Field(
        default=None,
        description="File of the key-encryption keys, one base64 key (32 bytes) a line, the "
        "first wrapping new data keys; `varna keys rotate` writes it.",
    )
    kek: SecretStr | None = Field(
        default=None,
        description="Key-encryption keys, base64 (32 bytes), separated by commas, the first "
        "wrapping new data keys; without this or VARNA_KEK_FILE one is derived from "
        "VARNA_SECRET_KEY.",
    )
    blind_index_key: SecretStr | None = Field(
        default=None,
        description="Key of the blind indexes of e-mail, phone and personnummer; default: "
        "derived from VARNA_SECRET_KEY.",
    )
    # -- retention -------------------------------------------------------------------------
    retention_k: int = Field(
        default=5,
        ge=2,
        description="k for anonymised usage totals: a per-customer, per-day, per-country group "
        "with fewer SIMs is suppressed (R-RET-05).",
    )
    retention_batch_rows: int = Field(
        default=50_000,
        ge=1,
        description="Rows per batch of the retention sweep; each batch is one transaction.",
    )
    retention_usage_totals: bool = Field(
        default=True,
        description="Anonymise due usage into daily totals before dropping the raw rows; "
        "false deletes them without totals.",
    )
    fiscal_year_end: str = Field(
        default="12-31",
        description="The last day of the company's fiscal year, as MM-DD (the last day of a "
        "month; 06-30 for a fiscal year 1 July to 30 June). Bookkeeping records are kept until "
        "31 December of the seventh calendar year after the one their fiscal year ended in "
        "(R4).",
    )
    retention_pause_seconds: float = Field(
        default=0.0,
        ge=0,
        description="Pause between sweep batches (to spread load; the interruption tests).",
    )

    # -- staff sign-in ---------------------------------------------------------------------
    staff_idle_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description="Minutes without a request after which a staff session of the admin "
        "console ends.",
    )
    staff_session_hours: float = Field(
        default=12,
        gt=0,
        le=24 * 7,
        description="Hours after sign-in after which a staff session ends, however busy.",
    )

    # -- rights requests -------------------------------------------------------------------
    request_rate_limit: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Requests accepted per hour from one client (network address), and "
        "verified per hour for one e-mail address; more get 429.",
    )
    request_code_minutes: int = Field(
        default=30,
        ge=5,
        le=1440,
        description="Minutes a one-time verification code stays valid.",
    )
    request_code_tries: int = Field(
        default=5,
        ge=1,
        le=20,
        description="Wrong code tries one client may make on one request in an hour (then "
        "429 for that client); four times as many over all requests; a code locks for "
        "everyone only after three times as many from all clients together.",
    )
    job_lease_seconds: float = Field(
        default=300,
        ge=1,
        le=86_400,
        description="Seconds a worker holds a job; a job still running after that (its worker "
        "died) is taken over by another worker. Longer than the slowest job.",
    )
    job_pause_seconds: float = Field(
        default=0.0,
        ge=0,
        le=3600,
        description="Pause of a request job between marking the request in progress and "
        "doing the work (to spread load on a busy database; the worker-kill test).",
    )

    # -- consent ---------------------------------------------------------------------------
    consent_validity_months: dict[str, int] = Field(
        default_factory=dict,
        description="Months a consent lasts before `varna consent expire` (and the worker's "
        "daily run) marks it expired, per consent purpose or cookie category, as JSON, e.g. "
        '{"newsletter": 24, "cookies.statistics": 12}. Unlisted: 24 months for purposes, 12 '
        "for cookie categories (docs/consent.md).",
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach varna at; links in messages (unsubscribe, "
        "privacy center) start with it.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for outgoing mail; unset, messages stay in the mail_outbox "
        "table (the demo default).",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection (STARTTLS)."
    )
    smtp_user: str | None = Field(default=None, description="SMTP user name, when it needs one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    mail_from: str = Field(
        default="no-reply@example.com", description="Sender address of outgoing mail."
    )

    # -- the company's look on the privacy center and the console -----------------------------
    brand_name: str | None = Field(
        default=None,
        max_length=120,
        description="The company's name in the page header and on documents; the catalogue's "
        "controller name when not set.",
    )
    brand_logo: Path | None = Field(
        default=None,
        description="An SVG or PNG file with the company's logo for the page header; a mark "
        "drawn from the name's first letter when not set.",
    )
    brand_accent: str = Field(
        default="#0b6e4f",
        pattern=r"^#[0-9a-fA-F]{6}$",  # the Rust regex engine: $ is the end of the text
        description="The accent colour of buttons and links, as #rrggbb. Pick one that keeps "
        "white text readable (a contrast of 4.5:1 or more).",
    )

    @field_validator("fiscal_year_end")
    @classmethod
    def _month_end(cls, value: str) -> str:
        month, _, day = value.strip().partition("-")
        if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12):
            raise ValueError("VARNA_FISCAL_YEAR_END must be MM-DD, e.g. 06-30 or 12-31")
        last = calendar.monthrange(2024, int(month))[1]  # a leap year: 02-28 and 02-29 both end
        if int(day) != last and not (int(month) == 2 and int(day) == 28):
            raise ValueError(
                "VARNA_FISCAL_YEAR_END must be the last day of a month (a fiscal year is twelve "
                f"whole months), e.g. {int(month):02d}-{last:02d}"
            )
        return f"{int(month):02d}-{int(day):02d}"

    @property
    def fiscal_year_end_month(self) -> int:
        return int(self.fiscal_year_end[:2])

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if not self.demo and (secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < 16):
            raise PlaceholderSecretError(
                "VARNA_SECRET_KEY is a placeholder or shorter than 16 characters; set a random "
                "secret (python -c 'import secrets; print(secrets.token_urlsafe(32))') or run "
                "in demo mode (VARNA_DEMO=true)."
            )
        return self

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql", "postgres"))


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
