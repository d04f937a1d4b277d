"""Hybrid retrieval over the ingested sample corpus finds the right document, page and section."""

import pytest

from tests.conftest import sample_questions

pytestmark = pytest.mark.slow
IN_LANGUAGE = [q for q in sample_questions() if q["lang"] in ("en", "zh")]
OFF_TOPIC = [q for q in sample_questions() if q["lang"] == "off-topic"]


@pytest.mark.parametrize("q", IN_LANGUAGE, ids=lambda q: q["question"][:30])
def test_the_answer_bearing_chunk_is_in_the_top_3(container, q):
    hits = container.retriever.retrieve(q["question"], 3).chunks
    matching = [h for h in hits if h.chunk.filename in q["documents"]
                and any(a in h.chunk.text for a in q["answers"])]
    assert matching, [h.chunk.filename for h in hits]
    if "page" in q:
        assert matching[0].chunk.page == q["page"]
    if "section_contains" in q:
        assert q["section_contains"] in matching[0].chunk.section


def test_bm25_alone_finds_chinese_text(container):
    ids = [i for i, _ in container.knowledge_base.keyword_search("餐费补贴", 3)]
    records = container.knowledge_base.chunks(ids)
    assert records[ids[0]].filename == "domestic_travel_zh_hans.txt"


@pytest.mark.parametrize("q", OFF_TOPIC, ids=lambda q: q["question"][:30])
def test_off_topic_questions_retrieve_nothing(container, q):
    assert container.retriever.retrieve(q["question"], 5).chunks == []
