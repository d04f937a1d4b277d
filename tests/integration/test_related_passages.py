"""A refusal lists the closest passages as related, through the real retrieval."""

from __future__ import annotations

import pytest

from backend.container import Container
from backend.rag.answerability import FEATURES, AnswerabilityModel
from backend.settings import Settings

pytestmark = pytest.mark.slow

POLICY = ("# Travel\n\nTrains are booked in second class. The hotel limit is 180 euros per night "
          "in Germany. Taxis need a receipt.\n\n# Leave\n\nEveryone gets 25 days of paid leave.")


@pytest.fixture(scope="module")
def refusing(tmp_path_factory):
    """The pipeline with a decision that refuses everything: what a refusal carries does not
    depend on the calibrated model's operating point."""
    data = tmp_path_factory.mktemp("related")
    (data / "travel.md").write_text(POLICY, encoding="utf-8")
    never = AnswerabilityModel((0.0,) * len(FEATURES), 0.0, threshold=1.01)
    c = Container(Settings(data_dir=data, reranker="none"), answerability=never)
    c.ingestor.ingest_paths([data / "travel.md"])
    return c


def test_a_refusal_lists_the_closest_passages_with_their_best_sentence(refusing):
    a = refusing.answers.answer("What is the hotel limit per night in Tokyo?", 5)
    assert a.mode == "none" and a.citations == [] and not a.grounded
    assert a.related and a.related[0].chunk.filename == "travel.md"
    start, end = a.related[0].span
    assert "hotel limit" in a.related[0].chunk.text[start:end]


def test_an_off_topic_refusal_lists_nothing(refusing):
    a = refusing.answers.answer("What is the capital of Mongolia?", 5)
    assert a.mode == "none" and a.related == []
