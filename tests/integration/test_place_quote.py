"""A "where" question through the real models (MiniLM + multilingual-e5, FAISS, BM25) in quote
mode: the quote is the sentence about what the question asks for (the assembly point), not the
one sharing more of its words and naming months, which are no place."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.settings import Settings

pytestmark = pytest.mark.slow

DRILLS = ("Quarterly safety drills\n\n"
          "The fire evacuation drill is held every March and September. "
          "The assembly point is the north car park.\n\n"
          "First-aid training runs every Tuesday in room 4.12 of the Halden building.")


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("place-quote")
    (data / "drills.txt").write_text(DRILLS, encoding="utf-8")
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths([data / "drills.txt"])
    return c


@pytest.mark.parametrize("question, fact", [
    ("Where is the assembly point for the fire evacuation drill?", "north car park"),
    ("When is the fire evacuation drill held?", "March and September"),
    ("Where does the first-aid training run?", "room 4.12"),
])
def test_the_quote_states_what_is_asked(container, question, fact):
    answer = container.answers.answer(question, 5)
    assert answer.mode == "extractive" and answer.citations
    cited = answer.citations[0]
    start, end = cited.span
    assert cited.chunk.filename == "drills.txt" and fact in cited.chunk.text[start:end]
