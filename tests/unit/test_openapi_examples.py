"""Every endpoint documents a request example (when it takes a body) and a response example
(when it returns one), so integrators can copy a working call from /docs."""

from __future__ import annotations

import pytest

from backend.api.app import create_app
from backend.settings import Settings


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("openapi"))).openapi()


def _has_example(content: dict, spec: dict) -> bool:
    if "example" in content or "examples" in content:
        return True
    schema = content.get("schema", {})
    if "items" in schema:  # a list of a documented model
        schema = schema["items"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "examples" in schema or "example" in schema:
        return True
    props = schema.get("properties", {})  # a form: each field's example
    return bool(props) and all("examples" in p or "example" in p for p in props.values())


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            yield f"{method.upper()} {path}", op


def test_every_request_body_has_an_example(spec):
    missing = [name for name, op in operations(spec)
               for content in op.get("requestBody", {}).get("content", {}).values()
               if not _has_example(content, spec)]
    assert missing == []


def test_every_response_body_has_an_example(spec):
    missing = []
    for name, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                continue
            for media, content in response.get("content", {}).items():
                if not _has_example(content, spec):
                    missing.append(f"{name} {status} {media}")
    assert missing == []
