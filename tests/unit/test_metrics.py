"""Metric code against values worked out by hand (trec_eval's definitions)."""

import math

import pytest

from backend.evaluation.metrics import evaluate, ranking_to_run

QRELS = {"q1": {"d1": 1, "d3": 1}, "q2": {"d9": 1}}


def test_perfect_and_empty_rankings():
    perfect = evaluate(QRELS, ranking_to_run({"q1": ["d1", "d3"], "q2": ["d9"]}))
    assert perfect == {"ndcg@10": 1.0, "recall@10": 1.0, "recall@100": 1.0, "mrr@10": 1.0}
    nothing = evaluate(QRELS, ranking_to_run({"q1": ["x"], "q2": []}))
    assert nothing == {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}


def test_hand_computed_values():
    run = ranking_to_run({"q1": ["d2", "d1", "x", "d3"], "q2": ["d9"]})
    got = evaluate(QRELS, run)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert got["ndcg@10"] == pytest.approx(round((dcg / idcg + 1.0) / 2, 4))
    assert got["mrr@10"] == pytest.approx((1 / 2 + 1) / 2)
    assert got["recall@10"] == 1.0


def test_mrr_is_cut_at_10_and_order_is_kept_exactly():
    ranking = [f"x{i}" for i in range(10)] + ["d9"]
    assert evaluate({"q2": {"d9": 1}}, ranking_to_run({"q2": ranking}))["mrr@10"] == 0.0
    run = ranking_to_run({"q": ["b", "a"]})
    assert run["q"]["b"] > run["q"]["a"]  # trec_eval would otherwise order ties by doc id


def test_unjudged_queries_in_the_run_are_ignored_and_missing_ones_count_zero():
    got = evaluate({"q1": {"d1": 1}, "q2": {"d2": 1}}, ranking_to_run({"q1": ["d1"], "zz": ["d2"]}))
    assert got["ndcg@10"] == 0.5
