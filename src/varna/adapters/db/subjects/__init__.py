"""Storage of data-subject rights: the catalogue-driven subject engine (find, extract,
erase) and the records of rights in use (restrictions, objections, suppressions, holds,
disclosures, outbox)."""
