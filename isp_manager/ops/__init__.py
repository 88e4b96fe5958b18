"""Running the service: request ids and logs, health and readiness, metrics, backups."""

from __future__ import annotations

from flask import Flask


def init_ops(app: Flask) -> None:
    """Logging first (everything after logs through it), then the per-request hooks."""
    from .logs import configure_logging, register_request_logging
    from .metrics import init_metrics

    configure_logging(app)
    register_request_logging(app)
    init_metrics(app)
