"""The retention store: set-based sweeps over the catalogued tables."""
