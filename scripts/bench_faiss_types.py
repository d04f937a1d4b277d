"""Which FAISS index type at which size: exhaustive fp16 (today's), HNSW and IVF, with the
permission filter on, at 100k and 1M vectors.

Run: .venv/bin/python scripts/bench_faiss_types.py [--sizes 100000,1000000] [--cache data/cache]

Vectors are the real SciFact chunk vectors of the configured embedder (the ``citeqa eval``
cache, MiniLM + e5 by default: 768 dimensions), repeated with a little noise to the wanted size
(as scripts/bench_engine.py does); queries are 100 SciFact test claims embedded by the real
model. The filter is a member who sees every other vector (IDSelectorBatch, as /search uses).
Prints, per index: build seconds, search p50/p95 for the top 100 (what retrieval asks for),
recall@10 against an exact float32 scan with the same filter, and the index's memory. The
flat and IVF rows are FaissVectorIndex itself (the IVF as its save() builds it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench_engine import CachedEmbedder  # noqa: E402
from scripts.bench_search import synthetic_chunks  # noqa: E402
from backend.access import Scope  # noqa: E402
from backend.adapters.faiss_vector_index import FaissVectorIndex  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "eval" / "scifact"


def raw_search(index, params):
    """A bare FAISS index searched like FaissVectorIndex.search: the top 100 as (id, score)."""
    def search(q: np.ndarray) -> list[tuple[int, float]]:
        scores, ids = index.search(q.reshape(1, -1), 100, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]
    return search


def timed(search, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    """Each query's milliseconds, and its top 10 ids (padded with -1)."""
    search(queries[0])
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        hits = search(q)
        times.append((time.perf_counter() - t) * 1000)
        found.append(np.array([i for i, _ in hits][:10] + [-1] * (10 - min(10, len(hits)))))
    return times, np.stack(found)


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[:10]) & set(e[:10])) / 10 for f, e in zip(found, exact)]))


def memory_mb(index) -> float:
    return len(faiss.serialize_index(index)) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--cache", type=Path, default=ROOT / "data" / "cache")
    ap.add_argument("--threads", type=int, default=1, help="FAISS threads (the default setting is 1)")
    ap.add_argument("--hnsw-up-to", type=int, default=100_000,
                    help="build HNSW only up to this size (slow to build: minutes at 1M)")
    args = ap.parse_args()
    faiss.omp_set_num_threads(args.threads)

    from backend.container import Container
    from backend.ports import embed_queries
    from backend.settings import Settings

    real = Container(Settings()).embedder
    _, questions = synthetic_chunks(SCIFACT, 1000, 100)
    queries = embed_queries(real, questions).astype(np.float32)
    source = CachedEmbedder(real, args.cache)
    d = real.dimension
    print(f"embedder {real.name}, {d} dimensions, FAISS threads {args.threads}")
    print(f"{'size':>9} {'index':<28} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'recall@10':>9} {'MB':>7}")
    for n in [int(s) for s in args.sizes.split(",")]:
        vectors = np.vstack([source.embed(["x"] * min(100_000, n - i)) for i in range(0, n, 100_000)])
        ids = np.arange(n, dtype=np.int64)
        allowed = ids[::2]
        selector = faiss.IDSelectorBatch(allowed)
        exact_index = faiss.IndexIDMap2(faiss.IndexFlatIP(d))
        exact_index.add_with_ids(vectors, ids)
        _, exact = timed(raw_search(exact_index, faiss.SearchParameters(sel=selector)), queries)
        del exact_index
        rows = []
        # what ships: FaissVectorIndex itself, as the exhaustive scan and after save() moved it
        # to an inverted file; HNSW (the engine's choice) for comparison
        with tempfile.TemporaryDirectory() as tmp:
            index = FaissVectorIndex(Path(tmp) / "v", d, model="bench", ivf_from=0)
            t = time.perf_counter()
            index.add(ids.tolist(), vectors)
            rows.append(("flat fp16 (below ivf_from)", index, time.perf_counter() - t, None))
            ivf = FaissVectorIndex(Path(tmp) / "w", d, model="bench", ivf_from=1)
            ivf.add(ids.tolist(), vectors)
            t = time.perf_counter()
            ivf._rebuild_as_ivf()
            seconds = time.perf_counter() - t
            for nprobe in (16, 32, 64):
                rows.append((f"IVF{ivf._ivf.nlist} fp16, nprobe {nprobe}", ivf, seconds, nprobe))
            if n <= args.hnsw_up_to:
                t = time.perf_counter()
                hnsw = faiss.IndexIDMap2(faiss.index_factory(d, "HNSW32_SQfp16", faiss.METRIC_INNER_PRODUCT))
                hnsw.train(vectors[:1000])
                hnsw.add_with_ids(vectors, ids)
                rows.append(("HNSW32 fp16, efSearch 128", hnsw, time.perf_counter() - t, "hnsw"))
            scope = Scope({"g"}, ids=allowed)
            for label, idx, seconds, knob in rows:
                if knob == "hnsw":
                    params = faiss.SearchParametersHNSW(sel=selector, efSearch=128)
                    times, found = timed(raw_search(idx, params), queries)
                    size = memory_mb(idx)
                else:
                    if knob is not None:
                        idx.nprobe = knob
                    times, found = timed(lambda q: idx.search(q, 100, scope), queries)
                    size = memory_mb(idx._index)
                p95 = statistics.quantiles(times, n=20)[18]
                print(f"{n:>9} {label:<28} {seconds:>8.1f} {statistics.median(times):>7.1f} {p95:>7.1f} "
                      f"{recall_at_10(found, exact):>9.3f} {size:>7.0f}", flush=True)
            del rows, index, ivf


if __name__ == "__main__":
    main()
