"""What operators watch: Prometheus metrics and a request id on every response and log line.

``Observability`` is a pure ASGI middleware (streams pass through unbuffered): it times each
request, labels it by its route template (``/documents/{document_id}``, never the id: bounded
label sets), and tags it with a request id, the caller's ``X-Request-ID`` when it is a safe
token, else a new one, returned in the same header and attached to every log record written
while the request runs. ``Metrics`` holds one app's registry (not prometheus-client's global
one), so two apps in one process never share counters.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """Request and pipeline-stage metrics of one app, plus gauges read at scrape time."""

    def __init__(self, gauges: Callable[[], dict[str, tuple[str, float]]]) -> None:
        """``gauges``: name -> (help, value), read on every scrape (queue depth, documents...)."""
        self.registry = CollectorRegistry()
        self.requests = Counter("citeqa_http_requests", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("citeqa_http_request_seconds", "HTTP request latency by route",
                                 ["method", "route"], buckets=_LATENCY, registry=self.registry)
        self.stages = Histogram("citeqa_stage_seconds", "Time per pipeline stage (retrieve, "
                                "rerank, generate, total)", ["stage"], buckets=_LATENCY,
                                registry=self.registry)
        self.registry.register(_Gauges(gauges))

    def observe_stages(self, timings_ms: dict[str, float]) -> None:
        for stage, ms in timings_ms.items():
            self.stages.labels(stage).observe(ms / 1000)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Gauges:
    def __init__(self, read: Callable[[], dict[str, tuple[str, float]]]) -> None:
        self._read = read

    def collect(self):
        for name, (help_text, value) in self._read().items():
            yield GaugeMetricFamily(name, help_text, value=value)


class Observability:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what is counted if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def install_logging(json_lines: bool) -> None:
    """The request id on citeqa's and uvicorn's log records; with ``json_lines``, one JSON
    object per record (python-json-logger) for log shippers. Idempotent."""
    formatter = None
    if json_lines:
        from pythonjsonlogger.json import JsonFormatter

        formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                  rename_fields={"asctime": "time", "levelname": "level",
                                                 "name": "logger"})
    for name in ("citeqa", "uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
            logger.addFilter(RequestIdFilter())
        if name == "citeqa" and not logger.handlers:  # else only warnings would reach stderr
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))  # uvicorn's
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        if formatter is None:
            continue
        for handler in logger.handlers:
            handler.setFormatter(formatter)
