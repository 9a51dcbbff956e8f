"""In-memory fakes of the ports the services use, for unit tests of the services' decisions.

Each fake is a real class that implements a Protocol of ``varna.services`` (checked by mypy,
see ``uow.py``), with the semantics a test can observe: a unit of work keeps what was
committed and forgets what was not, so a use case that fails leaves nothing behind, and the
audit events are written in the same transaction as the change they record. No SQL, no
patching: the adapters are tested against real SQLite and PostgreSQL in tests/integration.
"""
