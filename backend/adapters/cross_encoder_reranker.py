"""Rerank fused candidates with a sentence-transformers CrossEncoder loaded from a local folder."""

from __future__ import annotations

import os
from dataclasses import replace

from backend.domain import ScoredChunk


class CrossEncoderReranker:
    name = "cross-encoder"

    def __init__(self, model: str, depth: int = 30) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a path on disk, never a hub download
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")
        self.depth = depth

    def rerank(self, query: str, candidates: list[ScoredChunk]) -> list[ScoredChunk]:
        """The top ``depth`` candidates reordered by cross-encoder score; the rest keep their order."""
        head, tail = candidates[: self.depth], candidates[self.depth :]
        if not head:
            return candidates
        scores = self._model.predict([(query, s.chunk.text) for s in head], show_progress_bar=False)
        ranked = sorted(zip(head, scores), key=lambda pair: -float(pair[1]))
        return [replace(s, score=float(score)) for s, score in ranked] + tail
