"""GET /api/v1/protocols/{id}/export.docx: an agreement as a Word document (api-contract.md).

The current version (the one in force, else the latest); `?version=N` for another one.
An agreement the caller may not see, or a version it does not have, is a 404.
"""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..api_schema import Schema
from ..documents.layout import LANGUAGES, document_language
from .export import DOCX_MIMETYPE, docx_response, load_for_export

blp = Blueprint(
    "protocol_export_api",
    __name__,
    url_prefix="/protocols",
    description="Agreements as Word documents, shaped like a published WASPI ISP.",
)


class ExportQuerySchema(Schema):
    class Meta:
        unknown = ma.EXCLUDE  # ?lang=cy and the like

    version = ma.fields.Integer(
        load_default=None,
        error_messages={"invalid": "Give the version as a whole number, like 2 for V2"},
        validate=ma.validate.Range(
            min=1, error="Give the version as a whole number, like 2 for V2"
        ),
        metadata={"description": "The version number (2 for V2); the current version if left out."},
    )
    language = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(
            LANGUAGES,
            error="Choose the document's language: en (English), cy (Welsh) or bilingual (both)",
        ),
        metadata={
            "description": "en, cy, or bilingual (Welsh and English side by side, Welsh "
            "first); the reader's language if left out."
        },
    )


@blp.route("/<int:protocol_id>/export.docx", methods=["GET"])
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type=DOCX_MIMETYPE,
    description="The Word document (.docx), as an attachment named REFERENCE-VN.docx.",
)
def export_docx(args, protocol_id: int):
    """The agreement as a Word document: the current version, or `?version=N`; in English,
    Welsh or both (`?language=en|cy|bilingual`, the reader's language by default)."""
    version = load_for_export(protocol_id, args["version"], current_user)
    return docx_response(version, document_language(args["language"]))
