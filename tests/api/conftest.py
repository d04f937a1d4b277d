"""The API suite runs three times: on SQLite in the data dir, on a real PostgreSQL server, and
on PostgreSQL with pgvector holding the indexes too (the shared search engine of a scaled
deployment: vectors, keyword terms and the permission filter in the engine's queries)."""

from __future__ import annotations

import pytest

from tests.conftest import _POSTGRES, PostgresCluster, pgvector_binaries


@pytest.fixture(scope="session", params=["sqlite", "postgres", "pgvector"], autouse=True)
def database_engine(request):
    if request.param == "sqlite":
        yield "sqlite"
        return
    # each skips its pass where its server is not installed
    cluster = (PostgresCluster() if request.param == "postgres"
               else PostgresCluster(pgvector_binaries(), search_engine=True))
    _POSTGRES.append(cluster)
    try:
        yield request.param
    finally:
        _POSTGRES.clear()
        cluster.stop()
