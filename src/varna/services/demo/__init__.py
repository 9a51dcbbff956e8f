"""The deterministic synthetic data set of the business (``varna demo``).

Everything here is fictional: Faker ``sv_SE`` names, e-mail addresses on example.com,
example.net and ``.test`` domains, and identifiers from test ranges (see
:mod:`varna.services.demo.identifiers`). Same seed, size and anchor date give the same data.
"""
