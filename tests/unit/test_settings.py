"""One typed Settings object; placeholder secrets are refused outside demo mode."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from varna.config import Settings


@pytest.mark.parametrize("secret", ["change-me", "changeme", "secret", "", "short-key"])
def test_placeholder_secret_is_refused_outside_demo(secret: str) -> None:
    with pytest.raises(ValidationError, match="VARNA_SECRET_KEY"):
        Settings(secret_key=secret)  # type: ignore[arg-type]


def test_placeholder_secret_is_accepted_in_demo_mode() -> None:
    assert Settings(demo=True).demo is True


def test_environment_prefix_and_sqlite_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VARNA_DATABASE_URL", raising=False)
    monkeypatch.setenv("VARNA_SECRET_KEY", "a-real-secret-of-sufficient-length")
    monkeypatch.setenv("VARNA_PORT", "8123")
    settings = Settings()
    assert settings.port == 8123
    assert settings.database_url.startswith("sqlite:///")
    assert not settings.is_postgres


def test_secret_never_printed() -> None:
    settings = Settings(secret_key="a-real-secret-of-sufficient-length")  # type: ignore[arg-type]
    assert "a-real-secret" not in repr(settings)
