from fastapi import APIRouter

from backend.api.deps import ContainerDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(c: ContainerDep) -> dict:
    """Liveness plus what is loaded; cheap, never loads a model."""
    kb = c.knowledge_base
    return {
        "status": "ok",
        "documents": len(c.store.list_documents()),
        "chunks": len(kb.vectors),
        "model": c.settings.llm_model_path.name,
        "embedding_model": kb.embedder.name,
    }
