"""Broken and hostile files: each ends as a clear error or a correct ingest; none crashes,
hangs or exhausts memory, and the rest of the batch goes in."""

from __future__ import annotations

import zlib

import pytest

from ingest.parsers import ParseError
from ingest.sandbox import SandboxLimits, parse_isolated
from tests.hostile import corpus, docx_bytes, text_page_pdf, words, write_corpus

pytestmark = pytest.mark.slow

LIMITS = {"parse_memory_mb": 512, "parse_cpu_seconds": 10, "parse_timeout_seconds": 30}


def matches(expectation: str, status: str, error: str | None) -> bool:
    if expectation == "either":
        return status != "failed" or bool(error)
    if expectation == "ok":
        return status in ("ingested", "replaced")
    return status == "failed" and bool(error) and expectation in error


def test_corpus_has_at_least_fifty_files():
    assert len(corpus()) >= 50


def test_hostile_batch_ingests_what_is_sound_and_reports_the_rest(tmp_path, embedder):
    from backend.container import Container
    from backend.settings import Settings

    expected = write_corpus(tmp_path / "files")
    c = Container(Settings(data_dir=tmp_path / "data", **LIMITS), embedder=embedder)
    paths = sorted((tmp_path / "files").iterdir())
    summary = c.ingestor.ingest_paths(paths)
    wrong = [f"{r.filename}: expected {expected[r.filename]!r}, got {r.status} {r.error}"
             for r in summary.results
             if not matches(expected[r.filename], r.status, r.error)]
    assert not wrong, "\n".join(wrong)
    assert len(summary.results) == len(expected)
    ingested = {r.filename for r in summary.results if r.status == "ingested"}
    assert {name for name, e in expected.items() if e == "ok"} <= ingested
    # the store and both indexes agree: nothing half-ingested
    kb = c.knowledge_base
    assert kb.vectors.ids() == kb.keywords.ids() == c.store.chunk_ids()
    assert {d.filename for d, n in c.store.list_documents() if n > 0} == ingested
    hits = c.retriever.retrieve("Where is the exit door?", 3, mode="hybrid")
    assert hits.chunks and hits.chunks[0].chunk.filename == "bidi_controls.txt"


@pytest.mark.parametrize("limits,reason", [
    (SandboxLimits(1024, 2, 60), "CPU"),
    (SandboxLimits(1024, 60, 1.5), "longer than 1.5 s"),
])
def test_sandbox_stops_a_parser_that_runs_too_long(limits, reason):
    slow = text_page_pdf(zlib.compress(b"BT /F1 12 Tf " + b"(a) Tj 1 0 Td " * 2_000_000 + b"ET", 9),
                         b"/Filter /FlateDecode ")
    with pytest.raises(ParseError, match=reason):
        parse_isolated(slow, "slow.pdf", limits)
    # and the next file parses normally
    assert parse_isolated(docx_bytes(), "ok.docx", limits).sections


def test_sandbox_reports_a_parser_out_of_memory():
    big = docx_bytes([words(20000)])
    with pytest.raises(ParseError, match="MiB|memory|killed"):
        parse_isolated(big, "big.docx", SandboxLimits(memory_mb=48))
    assert parse_isolated(big, "big.docx", SandboxLimits()).sections
