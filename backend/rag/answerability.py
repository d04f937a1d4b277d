"""Do these passages answer this question? A calibrated decision, before the model runs.

Signals that work in Chinese and English alike (terms are stemmed words or CJK bigrams):
- coverage: the largest share of the question's terms that one passage sentence (with its
  section heading) holds;
- typed: whether that sentence states the kind of fact asked for (a figure for "how many",
  多少; a date for "when", 何時; a name for "who"; a place for "where"), and whether one is asked;
- retrieval: the best passage's fused-and-reranked score and its cosine similarity.

A logistic model over these is fitted by ``scripts/calibrate_answerability.py`` on public data
with both answerable and unanswerable questions (XQuAD with the answer sentences of near-miss
questions withheld, RGB English with only answer-free passages for half of the questions),
never on the sample company's files; its weights and the chosen operating point live in
``answerability.json`` beside this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from backend.domain import ScoredChunk
from backend.rag.answer_types import answer_type, states
from backend.rag.citations import held_forms, terms
from backend.rag.compounds import written_split
from backend.rag.text import Alternatives, has_cjk, mostly_cjk, sentence_spans

FEATURES = ("coverage", "specific_coverage", "typed_specific", "type_asked", "score", "cosine")
MODEL_FILE = Path(__file__).with_name("answerability.json")


def features(question: str, passages: Sequence[ScoredChunk], focus: str = "",
             alternatives: Alternatives | None = None) -> list[float]:
    """The signals above for the passages the model would read (best first).

    "Specific" terms are the question's terms that are not in the passage's file name: in a
    document about Warsaw, every sentence matches "Warsaw", and only the rest of the question
    ("first literary cabaret") tells the sentence that answers from one on the same topic. The
    section heading counts as part of each sentence under it (a sentence under "Mileage").
    A follow-up's ``focus`` is what is specific about it. ``alternatives`` give a question
    term's translations (backend/rag/bilingual.py): an English question is covered by a Chinese
    sentence holding its terms in Chinese, and the reverse.
    """
    alternatives = alternatives or {}
    asked = terms(question)
    # a Chinese question's bigrams that span two words (是哪, 年去) have no translation: an
    # English sentence cannot hold them, so they do not count against it
    translatable = frozenset(t for t in asked if not has_cjk(t) or t in alternatives)
    chinese = mostly_cjk(question)
    kind = answer_type(question)
    best = (0.0, 0.0, 0.0)  # (coverage, specific coverage, typed x specific coverage)
    for p in passages:
        foreign = chinese and not mostly_cjk(p.chunk.text)
        q = translatable if foreign else asked
        heading = terms(p.chunk.section or "")
        own = terms(focus) if focus else q
        if foreign:  # the follow-up's own words, too, count only where they translate
            own = frozenset(t for t in own if not has_cjk(t) or t in alternatives)
        specific = own - terms(p.chunk.filename.rsplit(".", 1)[0])
        for start, end in sentence_spans(p.chunk.text):
            sentence = p.chunk.text[start:end]
            own_words = terms(sentence) | written_split(question, sentence, terms)
            have = own_words | heading
            coverage = len(held_forms(q, have, own_words, alternatives)) / len(q) if q else 0.0
            spec = (len(held_forms(specific, have, own_words, alternatives)) / len(specific)
                    if specific else coverage)
            typed = float(kind != "other" and states(kind, sentence, question))
            candidate = (coverage, spec, typed * spec)
            if sum(candidate) > sum(best):
                best = candidate
    # the best-scored passage: MaxSim leaves passages the English model cannot read in their
    # fused places, so a mixed head need not be in descending order
    top = max(passages, key=lambda p: p.score) if passages else None
    return [*best, float(kind != "other"),
            float(top.score) if top else 0.0, float(top.dense_score or 0.0) if top else 0.0]


@dataclass(frozen=True)
class AnswerabilityModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float  # least probability of "answerable" to let the model answer

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerabilityModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path} was fitted on features {data['features']}, not {FEATURES}")
        return cls(tuple(data["weights"]), data["bias"], data["threshold"])

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def answerable(self, question: str, passages: Sequence[ScoredChunk], focus: str = "",
                   alternatives: Alternatives | None = None) -> bool:
        return bool(passages) and self.probability(
            features(question, passages, focus, alternatives)) >= self.threshold
