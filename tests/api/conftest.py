"""The API suite runs twice: on SQLite in the data dir and on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from tests.conftest import _POSTGRES, PostgresCluster


@pytest.fixture(scope="session", params=["sqlite", "postgres"], autouse=True)
def database_engine(request):
    if request.param == "sqlite":
        yield "sqlite"
        return
    cluster = PostgresCluster()  # skips the PostgreSQL pass where the server is not installed
    _POSTGRES.append(cluster)
    try:
        yield "postgres"
    finally:
        _POSTGRES.clear()
        cluster.stop()
