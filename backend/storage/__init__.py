"""SQLAlchemy persistence: documents, chunks, jobs."""

from backend.storage.models import Base, ChunkRow, DocumentRow, JobRow
from backend.storage.repository import Store, create_store

__all__ = ["Base", "ChunkRow", "DocumentRow", "JobRow", "Store", "create_store"]
