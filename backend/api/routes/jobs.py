from fastapi import APIRouter, HTTPException

from backend.api.deps import AdminDep, ContainerDep
from backend.api.schemas import JobOut

router = APIRouter(tags=["documents"])


@router.get("/jobs/{job_id}")
def get_job(job_id: str, _: AdminDep, c: ContainerDep) -> JobOut:
    """Progress of an upload: per file queued, ingested, replaced, unchanged or failed (with why)."""
    job = c.store.get_job(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return JobOut(id=job.id, status=job.status, files=job.files, created_at=job.created_at,
                  finished_at=job.finished_at)
