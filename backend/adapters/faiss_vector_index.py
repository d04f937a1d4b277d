"""FAISS inner-product index over unit vectors (= cosine), ids are chunk ids.

Vectors are stored as float16: an exhaustive scan reads half the memory (3 ms instead of 8 ms
at 100k chunks on 2 cores), needs no training unlike 8-bit quantisation, and loses nothing
that changes a ranking of unit vectors. Index files written by older versions load as they are.

From ``ivf_from`` vectors on, the exhaustive scan gives way to an inverted file (IVF, fp16
codes, 4·√n lists, ``nprobe`` of them searched): with 768-dimension vectors and a member's
filter, the scan takes 12 ms at 100k and 127 ms at 1M, the IVF 0.8 ms and 4.4 ms at recall@10
0.97 and 1.00 (nprobe 32, scripts/bench_faiss_types.py). The switch happens when the index is
saved (13 s at 100k, about 3 minutes at 1M); the lists are trained again once the collection
has grown fourfold since.

The index remembers which embedder made its vectors (``<file>.model``). Opened for another
embedder, it starts empty, and the knowledge base re-embeds every chunk from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from backend.access import Scope
from backend.adapters._atomic import write_atomically

log = logging.getLogger(__name__)


class FaissVectorIndex:
    def __init__(self, path: Path, dimension: int, threads: int | None = None,
                 model: str = "", ivf_from: int = 50_000, nprobe: int = 32) -> None:
        self.path = path
        self.ivf_from = ivf_from  # 0: always the exhaustive scan
        self.nprobe = nprobe
        self.dimension = dimension
        self.threads = threads
        self.model = model
        self._model_file = path.with_name(path.name + ".model")
        self._recorded = self._model_file.read_text().strip() if self._model_file.exists() else None
        if path.exists() and self._recorded == model:
            self._index = faiss.read_index(str(path))
            if self._index.d != dimension:
                raise ValueError(f"{path} holds {self._index.d}-d vectors but {model} makes "
                                 f"{dimension}-d; delete the index folder to rebuild it")
        else:
            if path.exists():
                log.warning("%s was made by embedder %s, not %s: its vectors will be recomputed",
                            path, self._recorded or "unknown", model)
            storage = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_fp16,
                                                 faiss.METRIC_INNER_PRODUCT)
            self._index = faiss.IndexIDMap2(storage)
        self._ids_cache: set[int] | None = None
        self._ivf = faiss.try_extract_index_ivf(self._index)  # None: the exhaustive scan
        self._trained_on = int(self._index.ntotal) if self._ivf is not None else 0

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> set[int]:
        if self._ivf is None:
            return set(faiss.vector_to_array(self._index.id_map).tolist())
        lists = self._ivf.invlists
        found: set[int] = set()
        for n in range(self._ivf.nlist):
            size = lists.list_size(n)
            if size:
                found.update(faiss.rev_swig_ptr(lists.get_ids(n), size).tolist())
        return found

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._ids_cache = None
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                     np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        self._ids_cache = None
        if len(ids):
            self._index.remove_ids(np.asarray(list(ids), dtype=np.int64))

    def search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Nearest ids; with ``scope``, FAISS only considers the scope's ids (IDSelector)."""
        if len(self) == 0 or k <= 0 or (scope is not None and not len(scope)):
            return []
        query = vector.reshape(1, -1).astype(np.float32)
        if self.threads:  # OpenMP's thread count is per calling thread: set it where we search
            faiss.omp_set_num_threads(self.threads)
        selector = None
        if scope is not None:
            selector = scope.derived.get("faiss")
            if selector is None:  # kept with the scope: FAISS holds only a pointer to it
                selector = scope.derived["faiss"] = faiss.IDSelectorBatch(scope.ids)
        if self._ivf is not None:
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        limit = min(k, len(self), len(scope)) if scope is not None else min(k, len(self))
        scores, ids = self._index.search(query, limit, params=params)
        if self._ivf is not None and selector is not None and (ids[0] == -1).any():
            # a scope that sees few chunks may have too few in the probed lists: probe them all
            # (as slow as the scan, only for such scopes) rather than return fewer than asked
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self._ivf.nlist)
            scores, ids = self._index.search(query, limit, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def similarity(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """Cosine of ``vector`` with each stored id; ids not in the index are left out."""
        known = [int(i) for i in ids if int(i) in self._id_set()]
        if not known:
            return {}
        stored = self._index.reconstruct_batch(np.asarray(known, dtype=np.int64))
        return dict(zip(known, (stored @ vector.reshape(-1)).tolist()))

    def _id_set(self) -> set[int]:
        # the id map changes only through add/remove, which reset this cache
        if self._ids_cache is None:
            self._ids_cache = self.ids()
        return self._ids_cache

    def save(self) -> None:
        if self.ivf_from and len(self) >= self.ivf_from and (
                self._ivf is None or len(self) >= 4 * self._trained_on):
            self._rebuild_as_ivf()
        write_atomically(self.path, lambda tmp: faiss.write_index(self._index, str(tmp)))
        # written second: a crash in between makes the next start re-embed, never trust stale vectors
        if self._recorded != self.model:
            write_atomically(self._model_file, lambda tmp: tmp.write_text(self.model + "\n"))
            self._recorded = self.model

    def _rebuild_as_ivf(self) -> None:
        """The same vectors and ids in an inverted file trained on them (see the module doc)."""
        ids = np.asarray(sorted(self.ids()), dtype=np.int64)
        vectors = self._index.reconstruct_batch(ids)
        lists = max(1, min(int(4 * np.sqrt(len(ids))), len(ids) // 39))
        index = faiss.index_factory(self.dimension, f"IVF{lists},SQfp16", faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.extract_index_ivf(index)
        ivf.by_residual = False  # fp16 of the vector itself, as the scan
        # 40 points per list: k-means on 1M 768-d vectors takes minutes, and more buys no recall
        sample = np.random.default_rng(0).choice(len(ids), min(len(ids), 40 * lists), replace=False)
        index.train(vectors[sample])
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by chunk id
        index.add_with_ids(vectors, ids)
        log.info("vector index: %d vectors moved to an inverted file of %d lists", len(ids), lists)
        self._index, self._ivf, self._trained_on, self._ids_cache = index, ivf, len(ids), None
