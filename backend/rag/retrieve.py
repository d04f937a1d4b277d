"""Hybrid retrieval: BM25 and dense candidates, fused, reranked, gated by relevance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from backend.access import Scope
from backend.domain import ScoredChunk
from backend.knowledge import KnowledgeBase
from backend.ports import Reranker, cross_language_query, embed_queries
from backend.rag.fusion import reciprocal_rank_fusion, weighted_fusion
from backend.rag.expansion import QueryExpansion
from backend.rag.citations import terms
from backend.rag.text import mostly_cjk, sentence_spans

MODES = ("bm25", "dense", "hybrid", "hybrid+rerank")


def most_shared(asked: frozenset[str], said: list[frozenset[str]]) -> int | None:
    """The index of the sentence (given by its terms) sharing most of the question's terms, the
    first of equals; None when none shares one. The gate's closest-sentence look and its
    calibration (scripts/calibrate_gate.py) pick by this one rule."""
    shared = [len(asked & t) for t in said]
    return shared.index(max(shared)) if shared and max(shared) else None


@dataclass
class Retrieval:
    chunks: list[ScoredChunk]
    timings_ms: dict[str, float] = field(default_factory=dict)
    keyword_query: str = ""  # what BM25 searched: the query and its translations


@dataclass
class FusionConfig:
    method: str = "rrf"  # "rrf" or "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.5  # weighted: BM25 gets 1 - dense_weight
    normalization: str = "minmax"  # weighted: "minmax", or "tmm" (lower bound 0 for both scores)


class Retriever:
    def __init__(self, kb: KnowledgeBase, reranker: Reranker, candidates: int,
                 fusion: FusionConfig, min_relevance: float, dense_only_relevance: float,
                 expansion: QueryExpansion | None = None,
                 chinese_relevance: tuple[float, float] | None = None,
                 cross_relevance: tuple[float, float] | None = None,
                 sentence_relevance: float | None = None) -> None:
        """``expansion``: the other forms of the query's words that keyword search looks for
        (default: the other spelling only, no translation); ``chinese_relevance``: (min,
        dense-only) bars for a mostly Chinese question, whose dense score comes from another
        model (see FusedEmbedder.embed_queries);
        ``cross_relevance``: the bars for that model's cosine of an English question and a
        Chinese passage (``cross_language_cosines``); ``sentence_relevance``: the bar of
        ``close_sentences`` (None: off)."""
        self.kb = kb
        self.expansion = expansion or QueryExpansion()
        self.reranker = reranker
        self.candidates = candidates
        self.fusion = fusion
        self.min_relevance = min_relevance
        self.dense_only_relevance = dense_only_relevance
        self.chinese_relevance = chinese_relevance
        self.cross_relevance = cross_relevance
        self.sentence_relevance = sentence_relevance

    def bars(self, query: str) -> tuple[float, float]:
        """(min, dense-only) cosine bars of the gate for ``query``."""
        if self.chinese_relevance is not None and mostly_cjk(query):
            return self.chinese_relevance
        return self.min_relevance, self.dense_only_relevance

    @staticmethod
    def _is_evidence(cosine: float | None, term_match: bool, bars: tuple[float, float]) -> bool:
        """Relevant enough to show: semantically close, and either lexically matched or very close.

        Cosine alone is noisy for short off-topic questions (MiniLM gives ~0.3 to unrelated
        text); requiring a BM25 term match below the dense-only bar removes those.
        """
        cosine = cosine or 0.0
        low, high = bars
        return cosine >= high or (cosine >= low and term_match)

    def admit(self, ranked: list[tuple[int, float]], cosine: dict[int, float],
              bm25: dict[int, float], term_free: set[int], top_k: int, want: int,
              bars: tuple[float, float] | None = None,
              cross: dict[int, float] | None = None,
              close: frozenset[int] = frozenset()) -> list[tuple[int, float]]:
        """The gate, in rank order: a passage is evidence on its own (``_is_evidence``; one of
        ``term_free``, in another script than the question with no translation searched, is
        judged as if a term matched, none can be expected), or it shares a term with the
        question (translations included) while the head holds fewer than ``top_k``, once any
        passage in the ranking was evidence on its own (above or below it). Once a passage has
        shown the question is on topic, the cosine of one model per pair of languages is no
        longer the bar: the fused cosine of an English question and a Chinese passage is low by
        construction (MiniLM reads only English), which cost cross-language questions their
        answering passages. ``cross``: the multilingual model's own cosine for passages in
        another language than the question, judged against that model's bars
        (``cross_relevance``). ``close``: passages evidence on their own by a sentence
        (``close_sentences``)."""
        bars = bars or (self.min_relevance, self.dense_only_relevance)
        cross = cross or {}
        cross_bars = self.cross_relevance or bars
        matched = [bm25.get(i, 0.0) > 0 for i, _ in ranked]
        evidence = [i in close or (self._is_evidence(cross[i], True, cross_bars) if i in cross
                                   else self._is_evidence(cosine.get(i), m or i in term_free, bars))
                    for (i, _), m in zip(ranked, matched)]
        on_topic = any(evidence)
        head: list[tuple[int, float]] = []
        for (i, score), m, alone in zip(ranked, matched, evidence):
            if alone or (on_topic and m and len(head) < top_k):
                head.append((i, score))
                if len(head) == want:
                    break
        return head

    def close_sentences(self, query: str, qvec: np.ndarray, ranked: list[tuple[int, float]],
                        bm25: dict[int, float], foreign: set[int],
                        tries: int = 3) -> frozenset[int]:
        """The passages whose one sentence is close to the question, for a gate that let none
        through: of the best ``tries`` passages sharing a term with an English question, those
        whose sentence sharing most of its terms has a cosine of at least
        ``sentence_relevance``. A passage's cosine mixes all it says; a short question about
        one sentence of a passage on something else ("What were ticket sales in H1 2025?" of a
        note on a film award) scored under the bar though the sentence alone is close
        (0.53 against 0.83). The bar admits off-topic pairs no more often than the passage
        bars (scripts/calibrate_gate.py --sentences)."""
        if self.sentence_relevance is None or mostly_cjk(query):
            return frozenset()
        ids = [i for i, _ in ranked if bm25.get(i, 0.0) > 0 and i not in foreign][:tries]
        records = self.kb.chunks(ids)
        asked = terms(query)
        picked: list[tuple[int, str]] = []
        for i in ids:
            if i not in records:
                continue
            text = records[i].text
            sentences = [text[a:b] for a, b in sentence_spans(text)]
            best = most_shared(asked, [terms(s) for s in sentences])
            if best is not None:
                picked.append((i, sentences[best]))
        if not picked:
            return frozenset()
        vectors = self.kb.embedder.embed([s for _, s in picked])
        return frozenset(i for (i, _), v in zip(picked, vectors)
                         if float(v @ qvec) >= self.sentence_relevance)

    def fuse(self, sparse: list[tuple[int, float]], dense: list[tuple[int, float]]):
        if self.fusion.method == "weighted":
            w = self.fusion.dense_weight
            bounds = [0.0, 0.0] if self.fusion.normalization == "tmm" else None
            return weighted_fusion([sparse, dense], [1.0 - w, w], bounds)
        return reciprocal_rank_fusion([[i for i, _ in sparse], [i for i, _ in dense]],
                                      k=self.fusion.rrf_k)

    def complete(self, query: str, qvec: np.ndarray, sparse: list[tuple[int, float]],
                  dense: list[tuple[int, float]], scope: Scope | None):
        """For weighted fusion, both scores of every candidate: one that only BM25 found gets its
        exact cosine, one that only FAISS found its BM25 score, instead of counting as 0 in the
        list it fell off (SciFact train nDCG@10 0.7365 -> 0.7425). Ranks mean nothing outside
        a list, so RRF gets the lists as they are."""
        if self.fusion.method != "weighted":
            return sparse, dense
        in_sparse, in_dense = dict(sparse), dict(dense)
        cosine = self.kb.similarity(qvec, [i for i in in_sparse if i not in in_dense])
        bm25 = self.kb.keyword_scores(query, [i for i in in_dense if i not in in_sparse], scope)
        return (sparse + [(i, s) for i, s in bm25.items() if s > 0], dense + list(cosine.items()))

    def foreign(self, query: str, ids: list[int]) -> set[int]:
        """The passages written in another script than the question (an English question and a
        Chinese passage, or the reverse): they can hardly share its words."""
        return self.kb.written_in(ids, cjk=not mostly_cjk(query))

    def term_free(self, query: str, foreign: set[int]) -> set[int]:
        """The passages the gate judges as if they shared a term with the question: those in
        another script, unless the question is Chinese and its words are translated, so an
        English passage can hold them (its bars, ``chinese_relevance``, were calibrated on that
        rule, as MiniLM's on English questions: scripts/calibrate_gate.py --zh)."""
        return set() if self.expansion.translates and mostly_cjk(query) else foreign

    def unblind(self, ranked: list[tuple[int, float]], dense: list[tuple[int, float]],
                foreign: set[int], query: str, sparse: list[tuple[int, float]] = (),
                cross: dict[int, float] | None = None,
                scale: dict[int, float] | None = None) -> list[tuple[int, float]]:
        """A passage in another script than the question has its keyword score count only where
        it helps: its fused score is at least its scaled dense score alone. Otherwise every
        passage in the question's language outranks it on shared words ("employees", "year")
        however close the other passage's meaning is.

        For a Chinese question among passages in its own script, the dense score is scaled
        between the list's weakest and best cosine: its vector is e5's alone, whose cosines lie
        in a narrow band, so scaled by the best alone every link list in Latin letters came out
        near the top and buried the answer. Otherwise it is scaled by the best alone: among
        passages all in the other script this keeps the dense model's order, and an English
        question's fused cosine puts every Chinese passage low by construction (MiniLM reads no
        Chinese), which min-max would push to the bottom of a small collection.

        For an English question with ``cross`` (the multilingual model's own cosine of each
        Chinese passage), a Chinese passage scores at least its keyword score fused with that
        cosine scaled between the weakest and best of ``scale`` (the same model's cosine of
        every candidate, English ones included, so the best Chinese passage is not made the
        best of all): the fused cosine halves it with MiniLM's, noise for Chinese text, in a
        band so narrow that the dense order alone decided and a passage holding every
        translated term fell to rank 9 or 13."""
        if self.fusion.method != "weighted" or not dense or not foreign:
            return ranked
        scale = scale or cross
        if cross and scale and max(scale.values()) > min(scale.values()):
            return self._unblind_by_cross(ranked, sparse, cross, scale)
        spread = mostly_cjk(query) and any(i not in foreign for i, _ in ranked)
        top = max(s for _, s in dense)
        low = min(s for _, s in dense) if spread else 0.0
        if top <= low:
            return ranked
        scaled = {i: (s - low) / (top - low) for i, s in dense}
        rescored = [(i, max(s, scaled.get(i, 0.0)) if i in foreign else s) for i, s in ranked]
        return sorted(rescored, key=lambda kv: -kv[1])

    def _unblind_by_cross(self, ranked: list[tuple[int, float]], sparse: list[tuple[int, float]],
                          cross: dict[int, float], scale: dict[int, float]
                          ) -> list[tuple[int, float]]:
        w = self.fusion.dense_weight
        bm25 = dict(sparse)
        bm25_top = max(bm25.values(), default=0.0) or 1.0
        low, top = min(scale.values()), max(scale.values())

        def score(i: int, fused: float) -> float:
            if i not in cross:
                return fused
            own = (1 - w) * bm25.get(i, 0.0) / bm25_top + w * (cross[i] - low) / (top - low)
            return max(fused, own)

        return sorted(((i, score(i, s)) for i, s in ranked), key=lambda kv: -kv[1])

    def cross_language_cosines(self, query: str, qvec: np.ndarray, ranked: list[tuple[int, float]],
                               foreign: set[int], everyone: bool = False) -> dict[int, float]:
        """For an English question, the multilingual model's own cosine with each Chinese
        passage of the ranking: the fused cosine halves it with MiniLM's, which reads no
        Chinese, so it says little about such a pair. (A Chinese question's vector already is
        that model's alone.) With ``everyone``, the English passages' cosines too."""
        if self.cross_relevance is None or not foreign or mostly_cjk(query):
            return {}
        vector = cross_language_query(self.kb.embedder, qvec)
        if vector is None:
            return {}
        return self.kb.similarity(vector, [i for i, _ in ranked if everyone or i in foreign])

    def retrieve(self, query: str, top_k: int, mode: str = "hybrid+rerank", gate: bool = True,
                 depth: int | None = None, query_vector: np.ndarray | None = None,
                 scope: Scope | None = None) -> Retrieval:
        """The top_k passages for ``query``; with ``gate``, only those that are evidence.

        ``depth`` candidates come from each retriever (default: the configured number). Only the
        passages that can still be returned are loaded from the store. With ``scope``, both
        retrievers search only the scope's chunks, so nothing outside it is ranked, reranked,
        cited or counted.
        """
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; one of {', '.join(MODES)}")
        depth = depth or self.candidates
        t0 = time.perf_counter()
        self.kb.refresh_if_changed()
        qvec = embed_queries(self.kb.embedder, [query])[0] if query_vector is None else query_vector
        terms = self.expansion.keyword_query(query)
        sparse = self.kb.keyword_search(terms, depth, scope) if mode != "dense" else []
        dense = self.kb.dense_search(qvec, depth, scope) if mode != "bm25" else []
        if scope is not None and scope.resolved:
            # the indexes already filtered; where the ids are at hand, guard against a faulty
            # adapter (an engine filters by groups and never needs them resolved)
            sparse = [(i, s) for i, s in sparse if i in scope]
            dense = [(i, s) for i, s in dense if i in scope]
        bm25_rank = {i: r for r, (i, _) in enumerate(sparse, start=1)}
        dense_rank = {i: r for r, (i, _) in enumerate(dense, start=1)}
        if mode in ("bm25", "dense"):
            ranked = (sparse if mode == "bm25" else dense)[:depth]
            foreign = self.foreign(query, [i for i, _ in ranked]) if gate else set()
            cross = self.cross_language_cosines(query, qvec, ranked, foreign) if gate else {}
        else:
            sparse, dense = self.complete(terms, qvec, sparse, dense, scope)
            ranked = self.fuse(sparse, dense)
            foreign = self.foreign(query, [i for i, _ in ranked])
            scale = self.cross_language_cosines(query, qvec, ranked, foreign, everyone=True)
            cross = {i: c for i, c in scale.items() if i in foreign}
            ranked = self.unblind(ranked, dense, foreign, query, sparse, cross, scale)[:depth]
        bm25 = dict(sparse)
        cosine = dict(dense)  # the dense search already scored its own candidates
        reranking = mode == "hybrid+rerank"
        want = max(top_k, getattr(self.reranker, "depth", 0)) if reranking else top_k

        if gate or reranking:  # BM25-only hits get a dense score too, all in one call
            cosine.update(self.kb.similarity(qvec, [i for i, _ in ranked if i not in cosine]))
        free = self.term_free(query, foreign) if gate else set()
        bars = self.bars(query)
        head = (self.admit(ranked, cosine, bm25, free, top_k, want, bars, cross)
                if gate else ranked[:want])
        if gate and not head:  # the gate again, cheap: the close passages count as evidence
            close = self.close_sentences(query, qvec, ranked, bm25, foreign)
            if close:
                head = self.admit(ranked, cosine, bm25, free, top_k, want, bars, cross, close)
        records = self.kb.chunks([i for i, _ in head])
        scored = [ScoredChunk(records[i], score, cosine.get(i), bm25_rank.get(i), dense_rank.get(i))
                  for i, score in head if i in records]
        t1 = time.perf_counter()
        if reranking:
            scored = self.reranker.rerank(query, scored)
        t2 = time.perf_counter()
        return Retrieval(scored[:top_k], {"retrieve": (t1 - t0) * 1000, "rerank": (t2 - t1) * 1000},
                         terms)
