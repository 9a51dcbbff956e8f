"""Data-subject requests as plain rules (D1-D8, G3, A3; docs/legal.md 2 and R-DSR-01/02, R-DSR-10):
the kinds, the state machine, the deadline with its extension, refusal decisions and the
one-time verification codes. No framework and no I/O here."""
