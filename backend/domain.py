"""Plain data passed between the layers."""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = "public"
# how ingest joins a table row's cells on one line (ingest/tables.py), which answering reads back
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Section:
    """A stretch of a document's text: a PDF page, or a Word section under one heading."""

    text: str
    page: int | None = None
    heading: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    sections: list[Section]
    pages: int | None = None
    warnings: tuple[str, ...] = ()  # what was left out or read another way, for the report


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it has a database id. Offsets index into its section's text."""

    text: str
    page: int | None
    section: str | None
    ordinal: int
    char_start: int
    char_end: int
    token_count: int


@dataclass(frozen=True)
class ChunkRecord:
    id: int
    document_id: int
    filename: str
    text: str
    page: int | None
    section: str | None
    ordinal: int


@dataclass
class ScoredChunk:
    chunk: ChunkRecord
    score: float
    dense_score: float | None = None
    bm25_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: ChunkRecord
    score: float
    span: tuple[int, int] | None = None  # the supporting sentence's offsets in chunk.text


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    timings_ms: dict[str, float] = field(default_factory=dict)
    model: str = ""
    grounded: bool = True
    # "generated", "extractive" (a quoted source sentence), "definition" (the documents' own
    # definition of the term asked about, quoted) or "none" (not covered)
    mode: str = "generated"
    search_query: str = ""  # what was searched: the question, made standalone if a follow-up
    id: int | None = None  # in the answer log, when it was given to a user (who may rate it)
    # a refusal's closest passages: what the search found, shown as related, never cited
    related: list[Citation] = field(default_factory=list)
