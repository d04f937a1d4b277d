"""Two embedding models as one vector space: their unit vectors side by side, weighted.

With ``a`` and ``b`` unit-normalised, the vector ``[sqrt(1-w) a, sqrt(w) b]`` is unit-length and
the inner product of two such vectors is ``(1-w) cos_a + w cos_b``: one FAISS index, one
search and one permission filter give the weighted sum of both models' cosine similarities.
Used to run multilingual-e5 beside MiniLM: MiniLM keeps English retrieval as measured on
SciFact, e5 lets English questions find Chinese passages and the reverse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from backend.ports import Embedder, embed_queries
from backend.rag.text import mostly_cjk


class FusedEmbedder:
    def __init__(self, primary: Embedder, secondary: Embedder, secondary_weight: float,
                 primary_english_only: bool = True) -> None:
        if not 0.0 < secondary_weight < 1.0:
            raise ValueError("the second model's weight must lie strictly between 0 and 1")
        self.parts = (primary, secondary)
        self.primary_english_only = primary_english_only
        self.weight = secondary_weight
        self._scales = (math.sqrt(1.0 - secondary_weight), math.sqrt(secondary_weight))
        self.name = f"{primary.name}+{secondary.name}@{secondary_weight:g}"
        self.dimension = primary.dimension + secondary.dimension
        self.max_tokens = primary.max_tokens  # chunks are sized for the primary model
        # a question is a few dozen tokens, too little to keep both cores busy in one model:
        # the second model encodes it on another thread meanwhile (15 -> 11 ms on 2 cores)
        self._beside = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed-secondary")

    def _join(self, vectors: Sequence[np.ndarray]) -> np.ndarray:
        return np.hstack([v * s for v, s in zip(vectors, self._scales)]).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([p.embed(texts) for p in self.parts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions as passages are, except a Chinese question when the primary model reads
        only English: its vector is the second model's alone, scaled so that its inner product
        with any passage is the second model's cosine (the primary's half would be noise)."""
        primary, secondary = self.parts
        second = self._beside.submit(embed_queries, secondary, texts)
        joined = self._join([embed_queries(primary, texts), second.result()])
        if self.primary_english_only:
            for row, text in enumerate(texts):
                if mostly_cjk(text):
                    joined[row] = self.cross_language_query(joined[row])
        return joined

    def cross_language_query(self, vector: np.ndarray) -> np.ndarray:
        """``vector`` (a joined question vector) as the second model's alone, scaled so that its
        inner product with a stored passage is the second model's cosine: how an English
        question is judged against a Chinese passage, and a Chinese question against any."""
        cut = self.parts[0].dimension
        out = np.array(vector, dtype=np.float32, copy=True)
        if out[:cut].any():  # not yet the second model's alone
            out[:cut] = 0.0
            out[cut:] /= self._scales[1] ** 2  # passages hold sqrt(w) e, the question sqrt(w) e
        return out

    def count_tokens(self, text: str) -> int:
        return self.parts[0].count_tokens(text)

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        return self.parts[0].token_vectors(texts)  # late interaction stays with the primary
