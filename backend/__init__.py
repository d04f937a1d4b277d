"""citeqa backend: retrieval, answering and the HTTP API."""
