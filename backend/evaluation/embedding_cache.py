"""An Embedder wrapper that remembers vectors on disk, so repeated evaluation runs skip encoding."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def cached(embedder, model: str, cache_dir: Path) -> CachingEmbedder:
    """``embedder`` with its vectors cached in ``cache_dir``, one file per model."""
    key = hashlib.sha1(f"{embedder.name}|{model}".encode()).hexdigest()[:12]
    return CachingEmbedder(embedder, Path(cache_dir) / f"embeddings-{key}.npz")


class CachingEmbedder:
    def __init__(self, inner, path: Path) -> None:
        self._inner = inner
        self._path = Path(path)
        self._vectors: dict[str, np.ndarray] = {}
        if self._path.exists():
            data = np.load(self._path)
            self._vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens

    def count_tokens(self, text: str) -> int:
        return self._inner.count_tokens(text)

    def __getattr__(self, name: str):
        # everything but embed() (e.g. token_vectors for late interaction) goes to the wrapped model
        return getattr(self._inner, name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        if missing:
            fresh = self._inner.embed([texts[i] for i in missing])
            for i, v in zip(missing, fresh):
                self._vectors[keys[i]] = v
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U40")
        vectors = np.stack(list(self._vectors.values())) if self._vectors else np.zeros((0, self.dimension))
        tmp = self._path.with_name(self._path.name + ".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
        tmp.replace(self._path)
