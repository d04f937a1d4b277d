import pytest

from backend.rag.fusion import reciprocal_rank_fusion


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], k=60)
    assert [i for i, _ in fused] == [1, 3, 2, 4]
    assert abs(fused[0][1] - (1 / 61 + 1 / 62)) < 1e-12


def test_rrf_of_one_list_keeps_its_order():
    assert [i for i, _ in reciprocal_rank_fusion([[5, 9, 7]])] == [5, 9, 7]


def test_rrf_of_nothing():
    assert reciprocal_rank_fusion([[], []]) == []


def test_weighted_fusion_normalises_each_list_then_mixes():
    from backend.rag.fusion import weighted_fusion

    bm25 = [(1, 12.0), (2, 6.0), (3, 0.0)]      # normalised: 1.0, 0.5, 0.0
    dense = [(3, 0.9), (2, 0.5), (4, 0.1)]      # normalised: 1.0, 0.5, 0.0
    fused = dict(weighted_fusion([bm25, dense], [0.3, 0.7]))
    assert fused[1] == pytest.approx(0.3) and fused[3] == pytest.approx(0.7)
    assert fused[2] == pytest.approx(0.5) and fused[4] == 0.0
    assert [i for i, _ in weighted_fusion([bm25, dense], [0.3, 0.7])][:2] == [3, 2]


def test_a_lone_hit_is_not_normalised_away():
    from backend.rag.fusion import weighted_fusion

    fused = dict(weighted_fusion([[(7, 1.8)], [(1, 0.6), (7, 0.4), (2, 0.2)]], [0.5, 0.5]))
    assert fused[7] == pytest.approx(0.5 + 0.25) and max(fused, key=fused.get) == 7


def test_theoretical_min_max_uses_the_given_lower_bound():
    from backend.rag.fusion import weighted_fusion

    fused = dict(weighted_fusion([[(1, 8.0), (2, 4.0)]], [1.0], lower_bounds=[0.0]))
    assert fused == {1: 1.0, 2: 0.5}


class _ScoresOnly:
    """Just the two score lookups Retriever.complete uses."""

    def similarity(self, qvec, ids):
        return {i: {1: 0.6, 2: 0.2}[i] for i in ids}

    def keyword_scores(self, query, ids, scope=None):
        return {i: {3: 4.0, 4: 0.0}[i] for i in ids}


def test_weighted_fusion_gets_both_scores_of_every_candidate():
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(_ScoresOnly(), None, 2, FusionConfig("weighted", dense_weight=0.5,
                                                       normalization="tmm"), 0.3, 0.5)
    sparse, dense = [(1, 10.0), (2, 8.0)], [(3, 0.8), (4, 0.7)]
    sparse, dense = r.complete("q", None, sparse, dense, None)
    assert dict(sparse) == {1: 10.0, 2: 8.0, 3: 4.0}  # 4 has no query term: left out, as 0
    assert dict(dense) == {3: 0.8, 4: 0.7, 1: 0.6, 2: 0.2}
    # 1 was only BM25's best; with its real cosine it beats 3, FAISS's best
    assert [i for i, _ in r.fuse(sparse, dense)][:2] == [1, 3]
    rrf = Retriever(_ScoresOnly(), None, 2, FusionConfig("rrf"), 0.3, 0.5)
    assert rrf.complete("q", None, [(1, 1.0)], [(3, 0.5)], None) == ([(1, 1.0)], [(3, 0.5)])


def test_the_gate_admits_term_matches_only_once_a_passage_passed_on_its_own():
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(None, None, 10, FusionConfig(), min_relevance=0.5, dense_only_relevance=0.7)
    ranked = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6)]
    cosine = {1: 0.6, 2: 0.3, 3: 0.2, 4: 0.9}
    bm25 = {1: 3.0, 2: 1.0}  # 3 shares no term with the question
    # 1 passes on its own; 2 shares a term and follows it; 3 does not; 4 is close enough alone
    assert [i for i, _ in r.admit(ranked, cosine, bm25, set(), top_k=5, want=5)] == [1, 2, 4]
    # nothing passed first: a term match alone admits nothing (off-topic questions stay empty)
    assert r.admit([(2, 0.8), (3, 0.7)], cosine, bm25, set(), top_k=5, want=5) == []
    # companions fill top_k at most, not the reranker's deeper pool
    assert [i for i, _ in r.admit(ranked, cosine, bm25, set(), top_k=1, want=5)] == [1, 4]
    # the question is on topic once any passage passes: a term match ranked above it counts too
    # (the best keyword match of a Chinese question, just under the bar on a fused cosine)
    assert [i for i, _ in r.admit([(2, 0.8), (1, 0.7)], cosine, bm25, set(), top_k=5, want=5)] == [2, 1]


