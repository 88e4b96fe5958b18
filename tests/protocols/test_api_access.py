"""The API access table: every protocol route, for anonymous callers, each role, and party and
non-party organisations: 401, 404 (not party), 403 (not allowed), 2xx when allowed."""

from __future__ import annotations

import pytest
from protocol_helpers import join_qa_group

from isp_manager.accounts.models import Role
from isp_manager.extensions import db

BASE = "/api/v1/protocols"
ACTORS = {
    "lead_colleague": ("lhb-cardiff-and-vale", Role.IG_LEAD),
    "partner_ig": ("la-cardiff", Role.IG_LEAD),
    "partner_practitioner": ("la-cardiff", Role.PRACTITIONER),
    "outsider_ig": ("la-swansea", Role.IG_LEAD),
    "auditor": ("la-swansea", Role.AUDITOR),
    "admin": ("la-swansea", Role.ADMIN),
    "qa_member": ("la-swansea", Role.IG_LEAD),
}
# Members of the QA group the version goes to: the lead's colleague (refused: same organisation
# as the submitter) and an IG lead of a body that is not a party (the reviewer).
QA_MEMBERS = {"lead_colleague", "qa_member"}
READERS = {
    "author",
    "signatory",
    "lead_colleague",
    "partner_ig",
    "partner_practitioner",
    "auditor",
    "admin",
}
AUTHORS = {"author", "lead_colleague"}

# name: (method, path after /protocols/{id}, body, state, who may, status when allowed)
ROUTES = {
    "get_protocol": ("GET", "", None, "draft", READERS, 200),
    "list_versions": ("GET", "/versions", None, "draft", READERS, 200),
    "get_version": ("GET", "/versions/1", None, "draft", READERS, 200),
    "get_section": ("GET", "/versions/1/sections/rights", None, "draft", READERS, 200),
    "compare": ("GET", "/compare?old=1&new=1", None, "draft", READERS, 200),
    "signatures": ("GET", "/signatures", None, "draft", READERS, 200),
    "patch_section": (
        "PATCH",
        "/versions/1/sections/rights",
        {"content": {"complaints": "x"}},
        "draft",
        AUTHORS,
        200,
    ),
    "add_partner": (
        "POST",
        "/versions/1/partners",
        {"organisation": "nhs-wast"},
        "draft",
        AUTHORS,
        201,
    ),
    "patch_partner": (
        "PATCH",
        "/versions/1/partners/{partner}",
        {"contact_name": "x"},
        "draft",
        AUTHORS,
        200,
    ),
    "add_item": ("POST", "/versions/1/data-items", {"category": "x"}, "draft", AUTHORS, 201),
    "put_item": ("PUT", "/versions/1/data-items/{item}", {"category": "x"}, "draft", AUTHORS, 200),
    "add_flow": ("POST", "/versions/1/flows", {"what": "x"}, "draft", AUTHORS, 201),
    "delete_flow": ("DELETE", "/versions/1/flows/{flow}", None, "draft", AUTHORS, 204),
    "submit": ("POST", "/submit", {"qa_group": "waspi-south"}, "draft", AUTHORS, 200),
    "qa_approve": (
        "POST",
        "/qa-decision",
        {"decision": "approve"},
        "submitted",
        {"qa_member"},
        200,
    ),
    "sign": (
        "POST",
        "/signatures",
        {},
        "qa_approved",
        {"signatory"},  # only the one Cardiff Council names, from their own account
        201,
    ),
    "new_version": ("POST", "/versions", {}, "active", AUTHORS, 201),
    "withdraw": ("POST", "/withdraw", {"reason": "Ended"}, "active", AUTHORS, 200),
}

TRANSITIONS = {"submit", "qa_approve", "sign", "new_version", "withdraw"}


def _expected(actor, allowed, ok_status, state):
    if actor == "anonymous":
        return 401
    if actor == "qa_member" and state == "draft":
        return 404  # not yet submitted to their group
    if actor not in READERS and actor != "qa_member":
        return 404
    return ok_status if actor in allowed else 403


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("actor", ["anonymous", "author", "signatory", *ACTORS])
def test_api_access_table(version_in, make_user, api_client, app, route, actor):
    method, path, body, state, allowed, ok_status = ROUTES[route]
    version, author = version_in(state)
    path = path.format(
        partner=version.partners[1].id, item=version.data_items[0].id, flow=version.flows[0].id
    )
    url = f"{BASE}/{version.protocol_id}{path}"
    if actor == "anonymous":
        client = app.test_client()
    else:
        user = {
            "author": lambda: author,
            "signatory": lambda: version.partners[1].signatory_user,
        }.get(actor, lambda: make_user(*ACTORS[actor]))()
        if actor in QA_MEMBERS:
            join_qa_group(user)
        client = api_client(user)
    db.session.commit()  # a refused request rolls back its transaction, not the test's data
    headers = {"If-Match": "*"} if method in ("PATCH", "PUT", "DELETE") else {}
    if route in TRANSITIONS:  # the ETag of the version acted on, as the caller read it
        headers = {"If-Match": version.etag}
    response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == _expected(actor, allowed, ok_status, state), (
        route,
        actor,
        response.json,
    )
    if response.status_code == 404:
        assert version.protocol.title not in response.get_data(as_text=True)
