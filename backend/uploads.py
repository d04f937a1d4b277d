"""Copies of uploaded files under the data dir's uploads/: kept while a document needs them."""

from __future__ import annotations

from pathlib import Path


def discard_upload(path: str | None, uploads_dir: Path) -> bool:
    """Delete ``path`` if it is a stored upload (never a file the CLI ingested from elsewhere),
    and its folder once empty. True if something was deleted."""
    if not path:
        return False
    root = uploads_dir.resolve()
    target = Path(path).resolve()
    if root not in target.parents or not target.is_file():
        return False
    target.unlink()
    folder = target.parent
    if folder != root and not any(folder.iterdir()):
        folder.rmdir()
    return True
