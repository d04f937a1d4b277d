"""Near-miss questions on public text, through the real models (MiniLM + multilingual-e5,
FAISS, BM25) in quote mode: XQuAD's Oxygen and Victoria and Albert Museum articles are ingested
with the sentence answering a question withheld, as the trust set builds its near-miss
questions (scripts/make_trust_sets.py). The best sentences left hold a third of the
question's terms or less ("liquid oxygen" for how much heavier oxygen 18 is; "oil" for an oil
sketch of 1821): not covered (``answer.only_brushes``); the articles' other questions are quoted,
and so is a question of the Warsaw article, ingested whole."""

from __future__ import annotations

import json

import pytest

from backend.container import Container
from backend.rag.text import sentence_spans
from backend.settings import Settings
from tests.conftest import ROOT, quoted_from

pytestmark = pytest.mark.slow

XQUAD = ROOT.parent / "shared" / "eval" / "xquad_en" / "xquad.en.json"
# article -> the answer whose sentence is withheld (Warsaw: none)
WITHHELD = {"Oxygen": "12% heavier", "Victoria_and_Albert_Museum": "The Hay Wain", "Warsaw": ""}


def _article(data: list[dict], title: str, withheld: str) -> str:
    paragraphs = [p["context"] for a in data if a["title"] == title for p in a["paragraphs"]]
    if not withheld:
        return "\n\n".join(paragraphs)
    kept = []
    for paragraph in paragraphs:
        sentences = [paragraph[a:b] for a, b in sentence_spans(paragraph)]
        kept.append(" ".join(s for s in sentences if withheld not in s))
    assert sum(withheld in p for p in paragraphs) == 1 and not any(withheld in p for p in kept)
    return "\n\n".join(kept)


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    data = tmp_path_factory.mktemp("near-miss")
    xquad = json.loads(XQUAD.read_text(encoding="utf-8"))["data"]
    paths = []
    for title, withheld in WITHHELD.items():
        path = data / f"{title}.txt"
        path.write_text(_article(xquad, title, withheld), encoding="utf-8")
        paths.append(path)
    c = Container(Settings(data_dir=data, reranker="none", answer_mode="quote"))
    c.ingestor.ingest_paths(paths)
    return c


@pytest.mark.parametrize("question", [
    "How much heavier is oxygen 18 than oxygen 16?",
    "An 1821 full size oil sketch of which famous British painting was donated by John "
    "Sheepshank's daughter in 1888?",
])
def test_a_question_whose_sentence_was_withheld_is_not_covered(container, question):
    assert container.retriever.retrieve(question, 5).chunks  # on topic: the gate lets it in
    answer = container.answers.answer(question, 5)
    assert answer.mode == "none" and not answer.citations


@pytest.mark.parametrize("question, filename, fact", [
    ("What group of scientists seek to measure the amounts of oxygen in marine animals?",
     "Oxygen.txt", "Paleoclimatologists"),
    ("In which year did John Sheepshanks donated a large collection of paintings?",
     "Victoria_and_Albert_Museum.txt", "1857"),
    # a year bounding the answer is no edition the quote must name (citations._BOUNDING_YEAR)
    ("When did Polonia Warsaw win the country's championship prior to 2000?", "Warsaw.txt",
     "1946"),
])
def test_what_the_articles_still_hold_is_quoted(container, question, filename, fact):
    answer = container.answers.answer(question, 5)
    source, quoted = quoted_from(answer)
    assert source == filename and fact in quoted
