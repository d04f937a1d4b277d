"""Feedback on answers: the asker rates an answer; admins read it, export it as test cases,
and watch the dashboard built from the answer log."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import PlainTextResponse

from backend.api.deps import AdminDep, ContainerDep, PrincipalDep
from backend.api.schemas import FeedbackIn, FeedbackOut, json_example

router = APIRouter(tags=["feedback"])
RATINGS = {"up": 1, "down": -1}
RATING_NAMES = {value: name for name, value in RATINGS.items()}


@router.post("/answers/{answer_id}/feedback", status_code=204)
def give_feedback(answer_id: int, body: FeedbackIn, principal: PrincipalDep, c: ContainerDep) -> None:
    """Thumbs up or down, with an optional comment, on an answer you were given (`answer_id`
    from /query). Rating again replaces it. Someone else's answer is a 404."""
    comment = (body.comment or "").strip() or None
    if not c.store.rate_answer(answer_id, principal.user_id, RATINGS[body.rating], comment):
        raise HTTPException(404, f"no answer {answer_id} of yours")


@router.get("/feedback")
def list_feedback(_: AdminDep, c: ContainerDep,
                  rating: Literal["up", "down"] | None = None,
                  limit: int = Query(200, ge=1, le=5000)) -> list[FeedbackOut]:
    """Rated answers, newest first, with the question, the answer, its citations, the model and
    timings (admins)."""
    rows = c.store.rated_answers(RATINGS[rating] if rating else None, limit)
    return [FeedbackOut(answer_id=r.id, user=name, created_at=r.created_at, rated_at=r.rated_at,
                        rating=RATING_NAMES[r.rating], comment=r.comment,
                        question=r.question, search_query=r.search_query, answer=r.answer,
                        mode=r.mode, citations=r.citations, model=r.model, timings_ms=r.timings)
            for r, name in rows]


EXPORT_EXAMPLE = json.dumps({
    "question": "What is our travel reimbursement limit for hotels?", "answers": [],
    "documents": ["travel_reimbursement_policy.docx"], "needs_review": True, "group": "feedback",
    "feedback": {"answer_id": 812, "rating": "down", "comment": "Quoted the taxi rule."}}) + "\n"


@router.get("/feedback/export", response_class=PlainTextResponse,
            responses={200: {"content": {"application/x-ndjson": {"example": EXPORT_EXAMPLE},
                                         "text/plain": {"example": EXPORT_EXAMPLE}}}})
def export_feedback(_: AdminDep, c: ContainerDep,
                    rating: Literal["up", "down"] = "down") -> PlainTextResponse:
    """The rated answers (default: thumbs down) as a `citeqa eval --qa` file, one JSON object
    per line: the question as searched, the documents the answer cited, and the feedback.
    `answers` (the facts a right answer holds) is for a reviewer to fill in; until then the row
    has `needs_review` and the eval skips it. A wrong answer becomes a test case."""
    lines = []
    for r, name in c.store.rated_answers(RATINGS[rating], 5000):
        lines.append(json.dumps({
            "question": r.search_query or r.question,
            "answers": [],
            "documents": sorted({x["filename"] for x in r.citations}),
            "needs_review": True,
            "group": "feedback",
            "feedback": {"answer_id": r.id, "rating": rating, "comment": r.comment,
                         "asked": r.question, "given_answer": r.answer, "model": r.model,
                         "user": name, "rated_at": r.rated_at.isoformat() if r.rated_at else None},
        }, ensure_ascii=False))
    return PlainTextResponse("\n".join(lines) + ("\n" if lines else ""),
                             media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="feedback.jsonl"'})


@router.get("/dashboard", responses=json_example({
    "days": 30, "questions": 412, "refused_share": 0.12, "negative_share": 0.04,
    "latency_ms": {"p50": 1650, "p95": 4200},
    "per_day": [{"day": "2026-12-01", "questions": 37, "refused": 4, "negative": 1}],
    "documents_per_day": [{"day": "2026-12-01", "documents": 3, "chunks": 61}],
    "not_covered": [{"question": "what is the parking fee", "count": 9}]}))
def dashboard(_: AdminDep, c: ContainerDep, days: int = Query(30, ge=1, le=366)) -> dict:
    """Questions per day with refusals and thumbs down, the refused and thumbs-down shares,
    latency p50/p95, documents and chunks by the day they were added, and the questions the
    documents most often did not cover (admins)."""
    from backend.rag.dashboard import dashboard as figures

    since = datetime.now(timezone.utc) - timedelta(days=days)
    return figures(c.store.answers_since(since), c.store.document_growth(), since.date())
