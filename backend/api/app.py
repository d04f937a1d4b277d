"""create_app(): the FastAPI application around a Container."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backend.api.routes import (auth, conversations, documents, feedback, health, jobs,
                                openai_compat, pages, query, search, users)
from backend.api.guard import RequestGuard
from backend.api.logs import install_redaction
from backend.api.observability import Observability, install_logging
from backend.container import Container
from backend.jobs import JobRunner
from backend.ports import ModelUnavailable
from backend.rag import chinese_script
from backend.rag.answer import Busy
from backend.settings import Settings

log = logging.getLogger("citeqa")


def read_dictionaries(container: Container) -> None:
    """What answering reads from CC-CEDICT: the lexicon that translates questions (when on)
    and the word lists that tell a question's Chinese script."""
    started = time.perf_counter()
    if container.lexicon is not None:
        container.lexicon.load()
    chinese_script.load()
    log.info("dictionaries read in %.1f s", time.perf_counter() - started)


def create_app(settings: Settings, container: Container | None = None) -> FastAPI:
    container = container or Container(settings)
    install_redaction()
    install_logging(settings.log_format == "json")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # warm up at startup so the first question does not pay for model loading
        kb = container.knowledge_base
        container.chat_model
        # dictionaries (~2 s): read in the background, not worth delaying readiness for
        threading.Thread(target=read_dictionaries, args=(container,), name="dictionaries",
                         daemon=True).start()
        runner = JobRunner(container.store, lambda: container.ingestor, container.files,
                           settings.max_job_chunks, in_process=settings.ingest_in_server)
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
    app.add_middleware(RequestGuard, accounts=lambda: container.accounts, rate_limit=settings.rate_limit,
                       max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes, storage=container.limits_storage)
    # outermost: refused requests (401, 413, 429) are counted and carry a request id too
    app.add_middleware(Observability, metrics=container.metrics)

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        return JSONResponse({"detail": f"{exc}; try again shortly"}, 503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(ModelUnavailable)
    async def model_unavailable(_: Request, exc: ModelUnavailable) -> JSONResponse:
        log.error("chat model unavailable: %s", exc)
        return JSONResponse({"detail": "the language model is unavailable; try again shortly"}, 503,
                            headers={"Retry-After": "10"})

    for module in (health, auth, users, query, search, feedback, conversations, documents, pages,
                   jobs, openai_compat):
        app.include_router(module.router)
    app.include_router(users.keys_router)
    return app
