"""The evidence gate for an English question and Chinese passages, through the real models
(MiniLM + multilingual-e5, FAISS): such a pair is judged on e5's own cosine, since the fused
one halves it with MiniLM's, which reads no Chinese. Query translation is off here, so no
translated term can carry the question: only the cosine does."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings
from tests.integration.chinese_notes import NOTES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("cross-gate")
    docs = data / "docs"
    docs.mkdir()
    for name, text in NOTES.items():
        (docs / name).write_text(text, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", query_translation="off"))
    c.ingestor.ingest_paths(sorted(docs.iterdir()))
    return c


@pytest.mark.parametrize("question, expected", [
    ("How do I convert traditional characters into simplified characters?", "notes-4.txt"),
    ("Can it return every reading of a character with several pronunciations?", "notes-3.txt"),
])
def test_an_english_question_is_let_through_to_its_chinese_passage(container, question, expected):
    retriever = container.retriever
    found = [h.chunk.filename for h in retriever.retrieve(question, 3).chunks]
    assert expected in found
    bars, retriever.cross_relevance = retriever.cross_relevance, None
    try:  # the failure this fixes: the fused cosine alone kept the passage out
        assert expected not in [h.chunk.filename for h in retriever.retrieve(question, 3).chunks]
    finally:
        retriever.cross_relevance = bars


def test_an_off_topic_english_question_still_gets_nothing(container):
    for question in ("What is the capital of Mongolia?", "Who won the 2021 Super Bowl?"):
        assert container.retriever.retrieve(question, 3).chunks == []
