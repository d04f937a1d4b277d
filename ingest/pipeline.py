"""Ingest files into the knowledge base: hash, parse, chunk, embed, index. Failures are per file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backend.domain import PUBLIC
from backend.knowledge import KnowledgeBase
from backend.storage import DocumentRow
from ingest.chunking import chunk_sections
from ingest.parsers import SUPPORTED_TYPES, ParseError, doc_type_of, parse_bytes
from ingest.sandbox import SandboxLimits, parse_isolated


@dataclass
class FileResult:
    filename: str
    status: str  # "ingested" | "replaced" | "unchanged" | "failed"
    document_id: int | None = None
    pages: int | None = None
    chunks: int = 0
    error: str | None = None


@dataclass
class Summary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.results)

    @property
    def pages(self) -> int:
        return sum(r.pages or 0 for r in self.results if r.status in ("ingested", "replaced"))

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.results)


class Ingestor:
    def __init__(self, kb: KnowledgeBase, chunk_tokens: int, overlap_tokens: int,
                 sandbox: SandboxLimits | None = SandboxLimits()) -> None:
        """``sandbox=None`` parses in this process (trusted files only, e.g. benchmarks)."""
        self.kb = kb
        self.sandbox = sandbox
        # leave room for the title/section header that searchable_text() prepends
        self.chunk_tokens = min(chunk_tokens, kb.embedder.max_tokens - 32)
        self.overlap_tokens = overlap_tokens

    def ingest_bytes(self, data: bytes, filename: str, source_path: str | None = None,
                     access: list[str] | None = None) -> FileResult:
        try:
            doc_type = doc_type_of(filename)
            digest = hashlib.sha256(data).hexdigest()
            existing = self.kb.store.find_by_name(filename)
            if existing is not None and existing.content_hash == digest:
                if access is not None and sorted(existing.access or []) != sorted(access):
                    self.kb.store.set_access(existing.id, access)
                return FileResult(filename, "unchanged", existing.id, existing.pages)
            if access is None:  # not given: a new version keeps its groups, a new file is public
                access = list(existing.access) if existing is not None else [PUBLIC]
            parsed = (parse_isolated(data, filename, self.sandbox) if self.sandbox
                      else parse_bytes(data, filename))
            drafts = chunk_sections(parsed.sections, self.kb.embedder.count_tokens,
                                    self.chunk_tokens, self.overlap_tokens)
            row = DocumentRow(
                filename=filename, source_path=source_path, content_hash=digest, doc_type=doc_type,
                size_bytes=len(data), pages=parsed.pages, status="ready",
                access=access,
            )
            doc = self.kb.add_document(row, drafts, replaces=existing.id if existing else None)
            status = "replaced" if existing else "ingested"
            return FileResult(filename, status, doc.id, parsed.pages, len(drafts))
        except ParseError as exc:
            return FileResult(filename, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a parser bug must not sink the batch
            return FileResult(filename, "failed", error=f"unexpected {type(exc).__name__}: {exc}")

    def ingest_paths(self, paths: Iterable[Path],
                     on_file: Callable[[FileResult], None] | None = None,
                     access: list[str] | None = None) -> Summary:
        started = time.perf_counter()
        summary = Summary()
        try:
            for path in paths:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    result = FileResult(path.name, "failed", error=f"cannot read: {exc.strerror}")
                else:
                    result = self.ingest_bytes(data, path.name, source_path=str(path.resolve()),
                                               access=access)
                summary.results.append(result)
                if on_file:
                    on_file(result)
        finally:  # whatever went in stays in, even if the batch is interrupted
            self.kb.save()
        summary.seconds = time.perf_counter() - started
        return summary


def expand_paths(inputs: Iterable[Path]) -> list[Path]:
    """Files as given, plus every supported file below the given folders, sorted."""
    out: list[Path] = []
    for p in inputs:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*")
                              if f.is_file() and f.suffix.lower() in SUPPORTED_TYPES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out
