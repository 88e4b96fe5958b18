"""Prometheus metrics at /metrics, when METRICS_ENABLED is set (off by default).

Requests by endpoint (the route's name, never the URL: a bounded set), method and status; a
latency histogram by endpoint; server errors (5xx) by endpoint; mail sent and mail that
could not be sent; and, at each scrape, the messages waiting in the outbox folder of the
embedded default (no MAIL_SERVER). With METRICS_TOKEN set, a scrape must send
`Authorization: Bearer <token>`.

Under gunicorn each worker is a process of its own. With PROMETHEUS_MULTIPROC_DIR set (to an
empty directory, before gunicorn starts: deploy/gunicorn.conf.py does it) the workers write
their figures there and a scrape of any worker adds all of them up. Without it each worker
reports only its own requests.
"""

from __future__ import annotations

import hmac
import os
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

bp = Blueprint("ops", __name__)

REQUESTS = Counter("ispm_http_requests", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "ispm_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter("ispm_http_server_errors", "Requests answered with a 5xx status", ["endpoint"])
MAIL_SENT = Counter("ispm_mail_sent", "Messages handed to the mail server or the outbox")
MAIL_FAILED = Counter("ispm_mail_failed", "Messages that could not be sent")


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class OutboxCollector:
    """Messages waiting in the outbox folder (the embedded default), counted at each scrape."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        gauge = GaugeMetricFamily(
            "ispm_mail_outbox_messages",
            "Messages in the outbox folder not yet collected (no MAIL_SERVER set)",
        )
        outbox = Path(self.app.config["MAIL_OUTBOX"])
        waiting = 0
        if not self.app.config.get("MAIL_SERVER") and outbox.is_dir():
            waiting = sum(1 for p in outbox.iterdir() if p.suffix == ".eml")
        gauge.add_metric([], waiting)
        yield gauge


def init_metrics(app: Flask) -> None:
    if not app.config["METRICS_ENABLED"]:
        return
    app.register_blueprint(bp)

    @app.after_request
    def _count(response):
        endpoint = request.endpoint or "unmatched"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        if response.status_code >= 500:
            ERRORS.labels(endpoint).inc()
        return response


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


@bp.get("/metrics")
def metrics():
    if not _authorised():
        return Response(
            "Send the metrics token: Authorization: Bearer <token>\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
            mimetype="text/plain",
        )
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, ERRORS, MAIL_SENT, MAIL_FAILED):
            registry.register(collector)
    registry.register(OutboxCollector(current_app._get_current_object()))
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


__all__ = ["REGISTRY", "bp", "init_metrics", "MAIL_SENT", "MAIL_FAILED"]
