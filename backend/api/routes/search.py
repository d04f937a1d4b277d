from fastapi import APIRouter, HTTPException

from backend.api.deps import ContainerDep, ScopeDep
from backend.api.schemas import SearchRequest, SearchResponse, passage

router = APIRouter(tags=["query"])


@router.post("/search")
def search(body: SearchRequest, c: ContainerDep, scope: ScopeDep) -> SearchResponse:
    """Retrieval only, no LLM: hybrid by default (fast); ``rerank`` gives /query's exact order.
    Only documents you may see are searched."""
    limit = c.settings.max_question_chars  # the same as /query: retrieval cost grows with it
    if len(body.query) > limit:
        raise HTTPException(422, f"query is {len(body.query)} characters; the limit is {limit}")
    mode = "hybrid+rerank" if body.rerank else "hybrid"
    retrieval = c.retriever.retrieve(body.query, body.top_k, mode=mode, scope=scope)
    c.metrics.observe_stages(retrieval.timings_ms)
    return SearchResponse(results=[passage(s) for s in retrieval.chunks])
