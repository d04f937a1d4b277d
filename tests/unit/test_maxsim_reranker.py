import numpy as np

from backend.adapters.maxsim_reranker import MaxSimReranker
from backend.domain import ChunkRecord, ScoredChunk

AXES = {"hotel": [1, 0, 0], "night": [0, 1, 0], "car": [0, 0, 1]}


class TokenEmbedder:
    """One unit vector per known word: MaxSim is then the share of query words a chunk contains."""

    def token_vectors(self, texts):
        return [np.array([AXES[w] for w in t.split() if w in AXES], dtype=np.float32) for t in texts]


def scored(i, text, score):
    return ScoredChunk(ChunkRecord(i, 1, "f", text, None, None, i), score)


def test_blend_moves_the_better_token_match_up():
    candidates = [scored(1, "car car", 0.9), scored(2, "hotel night", 0.8), scored(3, "night", 0.1)]
    out = MaxSimReranker(TokenEmbedder(), depth=3, weight=0.5).rerank("hotel night", candidates)
    assert [s.chunk.id for s in out] == [2, 1, 3]


def test_weight_zero_keeps_the_fused_order_and_depth_limits_the_work():
    candidates = [scored(1, "car", 0.9), scored(2, "hotel night", 0.8), scored(3, "hotel", 0.7)]
    keep = MaxSimReranker(TokenEmbedder(), depth=3, weight=0.0).rerank("hotel night", candidates)
    assert [s.chunk.id for s in keep] == [1, 2, 3]
    shallow = MaxSimReranker(TokenEmbedder(), depth=2, weight=1.0).rerank("hotel night", candidates)
    assert [s.chunk.id for s in shallow] == [2, 1, 3]  # the third is beyond depth: untouched
