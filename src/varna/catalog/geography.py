"""Countries that decide which transfer tool a recipient needs (R-TRF-01).

Kept as data with its date: review when the Commission adopts or withdraws a decision.
"""

from __future__ import annotations

# EU member states and the three further EEA states (Iceland, Liechtenstein, Norway).
EEA_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        "IS", "LI", "NO",
    }
)  # fmt: skip

# Countries with an Art. 45 adequacy decision (as of 2025). The United States is covered
# only for importers on the Data Privacy Framework list: use the ``dpf`` safeguard there.
ADEQUATE_COUNTRIES = frozenset(
    {"AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"}
)

DPF_COUNTRIES = frozenset({"US"})


def in_eea(country: str) -> bool:
    return country in EEA_COUNTRIES
