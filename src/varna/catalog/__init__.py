"""Privacy as code: the catalogue of data categories, subject types, purposes with their legal
bases, recipients and sub-processors, retention rules, and the declaration of every table column
(promises C2, P4, R1, A1, C5, C6, P1, P7).

``load_catalog()`` reads the built-in ``default.yaml`` (or a file named by
``Settings.catalog_path``), checks it, and returns a frozen :class:`Catalog`; a bad entry raises
:class:`CatalogEntryError` (a ``CatalogError``) naming its path. See docs/catalogue.md.
"""

from __future__ import annotations

from varna.catalog.loader import load_catalog, parse_catalog
from varna.catalog.model import (
    Catalog,
    Category,
    ColumnEntry,
    Controller,
    Erasure,
    ErasureMethod,
    IdentifierKind,
    Label,
    LegalBasis,
    LinkKind,
    Period,
    Purpose,
    Recipient,
    RecipientKind,
    RetentionAction,
    RetentionRule,
    Role,
    Source,
    StartEvent,
    SubjectLink,
    SubjectType,
    SupervisoryAuthority,
    TableEntry,
    TransferSafeguard,
    UnknownCatalogEntry,
)
from varna.catalog.reader import CatalogEntryError
from varna.domain.errors import CatalogError

__all__ = [
    "Catalog",
    "CatalogEntryError",
    "CatalogError",
    "Category",
    "ColumnEntry",
    "Controller",
    "Erasure",
    "ErasureMethod",
    "IdentifierKind",
    "Label",
    "LegalBasis",
    "LinkKind",
    "Period",
    "Purpose",
    "Recipient",
    "RecipientKind",
    "RetentionAction",
    "RetentionRule",
    "Role",
    "Source",
    "StartEvent",
    "SubjectLink",
    "SubjectType",
    "SupervisoryAuthority",
    "TableEntry",
    "TransferSafeguard",
    "UnknownCatalogEntry",
    "load_catalog",
    "parse_catalog",
]
