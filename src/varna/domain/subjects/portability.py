"""Which columns the right to data portability covers (Art. 20; WP242 rev.01; D2).

Data the person provided, and data observed about them (their web visits, the usage of their
SIMs), processed on consent or a contract (for processor data: the controller's contract with
the person's employer, carried out on its instruction). Data we inferred or generated ourselves
(scores, invoice numbers) is not portable.
"""

from __future__ import annotations

from varna.catalog.model import Catalog, ColumnEntry, LegalBasis, Source

PROVIDED = frozenset({Source.PROVIDED_BY_SUBJECT})
OBSERVED = frozenset({Source.OBSERVED, Source.FROM_SUB_PROCESSOR})
PORTABLE_BASES = frozenset(
    {LegalBasis.CONSENT, LegalBasis.CONTRACT, LegalBasis.PROCESSOR_INSTRUCTION}
)


def is_portable(catalog: Catalog, entry: ColumnEntry) -> bool:
    sources = set(entry.sources)
    if Source.INFERRED in sources or not sources & (PROVIDED | OBSERVED):
        return False
    if entry.redact_in_extract:
        return False
    return any(catalog.purpose(p).legal_basis in PORTABLE_BASES for p in entry.purposes)
