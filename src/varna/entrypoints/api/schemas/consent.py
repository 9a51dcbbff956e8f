"""Schemas of the consent endpoints (banner, privacy center, receipts)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Language = Literal["sv", "en"]


class CookiePublic(BaseModel):
    name: str
    storage: str
    set_by: str
    purpose: str
    lifetime: str
    recipients: list[str]


class CookieCategoryPublic(BaseModel):
    id: str
    key: str
    label: str
    description: str
    necessary: bool
    purposes: list[str]
    cookies: list[CookiePublic]


class PurposePublic(BaseModel):
    key: str
    label: str
    description: str


class NoticePublic(BaseModel):
    """What the banner and the privacy center show, and the version to send back."""

    version: str
    language: Language
    text_hash: str
    preamble: str
    gpc: bool = Field(description="The request carried Sec-GPC: 1 (a refusal until a choice).")
    purposes: list[PurposePublic]
    cookie_categories: list[CookieCategoryPublic]


class BannerDecision(BaseModel):
    """One decision in the cookie banner (or the GPC signal applied on its behalf)."""

    browser_id: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    notice_version: str = Field(max_length=32)
    language: Language
    choices: dict[str, bool] = Field(description="preferences, statistics, marketing: yes/no")
    gpc: bool = Field(default=False, description="Applied from Global Privacy Control.")
    age_confirmed: bool = False


class PersonDecision(BaseModel):
    notice_version: str = Field(max_length=32)
    language: Language
    choices: dict[str, bool] = Field(description="consent purpose id -> yes/no")
    age_confirmed: bool = False
    birth_date: date | None = None
    personnummer: str | None = Field(default=None, max_length=13)


class ConsentStatePublic(BaseModel):
    key: str
    status: str
    granted: bool
    given_at: str | None
    notice_version: str | None
    channel: str | None


class ConsentStatesPublic(BaseModel):
    notice_version: str
    states: list[ConsentStatePublic]


class LinkAsk(BaseModel):
    """Ask for a link to one's consents in the privacy center."""

    email: str = Field(max_length=320, description="The address the link is sent to.")
    language: Language = "sv"


class LinkAsked(BaseModel):
    message: str = Field(description="The same answer whether or not the address is known.")
