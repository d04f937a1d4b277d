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
    doc = kb_container.store.documents_named("travel_reimbursement_policy.docx")[0]
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
    assert ing.ingest_bytes(b"New file.", "new.txt").status == "ingested"
    assert store.documents_named("new.txt")[0].access == ["public"]


def test_a_file_name_is_no_identity_across_groups(kb_container):
    """Security review, item 7: an identical re-upload without groups made HR's document
    public, and another file of the same name for finance replaced HR's."""
    ing, store = kb_container.ingestor, kb_container.store
    hr = ing.ingest_bytes(b"Salary bands: B7 earns 91,000 euros.", "hr_salaries.md", access=["hr"])
    same_public = ing.ingest_bytes(b"Salary bands: B7 earns 91,000 euros.", "hr_salaries.md",
                                   access=["public"])
    assert store.get_document(hr.document_id).access == ["hr"]  # access unchanged
    assert same_public.status == "ingested" and same_public.document_id != hr.document_id
    assert f"document {hr.document_id}" in same_public.note
    finance = ing.ingest_bytes(b"Finance salary notes.", "hr_salaries.md", access=["finance"])
    assert finance.status == "ingested" and finance.document_id not in (hr.document_id,
                                                                        same_public.document_id)
    assert store.get_document(hr.document_id).content_hash != store.get_document(
        finance.document_id).content_hash and store.get_document(hr.document_id).access == ["hr"]
    # a new version for the same groups replaces, and says so
    v2 = ing.ingest_bytes(b"Salary bands: B7 earns 93,000 euros.", "hr_salaries.md", access=["hr"])
    assert v2.status == "replaced" and str(hr.document_id) in v2.note
    assert store.get_document(hr.document_id) is None and store.get_document(v2.document_id).access == ["hr"]
    # an explicit choice replaces across groups
    moved = ing.ingest_bytes(b"Finance salary notes v2.", "notes.md", access=["finance"],
                             replace=finance.document_id)
    assert moved.status == "replaced" and "as asked" in moved.note
    # without groups, several documents of one name are ambiguous: refused, nothing changes
    ambiguous = ing.ingest_bytes(b"Salary bands v3.", "hr_salaries.md")
    assert ambiguous.status == "failed" and "--groups" in ambiguous.error


def test_work_after_parsing_is_capped_per_document_and_per_run(tmp_path, embedder):
    from ingest.pipeline import WorkLimits

    c = Container(Settings(data_dir=tmp_path, max_document_chars=5000, max_document_chunks=3),
                  embedder=embedder)
    huge = tmp_path / "huge.txt"
    huge.write_text("Lorem ipsum dolor sit amet. " * 1000, encoding="utf-8")
    many = tmp_path / "many.md"
    many.write_text("".join(f"# Part {i}\n\nSection {i} has its own text.\n\n" for i in range(6)),
                    encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text("The lobby opens at seven.", encoding="utf-8")
    summary = c.ingestor.ingest_paths([huge, many, small])
    results = {r.filename: r for r in summary.results}
    assert results["huge.txt"].status == "failed" and "CITEQA_MAX_DOCUMENT_CHARS" in results["huge.txt"].error
    assert results["many.md"].status == "failed" and "CITEQA_MAX_DOCUMENT_CHUNKS" in results["many.md"].error
    assert results["small.txt"].status == "ingested"  # the rest of the batch goes in
    assert isinstance(c.ingestor.work, WorkLimits)
    run = Container(Settings(data_dir=tmp_path / "run"), embedder=embedder).ingestor
    capped = run.ingest_paths([many, small], max_chunks=6)
    by_name = {r.filename: r for r in capped.results}
    assert by_name["many.md"].status == "ingested" and by_name["many.md"].chunks == 6
    assert by_name["small.txt"].status == "failed" and "CITEQA_MAX_JOB_CHUNKS" in by_name["small.txt"].error


def test_each_file_reports_its_stages_and_force_reads_an_unchanged_file_again(kb_container):
    stages: list[str] = []
    data = b"# Parking\n\nThe parking fee is 3 euros per day."
    first = kb_container.ingestor.ingest_bytes(data, "parking.md", on_stage=stages.append)
    assert first.status == "ingested" and stages == ["parsing", "embedding"]
    stages.clear()
    same = kb_container.ingestor.ingest_bytes(data, "parking.md", on_stage=stages.append)
    assert same.status == "unchanged" and stages == []
    again = kb_container.ingestor.ingest_bytes(data, "parking.md", force=True, on_stage=stages.append)
    assert again.status == "replaced" and stages == ["parsing", "embedding"]
    assert len(kb_container.store.list_documents()) == 1


def test_each_chunks_script_is_known_including_chunks_added_later(kb_container, tmp_path):
    """The retriever asks which candidates are in the other script; the knowledge base keeps the
    answer per chunk id and must learn the chunks added after its first answer."""
    kb = kb_container.knowledge_base
    en, zh = tmp_path / "parking.md", tmp_path / "leave.txt"
    en.write_text("# Parking\n\nVisitors park in bay P7 behind the north gate.", encoding="utf-8")
    zh.write_text("员工结婚可享受婚假十天，须提前两周向人事部门提出申请。", encoding="utf-8")
    kb_container.ingestor.ingest_paths([en])
    english = kb.store.chunk_ids()
    assert kb.written_in(sorted(english), cjk=False) == english
    assert kb.written_in(sorted(english), cjk=True) == set()
    kb_container.ingestor.ingest_paths([zh])
    chinese = kb.store.chunk_ids() - english
    assert chinese and kb.written_in(sorted(english | chinese), cjk=True) == chinese
    assert kb.written_in(sorted(english | chinese), cjk=False) == english
    assert kb.written_in([], cjk=True) == set() and kb.written_in([10**7], cjk=False) == set()
