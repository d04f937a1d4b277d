"""Uploaded files under a directory: the data dir's uploads/, or a volume several hosts share."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, data: bytes) -> str:
        folder = self.root / uuid.uuid4().hex  # a folder per upload: names never collide
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(data)
        return str(target.resolve())

    def read(self, location: str) -> bytes:
        # any local path: documents the CLI ingested keep their own path as their source
        return Path(location).read_bytes()

    def exists(self, location: str) -> bool:
        return bool(location) and Path(location).is_file()

    def discard(self, location: str | None) -> bool:
        if not location:
            return False
        root = self.root.resolve()
        target = Path(location).resolve()
        if root not in target.parents or not target.is_file():
            return False
        try:
            target.unlink()
        except OSError as exc:  # e.g. permissions: the document is gone, the file stays
            log.warning("could not delete %s: %s", location, exc)
            return False
        folder = target.parent
        if folder != root and not any(folder.iterdir()):
            folder.rmdir()
        return True
