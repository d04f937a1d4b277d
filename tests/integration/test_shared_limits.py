"""Two API replicas on one Redis count rate limits and failed sign-ins together."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.conftest import citeqa, new_key, start_redis, start_server, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    proc, url = start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def replicas(redis_url, tmp_path_factory):
    """Replicas A and B of one deployment: one data dir, one Redis for the counters."""
    data_dir = tmp_path_factory.mktemp("replicas")
    citeqa(data_dir, "users", "add", "ann", "--role", "admin", "--password", "ann-pass-123")
    key = new_key(data_dir, "ann")
    env = {"CITEQA_LIMITS_STORAGE_URL": redis_url, "CITEQA_RATE_LIMIT": "6/minute",
           "CITEQA_LOGIN_FAILURE_LIMIT": "3/minute"}
    a, url_a = start_server(data_dir, **env)
    b, url_b = start_server(data_dir, **env)
    yield url_a, url_b, key
    stop(a)
    stop(b)


def test_the_rate_limit_counts_requests_to_every_replica(replicas):
    url_a, url_b, key = replicas
    headers = {"Authorization": f"Bearer {key}"}
    codes = [httpx.get(f"{url}/auth/me", headers=headers).status_code
             for url in (url_a, url_b) * 3]
    assert codes == [200] * 6
    # each replica has seen only three: counted alone, both would still answer 200
    for url in (url_a, url_b):
        r = httpx.get(f"{url}/auth/me", headers=headers)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


def test_failed_sign_ins_on_one_replica_throttle_the_account_on_the_other(replicas):
    url_a, url_b, _ = replicas
    for url in (url_a, url_a, url_b):
        r = httpx.post(f"{url}/auth/token", data={"username": "ann", "password": "wrong-pass-1"})
        assert r.status_code == 401
    r = httpx.post(f"{url_b}/auth/token", data={"username": "ann", "password": "ann-pass-123"})
    assert r.status_code == 429  # the right password too, while the window is full


def test_without_its_counter_store_a_replica_refuses_rather_than_skipping_limits(replicas, redis_url):
    """Runs last: it stops Redis. Every request but /health is a 503 until it is back."""
    url_a, _, key = replicas
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    r = httpx.get(f"{url_a}/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 503 and "Retry-After" in r.headers
    assert httpx.get(f"{url_a}/health").status_code == 200
