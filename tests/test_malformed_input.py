"""Malformed input is the caller's mistake, answered 400/404/422 in words, never a 500."""

from __future__ import annotations

import json

import pytest

from isp_manager.accounts.models import Role

BIG = "9223372036854775808"  # 2^63: past any integer either database holds
PAST_INTEGER = "2147483648"  # 2^31: past PostgreSQL's INTEGER, the id columns' type
TOP = "2147483647"  # 2^31 - 1: the largest id, valid but unknown

GOOD_PROTOCOL = {"kind": "isp", "title": "x", "lead_organisation": "la-cardiff", "partners": []}


@pytest.fixture
def api(api_client, make_user):
    return api_client(make_user("la-cardiff", Role.IG_LEAD))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"a":', "not valid JSON (line 1, column 6)"),
        (b'{"title": "\xff"}', "UTF-8"),
        (b"\xef\xbb\xbf" + json.dumps(GOOD_PROTOCOL).encode(), "byte-order mark"),
        (json.dumps(GOOD_PROTOCOL).encode("utf-16"), "byte-order mark"),
        (json.dumps(GOOD_PROTOCOL).encode("utf-16-le"), "UTF-8"),
        (b"[" * 1000 + b"]" * 1000, "nested too deeply"),
        (b'{"a":' * 100 + b"1" + b"}" * 100, "nested too deeply"),
    ],
)
def test_a_body_that_is_not_json_is_a_400_saying_why(api, body, says):
    response = api.post("/api/v1/protocols", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == 400
    assert says in response.json["message"]


def test_a_lone_surrogate_is_refused_on_the_field(api):
    body = json.dumps(GOOD_PROTOCOL).replace('"x"', '"\\ud800"').encode()
    response = api.post("/api/v1/protocols", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "U+D800" in response.json["errors"]["json"]["title"][0]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/protocols/{BIG}",
        f"/api/v1/protocols/{BIG}0000",
        f"/api/v1/protocols/{PAST_INTEGER}",
        f"/api/v1/protocols/{BIG}/versions/1",
        f"/api/v1/protocols/1/versions/{BIG}",
        f"/api/v1/protocols/{BIG}/export.docx",
        f"/api/v1/cooperation-requests/{BIG}",
        f"/api/v1/users/{BIG}",
        "/api/v1/organisations/la-%00cardiff",
    ],
)
def test_an_id_past_the_database_range_is_not_found(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["message"]


def test_the_largest_id_is_an_ordinary_not_found(api):
    assert api.get(f"/api/v1/protocols/{TOP}").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/v1/protocols", "/api/v1/organisations", "/api/v1/cooperation-requests"],
)
@pytest.mark.parametrize("page", [TOP, BIG, "9223372036854775807", "1000001"])
def test_a_page_past_the_range_is_a_422_naming_page(api, path, page):
    response = api.get(f"{path}?page={page}")
    assert response.status_code == 422
    assert "1,000,000" in response.json["errors"]["json"]["page"][0]


@pytest.mark.parametrize("size", [TOP, BIG, "0"])
def test_a_page_size_out_of_range_is_a_422(api, size):
    response = api.get(f"/api/v1/protocols?page_size={size}")
    assert response.status_code == 422
    assert "page_size" in response.json["errors"]["json"]


def test_the_last_page_number_answers(api):
    response = api.get("/api/v1/protocols?page=1000000")
    assert response.status_code == 200 and response.json == []


@pytest.mark.parametrize("number", [BIG, PAST_INTEGER])
@pytest.mark.parametrize(
    "query",
    ["/api/v1/protocols/1/export.docx?version={n}", "/api/v1/protocols/1/compare?old={n}&new=1"],
)
def test_an_integer_past_the_range_in_a_query_is_a_422(api, number, query):
    response = api.get(query.format(n=number))
    assert response.status_code == 422
    [messages] = response.json["errors"]["json"].values()
    assert "too large" in messages[0]


PAGE_PATHS_WITH_IDS = [
    f"/requests/{BIG}",
    f"/requests/{BIG}/respond",
    f"/agreements/{BIG}",
    f"/agreements/{PAST_INTEGER}",
    f"/agreements/{BIG}/versions/{BIG}",
    f"/agreements/{BIG}/versions/1/sections/x",
    f"/agreements/1/versions/{BIG}/partners/{BIG}",
    f"/agreements/{BIG}/versions/1/data-items/new",
    f"/agreements/{BIG}/export.docx",
    f"/admin/users/{BIG}",
]


@pytest.mark.parametrize("path", PAGE_PATHS_WITH_IDS)
def test_a_page_for_an_id_past_the_range_is_the_not_found_page(login, make_user, path):
    client = login(make_user("la-cardiff", Role.ADMIN))
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/organisations",
        "/requests/received",
        "/requests/all",
        "/agreements",
        "/agreements/reviews",
        "/register-of-agreements",
        "/audit",
    ],
)
@pytest.mark.parametrize("page", [BIG, TOP])
def test_a_list_page_past_the_range_is_the_not_found_page(login, make_user, path, page):
    client = login(make_user("la-cardiff", Role.ADMIN))
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
