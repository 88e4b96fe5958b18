"""CSV downloads that are safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

# A cell starting with one of these is treated as a formula by Excel, LibreOffice and Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value) -> str:
    """The value as text; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A CSV attachment (UTF-8 with BOM, so Excel reads Welsh letters correctly)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    response = Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
