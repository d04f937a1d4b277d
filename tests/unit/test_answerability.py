"""The answerability decision: its signals, and the fitted model shipped with the code."""

import json

from backend.domain import ChunkRecord, ScoredChunk
from backend.rag.answerability import FEATURES, MODEL_FILE, AnswerabilityModel, features


def scored(text: str, filename: str = "Warsaw.txt", score: float = 0.8, cosine: float = 0.6):
    return ScoredChunk(ChunkRecord(1, 1, filename, text, None, None, 0), score, cosine)


ANSWERS = scored("Warsaw's first literary cabaret was Momus, opened in 1908. The city grew.")
NEAR_MISS = scored("Warsaw has many theatres. The city grew quickly after 1900.")


def test_the_sentence_holding_the_specific_terms_scores_higher_than_one_on_the_topic():
    question = "What was Warsaw's first literary cabaret?"
    full = dict(zip(FEATURES, features(question, [ANSWERS])))
    near = dict(zip(FEATURES, features(question, [NEAR_MISS])))
    assert full["specific_coverage"] > near["specific_coverage"]
    assert full["coverage"] > near["coverage"]


def test_chinese_questions_get_the_same_signals():
    text = "年假：员工每年有十五天带薪年假。婚假：员工结婚可享受十天婚假。"
    x = dict(zip(FEATURES, features("员工每年有几天带薪年假？", [scored(text, "leave.docx")])))
    assert x["type_asked"] == 1.0 and x["coverage"] > 0.5 and x["typed_specific"] > 0


def test_the_shipped_model_loads_and_ranks_an_answering_passage_above_a_near_miss():
    model = AnswerabilityModel.load()
    data = json.loads(MODEL_FILE.read_text())
    assert tuple(data["features"]) == FEATURES and 0 < model.threshold < 1
    assert "held_out" in data and "fitted_on" in data  # the published operating point
    question = "What was Warsaw's first literary cabaret?"
    assert (model.probability(features(question, [ANSWERS]))
            > model.probability(features(question, [NEAR_MISS])))
    assert not model.answerable(question, [])
