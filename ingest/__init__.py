"""Ingestion: parse files, chunk them, embed and index the chunks."""
