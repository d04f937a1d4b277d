import itertools
import json
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException
from fastapi.sse import EventSourceResponse, format_sse_event

from backend.api.deps import ContainerDep, ScopeDep
from backend.api.schemas import QueryRequest, QueryResponse, query_response
from backend.rag.answer import Final

router = APIRouter(tags=["query"])


def _check(body: QueryRequest, c) -> None:
    limit = c.settings.max_question_chars
    if len(body.question) > limit:
        raise HTTPException(422, f"question is {len(body.question)} characters; the limit is {limit}")


@router.post("/query", response_model=QueryResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
def query(body: QueryRequest, c: ContainerDep, scope: ScopeDep):
    """Answer a question from the documents you may see, with numbered citations.
    ``stream`` sends SSE. 503 with Retry-After when too many questions wait for the model."""
    _check(body, c)
    if body.stream:
        return _sse(c.answers.stream(body.question, body.top_k, scope))
    return query_response(c.answers.answer(body.question, body.top_k, scope))


@router.post("/query/stream")
def query_stream(body: QueryRequest, c: ContainerDep, scope: ScopeDep) -> EventSourceResponse:
    """Server-Sent Events: ``token`` events as the model writes, then ``citations``, then ``done``."""
    _check(body, c)
    return _sse(c.answers.stream(body.question, body.top_k, scope))


def _started(events: Iterator) -> Iterator:
    """Run a stream up to its first event now, so a full queue (Busy) becomes a 503, not a
    broken stream."""
    first = next(events)
    return itertools.chain([first], events)


def _sse(events) -> EventSourceResponse:
    events = _started(events)

    def frames() -> Iterator[bytes]:
        for event in events:
            if isinstance(event, Final):
                final = query_response(event.answer).model_dump()
                yield _frame("citations", final)
                yield _frame("done", {})
            else:
                yield _frame("token", {"text": event.text})

    return EventSourceResponse(frames(), headers={"Cache-Control": "no-cache",
                                                  "X-Accel-Buffering": "no"})


def _frame(event: str, data: dict) -> bytes:
    return format_sse_event(event=event, data_str=json.dumps(data, ensure_ascii=False))
