"""Index a BEIR corpus with the configured pipeline and measure every retrieval mode."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from backend.adapters.fused_embedder import FusedEmbedder
from backend.container import Container
from backend.domain import Section
from backend.evaluation.beir import BeirDataset
from backend.evaluation.embedding_cache import CachingEmbedder, cached
from backend.evaluation.metrics import evaluate, ranking_to_run
from backend.ports import embed_queries
from backend.rag.retrieve import MODES
from backend.settings import Settings
from backend.storage import ChunkRow, DocumentRow
from ingest.chunking import chunk_sections

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 256


def run_beir(dataset: BeirDataset, settings: Settings, modes: Sequence[str] = MODES,
             cache_dir: Path | None = None, depth: int = 100,
             progress: Progress | None = None) -> dict:
    """Metrics per mode, shaped for ``--json``; ``depth`` documents are ranked per query."""
    progress = progress or (lambda *_: None)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="citeqa-eval-") as tmp, _engine_scratch(settings) as url:
        c = Container(settings.model_copy(update={"data_dir": Path(tmp), "database_url": None,
                                                  "search_url": url}))
        embedder = c.embedder
        if cache_dir is not None:  # per model, so a fused pair reuses each model's vectors
            parts = [cached(p, p.name, cache_dir) for p in getattr(embedder, "parts", [embedder])]
            embedder = FusedEmbedder(*parts, embedder.weight) if len(parts) == 2 else parts[0]
            c = Container(c.settings, embedder=embedder)

        t = time.perf_counter()
        chunks = index_corpus(c, dataset.corpus, progress)
        seconds["index"] = time.perf_counter() - t
        for part in getattr(embedder, "parts", [embedder]):
            if isinstance(part, CachingEmbedder):
                part.save()

        beir_id = beir_ids(c)
        t = time.perf_counter()
        qids = list(dataset.queries)
        qvecs = embed_queries(embedder, [dataset.queries[q] for q in qids])
        seconds["embed_queries"] = time.perf_counter() - t

        results = {}
        for mode in modes:
            t = time.perf_counter()
            ranked: dict[str, list[str]] = {}
            for n, (qid, qvec) in enumerate(zip(qids, qvecs), start=1):
                hits = c.retriever.retrieve(dataset.queries[qid], top_k=2 * depth, mode=mode,
                                            gate=False, depth=2 * depth, query_vector=qvec)
                ranked[qid] = documents_of((s.chunk.id for s in hits.chunks), beir_id, depth)
                progress(mode, n, len(qids))
            seconds[mode] = time.perf_counter() - t
            results[mode] = evaluate(dataset.qrels, ranking_to_run(ranked))
    return {
        "dataset": dataset.name, "split": dataset.split, "modes": results,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "corpus": {"documents": len(dataset.corpus), "chunks": chunks, "queries": len(qids)},
        "settings": {"chunk_tokens": settings.chunk_tokens, "overlap": settings.chunk_overlap_tokens,
                     "fusion": settings.fusion, "rrf_k": settings.rrf_k,
                     "dense_weight": settings.fusion_dense_weight,
                     "reranker": c.reranker.name, "embedding_model": embedder.name},
    }


@contextlib.contextmanager
def _engine_scratch(settings: Settings) -> Iterator[str | None]:
    """With CITEQA_SEARCH_ENGINE=pgvector, a database of its own on the engine's server, dropped
    afterwards: the evaluation never touches the live engine's tables."""
    if settings.search_engine != "pgvector":
        yield None
        return
    from backend.adapters.pgvector_search import scratch_database

    with scratch_database(settings.search_engine_url, "citeqa_eval") as url:
        yield url


def index_corpus(c: Container, corpus: dict[str, tuple[str, str]], progress: Progress) -> int:
    """Chunk and index every document through the knowledge base; returns the chunk count."""
    ingestor = c.ingestor
    items = list(corpus.items())
    chunks = 0
    for start in range(0, len(items), BATCH):
        batch = []
        for doc_id, (title, text) in items[start : start + BATCH]:
            drafts = chunk_sections([Section(text=text or title)], c.embedder.count_tokens,
                                    ingestor.chunk_tokens, ingestor.overlap_tokens)
            # the title is the document name, so searchable_text() indexes it with every chunk
            name = (title or doc_id).replace("/", " ")[:200] + ".txt"
            row = DocumentRow(filename=name, source_path=f"beir:{doc_id}", doc_type="txt",
                              content_hash=hashlib.sha256(text.encode()).hexdigest(),
                              size_bytes=len(text), pages=None, status="ready")
            batch.append((row, drafts))
            chunks += len(drafts)
        c.knowledge_base.add_documents(batch)
        progress("index", min(start + BATCH, len(items)), len(items))
    return chunks


def beir_ids(c: Container) -> dict[int, str]:
    """chunk id -> BEIR document id."""
    with c.store.session() as s:
        rows = s.query(ChunkRow.id, DocumentRow.source_path).join(
            DocumentRow, DocumentRow.id == ChunkRow.document_id)
        return {cid: path.removeprefix("beir:") for cid, path in rows}


def documents_of(chunk_ids, beir_id: dict[int, str], depth: int) -> list[str]:
    """Documents in the order of their best chunk (max-passage aggregation)."""
    seen: dict[str, None] = {}
    for i in chunk_ids:
        seen.setdefault(beir_id[i], None)
        if len(seen) == depth:
            break
    return list(seen)
