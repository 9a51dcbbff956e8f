"""The purposes a marketing send may be for (C5, D8): the consent purposes of mail to people."""

from __future__ import annotations

MAIL_PURPOSES = ("newsletter", "direct_marketing", "customer_surveys")
