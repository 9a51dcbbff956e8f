"""Refusals raised by the intake guard. Messages name kinds, never the matched text."""

from __future__ import annotations

from varna.domain.errors import InputRefused


class SensitiveContentRefused(InputRefused):
    """Special-category content (GDPR Art. 9/10) in an intake that refuses it (promise C3)."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        super().__init__(
            "special-category content refused (C3): " + ", ".join(kinds) + "; nothing was stored"
        )


class ChildDataRefused(InputRefused):
    """A personnummer or birth date shows a person under 13 (promise C4)."""

    def __init__(self, kind: str, min_age: int) -> None:
        self.kind = kind
        self.min_age = min_age
        super().__init__(
            f"a {kind} shows an age under {min_age} (C4); the intake was refused and nothing"
            " was stored"
        )


class ControlCharacters(InputRefused):
    """Text with a control character (a NUL, say) is refused whole, never stored in part."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(
            "holds a control character (such as NUL) that text may not contain; nothing was stored",
            field=field,
        )
