"""The intake guard: card masking (C2), special categories (C3), children (C4), P4 scan."""

from __future__ import annotations

from datetime import date

import pytest

from varna.domain.errors import InputRefused
from varna.domain.scan import (
    ChildDataRefused,
    PrivacyEvent,
    SensitiveContentRefused,
    guard_text,
    mask_card,
)
from varna.domain.scan.checksums import luhn_check_digit

TODAY = date(2026, 3, 1)


def _pnr(yymmdd: str, serial: str = "123") -> str:
    body = yymmdd + serial
    return f"{yymmdd}-{serial}{luhn_check_digit(body)}"


def test_card_masked_to_last_four_c2() -> None:
    """C2: a full card number never leaves the guard; separators stay, last four remain."""
    r = guard_text("Betalt med 4111 1111 1111 1111 i går.", special_policy="refuse", today=TODAY)
    assert r.text == "Betalt med **** **** **** 1111 i går."
    assert PrivacyEvent("card_masked", "card", 1) in r.events
    assert "4111 1111" not in r.text


def test_mask_card_contiguous_and_amex_c2() -> None:
    """C2: masking works for contiguous and Amex-grouped numbers."""
    assert mask_card("4111111111111111") == "************1111"
    assert mask_card("3782 822463 10005") == "**** ****** *0005"


def test_special_refused_message_names_kinds_not_content_c3() -> None:
    """C3: refuse policy raises; the message names the kinds and never the words."""
    with pytest.raises(SensitiveContentRefused) as err:
        guard_text("Jag är sjukskriven och fackmedlem.", special_policy="refuse", today=TODAY)
    msg = str(err.value)
    assert "special:health" in msg and "special:trade_union" in msg
    assert "sjukskriven" not in msg and "fackmedlem" not in msg
    assert err.value.kinds == ("special:health", "special:trade_union")
    assert isinstance(err.value, InputRefused)


def test_special_redacted_with_event_c3() -> None:
    """C3: redact policy replaces the words and records an event without content."""
    r = guard_text(
        "Hej, jag är sjukskriven. Ring 070-174 06 05.", special_policy="redact", today=TODAY
    )
    assert "sjukskriven" not in r.text
    assert r.text == "Hej, jag är [redacted]. Ring 070-174 06 05."
    assert PrivacyEvent("special_redacted", "special:health", 1) in r.events
    assert all("sjuk" not in e.kind + e.type for e in r.events)
    # offsets of the remaining findings point into the cleaned text
    (phone,) = r.findings
    assert r.text[phone.start : phone.end] == "070-174 06 05"


def test_child_personnummer_refused_c4() -> None:
    """C4: a personnummer showing an age under 13 refuses the whole intake."""
    child = _pnr("150302")  # 10 years old on TODAY
    with pytest.raises(ChildDataRefused) as err:
        guard_text(f"Min son har pnr {child}.", special_policy="redact", today=TODAY)
    assert child not in str(err.value) and "150302" not in str(err.value)
    assert "13" in str(err.value)


def test_child_samordningsnummer_and_birth_date_refused_c4() -> None:
    """C4: a samordningsnummer or a labelled birth date under 13 is refused too."""
    with pytest.raises(ChildDataRefused):
        guard_text(f"samordningsnummer {_pnr('150362')}", special_policy="redact", today=TODAY)
    with pytest.raises(ChildDataRefused):
        guard_text("Barnet är född 2016-05-04.", special_policy="redact", today=TODAY)
    with pytest.raises(ChildDataRefused):
        guard_text("Date of birth: 04/05/2020", special_policy="redact", today=TODAY)


def test_age_boundary_thirteen_c4() -> None:
    """C4: thirteen today is allowed; thirteen tomorrow is not."""
    ok = _pnr("130301")  # 13 on 2026-03-01
    r = guard_text(f"pnr {ok}", special_policy="refuse", today=TODAY)
    assert PrivacyEvent("detected", "personnummer", 1) in r.events
    with pytest.raises(ChildDataRefused):
        guard_text(f"pnr {_pnr('130302')}", special_policy="refuse", today=TODAY)


def test_adult_and_centenarian_pass_c4() -> None:
    """C4: adults pass; "+" means 100 or older, never a child."""
    r = guard_text(
        f"pnr {_pnr('800101')} och {_pnr('200101').replace('-', '+')}",
        special_policy="refuse",
        today=TODAY,
    )
    assert PrivacyEvent("detected", "personnummer", 2) in r.events


def test_ticket_scanned_events_p4() -> None:
    """P4: a support ticket is scanned; every identifier type found becomes an event."""
    text = (
        "IMEI 490154203237518, ICCID 89460000000000000018? Mejla anna@example.com, "
        "IP 192.0.2.14, kort 5555 5555 5555 4444."
    )
    r = guard_text(text, special_policy="refuse", today=TODAY)
    kinds = {(e.kind, e.type) for e in r.events}
    assert {
        ("detected", "imei"),
        ("detected", "email"),
        ("detected", "ipv4"),
        ("card_masked", "card"),
    } <= kinds
    assert "5555 5555 5555 4444" not in r.text and r.text.count("4444") == 1


def test_clean_text_unchanged_p4() -> None:
    """P4: a ticket without personal data passes through untouched with no events."""
    r = guard_text("Det gick sjukt bra, tack!", special_policy="refuse", today=TODAY)
    assert r.text == "Det gick sjukt bra, tack!" and r.events == () and r.findings == ()


def test_bad_policy_rejected() -> None:
    with pytest.raises(ValueError):
        guard_text("x", special_policy="ignore", today=TODAY)  # type: ignore[arg-type]


def test_csv_cells_guarded_c2_c3_c4() -> None:
    """C2, C3: an uploaded CSV's text cells pass the guard; C4 refuses the file, naming the
    line and column but not the value."""
    from varna.services.scan import guard_csv_text

    content = "name,note\nTestbolaget AB,kort 4111 1111 1111 1111\nLager,jag är sjukskriven\n"
    checked = guard_csv_text(content, special_policy="redact", today=TODAY)
    assert checked.rows[1] == ["Testbolaget AB", "kort **** **** **** 1111"]
    assert checked.rows[2] == ["Lager", "jag är [redacted]"]
    assert checked.events == {
        ("card_masked", "card"): 1,
        ("special_redacted", "special:health"): 1,
    }

    child = "190503-123" + luhn_check_digit("190503123")
    with pytest.raises(InputRefused) as refused:
        guard_csv_text(f"name,pnr\nBarn,{child}\n", special_policy="redact", today=TODAY)
    assert refused.value.line == 2 and refused.value.field == "pnr"
    assert child not in str(refused.value)