def test_a_chinese_question_is_judged_against_its_own_bars():
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(None, None, 10, FusionConfig(), min_relevance=0.5, dense_only_relevance=0.7,
                  chinese_relevance=(0.55, 0.57))
    assert r.bars("How many days of leave?") == (0.5, 0.7)
    assert r.bars("婚假有几天？") == (0.55, 0.57)
    cosine, bm25 = {1: 0.56}, {}
    assert r.admit([(1, 0.9)], cosine, bm25, set(), 5, 5, r.bars("婚假有几天？")) == []
    assert r.admit([(1, 0.9)], {1: 0.58}, bm25, set(), 5, 5, r.bars("婚假有几天？")) == [(1, 0.9)]


def test_an_english_passage_needs_a_translated_term_of_a_chinese_question_below_the_upper_bar():
    """A Chinese question's words are translated for keyword search, so an English passage can
    share a term with it: the gate asks for one, as it does of English questions. Judged as if
    it shared one, an off-topic English paragraph just over the lower bar got in."""
    from backend.rag.expansion import QueryExpansion
    from backend.rag.retrieve import FusionConfig, Retriever

    class Dictionary:
        def expand(self, query):
            return query

    translated = Retriever(None, None, 10, FusionConfig(), 0.5, 0.7, QueryExpansion(Dictionary()),
                           chinese_relevance=(0.55, 0.60))
    untranslated = Retriever(None, None, 10, FusionConfig(), 0.5, 0.7,
                             chinese_relevance=(0.55, 0.60))
    question, english = "路德的著作传到了哪里？", {1, 2}
    assert translated.term_free(question, english) == set()
    assert untranslated.term_free(question, english) == english  # nothing it could share
    assert translated.term_free("Where did Luther's writings reach?", english) == english
    ranked, cosine, bm25 = [(1, 0.9), (2, 0.8)], {1: 0.57, 2: 0.56}, {2: 4.2}  # 2 holds "Luther"
    bars = translated.bars(question)
    assert translated.admit(ranked, cosine, bm25, translated.term_free(question, english), 5, 5,
                            bars) == [(2, 0.8)]
    assert untranslated.admit(ranked, cosine, bm25, untranslated.term_free(question, english),
                              5, 5, bars) == [(1, 0.9), (2, 0.8)]


def test_a_chinese_question_is_scored_by_the_second_model_alone():
    """MiniLM reads only English: a Chinese question's inner product with any fused passage
    vector is the multilingual model's cosine; an English question's is the weighted sum."""
    import numpy as np

    from backend.adapters.fused_embedder import FusedEmbedder

    class Fixed:
        def __init__(self, name, table):
            self.name, self.dimension, self.max_tokens, self.table = name, 2, 128, table

        def embed(self, texts):
            return np.array([self.table[t] for t in texts], dtype=np.float32)

    s = np.sqrt(0.5)
    first = Fixed("en", {"q": [1, 0], "问": [0, 1], "p": [s, s]})
    second = Fixed("multi", {"q": [1, 0], "问": [1, 0], "p": [1, 0]})
    fused = FusedEmbedder(first, second, 0.5)
    p = fused.embed(["p"])[0]
    english, chinese = fused.embed_queries(["q", "问"])
    assert np.isclose(english @ p, 0.5 * s + 0.5 * 1.0)
    assert np.isclose(chinese @ p, 1.0)  # the second model's cosine, whatever the first says
    assert np.allclose(fused.embed_queries(["问"])[0][:2], 0)
    both = FusedEmbedder(first, second, 0.5, primary_english_only=False)
    assert np.isclose(both.embed_queries(["问"])[0] @ p, 0.5 * s + 0.5)
    # an English question is judged against a Chinese passage by the second model alone too
    x = fused.cross_language_query(english)
    assert np.isclose(x @ p, 1.0) and np.allclose(fused.cross_language_query(x), x)


