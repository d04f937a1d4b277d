"""create_app(): the FastAPI application around a Container."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from backend.api.routes import auth, documents, health, jobs, openai_compat, query, search, users
from backend.auth import KEY_PREFIX
from backend.container import Container
from backend.jobs import JobRunner
from backend.rag.answer import Busy
from backend.settings import Settings

log = logging.getLogger("citeqa")


def rate_key(request: Request) -> str:
    """Limits count per API key or per signed-in user; anonymous requests per client address."""
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if bearer.startswith(KEY_PREFIX):
        return "key:" + bearer[len(KEY_PREFIX):].partition("_")[0]
    if bearer:
        user_id = request.app.state.container.accounts.token_subject(bearer)
        if user_id is not None:
            return f"user:{user_id}"
    return "ip:" + (request.client.host if request.client else "unknown")


def create_app(settings: Settings, container: Container | None = None) -> FastAPI:
    container = container or Container(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # warm up at startup so the first question does not pay for model loading
        kb = container.knowledge_base
        container.chat_model
        runner = JobRunner(container.store, lambda: container.ingestor)
        app.state.jobs = runner
        resumed = runner.resume_unfinished()
        log.info("citeqa ready: %d chunks indexed, %d upload jobs resumed", len(kb.vectors), resumed)
        if container.store.count_users() == 0:
            log.warning("no users yet: create one with `citeqa users add NAME --role admin`")
        yield
        runner.shutdown()

    app = FastAPI(title="citeqa", version="0.1.0", lifespan=lifespan,
                  description="Answers from your documents, with numbered citations.")
    app.state.container = container
    limiter, limit = MovingWindowRateLimiter(MemoryStorage()), parse(settings.rate_limit)

    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        if request.url.path == "/health":
            return await call_next(request)
        key = rate_key(request)
        if not limiter.hit(limit, key):
            reset = limiter.get_window_stats(limit, key).reset_time
            return JSONResponse(
                {"detail": f"rate limit exceeded ({settings.rate_limit} per user or API key)"},
                429, headers={"Retry-After": str(max(1, int(reset - time.time()) + 1))})
        return await call_next(request)

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        return JSONResponse({"detail": f"{exc}; try again shortly"}, 503,
                            headers={"Retry-After": "5"})

    @app.middleware("http")
    async def limit_upload_size(request: Request, call_next):
        # refuse before reading the body; the route also checks each file as it reads
        length = request.headers.get("content-length")
        if request.method == "POST" and length and length.isdigit():
            if int(length) > settings.max_upload_bytes + 64 * 1024:
                return JSONResponse(
                    {"detail": f"request body exceeds {settings.max_upload_bytes // 2**20} MiB"}, 413
                )
        return await call_next(request)

    for module in (health, auth, users, query, search, documents, jobs, openai_compat):
        app.include_router(module.router)
    app.include_router(users.keys_router)
    return app
