"""Use cases of data-subject requests (D1-D8, G3, A3): intake, verification, execution by job,
results, staff decisions. ports.py holds the Protocols they depend on."""
