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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--scifact", type=Path, default=ROOT.parent / "shared" / "eval" / "scifact")
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()

    sentences = []
    with open(args.scifact / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            sentences += [text[a:b] for a, b in sentence_spans(text)]
    texts = [sentences[i % len(sentences)] + f" v{i // len(sentences)}" for i in range(args.chunks)]
    with open(args.scifact / "queries.jsonl", encoding="utf-8") as fh:
        queries = [json.loads(line)["text"] for line in fh][: args.queries]
    ids = list(range(1, len(texts) + 1))
    print(f"{len(texts)} chunks, {len(queries)} queries")

    with tempfile.TemporaryDirectory() as tmp:
        for cls in (RankBm25KeywordIndex, Bm25sKeywordIndex):
            index = cls(Path(tmp) / cls.__name__, stem=True)
            t = time.perf_counter()
            index.add(ids, texts)
            index.search("warm up", 1)
            build = time.perf_counter() - t
            ms = p50_ms(lambda q: index.search(q, 30), queries)
            print(f"{cls.__name__:22} top-30 p50 {ms:8.1f} ms   (analyse + build {build:.0f} s)")

        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        faiss_index = FaissVectorIndex(Path(tmp) / "v.faiss", 384)
        faiss_index.add(ids, vectors)
        qv = vectors[:len(queries)]
        print(f"{'FAISS IndexFlatIP':22} top-30 p50 {p50_ms(lambda v: faiss_index.search(v, 30), list(qv)):8.1f} ms")

    from backend.adapters.st_embedder import SentenceTransformerEmbedder
    from backend.settings import Settings

    embedder = SentenceTransformerEmbedder(Settings().embedding_model)
    print(f"{'query embedding':22}        p50 {p50_ms(lambda q: embedder.embed([q]), queries):8.1f} ms")


if __name__ == "__main__":
    main()
