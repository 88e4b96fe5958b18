"""The flask-smorest Blueprint of every API module, with the service's request rules.

- JSON bodies are read strictly: text that is not UTF-8 JSON (a byte-order mark, UTF-16, a
  truncated document) or that nests too deeply is a 400 saying so, never a 500.
- `page` is bounded (pagination.MAX_PAGE); a larger one is a 422 naming `page`.
- X-Pagination is documented as what it is: JSON text with a `total` key.
- `if_match()` documents the If-Match header of the operations that use one.
"""

from __future__ import annotations

import json

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import BadRequest

from .i18n import gettext as _
from .pagination import MAX_PAGE

# Deeper than any document the API reads; deep nesting only costs the parser's stack.
MAX_JSON_DEPTH = 32


class InvalidJson(BadRequest):
    """A body that is not JSON: the message says what is wrong with it."""


def _depth_exceeds(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_json_body(raw: bytes):
    """The JSON document in `raw`, or InvalidJson saying in words why it is not one."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise InvalidJson(_("Send the JSON as UTF-8 without a byte-order mark."))
    try:
        text = raw.decode("utf-8")
        if "\x00" in text:  # never in JSON text: the mark of UTF-16 or UTF-32
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL byte")
    except UnicodeDecodeError:
        raise InvalidJson(_("Send the JSON as UTF-8 text.")) from None
    try:
        document = json.loads(text)
    except RecursionError:
        document = None
        depth_error = True
    except ValueError as error:
        raise InvalidJson(
            _(
                "The request body is not valid JSON (line %(line)s, column %(column)s): "
                "check the brackets, quotes and commas.",
                line=getattr(error, "lineno", 1),
                column=getattr(error, "colno", 1),
            )
        ) from None
    else:
        depth_error = _depth_exceeds(document, MAX_JSON_DEPTH)
    if depth_error:
        raise InvalidJson(
            _("The JSON is nested too deeply: at most %(limit)s levels.", limit=MAX_JSON_DEPTH)
        )
    return document


class ArgumentsParser(FlaskParser):
    def _raw_load_json(self, req):
        if not core.is_json(req.mimetype):
            return core.missing
        return parse_json_body(req.get_data(cache=True))


class PaginationParser(FlaskParser):
    def parse(self, argmap, req=None, **kwargs):
        params = super().parse(argmap, req, **kwargs)
        if params.page > MAX_PAGE:
            abort(422, messages={"query": {"page": [page_too_large_message()]}})
        return params


def page_too_large_message() -> str:
    return _("Give a page number from 1 to %(max)s.", max=f"{MAX_PAGE:,}")


PAGINATION_HEADER_DOC = {
    "description": 'Pagination metadata as JSON text, like {"total": 42, "total_pages": 2, '
    '"first_page": 1, "last_page": 2, "page": 1, "next_page": 2}; `total` is the number '
    "of items in the whole list.",
    "schema": {"type": "string"},
}

IF_MATCH_DOC = (
    "The ETag you last read (of the section, or of the version for a transition), so that "
    "nobody's changes are overwritten."
)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()
    PAGINATION_ARGUMENTS_PARSER = PaginationParser()

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER_DOC

    def _prepare_pagination_doc(self, doc, doc_info, *, spec, **kwargs):
        operation = doc_info.get("pagination")
        if operation:
            fields = operation["parameters"]["schema"]._declared_fields
            doc_info = {
                **doc_info,
                "pagination": {**operation, "parameters": _page_parameters(fields)},
            }
        doc = super()._prepare_pagination_doc(doc, doc_info, spec=spec, **kwargs)
        if operation:  # the two parameters were appended as one list: flatten it
            params = doc["parameters"]
            doc["parameters"] = [*params[:-1], *params[-1]]
        return doc

    def if_match(self, *, required: bool):
        """Document the If-Match header: 428 without it (when required), 409 when stale."""
        responses = [(409, _conflict_doc())]
        if required:
            responses.insert(0, (428, "No If-Match header was sent: send the ETag you read."))

        def decorator(func):
            func = self.doc(
                parameters=[
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": required,
                        "schema": {"type": "string"},
                        "description": IF_MATCH_DOC,
                    }
                ]
            )(func)
            for status, description in responses:
                func = self.alt_response(status, description=description)(func)
            return func

        return decorator


def _conflict_doc() -> str:
    return (
        "Someone changed it since the ETag sent in If-Match was read, or its state does not "
        "allow the change: read it again."
    )


def _page_parameters(fields) -> list[dict]:
    page_size = fields["page_size"]
    size_range = page_size.validators[0]
    return [
        {
            "in": "query",
            "name": "page",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE,
                "default": fields["page"].load_default,
            },
        },
        {
            "in": "query",
            "name": "page_size",
            "schema": {
                "type": "integer",
                "minimum": size_range.min,
                "maximum": size_range.max,
                "default": page_size.load_default,
            },
        },
    ]
