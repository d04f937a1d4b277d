"""The evidence gate and a short question about one sentence of a passage on something else,
through the real models (MiniLM + multilingual-e5, FAISS, BM25): the passage's cosine mixes
all it says and fell under the bar; its closest sentence lets it through
(``Retriever.close_sentences``)."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings

pytestmark = pytest.mark.slow

AWARDS = ("Harbour Film Awards 2025\n\nA sea drama won best picture at the Harbour Film Awards. "
          "Mira Tal won Best Actor for the film Salt. In H1 2025 ticket sales were 4.2 million "
          "euros.")
TRAVEL = ("# Travel\n\nTrains are booked in second class. The hotel limit is 180 euros per night "
          "in Germany. Taxis need a receipt.\n\n# Leave\n\nEveryone gets 25 days of paid leave.")


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("sentence-gate")
    (data / "awards.txt").write_text(AWARDS, encoding="utf-8")
    (data / "travel.md").write_text(TRAVEL, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths([data / "awards.txt", data / "travel.md"])
    return c


@pytest.mark.parametrize("question", ["What were ticket sales in H1 2025?",
                                      "What were ticket sales in the first half of 2025?"])
def test_a_short_question_about_one_sentence_finds_its_passage(container, question):
    retriever = container.retriever
    assert [h.chunk.filename for h in retriever.retrieve(question, 3).chunks][:1] == ["awards.txt"]
    bar, retriever.sentence_relevance = retriever.sentence_relevance, None
    try:  # the failure this fixes: the passage's cosine alone kept it out
        assert retriever.retrieve(question, 3).chunks == []
    finally:
        retriever.sentence_relevance = bar
    answer = container.answers.answer(question, 5)
    assert answer.mode != "none" and answer.citations
    cited = answer.citations[0]
    start, end = cited.span
    assert cited.chunk.filename == "awards.txt"
    assert "4.2 million euros" in cited.chunk.text[start:end]


@pytest.mark.parametrize("question", ["What is the capital of Mongolia?",
                                      "Who won the 2021 Super Bowl?",
                                      "How many tickets did the Louvre sell?"])
def test_an_off_topic_question_still_gets_nothing(container, question):
    assert container.retriever.retrieve(question, 3).chunks == []
    assert container.answers.answer(question, 5).mode == "none"


def test_the_bar_is_calibrated_per_dense_model_and_can_be_turned_off():
    assert Settings().sentence_relevance_threshold() == 0.69  # MiniLM + e5 at 0.5
    assert Settings(multilingual_weight=0).sentence_relevance_threshold() == 0.545
    assert Settings(embedder="use-multilingual").sentence_relevance_threshold() is None
    assert Settings(sentence_relevance=0.8).sentence_relevance_threshold() == 0.8
    assert Settings(sentence_relevance=2).sentence_relevance_threshold() is None


def test_the_title_line_of_a_plain_text_note_heads_its_sentences(container):
    """Ingested, retrieved and quoted for real: the note's first line ("Harbour Film Awards
    2025") heads its paragraph, so the Best Actor sentence, not the best-picture one writing
    the awards' name, answers (``text.is_title_line``)."""
    answer = container.answers.answer("Which actor won Best Actor at the Harbour Film Awards?", 5)
    assert answer.mode != "none" and answer.citations
    cited = answer.citations[0]
    start, end = cited.span
    assert cited.chunk.filename == "awards.txt"
    assert "Mira Tal" in cited.chunk.text[start:end]
    assert "Mira Tal" in answer.answer
