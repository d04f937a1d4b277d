"""Ingestion through the real embedder, FAISS and BM25, on a fresh data dir per test."""

import shutil

import pytest

from backend.container import Container
from backend.settings import Settings
from tests.conftest import SAMPLES, SHARED_FILES, sample_files

pytestmark = pytest.mark.slow


@pytest.fixture
def kb_container(tmp_path, embedder):
    return Container(Settings(data_dir=tmp_path), embedder=embedder)


def index_ids(c):
    kb = c.knowledge_base
    return kb.vectors.ids(), kb.keywords.ids()


def test_ingest_samples_then_reingest_is_a_no_op(kb_container):
    first = kb_container.ingestor.ingest_paths(sample_files())
    assert first.count("ingested") == len(sample_files()) and first.chunks > 0
    assert first.pages == 5  # the handbook PDF
    again = kb_container.ingestor.ingest_paths(sample_files())
    assert again.count("unchanged") == len(sample_files()) and again.chunks == 0
    vec, kw = index_ids(kb_container)
    assert vec == kw == kb_container.store.chunk_ids() and len(vec) == first.chunks


def test_changed_file_replaces_its_chunks(kb_container, tmp_path):
    f = tmp_path / "policy.md"
    f.write_text("# Parking\n\nThe parking fee is 3 euros per day.", encoding="utf-8")
    kb_container.ingestor.ingest_paths([f])
    old = kb_container.store.chunk_ids()
    f.write_text("# Parking\n\nParking is free for all employees.", encoding="utf-8")
    result = kb_container.ingestor.ingest_paths([f]).results[0]
    assert result.status == "replaced"
    new = kb_container.store.chunk_ids()
    assert not old & new
    assert index_ids(kb_container) == (new, new)
    hits = kb_container.retriever.retrieve("parking fee", 5).chunks
    assert hits and all("free" in h.chunk.text for h in hits)
    assert len(kb_container.store.list_documents()) == 1


def test_delete_removes_from_store_and_both_indexes(kb_container):
    kb_container.ingestor.ingest_paths(sample_files())
    doc = kb_container.store.find_by_name("travel_reimbursement_policy.docx")
    assert kb_container.knowledge_base.delete_document(doc.id)
    assert kb_container.store.get_document(doc.id) is None
    assert index_ids(kb_container) == (kb_container.store.chunk_ids(),) * 2
    hits = kb_container.retriever.retrieve("travel reimbursement limit", 5).chunks
    assert all(h.chunk.filename != "travel_reimbursement_policy.docx" for h in hits)
    assert not kb_container.knowledge_base.delete_document(doc.id)


def test_indexes_persist_and_are_reconciled_with_the_database(tmp_path, embedder):
    c = Container(Settings(data_dir=tmp_path), embedder=embedder)
    c.ingestor.ingest_paths(sample_files())
    truth = c.store.chunk_ids()
    (tmp_path / "index" / "bm25.json").unlink()  # as if a crash lost one index file
    reloaded = Container(Settings(data_dir=tmp_path), embedder=embedder)
    assert index_ids(reloaded) == (truth, truth)
    assert reloaded.retriever.retrieve("parental leave", 3).chunks


def test_a_bad_file_is_skipped_and_the_batch_goes_in(kb_container, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    summary = kb_container.ingestor.ingest_paths([bad, SAMPLES / "it_helpdesk_faq.md", empty])
    assert [r.status for r in summary.results] == ["failed", "ingested", "failed"]
    assert "PDF" in summary.results[0].error and summary.results[2].error == "empty file"
    assert len(kb_container.store.list_documents()) == 1


@pytest.mark.skipif(not SHARED_FILES.exists(), reason="../shared/eval/files not present")
def test_real_chunks_fit_the_embedding_model(kb_container, embedder, tmp_path):
    """No chunk may exceed MiniLM's 256 word pieces, or its tail would silently go unindexed."""
    src = tmp_path / "multicolumn.pdf"
    shutil.copy(SHARED_FILES / "multicolumn.pdf", src)
    kb_container.ingestor.ingest_paths([src, *sample_files()])
    records = kb_container.store.chunks_by_ids(kb_container.store.chunk_ids())
    assert len(records) > 20
    with kb_container.store.session() as s:
        from backend.storage import ChunkRow
        rows = s.query(ChunkRow).all()
    for row in rows:
        assert embedder.count_tokens(row.text) == row.token_count <= embedder.max_tokens - 32
        assert row.char_end - row.char_start == len(row.text)
    assert {r.page for r in rows if r.page} >= {1, 2, 3}


def test_groups_are_kept_unless_given(kb_container):
    ing, store = kb_container.ingestor, kb_container.store
    first = ing.ingest_bytes(b"Badge photos are taken on Mondays.", "badges.txt", access=["hr"])
    assert store.get_document(first.document_id).access == ["hr"]
    changed = ing.ingest_bytes(b"Badge photos are taken on Tuesdays.", "badges.txt")
    assert changed.status == "replaced" and store.get_document(changed.document_id).access == ["hr"]
    same = ing.ingest_bytes(b"Badge photos are taken on Tuesdays.", "badges.txt", access=["public"])
    assert same.status == "unchanged" and store.get_document(same.document_id).access == ["public"]
    assert ing.ingest_bytes(b"New file.", "new.txt").status == "ingested"
    assert store.find_by_name("new.txt").access == ["public"]
