"""The first thing every request meets: who is asking (verified), their rate limit, and a byte
limit on the body enforced while it is read.

Limits must key on verified identities: a bucket taken from an unchecked header lets anyone
pick a fresh bucket per request, or fill someone else's. And the body limit must hold for
chunked bodies too (no Content-Length), and be decided before the body is read: the large
upload limit only for a caller already known to be an admin.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from limits import parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.access import Principal
from backend.auth import Accounts, AuthError

log = logging.getLogger(__name__)

UPLOAD_PATH = "/documents"
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the files


class RequestGuard:
    """Pure ASGI middleware. Leaves ``scope["state"]["auth"] = (principal | None, error | None)``
    for the route dependencies, so a credential is checked once per request."""

    def __init__(self, app: ASGIApp, accounts: Callable[[], Accounts], rate_limit: str, max_body_bytes: int,
                 max_upload_bytes: int, storage: Storage | None = None) -> None:
        self.app = app
        self.accounts = accounts  # deferred: the store is opened at startup, not at import
        self.rate_text = rate_limit
        self.limit = parse(rate_limit)
        self.limiter = MovingWindowRateLimiter(storage or MemoryStorage())
        self.remote = storage is not None and not isinstance(storage, MemoryStorage)
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        principal, error = await self._identify(Headers(scope=scope))
        scope.setdefault("state", {})["auth"] = (principal, error)

        if scope["path"] != "/health":
            client = scope.get("client")
            key = f"user:{principal.user_id}" if principal else f"ip:{client[0] if client else '?'}"
            try:  # a shared store (Redis) is a network call: kept off the event loop
                allowed = (await run_in_threadpool(self.limiter.hit, self.limit, key)
                           if self.remote else self.limiter.hit(self.limit, key))
            except Exception:  # noqa: BLE001 - any storage failure: refuse, never skip the limit
                log.exception("rate-limit storage unavailable")
                return await JSONResponse(
                    {"detail": "the rate-limit store is unavailable; try again shortly"}, 503,
                    headers={"Retry-After": "5"})(scope, receive, send)
            if not allowed:
                reset = self.limiter.get_window_stats(self.limit, key).reset_time
                return await JSONResponse(
                    {"detail": f"rate limit exceeded ({self.rate_text} per user, or per address "
                               "when not signed in)"}, 429,
                    headers={"Retry-After": str(max(1, int(reset - time.time()) + 1))},
                )(scope, receive, send)

        limit = self.max_body_bytes
        if scope["method"] == "POST" and scope["path"] == UPLOAD_PATH:
            # decided before a byte of the body is read: only admins may send a large body
            # the body stays unread: the connection cannot carry another request
            if principal is None:
                return await JSONResponse({"detail": error or "sign in: send 'Authorization: "
                                                              "Bearer <token or API key>'"}, 401,
                                          headers={"WWW-Authenticate": "Bearer", "Connection": "close"}
                                          )(scope, receive, send)
            if not principal.is_admin:
                return await JSONResponse({"detail": "this needs the admin role"}, 403,
                                          headers={"Connection": "close"})(scope, receive, send)
            limit = self.max_upload_bytes + MULTIPART_OVERHEAD
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await _too_large(limit)(scope, receive, send)
        await self._with_body_limit(scope, receive, send, limit)

    async def _identify(self, headers: Headers) -> tuple[Principal | None, str | None]:
        header = headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return None, None
        try:
            return await run_in_threadpool(self.accounts().authenticate, credential.strip()), None
        except AuthError as exc:
            return None, str(exc)

    async def _with_body_limit(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Count body bytes as the app reads them; past ``limit``, answer 413 at once and tell
        the app the client went away (it stops reading, and its own reply is dropped)."""
        state = {"received": 0, "refused": False, "started": False}

        async def counted_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = True
                        await _too_large(limit)(scope, _no_receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _too_large(limit: int) -> JSONResponse:
    size = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"
    return JSONResponse({"detail": f"request body exceeds {size}"}, 413,
                        headers={"Connection": "close"})


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
