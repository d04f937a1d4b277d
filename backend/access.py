"""Who is asking and what they may see. The one rule: public, or a shared group, or admin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass(eq=False)  # compared and hashed by identity: adapters key memos on it
class Scope:
    """The chunk ids one principal may retrieve. ``None`` instead of a Scope means everything.

    A scope is rebuilt whenever documents or their access lists change. What depends only on
    the ids (a FAISS selector) is memoised in ``derived``; what also depends on an index's
    build (a BM25 position mask) is memoised by that index, keyed on the scope.
    """

    ids: np.ndarray  # sorted int64
    derived: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._members = frozenset(self.ids.tolist())

    def __contains__(self, chunk_id: int) -> bool:
        return int(chunk_id) in self._members

    def __len__(self) -> int:
        return len(self.ids)
