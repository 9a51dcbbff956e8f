"""Adapters: storage, mail, jobs and crypto behind the service ports."""
