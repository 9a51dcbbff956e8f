"""The rules of data-subject rights, framework-free: identifier normalisation into lookup keys,
redaction of other people's data, the erasure decision per category (D1-D5, R4, A3)."""
