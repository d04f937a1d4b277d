"""The file-store contract on both adapters: the data dir's uploads/ and an S3-compatible
object store (boto3 against moto's S3 server on loopback, real HTTP)."""

from __future__ import annotations

import os

import pytest

from backend.adapters.local_file_store import LocalFileStore
from tests.conftest import start_s3, stop


@pytest.fixture(scope="module")
def s3_env(tmp_path_factory):
    proc, env = start_s3(tmp_path_factory.mktemp("s3"))
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    stop(proc)


@pytest.fixture(params=["directory", "s3"])
def files(request, tmp_path):
    if request.param == "directory":
        return LocalFileStore(tmp_path / "uploads")
    from backend.adapters.s3_file_store import S3FileStore

    env = request.getfixturevalue("s3_env")
    return S3FileStore(f"s3://citeqa-{os.getpid()}/uploads", env["CITEQA_S3_ENDPOINT_URL"])


def test_an_upload_is_kept_read_and_discarded(files):
    name = "Reisekosten ü 旅費 (2).pdf"
    first, second = files.put(name, b"%PDF-1 first"), files.put(name, b"%PDF-1 second")
    assert first != second  # the same name twice: two files
    assert files.read(first) == b"%PDF-1 first" and files.read(second) == b"%PDF-1 second"
    assert files.exists(first)
    assert files.discard(first) and not files.exists(first)
    assert not files.discard(first)  # already gone
    with pytest.raises(FileNotFoundError):
        files.read(first)
    assert files.read(second) == b"%PDF-1 second"


def test_a_file_ingested_from_elsewhere_is_read_but_never_deleted(files, tmp_path):
    own = tmp_path / "elsewhere" / "handbook.txt"  # the CLI records its own path as the source
    own.parent.mkdir()
    own.write_bytes(b"kept")
    assert files.read(str(own)) == b"kept" and files.exists(str(own))
    assert not files.discard(str(own)) and own.read_bytes() == b"kept"
    assert not files.exists("") and not files.discard(None)
    assert not files.exists(str(tmp_path / "missing.txt"))


def test_the_object_store_keeps_to_its_bucket_and_prefix(s3_env):
    from backend.adapters.s3_file_store import S3FileStore

    endpoint = s3_env["CITEQA_S3_ENDPOINT_URL"]
    ours = S3FileStore("s3://citeqa-shared/team-a", endpoint)
    theirs = S3FileStore("s3://citeqa-shared/team-b", endpoint)
    location = theirs.put("plan.txt", b"b's")
    assert location.startswith("s3://citeqa-shared/team-b/")
    assert not ours.discard(location) and theirs.read(location) == b"b's"
    with pytest.raises(FileNotFoundError):
        ours.read("s3://another-bucket/team-a/x/plan.txt")
    with pytest.raises(ValueError):
        S3FileStore("https://citeqa-shared/team-a", endpoint)


def test_an_unreachable_object_store_is_a_clear_error_at_startup(s3_env):
    from backend.adapters.s3_file_store import S3FileStore
    from tests.conftest import free_port

    with pytest.raises(RuntimeError, match="cannot be reached"):
        S3FileStore("s3://citeqa/uploads", f"http://127.0.0.1:{free_port()}")


def test_an_object_store_that_goes_down_is_an_error_not_a_missing_file(tmp_path):
    from backend.adapters.s3_file_store import S3FileStore

    proc, env = start_s3(tmp_path)
    try:
        files = S3FileStore("s3://citeqa-outage/uploads", env["CITEQA_S3_ENDPOINT_URL"],
                            client=_client(env))
        location = files.put("plan.txt", b"kept")
    finally:
        stop(proc)
    # unreachable is not "gone": a caller must not report the file lost or forget it
    with pytest.raises(OSError) as exists_error:
        files.exists(location)
    assert not isinstance(exists_error.value, FileNotFoundError)
    with pytest.raises(OSError) as read_error:
        files.read(location)
    assert not isinstance(read_error.value, FileNotFoundError)
    assert files.discard(location) is False  # logged and left behind, never raised


def test_a_local_file_that_cannot_be_deleted_is_left_not_raised(tmp_path, monkeypatch):
    files = LocalFileStore(tmp_path / "uploads")
    location = files.put("plan.txt", b"kept")

    def refuse(self, missing_ok=False):  # as a read-only volume refuses (root ignores chmod)
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr("pathlib.Path.unlink", refuse)
    assert files.discard(location) is False and files.read(location) == b"kept"


def _client(env):
    """A client that gives up quickly once the store is down (boto3 retries for seconds)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=env["CITEQA_S3_ENDPOINT_URL"],
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                        region_name=env["AWS_DEFAULT_REGION"],
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2))
