"""Tables as text that keeps its structure: one line per row, each value with its column's name.

A chunk may hold rows far from their header; "Expense: Hotel | Limit: 180 euros per night"
still says what 180 is, to the keyword index, the embedder, the model and the reader. Word
tables and Markdown pipe tables are written so alike.
"""

from __future__ import annotations

import re

from backend.domain import CELL_SEPARATOR

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
            lines.append(CELL_SEPARATOR.join(f"{name}: {value}" if name else value
                                             for name, value in zip(header, cells) if value)
                         or None)
            labelled += 1
        else:
            lines.append(CELL_SEPARATOR.join(distinct(cells)) or None)
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


# a Markdown table's delimiter row: "|---|:---:|", "--- | ---"
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
_PIPE = re.compile(r"(?<!\\)\|")


def pipe_cells(line: str) -> list[str]:
    """The cells of a Markdown table row ("| a | b |" or "a | b"); an escaped pipe stays text."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [" ".join(cell.replace("\\|", "|").split()) for cell in _PIPE.split(line)]


def markdown_table_at(lines: list[str], i: int) -> int:
    """How many lines from ``lines[i]`` on form a Markdown pipe table (a header row, its
    delimiter row, then rows holding a pipe), or 0 when none starts there."""
    if (i + 1 >= len(lines) or "|" not in lines[i] or not _DELIMITER_ROW.match(lines[i + 1])
            or len(pipe_cells(lines[i])) != len(pipe_cells(lines[i + 1]))):
        return 0
    end = i + 2
    while end < len(lines) and lines[end].strip() and "|" in lines[end]:
        end += 1
    return end - i


def markdown_table_lines(lines: list[str]) -> list[str]:
    """A Markdown table (``markdown_table_at``'s lines) as ``row_lines`` writes a Word table
    with a header row: "名称: SimBERT Base | 模型大小: 344MB", one row per line."""
    rows = [pipe_cells(lines[0])] + [pipe_cells(line) for line in lines[2:]]
    return [line for line in row_lines(rows, header_marked=True) if line]
