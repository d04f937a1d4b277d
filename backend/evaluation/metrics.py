"""Ranking metrics computed by trec_eval itself (pytrec_eval bindings)."""

from __future__ import annotations

import pytrec_eval

Run = dict[str, dict[str, float]]  # query id -> document id -> score (higher is better)


def ranking_to_run(ranked_ids: dict[str, list[str]]) -> Run:
    """Scores that reproduce the given order exactly (trec_eval breaks score ties by doc id)."""
    return {q: {d: 1.0 / rank for rank, d in enumerate(ids, start=1)} for q, ids in ranked_ids.items()}


def evaluate(qrels: dict[str, dict[str, int]], run: Run) -> dict[str, float]:
    """Mean nDCG@10, Recall@10, Recall@100 and MRR@10 over the judged queries.

    Queries with no results count as zero (trec_eval would silently skip them).
    """
    measures = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.10", "recall.100"})
    cut10 = {q: dict(sorted(docs.items(), key=lambda kv: -kv[1])[:10]) for q, docs in run.items()}
    mrr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"})
    per_query = measures.evaluate(run)
    per_query_mrr = mrr.evaluate(cut10)
    n = len(qrels)
    total = {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for q in qrels:
        m = per_query.get(q, {})
        total["ndcg@10"] += m.get("ndcg_cut_10", 0.0)
        total["recall@10"] += m.get("recall_10", 0.0)
        total["recall@100"] += m.get("recall_100", 0.0)
        total["mrr@10"] += per_query_mrr.get(q, {}).get("recip_rank", 0.0)
    return {k: round(v / n, 4) for k, v in total.items()} if n else total
