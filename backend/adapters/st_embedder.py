"""sentence-transformers embedder, loaded from a local folder only."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from backend.rag.text import clip_for_model


class SentenceTransformerEmbedder:
    def __init__(self, model: str, batch_size: int = 32, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from disk, never a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar in our logs

        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(model, device="cpu")
        self._batch_size = batch_size
        path = model.rstrip("/")
        self.name = os.path.basename(os.path.dirname(path) if path.endswith("/model") else path)
        self.dimension = int(self._model.get_embedding_dimension())
        # the model's limit includes [CLS] and [SEP]
        self.max_tokens = int(self._model.max_seq_length) - 2

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            [clip_for_model(t, self.max_tokens) for t in texts], batch_size=self._batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Unit-normalised contextual vectors of each text's word pieces (for late interaction)."""
        outputs = self._model.encode([clip_for_model(t, self.max_tokens) for t in texts],
                                     output_value="token_embeddings",
                                     batch_size=self._batch_size, show_progress_bar=False)
        vectors = [np.asarray(o.float().cpu() if hasattr(o, "cpu") else o, dtype=np.float32)
                   for o in outputs]
        return [v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9) for v in vectors]

    def count_tokens(self, text: str) -> int:
        # counting only: a text over the model limit is expected here, not an error to warn about
        return len(self._model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])
