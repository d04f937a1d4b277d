"""Answers that stop when the asker goes away.

Starlette notices a closed connection only when the next chunk fails to send (seconds away
while the model reads a long prompt), and a sync endpoint never notices. These helpers watch
the connection themselves and set a cancel flag the moment it closes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

T = TypeVar("T")


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def run_until_disconnect(request: Request, cancel: threading.Event, work: Callable[[], T]) -> T:
    """``work()`` in a worker thread; ``cancel`` is set if the client disconnects meanwhile.
    (The body has been read by now, so the next message can only be the disconnect.)"""
    try:
        async with anyio.create_task_group() as tg:
            async def watch() -> None:
                await _wait_for_disconnect(request.receive)
                cancel.set()

            tg.start_soon(watch)
            try:
                return await run_in_threadpool(work)
            finally:
                tg.cancel_scope.cancel()
    except BaseExceptionGroup as group:  # the task group wraps what work() raised (Busy: 503)
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise


class CancellingStreamingResponse(StreamingResponse):
    """Calls ``on_close`` as soon as the client disconnects, and in any case when the response
    ends, so the work behind the stream never outlives it."""

    def __init__(self, content, on_close: Callable[[], None], **kwargs) -> None:
        super().__init__(content, **kwargs)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as tg:
                async def watch() -> None:
                    await _wait_for_disconnect(receive)
                    self._on_close()
                    tg.cancel_scope.cancel()

                tg.start_soon(watch)
                try:
                    await self.stream_response(send)
                except OSError:  # the client went away while we were sending
                    pass
                tg.cancel_scope.cancel()
        finally:
            self._on_close()
