"""Ingest files into the knowledge base: hash, parse, chunk, embed, index. Failures are per file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backend.domain import PUBLIC
from backend.knowledge import KnowledgeBase
from backend.ports import FileStore
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
    note: str | None = None  # what happened beside the status, e.g. which document was replaced


@dataclass(frozen=True)
class WorkLimits:
    """What one document may cost after parsing (embedding is the slow part)."""

    max_chars: int = 2_000_000
    max_chunks: int = 4000


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
                 sandbox: SandboxLimits | None = SandboxLimits(), work: WorkLimits = WorkLimits(),
                 files: FileStore | None = None) -> None:
        """``sandbox=None`` parses in this process (trusted files only, e.g. benchmarks)."""
        self.kb = kb
        self.sandbox = sandbox
        self.work = work
        self.files = files  # kept uploads: the copy a replaced document no longer needs goes
        # leave room for the title/section header that searchable_text() prepends
        self.chunk_tokens = min(chunk_tokens, kb.embedder.max_tokens - 32)
        self.overlap_tokens = overlap_tokens

    def ingest_bytes(self, data: bytes, filename: str, source_path: str | None = None,
                     access: list[str] | None = None, uploaded_by: str | None = None,
                     replace: int | None = None, chunks_left: int | None = None,
                     force: bool = False,
                     on_stage: Callable[[str], None] | None = None) -> FileResult:
        """Ingest one file. A document is identified by its name *and* its access list: the
        same name for other groups is another document, never a replacement, and an unchanged
        file never changes who may see it. ``replace`` names a document to replace explicitly;
        ``access=None`` means "the one document of this name, keeping its groups" (the CLI
        without --groups). ``chunks_left`` is what the rest of the batch may still add.
        ``force`` re-reads an unchanged file (a re-index with today's parsers); ``on_stage``
        hears "parsing", then "embedding"."""
        stage = on_stage or (lambda _: None)
        try:
            doc_type = doc_type_of(filename)
            digest = hashlib.sha256(data).hexdigest()
            existing, note = self._identify(filename, access, replace)
            if existing is not None and existing.content_hash == digest and not force:
                return FileResult(filename, "unchanged", existing.id, existing.pages, note=note)
            if access is None:  # not given: a new version keeps its groups, a new file is public
                access = list(existing.access) if existing is not None else [PUBLIC]
            stage("parsing")
            parsed = (parse_isolated(data, filename, self.sandbox) if self.sandbox
                      else parse_bytes(data, filename))
            chars = sum(len(s.text) for s in parsed.sections)
            if chars > self.work.max_chars:
                raise ParseError(f"{chars:,} characters of text; a document may have "
                                 f"{self.work.max_chars:,} (CITEQA_MAX_DOCUMENT_CHARS)")
            drafts = chunk_sections(parsed.sections, self.kb.embedder.count_tokens,
                                    self.chunk_tokens, self.overlap_tokens)
            if len(drafts) > self.work.max_chunks:
                raise ParseError(f"{len(drafts):,} chunks; a document may have "
                                 f"{self.work.max_chunks:,} (CITEQA_MAX_DOCUMENT_CHUNKS)")
            if chunks_left is not None and len(drafts) > chunks_left:
                raise ParseError(f"{len(drafts):,} chunks would exceed what one upload may add "
                                 "(CITEQA_MAX_JOB_CHUNKS): ingest it in an upload of its own")
            stage("embedding")
            row = DocumentRow(
                filename=filename, source_path=source_path, content_hash=digest, doc_type=doc_type,
                size_bytes=len(data), pages=parsed.pages, status="ready",
                access=access, uploaded_by=uploaded_by,
            )
            doc = self.kb.add_document(row, drafts, replaces=existing.id if existing else None)
            if existing is not None:
                if note is None or "as asked" not in note:
                    note = "; ".join(n for n in (f"replaced document {existing.id}", note) if n)
                if self.files is not None and existing.source_path != source_path:
                    self.files.discard(existing.source_path)
            status = "replaced" if existing else "ingested"
            note = "; ".join(n for n in (note, *parsed.warnings) if n) or None
            return FileResult(filename, status, doc.id, parsed.pages, len(drafts), note=note)
        except ParseError as exc:
            return FileResult(filename, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a parser bug must not sink the batch
            return FileResult(filename, "failed", error=f"unexpected {type(exc).__name__}: {exc}")

    def _identify(self, filename: str, access: list[str] | None,
                  replace: int | None) -> tuple[DocumentRow | None, str | None]:
        """The document this file is a version of (or None), and a note for the result."""
        if replace is not None:
            doc = self.kb.store.get_document(replace)
            if doc is None:
                raise ParseError(f"no document {replace} to replace")
            return doc, f"replaced document {doc.id} ({doc.filename}) as asked"
        named = self.kb.store.documents_named(filename)
        if access is None:
            if len(named) > 1:
                groups = "; ".join(", ".join(d.access or []) for d in named)
                raise ParseError(f"{len(named)} documents are named {filename} (groups: {groups}): "
                                 "say which with --groups")
            return (named[0] if named else None), None
        same = [d for d in named if sorted(d.access or []) == sorted(access)]
        others = [d for d in named if d not in same]
        note = None
        if others:
            note = "kept apart from " + "; ".join(
                f"document {d.id} of the same name for {', '.join(d.access or [])}" for d in others)
        return (same[0] if same else None), note

    def ingest_paths(self, paths: Iterable[Path],
                     on_file: Callable[[FileResult], None] | None = None,
                     access: list[str] | None = None, max_chunks: int | None = None) -> Summary:
        """Ingest files one by one; ``max_chunks`` caps what the whole run may add."""
        started = time.perf_counter()
        summary = Summary()
        try:
            for path in paths:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    result = FileResult(path.name, "failed", error=f"cannot read: {exc.strerror}")
                else:
                    left = None if max_chunks is None else max_chunks - summary.chunks
                    result = self.ingest_bytes(data, path.name, source_path=str(path.resolve()),
                                               access=access, chunks_left=left)
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
