"""API shapes of data-subject requests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal[
    "access",
    "portability",
    "rectification",
    "restriction",
    "erasure",
    "objection",
    "consent_withdrawal",
    "marketing_objection",
]


class RequestCreate(BaseModel):
    """No reason is asked for (D1); ``details`` is optional free text."""

    kind: Kind
    email: str = Field(max_length=320)
    identifiers: dict[Literal["phone", "personnummer", "iccid", "imsi", "msisdn"], str] = Field(
        default_factory=dict
    )
    details: str | None = Field(default=None, max_length=4000)
    language: Literal["sv", "en"] = "sv"


class RequestReceived(BaseModel):
    """The same answer whether or not varna knows the person."""

    request_id: str = Field(description="The request's reference (random; the code confirms it).")
    status: Literal["received"] = "received"
    due_date: str
    message: str


class VerifyCode(BaseModel):
    code: str = Field(min_length=1, max_length=16)


class VerifyResult(BaseModel):
    request_id: str = Field(description="The request's reference.")
    state: str
