"""Use cases: one module per capability, one transaction per use case."""
