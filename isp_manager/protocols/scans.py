"""Sending the scanned page of a signature given on paper (pages and API alike)."""

from __future__ import annotations

import io

from flask import send_file

from .models import ProtocolSignature


def scan_response(signature: ProtocolSignature):
    """The scan as a download: its own content type (checked by its bytes when it was
    recorded), never shown inline, never sniffed."""
    response = send_file(
        io.BytesIO(signature.scan),
        mimetype=signature.scan_content_type,
        as_attachment=True,
        download_name=signature.scan_filename or "signed-page",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
