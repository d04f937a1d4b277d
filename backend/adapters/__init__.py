"""Concrete backends, one per module. Only backend.container imports these."""
