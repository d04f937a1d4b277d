"""The model reads each passage within a budget of its own tokens, in Chinese as in English,
counted by the real GGUF tokenizer."""

import pytest

from backend.adapters.llamacpp_chat_model import LlamaCppChatModel
from backend.domain import ChunkRecord
from backend.rag.evidence import evidence_window
from backend.rag.prompt import build_messages
from backend.settings import Settings

EN_FILLER = " ".join(f"Sentence number {i} is about the weather in spring." for i in range(12))
EN = EN_FILLER + " Employees who use their own car are reimbursed 0.30 euros per kilometre. " + EN_FILLER
ZH_FILLER = "这是一段关于天气的说明，和报销没有关系。" * 12
ZH = ZH_FILLER + "出差期间每天的餐费补贴是一百五十元。" + ZH_FILLER
CASES = [("How much is the car mileage reimbursement?", EN, "0.30 euros per kilometre"),
         ("出差每天的餐费补贴是多少？", ZH, "一百五十元")]


@pytest.fixture(scope="module")
def model() -> LlamaCppChatModel:
    s = Settings()
    return LlamaCppChatModel(s.llm_model_path, s.llm_context_window, 1, s.llm_temperature)


@pytest.mark.parametrize("question,text,fact", CASES)
def test_a_window_holds_the_fact_within_the_token_budget(model, question, text, fact):
    window = evidence_window(question, text, None, 100, length=model.count_tokens)
    assert fact in window
    assert model.count_tokens(window) <= 100


def test_a_chinese_prompt_is_no_longer_than_an_english_one_for_the_same_budget(model):
    """Counted in characters, the Chinese passages made a prompt about three times as long."""
    sizes = {}
    for question, text, _ in CASES:
        chunks = [ChunkRecord(i, i, f"doc{i}.txt", text, None, None, 0) for i in range(5)]
        messages, used = build_messages(question, chunks, model.count_tokens, 1792, 100)
        assert len(used) == 5
        sizes[question] = sum(model.count_tokens(m["content"]) for m in messages)
    english, chinese = sizes[CASES[0][0]], sizes[CASES[1][0]]
    assert chinese <= english * 1.15, sizes
