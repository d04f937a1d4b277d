"""OpenAI-compatible chat completions, so existing clients and SDKs can ask citeqa.

The last user message is the question; the user and assistant turns before it are the
conversation, so a follow-up is searched as a standalone question (``search_query`` in the
reply). System messages are ignored: answers come from the documents. Streaming sends the checked answer as one delta: tokens the
citation check would drop are never sent.
"""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import ContainerDep, PrincipalDep, ScopeDep
from backend.api.schemas import CITATION_EXAMPLE, json_example, citation_out
from backend.api.streaming import run_until_disconnect
from backend.rag.answer import Cancelled
from backend.rag.followup import Turn
from backend.rag.prompt import source_label

router = APIRouter(tags=["openai"], prefix="/v1")


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class OtherPart(BaseModel):
    """Parts citeqa does not read (images, audio, files): accepted, ignored."""

    model_config = ConfigDict(extra="allow")
    type: Literal["image_url", "input_audio", "file", "refusal"]


ContentPart = Annotated[TextPart | OtherPart, Field(discriminator="type")]


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[ContentPart] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"model": "citeqa", "messages": [
        {"role": "user", "content": "What is our travel reimbursement limit?"},
        {"role": "assistant", "content": "2,500 euros per trip [1]."},
        {"role": "user", "content": "And for hotels?"}]}]})

    model: str = "citeqa"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    max_tokens: int | None = None  # accepted for compatibility; the server's limit applies
    temperature: float | None = None


@router.get("/models", responses=json_example(
    {"object": "list", "data": [{"id": "citeqa", "object": "model", "owned_by": "citeqa"}]}))
def models(_: PrincipalDep) -> dict:
    return {"object": "list", "data": [{"id": "citeqa", "object": "model", "owned_by": "citeqa"}]}


@router.post("/chat/completions", responses={200: {"content": {
    "application/json": {"example": {
        "id": "chatcmpl-…", "object": "chat.completion", "created": 1764582000, "model": "citeqa",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "The hotel limit is 180 euros per night [1]."}}],
        "citations": [CITATION_EXAMPLE],
        "search_query": "What is our travel reimbursement limit for hotels?", "answer_id": 813}},
    "text/event-stream": {"example": 'data: {"choices": [{"delta": {"content": "The hotel limit'
                                     '…"}}]}\n\ndata: [DONE]\n\n'}}}})
async def chat_completions(body: ChatRequest, request: Request, c: ContainerDep, scope: ScopeDep,
                           principal: PrincipalDep):
    question, history = _question(body.messages)
    limit = c.settings.max_question_chars
    if len(question) > limit:
        raise HTTPException(422, f"question is {len(question)} characters; the limit is {limit}")
    cancel = threading.Event()
    try:  # Busy -> 503 (app handler)
        answer = await run_until_disconnect(request, cancel, lambda: c.answers.answer(
            question, c.settings.top_k, scope, principal.user_id, cancel, history))
    except Cancelled:
        return JSONResponse({"detail": "cancelled: the client went away"}, 499)
    content = answer.answer
    if answer.citations:
        content += "\n\nSources:\n" + "\n".join(f"[{x.n}] {source_label(x.chunk)}"
                                               for x in answer.citations)
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    citations = [citation_out(x).model_dump() for x in answer.citations]
    if body.stream:
        return StreamingResponse(_chunks(cid, created, content, citations, answer.search_query,
                                         answer.id), media_type="text/event-stream")
    return {"id": cid, "object": "chat.completion", "created": created, "model": "citeqa",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": citations, "search_query": answer.search_query, "answer_id": answer.id}


def _question(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The last user message with text, and the user/assistant turns before it."""
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "user" and _text(messages[i]).strip():
            history = [Turn(m.role, _text(m)) for m in messages[:i]
                       if m.role in ("user", "assistant") and _text(m).strip()]
            return _text(messages[i]).strip(), history
    raise HTTPException(422, "no user message with text")


def _text(m: ChatMessage) -> str:
    if isinstance(m.content, str):
        return m.content
    return " ".join(part.text for part in (m.content or []) if isinstance(part, TextPart))


def _chunks(cid: str, created: int, content: str, citations: list,
            search_query: str, answer_id: int | None) -> Iterator[str]:
    def frame(delta: dict, finish: str | None = None, **extra) -> str:
        chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": "citeqa",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield frame({"role": "assistant", "content": content})
    yield frame({}, "stop", citations=citations, search_query=search_query, answer_id=answer_id)
    yield "data: [DONE]\n\n"
