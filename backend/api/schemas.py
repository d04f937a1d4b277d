"""Request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.domain import Answer, Citation, ScoredChunk


NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def example(value: dict) -> ConfigDict:
    """An example body for the OpenAPI docs (shown and tried in /docs)."""
    return ConfigDict(json_schema_extra={"examples": [value]})


def json_example(value, status: int = 200, media: str = "application/json") -> dict:
    """``responses=`` for an endpoint whose reply is not a documented model: its example."""
    return {status: {"content": {media: {"example": value}}}}


CITATION_EXAMPLE = {
    "n": 1, "document_id": 6, "filename": "travel_reimbursement_policy.docx", "page": None,
    "section": "Travel and Expense Reimbursement Policy > Reimbursement limits", "chunk_id": 23,
    "text": "The hotel limit is 180 euros per night. Receipts are required.", "score": 0.0328,
    "span": [0, 39]}
PASSAGE_EXAMPLE = {k: v for k, v in CITATION_EXAMPLE.items() if k not in ("n", "span")}
DOCUMENT_EXAMPLE = {
    "id": 6, "filename": "travel_reimbursement_policy.docx", "doc_type": "docx", "size_bytes": 38211,
    "pages": None, "status": "ingested", "chunks": 12, "access": ["hr"], "uploaded_by": "admin",
    "content_hash": "9f2c…", "created_at": "2026-12-01T09:30:00Z", "updated_at": "2026-12-01T09:30:00Z"}
KEY_EXAMPLE = {"id": 4, "label": "wiki bot", "prefix": "cq_4", "created_at": "2026-12-01T09:30:00Z",
               "revoked": False}
USER_EXAMPLE = {"name": "alice", "role": "member", "groups": ["hr"], "has_password": True,
                "created_at": "2026-12-01T09:30:00Z"}


class TurnIn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class QueryRequest(BaseModel):
    model_config = example({"question": "And for hotels?", "history": [
        {"role": "user", "content": "What is our travel reimbursement limit?"},
        {"role": "assistant", "content": "The limit is 2,500 euros per trip [1]."}], "top_k": 5})

    question: NonBlank = Field(description="The question, in any language.")
    history: list[TurnIn] = Field(
        default_factory=list, max_length=40,
        description="Earlier turns of the conversation, oldest first: a follow-up such as "
                    "\"And for hotels?\" is searched as the standalone question they make.")
    top_k: int = Field(5, ge=1, le=20, description="Passages to give the model at most.")
    stream: bool = Field(False, description="Reply with Server-Sent Events instead of JSON.")
    conversation_id: int | None = Field(
        None, description="Save the answer in this conversation of yours (POST /conversations); "
                          "without ``history``, its last turns are the conversation.")


class SearchRequest(BaseModel):
    model_config = example({"query": "hotel limit per night", "top_k": 5})

    query: NonBlank
    top_k: int = Field(5, ge=1, le=100)
    rerank: bool = Field(False, description="Apply the rerank stage as /query does (slower).")


class Passage(BaseModel):
    model_config = example(PASSAGE_EXAMPLE)

    document_id: int
    filename: str
    page: int | None
    section: str | None
    chunk_id: int
    text: str
    score: float


class CitationOut(Passage):
    model_config = example(CITATION_EXAMPLE)

    n: int
    span: list[int] | None = Field(
        None, description="[start, end): character offsets in ``text`` of the sentence that "
                          "supports the answer (the quoted sentence in extractive answers).")


class QueryResponse(BaseModel):
    model_config = example({
        "answer": "The hotel limit is 180 euros per night [1].", "citations": [CITATION_EXAMPLE],
        "timings_ms": {"retrieve": 20.3, "rerank": 4.1, "generate": 1789.2, "total": 1875.2},
        "model": "SmolLM2-135M-Instruct.Q4_0.gguf", "grounded": True, "mode": "extractive",
        "search_query": "What is our travel reimbursement limit for hotels?", "answer_id": 812,
        "related": []})

    answer: str
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    model: str
    grounded: bool = Field(description="True when every kept sentence is backed by a citation.")
    mode: str = Field(description="generated, extractive (a quoted source sentence: the model's "
                                  "own answer could not be checked, or no model runs), definition "
                                  "(the documents' own definition of the term asked about, "
                                  "quoted) or none.")
    search_query: str = Field("", description="What was searched: the question, made standalone "
                                              "with the conversation when it is a follow-up.")
    answer_id: int | None = Field(None, description="This answer in the answer log: rate it with "
                                                    "POST /answers/{answer_id}/feedback.")
    related: list[CitationOut] = Field(
        [], description="When the documents do not answer (mode none, or nothing could be cited): "
                        "the closest passages the search found, with their best-matching sentence "
                        "as span. Not citations: they do not support an answer.")


class ConversationIn(BaseModel):
    model_config = example({"title": ""})

    title: str = Field("", max_length=200, description="Empty: named after its first question.")


class ConversationOut(BaseModel):
    model_config = example({"id": 42, "title": "What is our travel reimbursement limit?",
                            "created_at": "2026-12-01T09:30:00Z",
                            "updated_at": "2026-12-01T09:31:00Z", "turns": 2})

    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    turns: int = 0


SAVED_TURN_EXAMPLE = {
    "answer_id": 812, "question": "And for hotels?", "answer": "The hotel limit is 180 euros "
    "per night [1].", "search_query": "What is our travel reimbursement limit for hotels?",
    "mode": "extractive", "refused": False, "rating": "down", "created_at": "2026-12-01T09:31:00Z",
    "citations": [CITATION_EXAMPLE]}


class SavedTurn(BaseModel):
    model_config = example(SAVED_TURN_EXAMPLE)

    answer_id: int
    question: str
    answer: str
    search_query: str
    mode: str
    refused: bool
    rating: Literal["up", "down"] | None
    created_at: datetime
    citations: list[CitationOut] = Field(
        description="As given then, with the passage's current text; a citation of a document "
                    "since deleted, re-indexed or no longer visible to you is left out.")


class ConversationDetail(ConversationOut):
    model_config = example({"id": 42, "title": "What is our travel reimbursement limit?",
                            "created_at": "2026-12-01T09:30:00Z",
                            "updated_at": "2026-12-01T09:31:00Z", "turns": 1,
                            "history": [SAVED_TURN_EXAMPLE]})

    history: list[SavedTurn]


class PageView(BaseModel):
    model_config = example({
        "document_id": 3, "filename": "employee_handbook.pdf", "page": 3, "section": None,
        "text": "3. Vacation and leave\nEvery full-time employee receives 25 days of paid annual "
                "leave per calendar year. …", "span": [22, 105], "image": True})

    document_id: int
    filename: str
    page: int | None
    section: str | None
    text: str = Field(description="The whole page (PDF) or section (Word, text, Markdown).")
    span: list[int] = Field(description="[start, end): the cited span (or passage) in ``text``.")
    image: bool = Field(description="True: GET /chunks/{id}/page.png renders the PDF page.")


class FeedbackIn(BaseModel):
    model_config = example({"rating": "down", "comment": "It quoted the taxi rule, not the hotel limit."})

    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000, description="What was wrong (or right).")


class FeedbackOut(BaseModel):
    model_config = example({
        "answer_id": 812, "user": "alice", "created_at": "2026-12-01T09:31:00Z",
        "rated_at": "2026-12-01T09:32:00Z", "rating": "down",
        "comment": "It quoted the taxi rule, not the hotel limit.",
        "question": "And for hotels?", "search_query": "What is our travel reimbursement limit for hotels?",
        "answer": "Taxis need a receipt [1].", "citations": [CITATION_EXAMPLE], "mode": "extractive",
        "model": "SmolLM2-135M-Instruct.Q4_0.gguf", "timings_ms": {"total": 1875.2}})

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
    model_config = example({"results": [PASSAGE_EXAMPLE]})

    results: list[Passage]


class DocumentOut(BaseModel):
    model_config = example(DOCUMENT_EXAMPLE)

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
    model_config = example({"documents": [DOCUMENT_EXAMPLE]})

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
    model_config = example({
        "id": "5b0e…", "status": "done", "created_at": "2026-12-01T09:30:00Z",
        "finished_at": "2026-12-01T09:30:04Z", "files": [
            {"filename": "policy.pdf", "status": "ingested", "document_id": 7, "chunks": 31},
            {"filename": "scan.pdf", "status": "failed", "error": "no text layer (a scan?)"}]})

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
    model_config = example({"name": "alice", "role": "member", "groups": ["hr"], "via": "token"})

    name: str
    role: str
    groups: list[str]
    via: str = Field(description="token (browser session) or key (API key)")


class UserIn(BaseModel):
    model_config = example({"name": "alice", "role": "member", "groups": ["hr"], "password": "a long passphrase"})

    name: NonBlank
    role: Literal["admin", "member"] = "member"
    groups: list[str] = Field(default_factory=list)
    password: str | None = Field(None, description="At least 8 characters; omit for API-key-only users.")


class UserPatch(BaseModel):
    model_config = example({"groups": ["hr", "finance"]})

    role: Literal["admin", "member"] | None = None
    groups: list[str] | None = Field(None, description="Replaces the user's groups.")
    password: str | None = None


class UserOut(BaseModel):
    model_config = example(USER_EXAMPLE)

    name: str
    role: str
    groups: list[str]
    has_password: bool
    created_at: datetime


class KeyOut(BaseModel):
    model_config = example(KEY_EXAMPLE)

    id: int
    label: str
    prefix: str
    created_at: datetime
    revoked: bool


class KeyCreated(KeyOut):
    model_config = example({**KEY_EXAMPLE, "key": "cq_4_Jx9…", "user": "alice"})

    key: str = Field(description="The API key. It is shown only once.")
    user: str


def key_created(key: str, row, user: str) -> KeyCreated:
    return KeyCreated(id=row.id, label=row.label, prefix=row.prefix, created_at=row.created_at,
                      revoked=False, key=key, user=user)


class DocumentIds(BaseModel):
    model_config = example({"ids": [3, 6]})

    ids: list[int] = Field(min_length=1, max_length=500)


class AccessPatch(BaseModel):
    model_config = example({"groups": ["hr"]})

    groups: list[str] = Field(description="Groups that may see the document; empty = public.")
