"""KnowledgeBase: the store and both indexes, kept consistent with each other.

The database is the source of truth. Index files are saved atomically after each batch and
reconciled against the database at load, so a crash between the two loses nothing: chunks
missing from an index are re-embedded, ids the database no longer has are dropped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from backend.access import Principal, Scope
from backend.domain import PUBLIC, ChunkDraft, ChunkRecord
from backend.ports import Embedder, KeywordIndex, VectorIndex
from backend.storage import DocumentRow, Store


def _file_lock(path: Path | None):
    from filelock import FileLock

    return FileLock(path, thread_local=False) if path is not None else None


def searchable_text(filename: str, section: str | None, text: str) -> str:
    """What both indexes see: the chunk plus its document title and section heading."""
    title = Path(filename).stem.replace("_", " ").replace("-", " ")
    return "\n".join(p for p in (title, section, text) if p)


class KnowledgeBase:
    def __init__(self, store: Store, embedder: Embedder, vectors: VectorIndex,
                 keywords: KeywordIndex, index_files: Sequence[Path], loader,
                 write_lock: Path | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.vectors = vectors
        self.keywords = keywords
        self.lock = threading.RLock()
        self._index_files = list(index_files)
        self._loader = loader  # () -> (VectorIndex, KeywordIndex) read from disk
        # between processes (`citeqa ingest`, `citeqa worker`, the server); within this one,
        # ``lock`` orders the changes, so a delete need not wait for this process's upload
        self._write_lock = _file_lock(write_lock)
        self._seen = self._stamp()
        self._scopes: dict[frozenset[str], Scope] = {}
        self._access_seen: tuple | None = None
        self._ids_by_access: dict[frozenset[str], np.ndarray] | None = None  # per access list
        self._scope_lock = threading.Lock()
        self._script_lock = threading.Lock()
        self._script_known: np.ndarray | None = None  # by chunk id: its script was read
        self._script_cjk: np.ndarray | None = None  # by chunk id: written mainly in CJK script

    # consistency -------------------------------------------------------------------------------
    def reconcile(self) -> dict[str, int]:
        """Make both indexes hold exactly the database's chunks; returns what was fixed."""
        with self.lock:
            truth = self.store.chunk_ids()
            fixed = {}
            for name, index in (("vectors", self.vectors), ("keywords", self.keywords)):
                have = index.ids()
                extra, missing = have - truth, truth - have
                index.remove(sorted(extra))
                if missing:
                    records = self.store.chunks_by_ids(missing)
                    ids = sorted(records)
                    texts = [searchable_text(records[i].filename, records[i].section, records[i].text)
                             for i in ids]
                    if name == "vectors":
                        index.add(ids, self.embedder.embed(texts))
                    else:
                        index.add(ids, texts)
                fixed[f"{name}_added"], fixed[f"{name}_removed"] = len(missing), len(extra)
            if self._filtering():  # repairs an access change cut short by a crash, too
                self._grant(dict(self.store.chunk_access()))
            if any(fixed.values()):
                self.save()
            return fixed

    def refresh_if_changed(self) -> None:
        """Reload the indexes when another process (the ingest CLI) has rewritten them."""
        stamp = self._stamp()
        if stamp == self._seen:
            return
        with self.lock:
            self.vectors, self.keywords = self._loader()
            self._seen = self._stamp()
            self.reconcile()  # the writer may have committed rows it has not saved to the index yet

    def _stamp(self) -> tuple:
        return tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in self._index_files)

    @contextlib.contextmanager
    def writing(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Exclusive while the index files are rewritten from what this process holds: the
        server's upload thread and deletes, ``citeqa ingest`` and ``citeqa worker`` processes
        share the data dir's lock file. Take it before ``lock``, never inside it: a search only
        needs ``lock``, and must not wait for another process's ingest. ``on_wait`` is called
        once when another process holds it (the CLI says why nothing moves)."""
        lock = self._write_lock
        if lock is None:
            yield
            return
        from filelock import Timeout

        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait()
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    def save(self) -> None:
        with self.lock:
            self.vectors.save()
            self.keywords.save()
            self._seen = self._stamp()

    def scope_for(self, principal: Principal) -> Scope | None:
        """What ``principal`` may retrieve; None for an admin (everything).

        Checked against the database on every call (one cheap query), so an access change made
        by any process applies to the next request. The chunk ids are only computed if a local
        index asks for them; a search engine filters on the groups itself.
        """
        if principal.is_admin:
            return None
        stamp = self.store.access_stamp()
        with self._scope_lock:
            if stamp != self._access_seen:
                self._ids_by_access = None
                self._scopes.clear()
                self._access_seen = stamp
            scope = self._scopes.get(principal.groups)
            if scope is None:
                scope = Scope(principal.groups | {PUBLIC},
                              resolve=lambda: self._visible_ids(principal, stamp))
                if len(self._scopes) > 256:  # many distinct group sets: keep memory bounded
                    self._scopes.clear()
                self._scopes[principal.groups] = scope
            return scope

    def _visible_ids(self, principal: Principal, stamp: tuple) -> np.ndarray:
        with self._scope_lock:
            if self._ids_by_access is None or stamp != self._access_seen:
                grouped: dict[frozenset[str], list[int]] = {}
                for chunk_id, access in self.store.chunk_access():
                    grouped.setdefault(frozenset(access), []).append(chunk_id)
                self._ids_by_access = {a: np.asarray(ids, dtype=np.int64)
                                       for a, ids in grouped.items()}
            visible = [ids for access, ids in self._ids_by_access.items()
                       if principal.can_see(access)]
        return np.concatenate(visible) if visible else np.zeros(0, dtype=np.int64)

    def _filtering(self) -> list:
        """The indexes that filter by access themselves (a search engine): they hold each
        chunk's access list, which the knowledge base keeps equal to its document's."""
        return [i for i in (self.vectors, self.keywords) if getattr(i, "filters_by_access", False)]

    def _grant(self, access_of: dict[int, list[str]]) -> None:
        """Hand the engines each chunk's access list (one update per distinct list)."""
        indexes = self._filtering()
        if not indexes:
            return
        grouped: dict[tuple[str, ...], list[int]] = {}
        for chunk_id, access in access_of.items():
            grouped.setdefault(tuple(sorted(access)), []).append(chunk_id)
        for access, ids in grouped.items():
            for index in indexes:
                index.set_access(ids, list(access))

    def set_access(self, document_id: int, access: list[str]) -> DocumentRow | None:
        """Change who may see a document. The engines change first: a crash in between leaves
        the database's old list shown and the new one enforced, which the next start repairs."""
        with self.lock:
            if self._filtering():
                ids = self.store.document_chunk_ids(document_id)
                if ids is None:
                    return None
                self._grant({i: access for i in ids})
            return self.store.set_access(document_id, access)

    # changes -----------------------------------------------------------------------------------
    def add_document(self, doc: DocumentRow, drafts: Sequence[ChunkDraft],
                     replaces: int | None = None) -> DocumentRow:
        return self.add_documents([(doc, drafts)], [replaces])[0]

    def add_documents(self, batch: Sequence[tuple[DocumentRow, Sequence[ChunkDraft]]],
                      replaces: Sequence[int | None] = ()) -> list[DocumentRow]:
        """Embed all chunks of the batch in one call, then store and index them together."""
        texts = [searchable_text(doc.filename, d.section, d.text) for doc, drafts in batch
                 for d in drafts]
        vectors = self.embedder.embed(texts)  # the slow part, outside the lock
        with self.lock:
            added, removed = self.store.add_documents(batch, replaces)
            ids = [i for _, chunk_ids in added for i in chunk_ids]
            self.vectors.remove(removed)
            self.keywords.remove(removed)
            self.vectors.add(ids, vectors)
            self.keywords.add(ids, texts)
            self._grant({i: doc.access for doc, chunk_ids in added for i in chunk_ids})
        return [doc for doc, _ in added]

    def delete_document(self, document_id: int) -> bool:
        with self.writing(), self.lock:
            self.refresh_if_changed()  # a worker may have added chunks since this process read them
            ids = self.store.delete_document(document_id)
            if ids is None:
                return False
            self.vectors.remove(ids)
            self.keywords.remove(ids)
            self.save()
            return True

    # reads -------------------------------------------------------------------------------------
    def dense_search(self, query_vector: np.ndarray, k: int,
                     scope: Scope | None = None) -> list[tuple[int, float]]:
        with self.lock:
            return self.vectors.search(query_vector, k, scope)

    def keyword_search(self, query: str, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        with self.lock:
            return self.keywords.search(query, k, scope)

    def keyword_scores(self, query: str, ids: Sequence[int], scope: Scope | None = None) -> dict[int, float]:
        with self.lock:
            return self.keywords.scores(query, ids, scope)

    def similarity(self, query_vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        with self.lock:
            return self.vectors.similarity(query_vector, ids)

    def chunks(self, ids: Sequence[int]) -> dict[int, ChunkRecord]:
        return self.store.chunks_by_ids(ids)

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        return self.store.chunk_texts(ids)

    def document_texts(self, document_ids: Iterable[int]) -> list[str]:
        """The text of every chunk of these documents (a deleted one has none)."""
        ids = [i for d in document_ids for i in self.store.document_chunk_ids(d) or ()]
        return list(self.store.chunk_texts(ids).values())

    def written_in(self, ids: Sequence[int], cjk: bool) -> set[int]:
        """Those of ``ids`` written mainly in CJK script (``cjk``), or mainly not.

        Asked of ~200 candidates per question. A chunk's text never changes and its id is never
        handed out again, so each chunk's script is read from the store once (all of them at
        the first question) and kept by id; later only chunks not seen yet are read.
        """
        wanted = np.asarray(list(ids), dtype=np.int64)
        with self._script_lock:
            if self._script_known is None:
                self._learn_scripts(self.store.chunk_scripts())
            known = self._script_known
            inside = wanted < len(known)
            unseen = wanted[~inside | ~known[np.where(inside, wanted, 0)]]
            if unseen.size:  # added since, by this process or another
                self._learn_scripts(self.store.chunk_scripts(unseen.tolist()))
                known = self._script_known
            inside = wanted < len(known)
            at = np.where(inside, wanted, 0)
            hits = inside & known[at] & (self._script_cjk[at] == cjk)
        return set(wanted[hits].tolist())

    def _learn_scripts(self, scripts: list[tuple[int, bool]]) -> None:
        size = max((i for i, _ in scripts), default=-1) + 1
        have = 0 if self._script_known is None else len(self._script_known)
        if self._script_known is None or size > have:
            grown = max(size, have * 3 // 2)  # room for the next chunks without a copy each
            known, cjk = np.zeros(grown, dtype=bool), np.zeros(grown, dtype=bool)
            if have:
                known[:have], cjk[:have] = self._script_known, self._script_cjk
            self._script_known, self._script_cjk = known, cjk
        if scripts:
            ids = np.fromiter((i for i, _ in scripts), dtype=np.int64, count=len(scripts))
            self._script_known[ids] = True
            self._script_cjk[ids] = np.fromiter((c for _, c in scripts), dtype=bool, count=len(scripts))
