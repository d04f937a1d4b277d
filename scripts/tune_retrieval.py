"""Tune BM25 and fusion on a BEIR split (use train; report test with ``citeqa eval``).

Run: .venv/bin/python scripts/tune_retrieval.py ../shared/eval/scifact --split train
Indexes once through the real pipeline (embeddings cached in data/cache), then varies the
keyword analyser/parameters and the fusion in memory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.adapters.bm25_keyword_index import Bm25sKeywordIndex  # noqa: E402
from backend.container import Container  # noqa: E402
from backend.evaluation.beir import load_beir  # noqa: E402
from backend.evaluation.embedding_cache import cached  # noqa: E402
from backend.evaluation.metrics import evaluate, ranking_to_run  # noqa: E402
from backend.evaluation.runner import beir_ids, documents_of, index_corpus  # noqa: E402
from backend.knowledge import searchable_text  # noqa: E402
from backend.rag.fusion import reciprocal_rank_fusion, weighted_fusion  # noqa: E402
from backend.settings import Settings  # noqa: E402

DEPTH = 200


def score(dataset, per_query, beir_id):
    ranked = {q: documents_of((i for i, _ in r), beir_id, 100) for q, r in per_query.items()}
    return evaluate(dataset.qrels, ranking_to_run(ranked))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("beir", type=Path)
    ap.add_argument("--split", default="train")
    ap.add_argument("--quick", action="store_true", help="only the chosen BM25 and depth 100")
    ap.add_argument("--rerank", type=int, default=0, metavar="N",
                    help="also sweep MaxSim depth and weight on the first N queries")
    args = ap.parse_args()
    import tempfile

    dataset = load_beir(args.beir, args.split)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        embedder = cached(Container(settings).embedder, settings.embedding_model,
                          ROOT / "data" / "cache")
        c = Container(settings, embedder=embedder)
        index_corpus(c, dataset.corpus, lambda *a: None)
        embedder.save()
        beir_id = beir_ids(c)
        records = c.store.chunks_by_ids(beir_id)
        ids = sorted(records)
        texts = [searchable_text(records[i].filename, records[i].section, records[i].text) for i in ids]
        qids = list(dataset.queries)
        qvecs = embedder.embed([dataset.queries[q] for q in qids])
        dense = {q: c.knowledge_base.dense_search(v, DEPTH) for q, v in zip(qids, qvecs)}
        print(f"{args.split}: {len(qids)} queries, {len(ids)} chunks")
        print(f"dense                          ndcg@10 {score(dataset, dense, beir_id)['ndcg@10']:.4f}")

        best = None
        for stem in (True,) if args.quick else (False, True):
            for k1, b in ((1.2, 0.5),) if args.quick else ((0.9, 0.4), (1.2, 0.75), (1.5, 0.75), (1.2, 0.5), (0.9, 0.6)):
                index = Bm25sKeywordIndex(Path(tmp) / "k.json", k1=k1, b=b, stem=stem)
                index.add(ids, texts)
                sparse = {q: index.search(dataset.queries[q], DEPTH) for q in qids}
                m = score(dataset, sparse, beir_id)
                print(f"bm25 stem={stem!s:5} k1={k1} b={b:<4}     ndcg@10 {m['ndcg@10']:.4f}  recall@100 {m['recall@100']:.4f}")
                if best is None or m["ndcg@10"] > best[0]:
                    best = (m["ndcg@10"], stem, k1, b, sparse)
        _, stem, k1, b, sparse = best
        print(f"best bm25: stem={stem} k1={k1} b={b}")

        for depth in (100,) if args.quick else (30, 100, 200):
            for k in (5, 10, 20, 40, 60, 100):
                fused = {q: reciprocal_rank_fusion([[i for i, _ in sparse[q][:depth]],
                                                     [i for i, _ in dense[q][:depth]]], k=k) for q in qids}
                m = score(dataset, fused, beir_id)
                print(f"rrf depth={depth:<3} k={k:<3}               ndcg@10 {m['ndcg@10']:.4f}  recall@100 {m['recall@100']:.4f}")
            for norm, bounds in (("minmax", None), ("tmm", [0.0, 0.0])):
                for w in (0.3, 0.4, 0.5, 0.6, 0.7):
                    fused = {q: weighted_fusion([sparse[q][:depth], dense[q][:depth]], [1 - w, w],
                                                bounds) for q in qids}
                    m = score(dataset, fused, beir_id)
                    print(f"weighted-{norm:6} depth={depth:<3} dense_w={w} ndcg@10 {m['ndcg@10']:.4f}  recall@100 {m['recall@100']:.4f}")
        if args.rerank:
            sweep_rerank(c, dataset, qids[: args.rerank], dict(zip(qids, qvecs)), beir_id)


def sweep_rerank(c, dataset, qids, qvecs, beir_id) -> None:
    """MaxSim depth x weight over the configured hybrid ranking; token vectors computed once."""
    import dataclasses

    from backend.adapters.maxsim_reranker import MaxSimReranker

    memo = MemoTokenVectors(c.embedder)  # the cache passes token_vectors to the model
    hybrid = {q: c.retriever.retrieve(dataset.queries[q], top_k=200, mode="hybrid", gate=False,
                                      depth=200, query_vector=qvecs[q]).chunks for q in qids}
    subset = dataclasses.replace(dataset, qrels={q: dataset.qrels[q] for q in qids})
    as_ids = lambda hits: [(h.chunk.id, h.score) for h in hits]  # noqa: E731
    m = score(subset, {q: as_ids(h) for q, h in hybrid.items()}, beir_id)
    print(f"{len(qids)} queries: hybrid ndcg@10 {m['ndcg@10']:.4f}")
    for depth in (30, 20, 15, 10):
        for w in (0.3, 0.4, 0.5, 0.6, 0.7):
            r = MaxSimReranker(memo, depth, w)
            reranked = {q: as_ids(r.rerank(dataset.queries[q], h)) for q, h in hybrid.items()}
            m = score(subset, reranked, beir_id)
            print(f"maxsim depth={depth:<3} weight={w}      ndcg@10 {m['ndcg@10']:.4f}  mrr@10 {m['mrr@10']:.4f}")


class MemoTokenVectors:
    """Token vectors computed once per text, so every (depth, weight) reuses them."""

    def __init__(self, inner) -> None:
        self._inner, self._memo = inner, {}

    def token_vectors(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        self._memo.update(zip(missing, self._inner.token_vectors(missing)))
        return [self._memo[t] for t in texts]


if __name__ == "__main__":
    main()
