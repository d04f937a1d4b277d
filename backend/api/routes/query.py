import json
import logging
import threading
from collections.abc import Callable, Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.sse import format_sse_event

from backend.api.deps import ContainerDep, PrincipalDep, ScopeDep
from backend.api.schemas import QueryRequest, QueryResponse, query_response
from backend.api.streaming import CancellingStreamingResponse, run_until_disconnect
from backend.ports import ModelUnavailable
from backend.domain import Answer
from backend.rag.answer import AnswerStream, Cancelled, Final
from backend.rag.followup import Turn

log = logging.getLogger("citeqa")

router = APIRouter(tags=["query"])
MAX_SAVED_TURNS = 20  # a saved conversation's last turns are the follow-up's context


def _check(body: QueryRequest, c) -> None:
    limit = c.settings.max_question_chars
    if len(body.question) > limit:
        raise HTTPException(422, f"question is {len(body.question)} characters; the limit is {limit}")


def _history(body: QueryRequest, principal, c) -> list[Turn]:
    """The request's earlier turns, else those of its saved conversation (404 if not yours)."""
    if body.conversation_id is not None:
        found = c.store.conversation(body.conversation_id, principal.user_id, last=MAX_SAVED_TURNS)
        if found is None:
            raise HTTPException(404, f"no conversation {body.conversation_id} of yours")
        if not body.history:
            return [turn for t in found[1] for turn in (Turn("user", t.question),
                                                        Turn("assistant", t.answer))]
    return [Turn(t.role, t.content) for t in body.history]


def _saver(body: QueryRequest, principal, c) -> Callable[[Answer], None]:
    """Files an answer under the request's conversation, if it names one."""
    def save(answer: Answer) -> None:
        if body.conversation_id is not None and answer.id is not None:
            c.store.add_to_conversation(body.conversation_id, principal.user_id, answer.id)
    return save


STREAM_EXAMPLE = ('event: token\ndata: {"text": "The hotel limit"}\n\n'
                  'event: citations\ndata: {"answer": "The hotel limit is 180 euros per night [1].", '
                  '"citations": [...], "mode": "extractive", ...}\n\nevent: done\ndata: {}\n\n')


@router.post("/query", response_model=QueryResponse,
             responses={200: {"content": {"text/event-stream": {"example": STREAM_EXAMPLE}}}})
async def query(body: QueryRequest, request: Request, c: ContainerDep, scope: ScopeDep,
                principal: PrincipalDep):
    """Answer a question from the documents you may see, with numbered citations.
    ``stream`` sends SSE. 503 with Retry-After when too many questions wait for the model
    (or you have too many waiting yourself). Stops when the client disconnects."""
    _check(body, c)
    history = _history(body, principal, c)
    if body.stream:
        return _sse(c.answers.stream(body.question, body.top_k, scope, principal.user_id,
                                     history=history), _saver(body, principal, c))
    cancel = threading.Event()
    try:
        answer = await run_until_disconnect(request, cancel, lambda: c.answers.answer(
            body.question, body.top_k, scope, principal.user_id, cancel, history))
    except Cancelled:
        return JSONResponse({"detail": "cancelled: the client went away"}, 499)
    _saver(body, principal, c)(answer)
    return query_response(answer)


@router.post("/query/stream", response_class=CancellingStreamingResponse, status_code=200,
             responses={200: {"content": {"text/event-stream": {"example": STREAM_EXAMPLE}},
                              "description": "token events, one citations event (the /query "
                                             "response), then done"}})
def query_stream(body: QueryRequest, c: ContainerDep, scope: ScopeDep,
                 principal: PrincipalDep) -> CancellingStreamingResponse:
    """Server-Sent Events: ``token`` events as the model writes, then ``citations``, then ``done``.
    Closing the connection stops the answer at once."""
    _check(body, c)
    return _sse(c.answers.stream(body.question, body.top_k, scope, principal.user_id,
                                 history=_history(body, principal, c)), _saver(body, principal, c))


def _sse(stream: AnswerStream, save: Callable[[Answer], None]) -> CancellingStreamingResponse:
    def frames() -> Iterator[bytes]:
        try:
            for event in stream:
                if isinstance(event, Final):
                    save(event.answer)
                    final = query_response(event.answer).model_dump()
                    yield _frame("citations", final)
                    yield _frame("done", {})
                else:
                    yield _frame("token", {"text": event.text})
        except ModelUnavailable as exc:  # the status line has gone out: say it in the stream
            log.error("chat model unavailable: %s", exc)
            yield _frame("error", {"detail": "the language model is unavailable; try again shortly"})

    return CancellingStreamingResponse(
        frames(), on_close=stream.close, media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _frame(event: str, data: dict) -> bytes:
    return format_sse_event(event=event, data_str=json.dumps(data, ensure_ascii=False))
