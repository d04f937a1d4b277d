import re
from mimetypes import guess_type
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials

from backend.access import parse_groups
from backend.api.originals import attachment, original_bytes
from backend.api.deps import AdminDep, ContainerDep, JobsDep, PrincipalDep, bearer_scheme
from backend.api.schemas import AccessPatch, DocumentIds, DocumentList, DocumentOut, json_example
from backend.auth import AuthError
from ingest.parsers import ParseError, check_content

router = APIRouter(tags=["documents"])


def _out(d, n: int) -> DocumentOut:
    return DocumentOut(id=d.id, filename=d.filename, doc_type=d.doc_type, size_bytes=d.size_bytes,
                       pages=d.pages, status=d.status, chunks=n, access=d.access,
                       uploaded_by=d.uploaded_by,
                       content_hash=d.content_hash, created_at=d.created_at, updated_at=d.updated_at)


@router.get("/documents")
def list_documents(principal: PrincipalDep, c: ContainerDep) -> DocumentList:
    """The documents you may see (admins: all)."""
    return DocumentList(documents=[_out(d, n) for d, n in c.store.list_documents()
                                   if principal.can_see(d.access or [])])


@router.post("/documents", status_code=202, responses=json_example(
    {"job_id": "5b0e…", "files": ["policy.pdf", "faq.md"]}, 202))
async def upload_documents(files: Annotated[list[UploadFile], File(examples=[["policy.pdf"]])],
                           c: ContainerDep,
                           jobs: JobsDep, admin: AdminDep,
                           groups: Annotated[str, Form(description="Comma-separated; empty = public",
                                                       examples=["hr,finance"])] = "",
                           replace: Annotated[int | None, Form(
                               description="Replace this document (its id) with the one file "
                                           "uploaded, whatever its name and groups",
                               examples=[6])] = None,
                           ) -> dict:
    """Queue files for ingestion; poll ``GET /jobs/{job_id}``. Files that are not what their
    extension says fail at once, the others are parsed in a sandbox by the job.

    A document is its name *and* its groups: a file replaces the document of the same name
    for the same groups; for other groups it becomes a document of its own (the job says so).
    An unchanged file changes nothing, not even who may see it."""
    s = c.settings
    if len(files) > s.max_upload_files:
        raise HTTPException(413, f"{len(files)} files in one upload; the limit is {s.max_upload_files}")
    if replace is not None and len(files) != 1:
        raise HTTPException(422, "replace takes exactly one file")
    try:
        access = parse_groups(groups)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    limit = s.max_upload_bytes
    entries = []
    for upload in files:
        name = _safe_name(upload.filename or "upload")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{name} is larger than the {limit // 2**20} MiB upload limit")
        try:
            check_content(data, name)
        except ParseError as exc:
            entries.append({"filename": name, "status": "failed", "error": str(exc)})
            continue
        try:
            location = await run_in_threadpool(c.files.put, name, data)
        except OSError as exc:
            raise HTTPException(503, f"{name} could not be stored: {exc.strerror}") from None
        entries.append({"filename": name, "stored_as": location, "access": access,
                        "uploaded_by": admin.name, "replace": replace})
    job_id = jobs.submit(entries)
    return {"job_id": job_id, "files": [e["filename"] for e in entries], "access": access}


@router.post("/documents/reindex", status_code=202, responses=json_example(
    {"job_id": "7c1d…", "files": ["employee_handbook.pdf", "scan.pdf"]}, 202))
def reindex_documents(body: DocumentIds, c: ContainerDep, jobs: JobsDep, _: AdminDep) -> dict:
    """Read documents again from their original files with today's parsers (OCR, tables),
    keeping their groups; poll ``GET /jobs/{job_id}``. A document whose file is gone fails in
    the job with the reason; the document itself stays as it was."""
    entries = []
    for document_id in dict.fromkeys(body.ids):
        doc = c.store.get_document(document_id)
        if doc is None:
            raise HTTPException(404, f"no document {document_id}")
        try:
            kept = bool(doc.source_path) and c.files.exists(doc.source_path)
        except OSError as exc:
            raise HTTPException(503, f"the file store cannot be read: {exc.strerror or exc}") from None
        if not kept:
            entries.append({"filename": doc.filename, "status": "failed", "document_id": doc.id,
                            "error": "the original file is no longer stored: upload it again"})
            continue
        entries.append({"filename": doc.filename, "stored_as": doc.source_path,
                        "access": list(doc.access or []), "uploaded_by": doc.uploaded_by,
                        "replace": doc.id, "reindex": True})
    return {"job_id": jobs.submit(entries), "files": [e["filename"] for e in entries]}


@router.patch("/documents/{document_id}")
def set_document_access(document_id: int, body: AccessPatch, _: AdminDep,
                        c: ContainerDep) -> DocumentOut:
    """Replace who may see a document (groups; empty = public). Applies to the next request."""
    try:
        access = parse_groups(body.groups)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if c.knowledge_base.set_access(document_id, access) is None:
        raise HTTPException(404, f"no document {document_id}")
    [(doc, chunks)] = c.store.list_documents(document_id)
    return _out(doc, chunks)


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: int, _: AdminDep, c: ContainerDep) -> None:
    """Remove a document from the store and both indexes, and its uploaded file."""
    doc = c.store.get_document(document_id)
    if doc is None or not c.knowledge_base.delete_document(document_id):
        raise HTTPException(404, f"no document {document_id}")
    c.files.discard(doc.source_path)


@router.post("/documents/{document_id}/link", responses=json_example(
    {"url": "/documents/6/file?token=eyJhbGciOiJIUzI1NiJ9…", "expires_in": 600}))
def file_link(document_id: int, principal: PrincipalDep, c: ContainerDep) -> dict:
    """A URL that opens the original file in a browser for 10 minutes (no header needed)."""
    _visible(document_id, principal, c)
    token = c.accounts.file_token(principal, document_id)
    return {"url": f"/documents/{document_id}/file?token={token}", "expires_in": 600}


@router.get("/documents/{document_id}/file", response_class=Response, responses={
    200: {"content": {"application/octet-stream": {"example": "(the file's bytes)"}},
          "description": "The original file, with its own media type"}})
def download_document(
    document_id: int, c: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    token: str | None = None,
) -> Response:
    """The original file, so a citation can be opened at its source. Send a bearer header, or
    the ``token`` of a link from ``POST /documents/{id}/link``."""
    try:
        if credentials is not None:
            principal = c.accounts.authenticate(credentials.credentials)
        elif token:
            principal = c.accounts.file_token_principal(token, document_id)
        else:
            raise AuthError("sign in, or use a link from POST /documents/{id}/link")
    except AuthError as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    doc = _visible(document_id, principal, c)
    data = original_bytes(c.files, doc)
    return Response(data, media_type=guess_type(doc.filename)[0] or "application/octet-stream",
                    headers={"Content-Disposition": attachment(doc.filename)})


def _visible(document_id: int, principal, c):
    """The document, or 404 alike for missing and forbidden (existence is not disclosed)."""
    doc = c.store.get_document(document_id)
    if doc is None or not principal.can_see(doc.access or []):
        raise HTTPException(404, f"no document {document_id}")
    return doc


def _safe_name(name: str) -> str:
    """The file's base name without path tricks or control characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip().lstrip(".")
    return base[:200] or "upload"
