import re
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import FileResponse

from backend.api.deps import ContainerDep, JobsDep
from backend.api.schemas import DocumentList, DocumentOut
from ingest.parsers import ParseError, doc_type_of

router = APIRouter(tags=["documents"])


@router.get("/documents")
def list_documents(c: ContainerDep) -> DocumentList:
    return DocumentList(documents=[
        DocumentOut(id=d.id, filename=d.filename, doc_type=d.doc_type, size_bytes=d.size_bytes,
                    pages=d.pages, status=d.status, chunks=n, access=d.access,
                    content_hash=d.content_hash, created_at=d.created_at, updated_at=d.updated_at)
        for d, n in c.store.list_documents()
    ])


@router.post("/documents", status_code=202)
async def upload_documents(files: Annotated[list[UploadFile], File()], c: ContainerDep,
                           jobs: JobsDep) -> dict:
    """Queue files for ingestion; poll ``GET /jobs/{job_id}``. Unsupported files fail in the job."""
    limit = c.settings.max_upload_bytes
    folder = c.settings.uploads_dir / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for upload in files:
        name = _safe_name(upload.filename or "upload")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{name} is larger than the {limit // 2**20} MiB upload limit")
        try:
            doc_type_of(name)
        except ParseError as exc:
            entries.append({"filename": name, "status": "failed", "error": str(exc)})
            continue
        target = folder / name
        target.write_bytes(data)
        entries.append({"filename": name, "stored_as": str(target.resolve())})
    job_id = jobs.submit(entries)
    return {"job_id": job_id, "files": [e["filename"] for e in entries]}


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: int, c: ContainerDep) -> None:
    if not c.knowledge_base.delete_document(document_id):
        raise HTTPException(404, f"no document {document_id}")


@router.get("/documents/{document_id}/file")
def download_document(document_id: int, c: ContainerDep) -> FileResponse:
    """The original file, so a citation can be opened at its source."""
    doc = c.store.get_document(document_id)
    if doc is None:
        raise HTTPException(404, f"no document {document_id}")
    if not doc.source_path or not Path(doc.source_path).is_file():
        raise HTTPException(410, f"the original file of {doc.filename} is no longer on disk")
    return FileResponse(doc.source_path, filename=doc.filename)


def _safe_name(name: str) -> str:
    """The file's base name without path tricks or control characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip().lstrip(".")
    return base[:200] or "upload"
