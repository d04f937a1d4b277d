"""Tables as text that keeps its structure: one line per row, each value with its column's name.

A chunk may hold rows far from their header; "Expense: Hotel | Limit: 180 euros per night"
still says what 180 is, to the keyword index, the embedder, the model and the reader.
"""

from __future__ import annotations

import re

_SENTENCE_OR_NUMBER = re.compile(r"[.:;。：；]$|\d")


def looks_like_header(cells: list[str]) -> bool:
    """A row of short, distinct labels: no sentence ends, no figures."""
    return (len(cells) >= 2 and all(cells) and len(set(cells)) == len(cells)
            and all(len(c) <= 40 and not _SENTENCE_OR_NUMBER.search(c) for c in cells))


def row_lines(rows: list[list[str]], header_marked: bool = False) -> list[str | None]:
    """One line per row, in order. Under a header (``header_marked``: the file says the first
    row is one; otherwise a first row that looks like one) each value is "name: value" and the
    header row itself becomes None, unless no row could take its names. Other rows join their
    distinct cells with " | "."""
    first = rows[0] if rows else []
    header = first if len(rows) > 1 and (
        len(distinct(first)) >= 2 if header_marked else looks_like_header(first)) else None
    lines: list[str | None] = []
    labelled = 0
    for i, cells in enumerate(rows):
        if header and i > 0 and len(cells) == len(header) and cells != header:
            lines.append(" | ".join(f"{name}: {value}" if name else value
                                    for name, value in zip(header, cells) if value) or None)
            labelled += 1
        else:
            lines.append(" | ".join(distinct(cells)) or None)
    if header and labelled:
        lines[0] = None
    return lines


def distinct(cells: list[str]) -> list[str]:
    """Non-empty cells, a value repeated by a merge in the next cell given once."""
    out: list[str] = []
    for text in cells:
        if text and (not out or out[-1] != text):
            out.append(text)
    return out
