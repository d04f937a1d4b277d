"""Background ingestion of uploaded files: one worker thread, state kept in the database."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from backend.storage import Store
from backend.uploads import discard_upload
from ingest.pipeline import Ingestor


class JobRunner:
    def __init__(self, store: Store, ingestor_factory, uploads_dir: Path,
                 max_job_chunks: int | None = None) -> None:
        self._store = store
        self._ingestor_factory = ingestor_factory  # deferred: loading the embedder takes seconds
        self._uploads_dir = uploads_dir
        self._max_job_chunks = max_job_chunks
        # one worker: ingestion is CPU-bound and index writes are serialised anyway
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(self, files: list[dict]) -> str:
        """files: [{"filename", "stored_as", "access", "uploaded_by", "replace"} or
        {"filename", "status": "failed", "error"}]."""
        job_id = uuid.uuid4().hex
        self._store.create_job(job_id, [{**f, "status": f.get("status", "queued")} for f in files])
        self._pool.submit(self._run, job_id)
        return job_id

    def resume_unfinished(self) -> int:
        """Re-queue jobs a crash or restart interrupted; their files are still in uploads/."""
        ids = self._store.unfinished_job_ids()
        for job_id in ids:
            self._pool.submit(self._run, job_id)
        return len(ids)

    def _run(self, job_id: str) -> None:
        job = self._store.get_job(job_id)
        files = [dict(f) for f in job.files]
        self._store.update_job(job_id, "running", files)
        ingestor: Ingestor = self._ingestor_factory()
        try:
            for f in files:
                if f["status"] != "queued":
                    continue
                path = Path(f["stored_as"])
                added = sum(x.get("chunks") or 0 for x in files if x["status"] in ("ingested", "replaced"))
                left = None if self._max_job_chunks is None else self._max_job_chunks - added
                try:
                    result = ingestor.ingest_bytes(
                        path.read_bytes(), f["filename"], source_path=str(path),
                        access=f.get("access"), uploaded_by=f.get("uploaded_by"),
                        replace=f.get("replace"), chunks_left=left)
                except OSError as exc:
                    f.update(status="failed", error=f"upload lost: {exc.strerror}")
                else:
                    f.update(status=result.status, document_id=result.document_id,
                             chunks=result.chunks, error=result.error, note=result.note)
                    if result.status in ("unchanged", "failed"):  # no document keeps this copy
                        discard_upload(str(path), self._uploads_dir)
                self._store.update_job(job_id, "running", files)
        finally:
            ingestor.kb.save()
            failed = all(f["status"] == "failed" for f in files)
            self._store.update_job(job_id, "failed" if failed else "done", files)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
