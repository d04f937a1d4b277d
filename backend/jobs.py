"""Background ingestion of uploaded files, state kept in the database.

By default one thread of the API server runs the jobs. With ``CITEQA_INGEST_IN_SERVER=false``
the server only queues them and ``citeqa worker`` processes claim and run them (``Worker``), so
an API replica that dies loses nothing and ingestion does not compete with answering.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

from backend.storage import Store
from backend.ports import FileStore
from ingest.pipeline import Ingestor


log = logging.getLogger(__name__)


UNFINISHED = ("queued", "parsing", "embedding")


class JobRunner:
    def __init__(self, store: Store, ingestor_factory, files: FileStore,
                 max_job_chunks: int | None = None, in_process: bool = True) -> None:
        self._store = store
        self._in_process = in_process  # False: jobs wait in the database for `citeqa worker`
        self._ingestor_factory = ingestor_factory  # deferred: loading the embedder takes seconds
        self._files = files
        self._max_job_chunks = max_job_chunks
        # one worker: ingestion is CPU-bound and index writes are serialised anyway
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(self, files: list[dict]) -> str:
        """files: [{"filename", "stored_as", "access", "uploaded_by", "replace"} or
        {"filename", "status": "failed", "error"}]."""
        job_id = uuid.uuid4().hex
        self._store.create_job(job_id, [{**f, "status": f.get("status", "queued")} for f in files])
        if self._in_process:
            self._pool.submit(self._process_here, job_id)
        return job_id

    def resume_unfinished(self) -> int:
        """Re-queue jobs a crash or restart interrupted; their files are still in the file store.
        (With external workers, a job whose worker died is claimed again instead.)"""
        if not self._in_process:
            return 0
        ids = self._store.unfinished_job_ids()
        for job_id in ids:
            self._pool.submit(self._process_here, job_id)
        return len(ids)

    def writing(self) -> AbstractContextManager[None]:
        """The index write lock, held while a job runs here or in a ``citeqa worker``: a
        ``citeqa ingest`` meanwhile would save the index files from what it holds, and the
        later of the two saves dropped the other's documents. (Without local index files, with
        a search engine, it is no lock: workers write at once.)"""
        return self._ingestor_factory().kb.writing()

    def _process_here(self, job_id: str) -> None:
        with self.writing():
            self.process(job_id)

    def process(self, job_id: str) -> None:
        """Ingest the job's queued files, recording each outcome as it comes."""
        job = self._store.get_job(job_id)
        files = [dict(f) for f in job.files]
        self._store.update_job(job_id, "running", files)
        ingestor: Ingestor = self._ingestor_factory()
        ingestor.kb.refresh_if_changed()  # another process may have written the index files
        try:
            for f in files:
                if f["status"] not in UNFINISHED:  # a crash mid-file leaves it parsing/embedding
                    continue
                location = f["stored_as"]
                added = sum(x.get("chunks") or 0 for x in files if x["status"] in ("ingested", "replaced"))
                left = None if self._max_job_chunks is None else self._max_job_chunks - added
                def stage(name: str, f: dict = f) -> None:  # shown per file while it runs
                    f["status"] = name
                    self._store.update_job(job_id, "running", files)

                try:
                    result = ingestor.ingest_bytes(
                        self._files.read(location), f["filename"], source_path=location,
                        access=f.get("access"), uploaded_by=f.get("uploaded_by"),
                        replace=f.get("replace"), chunks_left=left,
                        force=bool(f.get("reindex")), on_stage=stage)
                except OSError as exc:
                    f.update(status="failed", error=f"upload lost: {exc.strerror}")
                else:
                    f.update(status=result.status, document_id=result.document_id,
                             chunks=result.chunks, error=result.error, note=result.note)
                    # no document keeps this copy (a re-index reads the document's own file)
                    if result.status in ("unchanged", "failed") and not f.get("reindex"):
                        self._files.discard(location)
                self._store.update_job(job_id, "running", files)
        finally:
            ingestor.kb.save()
            failed = all(f["status"] == "failed" for f in files)
            self._store.update_job(job_id, "failed" if failed else "done", files)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


class Worker:
    """``citeqa worker``: claims queued jobs from the database and runs them.

    Several workers (on several hosts sharing the data dir) never run one job twice: claims
    are conditional updates (``FOR UPDATE SKIP LOCKED`` on PostgreSQL). A running job's
    heartbeat is refreshed every ``heartbeat_seconds``; a job whose heartbeat is older than
    ``stale_after_seconds`` (its worker died) is claimed again. Index files are written by one
    process at a time: the runner's index write lock is held while a job runs.
    """

    def __init__(self, store: Store, runner: JobRunner,
                 stale_after_seconds: float = 300, heartbeat_seconds: float = 20) -> None:
        self._store, self._runner = store, runner
        self._stale, self._beat = stale_after_seconds, heartbeat_seconds

    def run_once(self) -> str | None:
        """Claim and run one job; its id, or None when the queue is empty."""
        with self._runner.writing():  # claimed under it: a waiting worker holds no job
            job_id = self._store.claim_job(self._stale)
            if job_id is None:
                return None
            log.info("job %s claimed", job_id)
            done = threading.Event()
            beat = threading.Thread(target=self._heartbeat, args=(job_id, done), daemon=True)
            beat.start()
            try:
                self._runner.process(job_id)
            finally:
                done.set()
                beat.join()
            log.info("job %s finished", job_id)
            return job_id

    def run(self, poll_seconds: float = 1.0, stop: threading.Event | None = None,
            until_empty: bool = False) -> int:
        """Process jobs until ``stop`` is set (or, with ``until_empty``, the queue is empty)."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set():
            if self.run_once() is not None:
                done += 1
            elif until_empty:
                break
            else:
                stop.wait(poll_seconds)
        return done

    def _heartbeat(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(self._beat):
            self._store.touch_job(job_id)
