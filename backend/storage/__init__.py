"""SQLAlchemy persistence: documents, chunks, jobs, users, API keys."""

from backend.storage.models import ApiKeyRow, Base, ChunkRow, DocumentRow, JobRow, UserRow
from backend.storage.repository import Store, create_store

__all__ = ["ApiKeyRow", "UserRow", "Base", "ChunkRow", "DocumentRow", "JobRow", "Store", "create_store"]
