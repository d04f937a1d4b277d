"""The one error a parser raises."""


class ParseError(Exception):
    """A file that cannot be ingested; the message says why."""
