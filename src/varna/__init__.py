"""varna: the personal-data side of an IoT connectivity business, kept in code."""

__version__ = "0.1.0"
