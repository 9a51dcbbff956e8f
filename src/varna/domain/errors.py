"""Domain errors. Entry points map them to HTTP status codes and CLI exit codes.

Messages name the field, line or record id, never the personal data itself.
"""

from __future__ import annotations


class VarnaError(Exception):
    """Base of every error that varna reports to a user."""


class InvalidIdentifier(VarnaError):
    """An identifier failed its structure or checksum test."""

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(f"invalid {kind}: {reason}")


class InputRefused(VarnaError):
    """A file or record was refused as a whole; nothing of it was stored."""

    def __init__(self, reason: str, *, line: int | None = None, field: str | None = None) -> None:
        self.reason = reason
        self.line = line
        self.field = field
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


class CatalogError(VarnaError):
    """The catalogue declaration is inconsistent."""
