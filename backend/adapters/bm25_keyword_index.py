"""BM25 keyword indexes over language-aware terms; the term lists persist as JSON.

Two scorers share one term store: rank-bm25 (scores every chunk in Python) and bm25s (sparse
matrix, milliseconds at 100k chunks). Both use Lucene's BM25.

A search limited to a Scope (what one user may see) is scored with statistics of that scope
alone: document count, document frequencies and average length. Both libraries bake corpus-wide
IDF into their scores, so a forbidden document would otherwise shift a user's scores and ranks.
"""

from __future__ import annotations

import json
import math
import weakref
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from backend.access import Scope
from backend.adapters._atomic import write_atomically
from backend.rag.text import analyzer, analyzer_name


class LuceneIdfBM25(BM25Okapi):
    """Okapi BM25 with Lucene's IDF, log(1 + (N - n + 0.5) / (n + 0.5)).

    rank-bm25's own IDF turns negative for a term in more than half of the chunks, so a small
    knowledge base (one document, or a term on every page) could never match. Lucene's form is
    always positive and is what published BM25 baselines (Anserini/Pyserini) use.
    """

    def _calc_idf(self, nd):
        n = self.corpus_size
        self.idf = {word: math.log(1 + (n - freq + 0.5) / (freq + 0.5)) for word, freq in nd.items()}
        self.average_idf = sum(self.idf.values()) / max(1, len(self.idf))


class _TermStore:
    """Chunk id -> analysed terms, persisted with the analyser that produced them."""

    def __init__(self, path: Path, k1: float, b: float, stem: bool) -> None:
        self.path = path
        self.k1, self.b = k1, b
        self._analyze = analyzer(stem)
        self._analyzer_name = analyzer_name(stem)
        self._terms: dict[int, list[str]] = {}
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            # terms made by another analyser are useless: start empty, reconcile re-adds them
            if isinstance(raw, dict) and raw.get("analyzer") == self._analyzer_name:
                self._terms = {int(k): v for k, v in raw["terms"].items()}
        self._ids: list[int] = []
        self._position: dict[int, int] = {}
        self._last: tuple[list[str], Scope | None, np.ndarray] | None = None  # see _score_all
        self._dirty = True
        # scope -> which of this build's positions it may see; a rebuild starts a new map
        self._masks: weakref.WeakKeyDictionary[Scope, np.ndarray] = weakref.WeakKeyDictionary()
        self._postings = None

    def __len__(self) -> int:
        return len(self._terms)

    def ids(self) -> set[int]:
        return set(self._terms)

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        for i, text in zip(ids, texts):
            self._terms[int(i)] = self._analyze(text)
        self._dirty = True

    def remove(self, ids: Sequence[int]) -> None:
        for i in ids:
            self._terms.pop(int(i), None)
        self._dirty = True

    def search(self, query: str, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        scores = self._score_all(query, scope)
        if scores is None or k <= 0:
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[j], float(scores[j])) for j in top if scores[j] > 0]

    def scores(self, query: str, ids: Sequence[int], scope: Scope | None = None) -> dict[int, float]:
        scores = self._score_all(query, scope)
        if scores is None:
            return {int(i): 0.0 for i in ids if int(i) in self._terms}
        return {int(i): float(scores[self._position[int(i)]]) for i in ids if int(i) in self._position}

    def _score_all(self, query: str, scope: Scope | None) -> np.ndarray | None:
        """Every chunk's score in build order (None: nothing can match).

        The last result is kept: hybrid retrieval asks for the same query's scores twice
        (``search``, then ``scores`` for the dense-only candidates), and rank-bm25 scores every
        chunk in Python. The scope is held, not its id, so a new scope cannot match it.
        """
        terms = self._analyze(query)
        if not terms or not self._terms or (scope is not None and not len(scope)):
            return None
        if self._dirty:  # neither library updates incrementally: rebuild after changes
            self._ids = list(self._terms)
            self._position = {i: j for j, i in enumerate(self._ids)}
            self._build(self._corpus())
            self._dirty, self._postings, self._last = False, None, None
            self._masks = weakref.WeakKeyDictionary()
        if self._last is not None and self._last[0] == terms and self._last[1] is scope:
            return self._last[2]
        scores = self._scores(terms) if scope is None else self._scoped_scores(terms, scope)
        self._last = (terms, scope, scores)
        return scores

    def save(self) -> None:
        data = json.dumps({"analyzer": self._analyzer_name, "terms": self._terms},
                          ensure_ascii=False)
        write_atomically(self.path, lambda tmp: tmp.write_text(data, encoding="utf-8"))

    def _scoped_scores(self, terms: list[str], scope: Scope) -> np.ndarray:
        """Lucene BM25 as if the index held only the scope's chunks."""
        if self._postings is None:
            self._postings = _Postings(self._corpus())
        mask = self._masks.get(scope)
        if mask is None:
            mask = self._masks[scope] = np.isin(np.asarray(self._ids, dtype=np.int64), scope.ids)
        return self._postings.scores(Counter(terms), mask, self.k1, self.b)

    def _corpus(self) -> list[list[str]]:
        # an empty chunk gets one empty term: both libraries need a token per document
        return [self._terms[i] or [""] for i in self._ids]

    def _build(self, corpus: list[list[str]]) -> None:
        raise NotImplementedError

    def _scores(self, terms: list[str]) -> np.ndarray:
        raise NotImplementedError


