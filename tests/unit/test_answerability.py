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


def test_a_sentence_writing_another_form_of_a_term_covers_it():
    """"What happens if I lose my laptop?" was refused (0.43 against 0.45): "Lost or stolen
    laptops must be reported…" held "laptop" and not "lose", as the quote's matching already
    read it; a heading names a topic and lends no word form."""
    question = "What happens if I lose my laptop?"
    policy = scored("Lost or stolen laptops must be reported within 24 hours.", "policy.txt")
    x = dict(zip(FEATURES, features(question, [policy])))
    assert x["coverage"] == 0.5 and x["specific_coverage"] == 0.5
    assert AnswerabilityModel.load().answerable(question, [policy])
    headed = ScoredChunk(ChunkRecord(1, 1, "policy.txt", "Report it within 24 hours.", None,
                                     "Lost laptops", 0), 0.8, 0.6)
    assert dict(zip(FEATURES, features(question, [headed])))["coverage"] == 0.25


def test_chinese_questions_get_the_same_signals():
    text = "年假：员工每年有十五天带薪年假。婚假：员工结婚可享受十天婚假。"
    x = dict(zip(FEATURES, features("员工每年有几天带薪年假？", [scored(text, "leave.docx")])))
    assert x["type_asked"] == 1.0 and x["coverage"] > 0.5 and x["typed_specific"] > 0


def test_the_retrieval_signals_come_from_the_best_scored_passage_wherever_it_stands():
    """MaxSim leaves a passage the English model cannot read in its fused place, so a mixed
    head can start with a lower score than a later passage: the signals must not read the
    first passage as if it were the best."""
    chinese = scored("员工每年有十五天带薪年假。", "leave.docx", score=0.4, cosine=0.5)
    english = scored("Warsaw has many theatres.", score=0.9, cosine=0.7)
    x = dict(zip(FEATURES, features("What was Warsaw's first literary cabaret?", [chinese, english])))
    assert (x["score"], x["cosine"]) == (0.9, 0.7)


def test_the_shipped_model_loads_and_ranks_an_answering_passage_above_a_near_miss():
    model = AnswerabilityModel.load()
    data = json.loads(MODEL_FILE.read_text())
    assert tuple(data["features"]) == FEATURES and 0 < model.threshold < 1
    assert "held_out" in data and "fitted_on" in data  # the published operating point
    question = "What was Warsaw's first literary cabaret?"
    assert (model.probability(features(question, [ANSWERS]))
            > model.probability(features(question, [NEAR_MISS])))
    assert not model.answerable(question, [])


def test_a_chinese_question_is_covered_by_an_english_sentence_through_its_translatable_terms():
    """Bigrams spanning two words (是哪, 年去) have no translation and cannot count against an
    English sentence; the ones that translate do."""
    from backend.domain import ChunkRecord, ScoredChunk
    from backend.rag.answerability import features
    from backend.rag.citations import terms

    question = "特斯拉是哪一年去世的？"
    passage = ScoredChunk(ChunkRecord(1, 1, "physics.txt", "Tesla died in 1943 in New York.",
                                      None, None, 0), 0.9, 0.6)
    alternatives = {t: [frozenset({"tesla"})] for t in terms("特斯拉")}
    alternatives |= {t: [frozenset({"die"}), frozenset({"death"})] for t in terms("去世")}
    covered = features(question, [passage], "", alternatives)[0]
    assert covered == 1.0  # every translatable term is in the sentence
    chinese = ScoredChunk(ChunkRecord(2, 2, "物理.txt", "特斯拉的实验室在纽约。", None, None, 0), 0.9, 0.6)
    assert features(question, [chinese], "", alternatives)[0] < 0.5  # same script: all bigrams count


def test_a_chinese_follow_ups_own_words_count_against_an_english_sentence_only_where_they_translate():
    """"他在大众文化中的形象是什么？" after a question on Tesla: its bigrams that span two words
    (化中, 的形) cannot be in an English sentence; counting them refused an answering passage."""
    from backend.rag.citations import terms

    question, focus = "特斯拉在大众文化中的形象是什么？", "他在大众文化中的形象是什么？"
    passage = scored("Tesla earned a reputation in popular culture as a mad scientist.",
                     "physics.txt")
    alternatives = {t: [frozenset({"tesla"})] for t in terms("特斯拉")}
    alternatives |= {t: [frozenset({"cultur"})] for t in terms("文化")}
    alternatives |= {t: [frozenset({"popular"})] for t in terms("大众")}
    specific = dict(zip(FEATURES, features(question, [passage], focus, alternatives)))
    assert specific["specific_coverage"] == 1.0  # 大众 and 文化: the follow-up's words that translate
