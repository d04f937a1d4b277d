from fastapi import APIRouter

from backend.api.deps import ContainerDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(c: ContainerDep) -> dict:
    """Liveness and the models in use; open to anyone, so it says nothing about documents."""
    return {
        "status": "ok",
        "model": c.chat_model.name,  # loaded at startup (a remote one: the name it serves)
        "embedding_model": c.knowledge_base.embedder.name,
    }