class RankBm25KeywordIndex(_TermStore):
    def __init__(self, path: Path, k1: float = 0.9, b: float = 0.4, stem: bool = False) -> None:
        super().__init__(path, k1, b, stem)

    def _build(self, corpus):
        self._bm25 = LuceneIdfBM25(corpus, k1=self.k1, b=self.b)

    def _scores(self, terms):
        return self._bm25.get_scores(terms)

    def _scoped_scores(self, terms, scope):
        return super()._scoped_scores(terms, scope) * (self.k1 + 1)  # rank-bm25 keeps (k1 + 1)


class Bm25sKeywordIndex(_TermStore):
    def __init__(self, path: Path, k1: float = 0.9, b: float = 0.4, stem: bool = False) -> None:
        super().__init__(path, k1, b, stem)

    def _build(self, corpus):
        import bm25s

        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        self._bm25.index(corpus, show_progress=False)
        self._vocab = self._bm25.vocab_dict

    def _scores(self, terms):
        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(len(self._ids), dtype=np.float32)
        return self._bm25.get_scores(known)


class _Postings:
    """Term frequencies per term (CSR rows), so any subset of chunks can be scored exactly."""

    def __init__(self, corpus: list[list[str]]) -> None:
        from scipy.sparse import csr_matrix

        vocab: dict[str, int] = {}
        rows, cols, counts = [], [], []
        for position, terms in enumerate(corpus):
            for term, n in Counter(terms).items():
                rows.append(vocab.setdefault(term, len(vocab)))
                cols.append(position)
                counts.append(n)
        self.vocab = vocab
        self.tf = csr_matrix((np.asarray(counts, dtype=np.float32), (rows, cols)),
                             shape=(len(vocab), len(corpus)))
        self.lengths = np.asarray([len(t) for t in corpus], dtype=np.float32)

    def scores(self, query: Counter, mask: np.ndarray, k1: float, b: float) -> np.ndarray:
        scores = np.zeros(len(self.lengths), dtype=np.float32)
        n = int(mask.sum())
        if n == 0:
            return scores
        avg_length = float(self.lengths[mask].mean())
        for term, repeats in query.items():
            row = self.vocab.get(term)
            if row is None:
                continue
            start, end = self.tf.indptr[row], self.tf.indptr[row + 1]
            positions, tf = self.tf.indices[start:end], self.tf.data[start:end]
            keep = mask[positions]
            positions, tf = positions[keep], tf[keep]
            if not len(positions):
                continue
            idf = math.log(1 + (n - len(positions) + 0.5) / (len(positions) + 0.5))
            norm = k1 * (1 - b + b * self.lengths[positions] / avg_length)
            scores[positions] += repeats * idf * tf / (tf + norm)
        return scores
