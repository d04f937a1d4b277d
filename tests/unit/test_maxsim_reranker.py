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


def test_a_chinese_question_keeps_the_fused_order_with_an_english_model():
    """MiniLM's word pieces of a Chinese question mean nothing; a multilingual model's do."""
    AXES.update({"酒店": [1, 0, 0], "夜": [0, 1, 0], "车": [0, 0, 1]})
    candidates = [scored(1, "车 车", 0.9), scored(2, "酒店 夜", 0.8)]
    kept = MaxSimReranker(TokenEmbedder(), depth=2, weight=1.0).rerank("酒店 夜", candidates)
    assert [s.chunk.id for s in kept] == [1, 2]
    read = MaxSimReranker(TokenEmbedder(), depth=2, weight=1.0, english_only=False).rerank(
        "酒店 夜", candidates)
    assert [s.chunk.id for s in read] == [2, 1]


class Recording(TokenEmbedder):
    def __init__(self):
        self.seen = []

    def token_vectors(self, texts):
        self.seen += texts
        return super().token_vectors(texts)


def test_passages_in_another_script_are_not_encoded_and_keep_their_fused_place():
    """An English model's word pieces of a Chinese passage cost time and compare nothing."""
    embedder = Recording()
    candidates = [scored(1, "车 车 车", 0.9), scored(2, "hotel night", 0.5), scored(3, "car", 0.6),
                  scored(4, "酒店 夜 酒店", 0.1)]
    out = MaxSimReranker(embedder, depth=4, weight=0.5).rerank("hotel night", candidates)
    assert embedder.seen == ["hotel night", "hotel night", "car"]
    assert [s.chunk.id for s in out] == [1, 2, 3, 4]
    embedder.seen.clear()
    chinese_only = [scored(1, "车 车", 0.9), scored(2, "酒店 夜", 0.8)]
    out = MaxSimReranker(embedder, depth=2, weight=0.5).rerank("hotel night", chinese_only)
    assert embedder.seen == [] and [s.chunk.id for s in out] == [1, 2]


def test_a_passage_in_another_script_keeps_its_place_while_the_others_are_reordered():
    """Put on one scale with the English passages' MaxSim, a Chinese passage fusion ranked
    third fell to fourth (out of a top 3) behind English passages that merely share words."""
    candidates = [scored(1, "car", 1.0), scored(2, "hotel car car", 0.9),
                  scored(3, "酒店 夜 酒店", 0.5), scored(4, "hotel night car", 0.45),
                  scored(5, "hotel night", 0.0)]
    out = MaxSimReranker(TokenEmbedder(), depth=5, weight=0.5).rerank("hotel night", candidates)
    assert [s.chunk.id for s in out][2] == 3
    assert [s.chunk.id for s in out] == [4, 2, 3, 1, 5]
