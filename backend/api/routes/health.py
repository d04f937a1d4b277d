from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from backend.api.deps import AdminDep, ContainerDep
from backend.api.schemas import json_example

router = APIRouter(tags=["health"])


@router.get("/health", responses=json_example(
    {"status": "ok", "model": "SmolLM2-135M-Instruct.Q4_0.gguf", "answer_mode": "model",
     "embedding_model": "all-MiniLM-L6-v2.int8+multilingual-e5-small.int8@0.5"}))
def health(c: ContainerDep) -> dict:
    """Liveness and the models in use; open to anyone, so it says nothing about documents.
    ``answer_mode``: "model" (a language model writes answers, checked against the sources) or
    "quote" (every answer quotes a source sentence; no model runs)."""
    return {
        "status": "ok",
        "model": c.chat_model.name,  # loaded at startup (a remote one: the name it serves)
        "answer_mode": c.settings.answer_mode,
        "embedding_model": c.knowledge_base.embedder.name,
    }


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {"example": (
                "# TYPE citeqa_requests_total counter\n"
                'citeqa_requests_total{method="POST",route="/query",status="200"} 42.0\n')}},
                             "description": "Prometheus text format"}})
def metrics(_: AdminDep, c: ContainerDep) -> Response:
    """Prometheus metrics: requests and latency per route, retrieve/rerank/generate times,
    answer queue depth, documents, chunks and queued upload jobs. Admins only (scrape with an
    admin API key as the bearer token): the counts say how much the collection holds."""
    return Response(c.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
