"""The seams: each swappable backend implements one of these Protocols."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from backend.access import Scope
from backend.domain import ScoredChunk


class Embedder(Protocol):
    name: str
    dimension: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, excluding special tokens."""


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Vectors of questions: asymmetric models (E5: "query: ...") encode questions apart from
    passages through an ``embed_queries`` method; symmetric ones use ``embed`` for both."""
    method = getattr(embedder, "embed_queries", None)
    return method(texts) if method is not None else embedder.embed(texts)


def cross_language_query(embedder: Embedder, vector: np.ndarray) -> np.ndarray | None:
    """A question vector whose inner product with a stored passage is the multilingual model's
    cosine alone, for judging passages in another language than the question; None when the
    embedder is one model (its cosine already is the only one)."""
    method = getattr(embedder, "cross_language_query", None)
    return method(vector) if method is not None else None


class VectorIndex(Protocol):
    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None: ...
    def remove(self, ids: Sequence[int]) -> None: ...
    def search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Nearest ids by cosine; only ids in ``scope`` when one is given."""
    def similarity(self, vector: np.ndarray, ids: Sequence[int]) -> dict[int, float]: ...
    def ids(self) -> set[int]: ...
    def save(self) -> None: ...
    def __len__(self) -> int: ...


class KeywordIndex(Protocol):
    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None: ...
    def remove(self, ids: Sequence[int]) -> None: ...
    def search(self, query: str, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Best ids by BM25, scored with the statistics of ``scope`` alone when one is given."""
    def scores(self, query: str, ids: Sequence[int], scope: Scope | None = None) -> dict[int, float]:
        """The score ``search`` gives each of ``ids`` (0 without a matching term)."""
    def ids(self) -> set[int]: ...
    def save(self) -> None: ...
    def __len__(self) -> int: ...


class Reranker(Protocol):
    name: str

    def rerank(self, query: str, candidates: list[ScoredChunk]) -> list[ScoredChunk]: ...


class FileStore(Protocol):
    """Where the original files of uploaded documents are kept (citations open them, re-index
    and page images read them). A location is what the document records as its source."""

    def put(self, name: str, data: bytes) -> str:
        """Keep a new upload's bytes under ``name``; its location."""
    def read(self, location: str) -> bytes:
        """The file's bytes; FileNotFoundError when it is gone, OSError when unreachable."""
    def exists(self, location: str) -> bool:
        """Whether the file is there; OSError when the store cannot be reached."""
    def discard(self, location: str | None) -> bool:
        """Delete a kept upload (never a file ingested from elsewhere); True if one was deleted.
        Never raises: an upload it cannot delete is logged and left behind."""


class ModelUnavailable(RuntimeError):
    """The chat model cannot answer now (its server is down or failing); the message says why."""


class ChatModel(Protocol):
    name: str
    context_window: int

    def count_tokens(self, text: str) -> int: ...

    def stream(self, messages: list[dict[str, str]], max_tokens: int,
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield the answer's text piece by piece; stop soon after ``cancel`` is set."""
