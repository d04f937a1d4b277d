"""Retrieval-augmented answering: pure cores plus the services that compose them."""
