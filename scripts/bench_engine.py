"""The shared search engine (pgvector) against the single-box default (FAISS + bm25s) at scale.

Run: .venv/bin/python scripts/bench_engine.py --engine pgvector \
         --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--chunks 100000] [--cache data/cache]
     .venv/bin/python scripts/bench_engine.py --engine local [--chunks 100000]

Chunks are SciFact sentences (repeated to reach --chunks, 100 per document, every other
document for group "hr"); vectors are random unit vectors of the configured embedder's
dimension (the hardest case for HNSW), or with --cache real SciFact chunk vectors; queries are SciFact test claims embedded by the real
model. Prints, per engine: indexing throughput, retrieval p50/p95 (what /search runs, as an
admin and as a member who sees half), HNSW recall@10 against an exact scan for the member, and
the process's resident memory (one engine per run, so that it is that engine's). A pgvector run
uses a database of its own on the --url server and drops it afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench_search import RandomEmbedder, index_synthetic, synthetic_chunks  # noqa: E402


class CachedEmbedder(RandomEmbedder):
    """Stands in for indexing with realistic vectors: the real embeddings of SciFact's chunks
    from the ``citeqa eval`` cache (one file per model of the configured pair), repeated to
    the wanted count with a little noise so that no two are equal."""

    def __init__(self, real, cache_dir: Path) -> None:
        super().__init__(real)
        from backend.evaluation.embedding_cache import cached

        parts = getattr(real, "parts", [real])
        tables = [dict(np.load(cached(p, p.name, cache_dir)._path).items()) for p in parts]
        by_key = [dict(zip(t["keys"].tolist(), t["vectors"])) for t in tables]
        keys = sorted(set.intersection(*(set(k) for k in by_key)))
        if not keys:
            raise SystemExit(f"no cached vectors in {cache_dir}: run citeqa eval --beir first")
        pieces = [np.stack([b[k] for k in keys]) for b in by_key]
        self._base = real._join(pieces) if len(pieces) > 1 else pieces[0]
        self._next = 0

    def embed(self, texts):
        rows = np.arange(self._next, self._next + len(texts)) % len(self._base)
        self._next += len(texts)
        v = self._base[rows] + self._rng.normal(0, 0.01, (len(texts), self.dimension))
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def percentiles(fn, queries) -> tuple[float, float]:
    fn(queries[0])
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label: str, settings, texts, queries, embedder, cache: Path | None = None,
        ef_search: list[int] | None = None) -> None:
    from backend.access import Principal
    from backend.container import Container
    from backend.ports import embed_queries

    stand_in = CachedEmbedder(embedder, cache) if cache else RandomEmbedder(embedder)
    c = Container(settings, embedder=stand_in)
    kb = c.knowledge_base
    t = time.perf_counter()
    kept = len(kb.keywords) >= len(texts)  # a --keep database indexed by an earlier run
    if not kept:
        index_synthetic(kb, texts)
    seconds = time.perf_counter() - t
    if settings.search_engine == "pgvector" and not kept:  # what autovacuum does soon after a bulk load:
        import sqlalchemy  # the visibility map lets BM25 read postings from the index alone

        with sqlalchemy.create_engine(settings.search_engine_url,
                                      isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    if kept:
        print(f"[{label}] {len(texts)} chunks already indexed (--keep)")
    else:
        print(f"[{label}] indexed {len(texts)} chunks in {seconds:.0f} s "
              f"({len(texts) / seconds:.0f} chunks/s, embedding excluded)")
    kb.embedder = embedder
    qvecs = embed_queries(embedder, queries)
    vector_of = dict(zip(queries, qvecs))
    admin = percentiles(lambda q: c.retriever.retrieve(q, 5, mode="hybrid",
                                                       query_vector=vector_of[q]), queries)
    scope = kb.scope_for(Principal(0, "member", "member", frozenset()))
    member = percentiles(lambda q: c.retriever.retrieve(q, 5, mode="hybrid", scope=scope,
                                                        query_vector=vector_of[q]), queries)
    dense = percentiles(lambda q: kb.dense_search(vector_of[q], 100, scope), queries)
    keyword = percentiles(lambda q: kb.keyword_search(q, 100, scope), queries)
    print(f"[{label}] hybrid retrieval p50/p95: admin {admin[0]:.1f}/{admin[1]:.1f} ms, "
          f"member {member[0]:.1f}/{member[1]:.1f} ms (query embedding excluded)")
    print(f"[{label}]   member dense top-100 {dense[0]:.1f}/{dense[1]:.1f} ms, "
          f"keyword top-100 {keyword[0]:.1f}/{keyword[1]:.1f} ms")
    # recall of the member's dense top-10 against an exact scan of the vectors they may see
    visible = np.asarray([i for i, doc in _visible(kb)], dtype=np.int64)
    exact_top = {}
    for q in queries[:30]:
        exact = kb.vectors.similarity(vector_of[q], visible.tolist())
        exact_top[q] = {i for i, _ in sorted(exact.items(), key=lambda kv: -kv[1])[:10]}
    for ef in ef_search or [None]:
        if ef is not None:
            kb.vectors.ef_search = ef
        recalls = [len(exact_top[q] & {i for i, _ in kb.dense_search(vector_of[q], 10, scope)}) / 10
                   for q in exact_top]
        timing = percentiles(lambda q: kb.dense_search(vector_of[q], 100, scope), queries)
        print(f"[{label}]   member dense recall@10 vs exact: {statistics.mean(recalls):.3f}"
              + (f" at ef_search {ef} (dense top-100 p50/p95 {timing[0]:.1f}/{timing[1]:.1f} ms)"
                 if ef is not None else ""))
    print(f"[{label}] resident memory of this process: {rss_mb():.0f} MB")


def _visible(kb):
    return [(i, a) for i, a in kb.store.chunk_access() if "public" in a]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--engine", choices=["local", "pgvector"], required=True)
    ap.add_argument("--url", help="pgvector: a PostgreSQL server with the vector extension")
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--scifact", type=Path, default=ROOT.parent / "shared" / "eval" / "scifact")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--keep", metavar="NAME", help="pgvector: index into database NAME on the "
                    "--url server and keep it; a later run with the same NAME reuses it")
    ap.add_argument("--ef-search", type=int, action="append", help="pgvector: also measure "
                    "dense recall and speed at this HNSW ef_search (repeatable)")
    ap.add_argument("--cache", type=Path, help="index real SciFact chunk vectors from this "
                    "citeqa eval cache (e.g. data/cache) instead of random ones")
    args = ap.parse_args()

    from backend.adapters.pgvector_search import scratch_database
    from backend.container import Container
    from backend.settings import Settings

    texts, queries = synthetic_chunks(args.scifact, args.chunks, args.queries)
    embedder = Container(Settings()).embedder
    print(f"{len(texts)} chunks, {len(queries)} queries, {embedder.name} "
          f"({embedder.dimension} dimensions)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.engine == "local":
            run("local FAISS + bm25s", Settings(data_dir=Path(tmp)), texts, queries, embedder,
                args.cache)
            return
        if not args.url:
            ap.error("--engine pgvector needs --url")
        database = kept_database(args.url, args.keep) if args.keep else scratch_database(
            args.url, "citeqa_bench")
        with database as url:
            run("pgvector", Settings(data_dir=Path(tmp), database_url=url,
                                     search_engine="pgvector"), texts, queries, embedder, args.cache,
                args.ef_search)


@contextlib.contextmanager
def kept_database(url: str, name: str):
    """The URL of database ``name`` on the server of ``url``, created when missing, never dropped."""
    import sqlalchemy

    server = sqlalchemy.engine.make_url(url)
    admin = sqlalchemy.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    yield server.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
