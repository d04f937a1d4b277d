"""Uploaded files in an S3-compatible object store (AWS S3, MinIO, Ceph...) through boto3, so
that API replicas and `citeqa worker` processes on any host read the same files.

Locations are ``s3://bucket/key``. A document the CLI ingested from a local path keeps that
path as its source and is read from the local disk, as with the directory store.
"""

from __future__ import annotations

import errno
import logging
import uuid
from pathlib import Path
from urllib.parse import urlparse

SCHEME = "s3://"

log = logging.getLogger(__name__)


class S3FileStore:
    def __init__(self, url: str, endpoint_url: str | None = None, client=None) -> None:
        """``url``: s3://bucket/prefix. The bucket is created if missing (MinIO starts empty)."""
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"CITEQA_FILES_URL must look like s3://bucket/prefix, not {url!r}")
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/") + "/" if parsed.path.strip("/") else ""
        self._client = client or boto3.client("s3", endpoint_url=endpoint_url)
        self._errors = (BotoCoreError, ClientError)
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _status(exc) != 404:
                raise RuntimeError(f"the file store {url} cannot be used: {exc}") from None
            self._client.create_bucket(Bucket=self.bucket)
        except BotoCoreError as exc:
            raise RuntimeError(f"the file store {url} cannot be reached: {exc}") from None

    def _key(self, location: str) -> str | None:
        """The object key of a location in this bucket, or None."""
        if not location.startswith(SCHEME):
            return None
        bucket, _, key = location[len(SCHEME):].partition("/")
        return key if bucket == self.bucket and key else None

    def put(self, name: str, data: bytes) -> str:
        key = f"{self.prefix}{uuid.uuid4().hex}/{name}"
        try:
            self._client.put_object(Bucket=self.bucket, Key=key, Body=data)
        except self._errors as exc:
            raise OSError(errno.EIO, f"the file store refused the upload: {exc}") from None
        return f"{SCHEME}{self.bucket}/{key}"

    def read(self, location: str) -> bytes:
        key = self._key(location)
        if key is None:
            if location.startswith(SCHEME):  # another bucket: not ours to read
                raise FileNotFoundError(errno.ENOENT, "not in this file store", location)
            return Path(location).read_bytes()
        try:
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self._errors as exc:
            if _status(exc) == 404:
                raise FileNotFoundError(errno.ENOENT, "no such file in the store", location) from None
            raise OSError(errno.EIO, f"the file store cannot be read: {exc}") from None

    def exists(self, location: str) -> bool:
        if not location:
            return False
        key = self._key(location)
        if key is None:
            return not location.startswith(SCHEME) and Path(location).is_file()
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
            return True
        except self._errors as exc:
            if _status(exc) == 404:
                return False
            raise OSError(errno.EIO, f"the file store cannot be read: {exc}") from None

    def discard(self, location: str | None) -> bool:
        key = self._key(location or "")
        if key is None or not key.startswith(self.prefix):
            return False
        try:
            if not self.exists(location):
                return False
            self._client.delete_object(Bucket=self.bucket, Key=key)
        except (OSError, *self._errors) as exc:
            # the document is already gone; failing its delete would lose nothing but the
            # answer, so the object is left behind and named for the operator to remove
            log.warning("could not delete %s from the file store: %s", location, exc)
            return False
        return True


def _status(exc) -> int | None:
    """The HTTP status of a botocore error, if it has one."""
    response = getattr(exc, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    if code in ("404", "NoSuchKey", "NoSuchBucket", "NotFound"):
        return 404
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")
