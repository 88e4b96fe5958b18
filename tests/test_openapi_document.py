"""The OpenAPI document says what the API does: If-Match where it is needed (section edits
and every transition of a version), X-Pagination as the JSON text it is, 405s with Allow, and
each collection at its path, with no redirect."""

from __future__ import annotations

import json

import pytest

from isp_manager.accounts.models import Role

SECTION = "/api/v1/protocols/{protocol_id}/versions/{number}/sections/{code}"
PARTNER = "/api/v1/protocols/{protocol_id}/versions/{number}/partners/{partner_id}"
DATA_ITEM = "/api/v1/protocols/{protocol_id}/versions/{number}/data-items/{item_id}"
FLOW = "/api/v1/protocols/{protocol_id}/versions/{number}/flows/{flow_id}"
TRANSITIONS = [
    "/api/v1/protocols/{protocol_id}/submit",
    "/api/v1/protocols/{protocol_id}/qa-decision",
    "/api/v1/protocols/{protocol_id}/signatures",
    "/api/v1/protocols/{protocol_id}/signatures/paper",
    "/api/v1/protocols/{protocol_id}/versions",
    "/api/v1/protocols/{protocol_id}/withdraw",
]
COLLECTIONS = [
    "/api/v1/organisations",
    "/api/v1/protocols",
    "/api/v1/cooperation-requests",
    "/api/v1/audit-events",
    "/api/v1/users",
]


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _if_match(operation) -> dict | None:
    return next((p for p in operation.get("parameters", []) if p["name"] == "If-Match"), None)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (SECTION, "put"),
        (SECTION, "patch"),
        (PARTNER, "patch"),
        (PARTNER, "delete"),
        (DATA_ITEM, "put"),
        (DATA_ITEM, "delete"),
        (FLOW, "put"),
        (FLOW, "delete"),
        *((path, "post") for path in TRANSITIONS),
    ],
)
def test_if_match_is_a_required_header_where_the_server_requires_it(spec, path, method):
    operation = spec["paths"][path][method]
    header = _if_match(operation)
    assert (header["in"], header["required"], header["schema"]) == (
        "header",
        True,
        {"type": "string"},
    )
    assert "ETag" in header["description"]
    assert {"428", "409"} <= set(operation["responses"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/protocols/{protocol_id}/versions/{number}/partners",
        "/api/v1/protocols/{protocol_id}/versions/{number}/data-items",
        "/api/v1/protocols/{protocol_id}/versions/{number}/flows",
    ],
)
def test_if_match_is_optional_on_additions(spec, path):
    operation = spec["paths"][path]["post"]
    assert _if_match(operation)["required"] is False
    assert "409" in operation["responses"] and "428" not in operation["responses"]


def test_without_if_match_the_server_answers_428(api_client, make_user):
    client = api_client(make_user("lhb-cardiff-and-vale", Role.IG_LEAD))
    created = client.post(
        "/api/v1/protocols",
        json={"kind": "isp", "title": "T", "lead_organisation": "lhb-cardiff-and-vale"},
    ).json
    url = f"/api/v1/protocols/{created['id']}/versions/1/sections/rights"
    assert client.patch(url, json={"content": {}}).status_code == 428
    submit = client.post(f"/api/v1/protocols/{created['id']}/submit")
    assert submit.status_code == 428 and "If-Match" in submit.json["message"]


@pytest.mark.parametrize("path", COLLECTIONS)
def test_x_pagination_is_documented_as_json_text(spec, path):
    header = spec["paths"][path]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert header["schema"] == {"type": "string"}
    assert "total" in header["description"]


def test_x_pagination_is_json_text_with_a_total(api_client, make_user):
    client = api_client(make_user("la-cardiff", Role.ADMIN))
    response = client.get("/api/v1/organisations?page_size=2")
    assert json.loads(response.headers["X-Pagination"])["total"] > 2


def test_page_parameters_say_their_range(spec):
    params = {p["name"]: p for p in spec["paths"]["/api/v1/protocols"]["get"]["parameters"]}
    assert params["page"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1_000_000,
        "default": 1,
    }
    assert params["page_size"]["schema"]["maximum"] == 100


def test_ids_in_paths_say_their_range(spec):
    [param] = [
        p
        for p in spec["paths"]["/api/v1/protocols/{protocol_id}"]["parameters"]
        if p["name"] == "protocol_id"
    ]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_no_documented_path_ends_in_a_slash(spec):
    assert [p for p in spec["paths"] if p.endswith("/")] == []


@pytest.mark.parametrize("path", COLLECTIONS)
def test_each_collection_answers_at_its_path_without_a_redirect(api_client, make_user, path):
    client = api_client(make_user("la-cardiff", Role.ADMIN))
    assert client.get(path).status_code == 200
    assert client.get(path + "/").status_code == 404


def test_a_405_says_which_methods_are_allowed(api_client, make_user, login):
    client = api_client(make_user("la-cardiff", Role.ADMIN))
    response = client.delete("/api/v1/protocols")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.json["code"] == 405
    page = login(make_user("la-cardiff", Role.ADMIN)).delete("/agreements")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_the_paper_signature_is_a_multipart_upload_and_signatures_say_how_they_were_given(spec):
    operation = spec["paths"]["/api/v1/protocols/{protocol_id}/signatures/paper"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    assert "scan" in spec["components"]["schemas"][name]["properties"]
    signature = spec["components"]["schemas"]["Signature"]["properties"]
    for name in (
        "method",
        "signed_by",
        "role",
        "signed_at",
        "attested_by",
        "attested_at",
        "has_scan",
    ):
        assert name in signature
    scan = spec["paths"]["/api/v1/protocols/{protocol_id}/signatures/{signature_id}/scan"]["get"]
    assert "404" in scan["responses"]
