"""A question naming something the documents never mention, through the real models (MiniLM +
multilingual-e5, FAISS, BM25): tennis results share "won", "title" and the year with a question
about the Ekstraklasa, and a Chinese OCR note shares its words with a question about another
tool. The passages are about something else, so the answer is "not covered", never a quote of
them (``answer.names_unseen``); what they do name is answered."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings

pytestmark = pytest.mark.slow

RESULTS = ("Tennis results\n\n"
           "Carlos Alcaraz beat Novak Djokovic in five sets to win the 2023 Wimbledon "
           "Championships men's singles title.\n\n"
           "Ashleigh Barty won the 2021 Wimbledon Championships ladies' singles title, defeating "
           "Karolina Pliskova in the final.")
OCR_NOTE = "CnOCR 支持竖排文字识别，调用时指定竖排识别模型即可。CnOCR 也支持繁体中文识别。"


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("unseen-name")
    (data / "tennis.txt").write_text(RESULTS, encoding="utf-8")
    (data / "ocr_notes.txt").write_text(OCR_NOTE, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths([data / "tennis.txt", data / "ocr_notes.txt"])
    return c


@pytest.mark.parametrize("question, found", [
    ("Who won the Ekstraklasa title in 2021?", "tennis.txt"),
    ("Who did the Ekstraklasa champions defeat in the 2021 final?", "tennis.txt"),
    ("请问 PaddleOCR 是否支持竖排文字识别？", "ocr_notes.txt"),
])
def test_a_name_no_document_mentions_is_not_covered(container, question, found):
    assert found in {s.chunk.filename for s in container.retriever.retrieve(question, 5).chunks}
    answer = container.answers.answer(question, 5)
    assert answer.mode == "none" and not answer.citations
    assert found in {r.chunk.filename for r in answer.related}


@pytest.mark.parametrize("question, filename, fact", [
    ("Who won the 2021 Wimbledon Championships ladies' singles title?", "tennis.txt",
     "Ashleigh Barty"),
    ("请问 CnOCR 是否支持竖排文字识别？", "ocr_notes.txt", "竖排"),
])
def test_what_the_documents_name_is_answered(container, question, filename, fact):
    answer = container.answers.answer(question, 5)
    assert answer.mode == "extractive" and answer.citations
    cited = answer.citations[0]
    start, end = cited.span
    assert cited.chunk.filename == filename and fact in cited.chunk.text[start:end]
