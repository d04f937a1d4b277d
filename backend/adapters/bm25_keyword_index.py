"""BM25 with rank-bm25 over language-aware terms; the term lists persist as JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from backend.adapters._atomic import write_atomically
from backend.rag.text import tokenize


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


class Bm25KeywordIndex:
    def __init__(self, path: Path, k1: float = 1.5, b: float = 0.75) -> None:
        self.path = path
        self.k1, self.b = k1, b
        self._terms: dict[int, list[str]] = {}
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._terms = {int(k): v for k, v in raw.items()}
        self._bm25: LuceneIdfBM25 | None = None
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._terms)

    def ids(self) -> set[int]:
        return set(self._terms)

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        for i, text in zip(ids, texts):
            self._terms[int(i)] = tokenize(text)
        self._bm25 = None

    def remove(self, ids: Sequence[int]) -> None:
        for i in ids:
            self._terms.pop(int(i), None)
        self._bm25 = None

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        terms = tokenize(query)
        if not terms or not self._terms:
            return []
        if self._bm25 is None:  # rank-bm25 has no incremental update: rebuild after changes
            self._ids = list(self._terms)
            self._bm25 = LuceneIdfBM25([self._terms[i] or [""] for i in self._ids], k1=self.k1, b=self.b)
        scores = self._bm25.get_scores(terms)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[j], float(scores[j])) for j in top if scores[j] > 0]

    def save(self) -> None:
        data = json.dumps(self._terms, ensure_ascii=False)
        write_atomically(self.path, lambda tmp: tmp.write_text(data, encoding="utf-8"))
