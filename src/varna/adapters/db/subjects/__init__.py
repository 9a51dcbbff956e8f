"""Storage of data-subject rights: the catalogue-driven walker (find, extract, erase) and the
records of rights in use (restrictions, objections, suppressions, holds, disclosures, outbox)."""
