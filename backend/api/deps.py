"""Dependencies: the container built at startup, and the principal behind the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from backend.access import Principal, Scope
from backend.auth import AuthError
from backend.container import Container
from backend.jobs import JobRunner

bearer_scheme = HTTPBearer(auto_error=False, description="A session token from /auth/token or an API key")


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in the thread
# pool, a hop that costs more than the function itself on every request.

async def get_container(request: Request) -> Container:
    return request.app.state.container


async def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs


ContainerDep = Annotated[Container, Depends(get_container)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]


async def get_principal(request: Request, c: ContainerDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
                  ) -> Principal:
    """The caller, as the RequestGuard middleware verified them (checked here if it did not)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "sign in: send 'Authorization: Bearer <token or API key>'",
                            headers={"WWW-Authenticate": "Bearer"})
    principal, error = getattr(request.state, "auth", (None, None))
    if principal is not None:
        return principal
    if error is None:
        try:
            return await run_in_threadpool(c.accounts.authenticate, credentials.credentials)
        except AuthError as exc:
            error = str(exc)
    raise HTTPException(401, error, headers={"WWW-Authenticate": "Bearer"})


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "this needs the admin role")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


def get_scope(c: ContainerDep, principal: PrincipalDep) -> Scope | None:
    return c.knowledge_base.scope_for(principal)


ScopeDep = Annotated[Scope | None, Depends(get_scope)]
