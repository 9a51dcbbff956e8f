"""Delivering the notices of the outbox (Art. 19, Art. 18(3), A3)."""
