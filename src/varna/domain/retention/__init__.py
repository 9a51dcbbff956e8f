"""Retention rules as plain Python (R1-R6, P6): clocks with an explicit as-of date, the
targets a sweep works through, legal-hold review, legitimate-interest decisions (R3), the
evidence vault's end date and access rule (R6), and k-anonymity for usage totals."""