def test_a_passage_in_another_language_is_judged_by_the_multilingual_cosine_and_its_bars():
    """English questions about Chinese READMEs lost their answering passages at the gate: the
    fused cosine of such a pair is half MiniLM's, which reads no Chinese."""
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(None, None, 10, FusionConfig(), min_relevance=0.5, dense_only_relevance=0.7,
                  cross_relevance=(0.78, 0.80))
    ranked, fused_cosine = [(1, 0.9), (2, 0.8)], {1: 0.45, 2: 0.44}
    assert r.admit(ranked, fused_cosine, {}, {1, 2}, 5, 5) == []
    assert r.admit(ranked, fused_cosine, {}, {1, 2}, 5, 5, cross={1: 0.81, 2: 0.70}) == [(1, 0.9)]


def test_a_passage_in_another_script_is_scaled_within_the_dense_list():
    """A multilingual model's cosines lie in a narrow band (e5: 0.80-0.90). Scaled by the best
    alone, every passage in the other script (a link list beside Chinese READMEs) scored about
    0.95 on its cosine and buried the Chinese answer a Chinese question found at keyword rank 2
    and dense rank 4 (fused 0.91). Scaled between the list's weakest and best, such a passage
    keeps its place in the dense list and no more."""
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(None, None, 10, FusionConfig("weighted", normalization="tmm"), 0.3, 0.5)
    dense = [(1, 0.90), (2, 0.89), (3, 0.86), (4, 0.80)]
    ranked = [(1, 0.99), (2, 0.91), (3, 0.40), (4, 0.10)]  # 3, 4: the other script
    question = "SnowNLP 的情感分析训练数据主要来自什么？"
    assert [i for i, _ in r.unblind(ranked, dense, {3, 4}, question)] == [1, 2, 3, 4]
    # still, a foreign passage close to the best cosine rises above a weak keyword match
    assert [i for i, _ in r.unblind([(1, 0.99), (2, 0.5), (3, 0.1)], dense[:3], {2, 3},
                                    question)][:2] == [1, 2]
    # an English question's fused cosine puts a Chinese passage low by construction: scaled by
    # the best alone, it still competes (min-max made it 0 in a collection of four)
    english = r.unblind([(1, 0.9), (2, 0.6), (3, 0.1)], [(1, 0.6), (2, 0.55), (3, 0.5)], {3},
                        "How many days of marriage leave do employees get?")
    assert [i for i, _ in english] == [1, 3, 2]
    # all in the other script (a Chinese question, English documents only): the dense order
    # among them holds, scaled by the best alone
    alone = r.unblind([(2, 0.95), (1, 0.2), (3, 0.3)], [(1, 0.90), (3, 0.89), (2, 0.80)], {1, 2, 3},
                      question)
    assert [i for i, _ in alone] == [1, 3, 2]


def test_an_english_question_ranks_chinese_passages_by_their_keywords_and_the_multilingual_cosine():
    """The figures of "Which dataset was the CnSTD layout analysis model trained on?" over a
    Chinese README: the answer holds the most translated terms (BM25 10.35, the best) but its
    fused cosine, half MiniLM's noise, is the lowest (0.622). Scaled by the best fused cosine
    it ranked below every passage with a higher one; with the multilingual model's own cosine
    scaled between the weakest and best (0.782-0.844) and fused with its keyword score, it
    rises; the passage best on both comes first."""
    from backend.rag.retrieve import FusionConfig, Retriever

    r = Retriever(None, None, 10, FusionConfig("weighted", dense_weight=0.6, normalization="tmm"),
                  0.3, 0.5)
    sparse = [(20, 10.35), (57, 10.17), (76, 9.59), (65, 7.47), (38, 4.22)]
    dense = [(65, 0.751), (76, 0.702), (57, 0.673), (38, 0.665), (20, 0.622)]
    cross = {65: 0.833, 76: 0.828, 57: 0.844, 38: 0.782, 20: 0.826}
    ranked = sorted(((i, 0.4 * dict(sparse)[i] / 10.35 + 0.6 * dict(dense)[i] / 0.751)
                     for i, _ in sparse), key=lambda kv: -kv[1])
    question = "Which dataset was the CnSTD layout analysis model trained on?"
    foreign = set(cross)
    before = [i for i, _ in r.unblind(ranked, dense, foreign, question)]
    assert before.index(20) == 3  # the old ranking: below all three with a higher fused cosine
    after = [i for i, _ in r.unblind(ranked, dense, foreign, question, sparse, cross)]
    assert after.index(20) < before.index(20) and after[0] == 57
    # a passage in the question's own script keeps its fused score
    mixed = r.unblind([(1, 0.7)] + ranked, [(1, 0.9)] + dense, foreign, question, sparse, cross)
    assert (1, 0.7) in mixed
