"""Dependencies: the container built at startup, reached through the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.container import Container
from backend.jobs import JobRunner


def get_container(request: Request) -> Container:
    return request.app.state.container


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs


ContainerDep = Annotated[Container, Depends(get_container)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
