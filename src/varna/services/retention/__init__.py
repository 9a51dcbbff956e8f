"""Retention use cases (R1-R6, P6): the sweep's plan (a dry run) and its run in bounded,
resumable batches; legal-hold review; legitimate-interest decisions; the evidence vault."""
