"""Hybrid retrieval: BM25 and dense candidates, fused, reranked, gated by relevance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from backend.domain import ScoredChunk
from backend.knowledge import KnowledgeBase
from backend.ports import Reranker
from backend.rag.fusion import reciprocal_rank_fusion


@dataclass
class Retrieval:
    chunks: list[ScoredChunk]
    timings_ms: dict[str, float] = field(default_factory=dict)


class Retriever:
    def __init__(self, kb: KnowledgeBase, reranker: Reranker, candidates: int, rrf_k: int,
                 min_relevance: float, dense_only_relevance: float) -> None:
        self.kb = kb
        self.reranker = reranker
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.min_relevance = min_relevance
        self.dense_only_relevance = dense_only_relevance

    def _is_evidence(self, s: ScoredChunk) -> bool:
        """Relevant enough to show: semantically close, and either lexically matched or very close.

        Cosine alone is noisy for short off-topic questions (MiniLM gives ~0.3 to unrelated
        text); requiring a BM25 term match below ``dense_only_relevance`` removes those.
        """
        cosine = s.dense_score or 0.0
        if cosine >= self.dense_only_relevance:
            return True
        return cosine >= self.min_relevance and s.bm25_rank is not None

    def retrieve(self, query: str, top_k: int) -> Retrieval:
        """The top_k passages worth showing; empty when nothing is relevant enough."""
        t0 = time.perf_counter()
        self.kb.refresh_if_changed()
        qvec = self.kb.embedder.embed([query])[0]
        dense = self.kb.dense_search(qvec, self.candidates)
        sparse = self.kb.keyword_search(query, self.candidates)
        fused = reciprocal_rank_fusion([[i for i, _ in sparse], [i for i, _ in dense]], k=self.rrf_k)
        fused = fused[: self.candidates]
        ids = [i for i, _ in fused]
        records = self.kb.chunks(ids)
        cosine = self.kb.similarity(qvec, ids)
        bm25_rank = {i: r for r, (i, _) in enumerate(sparse, start=1)}
        dense_rank = {i: r for r, (i, _) in enumerate(dense, start=1)}
        scored = [
            ScoredChunk(records[i], score, cosine.get(i), bm25_rank.get(i), dense_rank.get(i))
            for i, score in fused if i in records
        ]
        t1 = time.perf_counter()
        scored = self.reranker.rerank(query, scored)
        t2 = time.perf_counter()
        relevant = [s for s in scored if self._is_evidence(s)][:top_k]
        return Retrieval(relevant, {"retrieve": (t1 - t0) * 1000, "rerank": (t2 - t1) * 1000})
