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
    rankings: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float],
    lower_bounds: Sequence[float | None] | None = None,
) -> list[tuple[int, float]]:
    """Convex combination of normalised scores (Bruch et al., 2023); absent counts as 0.

    Each list is scaled to [0, 1] by its maximum and a lower bound: the list's own minimum
    (min-max) or, where ``lower_bounds`` gives one, that fixed bound (theoretical min-max: a
    short list's weakest hit is not pushed to 0). A list whose scores are all equal scales to 1.
    """
    scores: dict[int, float] = {}
    bounds = lower_bounds or [None] * len(rankings)
    for ranking, weight, bound in zip(rankings, weights, bounds):
        if not ranking:
            continue
        values = [s for _, s in ranking]
        hi = max(values)
        lo = min(values) if bound is None else bound
        span = hi - lo
        for item, s in ranking:
            norm = (max(s, lo) - lo) / span if span > 0 else 1.0
            scores[item] = scores.get(item, 0.0) + weight * norm
    return sorted(scores.items(), key=lambda kv: -kv[1])
