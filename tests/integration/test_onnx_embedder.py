"""The default English embedder: all-MiniLM-L6-v2 exported to ONNX, run by ONNX Runtime, against
torch (multilingual-e5 runs beside it: tests/integration/test_multilingual_e5.py)."""

from __future__ import annotations

import numpy as np
import pytest

from backend.adapters.onnx_embedder import OnnxEmbedder, export_onnx
from backend.adapters.st_embedder import SentenceTransformerEmbedder
from backend.container import Container
from backend.knowledge import searchable_text
from backend.settings import Settings
from tests.conftest import sample_files

pytestmark = pytest.mark.slow

TEXTS = ["How many days of annual leave do employees get?",
         "Employees receive 25 days of paid annual leave per calendar year.",
         "员工结婚可享受婚假十天。",
         "word " * 400]  # longer than the model's 256 word pieces: truncated alike


@pytest.fixture(scope="module")
def minilm():
    return Container(Settings()).token_embedder


@pytest.fixture(scope="module")
def torch_model():
    return SentenceTransformerEmbedder(Settings().embedding_model)


def test_the_default_is_onnx_with_8_bit_weights_close_to_torch(minilm, torch_model):
    embedder = minilm
    assert isinstance(embedder, OnnxEmbedder) and embedder.name == "all-MiniLM-L6-v2.int8"
    v, ref = embedder.embed(TEXTS), torch_model.embed(TEXTS)
    assert v.shape == ref.shape and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert ((v * ref).sum(axis=1) > 0.98).all()
    assert embedder.max_tokens == torch_model.max_tokens
    assert [embedder.count_tokens(t) for t in TEXTS] == [torch_model.count_tokens(t) for t in TEXTS]
    assert embedder.embed([]).shape == (0, 384)
    # the same ranking: the answer is closer to the question than the unrelated texts
    assert v[0] @ v[1] > max(v[0] @ v[2], v[0] @ v[3]) + 0.2


def test_token_vectors_match_torch_word_piece_for_word_piece(embedder, torch_model):
    mine, ref = embedder.token_vectors(TEXTS), torch_model.token_vectors(TEXTS)  # MiniLM's
    for a, b in zip(mine, ref):
        assert a.shape == b.shape
        assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
        assert (a * b).sum(axis=1).mean() > 0.97


def test_float_export_gives_torch_vectors(tmp_path, torch_model):
    model = Settings().embedding_model
    e = OnnxEmbedder(model, export_onnx(model, tmp_path / "m.fp32.onnx", quantized=False))
    assert np.allclose(e.embed(TEXTS), torch_model.embed(TEXTS), atol=1e-4)
    assert e.name == "m.fp32"


def test_changing_the_embedder_re_embeds_the_index_at_the_next_start(tmp_path, torch_model):
    before = Container(Settings(data_dir=tmp_path, embedder="sentence-transformers",
                                multilingual_weight=0))
    before.ingestor.ingest_paths(sample_files())
    model_file = tmp_path / "index" / "vectors.faiss.model"
    assert model_file.read_text().strip() == torch_model.name

    after = Container(Settings(data_dir=tmp_path))  # the default: ONNX int8, MiniLM + e5
    kb = after.knowledge_base
    assert model_file.read_text().strip() == after.embedder.name
    assert after.embedder.name.startswith("all-MiniLM-L6-v2.int8+multilingual-e5-small.int8@")
    ids = sorted(after.store.chunk_ids())
    assert kb.vectors.ids() == set(ids)
    records = after.store.chunks_by_ids(ids)
    fresh = after.embedder.embed([searchable_text(records[i].filename, records[i].section,
                                                  records[i].text) for i in ids])
    stored = kb.vectors.similarity(fresh[0], ids)
    assert np.allclose([stored[i] for i in ids], fresh @ fresh[0], atol=2e-3)  # fp16 storage
    hits = after.retriever.retrieve("How many days of annual leave?", 3).chunks
    assert hits and "leave" in hits[0].chunk.text.lower()

    again = Container(Settings(data_dir=tmp_path))
    assert again.knowledge_base.reconcile() == {k: 0 for k in
                                                ("vectors_added", "vectors_removed",
                                                 "keywords_added", "keywords_removed")}
