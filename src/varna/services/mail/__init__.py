"""Outgoing mail that stays in varna: the mail outbox (the demo's post office)."""
