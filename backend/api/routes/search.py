from fastapi import APIRouter

from backend.api.deps import ContainerDep
from backend.api.schemas import SearchRequest, SearchResponse, passage

router = APIRouter(tags=["query"])


@router.post("/search")
def search(body: SearchRequest, c: ContainerDep) -> SearchResponse:
    """Retrieval only: the passages /query would give the model, best first, no LLM."""
    retrieval = c.retriever.retrieve(body.query, body.top_k)
    return SearchResponse(results=[passage(s) for s in retrieval.chunks])
