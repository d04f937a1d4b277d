"""Reciprocal rank fusion (Cormack et al., 2009): rank-based, so BM25 and cosine scales never mix."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = 60) -> list[tuple[int, float]]:
    """Fuse ranked id lists; returns (id, score) best first, ties broken by first appearance."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def weighted_fusion(
    rankings: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float]
) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores (Bruch et al., 2023); absent counts as 0."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        if not ranking:
            continue
        values = [s for _, s in ranking]
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1.0
        for item, s in ranking:
            scores[item] = scores.get(item, 0.0) + weight * (s - lo) / span
    return sorted(scores.items(), key=lambda kv: -kv[1])
