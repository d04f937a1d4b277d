"""Retrieval evaluation: BEIR benchmarks and question/answer files (``citeqa eval``)."""
