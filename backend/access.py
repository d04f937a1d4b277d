"""Who is asking and what they may see. The one rule: public, or a shared group, or admin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from backend.domain import PUBLIC

ROLES = ("admin", "member")


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    groups: frozenset[str]
    via: str = "token"  # "token" (browser session) or "key" (API key)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see(self, access: Iterable[str]) -> bool:
        access = set(access)
        return self.is_admin or PUBLIC in access or bool(self.groups & access)


def parse_groups(text: str | Iterable[str] | None) -> list[str]:
    """'hr, finance' -> ['finance', 'hr']; empty means public."""
    items = text.split(",") if isinstance(text, str) else list(text or [])
    groups = sorted({g.strip().lower() for g in items if g and g.strip()})
    for g in groups:
        if len(g) > 64 or not all(ch.isalnum() or ch in "-_." for ch in g):
            raise ValueError(f"group {g!r}: use letters, digits, '-', '_' or '.', at most 64")
    return groups or [PUBLIC]


class Scope:
    """What one principal may retrieve: the chunks of documents whose access list shares a
    token with ``groups`` (the principal's groups and "public"). ``None`` instead of a Scope
    means everything (an admin).

    Each index translates the scope its own way: a search engine into a filter in its query,
    the local FAISS and BM25 indexes into the chunk ids it covers (``ids``, resolved once on
    first use by the knowledge base). A scope is rebuilt whenever documents or their access
    lists change. What depends only on the ids (a FAISS selector) is memoised in ``derived``;
    what also depends on an index's build (a BM25 position mask) is memoised by that index,
    keyed on the scope, which is compared and hashed by identity.
    """

    def __init__(self, groups: Iterable[str] = (), ids: np.ndarray | None = None,
                 resolve: Callable[[], np.ndarray] | None = None) -> None:
        if ids is None and resolve is None:
            raise ValueError("a scope needs its ids or a way to resolve them")
        self.groups = frozenset(groups)
        self._ids = None if ids is None else np.asarray(ids, dtype=np.int64)
        self._resolve = resolve
        self._members: frozenset[int] | None = None
        self.derived: dict = {}

    @property
    def resolved(self) -> bool:
        return self._ids is not None

    @property
    def ids(self) -> np.ndarray:
        """The sorted chunk ids the scope covers."""
        if self._ids is None:
            self._ids = np.sort(np.asarray(self._resolve(), dtype=np.int64))
        return self._ids

    def __contains__(self, chunk_id: int) -> bool:
        if self._members is None:
            self._members = frozenset(self.ids.tolist())
        return int(chunk_id) in self._members

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Scope(groups={sorted(self.groups)})"
