"""create_app(): the FastAPI application around a Container."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backend.api.routes import documents, health, jobs, query, search
from backend.container import Container
from backend.jobs import JobRunner
from backend.settings import Settings

log = logging.getLogger("citeqa")


def create_app(settings: Settings, container: Container | None = None) -> FastAPI:
    container = container or Container(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # warm up at startup so the first question does not pay for model loading
        kb = container.knowledge_base
        container.chat_model
        runner = JobRunner(container.store, lambda: container.ingestor)
        app.state.container, app.state.jobs = container, runner
        resumed = runner.resume_unfinished()
        log.info("citeqa ready: %d chunks indexed, %d upload jobs resumed", len(kb.vectors), resumed)
        yield
        runner.shutdown()

    app = FastAPI(title="citeqa", version="0.1.0", lifespan=lifespan,
                  description="Answers from your documents, with numbered citations.")

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

    for module in (health, query, search, documents, jobs):
        app.include_router(module.router)
    return app
