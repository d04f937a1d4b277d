from fastapi import APIRouter

from backend.api.deps import ContainerDep
from backend.api.schemas import SearchRequest, SearchResponse, passage

router = APIRouter(tags=["query"])


@router.post("/search")
def search(body: SearchRequest, c: ContainerDep) -> SearchResponse:
    """Retrieval only, no LLM: hybrid by default (fast); ``rerank`` gives /query's exact order."""
    mode = "hybrid+rerank" if body.rerank else "hybrid"
    retrieval = c.retriever.retrieve(body.query, body.top_k, mode=mode)
    return SearchResponse(results=[passage(s) for s in retrieval.chunks])
