"""Schemas of the system endpoints."""

from __future__ import annotations

from pydantic import BaseModel


class HealthPublic(BaseModel):
    status: str
    version: str
    database: str
    schema_revision: str | None


class StatsPublic(BaseModel):
    tables: dict[str, int]
