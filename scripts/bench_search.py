"""Search-path speed at scale: keyword index (rank-bm25 vs bm25s), FAISS, query embedding.

Run: .venv/bin/python scripts/bench_search.py [--chunks 100000] [--scifact ../shared/eval/scifact]
Chunks are SciFact sentences (repeated to reach --chunks); queries are SciFact test claims.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend.adapters.bm25_keyword_index import Bm25sKeywordIndex, RankBm25KeywordIndex  # noqa: E402
from backend.adapters.faiss_vector_index import FaissVectorIndex  # noqa: E402
from backend.rag.text import sentence_spans  # noqa: E402


def p50_ms(fn, queries) -> float:
    fn(queries[0])  # warm-up (builds lazily)
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def synthetic_chunks(scifact: Path, chunks: int, queries: int) -> tuple[list[str], list[str]]:
    """``chunks`` texts made of SciFact sentences (repeated, each repeat tagged), reproducibly,
    and the first ``queries`` SciFact claims."""
    sentences = []
    with open(scifact / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            sentences += [text[a:b] for a, b in sentence_spans(text)]
    texts = [sentences[i % len(sentences)] + f" v{i // len(sentences)}" for i in range(chunks)]
    with open(scifact / "queries.jsonl", encoding="utf-8") as fh:
        return texts, [json.loads(line)["text"] for line in fh][:queries]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--scifact", type=Path, default=ROOT.parent / "shared" / "eval" / "scifact")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--pipeline-only", action="store_true",
                    help="skip the per-index timings (rank-bm25 alone takes minutes at 1M)")
    args = ap.parse_args()

    texts, queries = synthetic_chunks(args.scifact, args.chunks, args.queries)
    ids = list(range(1, len(texts) + 1))
    print(f"{len(texts)} chunks, {len(queries)} queries")

    from backend.container import Container
    from backend.settings import Settings

    embedder = Container(Settings()).embedder  # the configured one (MiniLM + e5: 768 dims)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.pipeline_only:
            indexes(tmp, ids, texts, queries, embedder)

    from backend.ports import embed_queries

    print(f"embedder: {embedder.name} ({embedder.dimension} dimensions)")
    print(f"{'query embedding':22}        p50 "
          f"{p50_ms(lambda q: embed_queries(embedder, [q]), queries):8.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        in_process, scoped = whole_retrieval_ms(Path(tmp), texts, queries, embedder)
        print(f"{'hybrid retrieval':22}        p50 {in_process:8.1f} ms"
              "   (what /search runs: embed, BM25, FAISS, fusion, SQLite fetch, gate)")
        print(f"{'  as a member (scope)':22}        p50 {scoped:8.1f} ms"
              "   (half the documents visible: IDSelector + scope-local BM25)")
        ms, rss = http_search_ms(Path(tmp), queries)
        print(f"{'POST /search over HTTP':22}        p50 {ms:8.1f} ms"
              f"   (real server, API key, JSON; server RSS {rss:,.0f} MB)")


def indexes(tmp: str, ids: list[int], texts: list[str], queries: list[str], embedder) -> None:
    """Each index alone: rank-bm25 vs bm25s (same rankings?), FAISS's exhaustive scan."""
    tops = []
    for cls in (RankBm25KeywordIndex, Bm25sKeywordIndex):
        index = cls(Path(tmp) / cls.__name__, stem=True)
        t = time.perf_counter()
        index.add(ids, texts)
        index.search("warm up", 1)
        build = time.perf_counter() - t
        ms = p50_ms(lambda q: index.search(q, 30), queries)
        print(f"{cls.__name__:22} top-30 p50 {ms:8.1f} ms   (analyse + build {build:.0f} s)")
        tops.append([[i for i, _ in index.search(q, 10)] for q in queries])
    same = sum(a == b for a, b in zip(*tops))
    hits = sum(bool(a) for a in tops[1])
    print(f"same top-10 from both: {same}/{len(queries)} queries ({hits} with results)")

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(texts), embedder.dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    faiss_index = FaissVectorIndex(Path(tmp) / "v.faiss", embedder.dimension)
    faiss_index.add(ids, vectors)
    qv = vectors[:len(queries)]
    print(f"{'FAISS fp16 flat':22} top-30 p50 {p50_ms(lambda v: faiss_index.search(v, 30), list(qv)):8.1f} ms")


class RandomEmbedder:
    """Stands in for indexing only: vector values do not change search timing."""

    def __init__(self, real) -> None:
        # the real name: the server that searches this index must not take it for another model's
        self.name, self.dimension, self.max_tokens = real.name, real.dimension, real.max_tokens
        self.count_tokens = real.count_tokens
        self._rng = np.random.default_rng(0)

    def embed(self, texts):
        v = self._rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def index_synthetic(kb, texts) -> None:
    """``texts`` as documents of 100 chunks each, every other document for group "hr" (the
    rest public), added through the knowledge base in batches of 50 documents."""
    from backend.domain import ChunkDraft
    from backend.storage import DocumentRow

    for start in range(0, len(texts), 5000):
        batch = [(DocumentRow(filename=f"doc{d}.txt", content_hash=str(d), doc_type="txt",
                              size_bytes=1, pages=None,
                              access=["hr"] if (d // 100) % 2 else ["public"]),
                  [ChunkDraft(t, None, None, j, 0, len(t), 50)
                   for j, t in enumerate(texts[d : d + 100])])
                 for d in range(start, min(start + 5000, len(texts)), 100)]
        kb.add_documents(batch)
    kb.save()


def whole_retrieval_ms(data_dir: Path, texts, queries, embedder) -> tuple[float, float]:
    """p50 of the retriever in process, as admin (everything) and as a member seeing half."""
    from backend.access import Principal
    from backend.container import Container
    from backend.settings import Settings

    c = Container(Settings(data_dir=data_dir), embedder=RandomEmbedder(embedder))
    kb = c.knowledge_base
    index_synthetic(kb, texts)
    kb.embedder = embedder  # queries with the real model
    everything = p50_ms(lambda q: c.retriever.retrieve(q, 5, mode="hybrid"), queries)
    scope = kb.scope_for(Principal(0, "member", "member", frozenset()))
    member = p50_ms(lambda q: c.retriever.retrieve(q, 5, mode="hybrid", scope=scope), queries)
    return everything, member


def http_search_ms(data_dir: Path, queries) -> tuple[float, float]:
    """p50 of POST /search on a real server, and that server's resident memory (MB) after."""
    from scripts.bench_server import signed_in_server

    with signed_in_server(data_dir, role="admin") as (http, _):
        for q in queries[:20]:  # warm up: lazy index builds, connection, thread pool
            http.post("/search", json={"query": q, "top_k": 5})
        ms = p50_ms(lambda q: http.post("/search", json={"query": q, "top_k": 5})
                    .raise_for_status(), queries)
        status = Path(f"/proc/{http.server_pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return ms, rss / 1024


if __name__ == "__main__":
    main()
