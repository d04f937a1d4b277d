"""The default rerank stage: keep the fused order (the retrieval-quality issue measures others)."""

from __future__ import annotations

from backend.domain import ScoredChunk


class IdentityReranker:
    name = "none"

    def rerank(self, query: str, candidates: list[ScoredChunk]) -> list[ScoredChunk]:
        return candidates
