"""FAISS inner-product index over unit vectors (= cosine), ids are chunk ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from backend.adapters._atomic import write_atomically


class FaissVectorIndex:
    def __init__(self, path: Path, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        if path.exists():
            self._index = faiss.read_index(str(path))
            if self._index.d != dimension:
                raise ValueError(
                    f"{path} holds {self._index.d}-d vectors but the embedder makes {dimension}-d; "
                    "delete the index folder and re-ingest after changing the embedding model"
                )
        else:
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> set[int]:
        return set(faiss.vector_to_array(self._index.id_map).tolist())

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                     np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(list(ids), dtype=np.int64))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(self) == 0 or k <= 0:
            return []
        scores, ids = self._index.search(vector.reshape(1, -1).astype(np.float32), min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def similarity(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        out = {}
        for i in ids:
            try:
                out[i] = float(self._index.reconstruct(int(i)) @ vector.reshape(-1))
            except RuntimeError:  # id not in the index
                continue
        return out

    def save(self) -> None:
        write_atomically(self.path, lambda tmp: faiss.write_index(self._index, str(tmp)))
