"""Domain errors say where (line, field, kind of identifier) and why, in that order; the
entry points show their text as it is."""

from __future__ import annotations

import pytest

from varna.domain.errors import CatalogError, InputRefused, InvalidIdentifier, VarnaError


@pytest.mark.parametrize(
    ("line", "field", "text"),
    [
        (None, None, "not UTF-8 text"),
        (3, None, "line 3: not UTF-8 text"),
        (None, "iccid", "field 'iccid': not UTF-8 text"),
        (3, "iccid", "line 3, field 'iccid': not UTF-8 text"),
        (0, "", "line 0, field '': not UTF-8 text"),
    ],
)
def test_a_refusal_names_line_and_field_before_the_reason(
    line: int | None, field: str | None, text: str
) -> None:
    refused = InputRefused("not UTF-8 text", line=line, field=field)
    assert str(refused) == text
    assert (refused.reason, refused.line, refused.field) == ("not UTF-8 text", line, field)


def test_an_invalid_identifier_names_its_kind_and_reason() -> None:
    invalid = InvalidIdentifier("IMSI", "must have 15 digits")
    assert str(invalid) == "invalid IMSI: must have 15 digits"
    assert (invalid.kind, invalid.reason) == ("IMSI", "must have 15 digits")


def test_every_error_a_user_sees_is_a_varna_error() -> None:
    """The entry points catch VarnaError to answer 422/409 or an exit code, not a crash."""
    for error in (InputRefused("x"), InvalidIdentifier("IMSI", "x"), CatalogError("x")):
        assert isinstance(error, VarnaError)
