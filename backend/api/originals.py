"""A document's original file as the routes serve it: read from the file store, or a clear
error (410 when it is gone, 503 when the store cannot be reached)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import HTTPException

from backend.ports import FileStore


def original_bytes(files: FileStore, doc) -> bytes:
    try:
        if doc.source_path:
            return files.read(doc.source_path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise HTTPException(503, f"the file store cannot be read: {exc.strerror or exc}") from None
    raise HTTPException(410, f"the original file of {doc.filename} is no longer stored")


def attachment(filename: str) -> str:
    """A Content-Disposition that downloads (never renders) the file under its own name, as
    Starlette's FileResponse writes it."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'
