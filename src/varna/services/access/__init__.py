"""Who may use varna's ways in: API bearer tokens (roles are :mod:`varna.domain.access`)."""
