"""Request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from backend.domain import Answer, Citation, ScoredChunk


NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class TurnIn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class QueryRequest(BaseModel):
    question: NonBlank = Field(description="The question, in any language.")
    history: list[TurnIn] = Field(
        default_factory=list, max_length=40,
        description="Earlier turns of the conversation, oldest first: a follow-up such as "
                    "\"And for hotels?\" is searched as the standalone question they make.")
    top_k: int = Field(5, ge=1, le=20, description="Passages to give the model at most.")
    stream: bool = Field(False, description="Reply with Server-Sent Events instead of JSON.")


class SearchRequest(BaseModel):
    query: NonBlank
    top_k: int = Field(5, ge=1, le=100)
    rerank: bool = Field(False, description="Apply the rerank stage as /query does (slower).")


class Passage(BaseModel):
    document_id: int
    filename: str
    page: int | None
    section: str | None
    chunk_id: int
    text: str
    score: float


class CitationOut(Passage):
    n: int
    span: list[int] | None = Field(
        None, description="[start, end): character offsets in ``text`` of the sentence that "
                          "supports the answer (the quoted sentence in extractive answers).")


class QueryResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    model: str
    grounded: bool = Field(description="True when every kept sentence is backed by a citation.")
    mode: str = Field(description="generated, extractive (a quoted source sentence) or none.")
    search_query: str = Field("", description="What was searched: the question, made standalone "
                                              "with the conversation when it is a follow-up.")
    answer_id: int | None = Field(None, description="This answer in the answer log: rate it with "
                                                    "POST /answers/{answer_id}/feedback.")
    related: list[CitationOut] = Field(
        [], description="When the documents do not answer (mode none, or nothing could be cited): "
                        "the closest passages the search found, with their best-matching sentence "
                        "as span. Not citations: they do not support an answer.")


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000, description="What was wrong (or right).")


class FeedbackOut(BaseModel):
    answer_id: int
    user: str | None
    created_at: datetime
    rated_at: datetime | None
    rating: Literal["up", "down"]
    comment: str | None
    question: str
    search_query: str
    answer: str
    mode: str
    citations: list[dict]
    model: str
    timings_ms: dict[str, float]


class SearchResponse(BaseModel):
    results: list[Passage]


class DocumentOut(BaseModel):
    id: int
    filename: str
    doc_type: str
    size_bytes: int
    pages: int | None
    status: str
    chunks: int
    access: list[str]
    uploaded_by: str | None = None
    content_hash: str
    created_at: datetime
    updated_at: datetime


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class JobFile(BaseModel):
    filename: str
    status: str
    document_id: int | None = None
    chunks: int | None = None
    error: str | None = None
    note: str | None = Field(None, description="What else happened, e.g. which document was "
                                               "replaced, or that one of the same name was kept apart.")


class JobOut(BaseModel):
    id: str
    status: str
    files: list[JobFile]
    created_at: datetime
    finished_at: datetime | None


def passage(s: ScoredChunk) -> Passage:
    c = s.chunk
    return Passage(document_id=c.document_id, filename=c.filename, page=c.page, section=c.section,
                   chunk_id=c.id, text=c.text, score=round(s.score, 6))


def citation_out(c: Citation) -> CitationOut:
    ch = c.chunk
    return CitationOut(n=c.n, document_id=ch.document_id, filename=ch.filename, page=ch.page,
                       section=ch.section, chunk_id=ch.id, text=ch.text, score=round(c.score, 6),
                       span=list(c.span) if c.span else None)


def query_response(a: Answer) -> QueryResponse:
    return QueryResponse(answer=a.answer, citations=[citation_out(c) for c in a.citations],
                         timings_ms={k: round(v, 1) for k, v in a.timings_ms.items()},
                         model=a.model, grounded=a.grounded, mode=a.mode,
                         search_query=a.search_query, answer_id=a.id,
                         related=[citation_out(c) for c in a.related])


class Me(BaseModel):
    name: str
    role: str
    groups: list[str]
    via: str = Field(description="token (browser session) or key (API key)")


class UserIn(BaseModel):
    name: NonBlank
    role: Literal["admin", "member"] = "member"
    groups: list[str] = Field(default_factory=list)
    password: str | None = Field(None, description="At least 8 characters; omit for API-key-only users.")


class UserPatch(BaseModel):
    role: Literal["admin", "member"] | None = None
    groups: list[str] | None = Field(None, description="Replaces the user's groups.")
    password: str | None = None


class UserOut(BaseModel):
    name: str
    role: str
    groups: list[str]
    has_password: bool
    created_at: datetime


class KeyOut(BaseModel):
    id: int
    label: str
    prefix: str
    created_at: datetime
    revoked: bool


class KeyCreated(KeyOut):
    key: str = Field(description="The API key. It is shown only once.")
    user: str


def key_created(key: str, row, user: str) -> KeyCreated:
    return KeyCreated(id=row.id, label=row.label, prefix=row.prefix, created_at=row.created_at,
                      revoked=False, key=key, user=user)


class AccessPatch(BaseModel):
    groups: list[str] = Field(description="Groups that may see the document; empty = public.")
