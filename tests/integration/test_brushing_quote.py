"""A question about what the documents do not hold, through the real models (MiniLM +
multilingual-e5, FAISS, BM25) in quote mode: the only sentence it still matches shares one of
its words and states no date, and quoting it would answer another question
(``answer.only_brushes``)."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings
from tests.conftest import quoted_from

pytestmark = pytest.mark.slow

NOTES = ("Northwind Games release notes\n\n"
         "Skyline: Desert Run shipped on 9 September 2025 for PC and consoles. The launch sold "
         "40,000 copies in its first week.\n\n"
         "Skyline: Harbour Edition shipped on 4 May 2026, adding a harbour map and co-op play.\n\n"
         "Players write to help@northwind.example for refunds within 14 days of purchase.")


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("brushing-quote")
    (data / "northwind.txt").write_text(NOTES, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths([data / "northwind.txt"])
    return c


@pytest.mark.parametrize("question", ["When was Skyline: Ocean Rift released?",
                                      "When did Skyline: Ocean Rift ship?"])
def test_a_game_the_notes_do_not_list_is_not_covered(container, question):
    assert container.retriever.retrieve(question, 5).chunks  # on topic: the gate lets it in
    answer = container.answers.answer(question, 5)
    assert answer.mode == "none" and not answer.citations
    assert [r.chunk.filename for r in answer.related] == ["northwind.txt"]


@pytest.mark.parametrize("question, fact", [
    ("When was Skyline: Desert Run released?", "9 September 2025"),
    ("When did Skyline: Harbour Edition ship?", "4 May 2026"),
    ("Where do players write for refunds?", "help@northwind.example"),
])
def test_what_the_notes_do_list_is_quoted(container, question, fact):
    answer = container.answers.answer(question, 5)
    source, quoted = quoted_from(answer)
    assert source == "northwind.txt" and fact in quoted
