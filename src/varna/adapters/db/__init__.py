"""SQLAlchemy storage on SQLite (embedded default) and PostgreSQL (production)."""
